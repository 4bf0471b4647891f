"""What targets do with a warning: acknowledge it, report the measures taken, report a hazard
found while checking; the job that reminds the silent and escalates them; and each thread's
summary (for the board and for reports)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import User
from anlan.core.notify import notify
from anlan.core.permissions import region_in_scope
from anlan.core.scoping import scope_of
from anlan.hazards.choices import HazardCategory, HazardChannel, HazardLevel

from .choices import MsgType, TargetKind, TargetState
from .models import Alert, AlertFinding, Target, WelfareCheck
from .services import ISSUER_ROLES
from .targeting import board_link, recipients


def is_recipient(user, target: Target) -> bool:
    return recipients(target).filter(pk=getattr(user, "pk", None)).exists()


def may_record_for(user, target: Target) -> bool:
    """A regulator over the target's region may record what a target said by phone."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.sees_all:
        return True
    return user.role in ISSUER_ROLES and region_in_scope(user, target.region)


def may_act(user, target: Target) -> bool:
    return is_recipient(user, target) or may_record_for(user, target)


def _target_for_update(user, target: Target) -> Target:
    target = Target.objects.select_for_update().select_related("thread").get(pk=target.pk)
    if not may_act(user, target):
        raise PermissionDenied(_("This warning was not sent to you."))
    if target.withdrawn_at:
        raise ValidationError({"target": _("This target is no longer concerned by the warning.")})
    return target


def _note(user, target: Target, text: str) -> str:
    if is_recipient(user, target):
        return text
    name = user.display_name or user.username
    return (_("Recorded by %(name)s (by phone): %(text)s") % {"name": name, "text": text}).strip()


@transaction.atomic
def acknowledge(*, user, target: Target) -> Target:
    """Received and understood. A regulator recording a phone call is named as the one who
    acknowledged (``acknowledged_by``), so the board shows it was not the target itself."""
    target = _target_for_update(user, target)
    if target.acknowledged_at:
        raise ValidationError({"target": _("Already acknowledged.")})
    target.acknowledged_at = timezone.now()
    target.acknowledged_by = user
    target.save()
    return target


@transaction.atomic
def report_measures(*, user, target: Target, measures: str) -> Target:
    """What was done. Acknowledges too, if that was not done yet."""
    measures = (measures or "").strip()
    if not measures:
        raise ValidationError({"measures": _("Say what was done.")})
    if len(measures) > 4000:
        raise ValidationError({"measures": _("At most 4000 characters.")})
    target = _target_for_update(user, target)
    now = timezone.now()
    if not target.acknowledged_at:
        target.acknowledged_at, target.acknowledged_by = now, user
    target.measures = _note(user, target, measures)[:4000]
    target.measures_at, target.measures_by = now, user
    target.save()
    return target


@transaction.atomic
def report_hazard(
    *,
    user,
    target: Target,
    description: str,
    level: str = HazardLevel.GENERAL,
    category: str = HazardCategory.OTHER,
    place_name: str = "",
):
    """A hazard found while acting on the warning enters the hazard loop, linked to it."""
    from anlan.hazards.services import report_hazard as report

    target = _target_for_update(user, target)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the hazard.")})
    hazard = report(
        user=user,
        data={
            "enterprise": target.enterprise,
            "region": target.enterprise.region if target.enterprise_id else target.region,
            "place_name": place_name[:200],
            "description": description.strip(),
            "category": category,
            "level": level,
            "channel": HazardChannel.WARNING_CHECK,
            "found_at": timezone.now(),
            "found_by": (user.display_name or user.username)[:100],
            "basis": (
                _("Found while acting on the warning “%(title)s”")
                % {"title": target.thread.headline or target.thread.event}
            )[:500],
        },
    )
    AlertFinding.objects.create(thread=target.thread, hazard=hazard, target=target)
    return hazard


# --------------------------------------------------------------------------- the silent


def _overdue_due(target: Target) -> dt.datetime:
    return target.ack_due if not target.acknowledged_at else target.measures_due


def silent_targets(now: dt.datetime):
    """Live targets of active threads that missed the deadline of their current step."""
    active_roots = [a.root.pk for a in Alert.objects.current(now).only("pk", "thread_id")]
    return (
        Target.objects.live()
        .filter(thread_id__in=active_roots, measures_at__isnull=True)
        .filter(
            Q(acknowledged_at__isnull=True, ack_due__lt=now)
            | Q(acknowledged_at__isnull=False, measures_due__lt=now)
        )
        .select_related("thread", "region", "enterprise", "team")
    )


