"""Gateways, sensors, the alarm engine's small state and alarms.

Readings and their per-minute rollups are not Django models: they live in raw-SQL tables
(``monitoring_reading``, ``monitoring_rollup``) written and read by ``readings.py`` — a
``WITHOUT ROWID`` table on SQLite and a time-partitioned table on PostgreSQL, keyed by
(sensor id, time in epoch milliseconds).
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope

from .choices import (
    FAULT_KINDS,
    LEVEL_COLOURS,
    LEVEL_OF_KIND,
    STATUS_COLOURS,
    AlarmKind,
    AlarmLevel,
    AlarmStatus,
    DisposalCause,
    EscalationLevel,
    SensorKind,
)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ByEnterpriseQuerySet(models.QuerySet):
    enterprise_path = "enterprise"

    def visible_to(self, user):
        path = self.enterprise_path
        return filter_by_scope(self, user, region_field=f"{path}__region", enterprise_field=path)


class GatewayQuerySet(ByEnterpriseQuerySet):
    pass


class Gateway(models.Model):
    """An enterprise-side collector that sends readings. It authenticates with its own token
    (``X-Gateway-Token``), not a user's; only the token's hash is stored."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="gateways",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    key_prefix = models.CharField(_("token prefix"), max_length=8, editable=False, blank=True)
    key_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, null=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    # Bumped whenever one of its sensors changes, so ingesting processes reload their cache.
    config_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = GatewayQuerySet.as_manager()

    class Meta:
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")
        ordering = ["enterprise_id", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def issue_token(self) -> str:
        """A new token (the old one stops working); the raw value is returned once."""
        raw = "gw_" + secrets.token_urlsafe(32)
        self.key_prefix = raw[:8]
        self.key_hash = hash_token(raw)
        self.save(update_fields=["key_prefix", "key_hash"])
        return raw


class SensorQuerySet(ByEnterpriseQuerySet):
    pass


class Sensor(models.Model):
    """A monitoring point (点位). Limits are optional; a value equal to a limit is beyond it."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="sensors",
    )
    gateway = models.ForeignKey(
        Gateway, verbose_name=_("gateway"), on_delete=models.PROTECT, related_name="sensors"
    )
    hazard_source = models.ForeignKey(
        "registry.HazardSource",
        verbose_name=_("major hazard source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sensors",
    )
    tag = models.CharField(_("point code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=SensorKind.choices)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    range_min = models.FloatField(_("range minimum"))
    range_max = models.FloatField(_("range maximum"))
    limit_ll = models.FloatField(_("low-low limit (LL)"), null=True, blank=True)
    limit_l = models.FloatField(_("low limit (L)"), null=True, blank=True)
    limit_h = models.FloatField(_("high limit (H)"), null=True, blank=True)
    limit_hh = models.FloatField(_("high-high limit (HH)"), null=True, blank=True)
    deadband = models.FloatField(
        _("deadband"),
        default=0,
        help_text=_("An alarm clears only once the value is back past its limit by this much."),
    )
    debounce_seconds = models.PositiveIntegerField(
        _("debounce delay (seconds)"),
        default=0,
        help_text=_("An alarm is raised only when the excursion lasts at least this long."),
    )
    wire_break_value = models.FloatField(
        _("wire-break value"),
        null=True,
        blank=True,
        help_text=_("The value the transmitter sends on a broken wire (an empty value always is)."),
    )
    safety_critical = models.BooleanField(
        _("safety-critical device"),
        default=False,
        help_text=_(
            "A monitoring, alarm or protective device that bears directly on safety "
            "(Decree No. 10 Art. 14): a long fault opens a candidate major hazard."
        ),
    )
    offline_minutes = models.PositiveIntegerField(
        _("offline after (minutes)"),
        null=True,
        blank=True,
        help_text=_("Silence after which the sensor counts as offline; empty: the default."),
    )
    expected_interval_seconds = models.PositiveIntegerField(
        _("expected interval (seconds)"),
        null=True,
        blank=True,
        help_text=_("One reading is expected this often (completeness); empty: the default."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = SensorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        ordering = ["enterprise_id", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "tag"], name="monitoring_sensor_tag_gw"),
            models.UniqueConstraint(
                fields=["enterprise", "tag"], name="monitoring_sensor_tag_enterprise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag} {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.range_min is not None and self.range_max is not None:
            if self.range_min >= self.range_max:
                errors["range_max"] = _("The range maximum must be above the minimum.")
        ordered = [
            ("limit_ll", self.limit_ll),
            ("limit_l", self.limit_l),
            ("limit_h", self.limit_h),
            ("limit_hh", self.limit_hh),
        ]
        present = [(name, value) for name, value in ordered if value is not None]
        for (_low_name, low), (high_name, high) in zip(present, present[1:], strict=False):
            if low >= high:
                errors.setdefault(high_name, _("Limits must rise in the order LL < L < H < HH."))
        if self.deadband is not None and self.deadband < 0:
            errors["deadband"] = _("The deadband cannot be negative.")
        if (
            self.gateway_id
            and self.enterprise_id
            and self.gateway.enterprise_id != self.enterprise_id
        ):
            errors["gateway"] = _("The gateway belongs to another enterprise.")
        if self.hazard_source_id and self.enterprise_id:
            if self.hazard_source.enterprise_id != self.enterprise_id:
                errors["hazard_source"] = _("The hazard source belongs to another enterprise.")
        if errors:
            raise ValidationError(errors)


class SensorState(models.Model):
    """What the alarm engine must remember between batches, written only when it changes:
    per alarm kind whether the sensor is in an excursion and since when (epoch ms), e.g.
    ``{"h": {"since": 1767225600000}}``. A sensor with no row is normal."""

    sensor = models.OneToOneField(
        Sensor, primary_key=True, on_delete=models.CASCADE, related_name="state"
    )
    excursions = models.JSONField(default=dict)
    evaluated_until = models.BigIntegerField(default=0)  # epoch ms of the last evaluated reading

    class Meta:
        verbose_name = _("sensor state")
        verbose_name_plural = _("sensor states")


class AlarmQuerySet(ByEnterpriseQuerySet):
    enterprise_path = "sensor__enterprise"

    def active(self):
        return self.filter(cleared_at__isnull=True)

    def unhandled(self):
        return self.filter(disposed_at__isnull=True)


def alarm_attachment_path(instance, filename: str) -> str:
    return f"monitoring/alarms/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename}"


class Alarm(models.Model):
    """One excursion of one sensor in one kind. Raised by the engine; acknowledged and disposed
    by people; cleared by the engine when the value is back to normal. At most one alarm per
    sensor and kind is active (not cleared). Its status is derived from the timestamps."""

    sensor = models.ForeignKey(
        Sensor, verbose_name=_("sensor"), on_delete=models.CASCADE, related_name="alarms"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlarmKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=AlarmLevel.choices)
    value = models.FloatField(_("value"), null=True, blank=True)
    limit = models.FloatField(_("limit"), null=True, blank=True)
    started_at = models.DateTimeField(_("excursion began"))
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    committed_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = user_ref(_("acknowledged by"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = user_ref(_("disposed by"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=24, choices=DisposalCause.choices, blank=True)
    measures = models.TextField(_("measures taken"), max_length=2000, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=alarm_attachment_path, blank=True, max_length=255
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clear_value = models.FloatField(_("value at clearing"), null=True, blank=True)
    escalated_to = models.CharField(
        _("escalated to"),
        max_length=12,
        choices=EscalationLevel.choices,
        blank=True,
        help_text=_("How far up the chain this alarm went while unhandled."),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("candidate hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="monitoring_alarm_one_active_per_kind",
            )
        ]
        indexes = [models.Index(fields=["disposed_at", "raised_at"], name="alarm_unhandled")]

    def __str__(self) -> str:
        return f"{self.sensor.tag} {self.get_kind_display()}"

    @property
    def is_fault(self) -> bool:
        return self.kind in FAULT_KINDS

    @property
    def status(self) -> str:
        if self.disposed_at and self.cleared_at:
            return AlarmStatus.CLEARED
        if self.disposed_at:
            return AlarmStatus.DISPOSED
        if self.acknowledged_at:
            return AlarmStatus.ACKNOWLEDGED
        return AlarmStatus.RAISED

    def get_status_display(self) -> str:
        return AlarmStatus(self.status).label

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def level_colour(self) -> str:
        return LEVEL_COLOURS.get(self.level, "secondary")

    @staticmethod
    def level_for(kind: str) -> str:
        return LEVEL_OF_KIND[AlarmKind(kind)]


class RollupMark(models.Model):
    """One row: per-minute rollups are complete up to ``done_until`` (epoch ms); a batch that
    brings readings older than that lowers ``since`` so the next rollup pass recomputes them."""

    done_until = models.BigIntegerField(default=0)
    since = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("rollup mark")
        verbose_name_plural = _("rollup marks")


def _bump_gateway(sender, instance, **kwargs):
    Gateway.objects.filter(pk=instance.gateway_id).update(
        config_version=models.F("config_version") + 1
    )


models.signals.post_save.connect(_bump_gateway, sender=Sensor, dispatch_uid="monitoring-bump-save")
models.signals.post_delete.connect(
    _bump_gateway, sender=Sensor, dispatch_uid="monitoring-bump-delete"
)


class OfflineEpisodeQuerySet(ByEnterpriseQuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class OfflineEpisode(models.Model):
    """A period in which a sensor or a gateway sent nothing. Opened by the periodic check
    (``offline.check_offline``) with ``started_at`` = the last data time, closed by ingestion
    when data return. At most one open episode per sensor and per gateway. A sensor episode
    also names the sensor's gateway, so ingestion finds a gateway's open episodes in one
    indexed look-up."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    gateway = models.ForeignKey(
        Gateway, verbose_name=_("gateway"), on_delete=models.CASCADE, related_name="+"
    )
    sensor = models.ForeignKey(
        Sensor,
        verbose_name=_("sensor"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the gateway itself."),
    )
    started_at = models.DateTimeField(_("offline since"))
    ended_at = models.DateTimeField(_("back online at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now, editable=False)

    objects = OfflineEpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("offline episode")
        verbose_name_plural = _("offline episodes")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor"],
                condition=Q(ended_at__isnull=True, sensor__isnull=False),
                name="monitoring_offline_one_open_per_sensor",
            ),
            models.UniqueConstraint(
                fields=["gateway"],
                condition=Q(ended_at__isnull=True, sensor__isnull=True),
                name="monitoring_offline_one_open_per_gateway",
            ),
        ]
        indexes = [
            models.Index(
                fields=["gateway"],
                condition=Q(ended_at__isnull=True),
                name="offline_open_by_gateway",
            ),
            models.Index(fields=["enterprise", "started_at"], name="offline_by_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.sensor or self.gateway} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_gateway(self) -> bool:
        return self.sensor_id is None


class IngestBatch(models.Model):
    """One accepted batch: when it arrived and how many of its new readings arrived within
    ANLAN_MONITORING_TIMELY_SECONDS of their own time (counted with numpy at ingestion), so
    timeliness can be computed per day without an arrival time per reading."""

    gateway = models.ForeignKey(
        Gateway, verbose_name=_("gateway"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    arrived_at = models.DateTimeField(_("arrived at"))
    readings = models.PositiveIntegerField(_("new readings"))
    timely = models.PositiveIntegerField(_("timely readings"))

    class Meta:
        verbose_name = _("ingested batch")
        verbose_name_plural = _("ingested batches")
        indexes = [models.Index(fields=["arrived_at"], name="batch_by_arrival")]
