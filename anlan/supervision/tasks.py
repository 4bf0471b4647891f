"""Daily supervision jobs, each a call of one small function:
- at ANLAN_GUARANTEE_JOB_HOUR: this period's 包保 checks and missed-check notices
  (``services.generate_checks``);
- at ANLAN_STRICT_LIST_HOUR: today's strict-supervision list, with notices of enterprises newly
  on it (``strict.compute``)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services, strict


@db_periodic_task(crontab(minute="5", hour=str(settings.ANLAN_GUARANTEE_JOB_HOUR)))
def daily_duty_checks():
    run = services.generate_checks()
    return len(run.created)


@db_periodic_task(crontab(minute="0", hour=str(settings.ANLAN_STRICT_LIST_HOUR)))
def daily_strict_list():
    run = strict.compute(notify=True)
    return len(run.entries)


# 督办 reminders and escalation, and assessment jobs, live in their own modules.
from . import jobs_assessment, jobs_office  # noqa: E402, F401
