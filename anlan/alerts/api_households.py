"""Households and welfare checks API, mounted at /api/warnings (see anlan/api.py).

Only village grid members, township supervisors and civil-affairs officers get any household or
check (everyone else: empty lists and 404s). Every answer carrying personal data records a
viewing per household. 422 names the field; nothing is saved on error."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anlan.core.api import MAX_ID
from anlan.core.pagination import MAX_LIMIT, MAX_OFFSET
from anlan.hazards.choices import HazardCategory

from . import households as services
from . import welfare
from .choices import CheckOutcome
from .models.households import Household, WelfareCheck

router = Router(tags=["warnings"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- schemas


class HouseholdIn(Schema):
    region: str = Field(..., max_length=12, description="12-digit village code")
    categories: list[str] = Field(..., max_length=10)
    check_for: list[str] = Field(..., max_length=3, description="cold, flood, heat")
    people: int = Field(1, ge=1, le=services.MAX_PEOPLE)
    head_name: str = Field(..., max_length=50)
    address: str = Field(..., max_length=200)
    contact_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    needs: str = Field("", max_length=1000)


class HouseholdPatch(Schema):
    region: str | None = Field(None, max_length=12)
    categories: list[str] | None = Field(None, max_length=10)
    check_for: list[str] | None = Field(None, max_length=3)
    people: int | None = Field(None, ge=1, le=services.MAX_PEOPLE)
    head_name: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    needs: str | None = Field(None, max_length=1000)
    active: bool | None = Field(None, description="false: no longer checked")


class HouseholdOut(Schema):
    id: int
    code: str
    village_code: str
    village: str
    categories: list[str]
    check_for: list[str]
    people: int
    active: bool
    head_name: str
    address: str
    contact_name: str
    phone: str
    needs: str


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


class HouseholdFilter(Schema):
    village: str = Field("", max_length=12)
    category: str = Field("", max_length=30)
    check_for: str = Field("", max_length=10)
    q: str = Field("", max_length=20, description="household code, e.g. HH000012")
    inactive: bool = False
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ViewingOut(Schema):
    at: dt.datetime
    viewer: str
    where: str
    client_address: str


class CheckFilter(Schema):
    warning: Id | None = None
    outcome: str = Field("", max_length=12)


class HouseholdCheckOut(Schema):
    id: int
    warning_id: int
    warning: str
    household_id: int
    household_code: str
    village_code: str
    village: str
    due: dt.datetime
    outcome: str
    note: str
    checked_at: dt.datetime | None
    checked_by: str
    head_name: str
    address: str
    phone: str
    needs: str


class RecordIn(Schema):
    outcome: str = Field(..., max_length=12)
    note: str = Field("", max_length=2000)
    at: dt.datetime | None = None


class HouseholdHazardIn(Schema):
    description: str = Field(..., max_length=5000)
    category: str = Field("other", max_length=24)


class HouseholdHazardOut(Schema):
    id: int
    code: str
    status: str


# ---------------------------------------------------------------- helpers


def _out(household: Household, personal: dict) -> dict:
    return {
        "id": household.pk,
        "code": household.code,
        "village_code": household.region.code,
        "village": household.region.name,
        "categories": household.categories,
        "check_for": household.check_for,
        "people": household.people,
        "active": household.active,
        **{k: personal.get(k, "") for k in ("head_name", "address", "contact_name", "phone")},
        "needs": personal.get("needs", ""),
    }


def _household(request, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(request.user).select_related("region"), pk=pk
    )


def _shown(request, household: Household, where: str) -> dict:
    personal = services.reveal(
        household, user=request.user, where=where, address=services.client_address(request)
    )
    return _out(household, personal)


def _check_out(check: WelfareCheck, personal: dict) -> dict:
    return {
        "id": check.pk,
        "warning_id": check.thread_id,
        "warning": str(check.thread),
        "household_id": check.household_id,
        "household_code": check.household.code,
        "village_code": check.region.code,
        "village": check.region.name,
        "due": check.due,
        "outcome": check.outcome,
        "note": check.note,
        "checked_at": check.checked_at,
        "checked_by": str(check.checked_by) if check.checked_by_id else "",
        **{k: personal.get(k, "") for k in ("head_name", "address", "phone", "needs")},
    }


def _check(request, pk: int) -> WelfareCheck:
    return get_object_or_404(
        WelfareCheck.objects.visible_to(request.user).select_related(
            "thread", "household__region", "region", "checked_by"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- households


@router.get("/households", response=HouseholdPage, summary="Vulnerable households I keep")
def list_households(request, filters: Query[HouseholdFilter]):
    queryset = Household.objects.visible_to(request.user).select_related("region")
    if not filters.inactive:
        queryset = queryset.filter(active=True)
    queryset = services.filter_households(
        queryset,
        village=filters.village,
        category=filters.category,
        check_for=filters.check_for,
        q=filters.q,
    )
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    rows = services.reveal_many(
        page, user=request.user, where="api:list", address=services.client_address(request)
    )
    return {"count": queryset.count(), "items": [_out(h, p) for h, p in rows]}


@router.post("/households", response={201: HouseholdOut}, summary="Register a household")
def create_household(request, payload: HouseholdIn):
    household = services.create_household(user=request.user, data=payload.dict())
    return Status(201, _shown(request, household, "api:create"))


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request, household_id: Id):
    return _shown(request, _household(request, household_id), "api:detail")


@router.patch("/households/{household_id}", response=HouseholdOut)
def patch_household(request, household_id: Id, payload: HouseholdPatch):
    household = _household(request, household_id)
    data = payload.dict(exclude_unset=True)
    active = data.pop("active", None)
    if data:
        household = services.update_household(user=request.user, household=household, data=data)
    if active is False:
        household = services.deactivate_household(user=request.user, household=household)
    elif active is True and not household.active:
        raise PermissionDenied(_("Register the household again instead of reactivating it."))
    return _shown(request, household, "api:update")


@router.get("/households/{household_id}/viewings", response=list[ViewingOut])
def household_viewings(request, household_id: Id):
    household = _household(request, household_id)
    return [
        {"at": v.at, "viewer": str(v.viewer), "where": v.where, "client_address": v.client_address}
        for v in services.viewings(household, user=request.user)
    ]


# ---------------------------------------------------------------- welfare checks


@router.get("/welfare-checks", response=list[HouseholdCheckOut], summary="My welfare checks")
def list_checks(request, filters: Query[CheckFilter]):
    checks = WelfareCheck.objects.visible_to(request.user).select_related(
        "thread", "household__region", "region", "checked_by"
    )
    if filters.warning:
        checks = checks.filter(thread_id=filters.warning)
    if filters.outcome:
        if filters.outcome not in CheckOutcome.values:
            raise ValidationError(
                {
                    "outcome": _("Choose one of: %(values)s.")
                    % {"values": ", ".join(CheckOutcome.values)}
                }
            )
        checks = checks.filter(outcome=filters.outcome)
    checks = list(checks.order_by("thread_id", "due", "region__code", "household_id")[:1000])
    households = list({c.household_id: c.household for c in checks}.values())
    personal = {
        h.pk: p
        for h, p in services.reveal_many(
            households,
            user=request.user,
            where="api:checks",
            address=services.client_address(request),
        )
    }
    return [_check_out(c, personal.get(c.household_id, {})) for c in checks]


@router.post(
    "/welfare-checks/{check_id}", response=HouseholdCheckOut, summary="Record a check's outcome"
)
def record_check(request, check_id: Id, payload: RecordIn):
    check = _check(request, check_id)
    welfare.record_check(
        user=request.user, check=check, outcome=payload.outcome, note=payload.note, at=payload.at
    )
    check.checked_by = request.user
    personal = services.reveal(
        check.household,
        user=request.user,
        where="api:check",
        address=services.client_address(request),
    )
    return _check_out(check, personal)


@router.post(
    "/welfare-checks/{check_id}/hazard",
    response={201: HouseholdHazardOut},
    summary="Report a hazard found on a welfare visit",
)
def check_hazard(request, check_id: Id, payload: HouseholdHazardIn):
    check = _check(request, check_id)
    if payload.category not in HazardCategory.values:
        raise ValidationError(
            {
                "category": _("Choose one of: %(values)s.")
                % {"values": ", ".join(HazardCategory.values)}
            }
        )
    hazard = welfare.report_check_hazard(
        user=request.user, check=check, description=payload.description, category=payload.category
    )
    return Status(201, {"id": hazard.pk, "code": hazard.code, "status": hazard.status})
