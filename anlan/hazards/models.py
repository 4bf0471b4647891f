from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import Located, user_ref
from anlan.core.scoping import filter_by_scope
from anlan.core.uploads import CheckedUpload, keep_file

from .choices import (
    DEADLINE_STATUSES,
    LEVEL_COLOURS,
    OPEN_STATUSES,
    REWARD_STATUS_COLOURS,
    STATUS_COLOURS,
    TIPOFF_STATUS_COLOURS,
    AccidentLevel,
    AttachmentKind,
    HazardCategory,
    HazardChannel,
    HazardLevel,
    HazardStatus,
    RewardBasis,
    RewardKind,
    RewardStatus,
    TipOffEventKind,
    TipOffStatus,
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
    reported_by = user_ref(_("reported by"), null=True, blank=True)
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
    clauses = models.ManyToManyField(
        "inspections.Clause",
        verbose_name=_("determination clauses"),
        blank=True,
        related_name="hazards",
        help_text=_("The clauses of the determination standard that make it 重大."),
    )
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
    actor = user_ref(_("acted by"), null=True)
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


class StoredFile(models.Model):
    """A file checked by content (``core.uploads.CheckedUpload``) and what was learnt of it.
    Subclasses declare ``file`` with their own storage path."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        abstract = True

    def keep(self, upload: CheckedUpload) -> None:
        """Fill in the metadata and store the content (the row is saved by the caller)."""
        self.original_name, self.content_type = upload.name, upload.content_type
        self.extension, self.size, self.sha256 = upload.extension, upload.size, upload.sha256
        keep_file(self.file, upload, save=False)

    def as_upload(self) -> CheckedUpload:
        """The stored file again as a checked upload (to copy it elsewhere)."""
        with self.file.open("rb") as handle:
            content = handle.read()
        return CheckedUpload(
            name=self.original_name,
            content=content,
            content_type=self.content_type,
            extension=self.extension,
            sha256=self.sha256,
        )


class HazardAttachment(StoredFile):
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
    uploaded_by = user_ref(_("uploaded by"), null=True)
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
    listed_by = user_ref(_("listed by"))
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delisted_by = user_ref(_("delisted by"), null=True, blank=True)
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
    requested_by = user_ref(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("decision"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = user_ref(_("decided by"), null=True, blank=True)
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


# ---------------------------------------------------------------- public tip-offs (举报)


class TipOffQuerySet(models.QuerySet):
    def visible_to(self, user) -> TipOffQuerySet:
        """Regulators and tip-off verifiers of the region; never enterprises (a tip-off may be
        about them)."""
        from anlan.core.scoping import scope_of

        if scope_of(user).enterprise_id or scope_of(user).team_id:
            return self.none()
        return filter_by_scope(self, user)

    def verification_overdue(self, today=None) -> TipOffQuerySet:
        return self.filter(status=TipOffStatus.RECEIVED, verify_by__lt=today or local_today())


class TipOff(Located):
    """A report from the public, followed by its tracking code and secret. The reporter's
    identity is encrypted at rest and shown only to the tip-off verifier role, each time logged."""

    code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="tip_offs"
    )
    enterprise_name = models.CharField(_("enterprise or unit reported"), max_length=200, blank=True)
    address = models.CharField(_("address or place"), max_length=255)
    description = models.TextField(_("what is wrong"), max_length=5000)
    reporter_is_employee = models.BooleanField(
        _("reporter works for the unit reported"), default=False
    )
    anonymous = models.BooleanField(_("anonymous"), default=True)
    identity_sealed = models.TextField(blank=True, editable=False)  # crypto.seal({...})
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    verify_by = models.DateField(_("verify by"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TipOffStatus.choices,
        default=TipOffStatus.RECEIVED,
        editable=False,
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tip_offs",
    )
    handled_by = user_ref(_("handled by"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    public_reply = models.TextField(
        _("reply to the reporter"),
        max_length=2000,
        blank=True,
        help_text=_("Shown to the reporter on the tracking page. No personal data."),
    )

    objects = TipOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("tip-off")
        verbose_name_plural = _("tip-offs")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "verify_by"])]

    def __str__(self) -> str:
        return self.code

    @property
    def status_colour(self) -> str:
        return TIPOFF_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_verification_overdue(self) -> bool:
        return self.status == TipOffStatus.RECEIVED and self.verify_by < local_today()

    @property
    def has_identity(self) -> bool:
        return bool(self.identity_sealed)


def tipoff_photo_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"tipoffs/{stamp:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class TipOffPhoto(StoredFile):
    tip_off = models.ForeignKey(
        TipOff, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=tipoff_photo_path)
    from_reporter_recheck = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("tip-off photo")
        verbose_name_plural = _("tip-off photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class TipOffEvent(models.Model):
    """What the reporter sees on the tracking page: append-only, with a note free of personal
    data. The acting officer is kept for the record but never shown publicly."""

    tip_off = models.ForeignKey(
        TipOff, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=TipOffEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = user_ref(_("acted by"), null=True, blank=True)

    class Meta:
        verbose_name = _("tip-off event")
        verbose_name_plural = _("tip-off events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.tip_off.code}: {self.kind}"


class IdentityViewing(models.Model):
    """Each time someone reveals a reporter's or payee's identity: who, when, from where, why."""

    tip_off = models.ForeignKey(
        TipOff, on_delete=models.CASCADE, null=True, blank=True, related_name="identity_viewings"
    )
    reward = models.ForeignKey(
        "Reward", on_delete=models.CASCADE, null=True, blank=True, related_name="identity_viewings"
    )
    viewer = user_ref(_("viewed by"))
    at = models.DateTimeField(_("viewed at"), default=timezone.now)
    client_address = models.CharField(_("from address"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        verbose_name = _("identity viewing")
        verbose_name_plural = _("identity viewings")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.viewer} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- rewards


def default_death_amounts() -> dict:
    return {
        AccidentLevel.GENERAL: 30000,
        AccidentLevel.LARGER: 40000,
        AccidentLevel.MAJOR: 50000,
        AccidentLevel.ESPECIALLY_MAJOR: 60000,
    }


def _amount(label, default, *, max_digits=12):
    """A non-negative amount (yuan or a percentage) with two decimals."""
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(0)],
    )


class RewardPolicy(models.Model):
    """The reward rules in force, one row, editable by administrators; defaults are the
    national 2018 measures (REFERENCE.md §6.1), which a city may raise."""

    fine_share_percent = _amount(_("share of the fine (%)"), 15, max_digits=5)
    fine_floor = _amount(_("minimum reward (yuan)"), 3000)
    fine_cap = _amount(_("maximum reward (yuan)"), 300000)
    per_death_general = _amount(_("per concealed death, ordinary accident"), 30000)
    per_death_larger = _amount(_("per concealed death, large accident"), 40000)
    per_death_major = _amount(_("per concealed death, major accident"), 50000)
    per_death_especially_major = _amount(_("per concealed death, especially major accident"), 60000)
    concealed_cap = _amount(_("maximum for a concealed accident (yuan)"), 300000)
    employee_uplift_percent = _amount(
        _("uplift for employees reporting their own employer (%)"), 20, max_digits=5
    )
    claim_days = models.PositiveIntegerField(_("days to claim an approved reward"), default=30)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward rules")
        verbose_name_plural = _("reward rules")

    def __str__(self) -> str:
        return str(_("Reward rules"))

    @classmethod
    def current(cls) -> RewardPolicy:
        policy, created = cls.objects.get_or_create(pk=1)
        if created:
            policy.refresh_from_db()  # the defaults as stored (Decimal), not as declared
        return policy

    def per_death(self, level: str):
        return getattr(self, f"per_death_{level}")


class InternalRewardScheme(models.Model):
    """An enterprise's own scheme for rewarding employees who report hazards (内部报告奖励),
    paid from its safety budget: an amount per hazard level."""

    enterprise = models.OneToOneField(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="internal_reward_scheme",
    )
    general_amount = models.DecimalField(
        _("reward for a general hazard (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    major_amount = models.DecimalField(
        _("reward for a major hazard (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal-report reward scheme")
        verbose_name_plural = _("internal-report reward schemes")

    def __str__(self) -> str:
        return f"{self.enterprise}"


class RewardQuerySet(models.QuerySet):
    def visible_to(self, user) -> RewardQuerySet:
        """Tip-off rewards: regulators of the hazard's or tip-off's region. Internal-report
        rewards also: the enterprise's own users."""
        from anlan.core.scoping import scope_of

        scope = scope_of(user)
        if scope.sees_all:
            return self
        if scope.enterprise_id:
            return self.filter(kind=RewardKind.INTERNAL, enterprise_id=scope.enterprise_id)
        if scope.region_prefix is None or scope.team_id:
            return self.none()
        return self.filter(region__prefix__startswith=scope.region_prefix)


class Reward(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=RewardKind.choices)
    tip_off = models.ForeignKey(
        TipOff,
        verbose_name=_("tip-off"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("paying enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="internal_rewards",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=20, choices=RewardBasis.choices)
    fine_amount = models.DecimalField(
        _("administrative fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    accident_level = models.CharField(
        _("accident level"), max_length=20, choices=AccidentLevel.choices, blank=True
    )
    concealed_deaths = models.PositiveIntegerField(_("concealed deaths"), null=True, blank=True)
    employee_uplift = models.BooleanField(_("employee uplift applied"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    explanation = models.TextField(_("how it was computed"))
    status = models.CharField(
        _("status"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED
    )
    proposed_by = user_ref(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = user_ref(_("decided by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    claim_by = models.DateField(_("claim by"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    payee_sealed = models.TextField(blank=True, editable=False)  # crypto.seal({...})
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = user_ref(_("paid by"), null=True, blank=True)
    payout_reference = models.CharField(_("payout reference"), max_length=100, blank=True)

    objects = RewardQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["payee_sealed"])

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¥{self.amount}"

    @property
    def status_colour(self) -> str:
        return REWARD_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def claim_expired(self) -> bool:
        return (
            self.status == RewardStatus.APPROVED
            and self.claim_by is not None
            and self.claim_by < local_today()
        )


# ---------------------------------------------------------------- exposure (曝光)


class ExposureQuerySet(models.QuerySet):
    def published(self) -> ExposureQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> ExposureQuerySet:
        return filter_by_scope(self, user, region_field="hazard__region")


class ExposureCase(models.Model):
    """A closed or typical case published on the public portal: the unit's name and the facts,
    no personal data."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="exposures"
    )
    title = models.CharField(_("title"), max_length=200)
    unit_name = models.CharField(_("enterprise or place"), max_length=200)
    facts = models.TextField(_("facts"), max_length=5000)
    outcome = models.TextField(_("handling and outcome"), max_length=5000, blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = user_ref(_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = user_ref(_("withdrawn by"), null=True, blank=True)

    objects = ExposureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exposure case (曝光)")
        verbose_name_plural = _("exposure cases (曝光)")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title
