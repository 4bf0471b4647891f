"""Every change to the registry goes through these functions: web forms, the API, the Excel
import and the CLI all call them, so validation, permission checks and history are the same
whichever way a record arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from anlan.core.permissions import can_edit_enterprise, can_edit_registry, region_in_scope, require
from anlan.core.validators import normalize_id_number, normalize_mobile, normalize_uscc

from .choices import PersonPost
from .models import Enterprise, HazardSource, ResponsiblePerson, RiskFlag

ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "industry",
    "industry_code",
    "region",
    "address",
    "latitude",
    "longitude",
    "size",
    "headcount",
    "status",
)


def _risk_flags(codes: Iterable[str]) -> list[RiskFlag]:
    codes = list(dict.fromkeys(codes))
    flags = list(RiskFlag.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {f.code for f in flags})
    if unknown:
        raise ValidationError({"risk_flags": _("Unknown risk flag(s): %s") % ", ".join(unknown)})
    return flags


def snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {f: getattr(enterprise, f) for f in ENTERPRISE_FIELDS}


def prepare_enterprise(
    *,
    user,
    data: dict[str, Any],
    enterprise: Enterprise | None = None,
    check_unique: bool = True,
) -> Enterprise:
    """Apply ``data`` to an enterprise (new or existing) and validate it, without saving.

    Raises ValidationError keyed by field for bad values, PermissionDenied when the user may
    not make the change. ``check_unique=False`` skips the credit-code uniqueness query, for
    callers (the Excel import) that have checked all codes at once.
    """
    creating = enterprise is None or enterprise.pk is None
    if creating:
        require(can_edit_registry(user), _("You may not add enterprises."))
        enterprise = enterprise or Enterprise()
    else:
        require(can_edit_enterprise(user, enterprise), _("You may not edit this enterprise."))
    old_region_id = enterprise.region_id
    for field in ENTERPRISE_FIELDS:
        if field in data:
            setattr(enterprise, field, data[field])
    enterprise.uscc = normalize_uscc(enterprise.uscc)
    errors: dict[str, list[str]] = {}
    if enterprise.region_id and (creating or enterprise.region_id != old_region_id):
        if not can_edit_registry(user):
            errors["region"] = [_("Only a regulator can move an enterprise to another region.")]
        elif not region_in_scope(user, enterprise.region):
            errors["region"] = [_("This region is outside your jurisdiction.")]
    # A region object already in hand came from the database: no need to look it up again.
    region_known = Enterprise.region.is_cached(enterprise) and enterprise.region is not None
    try:
        enterprise.full_clean(
            exclude=["region"] if region_known else None, validate_unique=check_unique
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return enterprise


@transaction.atomic
def save_enterprise(
    *,
    user,
    data: dict[str, Any],
    enterprise: Enterprise | None = None,
    risk_flags: Iterable[str] | None = None,
) -> Enterprise:
    """Create or update an enterprise; ``risk_flags`` (codes) replaces the set when given."""
    flags = _risk_flags(risk_flags) if risk_flags is not None else None
    before = snapshot(enterprise) if enterprise is not None and enterprise.pk else None
    enterprise = prepare_enterprise(user=user, data=data, enterprise=enterprise)
    store_enterprise(enterprise, before=before, flags=flags, reason=data.get("_reason", ""))
    return enterprise


def store_enterprise(
    enterprise: Enterprise,
    *,
    before: dict[str, Any] | None,
    flags: list[RiskFlag] | None,
    reason: str = "",
) -> bool:
    """Save an enterprise already checked by ``prepare_enterprise``; True if anything changed.

    Only real changes are written, so the history holds no empty entries.
    """
    changed = False
    if before is None or before != snapshot(enterprise):
        enterprise._change_reason = reason
        enterprise.save()
        changed = True
    if flags is not None:
        current = {f.code for f in enterprise.risk_flags.all()} if before is not None else set()
        if current != {f.code for f in flags}:
            enterprise.risk_flags.set(flags)
            changed = True
    return changed


@transaction.atomic
def create_enterprises_bulk(
    rows: list[tuple[Enterprise, list[str] | None, dict[str, str] | None]],
    *,
    user,
    reason: str = "",
    batch_size: int = 500,
) -> list[Enterprise]:
    """Insert many new enterprises at once, each already checked by ``prepare_enterprise``.

    ``rows`` holds (enterprise, risk flag codes, principal {name, mobile} or None). Writes the
    same records and history (with ``user`` and ``reason``) as one ``save_enterprise`` call per
    row would, in a handful of queries per batch instead of a dozen per row.
    """
    if not rows:
        return []
    flags_by_code = {f.code: f for f in RiskFlag.objects.all()}
    enterprises = Enterprise.objects.bulk_create([r[0] for r in rows], batch_size=batch_size)
    histories = Enterprise.history.bulk_history_create(
        enterprises, batch_size=batch_size, default_user=user, default_change_reason=reason
    )
    Through = Enterprise.risk_flags.through
    links = Through.objects.bulk_create(
        [
            Through(enterprise=enterprise, riskflag=flags_by_code[code])
            for enterprise, (_, codes, _) in zip(enterprises, rows, strict=True)
            for code in dict.fromkeys(codes or [])
        ],
        batch_size=batch_size,
    )
    # The risk flags as they stood at creation, for the history tab's later comparisons.
    history_by_enterprise = {h.id: h for h in histories}
    HistoricalLink = Enterprise.history.model._meta.get_field(
        "historicalenterprise_risk_flags"
    ).related_model
    HistoricalLink.objects.bulk_create(
        [
            HistoricalLink(
                history=history_by_enterprise[link.enterprise_id],
                id=link.pk,
                enterprise_id=link.enterprise_id,
                riskflag_id=link.riskflag_id,
            )
            for link in links
        ],
        batch_size=batch_size,
    )
    persons = [
        ResponsiblePerson(
            enterprise=enterprise,
            post=PersonPost.PRINCIPAL,
            name=principal["name"],
            mobile=normalize_mobile(principal["mobile"]),
        )
        for enterprise, (_, _, principal) in zip(enterprises, rows, strict=True)
        if principal
    ]
    persons = ResponsiblePerson.objects.bulk_create(persons, batch_size=batch_size)
    ResponsiblePerson.history.bulk_history_create(
        persons, batch_size=batch_size, default_user=user, default_change_reason=reason
    )
    return enterprises


@transaction.atomic
def save_person(
    *, user, enterprise: Enterprise, data: dict[str, Any], person: ResponsiblePerson | None = None
) -> ResponsiblePerson:
    require(can_edit_enterprise(user, enterprise), _("You may not edit this enterprise."))
    person = person or ResponsiblePerson(enterprise=enterprise)
    if person.enterprise_id != enterprise.pk:
        raise ValidationError({"enterprise": _("This person belongs to another enterprise.")})
    for field in ("name", "post", "id_number", "mobile"):
        if field in data:
            setattr(person, field, data[field] or "")
    person.id_number = normalize_id_number(person.id_number)
    person.mobile = normalize_mobile(person.mobile)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delete_person(*, user, person: ResponsiblePerson) -> None:
    require(can_edit_enterprise(user, person.enterprise), _("You may not edit this enterprise."))
    in_use = HazardSource.objects.filter(
        Q(principal=person) | Q(technical_lead=person) | Q(operations_lead=person)
    )
    if in_use.exists():
        raise ValidationError(
            {
                "person": _(
                    "This person is a guarantor of a major hazard source; appoint another first."
                )
            }
        )
    if person.control_measures.exists():
        raise ValidationError(
            {
                "person": _(
                    "This person answers for control measures of risk points; appoint another first."
                )
            }
        )
    person.delete()


@transaction.atomic
def save_hazard_source(
    *, user, enterprise: Enterprise, data: dict[str, Any], source: HazardSource | None = None
) -> HazardSource:
    require(can_edit_enterprise(user, enterprise), _("You may not edit this enterprise."))
    source = source or HazardSource(enterprise=enterprise)
    for field in ("name", "code", "level", "description"):
        if field in data:
            setattr(source, field, data[field] if data[field] is not None else "")
    for field in HazardSource.GUARANTOR_FIELDS:
        if field in data:
            value = data[field]
            if isinstance(value, ResponsiblePerson) or value is None:
                setattr(source, field, value)
            else:
                setattr(source, f"{field}_id", value)
    source.full_clean()
    source.save()
    if not enterprise.risk_flags.filter(code="major_hazard_source").exists():
        enterprise.risk_flags.add(RiskFlag.objects.get(code="major_hazard_source"))
    return source
