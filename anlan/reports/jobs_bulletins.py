"""Scheduled bulletin generation and delivery: every Monday the weekly bulletin of the week
before, on the 1st the monthly bulletin of the month before, for each region of
``ANLAN_BULLETIN_REGIONS``; published and sent to subscribers if ``ANLAN_BULLETIN_AUTO_PUBLISH``
(``bulletins.scheduled``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import bulletins
from .choices import BulletinKind


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="30"))
def weekly_bulletins():
    return len(bulletins.scheduled(BulletinKind.WEEKLY))


@db_periodic_task(crontab(day="1", hour="7", minute="0"))
def monthly_bulletins():
    return len(bulletins.scheduled(BulletinKind.MONTHLY))
