"""Periodic monitoring jobs, each a call of one small function:
- every minute: per-minute rollups (``readings.rollup_pending``) and alarm deadlines
  (``services.check_alarm_deadlines``: overdue notifications, candidate hazards); offline
  episodes (``offline.check_offline``);
- daily at ANLAN_MONITORING_PURGE_JOB_HOUR: retention (``readings.purge``)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import offline, readings, services


@db_periodic_task(crontab(minute="*"))
def minute_jobs():
    readings.rollup_pending()
    services.check_alarm_deadlines()


@db_periodic_task(crontab(minute="15", hour=str(settings.ANLAN_MONITORING_PURGE_JOB_HOUR)))
def daily_purge():
    readings.purge()


@db_periodic_task(crontab(minute="*"))
def offline_check():
    """Open offline episodes for silent gateways and sensors; hourly, drop old batch rows."""
    run = offline.check_offline()
    if timezone.now().minute == 0:
        offline.purge_batches()
    return len(run.gateways) + len(run.sensors)
