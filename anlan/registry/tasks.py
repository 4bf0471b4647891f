"""Daily reminders of control-measure checks due today.

``notify_due_checks(today)`` is the whole job, callable directly (tests, ``anlan risks due
--notify``); ``daily_measure_check_reminders`` runs it under the huey consumer every day at
ANLAN_MEASURE_CHECK_JOB_HOUR (local time). Each enterprise's users get one notification a day
listing that day's checks; the de-duplication key holds the enterprise and the date, so running
the job again the same day tells nobody twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anlan.core import notify
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind
from anlan.core.models import User

from . import risks
from .models import ControlMeasure


def notify_due_checks(today: dt.date | None = None) -> int:
    """Tell each enterprise's users about the checks due ``today``; returns notifications made."""
    today = today or timezone.localdate()
    by_enterprise: dict[int, list[risks.DueCheck]] = {}
    for item in risks.due_checks(ControlMeasure.objects.all(), today=today):
        if item.due_on == today:
            by_enterprise.setdefault(item.enterprise.pk, []).append(item)
    made = 0
    for enterprise_id, items in by_enterprise.items():
        people = User.objects.filter(
            enterprise_id=enterprise_id, role__in=ENTERPRISE_ROLES, is_active=True
        )
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            title = ngettext(
                "%(n)d control-measure check due today",
                "%(n)d control-measure checks due today",
                len(items),
            ) % {"n": len(items)}
            body = "\n".join(
                _("%(point)s: %(measure)s (%(person)s)")
                % {
                    "point": i.measure.risk_point.name,
                    "measure": i.measure.text[:80],
                    "person": i.measure.responsible_name,
                }
                for i in items
            )
            made += len(
                notify.notify(
                    recipients=people,
                    kind=NotificationKind.OTHER,
                    title=title,
                    body=body,
                    link=reverse("registry:my_tasks"),
                    subject=f"enterprise:{enterprise_id}",
                    dedup_key=f"measure-checks:{enterprise_id}:{today.isoformat()}",
                )
            )
    return made


@db_periodic_task(crontab(minute="0", hour=str(settings.ANLAN_MEASURE_CHECK_JOB_HOUR)))
def daily_measure_check_reminders():
    return notify_due_checks()
