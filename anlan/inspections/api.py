"""The determination standards over the API (signed-in users): the standards and their
clauses, the clauses that apply to an enterprise in the user's scope, and a determination."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag
from anlan.registry.models import Enterprise

from . import engine
from .choices import ClauseGroup
from .models import Clause, Standard

standards_router = Router(tags=["standards"])


class StandardOut(Schema):
    key: str
    title: str
    document_number: str
    issuer: str
    effective_from: datetime.date
    repealed_on: datetime.date | None
    replaced_by: str | None
    verified: bool
    in_force: bool
    clauses: int
    unverified_clauses: int
    source: str


class ClauseRef(Schema):
    id: str
    citation: str


class ClauseOut(Schema):
    id: str
    standard: str
    citation: str
    heading: str
    article: int
    item: int
    sub_item: int | None
    group: ClauseGroup
    topic: str
    condition: str
    industries: list[str]
    risk_flags: list[str]
    verified: bool


class ClauseDetailOut(ClauseOut):
    standard_title: str
    document_number: str
    standard_verified: bool
    in_force: bool
    maps_to: list[ClauseRef]
    mapped_from: list[ClauseRef]


class ClauseFilterIn(Schema):
    industry: EnterpriseIndustry | None = None
    flag: EnterpriseRiskFlag | None = None
    group: ClauseGroup | None = None
    verified: bool | None = None


class ApplicableOut(Schema):
    enterprise: int
    industry: str
    risk_flags: list[str]
    on: datetime.date
    clauses: list[ClauseOut]


class DetermineIn(Schema):
    clauses: list[str] = Field(..., description="Ids of the clauses the failed items cite")
    on: datetime.date | None = Field(None, description="Date of the finding (default today)")


class DeterminationOut(Schema):
    level: str
    clauses: list[ClauseRef]
    text: str
    notes: list[str]


def clause_out(c: Clause) -> dict:
    return {
        "id": c.pk,
        "standard": c.standard.key,
        "citation": c.citation,
        "heading": c.heading,
        "article": c.article,
        "item": c.item,
        "sub_item": c.sub_item,
        "group": c.group,
        "topic": c.topic,
        "condition": c.condition,
        "industries": c.industries,
        "risk_flags": c.risk_flags,
        "verified": c.verified,
    }


@standards_router.get("/", response=list[StandardOut])
def list_standards(request):
    in_force = set(Standard.objects.in_force().values_list("pk", flat=True))
    return [
        {
            "key": s.key,
            "title": s.title,
            "document_number": s.document_number,
            "issuer": s.issuer,
            "effective_from": s.effective_from,
            "repealed_on": s.repealed_on,
            "replaced_by": s.replaced_by.key if s.replaced_by_id else None,
            "verified": s.verified,
            "in_force": s.pk in in_force,
            "clauses": s.clauses.count(),
            "unverified_clauses": s.clauses.filter(verified=False).count(),
            "source": s.source,
        }
        for s in Standard.objects.select_related("replaced_by")
    ]


@standards_router.get("/applicable", response=ApplicableOut)
def applicable(request, enterprise: int, on: datetime.date | None = None):
    """The clauses in force that apply to an enterprise the user may see (404 otherwise)."""
    obj = get_object_or_404(
        Enterprise.objects.visible_to(request.user).prefetch_related("risk_flags"), pk=enterprise
    )
    day = on or timezone.localdate()
    return {
        "enterprise": obj.pk,
        "industry": obj.industry,
        "risk_flags": sorted(f.code for f in obj.risk_flags.all()),
        "on": day,
        "clauses": [clause_out(c) for c in engine.applicable_to(obj, on=day)],
    }


@standards_router.post("/determine", response=DeterminationOut)
def determine(request, payload: DetermineIn):
    """重大 with the clauses cited, or 一般; an unknown clause id answers 422 naming it."""
    result = engine.determine(payload.clauses, on=payload.on)
    return {
        "level": result.level,
        "clauses": [{"id": c.pk, "citation": c.citation} for c in result.clauses],
        "text": result.text,
        "notes": list(result.notes),
    }


@standards_router.get("/clauses/{clause_id}", response=ClauseDetailOut)
def clause_detail(request, clause_id: str):
    get_object_or_404(Clause, pk=clause_id)
    return engine.show(clause_id)


@standards_router.get("/{key}/clauses", response=list[ClauseOut])
def list_clauses(request, key: str, filters: Query[ClauseFilterIn]):
    standard = get_object_or_404(Standard, key=key)
    clauses = standard.clauses.select_related("standard").order_by("order")
    if filters.group:
        clauses = clauses.filter(group=filters.group)
    if filters.verified is not None:
        clauses = clauses.filter(verified=filters.verified)
    result = list(clauses)
    if filters.industry:
        result = [c for c in result if not c.industries or filters.industry in c.industries]
    if filters.flag:
        result = [c for c in result if filters.flag in c.risk_flags]
    return [clause_out(c) for c in result]
