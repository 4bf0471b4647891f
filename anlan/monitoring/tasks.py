"""Periodic monitoring jobs, each a call of one small function:
- every minute: per-minute rollups (``readings.rollup_pending``) and alarm deadlines
  (``services.check_alarm_deadlines``: overdue notifications, candidate hazards);
- daily at ANLAN_MONITORING_PURGE_JOB_HOUR: retention (``readings.purge``)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import readings, services


@db_periodic_task(crontab(minute="*"))
def minute_jobs():
    readings.rollup_pending()
    services.check_alarm_deadlines()


@db_periodic_task(crontab(minute="15", hour=str(settings.ANLAN_MONITORING_PURGE_JOB_HOUR)))
def daily_purge():
    readings.purge()
