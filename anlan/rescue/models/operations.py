"""Duty rosters, drills, incidents with their timeline, and dispatches of teams to incidents."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import Located, user_ref
from anlan.core.scoping import filter_by_scope, scope_of

from ..choices import (
    INCIDENT_STATUS_COLOURS,
    READINESS_COLOURS,
    SEVERITY_COLOURS,
    STAGE_FIELDS,
    DispatchStage,
    DrillKind,
    DrillStatus,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    Readiness,
    Shift,
)
from .teams import china_location_errors


class DutyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, region_field="team__region", team_field="team")


class DutyShift(models.Model):
    """One team's duty for a day and shift (值班备勤): the squad on duty, the commander, the duty
    phone and the readiness state."""

    team = models.ForeignKey(
        "rescue.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="duty"
    )
    day = models.DateField(_("day"))
    shift = models.CharField(
        _("shift"), max_length=10, choices=Shift.choices, default=Shift.FULL_DAY
    )
    unit = models.ForeignKey(
        "rescue.TeamUnit",
        verbose_name=_("squad on duty"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commander = models.ForeignKey(
        "rescue.Member",
        verbose_name=_("duty commander"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    readiness = models.CharField(
        _("readiness"), max_length=10, choices=Readiness.choices, default=Readiness.NORMAL
    )
    readiness_reason = models.CharField(_("why readiness was raised"), max_length=200, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["-day", "team", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day", "shift"], name="rescue_duty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.day} · {self.get_shift_display()}"

    def clean(self) -> None:
        errors = {}
        if self.team_id and self.commander_id and self.commander.team_id != self.team_id:
            errors["commander"] = _("The duty commander is not a member of this team.")
        if self.team_id and self.unit_id and self.unit.team_id != self.team_id:
            errors["unit"] = _("The squad belongs to another team.")
        if self.readiness != Readiness.NORMAL and not self.readiness_reason.strip():
            errors["readiness_reason"] = _("Say why readiness was raised.")
        if errors:
            raise ValidationError(errors)

    @property
    def readiness_colour(self) -> str:
        return READINESS_COLOURS.get(self.readiness, "secondary")


class DrillQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, team_field="teams").distinct()


class Drill(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=DrillKind.choices)
    scenario = models.TextField(_("scenario"), max_length=5000)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    teams = models.ManyToManyField(
        "rescue.Team", verbose_name=_("teams"), blank=True, related_name="drills"
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name=_("enterprises"), blank=True, related_name="drills"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    planned_for = models.DateTimeField(_("planned for"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    evaluation = models.TextField(_("evaluation"), max_length=5000, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    created_by = user_ref(_("recorded by"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_for", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_minutes(self) -> int | None:
        if self.started_at and self.ended_at:
            return int((self.ended_at - self.started_at).total_seconds() // 60)
        return None

    def clean(self) -> None:
        errors = {}
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            errors["ended_at"] = _("A drill ends after it starts.")
        now = timezone.now() + dt.timedelta(minutes=5)
        if self.status == DrillStatus.DONE:
            if not (self.started_at and self.ended_at):
                errors["started_at"] = _("A held drill has a start and an end.")
            elif self.ended_at > now:
                errors["ended_at"] = _("A held drill cannot end in the future.")
        if errors:
            raise ValidationError(errors)


class DrillFinding(models.Model):
    """A problem a drill showed: it opens a hazard at an enterprise, or a task for a team."""

    drill = models.ForeignKey(
        Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="findings"
    )
    description = models.TextField(_("description"), max_length=2000)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="drill_finding",
    )
    task_owner = models.CharField(_("task owner"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("drill finding")
        verbose_name_plural = _("drill findings")
        ordering = ["drill", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Regions see their subtree, an enterprise its own incidents; a team sees the incidents
        of the region it serves and every incident it was sent to."""
        scope = scope_of(user)
        if scope.team_id:
            in_region = filter_by_scope(self, user, team_field=None)
            return self.filter(
                models.Q(pk__in=in_region.values("pk")) | models.Q(dispatches__team=scope.team_id)
            ).distinct()
        return filter_by_scope(self, user, enterprise_field="enterprise")


class Incident(Located):
    """An accident or disaster the rescue forces respond to."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=255)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    caller = models.CharField(_("caller"), max_length=100, blank=True)
    trapped = models.PositiveIntegerField(_("people trapped"), default=0)
    injured = models.PositiveIntegerField(_("people injured"), default=0)
    dead = models.PositiveIntegerField(_("people dead"), default=0)
    rescued = models.PositiveIntegerField(_("people rescued"), default=0)
    severity = models.CharField(
        _("severity"),
        max_length=20,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.GENERAL,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = user_ref(_("recorded by"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = china_location_errors(self)
        now = timezone.now() + dt.timedelta(minutes=5)
        if self.occurred_at and self.occurred_at > now:
            errors["occurred_at"] = _("The incident cannot happen in the future.")
        if self.occurred_at and self.reported_at and self.reported_at < self.occurred_at:
            errors["reported_at"] = _("It was reported before it happened.")
        if self.enterprise_id and self.region_id:
            if not self.enterprise.region.prefix.startswith(self.region.prefix):
                errors["region"] = _("The enterprise lies outside this region.")
        if errors:
            raise ValidationError(errors)

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")

    @property
    def status_colour(self) -> str:
        return INCIDENT_STATUS_COLOURS.get(self.status, "secondary")


class IncidentEvent(models.Model):
    """One line of an incident's timeline (append-only)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.CharField(_("what happened"), max_length=500)
    dispatch = models.ForeignKey(
        "rescue.Dispatch",
        verbose_name=_("dispatch"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(
        _("dispatch stage"), max_length=12, choices=DispatchStage.choices, blank=True
    )
    user = user_ref(_("recorded by"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident timeline")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.text}"


class Dispatch(models.Model):
    """A team sent to an incident, with the estimate at the time of sending and the times of each
    stage (notified, turned out, arrived, returned)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="dispatches"
    )
    team = models.ForeignKey(
        "rescue.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="dispatches"
    )
    rank = models.PositiveSmallIntegerField(_("rank in the recommendation"), null=True, blank=True)
    distance_km = models.DecimalField(_("road distance (km)"), max_digits=7, decimal_places=1)
    eta_minutes = models.DecimalField(
        _("estimated arrival (minutes)"), max_digits=7, decimal_places=1
    )
    forced = models.BooleanField(_("sent although off duty"), default=False)
    force_reason = models.CharField(_("reason for sending off duty"), max_length=300, blank=True)
    notified_at = models.DateTimeField(_("notified at"))
    turned_out_at = models.DateTimeField(_("turned out at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to base at"), null=True, blank=True)
    people_rescued = models.PositiveIntegerField(_("people rescued by the team"), default=0)
    result = models.TextField(_("result"), max_length=2000, blank=True)
    sent_by = user_ref(_("sent by"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["incident", "notified_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "team"], name="rescue_dispatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.incident}"

    @property
    def stage(self) -> str:
        for stage in reversed(DispatchStage.values):
            if getattr(self, STAGE_FIELDS[stage]):
                return stage
        return DispatchStage.NOTIFIED

    @property
    def stage_label(self) -> str:
        return str(DispatchStage(self.stage).label)

    @property
    def actual_minutes(self) -> float | None:
        if self.arrived_at:
            return round((self.arrived_at - self.notified_at).total_seconds() / 60, 1)
        return None
