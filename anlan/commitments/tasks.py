"""Hourly: remind enterprises before the commitment due time, escalate missed ones after it
(``services.check_commitments``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="0"))
def hourly_commitment_check():
    run = services.check_commitments()
    return len(run.reminded) + len(run.escalated)
