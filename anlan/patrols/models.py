"""Regulators' online patrols and spot checks (线上巡查/抽查) of monitored enterprises, and the
findings each patrol opened as hazards."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope
from anlan.hazards.choices import HazardCategory, HazardLevel

from .choices import KIND_COLOURS, RESULT_COLOURS, PatrolItem, PatrolKind, PatrolLevel, PatrolResult


class PatrolQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatrolQuerySet:
        return filter_by_scope(
            self, user, region_field="enterprise__region", enterprise_field="enterprise"
        )


class OnlinePatrol(models.Model):
    kind = models.CharField(
        _("kind"), max_length=12, choices=PatrolKind.choices, default=PatrolKind.PATROL
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="online_patrols",
    )
    patroller = user_ref(_("patroller"))
    level = models.CharField(
        _("patroller's level"),
        max_length=10,
        choices=PatrolLevel.choices,
        blank=True,
        help_text=_("From the patroller's region when the patrol was recorded."),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    items = models.JSONField(_("what was looked at"), default=list, blank=True)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=PatrolResult.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = _("online patrol")
        verbose_name_plural = _("online patrols")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "level", "-started_at"]),
            models.Index(fields=["-started_at", "-id"], name="patrol_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise} · {self.started_at:%Y-%m-%d}"

    def clean(self) -> None:
        errors = {}
        items = self.items if isinstance(self.items, list) else None
        if not items:
            errors["items"] = _("Tick at least one thing that was looked at.")
        elif any(item not in PatrolItem.values for item in items):
            errors["items"] = _("Unknown item; choose from: %(items)s.") % {
                "items": ", ".join(PatrolItem.values)
            }
        if self.started_at and self.started_at > timezone.now() + dt.timedelta(minutes=5):
            errors["started_at"] = _("The patrol cannot start in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def item_labels(self) -> list[str]:
        return [str(PatrolItem(i).label) for i in self.items if i in PatrolItem.values]

    @property
    def result_colour(self) -> str:
        return RESULT_COLOURS.get(self.result, "secondary")

    @property
    def kind_colour(self) -> str:
        return KIND_COLOURS.get(self.kind, "secondary")


class PatrolFinding(models.Model):
    """A problem found on a patrol; saving the patrol opens it as a hazard (channel: online
    patrol) and keeps the link."""

    patrol = models.ForeignKey(
        OnlinePatrol,
        verbose_name=_("online patrol"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(
        _("category"),
        max_length=24,
        choices=HazardCategory.choices,
        default=HazardCategory.MANAGEMENT,
    )
    level = models.CharField(
        _("hazard level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    deadline = models.DateField(_("rectification deadline"))
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="patrol_finding",
    )

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["patrol", "order"]

    def __str__(self) -> str:
        return self.description[:60]
