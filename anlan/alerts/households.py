"""Vulnerable households (重点人群): who sees them, and creating, changing and deactivating them.

Security by default: only a village grid member (their village), a township supervisor (their
township) and a civil-affairs officer (their region) see households or welfare checks. Every
other role — the city administrator, county regulators, enterprise roles, rescue commanders,
system administrators and superusers — sees none, whatever ``scope_of`` would otherwise allow.

Personal fields (name, address, contact, phone, needs) are sealed; every time they are shown,
``reveal`` / ``reveal_many`` write a ``HouseholdViewing`` row first.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region
from anlan.core.scoping import filter_by_scope

from .choices import CheckGroup, HouseholdCategory
from .models.households import PERSONAL_FIELDS, Household, HouseholdViewing

HOUSEHOLD_ROLES = (UserRole.GRID_MEMBER, UserRole.TOWNSHIP_SUPERVISOR, UserRole.CIVIL_AFFAIRS)
VIEWINGS_ROLES = (UserRole.TOWNSHIP_SUPERVISOR, UserRole.CIVIL_AFFAIRS)
MAX_PEOPLE = 50
MAX_LENGTHS = {"head_name": 50, "address": 200, "contact_name": 50, "phone": 20, "needs": 1000}
PHONE_RE = re.compile(r"^[0-9+\- ]{7,20}$")
CODE_RE = re.compile(r"^(?:HH)?0*(\d{1,12})$", re.IGNORECASE)


# ---------------------------------------------------------------- who


def sees_households(user) -> bool:
    """Whether the user may see any household at all (the three roles, with a region)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_superuser
        and user.role in HOUSEHOLD_ROLES
        and user.region_id
    )


def households_visible_to(queryset, user):
    if not sees_households(user):
        return queryset.none()
    return filter_by_scope(queryset, user)


def checks_visible_to(queryset, user):
    if not sees_households(user):
        return queryset.none()
    return filter_by_scope(queryset, user)


def in_scope(user, region: Region) -> bool:
    return sees_households(user) and region.prefix.startswith(user.region.prefix)


def may_edit(user, household: Household) -> bool:
    """Create, edit and deactivate: the same three roles, within their scope."""
    return in_scope(user, household.region)


def may_see_viewings(user, household: Household) -> bool:
    """Who looked at a household: civil-affairs officers and township supervisors in scope."""
    return in_scope(user, household.region) and user.role in VIEWINGS_ROLES


def villages_for(user):
    """The villages in which the user may register households."""
    if not sees_households(user):
        return Region.objects.none()
    return Region.objects.filter(
        level=RegionLevel.VILLAGE, prefix__startswith=user.region.prefix
    ).order_by("code")


# ---------------------------------------------------------------- reading (logged)


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:64] if request is not None else ""


def reveal(household: Household, *, user, where: str, address: str = "") -> dict:
    """The household's personal data for ``user``, after recording the viewing."""
    if not in_scope(user, household.region):
        raise PermissionDenied(_("You may not see this household."))
    HouseholdViewing.objects.create(
        household=household, viewer=user, where=where[:100], client_address=address[:64]
    )
    return household.personal()


def reveal_many(households, *, user, where: str, address: str = "") -> list[tuple]:
    """[(household, personal data)] for the households in scope, one viewing each (bulk)."""
    shown = [h for h in households if in_scope(user, h.region)]
    HouseholdViewing.objects.bulk_create(
        [
            HouseholdViewing(household=h, viewer=user, where=where[:100], client_address=address)
            for h in shown
        ]
    )
    return [(h, h.personal()) for h in shown]


# ---------------------------------------------------------------- filtering


def parse_code(value: str) -> int | None:
    """HH000012, hh12 or 12 → 12; anything else None."""
    match = CODE_RE.match((value or "").strip())
    return int(match.group(1)) if match else None


def filter_households(
    queryset, *, village: str = "", category: str = "", check_for: str = "", q: str = ""
):
    """Filter visible households; a bad value raises ValidationError naming the parameter."""
    if village:
        if not village.isdigit():
            raise ValidationError({"village": _("A village code is 12 digits.")})
        queryset = queryset.filter(region__prefix__startswith=village)
    if q:
        pk = parse_code(q)
        if pk is None:
            raise ValidationError({"q": _("Search by household code, e.g. HH000012.")})
        queryset = queryset.filter(pk=pk)
    for name, value, choices in (
        ("category", category, HouseholdCategory),
        ("check_for", check_for, CheckGroup),
    ):
        if not value:
            continue
        if value not in choices.values:
            raise ValidationError({name: _("%(value)r is not a known choice.") % {"value": value}})
        field = "categories" if name == "category" else "check_for"
        ids = [pk for pk, values in queryset.values_list("pk", field) if value in (values or [])]
        queryset = queryset.filter(pk__in=ids)
    return queryset


# ---------------------------------------------------------------- validating


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def fingerprint(region_code: str, head_name: str, address: str) -> str:
    """Keyed digest of village + name + address: finds duplicates without decrypting."""
    key = hashlib.sha256(("anlan-household:" + settings.SECRET_KEY).encode()).digest()
    message = f"{region_code}|{normalise(head_name)}|{normalise(address)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _region(value, errors: dict) -> Region | None:
    if isinstance(value, Region):
        region = value
    else:
        code = str(value or "").strip()
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            errors["region"] = _("No village with code %(code)r.") % {"code": code}
            return None
    if region.level != RegionLevel.VILLAGE:
        errors["region"] = _("%(name)s is not a village; a household belongs to a village.") % {
            "name": region.name
        }
        return None
    return region