def regulators_over(target: Target):
    """County regulators of the target's county; the city administrators if there are none."""
    county = target.region.prefix[:6]
    users = User.objects.filter(
        is_active=True, role=UserRole.COUNTY_REGULATOR, region__prefix=county
    )
    if not users.exists():
        users = User.objects.filter(
            is_active=True, role=UserRole.CITY_ADMIN, region__prefix=target.region.prefix[:4]
        )
    return users


def remind_and_escalate(now: dt.datetime | None = None) -> dict:
    """Remind targets past their deadline once per step; ESCALATE_AFTER minutes later tell the
    regulators above. Safe to run any number of times."""
    now = now or timezone.now()
    escalate_after = dt.timedelta(minutes=settings.ANLAN_ALERT_ESCALATE_AFTER_MINUTES)
    counts = Counter()
    for target in silent_targets(now):
        due = _overdue_due(target)
        step = "ack" if not target.acknowledged_at else "measures"
        what = _("acknowledge the warning") if step == "ack" else _("report the measures taken")
        title = target.thread.headline or target.thread.event
        if target.reminded_at is None or target.reminded_at < due:
            notify(
                recipients=recipients(target),
                kind=NotificationKind.DEADLINE_REMINDER,
                title=(_("Overdue: %(what)s — %(title)s") % {"what": what, "title": title})[:200],
                body=_("The deadline was %(due)s.")
                % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                link=board_link(target.thread),
                dedup_key=f"alert-target:{target.pk}:{step}:remind",
            )
            target.reminded_at = now
            target.save(update_fields=["reminded_at"])
            counts["reminded"] += 1
        if now >= due + escalate_after and (
            target.escalated_at is None or target.escalated_at < due
        ):
            notify(
                recipients=regulators_over(target),
                kind=NotificationKind.ESCALATION,
                title=(_("%(name)s has not responded to a warning") % {"name": target.name})[:200],
                body=_("“%(title)s”: %(name)s did not %(what)s by %(due)s.")
                % {
                    "title": title,
                    "name": target.name,
                    "what": what,
                    "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                },
                link=board_link(target.thread),
                dedup_key=f"alert-target:{target.pk}:{step}:escalate",
            )
            target.escalated_at = now
            target.save(update_fields=["escalated_at"])
            counts["escalated"] += 1
    return dict(counts)


# --------------------------------------------------------------------------- summary


def latest_of(root: Alert) -> Alert:
    return (
        Alert.objects.filter(Q(pk=root.pk) | Q(thread=root))
        .published()
        .order_by("-is_latest", "-sent", "-pk")
        .first()
        or root
    )


def summary(root: Alert, now: dt.datetime | None = None) -> dict:
    """Counts for a thread — no names, no household data — for the board, the API and reports."""
    now = now or timezone.now()
    root = root.root
    latest = latest_of(root)
    targets = list(Target.objects.filter(thread=root))
    by_kind = {}
    for kind in TargetKind:
        rows = [t for t in targets if t.kind == kind and not t.withdrawn_at]
        states = Counter(t.state for t in rows)
        by_kind[str(kind)] = {
            "label": str(kind.label),
            "targets": len(rows),
            "acknowledged": states[TargetState.ACKNOWLEDGED] + states[TargetState.MEASURES],
            "measures": states[TargetState.MEASURES],
            "waiting": states[TargetState.WAITING],
            "overdue": sum(1 for t in rows if t.is_overdue(now)),
        }
    live = [t for t in targets if not t.withdrawn_at]
    checks = Counter(WelfareCheck.objects.filter(thread=root).values_list("outcome", flat=True))
    total_checks = sum(checks.values())
    return {
        "warning_id": root.pk,
        "latest_id": latest.pk,
        "headline": latest.headline or latest.event,
        "signal": latest.signal_type,
        "colour": latest.colour,
        "effective": latest.effective,
        "expires": latest.expires,
        "active": latest.is_active(now),
        "cancelled": bool(root.cancelled_at) or latest.msg_type == MsgType.CANCEL,
        "messages": Alert.objects.filter(Q(pk=root.pk) | Q(thread=root)).published().count(),
        "targets": len(live),
        "acknowledged": sum(1 for t in live if t.acknowledged_at),
        "measures": sum(1 for t in live if t.measures_at),
        "overdue": sum(1 for t in live if t.is_overdue(now)),
        "withdrawn": len(targets) - len(live),
        "by_kind": by_kind,
        "households": {
            "checks": total_checks,
            "checked": total_checks - checks.get("pending", 0),
            "by_outcome": dict(checks),
        },
        "hazards_found": AlertFinding.objects.filter(thread=root).count(),
    }
