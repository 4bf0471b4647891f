"""The safety committee (安委会) of a city or county: its member units and townships, each with
its duty list ("管行业必须管安全") and liaison."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anlan.core.scoping import scope_of

from ..choices import UnitKind


class MemberUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office (a region-scoped officer) sees the units of the committees in its region
        and above it; a liaison sees the units they liaise for; a township supervisor sees the
        unit of their township."""
        scope = scope_of(user)
        if scope.sees_all:
            return self
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Q(liaisons=user)
        if scope.region_prefix and not scope.team_id:
            from anlan.core.choices import UserRole

            if user.role == UserRole.TOWNSHIP_SUPERVISOR:
                mine |= Q(township=user.region_id)
            elif user.role != UserRole.MEMBER_UNIT_LIAISON:
                mine |= Q(committee_region__prefix__startswith=scope.region_prefix)
        return self.filter(mine).distinct()

    def active(self):
        return self.filter(active=True)


class MemberUnit(models.Model):
    """A member unit of the committee of ``committee_region`` (a city or county): a department,
    or a township (with its double chairs, the party secretary and the head)."""

    committee_region = models.ForeignKey(
        "core.Region",
        verbose_name=_("committee of"),
        on_delete=models.PROTECT,
        related_name="committee_units",
        help_text=_("The city or county whose safety committee the unit belongs to."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    township = models.ForeignKey(
        "core.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_unit",
        help_text=_("For a township unit: the township it is."),
    )
    sectors = models.JSONField(
        _("sectors supervised"),
        default=list,
        blank=True,
        help_text=_("Industries whose safety the unit answers for (管行业必须管安全)."),
    )
    party_chair = models.CharField(_("party secretary"), max_length=50, blank=True)
    admin_chair = models.CharField(_("head (government chair)"), max_length=50, blank=True)
    liaison_name = models.CharField(_("liaison"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=30, blank=True)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison accounts"),
        blank=True,
        related_name="member_units",
        help_text=_("Accounts that receive the unit's tasks and answer for it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = MemberUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["committee_region__code", "kind", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee_region", "name"], name="member_unit_unique_name"
            ),
            models.UniqueConstraint(
                fields=["township"],
                condition=Q(township__isnull=False),
                name="member_unit_one_per_township",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Duty(models.Model):
    """One line of a unit's duty list, with its legal or policy basis."""

    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("member unit"), on_delete=models.CASCADE, related_name="duties"
    )
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("duty"), max_length=2000)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["unit", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.order}"
