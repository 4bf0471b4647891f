"""The daily safety commitment (安全承诺公告, REFERENCE.md §4.4) and special-work permits
(作业票) whose counts it is checked against."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import user_ref
from anlan.registry.models import Enterprise

from .choices import KIND_FIELDS, SpecialWorkKind


def due_at(day: dt.date) -> dt.datetime:
    """When the commitment of ``day`` is due: ANLAN_COMMITMENT_DUE_HOUR, local time."""
    naive = dt.datetime.combine(day, dt.time(settings.ANLAN_COMMITMENT_DUE_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


class ScopedByEnterprise(models.QuerySet):
    def visible_to(self, user):
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user))


def _count(label):
    return models.PositiveSmallIntegerField(label, default=0)


class SafetyCommitment(models.Model):
    """One enterprise's commitment for one day, signed by its principal."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="safety_commitments",
    )
    day = models.DateField(_("date"))
    units_total = models.PositiveSmallIntegerField(_("process units in total"), default=0)
    units_running = models.PositiveSmallIntegerField(_("units running"), default=0)
    units_shut_down = models.PositiveSmallIntegerField(_("units shut down"), default=0)
    units_maintenance = models.PositiveSmallIntegerField(_("units under maintenance"), default=0)
    hot_special_count = _count(_("Special-grade hot work"))
    hot_1_count = _count(_("Grade-1 hot work"))
    hot_2_count = _count(_("Grade-2 hot work"))
    confined_space_count = _count(_("Confined-space entry"))
    height_count = _count(_("Work at height"))
    lifting_count = _count(_("Lifting"))
    temporary_power_count = _count(_("Temporary power"))
    excavation_count = _count(_("Excavation"))
    road_closure_count = _count(_("Road closure"))
    blind_plate_count = _count(_("Blind-plate insertion or removal"))
    contractor_operations = _count(_("contractor operations"))
    trial_production = models.BooleanField(_("in trial production"), default=False)
    startup_shutdown = models.BooleanField(_("start-up or shut-down in progress"), default=False)
    hazards_safe = models.BooleanField(_("major hazard sources in a safe state"), default=True)
    unsafe_reason = models.TextField(_("why not in a safe state"), max_length=1000, blank=True)
    text = models.TextField(_("commitment text"), max_length=2000)
    principal_name = models.CharField(_("principal"), max_length=50)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = user_ref(_("submitted by"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedByEnterprise.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("safety commitment")
        verbose_name_plural = _("safety commitments")
        ordering = ["-day", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="commitment_once_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="commitment_day_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.day}"

    def clean(self) -> None:
        errors = {}
        units = self.units_running + self.units_shut_down + self.units_maintenance
        if units != self.units_total:
            errors["units_total"] = _(
                "Running (%(running)d) + shut down (%(shut)d) + under maintenance (%(maint)d) "
                "= %(sum)d, but the total is %(total)d."
            ) % {
                "running": self.units_running,
                "shut": self.units_shut_down,
                "maint": self.units_maintenance,
                "sum": units,
                "total": self.units_total,
            }
        if not self.hazards_safe and not (self.unsafe_reason or "").strip():
            errors["unsafe_reason"] = _("Say why the major hazard sources are not in a safe state.")
        if not (self.text or "").strip():
            errors["text"] = _("The commitment text is required.")
        if not (self.principal_name or "").strip():
            errors["principal_name"] = _("Give the principal's name.")
        if errors:
            raise ValidationError(errors)

    def count_of(self, kind: str) -> int:
        return getattr(self, KIND_FIELDS[SpecialWorkKind(kind)])

    @property
    def special_operations_total(self) -> int:
        return sum(getattr(self, name) for name in KIND_FIELDS.values())

    @property
    def due(self) -> dt.datetime:
        return due_at(self.day)

    @property
    def late(self) -> bool:
        """Derived: submitted after the day's due time."""
        return self.submitted_at > self.due

    def kind_counts(self) -> list[tuple[str, str, int]]:
        """(kind, label, announced count) for every kind, in the standard's order."""
        return [(k.value, k.label, getattr(self, f)) for k, f in KIND_FIELDS.items()]


class WorkPermit(models.Model):
    """A special-work permit (作业票). It counts for every local day its planned interval
    overlaps."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="work_permits",
    )
    hazard_source = models.ForeignKey(
        "registry.HazardSource",
        verbose_name=_("major hazard source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_permits",
    )
    number = models.CharField(_("permit number"), max_length=40)
    kind = models.CharField(_("work kind"), max_length=20, choices=SpecialWorkKind.choices)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    location = models.CharField(_("work location"), max_length=200)
    supervisor = models.CharField(_("supervisor / responsible person"), max_length=50)
    issued_by = user_ref(_("entered by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = ScopedByEnterprise.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")
        ordering = ["-planned_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "number"], name="permit_number_once_per_enterprise"
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "planned_start"], name="permit_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            errors["planned_end"] = _("The planned end must be after the planned start.")
        if (
            self.hazard_source_id
            and self.enterprise_id
            and self.hazard_source.enterprise_id != self.enterprise_id
        ):
            errors["hazard_source"] = _("The hazard source must belong to this enterprise.")
        if self.number and self.enterprise_id:
            clash = WorkPermit.objects.filter(enterprise_id=self.enterprise_id, number=self.number)
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            if clash.exists():
                errors["number"] = _("This enterprise already has a permit with this number.")
        if errors:
            raise ValidationError(errors)
