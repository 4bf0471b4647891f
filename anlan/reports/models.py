from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.scoping import filter_by_scope
from anlan.hazards.stats import rectification_rate

from .choices import FIRST_YEAR, BulletinKind, BulletinState, ReportStatus

# The figures a quarterly report holds, in the order the report shows them.
FIGURE_FIELDS = (
    "found_general",
    "found_major",
    "closed_general",
    "closed_major",
    "open_at_end",
    "overdue_at_end",
    "open_major_at_end",
    "listed",
    "major_with_plan",
    "planned_funds",
)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First day of the quarter and first day of the next one."""
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, after


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(day: dt.date | None = None) -> tuple[int, int]:
    """The last quarter that has ended on ``day`` (default today): the one being reported."""
    year, quarter = quarter_of(day or timezone.localdate())
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def due_date(year: int, quarter: int) -> dt.date:
    """Reports are due by the ANLAN_QUARTERLY_REPORT_DUE_DAY-th of the month after the quarter."""
    _, after = quarter_bounds(year, quarter)
    return after.replace(day=settings.ANLAN_QUARTERLY_REPORT_DUE_DAY)


class QuarterlyReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuarterlyReportQuerySet:
        return filter_by_scope(
            self, user, region_field="enterprise__region", enterprise_field="enterprise_id"
        )

    def submitted(self) -> QuarterlyReportQuerySet:
        return self.filter(status=ReportStatus.SUBMITTED)

    def late(self) -> QuarterlyReportQuerySet:
        """Submitted after the due day; reports of one quarter at a time, as the due day differs
        per quarter."""
        return self.submitted().filter(submitted_late=True)


class QuarterlyHazardReport(models.Model):
    """隐患排查治理情况季度统计报表: one enterprise's hazard figures for one quarter.

    A draft is regenerated from the hazard records whenever asked; submitting freezes the figures
    as they were, so later changes to hazards do not change what was reported.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("report status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        editable=False,
    )
    found_general = models.PositiveIntegerField(_("general hazards found"), default=0)
    found_major = models.PositiveIntegerField(_("major hazards found"), default=0)
    closed_general = models.PositiveIntegerField(_("general hazards rectified"), default=0)
    closed_major = models.PositiveIntegerField(_("major hazards rectified"), default=0)
    open_at_end = models.PositiveIntegerField(_("open at quarter end"), default=0)
    overdue_at_end = models.PositiveIntegerField(_("overdue at quarter end"), default=0)
    open_major_at_end = models.PositiveIntegerField(_("open major at quarter end"), default=0)
    listed = models.PositiveIntegerField(_("listed for supervision (挂牌督办)"), default=0)
    major_with_plan = models.PositiveIntegerField(_("major hazards with a plan"), default=0)
    planned_funds = models.DecimalField(
        _("planned funds (yuan)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    by_category = models.JSONField(_("found by category"), default=dict, blank=True)
    as_of = models.DateTimeField(_("figures as of"), null=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, editable=False)
    remarks = models.TextField(_("remarks"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Decided once, at submission, from the due day then in force.
    submitted_late = models.BooleanField(_("submitted late"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = QuarterlyReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quarterly hazard report")
        verbose_name_plural = _("quarterly hazard reports")
        ordering = ["-year", "-quarter", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"], name="one_report_per_enterprise_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period}"

    @property
    def period(self) -> str:
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return quarter_bounds(self.year, self.quarter)

    @property
    def last_day(self) -> dt.date:
        return self.bounds[1] - dt.timedelta(days=1)

    @property
    def due_date(self) -> dt.date:
        return due_date(self.year, self.quarter)

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def is_late(self) -> bool:
        """Submitted after the due day, or still not submitted once it has passed."""
        if self.is_submitted:
            return self.submitted_late
        return timezone.localdate() > self.due_date

    @property
    def found(self) -> int:
        return self.found_general + self.found_major

    @property
    def closed(self) -> int:
        return self.closed_general + self.closed_major

    @property
    def rectification_rate(self) -> float | None:
        return rectification_rate(self.closed, self.found)

    @property
    def general_rate(self) -> float | None:
        return rectification_rate(self.closed_general, self.found_general)

    @property
    def major_rate(self) -> float | None:
        return rectification_rate(self.closed_major, self.found_major)

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in FIGURE_FIELDS} | {
            "by_category": self.by_category
        }


# --- Bulletins (weekly / monthly / 安全生产工作简报) -------------------------------------------


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Region-scoped officers see the bulletins of their region and below, and those of the
        regions above them (a county reads the city's bulletin)."""
        from anlan.core.models import Region

        return self.filter(region__in=Region.objects.visible_to(user))


def bulletin_file_path(instance, filename: str) -> str:
    return f"reports/bulletins/{instance.period_start:%Y}/{filename}"


class Bulletin(models.Model):
    """A bulletin for one region and period. ``figures`` is the snapshot of every number the
    bulletin prints, computed from the records when it was (re)generated; ``commentary`` holds
    the editable text per section (``{section_key: text}``). Published bulletins are frozen:
    their PDF and Word files are stored and sent to subscribers."""

    kind = models.CharField(_("kind"), max_length=10, choices=BulletinKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    number = models.PositiveIntegerField(_("issue number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=BulletinState.choices, default=BulletinState.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    commentary = models.JSONField(_("commentary"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("figures as of"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=bulletin_file_path, blank=True)
    docx = models.FileField(_("Word"), upload_to=bulletin_file_path, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-period_start", "kind", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "period_start", "period_end"],
                name="bulletin_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return self.title


class BulletinSubscription(models.Model):
    """Who receives which bulletins when they are published (in-app and e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="bulletin_subscriptions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BulletinKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("bulletin subscription")
        verbose_name_plural = _("bulletin subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "region"], name="bulletin_subscription_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.region}"
