from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import Located
from anlan.core.scoping import filter_by_scope

from .choices import (
    DEADLINE_STATUSES,
    LEVEL_COLOURS,
    OPEN_STATUSES,
    STATUS_COLOURS,
    AttachmentKind,
    HazardCategory,
    HazardChannel,
    HazardLevel,
    HazardStatus,
)


def local_today():
    return timezone.localdate()


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user) -> HazardQuerySet:
        return filter_by_scope(self, user, enterprise_field="enterprise_id")

    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None) -> HazardQuerySet:
        """Past their rectification deadline and not closed: derived from the deadline and
        today's date, never stored."""
        return self.filter(status__in=DEADLINE_STATUSES, deadline__lt=today or local_today())


class Hazard(Located):
    """A hidden hazard (事故隐患), from whatever channel it was found through."""

    code = models.CharField(
        _("number"), max_length=20, unique=True, null=True, editable=False
    )  # YH + year + id, set right after the first save
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    place_name = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where no enterprise applies: a library, a road, a market…"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="hazards"
    )
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=24, choices=HazardCategory.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    basis = models.TextField(
        _("basis"), blank=True, max_length=2000, help_text=_("The rule or standard it breaches.")
    )
    channel = models.CharField(_("channel"), max_length=24, choices=HazardChannel.choices)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    found_by = models.CharField(_("found by"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=HazardStatus.choices,
        default=HazardStatus.REPORTED,
        editable=False,
    )
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="duplicates",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("hidden hazard")
        verbose_name_plural = _("hidden hazards")
        ordering = ["-found_at", "-pk"]
        indexes = [
            # The ledger is read newest first, often within one status.
            models.Index(fields=["-found_at", "-id"], name="hazard_found_idx"),
            models.Index(fields=["status", "-found_at", "-id"], name="hazard_status_found_idx"),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["enterprise", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    def clean(self) -> None:
        errors = {}
        if self.enterprise_id is None and not self.place_name.strip():
            errors["place_name"] = _("Name the place when no enterprise applies.")
        if self.enterprise_id and self.region_id and self.region_id != self.enterprise.region_id:
            errors["region"] = _("The region must be the enterprise's region.")
        errors.update(self.location_errors())
        if self.found_at and self.found_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["found_at"] = _("The time found cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in DEADLINE_STATUSES
            and self.deadline is not None
            and self.deadline < local_today()
        )

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def level_colour(self) -> str:
        return LEVEL_COLOURS.get(self.level, "secondary")

    @property
    def place(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.place_name


class RectificationPlan(models.Model):
    """The 五定 plan: measures, responsible person, funds, deadline, contingency — and for a
    重大 hazard also goals, materials and interim safety measures."""

    hazard = models.OneToOneField(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="plan"
    )
    measures = models.TextField(_("measures"), max_length=5000)
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    responsible_mobile = models.CharField(
        _("responsible person's mobile"), max_length=11, blank=True
    )
    funds = models.DecimalField(
        _("funds (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    deadline = models.DateField(_("deadline"))
    contingency = models.TextField(_("contingency plan"), max_length=5000)
    goals = models.TextField(_("goals and tasks"), max_length=5000, blank=True)
    materials = models.TextField(_("materials"), max_length=5000, blank=True)
    interim_measures = models.TextField(_("interim safety measures"), max_length=5000, blank=True)
    history = HistoricalRecords()

    MAJOR_FIELDS = ("goals", "materials", "interim_measures")

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")

    def __str__(self) -> str:
        return f"{self.hazard.code} {self.deadline}"


class HazardTransition(models.Model):
    """One change of status: append-only; the timeline and the statistics read these rows."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("from status"), max_length=24, choices=HazardStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=24, choices=HazardStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acted by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("acted at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("hazard transition")
        verbose_name_plural = _("hazard transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard.code}: {self.from_status or '—'} → {self.to_status}"


def attachment_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"hazards/{stamp:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class HazardAttachment(models.Model):
    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="attachments"
    )
    transition = models.ForeignKey(
        HazardTransition,
        verbose_name=_("with transition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SupervisionListing(models.Model):
    """挂牌督办: a 重大 hazard listed by a county or city authority, which alone may accept its
    rectification; closing the hazard delists it (摘牌)."""

    hazard = models.OneToOneField(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="listing"
    )
    authority = models.ForeignKey(
        "core.Region",
        verbose_name=_("supervising authority"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The county or city whose government supervises the rectification."),
    )
    listed_at = models.DateField(_("listed on"), default=local_today)
    deadline = models.DateField(_("supervision deadline"))
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delisted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision listing (挂牌督办)")
        verbose_name_plural = _("supervision listings (挂牌督办)")

    def __str__(self) -> str:
        return f"{self.hazard.code} · {self.authority.full_name}"

    @property
    def filing_due(self):
        """Filing with the safety committee office is due this many days after listing."""
        return self.listed_at + timezone.timedelta(days=settings.ANLAN_LISTING_FILING_DAYS)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineExtension(models.Model):
    """A request to move a rectification deadline, and the decision on it."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="extensions"
    )
    old_deadline = models.DateField(_("old deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("decision"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_hazard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hazard.code}: {self.old_deadline} → {self.new_deadline}"
