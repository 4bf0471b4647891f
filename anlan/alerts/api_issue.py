"""Issuing API, mounted at /api/warnings (see anlan/api.py): drafts, the workflow (submit, send
back, sign off and publish), Update and Cancel drafts of a published warning, and any warning
the user sees as CAP 1.2 XML or JSON (drafts too, for issuers to preview). Scoped by
``visible_to`` (404 outside it); 403 for a step the user may not take; 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from anlan.core.api import MAX_ID

from . import cap, issuing
from .choices import Origin, Stage
from .models import Alert

router = Router(tags=["warnings"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, Field(max_length=10000)]


class DraftIn(Schema):
    signal_type: str = Field(..., description="cold_wave, rainstorm, … or safety")
    colour: str = Field("", description="blue, yellow, orange or red (a safety reminder: blue)")
    status: str = Field("Actual", description="Actual, Exercise or Test")
    region: str | None = Field(None, max_length=12, description="Issuing region code (yours)")
    category: str = ""
    urgency: str = ""
    certainty: str = ""
    severity: str = Field("", description="Default: from the colour")
    effective: dt.datetime | None = None
    onset: dt.datetime | None = None
    expires: dt.datetime
    headline: str = Field("", max_length=300)
    description: Text = ""
    instruction: Text = ""
    regions: list[Annotated[str, Field(max_length=12)]] = Field(
        default_factory=list, max_length=500, description="Region codes the warning covers"
    )
    polygon: str = Field("", max_length=20000, description="lat,lon lat,lon … (closed)")
    circle: str = Field("", max_length=2000, description="lat,lon radius_km")
    area_desc: str = Field("", max_length=1000)
    headline_en: str = Field("", max_length=300)
    description_en: Text = ""
    instruction_en: Text = ""


class DraftPatch(Schema):
    signal_type: str | None = None
    colour: str | None = None
    status: str | None = None
    region: str | None = Field(None, max_length=12)
    category: str | None = None
    urgency: str | None = None
    certainty: str | None = None
    severity: str | None = None
    effective: dt.datetime | None = None
    onset: dt.datetime | None = None
    expires: dt.datetime | None = None
    headline: str | None = Field(None, max_length=300)
    description: Text | None = None
    instruction: Text | None = None
    regions: list[Annotated[str, Field(max_length=12)]] | None = Field(None, max_length=500)
    polygon: str | None = Field(None, max_length=20000)
    circle: str | None = Field(None, max_length=2000)
    area_desc: str | None = Field(None, max_length=1000)
    headline_en: str | None = Field(None, max_length=300)
    description_en: Text | None = None
    instruction_en: Text | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class IssuedOut(Schema):
    id: int
    identifier: str
    sender: str
    sent: dt.datetime
    stage: str
    status: str
    msg_type: str
    scope: str
    signal_type: str
    colour: str
    event: str
    headline: str
    area_desc: str
    effective: dt.datetime
    onset: dt.datetime | None
    expires: dt.datetime
    region: str | None
    regions: list[str]
    references: str
    replaces_id: int | None
    is_latest: bool
    cancelled_at: dt.datetime | None
    drafted_by: str | None
    published_by: str | None
    published_at: dt.datetime | None
    review_note: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_regions(obj):
        return [r.code for r in obj.regions.all()]

    @staticmethod
    def resolve_drafted_by(obj):
        return obj.drafted_by.username if obj.drafted_by_id else None

    @staticmethod
    def resolve_published_by(obj):
        return obj.published_by.username if obj.published_by_id else None


def _alert(request, alert_id: int) -> Alert:
    return get_object_or_404(Alert.objects.visible_to(request.user), pk=alert_id)


def _data(payload, **kwargs) -> dict:
    data = payload.dict(**kwargs)
    return {
        k: ("" if v is None and k not in ("effective", "onset") else v) for k, v in data.items()
    }


@router.get("/drafts", response=list[IssuedOut], summary="Drafts and warnings awaiting sign-off")
def list_drafts(request):
    return (
        Alert.objects.visible_to(request.user)
        .filter(origin=Origin.ISSUED, stage__in=(Stage.DRAFT, Stage.REVIEW))
        .select_related("region", "drafted_by", "published_by")
        .prefetch_related("regions")
        .order_by("-updated_at")
    )


@router.post("/drafts", response={201: IssuedOut}, summary="Draft a warning or safety reminder")
def create_draft(request, payload: DraftIn):
    data = _data(payload)
    data["region"] = data["region"] or None
    return Status(201, issuing.create_draft(user=request.user, data=data))


@router.get("/drafts/{int:alert_id}", response=IssuedOut, summary="One draft or warning")
def get_draft(request, alert_id: Id):
    return _alert(request, alert_id)


@router.patch("/drafts/{int:alert_id}", response=IssuedOut, summary="Change a draft")
def patch_draft(request, alert_id: Id, payload: DraftPatch):
    alert = _alert(request, alert_id)
    data = _data(payload, exclude_unset=True)
    if data.get("expires") == "":
        data["expires"] = None
    return issuing.update_draft(user=request.user, alert=alert, data=data)


@router.post("/drafts/{int:alert_id}/submit", response=IssuedOut, summary="Submit for sign-off")
def submit(request, alert_id: Id):
    return issuing.submit(user=request.user, alert=_alert(request, alert_id))


@router.post(
    "/drafts/{int:alert_id}/send-back", response=IssuedOut, summary="Send back with a note"
)
def send_back(request, alert_id: Id, payload: NoteIn):
    alert = _alert(request, alert_id)
    return issuing.send_back(user=request.user, alert=alert, note=payload.note)


@router.post(
    "/drafts/{int:alert_id}/publish",
    response=IssuedOut,
    summary="Sign off and publish (by an issuer other than the drafter)",
)
def publish(request, alert_id: Id, payload: NoteIn | None = None):
    alert = _alert(request, alert_id)
    note = payload.note if payload else ""
    return issuing.publish(user=request.user, alert=alert, note=note)


@router.post(
    "/{int:alert_id}/update",
    response={201: IssuedOut},
    summary="Draft an Update of a published warning (the latest of its thread)",
)
def draft_update(request, alert_id: Id):
    return Status(201, issuing.draft_update(user=request.user, of=_alert(request, alert_id)))


@router.post(
    "/{int:alert_id}/cancel",
    response={201: IssuedOut},
    summary="Draft a Cancel of a published warning, with the reason",
)
def draft_cancel(request, alert_id: Id, payload: NoteIn):
    alert = _alert(request, alert_id)
    return Status(201, issuing.draft_cancel(user=request.user, of=alert, note=payload.note))


@router.get("/{int:alert_id}/cap.xml", summary="The message as CAP 1.2 XML")
def cap_xml(request, alert_id: Id):
    alert = _alert(request, alert_id)
    return HttpResponse(cap.document(alert), content_type="application/xml; charset=utf-8")


@router.get("/{int:alert_id}/cap.json", summary="The message as CAP 1.2 JSON")
def cap_json(request, alert_id: Id):
    alert = _alert(request, alert_id)
    return JsonResponse(cap.as_json(alert), json_dumps_params={"ensure_ascii": False})
