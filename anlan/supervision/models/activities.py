"""Training sessions, expert assistance visits and campaigns (such as the safety-production
month) with their numbered items and activities — the records behind the bulletins' figures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope

from ..choices import ActivityKind, ExpertDomain, ItemState, TrainingKind


class RegionScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, region_field="region", enterprise_field="enterprise")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """By region; an activity belongs to no enterprise, so enterprise users see none."""
        return filter_by_scope(self, user, region_field="region")


class TrainingSession(models.Model):
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), db_index=True)
    organiser = models.ForeignKey(
        "supervision.MemberUnit",
        verbose_name=_("organised by (member unit)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
    )
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    sessions = models.PositiveIntegerField(
        _("sessions held"), default=1, help_text=_("Lectures or classes this record counts.")
    )
    participants = models.PositiveIntegerField(_("person-times"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = user_ref(_("recorded by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["region", "date"], name="training_by_region_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class ExpertVisit(models.Model):
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="expert_visits",
    )
    domain = models.CharField(_("domain"), max_length=20, choices=ExpertDomain.choices)
    date = models.DateField(_("date"), db_index=True)
    experts = models.CharField(_("experts"), max_length=300)
    organiser = models.ForeignKey(
        "supervision.MemberUnit",
        verbose_name=_("organised by (member unit)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_visits",
    )
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)
    findings = models.TextField(_("findings and advice"), max_length=4000, blank=True)
    hazards = models.ManyToManyField(
        "hazards.Hazard", verbose_name=_("hazards recorded"), blank=True, related_name="+"
    )
    recorded_by = user_ref(_("recorded by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert assistance visit")
        verbose_name_plural = _("expert assistance visits")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise} {self.get_domain_display()}"


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A campaign is run by a city or county: everyone whose region is inside or above it
        sees it (a county sees the city's campaign, and its own)."""
        from anlan.core.models import Region

        return self.filter(region__in=Region.objects.visible_to(user))


class Campaign(models.Model):
    region = models.ForeignKey(
        "core.Region", verbose_name=_("run by (region)"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    description = models.TextField(_("description"), max_length=8000, blank=True)
    created_by = user_ref(_("created by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return self.title


class CampaignItem(models.Model):
    """A numbered item of a campaign's plan, with the units responsible and its progress."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("item"), max_length=300)
    units = models.ManyToManyField(
        "supervision.MemberUnit",
        verbose_name=_("responsible units"),
        blank=True,
        related_name="campaign_items",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ItemState.choices, default=ItemState.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.TextField(_("progress"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("campaign item")
        verbose_name_plural = _("campaign items")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaign_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CampaignActivity(models.Model):
    """An activity held under a campaign (五进, consultation day, open class…) with its counts."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), db_index=True)
    organiser = models.ForeignKey(
        "supervision.MemberUnit",
        verbose_name=_("organised by (member unit)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    events = models.PositiveIntegerField(_("events held"), default=1)
    participants = models.PositiveIntegerField(_("person-times"), default=0)
    materials = models.PositiveIntegerField(_("materials handed out"), default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = user_ref(_("recorded by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign activity")
        verbose_name_plural = _("campaign activities")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"
