"""Daily at 07:40: tell team commanders about certificates expiring or expired
(``services_members.warn_expiring_certificates``; deduplicated, so re-runs are harmless)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services_members


@db_periodic_task(crontab(minute="40", hour="7"))
def expiring_certificates():
    return services_members.warn_expiring_certificates(timezone.localdate())
