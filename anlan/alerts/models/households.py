"""Vulnerable households (重点人群) and the welfare checks a warning creates for them.

Names, addresses, phone numbers and needs are personal data: they are sealed (encrypted at
rest with anlan.core.crypto) in ``sealed``, readable only by the village's grid members, the
township's supervisors and civil-affairs officers of the region, and every reading is recorded
in ``HouseholdViewing``. The rest — village, categories, what to check for, how many people —
is what boards and counts need, and never names anyone.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core import crypto
from anlan.core.models import user_ref

from ..choices import CHECK_OUTCOME_CSS, CheckOutcome
from .warnings import Alert

# The personal fields kept sealed, in display order.
PERSONAL_FIELDS = ("head_name", "address", "contact_name", "phone", "needs")


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        from ..households import households_visible_to

        return households_visible_to(self, user)


class Household(models.Model):
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    categories = models.JSONField(_("categories"), default=list)
    check_for = models.JSONField(_("check in"), default=list)
    people = models.PositiveSmallIntegerField(_("people in the household"), default=1)
    sealed = models.TextField(_("personal data (encrypted)"), blank=True, editable=False)
    # A keyed digest of name + address, to find duplicates on import without decrypting.
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = user_ref(_("created by"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("vulnerable household")
        verbose_name_plural = _("vulnerable households")
        ordering = ["region__code", "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"HH{self.pk or 0:06d}"

    def personal(self) -> dict:
        """The decrypted personal fields. Callers record a HouseholdViewing first."""
        return crypto.unseal(self.sealed)

    def set_personal(self, data: dict) -> None:
        self.sealed = crypto.seal({k: data.get(k, "") for k in PERSONAL_FIELDS if data.get(k)})


class HouseholdViewing(models.Model):
    """Each time someone sees a household's personal data: who, when, where, from which address."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="viewings")
    viewer = user_ref(_("viewed by"))
    at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    where = models.CharField(_("where"), max_length=100)
    client_address = models.CharField(_("from address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("household viewing")
        verbose_name_plural = _("household viewings")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.viewer} {self.at:%Y-%m-%d %H:%M} {self.where}"


class WelfareCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        from ..households import checks_visible_to

        return checks_visible_to(self, user)


class WelfareCheck(models.Model):
    thread = models.ForeignKey(
        Alert, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="welfare_checks"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="checks"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateTimeField(_("check by"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=CheckOutcome.choices, default=CheckOutcome.PENDING
    )
    note = models.TextField(_("what was found"), max_length=2000, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = user_ref(_("checked by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = WelfareCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare check")
        verbose_name_plural = _("welfare checks")
        ordering = ["thread", "region__code", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "household"], name="check_once_per_warning"),
        ]

    def __str__(self) -> str:
        return f"{self.household.code}: {self.get_outcome_display()}"

    @property
    def outcome_css(self) -> str:
        return CHECK_OUTCOME_CSS[self.outcome]
