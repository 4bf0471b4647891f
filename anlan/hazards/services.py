"""Every change to a hazard goes through these functions (web, API, CLI and jobs alike).

Who may do what:
- report: anyone signed in whose jurisdiction covers the enterprise or place;
- verify / reject / merge / assign the plan / accept: regulators (township supervisor and above)
  whose jurisdiction covers the hazard; an enterprise's safety manager may also run the whole loop
  for a 一般 hazard of their own enterprise found by its self-inspection or an internal report;
- accept a 重大 hazard: a county regulator or above;
- start rectifying / request acceptance: the enterprise's own users, or a regulator in scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import ENTERPRISE_ROLES, REGISTRY_EDITOR_ROLES, RegionLevel, UserRole
from anlan.core.permissions import region_in_scope, require
from anlan.core.scoping import scope_of
from anlan.core.uploads import CheckedUpload

from . import notices, workflow
from .choices import DEADLINE_STATUSES, AttachmentKind, HazardChannel, HazardLevel
from .choices import HazardStatus as S
from .models import (
    DeadlineExtension,
    ExtensionStatus,
    Hazard,
    HazardAttachment,
    HazardTransition,
    RectificationPlan,
    SupervisionListing,
    local_today,
)

REPORT_FIELDS = (
    "enterprise",
    "place_name",
    "address",
    "region",
    "latitude",
    "longitude",
    "description",
    "category",
    "level",
    "basis",
    "channel",
    "found_at",
    "found_by",
)
PLAN_FIELDS = (
    "measures",
    "responsible_person",
    "responsible_mobile",
    "funds",
    "deadline",
    "contingency",
    "goals",
    "materials",
    "interim_measures",
)
SELF_MANAGED_CHANNELS = {HazardChannel.SELF_INSPECTION, HazardChannel.INTERNAL_REPORT}
COUNTY_OR_ABOVE = {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}


# ---------------------------------------------------------------- permissions


def _covers(user, hazard_or_fields) -> bool:
    scope = scope_of(user)
    if scope.sees_all:
        return True
    enterprise = getattr(hazard_or_fields, "enterprise", None)
    if scope.enterprise_id:
        return enterprise is not None and enterprise.pk == scope.enterprise_id
    region = getattr(hazard_or_fields, "region", None)
    return region is not None and region_in_scope(user, region)


def can_govern(user, hazard: Hazard) -> bool:
    """Verify, reject, merge, assign the plan, accept (subject to the 重大 rule)."""
    if not getattr(user, "is_authenticated", False) or not _covers(user, hazard):
        return False
    if user.is_superuser or user.role in REGISTRY_EDITOR_ROLES:
        return True
    return (
        user.role == UserRole.ENTERPRISE_SAFETY
        and hazard.level == HazardLevel.GENERAL
        and hazard.channel in SELF_MANAGED_CHANNELS
    )


def can_rectify(user, hazard: Hazard) -> bool:
    if not getattr(user, "is_authenticated", False) or not _covers(user, hazard):
        return False
    return user.is_superuser or user.role in REGISTRY_EDITOR_ROLES or user.role in ENTERPRISE_ROLES


def can_accept(user, hazard: Hazard) -> bool:
    """A 一般 hazard: whoever governs it. A 重大 hazard: its supervising authority only — the
    county or city that listed it (挂牌督办) — or, before it is listed, a county regulator or
    above."""
    if not can_govern(user, hazard):
        return False
    if hazard.level != HazardLevel.MAJOR:
        return True
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return True
    if user.role not in COUNTY_OR_ABOVE:
        return False
    listing = getattr(hazard, "listing", None)
    return listing is None or (
        user.region_id is not None and user.region_id == listing.authority_id
    )


def can_list(user, hazard: Hazard) -> bool:
    """County regulators and city administrators list 重大 hazards of their jurisdiction."""
    return (
        hazard.level == HazardLevel.MAJOR
        and can_govern(user, hazard)
        and (user.is_superuser or user.role in COUNTY_OR_ABOVE)
    )


# ---------------------------------------------------------------- helpers


def _attach(hazard, files: Iterable[CheckedUpload], *, kind, user, transition=None) -> list:
    out = []
    for upload in files:
        attachment = HazardAttachment(
            hazard=hazard, transition=transition, kind=kind, uploaded_by=user
        )
        attachment.keep(upload)
        attachment.save()
        out.append(attachment)
    return out


def copy_attachment(hazard, source, *, user, kind) -> HazardAttachment:
    """Attach to ``hazard`` a copy of a file kept elsewhere (e.g. a tip-off's photo)."""
    return _attach(hazard, [source.as_upload()], kind=kind, user=user)[0]


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


# ---------------------------------------------------------------- lifecycle


@transaction.atomic
def report_hazard(*, user, data: dict[str, Any], photos: Iterable[CheckedUpload] = ()) -> Hazard:
    hazard = Hazard(reported_by=user)
    for field in REPORT_FIELDS:
        if field in data and data[field] is not None:
            setattr(hazard, field, data[field])
    if hazard.enterprise_id and not hazard.region_id:
        hazard.region = hazard.enterprise.region
    errors = {}
    try:
        hazard.full_clean(exclude=["code"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    # user=None: a report made by the system itself (a monitoring alarm), not by a person.
    if not errors and user is not None and not _covers(user, hazard):
        field = "enterprise" if hazard.enterprise_id else "region"
        errors[field] = [_("This is outside your jurisdiction.")]
    if errors:
        raise ValidationError(errors)
    hazard.save()
    hazard.code = f"YH{hazard.found_at:%Y}{hazard.pk:08d}"
    Hazard.objects.filter(pk=hazard.pk).update(code=hazard.code)
    first = HazardTransition.objects.create(
        hazard=hazard, from_status="", to_status=S.REPORTED, actor=user, reason=""
    )
    _attach(hazard, photos, kind=AttachmentKind.PHOTO, user=user, transition=first)
    notices.after_commit(notices.reported, hazard, actor=user)
    return hazard


@transaction.atomic
def verify_hazard(*, hazard: Hazard, user, level: str | None = None, reason: str = "") -> Hazard:
    require(can_govern(user, hazard), _("You may not verify this hazard."))
    fields = {}
    if level is not None:
        if level not in HazardLevel.values:
            raise ValidationError({"level": _("Unknown level.")})
        fields["level"] = level
    workflow.transition(hazard, S.VERIFIED, user=user, reason=reason, **fields)
    return hazard


@transaction.atomic
def reject_hazard(*, hazard: Hazard, user, reason: str) -> Hazard:
    require(can_govern(user, hazard), _("You may not reject this hazard."))
    workflow.transition(hazard, S.REJECTED, user=user, reason=_required_reason(reason))
    return hazard


@transaction.atomic
def merge_hazard(*, hazard: Hazard, into: Hazard, user, reason: str = "") -> Hazard:
    """Record ``hazard`` as a duplicate of ``into``; both reports stay on record."""
    require(can_govern(user, hazard), _("You may not merge this hazard."))
    if into.pk == hazard.pk or into.duplicate_of_id == hazard.pk:
        raise ValidationError({"into": _("A hazard cannot be a duplicate of itself.")})
    if not into.is_open:
        raise ValidationError({"into": _("Merge into a hazard that is still open.")})
    if not _covers(user, into):
        raise ValidationError({"into": _("This is outside your jurisdiction.")})
    workflow.transition(hazard, S.MERGED, user=user, reason=reason, duplicate_of=into)
    return hazard


def _validate_plan(hazard: Hazard, plan: RectificationPlan) -> None:
    errors = {}
    try:
        plan.full_clean(exclude=["hazard"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if isinstance(plan.deadline, date) and plan.deadline <= local_today():
        errors.setdefault("deadline", []).append(_("The deadline must be after today."))
    if hazard.level == HazardLevel.MAJOR:
        for field in RectificationPlan.MAJOR_FIELDS:
            if not (getattr(plan, field) or "").strip():
                errors.setdefault(field, []).append(_("A major hazard's plan needs this."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assign_plan(*, hazard: Hazard, user, plan: dict[str, Any], reason: str = "") -> Hazard:
    """Set the 五定 plan and its deadline, and hand the hazard over for rectification."""
    require(can_govern(user, hazard), _("You may not assign this hazard."))
    record = getattr(hazard, "plan", None) or RectificationPlan(hazard=hazard)
    for field in PLAN_FIELDS:
        if field in plan:
            value = plan[field]
            setattr(
                record, field, "" if value is None and field not in ("funds", "deadline") else value
            )
    workflow.check(hazard, S.ASSIGNED)
    _validate_plan(hazard, record)
    workflow.transition(hazard, S.ASSIGNED, user=user, reason=reason, deadline=record.deadline)
    record.save()
    notices.after_commit(notices.assigned, hazard, actor=user)
    return hazard


@transaction.atomic
def start_rectifying(*, hazard: Hazard, user, reason: str = "") -> Hazard:
    require(can_rectify(user, hazard), _("You may not rectify this hazard."))
    workflow.transition(hazard, S.RECTIFYING, user=user, reason=reason)
    return hazard


@transaction.atomic
def request_acceptance(
    *, hazard: Hazard, user, reason: str = "", evidence: Iterable[CheckedUpload] = ()
) -> Hazard:
    """Report the rectification done, with photos or documents of the rectified state."""
    require(can_rectify(user, hazard), _("You may not rectify this hazard."))
    workflow.check(hazard, S.ACCEPTANCE_REQUESTED)
    evidence = list(evidence)
    has_evidence = hazard.attachments.filter(kind=AttachmentKind.EVIDENCE).exists()
    if not evidence and not has_evidence:
        raise ValidationError(
            {"evidence": _("Attach at least one photo or document of the rectified state.")}
        )
    step = workflow.transition(hazard, S.ACCEPTANCE_REQUESTED, user=user, reason=reason)
    _attach(hazard, evidence, kind=AttachmentKind.EVIDENCE, user=user, transition=step)
    notices.after_commit(notices.acceptance_requested, hazard, actor=user)
    return hazard


@transaction.atomic
def accept_hazard(*, hazard: Hazard, user, reason: str = "") -> Hazard:
    """Acceptance passed: close the hazard (销号). Needs evidence of the rectified state."""
    listing = getattr(hazard, "listing", None)
    if not can_accept(user, hazard):
        if hazard.level == HazardLevel.MAJOR and listing is not None and can_govern(user, hazard):
            message = _("Only the supervising authority, %(authority)s, accepts this hazard.") % {
                "authority": listing.authority.full_name
            }
        elif hazard.level == HazardLevel.MAJOR and can_govern(user, hazard):
            message = _("A major hazard is accepted by a county regulator or above.")
        else:
            message = _("You may not accept this hazard.")
        raise PermissionDenied(message)
    workflow.check(hazard, S.CLOSED)
    if hazard.level == HazardLevel.MAJOR and listing is None:
        raise ValidationError(
            {
                "listing": _(
                    "A major hazard is closed only after it has been listed for supervision (挂牌督办)."
                )
            }
        )
    if not hazard.attachments.filter(kind=AttachmentKind.EVIDENCE).exists():
        raise ValidationError({"evidence": _("There is no evidence of the rectified state.")})
    workflow.transition(hazard, S.CLOSED, user=user, reason=reason)
    if listing is not None:
        # Closing delists it (摘牌); the record stays, with who and when.
        listing.delisted_at, listing.delisted_by = hazard.closed_at, user
        listing.save(update_fields=["delisted_at", "delisted_by"])
    from .tipoffs import on_hazard_closed  # tipoffs imports this module

    on_hazard_closed(hazard)
    notices.after_commit(notices.closed, hazard, actor=user)
    return hazard


@transaction.atomic
def list_for_supervision(*, hazard: Hazard, user, authority, deadline: date) -> SupervisionListing:
    """挂牌督办: the county or city ``authority`` supervises this 重大 hazard until it is closed."""
    require(can_list(user, hazard), _("You may not list this hazard for supervision."))
    errors = {}
    if getattr(hazard, "listing", None) is not None:
        errors["hazard"] = _("This hazard is already listed.")
    if not hazard.is_open or hazard.status == S.REPORTED:
        errors["hazard"] = _("Only a verified, open hazard can be listed.")
    if authority is None or authority.level not in (RegionLevel.COUNTY, RegionLevel.CITY):
        errors["authority"] = _("The supervising authority is a county or a city.")
    elif not authority.contains(hazard.region):
        errors["authority"] = _("The hazard is not in this authority's area.")
    elif not region_in_scope(user, authority) and not scope_of(user).sees_all:
        errors["authority"] = _("This is outside your jurisdiction.")
    if not isinstance(deadline, date) or deadline <= local_today():
        errors["deadline"] = _("The deadline must be after today.")
    if errors:
        raise ValidationError(errors)
    return SupervisionListing.objects.create(
        hazard=hazard, authority=authority, deadline=deadline, listed_by=user
    )


@transaction.atomic
def fail_acceptance(*, hazard: Hazard, user, reason: str) -> Hazard:
    """Acceptance failed: back to rectifying, saying what is still wrong."""
    require(can_accept(user, hazard), _("You may not accept this hazard."))
    workflow.transition(hazard, S.RECTIFYING, user=user, reason=_required_reason(reason))
    notices.after_commit(notices.acceptance_failed, hazard, actor=user, reason=reason)
    return hazard


@transaction.atomic
def add_photos(*, hazard: Hazard, user, photos: Iterable[CheckedUpload]) -> list:
    """More photos or documents of the hazard itself, while it is open."""
    require(_covers(user, hazard), _("You may not change this hazard."))
    if not hazard.is_open:
        raise ValidationError({"files": _("This hazard is no longer open.")})
    return _attach(hazard, photos, kind=AttachmentKind.PHOTO, user=user)


@transaction.atomic
def request_extension(
    *, hazard: Hazard, user, new_deadline: date, reason: str
) -> DeadlineExtension:
    """Ask to move the rectification deadline: before it passes (for a listed hazard, at least
    ANLAN_LISTED_EXTENSION_NOTICE_DAYS before), to a later date, one request at a time."""
    require(can_rectify(user, hazard), _("You may not rectify this hazard."))
    errors: dict[str, str] = {}
    today = local_today()
    if hazard.status not in DEADLINE_STATUSES or hazard.deadline is None:
        raise ValidationError(_("Only a hazard under rectification has a deadline to extend."))
    if hazard.deadline < today:
        errors["new_deadline"] = _(
            "The deadline has already passed; an extension is asked for before it."
        )
    elif getattr(hazard, "listing", None) is not None:
        notice = settings.ANLAN_LISTED_EXTENSION_NOTICE_DAYS
        if (hazard.deadline - today).days < notice:
            errors["new_deadline"] = _(
                "A listed hazard's extension is asked for at least %(days)d days before the deadline."
            ) % {"days": notice}
    if not isinstance(new_deadline, date) or new_deadline <= hazard.deadline:
        errors.setdefault("new_deadline", _("The new deadline must be after the current one."))
    if not (reason or "").strip():
        errors["reason"] = _("Give a reason.")
    if hazard.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors["hazard"] = _("An extension request is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    return DeadlineExtension.objects.create(
        hazard=hazard,
        old_deadline=hazard.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=user,
    )


@transaction.atomic
def decide_extension(
    *, extension: DeadlineExtension, user, approve: bool, note: str = ""
) -> DeadlineExtension:
    """Approve (the deadline moves, in the plan too) or refuse, with who, when and why."""
    hazard = extension.hazard
    require(can_accept(user, hazard), _("You may not decide on this extension."))
    if not approve and not (note or "").strip():
        raise ValidationError({"decision_note": _("Say why the extension is refused.")})
    now = timezone.now()
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    decided = DeadlineExtension.objects.filter(
        pk=extension.pk, status=ExtensionStatus.PENDING
    ).update(status=status, decided_by=user, decided_at=now, decision_note=(note or "").strip())
    if not decided:
        raise ValidationError(_("This request has already been decided."))
    if approve:
        moved = Hazard.objects.filter(pk=hazard.pk, deadline=extension.old_deadline).update(
            deadline=extension.new_deadline, updated_at=now
        )
        if not moved:
            raise ValidationError(
                _("The deadline changed meanwhile; the request no longer applies.")
            )
        RectificationPlan.objects.filter(hazard=hazard).update(deadline=extension.new_deadline)
        hazard.deadline = extension.new_deadline
    extension.refresh_from_db()
    return extension
