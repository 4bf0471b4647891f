"""The sensitivity matrix: which industries and risk flags each signal concerns."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag

from .choices import Colour, SignalType
from .models import SensitivityRule
from .services import may_edit_matrix


@transaction.atomic
def save_rule(
    *,
    user,
    signal_type: str,
    industries: list[str],
    risk_flags: list[str],
    min_colour: str = Colour.BLUE,
    note: str = "",
) -> SensitivityRule:
    if not may_edit_matrix(user):
        raise PermissionDenied(_("Only the city or system administrator edits the matrix."))
    errors = {}
    if signal_type not in SignalType.values:
        errors["signal_type"] = _("Unknown signal “%(value)s”.") % {"value": signal_type}
    unknown = sorted(set(industries) - set(EnterpriseIndustry.values))
    if unknown:
        errors["industries"] = _("Unknown industries: %(values)s") % {"values": ", ".join(unknown)}
    unknown = sorted(set(risk_flags) - set(EnterpriseRiskFlag.values))
    if unknown:
        errors["risk_flags"] = _("Unknown risk flags: %(values)s") % {"values": ", ".join(unknown)}
    if min_colour not in Colour.values:
        errors["min_colour"] = _("Unknown level “%(value)s”.") % {"value": min_colour}
    if len(note) > 500:
        errors["note"] = _("At most 500 characters.")
    if errors:
        raise ValidationError(errors)
    rule, _created = SensitivityRule.objects.update_or_create(
        signal_type=signal_type,
        defaults={
            "industries": sorted(set(industries)),
            "risk_flags": sorted(set(risk_flags)),
            "min_colour": min_colour,
            "note": note.strip(),
            "updated_by": user,
        },
    )
    return rule
