"""Exposure (曝光): publishing a closed or typical case on the public portal — the unit's name
and the facts, never personal data."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import REGISTRY_EDITOR_ROLES, UserRole

from .choices import HazardStatus
from .models import ExposureCase, Hazard, SupervisionListing

# What personal data in a public text most often looks like: mobiles, landlines, ID numbers.
PERSONAL_DATA_PATTERNS = [
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "mobile number"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "ID number"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "telephone number"),
]
PUBLISHER_ROLES = REGISTRY_EDITOR_ROLES - {UserRole.TOWNSHIP_SUPERVISOR}
NOT_PUBLISHABLE = {HazardStatus.REPORTED, HazardStatus.REJECTED, HazardStatus.MERGED}


def can_publish(user, hazard: Hazard) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in PUBLISHER_ROLES)
        and Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists()
    )


def _personal_data_errors(**texts: str) -> dict[str, str]:
    errors = {}
    for field, text in texts.items():
        for pattern, _kind in PERSONAL_DATA_PATTERNS:
            if pattern.search(text or ""):
                errors[field] = _(
                    "Remove phone and ID numbers: a published case carries no personal data."
                )
                break
    return errors


@transaction.atomic
def publish_case(
    *, hazard: Hazard, user, title: str, facts: str, outcome: str = ""
) -> ExposureCase:
    if not can_publish(user, hazard):
        raise PermissionDenied(_("You may not publish this case."))
    title, facts, outcome = (title or "").strip(), (facts or "").strip(), (outcome or "").strip()
    errors = {}
    if hazard.status in NOT_PUBLISHABLE:
        errors["hazard"] = _(
            "Publish a verified hazard, not one that is unverified, rejected or merged."
        )
    if not title:
        errors["title"] = _("Give the case a title.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if len(facts) < 20:
        errors["facts"] = _("State the facts in at least 20 characters.")
    elif len(facts) > 5000:
        errors["facts"] = _("At most 5000 characters.")
    if len(outcome) > 5000:
        errors["outcome"] = _("At most 5000 characters.")
    errors.update(_personal_data_errors(title=title, facts=facts, outcome=outcome))
    if errors:
        raise ValidationError(errors)
    return ExposureCase.objects.create(
        hazard=hazard,
        title=title,
        unit_name=hazard.place,
        facts=facts,
        outcome=outcome,
        published_by=user,
    )


@transaction.atomic
def withdraw_case(*, case: ExposureCase, user) -> ExposureCase:
    if not can_publish(user, case.hazard):
        raise PermissionDenied(_("You may not withdraw this case."))
    if case.withdrawn_at is not None:
        raise ValidationError({"case": _("This case has already been withdrawn.")})
    case.withdrawn_at, case.withdrawn_by = timezone.now(), user
    case.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return case


def delisting_notices():
    """摘牌 notices for the portal: listed 重大 hazards whose rectification was accepted."""
    return (
        SupervisionListing.objects.filter(delisted_at__isnull=False)
        .select_related("hazard", "hazard__enterprise", "authority")
        .order_by("-delisted_at")
    )
