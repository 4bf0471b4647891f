"""Every change to quarterly hazard reports: generate (or regenerate) a draft, edit its remarks,
submit it. Web pages, the API and the CLI call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import UserRole

from .choices import FIRST_YEAR, ReportStatus
from .models import QuarterlyHazardReport, due_date, quarter_bounds
from .quarterly import compute_figures, figures_differ


class AlreadySubmitted(ValidationError):
    """The report was submitted already; its figures are frozen."""


class FiguresChanged(ValidationError):
    """The hazard records changed since the draft was generated: the draft now shows the new
    figures, which the enterprise should review before submitting."""


def can_prepare(user, enterprise) -> bool:
    """The enterprise's own safety manager prepares and submits its reports (a system
    administrator may too, e.g. generating drafts from the command line)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return True
    return user.role == UserRole.ENTERPRISE_SAFETY and user.enterprise_id == enterprise.pk


def check_period(year, quarter, *, today=None) -> tuple[int, int]:
    """The (year, quarter) as ints, or a ValidationError naming the field that is wrong."""
    today = today or timezone.localdate()
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("The quarter must be 1, 2, 3 or 4.")})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError(
            {
                "year": _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": today.year}
            }
        )
    if quarter_bounds(year, quarter)[0] > today:
        raise ValidationError({"quarter": _("This quarter has not begun yet.")})
    return year, quarter


def _already_submitted(report) -> AlreadySubmitted:
    return AlreadySubmitted(
        _("The report for %(period)s was submitted on %(date)s; its figures can no longer change.")
        % {
            "period": report.period,
            "date": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d"),
        },
        code="already_submitted",
    )


def _apply(report: QuarterlyHazardReport, figures: dict, now) -> None:
    for name, value in figures.items():
        setattr(report, name, value)
    report.generated_at = now


def generate_report(*, enterprise, year, quarter, user, now=None) -> QuarterlyHazardReport:
    """Create the draft for ``enterprise`` and the quarter, or refresh a draft's figures from the
    hazard records. A submitted report is refused (AlreadySubmitted)."""
    year, quarter = check_period(year, quarter)
    if not can_prepare(user, enterprise):
        raise PermissionDenied(_("Only the enterprise's safety manager prepares its reports."))
    now = now or timezone.now()
    with transaction.atomic():
        report = (
            QuarterlyHazardReport.objects.select_for_update()
            .filter(enterprise=enterprise, year=year, quarter=quarter)
            .first()
        )
        if report is None:
            report = QuarterlyHazardReport(enterprise=enterprise, year=year, quarter=quarter)
        elif report.is_submitted:
            raise _already_submitted(report)
        _apply(report, compute_figures(enterprise, year, quarter, now=now), now)
        report.full_clean(exclude=["enterprise"])
        report.save()
    return report


def save_remarks(*, report, user, remarks: str) -> QuarterlyHazardReport:
    if not can_prepare(user, report.enterprise):
        raise PermissionDenied(_("Only the enterprise's safety manager prepares its reports."))
    with transaction.atomic():
        report = QuarterlyHazardReport.objects.select_for_update().get(pk=report.pk)
        if report.is_submitted:
            raise _already_submitted(report)
        report.remarks = (remarks or "").strip()
        report.full_clean(exclude=["enterprise"])
        report.save()
    return report


def submit_report(*, report, user, remarks: str | None = None, now=None) -> QuarterlyHazardReport:
    """Submit the draft, freezing its figures. Refused when already submitted, when the quarter
    has not ended, or when the hazard records changed since the draft was generated (the draft
    is then refreshed so the enterprise can review it and submit again)."""
    if not can_prepare(user, report.enterprise):
        raise PermissionDenied(_("Only the enterprise's safety manager submits its reports."))
    now = now or timezone.now()
    if timezone.localtime(now).date() < quarter_bounds(report.year, report.quarter)[1]:
        raise ValidationError(
            {"quarter": _("The quarter has not ended yet; submit it once it has.")},
            code="quarter_running",
        )
    changed = False
    with transaction.atomic():
        report = QuarterlyHazardReport.objects.select_for_update().get(pk=report.pk)
        if report.is_submitted:
            raise _already_submitted(report)
        if remarks is not None:
            report.remarks = remarks.strip()
        figures = compute_figures(report.enterprise, report.year, report.quarter, now=now)
        if report.generated_at is None or figures_differ(report, figures):
            _apply(report, figures, now)
            changed = True
        else:
            report.as_of = figures["as_of"]
            report.status = ReportStatus.SUBMITTED
            report.submitted_at = now
            report.submitted_by = user
            report.submitted_late = timezone.localtime(now).date() > due_date(
                report.year, report.quarter
            )
        report.full_clean(exclude=["enterprise"])
        report.save()
    if changed:
        raise FiguresChanged(
            _(
                "The hazard records changed since this draft was generated. The figures have "
                "been brought up to date: check them and submit again."
            ),
            code="figures_changed",
        )
    return report
