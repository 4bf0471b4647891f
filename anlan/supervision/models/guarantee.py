"""包保 duty checks and the daily strict-supervision list (从严监管名单).

A check's status (due, missed, done, done late) is derived from its period and its completion
time; nothing rewrites it. A strict-list day is replaced as a whole by ``strict.compute``."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope
from anlan.hazards.models import StoredFile

from ..choices import STATUS_COLOURS, CheckResult, CheckStatus, GuaranteeRole


def local_today() -> dt.date:
    return timezone.localdate()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` (local time), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class GuaranteeCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(
            self,
            user,
            region_field="hazard_source__enterprise__region",
            enterprise_field="hazard_source__enterprise",
        )

    def with_status(self, status: str, today: dt.date | None = None):
        today = today or local_today()
        if status == CheckStatus.DUE:
            return self.filter(completed_at__isnull=True, period_end__gte=today)
        if status == CheckStatus.MISSED:
            return self.filter(completed_at__isnull=True, period_end__lt=today)
        if status == CheckStatus.DONE:
            return self.filter(completed_at__isnull=False)
        if status == CheckStatus.LATE:
            return self.filter(completed_at__gte=models.F("late_after"))
        return self

    def unfinished_at(self, moment: dt.datetime):
        """Not completed at ``moment`` (completed later, or never)."""
        return self.filter(Q(completed_at__isnull=True) | Q(completed_at__gt=moment))


def photo_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"supervision/{stamp:%Y/%m}/{secrets.token_hex(8)}{instance.extension}"


class GuaranteeCheck(models.Model):
    """One period's check by one 包保 person of one major hazard source."""

    hazard_source = models.ForeignKey(
        "registry.HazardSource",
        verbose_name=_("major hazard source"),
        on_delete=models.CASCADE,
        related_name="guarantee_checks",
    )
    role = models.CharField(_("role"), max_length=12, choices=GuaranteeRole.choices)
    person = models.ForeignKey(
        "registry.ResponsiblePerson",
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"))
    # The first instant after the period (local midnight): completion at or after it is late.
    late_after = models.DateTimeField(_("late after"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = user_ref(_("recorded by"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices, blank=True)
    findings = models.TextField(_("findings"), max_length=5000, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard opened from the findings"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GuaranteeCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("包保 duty check")
        verbose_name_plural = _("包保 duty checks")
        ordering = ["-period_start", "hazard_source_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard_source", "role", "period_start"],
                name="supervision_check_one_per_period",
            )
        ]
        indexes = [models.Index(fields=["period_end", "completed_at"], name="check_by_end")]

    def __str__(self) -> str:
        return f"{self.hazard_source} {self.get_role_display()} {self.period_start}"

    def save(self, *args, **kwargs):
        if self.period_end and not self.late_after:
            self.late_after = end_of_day(self.period_end)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.result == CheckResult.PROBLEMS and not (self.findings or "").strip():
            raise ValidationError({"findings": _("Describe the problems found.")})

    @property
    def enterprise(self):
        return self.hazard_source.enterprise

    def status_on(self, today: dt.date | None = None) -> str:
        today = today or local_today()
        if self.completed_at is not None:
            if timezone.localdate(self.completed_at) > self.period_end:
                return CheckStatus.LATE
            return CheckStatus.DONE
        return CheckStatus.MISSED if today > self.period_end else CheckStatus.DUE

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(CheckStatus(self.status).label)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


class GuaranteeCheckPhoto(StoredFile):
    check_record = models.OneToOneField(
        GuaranteeCheck, verbose_name=_("check"), on_delete=models.CASCADE, related_name="photo"
    )
    file = models.FileField(_("file"), upload_to=photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("check photo")
        verbose_name_plural = _("check photos")

    def __str__(self) -> str:
        return self.original_name


class StrictListEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(
            self, user, region_field="enterprise__region", enterprise_field="enterprise"
        )


class StrictListEntry(models.Model):
    """An enterprise on the strict-supervision list of one day, with its reasons:
    ``[{"code", "text", "evidence": {...}, "link"}, ...]``."""

    date = models.DateField(_("date"), db_index=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="strict_list_entries",
    )
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = StrictListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("strict-supervision list entry")
        verbose_name_plural = _("strict-supervision list entries")
        ordering = ["-date", "enterprise__region__code", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "enterprise"], name="supervision_strict_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise}"

    @property
    def codes(self) -> list[str]:
        return sorted({r.get("code", "") for r in self.reasons})
