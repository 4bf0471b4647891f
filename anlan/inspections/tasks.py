"""Periodic jobs: this period's inspection tasks, each morning."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import generate_tasks


@db_periodic_task(crontab(hour="5", minute="10"))
def daily_inspection_tasks():
    return generate_tasks()
