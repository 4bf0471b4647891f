"""Background jobs of assessments (imported by ``tasks`` so huey finds them).

On day ANLAN_ASSESSMENT_COMPUTE_DAY of each month (0 = never), at 02:30, last month's draft
assessments of every active monthly scheme are computed (``compute_last_month``), so the office
finds them ready to check, complete and sign off. Signed-off assessments are left alone."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import assessment, periods
from .choices import AssessmentPeriod
from .models import AssessmentScheme, local_today


def compute_last_month(today: dt.date | None = None) -> int:
    """Compute last month's assessments of every active monthly scheme; returns how many
    assessments were created or refreshed."""
    today = today or local_today()
    last_month = periods.add_months(today.replace(day=1), -1)
    done = 0
    for scheme in AssessmentScheme.objects.filter(active=True, period=AssessmentPeriod.MONTH):
        run = assessment.compute(scheme, last_month)
        done += run.created + run.refreshed
    return done


if settings.ANLAN_ASSESSMENT_COMPUTE_DAY:

    @db_periodic_task(
        crontab(minute="30", hour="2", day=str(settings.ANLAN_ASSESSMENT_COMPUTE_DAY))
    )
    def monthly_assessment_drafts():
        return compute_last_month()
