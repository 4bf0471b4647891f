"""Rewards for tip-offs (举报奖励) and for employees' internal reports (内部报告奖励).

The amounts follow the rules in ``RewardPolicy`` (defaults: the national 2018 measures,
REFERENCE.md §6.1):
- a 重大 hazard or illegal production: a share of the administrative fine, raised to the floor and
  cut to the cap;
- a concealed or falsely reported accident: an amount per confirmed concealed death by accident
  level, cut to its cap;
- an employee reporting their own employer: the configured uplift on top, still within the cap;
- only the first valid tipster of a hazard is rewarded.
A tip-off reward is approved by a second person (never the proposer); the reporter claims an approved
reward with the tracking code and secret before ``claim_by``; the payout is then recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anlan.core import crypto
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind, UserRole
from anlan.core.validators import normalize_mobile, validate_mobile

from . import tipoffs
from .choices import (
    AccidentLevel,
    HazardChannel,
    HazardLevel,
    HazardStatus,
    RewardBasis,
    RewardKind,
    RewardStatus,
    TipOffEventKind,
    TipOffStatus,
)
from .models import (
    Hazard,
    IdentityViewing,
    InternalRewardScheme,
    Reward,
    RewardPolicy,
    TipOff,
    local_today,
)

YUAN = Decimal("1")


@dataclass
class Computation:
    amount: Decimal
    steps: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return "\n".join(self.steps)


def _percent(value) -> str:
    return format(Decimal(value).normalize(), "f")


def _money(value) -> str:
    return f"¥{Decimal(value).quantize(YUAN, ROUND_HALF_UP):,}"


def _decimal(value, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except Exception as exc:
        raise ValidationError({field_name: _("Enter an amount in yuan.")}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({field_name: _("Enter an amount of zero or more.")})
    return number


def compute(
    *,
    policy: RewardPolicy,
    basis: str,
    fine_amount=None,
    accident_level: str = "",
    deaths=None,
    employee: bool = False,
) -> Computation:
    """The reward the rules give, with each step spelled out for the record."""
    if basis == RewardBasis.FINE:
        if fine_amount in (None, ""):
            raise ValidationError({"fine_amount": _("Enter the administrative fine.")})
        fine = _decimal(fine_amount, "fine_amount")
        share = fine * policy.fine_share_percent / 100
        steps = [
            _("%(share)s%% of the fine %(fine)s = %(amount)s")
            % {
                "share": _percent(policy.fine_share_percent),
                "fine": _money(fine),
                "amount": _money(share),
            }
        ]
        amount = share
        floor, cap = policy.fine_floor, policy.fine_cap
        if amount < floor:
            amount = floor
            steps.append(_("raised to the minimum %(floor)s") % {"floor": _money(floor)})
    elif basis == RewardBasis.CONCEALED_ACCIDENT:
        errors = {}
        if accident_level not in AccidentLevel.values:
            errors["accident_level"] = _("Choose the accident level.")
        try:
            deaths = int(deaths)
            if deaths < 1:
                raise ValueError
        except (TypeError, ValueError):
            errors["concealed_deaths"] = _("Enter the number of concealed deaths (1 or more).")
        if errors:
            raise ValidationError(errors)
        per = policy.per_death(accident_level)
        amount = per * deaths
        steps = [
            _("%(level)s accident: %(per)s × %(deaths)d concealed deaths = %(amount)s")
            % {
                "level": AccidentLevel(accident_level).label,
                "per": _money(per),
                "deaths": deaths,
                "amount": _money(amount),
            }
        ]
        cap = policy.concealed_cap
    else:
        raise ValidationError({"basis": _("Choose the basis of the reward.")})
    if employee and policy.employee_uplift_percent:
        uplifted = amount * (100 + policy.employee_uplift_percent) / 100
        steps.append(
            _("+%(uplift)s%% for an employee reporting their own employer = %(amount)s")
            % {"uplift": _percent(policy.employee_uplift_percent), "amount": _money(uplifted)}
        )
        amount = uplifted
    if amount > cap:
        amount = cap
        steps.append(_("cut to the maximum %(cap)s") % {"cap": _money(cap)})
    amount = amount.quantize(YUAN, ROUND_HALF_UP)
    steps.append(_("Reward: %(amount)s") % {"amount": _money(amount)})
    return Computation(amount=amount, steps=steps)


def first_valid_tip_off(hazard: Hazard) -> TipOff | None:
    return (
        TipOff.objects.filter(
            hazard=hazard, status__in=(TipOffStatus.SUBSTANTIATED, TipOffStatus.RECHECK)
        )
        .order_by("received_at", "pk")
        .first()
    )


def _open_reward_exists(**filters) -> bool:
    return Reward.objects.filter(**filters).exclude(status=RewardStatus.REFUSED).exists()


@transaction.atomic
def propose_tip_off_reward(
    *, tip_off: TipOff, user, basis: str, fine_amount=None, accident_level="", deaths=None
) -> Reward:
    tipoffs._require_handler(user, tip_off)
    if tip_off.status not in (TipOffStatus.SUBSTANTIATED, TipOffStatus.RECHECK):
        raise ValidationError({"tip_off": _("Only a substantiated tip-off is rewarded.")})
    first = first_valid_tip_off(tip_off.hazard)
    if first is not None and first.pk != tip_off.pk:
        raise ValidationError(
            {
                "tip_off": _(
                    "Only the first valid tipster is rewarded: tip-off %(code)s reported this "
                    "hazard first."
                )
                % {"code": first.code}
            }
        )
    if _open_reward_exists(tip_off=tip_off):
        raise ValidationError({"tip_off": _("This tip-off already has a reward.")})
    result = compute(
        policy=RewardPolicy.current(),
        basis=basis,
        fine_amount=fine_amount,
        accident_level=accident_level,
        deaths=deaths,
        employee=tip_off.reporter_is_employee,
    )
    reward = Reward.objects.create(
        kind=RewardKind.TIP_OFF,
        tip_off=tip_off,
        hazard=tip_off.hazard,
        region=tip_off.region,
        basis=basis,
        fine_amount=fine_amount if basis == RewardBasis.FINE else None,
        accident_level=accident_level if basis == RewardBasis.CONCEALED_ACCIDENT else "",
        concealed_deaths=int(deaths) if basis == RewardBasis.CONCEALED_ACCIDENT else None,
        employee_uplift=tip_off.reporter_is_employee,
        amount=result.amount,
        explanation=result.explanation,
        proposed_by=user,
    )
    with translation.override(settings.LANGUAGE_CODE):
        tipoffs.tell_office(
            tip_off,
            _("Reward of %(amount)s for tip-off %(code)s awaits approval")
            % {"amount": _money(reward.amount), "code": tip_off.code},
            kind=NotificationKind.REWARD,
            roles=tipoffs.HANDLER_ROLES,
            actor=user,
        )
    return reward


# ---------------------------------------------------------------- internal-report rewards


def can_manage_internal(user, enterprise) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role in ENTERPRISE_ROLES
        and user.enterprise_id == enterprise.pk
    )


@transaction.atomic
def set_internal_scheme(*, enterprise, user, general_amount, major_amount) -> InternalRewardScheme:
    if not can_manage_internal(user, enterprise):
        raise PermissionDenied(_("Only the enterprise's own staff set its reward scheme."))
    general = _decimal(general_amount, "general_amount")
    major = _decimal(major_amount, "major_amount")
    scheme, _created = InternalRewardScheme.objects.update_or_create(
        enterprise=enterprise, defaults={"general_amount": general, "major_amount": major}
    )
    return scheme


@transaction.atomic
def propose_internal_reward(*, hazard: Hazard, user, employee_name: str) -> Reward:
    """Reward the employee whose internal report found ``hazard``, from the enterprise's own
    scheme and budget. The employee's name is sealed like a reporter's."""
    if hazard.enterprise is None or not can_manage_internal(user, hazard.enterprise):
        raise PermissionDenied(_("Only the enterprise's own staff reward its employees."))
    errors = {}
    if hazard.channel != HazardChannel.INTERNAL_REPORT:
        errors["hazard"] = _("Only a hazard found by an employee's internal report is rewarded.")
    elif hazard.status in (HazardStatus.REPORTED, HazardStatus.REJECTED, HazardStatus.MERGED):
        errors["hazard"] = _("Verify the hazard before rewarding its report.")
    name = (employee_name or "").strip()
    if not name or len(name) > 50:
        errors["employee_name"] = _("Give the employee's name (at most 50 characters).")
    scheme = InternalRewardScheme.objects.filter(enterprise=hazard.enterprise).first()
    if scheme is None:
        errors["scheme"] = _("Set up the enterprise's internal-report reward scheme first.")
    if _open_reward_exists(hazard=hazard, kind=RewardKind.INTERNAL):
        errors["hazard"] = _("This hazard's internal report already has a reward.")
    if errors:
        raise ValidationError(errors)
    amount = scheme.major_amount if hazard.level == HazardLevel.MAJOR else scheme.general_amount
    return Reward.objects.create(
        kind=RewardKind.INTERNAL,
        hazard=hazard,
        enterprise=hazard.enterprise,
        region=hazard.region,
        basis=RewardBasis.INTERNAL_TIER,
        amount=amount,
        explanation=_("%(enterprise)s scheme, %(level)s hazard: %(amount)s")
        % {
            "enterprise": hazard.enterprise.name,
            "level": HazardLevel(hazard.level).label,
            "amount": _money(amount),
        },
        proposed_by=user,
        payee_sealed=crypto.seal({"name": name}),
    )


# ---------------------------------------------------------------- approval, claim, payout


def may_decide_visible(user, reward: Reward) -> bool:
    """``can_decide`` for a reward already known to be visible to ``user`` (a row of
    ``Reward.objects.visible_to(user)``): no query. A tip-off reward is visible exactly where its
    tip-off is, so the tip-off office's roles decide it; an internal one, the enterprise."""
    if reward.kind == RewardKind.INTERNAL:
        return (
            getattr(user, "is_authenticated", False)
            and user.role in ENTERPRISE_ROLES
            and user.enterprise_id == reward.enterprise_id
        )
    return reward.tip_off_id is not None and (
        user.is_superuser or user.role in tipoffs.HANDLER_ROLES
    )


