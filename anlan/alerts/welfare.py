"""Welfare checks: a warning of a configured signal and colour creates one check per household
that needs checking for it, the village's grid members are told how many (never who), and each
check's outcome — and any hazard found on the visit — is recorded.

Settings: ``ANLAN_WELFARE_CHECK_GROUPS`` (signal → cold / flood / heat),
``ANLAN_WELFARE_CHECK_FROM`` (group → lowest colour) and ``ANLAN_WELFARE_CHECK_HOURS``
(colour → hours to check by).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.core.notify import Message, after_commit, notify_many
from anlan.hazards.choices import HazardCategory, HazardChannel, HazardLevel

from .choices import COLOUR_RANK, CheckOutcome, MsgType, Stage
from .households import checks_visible_to
from .models.households import Household, WelfareCheck
from .models.response import AlertFinding
from .models.warnings import Alert

RECORDABLE = [c for c in CheckOutcome.values if c != CheckOutcome.PENDING]


def check_group(alert: Alert) -> str | None:
    """The check group a message calls for, or None (signal not mapped, colour too low)."""
    group = settings.ANLAN_WELFARE_CHECK_GROUPS.get(alert.signal_type)
    if not group or alert.colour not in COLOUR_RANK:
        return None
    lowest = settings.ANLAN_WELFARE_CHECK_FROM.get(group, "blue")
    if COLOUR_RANK[alert.colour] < COLOUR_RANK.get(lowest, 1):
        return None
    return group


def _villages(alert: Alert):
    prefixes = [r.prefix for r in alert.regions.all()]
    if not prefixes:
        return Region.objects.none()
    query = Q()
    for prefix in prefixes:
        query |= Q(prefix__startswith=prefix)
    return Region.objects.filter(query, level=RegionLevel.VILLAGE)


@transaction.atomic
def create_checks(alert: Alert, *, now=None) -> int:
    """Create the welfare checks ``alert`` (a thread's latest published message) calls for;
    returns how many were created. Running it again, or for an update, adds only the missing
    ones; a higher colour brings the due time of pending checks forward."""
    if alert.stage != Stage.PUBLISHED or alert.msg_type == MsgType.CANCEL:
        return 0
    group = check_group(alert)
    if group is None:
        return 0
    now = now or timezone.now()
    thread = alert.root
    due = now + dt.timedelta(
        hours=settings.ANLAN_WELFARE_CHECK_HOURS.get(alert.colour or "blue", 24)
    )
    households = [
        h
        for h in Household.objects.filter(active=True, region__in=_villages(alert)).only(
            "pk", "region_id", "check_for"
        )
        if group in (h.check_for or [])
    ]
    done = set(WelfareCheck.objects.filter(thread=thread).values_list("household_id", flat=True))
    new = [
        WelfareCheck(thread=thread, household_id=h.pk, region_id=h.region_id, due=due)
        for h in households
        if h.pk not in done
    ]
    WelfareCheck.objects.bulk_create(new, ignore_conflicts=True)
    WelfareCheck.objects.filter(thread=thread, outcome=CheckOutcome.PENDING, due__gt=due).update(
        due=due
    )
    if new:
        per_village = Counter(c.region_id for c in new)
        after_commit(_notify_villages, thread.pk, alert.pk, dict(per_village), due)
    return len(new)


def _notify_villages(thread_id: int, alert_id: int, per_village: dict[int, int], due) -> None:
    """Tell each village's grid members how many households to check — no names, no
    addresses. A village without a grid member: its township's supervisors are told."""
    thread = Alert.objects.get(pk=thread_id)
    link = reverse("alerts:check-list") + f"?warning={thread_id}"
    when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    villages = Region.objects.in_bulk(list(per_village))
    grid: dict[int, list] = {}
    for user in User.objects.filter(
        role=UserRole.GRID_MEMBER, region_id__in=list(per_village), is_active=True
    ):
        grid.setdefault(user.region_id, []).append(user)
    supervisors: dict[int, list] = {}
    for user in User.objects.filter(
        role=UserRole.TOWNSHIP_SUPERVISOR,
        region_id__in={v.parent_id for v in villages.values()},
        is_active=True,
    ):
        supervisors.setdefault(user.region_id, []).append(user)
    messages = []
    for village_id, count in per_village.items():
        village = villages[village_id]
        # A village without a grid member: its township's supervisors are told.
        people = grid.get(village_id) or supervisors.get(village.parent_id, [])
        title = _("Welfare checks: %(n)d households to check in %(village)s") % {
            "n": count,
            "village": village.name,
        }
        body = _(
            "Warning: %(warning)s. Check each household by %(due)s and record the outcome."
        ) % {"warning": str(thread), "due": when}
        messages += [
            Message(
                recipient=user,
                kind=NotificationKind.WELFARE_CHECK,
                title=title,
                body=body,
                link=link,
                subject=f"alert:{thread_id}",
                dedup_key=f"welfare:{thread_id}:{alert_id}:{village_id}",
            )
            for user in people
        ]
    notify_many(messages)


def _require_visible(user, check: WelfareCheck) -> None:
    if not checks_visible_to(WelfareCheck.objects.filter(pk=check.pk), user).exists():
        raise PermissionDenied(_("You may not record this welfare check."))


@transaction.atomic
def record_check(*, user, check: WelfareCheck, outcome: str, note: str = "", at=None):
    """Record what the visit found (again: the new outcome replaces the old)."""
    _require_visible(user, check)
    now = timezone.now()
    errors = {}
    if outcome not in RECORDABLE:
        errors["outcome"] = _("Choose one of: %(values)s.") % {"values": ", ".join(RECORDABLE)}
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = _("At most %(n)d characters.") % {"n": 2000}
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        errors["at"] = _("The time checked cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    check.outcome = outcome
    check.note = note
    check.checked_at = at
    check.checked_by = user
    check.save(update_fields=["outcome", "note", "checked_at", "checked_by"])
    return check


@transaction.atomic
def report_check_hazard(
    *,
    user,
    check: WelfareCheck,
    description: str,
    category: str = HazardCategory.OTHER,
    level: str = HazardLevel.GENERAL,
    photos=(),
):
    """A hazard found on a welfare visit, reported into the hazard loop (channel: warning
    check, region: the village) and linked to the warning. The place names the household by
    its code only: hazards are seen by more roles than households are."""
    from anlan.hazards.services import report_hazard

    _require_visible(user, check)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the hazard.")})
    hazard = report_hazard(
        user=user,
        data={
            "region": check.region,
            "place_name": _("Household %(code)s (welfare check)") % {"code": check.household.code},
            "description": description,
            "category": category,
            "level": level,
            "channel": HazardChannel.WARNING_CHECK,
            "found_at": timezone.now(),
            "found_by": str(user)[:100],
        },
        photos=photos,
    )
    AlertFinding.objects.create(thread=check.thread, hazard=hazard, welfare_check=check)
    return hazard


def check_counts(thread: Alert, now=None) -> dict:
    """Counts for a warning's board, with no personal data: per outcome, overdue, and per
    village (code → name and counts per outcome)."""
    now = now or timezone.now()
    root = thread.root
    rows = WelfareCheck.objects.filter(thread=root).values_list(
        "outcome", "due", "region__code", "region__name"
    )
    by_outcome = dict.fromkeys(CheckOutcome.values, 0)
    by_village: dict[str, dict] = defaultdict(
        lambda: {"name": "", "total": 0, **dict.fromkeys(CheckOutcome.values, 0)}
    )
    overdue = 0
    for outcome, due, code, name in rows:
        by_outcome[outcome] += 1
        village = by_village[code]
        village["name"] = name
        village["total"] += 1
        village[outcome] += 1
        if outcome == CheckOutcome.PENDING and due < now:
            overdue += 1
    total = sum(by_outcome.values())
    return {
        "total": total,
        "checked": total - by_outcome[CheckOutcome.PENDING],
        "overdue": overdue,
        "by_outcome": by_outcome,
        "by_village": dict(sorted(by_village.items())),
    }
