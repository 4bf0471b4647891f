"""Determination standards (重大事故隐患判定标准) as versioned data: each standard and its clauses,
with the industries and risk flags a clause applies to. Clauses have stable ids such as
``gm2023-11-3`` that hazards, checklists and the API cite."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ClauseGroup, StandardNumbering


class StandardQuerySet(models.QuerySet):
    def in_force(self, on=None):
        day = on or timezone.localdate()
        return self.filter(effective_from__lte=day).filter(
            models.Q(repealed_on__isnull=True) | models.Q(repealed_on__gt=day)
        )


class Standard(models.Model):
    """One determination standard (a version of it)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)  # e.g. "gm2023"
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    verified = models.BooleanField(
        _("identity verified"),
        default=True,
        help_text=_("False where the document number or dates are not confirmed."),
    )
    source = models.TextField(_("sources"), blank=True)
    numbering = models.CharField(
        _("numbering"),
        max_length=10,
        choices=StandardNumbering.choices,
        default=StandardNumbering.ARTICLE,
    )
    headings = models.JSONField(
        _("headings"),
        default=dict,
        blank=True,
        help_text=_("Article or section headings, keyed by article number."),
    )

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("determination standard")
        verbose_name_plural = _("determination standards")
        ordering = ["-effective_from", "key"]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）"


class Clause(models.Model):
    """One situation that makes a hazard 重大: article and item, a paraphrased condition, and
    what it applies to. ``verified`` is False where the wording is reconstructed, not seen."""

    id = models.CharField(_("clause id"), max_length=40, primary_key=True)  # stable, cited
    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="clauses"
    )
    article = models.PositiveSmallIntegerField(_("article"))
    item = models.PositiveSmallIntegerField(_("item"))
    sub_item = models.PositiveSmallIntegerField(_("sub-item"), null=True, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=ClauseGroup.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    condition = models.TextField(_("condition"))
    industries = models.JSONField(
        _("industries"), default=list, blank=True, help_text=_("Empty: all industries in scope.")
    )
    risk_flags = models.JSONField(
        _("risk flags"), default=list, blank=True, help_text=_("Any of these flags makes it apply.")
    )
    verified = models.BooleanField(_("wording verified"), default=True)
    maps_to = models.ManyToManyField(
        "self",
        verbose_name=_("maps to"),
        symmetrical=False,
        blank=True,
        related_name="mapped_from",
        help_text=_("For a repealed standard's clause: the clauses of the standard in force."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["standard", "order", "article", "item", "sub_item"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "article", "item", "sub_item"], name="clause_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """How a hazard cites it, e.g. 应急管理部令第10号 第十一条第（三）项."""
        return cite(self.standard, self)

    @property
    def heading(self) -> str:
        return self.standard.headings.get(str(self.article), "")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 20 → 二十, 35 → 三十五 (enough for article numbers)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def cite(standard, clause) -> str:
    """The citation text of a clause (works on historical models in migrations too).

    Articles: 第N条第（M）项; the coal-mine categories cite the article that defines the category
    and the sub-condition as its item; 工贸 Art. 14 (one rule) cites the article alone. Lists
    (the 2017 lists, which have no articles): the section heading and the item number."""
    doc = standard.document_number
    cn = chinese_number
    if standard.numbering == StandardNumbering.LIST:
        heading = standard.headings.get(str(clause.article), "")
        return f"{doc} {heading}第{cn(clause.item)}项".replace("  ", " ")
    if clause.group == ClauseGroup.DEVICE:
        return f"{doc} 第{cn(clause.article)}条"
    if clause.group == ClauseGroup.CATEGORY and clause.sub_item:
        return f"{doc} 第{cn(clause.article)}条第（{cn(clause.sub_item)}）项"
    sub = f"第{clause.sub_item}目" if clause.sub_item else ""
    return f"{doc} 第{cn(clause.article)}条第（{cn(clause.item)}）项{sub}"


# Checklists, inspections and plans live in their own module; imported here so Django sees them.
from .models_inspections import (  # noqa: E402
    DEPARTMENT_TYPES,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
    InspectionPlan,
    InspectionStatus,
    InspectionTask,
    InspectionType,
    ItemResult,
    PlanFrequency,
)

__all__ = [
    "DEPARTMENT_TYPES",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "Clause",
    "Inspection",
    "InspectionAnswer",
    "InspectionPlan",
    "InspectionStatus",
    "InspectionTask",
    "InspectionType",
    "ItemResult",
    "PlanFrequency",
    "Standard",
]
