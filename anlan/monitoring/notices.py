"""Who hears about alarms. Urgent alarms (HH, LL) go to the enterprise's users at once (kind
alarm, so also by SMS). An alarm not handled in time is "unhandled": the chain (see
``services.check_alarm_deadlines``) tells the enterprise again every ANLAN_ALARM_REPEAT_MINUTES
and climbs one level every ANLAN_ALARM_ESCALATION_STEP_MINUTES: enterprise, county regulators,
city administrators."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from anlan.core import notify as core_notify
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind, UserRole
from anlan.core.models import User

from .choices import EscalationLevel
from .models import Alarm


def enterprise_users(enterprise_id: int) -> list[User]:
    return list(
        User.objects.filter(is_active=True, enterprise_id=enterprise_id, role__in=ENTERPRISE_ROLES)
    )


def county_regulators(enterprise) -> list[User]:
    prefix = enterprise.region.prefix
    if len(prefix) < 6:
        return []
    return list(
        User.objects.filter(
            is_active=True, role=UserRole.COUNTY_REGULATOR, region__prefix=prefix[:6]
        )
    )


def city_administrators(enterprise) -> list[User]:
    prefix = enterprise.region.prefix
    if len(prefix) < 4:
        return []
    return list(
        User.objects.filter(is_active=True, role=UserRole.CITY_ADMIN, region__prefix=prefix[:4])
    )


def chain_recipients(enterprise, level: str) -> list[User]:
    """Everyone told at this level of the chain: the levels below it stay on the list."""
    people = enterprise_users(enterprise.pk)
    if level in (EscalationLevel.COUNTY, EscalationLevel.CITY):
        people += county_regulators(enterprise)
    if level == EscalationLevel.CITY:
        people += city_administrators(enterprise)
    return people


def _title(alarm: Alarm) -> str:
    return _("%(level)s alarm: %(tag)s %(name)s %(kind)s, value %(value)s %(unit)s") % {
        "level": alarm.get_level_display(),
        "tag": alarm.sensor.tag,
        "name": alarm.sensor.name,
        "kind": alarm.get_kind_display(),
        "value": "—" if alarm.value is None else f"{alarm.value:g}",
        "unit": alarm.sensor.unit,
    }


def alarms_raised(alarm_ids: list[int]) -> None:
    alarms = Alarm.objects.filter(pk__in=alarm_ids).select_related("sensor__enterprise")
    with translation.override(settings.LANGUAGE_CODE):
        for alarm in alarms:
            core_notify.notify(
                recipients=enterprise_users(alarm.sensor.enterprise_id),
                kind=NotificationKind.ALARM,
                title=_title(alarm),
                link=reverse("monitoring:alarm", args=[alarm.pk]),
                dedup_key=f"alarm:{alarm.pk}:raised",
            )


def alarm_unhandled(alarm: Alarm, *, missed: str, level: str, repeat: int) -> list:
    """Tell the chain up to ``level`` that ``alarm`` missed its ``missed`` deadline
    ("acknowledgement" or "disposal"); ``repeat`` counts the reminders, so each one is new."""
    enterprise = alarm.sensor.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        what = _("not acknowledged") if missed == "acknowledgement" else _("not disposed")
        title = _("Alarm %(what)s in time, escalated to %(level)s: %(title)s") % {
            "what": what,
            "level": EscalationLevel(level).label,
            "title": _title(alarm),
        }
        return core_notify.notify(
            recipients=chain_recipients(enterprise, level),
            kind=NotificationKind.ESCALATION,
            title=title,
            link=reverse("monitoring:alarm", args=[alarm.pk]),
            dedup_key=f"alarm:{alarm.pk}:unhandled:{missed}:{repeat}",
        )
