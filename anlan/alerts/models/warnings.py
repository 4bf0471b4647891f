"""CAP 1.2 messages as received or issued.

One ``Alert`` row per CAP message. A thread is the first message and every Update and Cancel
that references it: ``thread`` points at the first (itself for the first), ``replaces`` at the
message it directly updates or cancels. Targets, acknowledgements and welfare checks belong to
the thread, so an upgrade from yellow to orange keeps who already acknowledged.

The summary columns (signal type, colour, event, headline, times) copy the first info block in
Chinese (or the first of all) so lists, the portal and targeting need no join; ``infos`` and
their ``areas`` keep every block as CAP has it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref

from ..choices import (
    COLOUR_CSS,
    CapScope,
    CapStatus,
    Certainty,
    Colour,
    MsgType,
    Origin,
    Severity,
    SignalType,
    Stage,
    Urgency,
)


class AlertQuerySet(models.QuerySet):
    def published(self):
        return self.filter(stage=Stage.PUBLISHED)

    def current(self, now=None):
        """Latest published message of each thread that is neither cancelled nor expired."""
        now = now or timezone.now()
        return (
            self.published()
            .filter(is_latest=True, cancelled_at__isnull=True, expires__gt=now)
            .exclude(msg_type=MsgType.CANCEL)
        )

    def visible_to(self, user):
        from ..services import alerts_visible_to

        return alerts_visible_to(self, user)


class Alert(models.Model):
    # --- CAP <alert> ---
    identifier = models.CharField(_("identifier"), max_length=200)
    sender = models.CharField(_("sender"), max_length=200)
    sent = models.DateTimeField(_("sent"))
    status = models.CharField(
        _("CAP status"), max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )
    msg_type = models.CharField(
        _("message type"), max_length=10, choices=MsgType.choices, default=MsgType.ALERT
    )
    scope = models.CharField(
        _("scope"), max_length=12, choices=CapScope.choices, default=CapScope.PUBLIC
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    restriction = models.CharField(_("restriction"), max_length=500, blank=True)
    addresses = models.TextField(_("addresses"), max_length=2000, blank=True)
    code = models.JSONField(_("codes"), default=list, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    references = models.TextField(
        _("references"), max_length=4000, blank=True, help_text=_("sender,identifier,sent …")
    )
    incidents = models.CharField(_("incidents"), max_length=500, blank=True)

    # --- thread ---
    thread = models.ForeignKey(
        "self",
        verbose_name=_("first message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread_messages",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("updates or cancels"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    is_latest = models.BooleanField(_("latest of its thread"), default=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    # --- summary of the first info block ---
    signal_type = models.CharField(
        _("signal"), max_length=20, choices=SignalType.choices, default=SignalType.OTHER
    )
    colour = models.CharField(_("level"), max_length=10, choices=Colour.choices, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    event = models.CharField(_("event"), max_length=200)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.UNKNOWN
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.UNKNOWN
    )
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.UNKNOWN
    )
    effective = models.DateTimeField(_("effective"))
    onset = models.DateTimeField(_("onset"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"))
    sender_name = models.CharField(_("issued by"), max_length=200, blank=True)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    instruction = models.TextField(_("instruction"), max_length=10000, blank=True)
    area_desc = models.CharField(_("area"), max_length=1000, blank=True)
    regions = models.ManyToManyField(
        "core.Region", verbose_name=_("regions"), blank=True, related_name="alerts"
    )

    # --- Anlan ---
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.IMPORTED
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.PUBLISHED
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("issuing region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_alerts",
        help_text=_("For the bureau's own warnings: whose warning it is."),
    )
    received_from = models.CharField(_("received from"), max_length=500, blank=True)
    raw_xml = models.TextField(_("CAP XML as received"), blank=True)
    drafted_by = user_ref(_("drafted by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted for sign-off"), null=True, blank=True)
    published_by = user_ref(_("signed off by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_note = models.TextField(_("sign-off note"), max_length=2000, blank=True)
    targeted_at = models.DateTimeField(_("targets computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-sent", "-pk"]
        constraints = [
            # CAP: an identifier is unique for its sender.
            models.UniqueConstraint(
                fields=["sender", "identifier"], name="alert_sender_identifier"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "is_latest", "expires"]),
            models.Index(fields=["thread", "sent"]),
        ]

    def __str__(self) -> str:
        return self.headline or self.event or self.identifier

    @property
    def root(self) -> Alert:
        return self.thread if self.thread_id and self.thread_id != self.pk else self

    @property
    def colour_css(self) -> str:
        return COLOUR_CSS.get(self.colour, "secondary")

    @property
    def is_locked(self) -> bool:
        """Published messages never change; an Update or Cancel references them instead."""
        return self.stage == Stage.PUBLISHED

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.stage == Stage.PUBLISHED
            and self.is_latest
            and self.cancelled_at is None
            and self.msg_type != MsgType.CANCEL
            and self.expires > now
        )

    def reference_string(self) -> str:
        """How other messages name this one in <references>."""
        from ..cap import format_time

        return f"{self.sender},{self.identifier},{format_time(self.sent)}"


class AlertInfo(models.Model):
    """One CAP <info> block (a message may carry one per language)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="infos")
    position = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(_("language"), max_length=20, default="zh-CN")
    categories = models.JSONField(_("categories"), default=list)
    event = models.CharField(_("event"), max_length=200)
    response_types = models.JSONField(_("response types"), default=list, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices)
    audience = models.CharField(_("audience"), max_length=500, blank=True)
    event_codes = models.JSONField(_("event codes"), default=list, blank=True)
    effective = models.DateTimeField(_("effective"), null=True, blank=True)
    onset = models.DateTimeField(_("onset"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    sender_name = models.CharField(_("issued by"), max_length=200, blank=True)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    instruction = models.TextField(_("instruction"), max_length=10000, blank=True)
    web = models.CharField(_("web"), max_length=500, blank=True)
    contact = models.CharField(_("contact"), max_length=500, blank=True)
    parameters = models.JSONField(_("parameters"), default=list, blank=True)

    class Meta:
        verbose_name = _("warning info block")
        verbose_name_plural = _("warning info blocks")
        ordering = ["alert", "position"]

    def __str__(self) -> str:
        return f"{self.language}: {self.event}"


class AlertArea(models.Model):
    """One CAP <area>: region codes, polygons ([[lat, lon], …], closed) and circles."""

    info = models.ForeignKey(AlertInfo, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(default=0)
    area_desc = models.CharField(_("area"), max_length=1000)
    polygons = models.JSONField(_("polygons"), default=list, blank=True)
    circles = models.JSONField(_("circles"), default=list, blank=True)
    geocodes = models.JSONField(_("geocodes"), default=list, blank=True)
    altitude = models.FloatField(_("altitude"), null=True, blank=True)
    ceiling = models.FloatField(_("ceiling"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning area")
        verbose_name_plural = _("warning areas")
        ordering = ["info", "position"]

    def __str__(self) -> str:
        return self.area_desc


class RejectedMessage(models.Model):
    """A CAP message that failed parsing, the schema or Anlan's checks, kept for inspection."""

    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    received_from = models.CharField(_("received from"), max_length=500)
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    content = models.TextField(_("content as received"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    reason = models.CharField(_("reason"), max_length=1000)
    errors = models.JSONField(_("errors"), default=list)
    received_by = user_ref(_("uploaded by"), null=True, blank=True)

    class Meta:
        verbose_name = _("rejected message")
        verbose_name_plural = _("rejected messages")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_from}: {self.reason[:60]}"


class FeedState(models.Model):
    """What Anlan last saw of each polled feed (the URLs themselves are a setting)."""

    url = models.CharField(_("feed URL"), max_length=500, unique=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    imported = models.PositiveIntegerField(_("messages imported"), default=0)
    rejected = models.PositiveIntegerField(_("messages rejected"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates ignored"), default=0)

    class Meta:
        verbose_name = _("warning feed")
        verbose_name_plural = _("warning feeds")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class SensitivityRule(models.Model):
    """Which enterprises a signal concerns: by industry and by risk flag (editable)."""

    signal_type = models.CharField(
        _("signal"), max_length=20, choices=SignalType.choices, unique=True
    )
    industries = models.JSONField(_("industries"), default=list, blank=True)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    min_colour = models.CharField(
        _("from level"),
        max_length=10,
        choices=Colour.choices,
        default=Colour.BLUE,
        help_text=_("Enterprises are targeted from this colour up."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = user_ref(_("updated by"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sensitivity rule")
        verbose_name_plural = _("sensitivity rules")
        ordering = ["signal_type"]

    def __str__(self) -> str:
        return self.get_signal_type_display()
