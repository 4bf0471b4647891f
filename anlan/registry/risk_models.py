"""Risk points (风险点), their control measures (管控措施) and the checks of those measures — the
风险分级管控 half of dual prevention. Imported by ``models.py``; the schedule arithmetic is in
``risks.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import Located, user_ref
from anlan.core.validators import normalize_mobile, validate_mobile

from .choices import (
    CHECK_RESULT_COLOURS,
    RISK_GRADE_HEX,
    AssessmentMethod,
    CheckFrequency,
    CheckResult,
    RiskGrade,
    RiskPointKind,
)


def _local_today() -> dt.date:
    return timezone.localdate()


class RiskPointQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskPointQuerySet:
        from .models import Enterprise

        return self.filter(enterprise__in=Enterprise.objects.visible_to(user))


class RiskPoint(Located):
    """A place, work activity or piece of equipment with its assessment (LEC or L × S).

    The grade is decided when the assessment is saved, under the cut-offs then in force, and
    kept with it; every change (and so every re-assessment) is in the history.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="risk_points",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RiskPointKind.choices)
    location = models.CharField(_("location"), max_length=255, blank=True)
    hazard_factors = models.TextField(
        _("hazard factors"), max_length=4000, blank=True, help_text=_("One per line.")
    )
    method = models.CharField(_("method"), max_length=4, choices=AssessmentMethod.choices)
    lec_l = models.DecimalField(
        _("L (likelihood)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lec_e = models.DecimalField(
        _("E (exposure)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    lec_c = models.DecimalField(
        _("C (consequence)"), max_digits=4, decimal_places=0, null=True, blank=True
    )
    ls_l = models.PositiveSmallIntegerField(_("L (likelihood)"), null=True, blank=True)
    ls_s = models.PositiveSmallIntegerField(_("S (severity)"), null=True, blank=True)
    score = models.DecimalField(_("score (D or R)"), max_digits=8, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=8, choices=RiskGrade.choices)
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RiskPointQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    ASSESSMENT_FIELDS = ("method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s")

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["enterprise", "name", "pk"]
        indexes = [models.Index(fields=["enterprise", "grade"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.location_errors()
        if errors:
            raise ValidationError(errors)

    @property
    def factors(self) -> list[str]:
        return [line.strip() for line in self.hazard_factors.splitlines() if line.strip()]

    @property
    def grade_hex(self) -> str:
        return RISK_GRADE_HEX.get(self.grade, "")

    @property
    def values_text(self) -> str:
        from .grading import plain

        if self.method == AssessmentMethod.LEC:
            return f"L={plain(self.lec_l)} E={plain(self.lec_e)} C={plain(self.lec_c)}"
        if self.method == AssessmentMethod.LS:
            return f"L={self.ls_l} S={self.ls_s}"
        return ""

    @property
    def score_text(self) -> str:
        from .grading import plain

        prefix = "D" if self.method == AssessmentMethod.LEC else "R"
        return f"{prefix}={plain(self.score)}"


class ControlMeasureQuerySet(models.QuerySet):
    def visible_to(self, user) -> ControlMeasureQuerySet:
        return self.filter(risk_point__in=RiskPoint.objects.visible_to(user))


class ControlMeasure(models.Model):
    """A control measure of a risk point, with the person who answers for it and how often it
    is checked. Whether a check is due is derived (``risks.next_due``), never stored."""

    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("measure"), max_length=2000)
    person = models.ForeignKey(
        "registry.ResponsiblePerson",
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="control_measures",
    )
    person_name = models.CharField(
        _("responsible person's name"),
        max_length=50,
        blank=True,
        help_text=_("When the person is not among the enterprise's responsible persons."),
    )
    person_mobile = models.CharField(
        _("responsible person's mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    frequency = models.CharField(
        _("check frequency"), max_length=16, choices=CheckFrequency.choices
    )
    every_days = models.PositiveSmallIntegerField(
        _("every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    starts_on = models.DateField(
        _("first check due"),
        default=_local_today,
        help_text=_("The first check is due on this day; each later one a period after the last."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = ControlMeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["risk_point", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        errors = {}
        self.person_mobile = normalize_mobile(self.person_mobile)
        if self.person_id:
            if self.risk_point_id and self.person.enterprise_id != self.risk_point.enterprise_id:
                errors["person"] = _("The person must be a responsible person of this enterprise.")
        elif not self.person_name.strip():
            errors["person"] = _(
                "Choose a responsible person, or give the name and mobile of another person."
            )
        elif not self.person_mobile:
            errors["person_mobile"] = _("Give the mobile of the named person.")
        if self.frequency == CheckFrequency.EVERY_N_DAYS and not self.every_days:
            errors["every_days"] = _("Give the number of days between checks (1 to 366).")
        if errors:
            raise ValidationError(errors)
        if self.frequency != CheckFrequency.EVERY_N_DAYS:
            self.every_days = None
        if self.person_id:
            self.person_name = self.person_mobile = ""

    @property
    def responsible_name(self) -> str:
        return self.person.name if self.person_id else self.person_name

    @property
    def responsible_mobile(self) -> str:
        return self.person.mobile if self.person_id else self.person_mobile

    @property
    def frequency_text(self) -> str:
        if self.frequency == CheckFrequency.EVERY_N_DAYS:
            return str(_("Every %(n)s days")) % {"n": self.every_days}
        return str(self.get_frequency_display())


class MeasureCheckQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeasureCheckQuerySet:
        return self.filter(measure__in=ControlMeasure.objects.visible_to(user))


def check_photo_path(instance, filename: str) -> str:
    return f"measure-checks/{instance.photo_sha256[:2]}/{instance.photo_sha256}{instance.photo_ext}"


class MeasureCheck(models.Model):
    """One check of a control measure (append-only): due date, who, when, pass or fail. A failed
    check opens a hazard (``hazard``)."""

    measure = models.ForeignKey(
        ControlMeasure,
        verbose_name=_("control measure"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    done_by = user_ref(_("done by"), null=True)
    result = models.CharField(_("result"), max_length=8, choices=CheckResult.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    photo = models.FileField(_("photo"), upload_to=check_photo_path, blank=True)
    photo_type = models.CharField(_("photo content type"), max_length=100, blank=True)
    photo_ext = models.CharField(_("photo extension"), max_length=10, blank=True)
    photo_sha256 = models.CharField(_("photo SHA-256"), max_length=64, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeasureCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("control-measure check")
        verbose_name_plural = _("control-measure checks")
        ordering = ["-done_at", "-pk"]
        indexes = [models.Index(fields=["measure", "-done_at"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.due_on}"

    @property
    def result_colour(self) -> str:
        return CHECK_RESULT_COLOURS.get(self.result, "secondary")
