"""Who hears about alarms. Urgent alarms (HH, LL) go to the enterprise's users at once; an
alarm not handled in time goes to them again and to the county regulators (as an escalation,
so also by SMS). Further escalation to the city is not built yet (issue #5, remaining)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from anlan.core import notify as core_notify
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind, UserRole
from anlan.core.models import User

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
                kind=NotificationKind.OTHER,
                title=_title(alarm),
                link=reverse("monitoring:alarm", args=[alarm.pk]),
                dedup_key=f"alarm:{alarm.pk}:raised",
            )


def alarm_overdue(alarm: Alarm, what: str) -> list:
    enterprise = alarm.sensor.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Alarm not handled in time (%(what)s): %(title)s") % {
            "what": what,
            "title": _title(alarm),
        }
        return core_notify.notify(
            recipients=enterprise_users(enterprise.pk) + county_regulators(enterprise),
            kind=NotificationKind.ESCALATION,
            title=title,
            link=reverse("monitoring:alarm", args=[alarm.pk]),
            dedup_key=f"alarm:{alarm.pk}:overdue:{what}",
        )
