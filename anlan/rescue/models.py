from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.scoping import filter_by_scope

from .choices import TeamKind


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, team_field="pk")


class Team(models.Model):
    """A rescue team. Members, equipment, duty and drills arrive with the rescue capability."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region served"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
