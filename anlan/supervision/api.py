"""Supervision API: 包保 duty checks (list, complete) and the strict-supervision list (by day,
an enterprise's history). Everything is scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from anlan.registry.models import Enterprise

from . import services, strict
from .choices import CheckStatus, GuaranteeRole
from .models import GuaranteeCheck, StrictListEntry, local_today

router = Router(tags=["supervision"])


class CheckOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    hazard_source_id: int
    hazard_source: str
    role: str
    person_name: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    status: str
    completed_at: dt.datetime | None
    result: str
    findings: str
    hazard_id: int | None

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj.hazard_source.enterprise_id

    @staticmethod
    def resolve_enterprise(obj):
        return obj.hazard_source.enterprise.name

    @staticmethod
    def resolve_hazard_source(obj):
        return obj.hazard_source.name


class CompleteIn(Schema):
    result: str
    findings: str = ""
    open_hazard: bool = False


class ReasonOut(Schema):
    code: str
    text: str
    evidence: dict
    link: str = ""


class EntryOut(Schema):
    date: dt.date
    enterprise_id: int
    enterprise: str
    region: str
    reasons: list[ReasonOut]
    computed_at: dt.datetime

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj):
        return obj.enterprise.region.code


def _choice(value: str | None, allowed, field: str) -> str | None:
    if value and value not in allowed:
        raise ValidationError(
            {
                field: _("Unknown value “%(value)s”; use one of %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)}
            }
        )
    return value or None


@router.get("/checks", response=list[CheckOut], summary="包保 duty checks in your scope")
def list_checks(
    request,
    status: str | None = None,
    role: str | None = None,
    enterprise: int | None = None,
    on: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
):
    """``status``: due, missed, done, late; ``role``: principal, technical, operations; ``on``: a
    date inside the check's period."""
    status = _choice(status, CheckStatus.values, "status")
    role = _choice(role, GuaranteeRole.values, "role")
    qs = GuaranteeCheck.objects.visible_to(request.user).select_related("hazard_source__enterprise")
    if status:
        qs = qs.with_status(status)
    if role:
        qs = qs.filter(role=role)
    if enterprise:
        qs = qs.filter(hazard_source__enterprise_id=enterprise)
    if on:
        qs = qs.filter(period_start__lte=on, period_end__gte=on)
    offset = max(offset, 0)
    return qs.order_by("period_end", "pk")[offset : offset + min(max(limit, 1), 1000)]


@router.get("/checks/{check_id}", response=CheckOut)
def get_check(request, check_id: int):
    return get_object_or_404(
        GuaranteeCheck.objects.visible_to(request.user).select_related("hazard_source__enterprise"),
        pk=check_id,
    )


@router.post("/checks/{check_id}/complete", response=CheckOut, summary="Record a check as done")
def complete_check(request, check_id: int, payload: CompleteIn):
    check = get_object_or_404(
        GuaranteeCheck.objects.visible_to(request.user).select_related("hazard_source__enterprise"),
        pk=check_id,
    )
    return services.complete_check(
        check=check,
        user=request.user,
        result=payload.result,
        findings=payload.findings,
        open_hazard=payload.open_hazard,
    )


@router.get("/strict-list", response=list[EntryOut], summary="The strict-supervision list of a day")
def strict_list(request, date: dt.date | None = None):
    """``date``: a local date (default today); reason codes: alarms, offline, duties (and any
    added by other apps)."""
    day = date or local_today()
    return (
        StrictListEntry.objects.visible_to(request.user)
        .filter(date=day)
        .select_related("enterprise__region")
        .order_by("enterprise__region__code", "enterprise__name")
    )


@router.get("/strict-list/reasons", summary="Reason codes and their names")
def strict_reasons(request):
    return [{"code": code, "label": label} for code, label in strict.labels().items()]


@router.get(
    "/strict-list/enterprises/{enterprise_id}",
    response=list[EntryOut],
    summary="The days an enterprise was on the list",
)
def strict_history(request, enterprise_id: int, days: int = 90):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    since = local_today() - dt.timedelta(days=min(max(days, 1), 3660) - 1)
    return (
        StrictListEntry.objects.visible_to(request.user)
        .filter(enterprise=enterprise, date__gte=since)
        .select_related("enterprise__region")
        .order_by("-date")
    )
