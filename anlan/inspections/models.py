"""Determination standards (重大事故隐患判定标准) as versioned data: each standard and its clauses,
with the industries and risk flags a clause applies to. Clauses have stable ids such as
``gm2023-11-3`` that hazards, checklists and the API cite."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ClauseGroup


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
        sub = f"第{self.sub_item}目" if self.sub_item else ""
        return f"{self.standard.document_number} 第{self.article}条第（{self.item}）项{sub}"
