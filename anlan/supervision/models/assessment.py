"""Assessment of member units and townships (安全生产目标责任考核): a configurable indicator tree
per period type, scores per unit and period — computed from the platform's records where it can,
entered with evidence otherwise — review and sign-off, grades and ranking."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anlan.core.models import user_ref
from anlan.hazards.models import StoredFile

from ..choices import (
    AssessmentPeriod,
    AssessmentState,
    Grade,
    IndicatorKind,
    IndicatorSource,
    SchemeAppliesTo,
    ScoringRule,
)


class SchemeQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .units import MemberUnit

        regions = MemberUnit.objects.visible_to(user).values("committee_region")
        from anlan.core.scoping import scope_of

        scope = scope_of(user)
        if scope.sees_all:
            return self
        q = models.Q(region__in=regions)
        if scope.region_prefix and not scope.team_id:
            q |= models.Q(region__prefix__startswith=scope.region_prefix)
        return self.filter(q).distinct()


class AssessmentScheme(models.Model):
    """An indicator tree for one period type, used by one committee (city or county)."""

    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("committee of"),
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
    )
    name = models.CharField(_("name"), max_length=120)
    period = models.CharField(_("period"), max_length=6, choices=AssessmentPeriod.choices)
    applies_to = models.CharField(
        _("applies to"),
        max_length=12,
        choices=SchemeAppliesTo.choices,
        default=SchemeAppliesTo.ALL,
    )
    full_marks = models.DecimalField(_("full marks"), max_digits=6, decimal_places=2, default=100)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), default=1, help_text=_("Totals are rounded half up to this many.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["region__code", "period", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "name"], name="assessment_scheme_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A node of a scheme's tree. Groups hold items; a group's weight caps the sum of its
    items. Scored items earn 0 … weight; bonus items add up to ``weight``; deduction items take
    off up to ``weight``; a veto item, when it holds, fails the unit whatever its score.

    ``metric`` names what a computed item reads (see ``supervision.metrics``); ``params`` hold
    the scoring rule's parameters, e.g. ``{"floor": 60, "target": 100}`` for LINEAR,
    ``{"per_unit": 2}`` for PER_UNIT, ``{"threshold": 1, "at_most": false}`` for THRESHOLD."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=0)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=IndicatorSource.choices,
        default=IndicatorSource.MANUAL,
    )
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    rule = models.CharField(
        _("scoring rule"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.DIRECT
    )
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    guidance = models.TextField(_("scoring guidance"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .units import MemberUnit

        return self.filter(unit__in=MemberUnit.objects.visible_to(user))


class Assessment(models.Model):
    """One unit's assessment for one period of a scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    unit = models.ForeignKey(
        "supervision.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=AssessmentState.choices,
        default=AssessmentState.DRAFT,
    )
    total = models.DecimalField(
        _("total score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_reason = models.CharField(_("veto reason"), max_length=300, blank=True)
    grade = models.CharField(
        pgettext_lazy("assessment", "grade"), max_length=10, choices=Grade.choices, blank=True
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    submitted_by = user_ref(_("submitted by"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_by = user_ref(_("signed off by"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), max_length=2000, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-period_start", "scheme", "rank", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "period_start"], name="assessment_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_start:%Y-%m} {self.scheme}"

    @property
    def locked(self) -> bool:
        return self.state == AssessmentState.SIGNED


class Score(models.Model):
    """An item's value and points in one assessment. ``value`` is what was measured (a rate, a
    count); ``points`` what it earned (negative for deductions)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal(0))
    vetoes = models.BooleanField(_("veto applies"), default=False)
    detail = models.JSONField(_("how it was computed"), default=dict, blank=True)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    entered_by = user_ref(_("entered by"), null=True, blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="score_once_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.points}"


def score_file_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"supervision/assessments/{stamp:%Y/%m}/{secrets.token_hex(8)}{instance.extension}"


class ScoreEvidence(StoredFile):
    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=score_file_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = user_ref(_("uploaded by"), null=True, blank=True)

    class Meta:
        verbose_name = _("score evidence")
        verbose_name_plural = _("score evidence")

    def __str__(self) -> str:
        return self.original_name
