"""Who is told what about a hazard: workflow events (called from ``services`` after commit) and
the people the deadline job reminds and escalates to.

People are found through the region tree: a region's ``prefix`` starts with its township's
(9 digits), county's (6) and city's (4), so "the township supervisors of this hazard" is one
indexed query on ``region__prefix``. Messages are written in the site language
(``LANGUAGE_CODE``), since they are stored and e-mailed as text.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from anlan.core import notify as core_notify
from anlan.core.choices import (
    ENTERPRISE_ROLES,
    REGION_PREFIX_LENGTH,
    NotificationKind,
    RegionLevel,
    UserRole,
)
from anlan.core.models import Notification, User

from .models import Hazard

# Escalation steps, lowest first: who is told at each step once a deadline has passed.
ESCALATION_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY)
LEVEL_ROLES = {
    RegionLevel.TOWNSHIP: UserRole.TOWNSHIP_SUPERVISOR,
    RegionLevel.COUNTY: UserRole.COUNTY_REGULATOR,
    RegionLevel.CITY: UserRole.CITY_ADMIN,
}

after_commit = core_notify.after_commit


# ---------------------------------------------------------------- people


def _active():
    return User.objects.filter(is_active=True)


def enterprise_users(hazard: Hazard) -> list[User]:
    if not hazard.enterprise_id:
        return []
    return list(_active().filter(enterprise_id=hazard.enterprise_id, role__in=ENTERPRISE_ROLES))


def officials(hazard: Hazard, level: str) -> list[User]:
    """The regulators of ``level`` (township, county, city) whose region contains the hazard."""
    length = REGION_PREFIX_LENGTH[level]
    prefix = hazard.region.prefix
    if len(prefix) < length:
        return []
    return list(_active().filter(role=LEVEL_ROLES[level], region__prefix=prefix[:length]))


def responsible_people(hazard: Hazard) -> list[User]:
    """Who must rectify: the enterprise's users; for a public place, the township supervisors
    of its township (or, where it has none, the county regulators)."""
    if hazard.enterprise_id:
        return enterprise_users(hazard)
    return officials(hazard, RegionLevel.TOWNSHIP) or officials(hazard, RegionLevel.COUNTY)


def escalation_recipients(hazard: Hazard, level: str) -> list[User]:
    if level == RegionLevel.TOWNSHIP:
        return _union(responsible_people(hazard), officials(hazard, RegionLevel.TOWNSHIP))
    return officials(hazard, level)


def acceptors(hazard: Hazard) -> list[User]:
    """Those who may accept the rectification (``services.can_accept``), the nearest level
    only: the enterprise itself where it runs its own loop, and the most local regulators."""
    from .services import can_accept

    own = [user for user in enterprise_users(hazard) if can_accept(user, hazard)]
    for level in ESCALATION_LEVELS:
        found = [user for user in officials(hazard, level) if can_accept(user, hazard)]
        if found:
            return _union(own, found)
    return own


def _union(*groups) -> list[User]:
    seen = {}
    for group in groups:
        for user in group:
            seen.setdefault(user.pk, user)
    return list(seen.values())


# ---------------------------------------------------------------- messages


def _fresh(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_related("enterprise", "region").get(pk=hazard.pk)


def _link(hazard: Hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def _summary(hazard: Hazard) -> str:
    return f"{hazard.place}：{hazard.description[:200]}"


def _send(hazard, recipients, kind, title, body, *, actor=None, dedup_key=None):
    return core_notify.notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        link=_link(hazard),
        subject=f"hazard:{hazard.pk}",
        dedup_key=dedup_key,
        actor=actor,
    )


def reported(hazard: Hazard, *, actor=None):
    """A new report: the township supervisors and county regulators covering it."""
    hazard = _fresh(hazard)
    people = _union(officials(hazard, RegionLevel.TOWNSHIP), officials(hazard, RegionLevel.COUNTY))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New hazard reported: %(code)s") % {"code": hazard.code}
        return _send(
            hazard, people, NotificationKind.HAZARD_REPORTED, title, _summary(hazard), actor=actor
        )


def assigned(hazard: Hazard, *, actor=None):
    """A rectification plan with its deadline: those who must rectify."""
    hazard = _fresh(hazard)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Rectification assigned: %(code)s, deadline %(deadline)s") % {
            "code": hazard.code,
            "deadline": hazard.deadline,
        }
        return _send(
            hazard,
            responsible_people(hazard),
            NotificationKind.HAZARD_ASSIGNED,
            title,
            _summary(hazard),
            actor=actor,
        )


def acceptance_requested(hazard: Hazard, *, actor=None):
    hazard = _fresh(hazard)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Acceptance requested: %(code)s") % {"code": hazard.code}
        return _send(
            hazard,
            acceptors(hazard),
            NotificationKind.ACCEPTANCE_REQUESTED,
            title,
            _summary(hazard),
            actor=actor,
        )


def _enterprise_and_reporter(hazard: Hazard) -> list[User]:
    reporter = [hazard.reported_by] if hazard.reported_by_id else []
    return _union(responsible_people(hazard), reporter)


def closed(hazard: Hazard, *, actor=None):
    hazard = _fresh(hazard)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Hazard closed: %(code)s") % {"code": hazard.code}
        return _send(
            hazard,
            _enterprise_and_reporter(hazard),
            NotificationKind.HAZARD_CLOSED,
            title,
            _summary(hazard),
            actor=actor,
        )


def acceptance_failed(hazard: Hazard, *, actor=None, reason: str = ""):
    hazard = _fresh(hazard)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Acceptance failed: %(code)s") % {"code": hazard.code}
        body = _("What is still wrong: %(reason)s") % {"reason": reason} + "\n" + _summary(hazard)
        return _send(
            hazard,
            _enterprise_and_reporter(hazard),
            NotificationKind.ACCEPTANCE_FAILED,
            title,
            body,
            actor=actor,
        )


# ---------------------------------------------------------------- deadline job messages


def cycle_key(hazard: Hazard) -> str:
    """Keys include the deadline: an approved extension moves it and restarts the cycle."""
    return f"hazard:{hazard.pk}:{hazard.deadline.isoformat()}"


def remind(hazard: Hazard, *, today) -> list:
    days = (hazard.deadline - today).days
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Rectification due %(deadline)s (%(days)s days left): %(code)s") % {
            "deadline": hazard.deadline,
            "days": days,
            "code": hazard.code,
        }
        return _send(
            hazard,
            responsible_people(hazard),
            NotificationKind.DEADLINE_REMINDER,
            title,
            _summary(hazard),
            dedup_key=f"{cycle_key(hazard)}:reminder",
        )


def escalate(hazard: Hazard, level: str, *, today) -> list:
    days = (today - hazard.deadline).days
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Overdue %(days)s days, escalated to the %(level)s: %(code)s") % {
            "days": days,
            "level": RegionLevel(level).label,
            "code": hazard.code,
        }
        body = _("The rectification deadline was %(deadline)s.") % {"deadline": hazard.deadline}
        return _send(
            hazard,
            escalation_recipients(hazard, level),
            NotificationKind.ESCALATION,
            title,
            body + "\n" + _summary(hazard),
            dedup_key=f"{cycle_key(hazard)}:escalation:{level}",
        )


def escalation_reached(hazard: Hazard) -> dict | None:
    """The highest escalation level reached for the current deadline, and since when —
    derived from the notifications sent, nothing stored on the hazard."""
    if hazard.deadline is None:
        return None
    prefix = f"{cycle_key(hazard)}:escalation:"
    rows = (
        Notification.objects.filter(
            subject=f"hazard:{hazard.pk}",
            kind=NotificationKind.ESCALATION,
            dedup_key__startswith=prefix,
        )
        .values("dedup_key")
        .annotate(at=Min("created_at"))
    )
    reached = {row["dedup_key"][len(prefix) :]: row["at"] for row in rows}
    for level in reversed(ESCALATION_LEVELS):
        if level in reached:
            return {"level": level, "label": RegionLevel(level).label, "at": reached[level]}
    return None
