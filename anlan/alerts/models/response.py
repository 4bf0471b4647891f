"""Who a warning reaches and what they did: one ``Target`` per enterprise, rescue team,
township or village the thread concerns; follow-up hazards found while acting on it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref

from ..choices import TARGET_STATE_CSS, TargetKind, TargetState
from .warnings import Alert


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from anlan.core.scoping import filter_by_scope

        return filter_by_scope(
            self, user, region_field="region", enterprise_field="enterprise", team_field="team"
        )

    def live(self):
        return self.filter(withdrawn_at__isnull=True)


class Target(models.Model):
    thread = models.ForeignKey(
        Alert, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="targets"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_targets",
    )
    team = models.ForeignKey(
        "rescue.Team",
        verbose_name=_("rescue team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_targets",
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="alert_targets",
    )
    reason = models.CharField(_("why targeted"), max_length=500, blank=True)
    notified_at = models.DateTimeField(_("notified at"), default=timezone.now)
    ack_due = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = user_ref(_("acknowledged by"), null=True, blank=True)
    measures_due = models.DateTimeField(_("report measures by"))
    measures = models.TextField(_("measures taken"), max_length=4000, blank=True)
    measures_at = models.DateTimeField(_("measures reported at"), null=True, blank=True)
    measures_by = user_ref(_("measures reported by"), null=True, blank=True)
    readiness = models.CharField(_("readiness raised to"), max_length=20, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_(
            "An update moved the area or lowered the level so this target is no longer concerned."
        ),
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning target")
        verbose_name_plural = _("warning targets")
        ordering = ["thread", "kind", "region__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="target_once_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["thread", "team"],
                condition=Q(team__isnull=False),
                name="target_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["thread", "kind", "region"],
                condition=Q(enterprise__isnull=True, team__isnull=True),
                name="target_once_per_place",
            ),
        ]
        indexes = [models.Index(fields=["ack_due", "acknowledged_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.team_id:
            return self.team.name
        return self.region.full_name or self.region.name

    @property
    def state(self) -> str:
        if self.withdrawn_at:
            return TargetState.WITHDRAWN
        if self.measures_at:
            return TargetState.MEASURES
        if self.acknowledged_at:
            return TargetState.ACKNOWLEDGED
        return TargetState.WAITING

    @property
    def state_label(self) -> str:
        return str(TargetState(self.state).label)

    @property
    def readiness_label(self) -> str:
        from anlan.rescue.choices import Readiness

        return str(Readiness(self.readiness).label) if self.readiness in Readiness.values else ""

    @property
    def state_css(self) -> str:
        return TARGET_STATE_CSS[self.state]

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.withdrawn_at:
            return False
        if not self.acknowledged_at:
            return self.ack_due < now
        return not self.measures_at and self.measures_due < now


class AlertFinding(models.Model):
    """A hazard found while acting on a warning (a target's check or a welfare visit)."""

    thread = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="findings")
    hazard = models.OneToOneField(
        "hazards.Hazard", on_delete=models.CASCADE, related_name="alert_finding"
    )
    target = models.ForeignKey(
        Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    welfare_check = models.ForeignKey(
        "alerts.WelfareCheck",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hazard found on a warning")
        verbose_name_plural = _("hazards found on warnings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.hazard)
