from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.choices import RegionLevel
from anlan.core.models import Located
from anlan.core.scoping import filter_by_scope
from anlan.core.validators import (
    mask_id_number,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

from .choices import (
    HAZARD_LEVEL_COLOURS,
    RISK_FLAG_COLOURS,
    STATUS_COLOURS,
    EnterpriseIndustry,
    EnterpriseRiskFlag,
    EnterpriseSize,
    EnterpriseStatus,
    HazardSourceLevel,
    PersonPost,
)

INDUSTRY_CODE_RE = re.compile(r"^[A-T]?\d{2,4}$")
ENTERPRISE_REGION_LEVELS = {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE}


def validate_industry_code(value: str) -> None:
    if value and not INDUSTRY_CODE_RE.match(value):
        raise ValidationError(
            _(
                "A GB/T 4754 code is an optional section letter and 2 to 4 digits, e.g. B0610 or 2614."
            ),
            code="industry_code",
        )


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnterpriseQuerySet:
        return filter_by_scope(self, user, enterprise_field="pk")


class RiskFlag(models.Model):
    """One of the special-risk markers that put an enterprise under closer supervision."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, choices=EnterpriseRiskFlag.choices
    )

    class Meta:
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return EnterpriseRiskFlag(self.code).label

    @property
    def colour(self) -> str:
        return RISK_FLAG_COLOURS.get(self.code, "secondary")


class Enterprise(Located):
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text=_("18 characters, GB 32100; the last one is a check character."),
    )
    industry = models.CharField(_("industry"), max_length=32, choices=EnterpriseIndustry.choices)
    industry_code = models.CharField(
        _("GB/T 4754 code"),
        max_length=5,
        blank=True,
        validators=[validate_industry_code],
    )
    risk_flags = models.ManyToManyField(
        RiskFlag, verbose_name=_("risk flags"), blank=True, related_name="enterprises"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    size = models.CharField(
        _("size"), max_length=10, choices=EnterpriseSize.choices, default=EnterpriseSize.SMALL
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    is_demo = models.BooleanField(_("demo record (fictional)"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[risk_flags], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["region__code", "name"]
        indexes = [models.Index(fields=["industry"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        self.uscc = normalize_uscc(self.uscc)
        if self.region_id and self.region.level not in ENTERPRISE_REGION_LEVELS:
            errors["region"] = _("An enterprise belongs to a county, township or village.")
        errors.update(self.location_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")


class ScopedByEnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user))


class ResponsiblePerson(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="responsible_persons",
    )
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=20, choices=PersonPost.choices)
    id_number = models.CharField(
        _("citizen ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        help_text=_("18 characters, GB 11643; shown masked in lists."),
    )
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])

    objects = ScopedByEnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")
        ordering = ["enterprise", "post", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"

    def clean(self) -> None:
        self.id_number = normalize_id_number(self.id_number)
        self.mobile = normalize_mobile(self.mobile)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class HazardSource(models.Model):
    """A major hazard source (重大危险源) with its three 包保 responsible persons."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="hazard_sources",
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("filing code"), max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=HazardSourceLevel.choices)
    description = models.TextField(_("description"), blank=True)
    principal = models.ForeignKey(
        ResponsiblePerson,
        verbose_name=_("principal guarantor (主要负责人)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    technical_lead = models.ForeignKey(
        ResponsiblePerson,
        verbose_name=_("technical guarantor (技术负责人)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    operations_lead = models.ForeignKey(
        ResponsiblePerson,
        verbose_name=_("operations guarantor (操作负责人)"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedByEnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("major hazard source")
        verbose_name_plural = _("major hazard sources")
        ordering = ["enterprise", "level", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_colour(self) -> str:
        return HAZARD_LEVEL_COLOURS.get(self.level, "secondary")

    GUARANTOR_FIELDS = ("principal", "technical_lead", "operations_lead")

    def clean(self) -> None:
        errors = {}
        for field in self.GUARANTOR_FIELDS:
            person = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if person is not None and person.enterprise_id != self.enterprise_id:
                errors[field] = _("The guarantor must be a responsible person of this enterprise.")
        if errors:
            raise ValidationError(errors)


from .risk_models import ControlMeasure, MeasureCheck, RiskPoint  # noqa: E402, F401