def _choice_list(value, choices, field: str, errors: dict, label: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[、，,;；\s]+", value) if v]
    values = [str(v).strip() for v in (value or []) if str(v).strip()]
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        errors[field] = _("Unknown %(what)s: %(values)s.") % {
            "what": label,
            "values": ", ".join(unknown),
        }
    elif not values:
        errors[field] = _("Choose at least one.")
    return list(dict.fromkeys(values))


def clean_personal(data: dict, errors: dict) -> dict:
    personal = {k: str(data.get(k) or "").strip() for k in PERSONAL_FIELDS}
    for key in ("head_name", "address"):
        if not personal[key]:
            errors[key] = _("This field is required.")
    for key, limit in MAX_LENGTHS.items():
        if len(personal[key]) > limit:
            errors[key] = _("At most %(n)d characters.") % {"n": limit}
    if personal["phone"] and not PHONE_RE.match(personal["phone"]):
        errors["phone"] = _("A phone number is 7 to 20 digits, spaces, + or -.")
    return personal


def clean_people(value, errors: dict) -> int:
    try:
        people = int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        errors["people"] = _("A whole number of people, 1 to %(n)d.") % {"n": MAX_PEOPLE}
        return 1
    if not 1 <= people <= MAX_PEOPLE:
        errors["people"] = _("A whole number of people, 1 to %(n)d.") % {"n": MAX_PEOPLE}
    return people


def clean_household(data: dict, *, user, errors: dict) -> dict:
    """All fields of a household, checked; problems go into ``errors`` by field."""
    region = _region(data.get("region"), errors)
    if region is not None and not in_scope(user, region):
        errors["region"] = _("%(name)s is outside your jurisdiction.") % {"name": region.name}
    return {
        "region": region,
        "categories": _choice_list(
            data.get("categories"), HouseholdCategory, "categories", errors, _("category")
        ),
        "check_for": _choice_list(
            data.get("check_for"), CheckGroup, "check_for", errors, _("check group")
        ),
        "people": clean_people(data.get("people", 1), errors),
        "personal": clean_personal(data, errors),
    }


def duplicate_of(region: Region, personal: dict, *, exclude: int | None = None):
    fp = fingerprint(region.code, personal["head_name"], personal["address"])
    others = Household.objects.filter(fingerprint=fp, active=True)
    if exclude:
        others = others.exclude(pk=exclude)
    return fp, others.first()


def _duplicate_error(other: Household) -> dict:
    return {
        "head_name": _(
            "A household with this name and address is already registered in this village (%(code)s)."
        )
        % {"code": other.code}
    }


# ---------------------------------------------------------------- changing


def _require(user, region: Region) -> None:
    if not in_scope(user, region):
        raise PermissionDenied(_("You may not change households of this village."))


@transaction.atomic
def create_household(*, user, data: dict[str, Any]) -> Household:
    if not sees_households(user):
        raise PermissionDenied(_("You may not register vulnerable households."))
    errors: dict = {}
    values = clean_household(data, user=user, errors=errors)
    if not errors:
        fp, other = duplicate_of(values["region"], values["personal"])
        if other:
            errors.update(_duplicate_error(other))
    if errors:
        raise ValidationError(errors)
    household = Household(
        region=values["region"],
        categories=values["categories"],
        check_for=values["check_for"],
        people=values["people"],
        fingerprint=fp,
        created_by=user,
    )
    household.set_personal(values["personal"])
    household.save()
    return household


@transaction.atomic
def update_household(*, user, household: Household, data: dict[str, Any]) -> Household:
    """Change the fields present in ``data`` (the others keep their values)."""
    _require(user, household.region)
    current = {
        "region": household.region,
        "categories": household.categories,
        "check_for": household.check_for,
        "people": household.people,
        **household.personal(),
    }
    merged = {**current, **{k: v for k, v in data.items() if v is not None}}
    errors: dict = {}
    values = clean_household(merged, user=user, errors=errors)
    if not errors:
        fp, other = duplicate_of(values["region"], values["personal"], exclude=household.pk)
        if other:
            errors.update(_duplicate_error(other))
    if errors:
        raise ValidationError(errors)
    household.region = values["region"]
    household.categories = values["categories"]
    household.check_for = values["check_for"]
    household.people = values["people"]
    household.fingerprint = fp
    household.set_personal(values["personal"])
    household.save()
    return household


@transaction.atomic
def deactivate_household(*, user, household: Household) -> Household:
    """No longer checked (moved away, needs ended); kept for the record and its checks."""
    _require(user, household.region)
    if household.active:
        household.active = False
        household.save(update_fields=["active", "updated_at"])
    return household


def viewings(household: Household, *, user, limit: int = 200):
    if not may_see_viewings(user, household):
        raise PermissionDenied(_("Only civil-affairs officers and township supervisors see this."))
    return household.viewings.select_related("viewer")[:limit]