def can_decide(user, reward: Reward) -> bool:
    return Reward.objects.visible_to(user).filter(pk=reward.pk).exists() and may_decide_visible(
        user, reward
    )


def can_edit_policy(user) -> bool:
    """The reward rules are the city's: its administrators (and system administrators)."""
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in (UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN)
    )


@transaction.atomic
def save_policy(*, user, values: dict[str, Any]) -> RewardPolicy:
    if not can_edit_policy(user):
        raise PermissionDenied(_("You may not change the reward rules."))
    policy = RewardPolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy


def _move(reward: Reward, current: str, to: str, **fields) -> None:
    changed = Reward.objects.filter(pk=reward.pk, status=current).update(status=to, **fields)
    if not changed:
        raise ValidationError({"status": _("Someone else changed this reward a moment ago.")})
    reward.status = to
    for name, value in fields.items():
        setattr(reward, name, value)
    reward.save()  # the same values again, so that the history keeps a row for this step


@transaction.atomic
def decide_reward(*, reward: Reward, user, approve: bool, note: str = "") -> Reward:
    if not can_decide(user, reward):
        raise PermissionDenied(_("You may not decide on this reward."))
    if reward.status != RewardStatus.PROPOSED:
        raise ValidationError({"status": _("This reward has already been decided.")})
    # Government money needs a second person; an enterprise decides on its own budget.
    if reward.kind == RewardKind.TIP_OFF and reward.proposed_by_id == user.pk:
        raise ValidationError(
            {"status": _("A reward is approved by someone other than the person who proposed it.")}
        )
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for refusing.")})
    fields = {"decided_by": user, "decided_at": timezone.now(), "decision_note": note[:2000]}
    if approve and reward.kind == RewardKind.TIP_OFF:
        fields["claim_by"] = local_today() + timedelta(days=RewardPolicy.current().claim_days)
    _move(
        reward,
        RewardStatus.PROPOSED,
        RewardStatus.APPROVED if approve else RewardStatus.REFUSED,
        **fields,
    )
    if approve and reward.tip_off_id:
        tipoffs._event(
            reward.tip_off,
            TipOffEventKind.REWARD_APPROVED,
            note=_("%(amount)s; claim it with your code and secret by %(date)s.")
            % {"amount": _money(reward.amount), "date": reward.claim_by.isoformat()},
            actor=user,
        )
    return reward


