from django.db import models
from django.utils.translation import gettext_lazy as _

# No report is asked for before this year (Decree 16 dates from 2007).
FIRST_YEAR = 2008


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class SubmissionState(models.TextChoices):
    """Where an enterprise stands for one quarter, as a regulator sees it."""

    ON_TIME = "on_time", _("Submitted on time")
    LATE = "late", _("Submitted late")
    DRAFT = "draft", _("Draft, not submitted")
    MISSING = "missing", _("Not submitted")


STATE_COLOURS = {
    SubmissionState.ON_TIME: "success",
    SubmissionState.LATE: "warning",
    SubmissionState.DRAFT: "secondary",
    SubmissionState.MISSING: "danger",
}


class BulletinKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly bulletin")
    MONTHLY = "monthly", _("Monthly bulletin")
    BRIEFING = "briefing", _("Work-safety briefing (安全生产工作简报)")


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
