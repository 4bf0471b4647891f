"""Who hears about 包保 checks and the strict-supervision list."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from anlan.core import notify as core_notify
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind, UserRole
from anlan.core.models import User


def enterprise_users(enterprise_id: int) -> list[User]:
    return list(
        User.objects.filter(is_active=True, enterprise_id=enterprise_id, role__in=ENTERPRISE_ROLES)
    )


def regulators(enterprise, *, city: bool = False) -> list[User]:
    """The county regulators of the enterprise's county (and, with ``city``, the city
    administrators of its city)."""
    prefix = enterprise.region.prefix
    people = []
    if len(prefix) >= 6:
        people += list(
            User.objects.filter(
                is_active=True, role=UserRole.COUNTY_REGULATOR, region__prefix=prefix[:6]
            )
        )
    if city and len(prefix) >= 4:
        people += list(
            User.objects.filter(is_active=True, role=UserRole.CITY_ADMIN, region__prefix=prefix[:4])
        )
    return people


def _check_words(check) -> dict:
    return {
        "source": check.hazard_source.name,
        "role": check.get_role_display(),
        "person": check.person_name or "—",
        "start": check.period_start.isoformat(),
        "end": check.period_end.isoformat(),
    }


def check_created(check) -> list:
    with translation.override(settings.LANGUAGE_CODE):
        return core_notify.notify(
            recipients=enterprise_users(check.hazard_source.enterprise_id),
            kind=NotificationKind.DUTY,
            title=_("包保 check due: %(source)s, %(role)s %(person)s, %(start)s to %(end)s")
            % _check_words(check),
            link=reverse("supervision:check", args=[check.pk]),
            dedup_key=f"duty:check:{check.pk}:new",
        )


def check_missed(check) -> list:
    enterprise = check.hazard_source.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        words = _check_words(check) | {"enterprise": enterprise.name}
        return core_notify.notify(
            recipients=enterprise_users(enterprise.pk) + regulators(enterprise),
            kind=NotificationKind.DUTY,
            title=_(
                "包保 check missed: %(enterprise)s, %(source)s, %(role)s %(person)s, "
                "%(start)s to %(end)s"
            )
            % words,
            link=reverse("supervision:check", args=[check.pk]),
            dedup_key=f"duty:check:{check.pk}:missed",
        )


def strict_listed(entry) -> list:
    enterprise = entry.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        reasons = "；".join(r.get("text", "") for r in entry.reasons)
        return core_notify.notify(
            recipients=regulators(enterprise, city=True),
            kind=NotificationKind.SUPERVISION,
            title=_("%(enterprise)s is on the strict-supervision list of %(day)s")
            % {"enterprise": enterprise.name, "day": entry.date.isoformat()},
            body=reasons,
            link=reverse("supervision:strict-history", args=[enterprise.pk]),
            dedup_key=f"strict:{entry.date.isoformat()}:{enterprise.pk}",
        )