@transaction.atomic
def claim_reward(*, tip_off: TipOff, payee: dict[str, Any]) -> Reward:
    """The reporter claims the approved reward with the code and secret, giving where to pay.
    An anonymous reporter stays anonymous to everyone but the verifier."""
    reward = tip_off.rewards.filter(status=RewardStatus.APPROVED).first()
    if reward is None:
        raise ValidationError({"code": _("There is no approved reward to claim.")})
    if reward.claim_expired:
        raise ValidationError(
            {
                "code": _("The time to claim this reward ended on %(date)s.")
                % {"date": reward.claim_by}
            }
        )
    errors = {}
    name = (payee.get("name") or "").strip()
    mobile = normalize_mobile(payee.get("mobile") or "")
    account = (payee.get("account") or "").strip()
    if not name or len(name) > 50:
        errors["payee_name"] = _("Give the payee's name (at most 50 characters).")
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        errors["payee_mobile"] = exc.messages
    if not account or len(account) > 100:
        errors["payee_account"] = _(
            "Give the bank account or payment account (at most 100 characters)."
        )
    if errors:
        raise ValidationError(errors)
    _move(
        reward,
        RewardStatus.APPROVED,
        RewardStatus.CLAIMED,
        claimed_at=timezone.now(),
        payee_sealed=crypto.seal({"name": name, "mobile": mobile, "account": account}),
    )
    tipoffs._event(tip_off, TipOffEventKind.REWARD_CLAIMED)
    with translation.override(settings.LANGUAGE_CODE):
        tipoffs.tell_office(
            tip_off,
            _("Reward for tip-off %(code)s claimed: record the payout") % {"code": tip_off.code},
            kind=NotificationKind.REWARD,
            roles=tipoffs.HANDLER_ROLES,
        )
    return reward


