"""Background jobs of 督办 tasks (imported by ``tasks`` so huey finds them): once a day at
ANLAN_TASK_JOB_HOUR, remind units of tasks due soon and escalate the overdue to the office
(``office.chase``; safe to run any number of times)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import office


@db_periodic_task(crontab(minute="15", hour=str(settings.ANLAN_TASK_JOB_HOUR)))
def daily_task_chase():
    run = office.chase()
    return {"reminded": len(run.reminded), "escalated": len(run.escalated)}
