from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    ENTERPRISE_ROLES,
    REGION_CODE_LENGTH,
    REGION_DEPTH,
    REGION_PREFIX_LENGTH,
    REGION_ROLES,
    TEAM_ROLES,
    USER_MANAGER_ROLES,
    DeliveryChannel,
    DeliveryStatus,
    NotificationKind,
    RegionLevel,
    UserRole,
)
from .regions import full_name_of
from .scoping import scope_of
from .validators import validate_mobile


class Located(models.Model):
    """Optional coordinates (WGS-84 decimal degrees), given both or neither."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def location_errors(self) -> dict:
        """The "both or neither" rule, for the model's clean()."""
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            return {field: _("Give both latitude and longitude, or neither.")}
        return {}


def within_region_code(queryset, code: str, *, field: str = "region"):
    """Rows of ``queryset`` whose region lies in the region with this code (none if unknown)."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__prefix__startswith": region.prefix})


def user_ref(verbose_name, *, null: bool = False, blank: bool = False):
    """Who did something (reported, decided, paid…): a protected link to an account, with no
    reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=null,
        blank=blank,
        related_name="+",
    )


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(prefix__startswith=region.prefix)

    def visible_to(self, user) -> RegionQuerySet:
        """Regions inside the user's scope, plus the ancestors that give them context."""
        scope = scope_of(user)
        if scope.sees_all:
            return self
        if scope.region_prefix is None:
            return self.none()
        ancestors = [
            scope.region_prefix[:n]
            for n in REGION_PREFIX_LENGTH.values()
            if n < len(scope.region_prefix)
        ]
        return self.filter(
            models.Q(prefix__startswith=scope.region_prefix) | models.Q(prefix__in=ancestors)
        )


class Region(models.Model):
    """An administrative division keyed by its GB/T 2260 code (9/12 digits below county)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    prefix = models.CharField(
        _("code prefix"),
        max_length=12,
        db_index=True,
        editable=False,
        help_text=_("The significant digits of the code; every region below starts with them."),
    )
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The names from the city down, e.g. 晋中市灵石县; kept in step on save."),
    )
    is_fictional = models.BooleanField(
        _("fictional (demo)"),
        default=False,
        help_text=_("Demo townships and villages carry made-up codes and are marked so."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        expected_len = REGION_CODE_LENGTH.get(self.level)
        if not self.code.isdigit() or (expected_len and len(self.code) != expected_len):
            errors["code"] = _("A %(level)s code is %(n)d digits.") % {
                "level": RegionLevel(self.level).label if self.level else "",
                "n": expected_len or 0,
            }
        if self.parent_id:
            if REGION_DEPTH.get(self.parent.level, 99) >= REGION_DEPTH.get(self.level, -1):
                errors["parent"] = _("The parent must be a higher level than the region.")
            elif self.code and not self.code.startswith(self.parent.prefix):
                errors["code"] = _("The code must start with the parent's code %(prefix)s.") % {
                    "prefix": self.parent.prefix
                }
        elif self.level and self.level != RegionLevel.PROVINCE:
            errors["parent"] = _("Only a province has no parent region.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.prefix = self.code[: REGION_PREFIX_LENGTH[RegionLevel(self.level)]]
        self.full_name = full_name_of(self.name, self.level, self.parent)
        super().save(*args, **kwargs)
        # A renamed region renames the full names below it.
        for child in self.children.all():
            if child.full_name != full_name_of(child.name, child.level, self):
                child.parent = self
                child.save()

    def ancestors(self) -> list[Region]:
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def contains(self, other: Region) -> bool:
        return other.prefix.startswith(self.prefix)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:
        """Accounts whose scope lies inside the user's; everyone else sees only themselves."""
        scope = scope_of(user)
        if scope.sees_all:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role not in USER_MANAGER_ROLES or not scope.region_prefix:
            return self.filter(pk=user.pk)
        prefix = scope.region_prefix
        return self.filter(
            models.Q(region__prefix__startswith=prefix)
            | models.Q(enterprise__region__prefix__startswith=prefix)
            | models.Q(team__region__prefix__startswith=prefix)
        )


class AnlanUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. One role, one scope: a region subtree, an enterprise, or a team."""

    display_name = models.CharField(_("name"), max_length=50, blank=True)
    role = models.CharField(
        _("role"), max_length=32, choices=UserRole.choices, default=UserRole.GRID_MEMBER
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    team = models.ForeignKey(
        "rescue.Team",
        verbose_name=_("team scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[validate_mobile])
    is_demo = models.BooleanField(_("demo account"), default=False)
    password_change_required = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator issues a temporary password."),
    )

    objects = AnlanUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        role = self.role
        if role in REGION_ROLES:
            levels = REGION_ROLES[role]
            if self.region_id is None:
                errors["region"] = _("This role needs a region scope.")
            elif self.region.level not in levels:
                errors["region"] = _("This role's region must be a %(level)s.") % {
                    "level": _(" or ").join(str(RegionLevel(level).label) for level in levels)
                }
        if role in ENTERPRISE_ROLES and self.enterprise_id is None:
            errors["enterprise"] = _("This role needs an enterprise scope.")
        if role in TEAM_ROLES and self.team_id is None:
            errors["team"] = _("This role needs a rescue team scope.")
        scopes = [self.region_id, self.enterprise_id, self.team_id]
        if sum(s is not None for s in scopes) > 1:
            errors.setdefault(
                "region", _("A user has exactly one scope: a region, an enterprise or a team.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def scope_label(self) -> str:
        if self.region_id:
            return self.region.full_name
        if self.enterprise_id:
            return self.enterprise.name
        if self.team_id:
            return self.team.name
        return str(_("Whole system")) if scope_of(self).sees_all else ""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for scripts and devices. Only its hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with the raw key, which is shown only once."""
        raw = "anl_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_prefix=raw[:8], key_hash=hash_token(raw)
        )
        return token, raw


# ---------------------------------------------------------------- notifications


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A user's own inbox: nobody reads anyone else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in one user's in-app inbox. ``dedup_key`` makes periodic jobs idempotent:
    a recipient gets a given event (e.g. "hazard 42, deadline 2026-05-01, reminder") once."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=NotificationKind.choices, default=NotificationKind.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=2000, blank=True)
    link = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path on this site.")
    )
    subject = models.CharField(
        _("about"), max_length=64, blank=True, db_index=True, help_text=_("e.g. hazard:42")
    )
    dedup_key = models.CharField(_("de-duplication key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One outbound message (e-mail, webhook POST or SMS), so an administrator sees failures."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    target = models.CharField(_("to"), max_length=200, help_text=_("Shown masked."))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}: {self.get_status_display()}"


class JobMessage(models.Model):
    """A background job the queue could not be trusted with (``anlan.core.queue``): either
    *waiting* — the queue (Redis) was down when it was enqueued, so it is kept here until a
    worker can hand it over — or *running* — a worker has taken it and not finished it; if that
    worker dies (killed, out of memory, power cut) the row outlives its lease and the job is
    queued again. ``data`` is huey's serialized message, exactly as the queue would hold it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for the queue")
        RUNNING = "running", _("Running")

    key = models.CharField(_("key"), max_length=200, unique=True)
    name = models.CharField(_("job"), max_length=200)
    data = models.BinaryField(_("message"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("times started"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["state", "lease_until"], name="core_job_state_lease")]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"
