"""Deadline reminders and escalation of overdue hazards.

``check_deadlines(today)`` is the whole job, callable directly (``anlan hazards
check-deadlines``, tests); ``daily_deadline_check`` runs it under the huey consumer every day at
ANLAN_DEADLINE_JOB_HOUR (local time). It may run any number of times: each notification carries
a key with the hazard, its current deadline and the step, and nobody is told the same thing
twice. An approved extension moves the deadline, so the cycle starts again.

- ANLAN_HAZARD_REMINDER_DAYS before the deadline (and up to the day itself): the people who
  must rectify (the enterprise's users; for a public place, the township's supervisors).
- Overdue (derived: ``Hazard.objects.overdue()``), one level per
  ANLAN_HAZARD_ESCALATION_STEP_DAYS: from the first day the enterprise and the township
  supervisors; one step later the county regulators; another step later the city
  administrators. A job that missed days catches up on every level due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anlan.core.choices import NotificationKind

from . import notices
from .choices import DEADLINE_STATUSES
from .models import Hazard, local_today


@dataclass
class Sent:
    hazard: str
    kind: str
    step: str
    deadline: dt.date
    recipients: list[str] = field(default_factory=list)


def levels_due(deadline: dt.date, today: dt.date) -> tuple:
    """The escalation levels due ``today`` for an overdue ``deadline``."""
    overdue_days = (today - deadline).days
    if overdue_days < 1:
        return ()
    step = max(1, settings.ANLAN_HAZARD_ESCALATION_STEP_DAYS)
    reached = 1 + (overdue_days - 1) // step
    return notices.ESCALATION_LEVELS[:reached]


def check_deadlines(today: dt.date | None = None) -> list[Sent]:
    """Send what is due today (local date); returns what was sent, for the CLI."""
    today = today or local_today()
    sent: list[Sent] = []
    related = ("enterprise", "region")
    window = today + dt.timedelta(days=max(0, settings.ANLAN_HAZARD_REMINDER_DAYS))
    upcoming = Hazard.objects.filter(
        status__in=DEADLINE_STATUSES, deadline__gte=today, deadline__lte=window
    ).select_related(*related)
    for hazard in upcoming.order_by("deadline", "pk"):
        with transaction.atomic():
            created = notices.remind(hazard, today=today)
        if created:
            sent.append(_sent(hazard, NotificationKind.DEADLINE_REMINDER, "reminder", created))
    for hazard in Hazard.objects.overdue(today).select_related(*related).order_by("deadline", "pk"):
        for level in levels_due(hazard.deadline, today):
            with transaction.atomic():
                created = notices.escalate(hazard, level, today=today)
            if created:
                sent.append(_sent(hazard, NotificationKind.ESCALATION, str(level), created))
    return sent


def _sent(hazard, kind, step, created) -> Sent:
    return Sent(
        hazard=hazard.code,
        kind=str(kind),
        step=step,
        deadline=hazard.deadline,
        recipients=[n.recipient.username for n in created],
    )


@db_periodic_task(crontab(minute="0", hour=str(settings.ANLAN_DEADLINE_JOB_HOUR)))
def daily_deadline_check():
    return len(check_deadlines())
