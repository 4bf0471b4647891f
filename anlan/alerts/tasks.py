"""Warnings' periodic jobs: poll the CAP feeds every ANLAN_CAP_POLL_MINUTES, and every 5 minutes
remind targets past their deadline and escalate the silent (both safe to re-run)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import ingest, response


@db_periodic_task(crontab(minute=f"*/{max(1, settings.ANLAN_CAP_POLL_MINUTES)}"))
def poll_feeds():
    if settings.ANLAN_CAP_FEEDS:
        return ingest.poll_all()
    return {}


@db_periodic_task(crontab(minute="*/5"))
def remind_silent_targets():
    return response.remind_and_escalate()