@transaction.atomic
def record_payout(*, reward: Reward, user, reference: str) -> Reward:
    if not can_decide(user, reward):
        raise PermissionDenied(_("You may not record this payout."))
    expected = RewardStatus.CLAIMED if reward.kind == RewardKind.TIP_OFF else RewardStatus.APPROVED
    if reward.status != expected:
        raise ValidationError(
            {
                "status": _("A reward is paid once it is “%(status)s”.")
                % {"status": RewardStatus(expected).label}
            }
        )
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the payment reference (voucher number).")})
    _move(
        reward,
        expected,
        RewardStatus.PAID,
        paid_at=timezone.now(),
        paid_by=user,
        payout_reference=reference[:100],
    )
    if reward.tip_off_id:
        tipoffs._event(reward.tip_off, TipOffEventKind.REWARD_PAID, actor=user)
    return reward


def reveal_payee(*, reward: Reward, user, purpose: str, client_address: str = "") -> dict:
    """Payee details: a tip-off's for the verifier role (logged); an internal report's for the
    enterprise's own staff (also logged)."""
    if reward.kind == RewardKind.TIP_OFF:
        allowed = (
            tipoffs.can_see_identity(user)
            and Reward.objects.visible_to(user).filter(pk=reward.pk).exists()
        )
    else:
        allowed = can_manage_internal(user, reward.enterprise)
    if not allowed:
        raise PermissionDenied(_("You may not see who is paid."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say why you need the payee's details.")})
    IdentityViewing.objects.create(
        reward=reward, viewer=user, purpose=purpose[:200], client_address=client_address[:64]
    )
    return crypto.unseal(reward.payee_sealed)
