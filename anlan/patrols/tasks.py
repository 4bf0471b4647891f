"""Daily at ANLAN_PATROL_JOB_HOUR: tell regulators of enterprises newly overdue for an online
patrol at their level (``services.notify_overdue``; deduplicated, so re-runs are harmless)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="20", hour=str(settings.ANLAN_PATROL_JOB_HOUR)))
def overdue_patrols():
    return services.notify_overdue()
