"""Equipment: the catalogue of types with their check intervals, the items each team holds,
check and maintenance records, loans from the shared pool, and stock-takes (账物卡相符)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope

from ..choices import (
    ITEM_STATUS_COLOURS,
    CheckKind,
    CheckResult,
    EquipmentCategory,
    ItemStatus,
)


class EquipmentType(models.Model):
    """A kind of equipment in the catalogue (e.g. BG4 positive-pressure oxygen breathing
    apparatus), with the checks it needs."""

    name = models.CharField(_("name"), max_length=100)
    model = models.CharField(_("model"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=EquipmentCategory.choices)
    unit = models.CharField(_("unit of count"), max_length=10, default="台")
    shareable = models.BooleanField(
        _("may join the shared pool"),
        default=False,
        help_text=_("Drones, life detectors and other kit other teams may borrow."),
    )

    class Meta:
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "model"], name="rescue_type_unique_model")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class CheckSchedule(models.Model):
    """One check a type needs, and how often (days). Defaults for breathing apparatus come from
    ANLAN_RESCUE_BREATHING_CHECK_DAYS; the frequencies were not confirmed, so they are edited
    here."""

    equipment_type = models.ForeignKey(
        EquipmentType,
        verbose_name=_("equipment type"),
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    kind = models.CharField(_("check"), max_length=12, choices=CheckKind.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("every (days)"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )

    class Meta:
        verbose_name = _("check schedule")
        verbose_name_plural = _("check schedules")
        ordering = ["equipment_type", "interval_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "kind"], name="rescue_schedule_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.equipment_type} · {self.get_kind_display()} / {self.interval_days}d"


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, region_field="team__region", team_field="team")


class EquipmentItem(models.Model):
    """An item (with a serial number) or a batch of identical items (quantity > 1) on a team's
    ledger."""

    equipment_type = models.ForeignKey(
        EquipmentType,
        verbose_name=_("equipment type"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    team = models.ForeignKey(
        "rescue.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="equipment"
    )
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True)
    card_number = models.CharField(
        _("equipment card number"), max_length=30, blank=True, help_text=_("账物卡 card.")
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ItemStatus.choices, default=ItemStatus.IN_SERVICE
    )
    location = models.CharField(_("kept at"), max_length=100, blank=True)
    in_shared_pool = models.BooleanField(_("in the shared pool"), default=False)
    commissioned_on = models.DateField(_("in service since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = ItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment items")
        ordering = ["team", "equipment_type", "serial_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment_type", "serial_number"],
                condition=~models.Q(serial_number=""),
                name="rescue_item_unique_serial",
            )
        ]

    def __str__(self) -> str:
        label = str(self.equipment_type)
        if self.serial_number:
            return f"{label} #{self.serial_number}"
        return f"{label} ×{self.quantity}"

    def clean(self) -> None:
        errors = {}
        if self.serial_number and self.quantity != 1:
            errors["quantity"] = _("An item with a serial number counts as one.")
        if self.in_shared_pool and self.equipment_type_id and not self.equipment_type.shareable:
            errors["in_shared_pool"] = _("This type of equipment is not lent from the pool.")
        if self.commissioned_on and self.commissioned_on > timezone.localdate():
            errors["commissioned_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def status_colour(self) -> str:
        return ITEM_STATUS_COLOURS.get(self.status, "secondary")


class ScopedByItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(
            self, user, region_field="item__team__region", team_field="item__team"
        )


class EquipmentCheck(models.Model):
    item = models.ForeignKey(
        EquipmentItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("check"), max_length=12, choices=CheckKind.choices)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    checker = models.CharField(_("checked by"), max_length=50)
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices)
    readings = models.CharField(
        _("readings"),
        max_length=200,
        blank=True,
        help_text=_("e.g. cylinder pressure 20 MPa, positive pressure 300 Pa, alarm at 5.5 MPa"),
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_by = user_ref(_("recorded by"), null=True, blank=True)

    objects = ScopedByItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("equipment check")
        verbose_name_plural = _("equipment checks")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["item", "kind", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()} · {self.checked_at:%Y-%m-%d}"

    def clean(self) -> None:
        errors = {}
        if self.item_id and self.item.status == ItemStatus.RETIRED:
            errors["item"] = _("%(item)s was retired; a retired item is not checked.") % {
                "item": self.item
            }
        if self.checked_at and self.checked_at > timezone.now() + dt.timedelta(minutes=5):
            errors["checked_at"] = _("The check cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class EquipmentLoan(models.Model):
    """Shared-pool kit lent to another team, and its return."""

    item = models.ForeignKey(
        EquipmentItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        "rescue.Team",
        verbose_name=_("borrowing team"),
        on_delete=models.PROTECT,
        related_name="borrowed",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    lent_at = models.DateTimeField(_("lent at"), default=timezone.now)
    due_back_on = models.DateField(_("due back on"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(_("condition on return"), max_length=200, blank=True)
    lent_by = user_ref(_("lent by"), null=True, blank=True)

    class Meta:
        verbose_name = _("equipment loan")
        verbose_name_plural = _("equipment loans")
        ordering = ["-lent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(returned_at__isnull=True),
                name="rescue_one_open_loan_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.borrower}"

    @property
    def overdue(self) -> bool:
        return self.returned_at is None and self.due_back_on < timezone.localdate()


class StockTake(models.Model):
    """A count of a team's ledger against the items on the shelf and their cards."""

    team = models.ForeignKey(
        "rescue.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="stock_takes",
    )
    taken_on = models.DateField(_("taken on"), default=timezone.localdate)
    taken_by = models.CharField(_("counted by"), max_length=100)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.team} · {self.taken_on}"

    @property
    def agrees(self) -> bool:
        return all(line.agrees for line in self.lines.all())


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(
        StockTake, verbose_name=_("stock-take"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        EquipmentItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    ledger_quantity = models.PositiveIntegerField(_("on the ledger"))
    counted_quantity = models.PositiveIntegerField(_("counted"))
    card_matches = models.BooleanField(_("card matches"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")
        ordering = ["stock_take", "pk"]

    @property
    def agrees(self) -> bool:
        return self.ledger_quantity == self.counted_quantity and self.card_matches
