"""Bulletin pages: the list (filters, generate form, Excel), a bulletin (HTML rendering with
ECharts, commentary per section while draft, refresh, publish, PDF and Word downloads) and the
subscription toggle. Scoped by ``bulletins.visible``: 404 outside it, 403 for actions the user
may not take."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response
from anlan.core.excel import Column, simple_workbook
from anlan.core.models import Region

from . import bulletins as services
from . import render as rendering
from .choices import BulletinKind, BulletinState
from .forms_bulletins import CommentaryForm, GenerateForm

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request):
    qs = services.visible(request.user).select_related("region")
    region = None
    code = request.GET.get("region", "")
    if code:
        region = Region.objects.visible_to(request.user).filter(code=code).first()
    return services.filter_list(
        qs,
        kind=request.GET.get("kind", ""),
        state=request.GET.get("state", ""),
        region=region,
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_list(request):
    may_generate = services.may_generate(request.user)
    form = GenerateForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if not may_generate:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = services.generate(
                    kind=data["kind"],
                    region=data["region_obj"],
                    start=data["start"],
                    end=data["end"],
                    user=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Bulletin generated."))
                return redirect("reports:bulletin", pk=bulletin.pk)
    page = Paginator(_filtered(request), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/bulletins/list.html",
        {
            "page": page,
            "form": form,
            "may_generate": may_generate,
            "kinds": BulletinKind.choices,
            "states": BulletinState.choices,
            "regions": Region.objects.visible_to(request.user)
            .exclude(level="village")
            .order_by("code")[:300],
            "f": request.GET,
            "query": request.GET.urlencode(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def bulletin_export(request):
    columns = [
        Column("title", _("title"), 40),
        Column("kind", _("kind"), 14),
        Column("region", _("region"), 14),
        Column("start", _("period start"), 12),
        Column("end", _("period end"), 12),
        Column("state", _("state"), 10),
        Column("found", _("Hazards found"), 10),
        Column("rate", _("Rectification rate"), 10),
        Column("people", _("Training person-times"), 12),
    ]
    rows = (
        [
            b.title,
            b.get_kind_display(),
            b.region.name,
            b.period_start,
            b.period_end,
            b.get_state_display(),
            (b.figures or {}).get("hazards", {}).get("found"),
            (b.figures or {}).get("hazards", {}).get("rate"),
            (b.figures or {}).get("trainings", {}).get("participants"),
        ]
        for b in _filtered(request)[:5000]
    )
    return xlsx_response(simple_workbook(_("Bulletins"), columns, rows), "bulletins")


def _bulletin(request, pk):
    return get_object_or_404(services.visible(request.user).select_related("region"), pk=pk)


def _detail_context(request, bulletin):
    doc = rendering.document(bulletin)
    may_manage = services.may_manage(request.user, bulletin.region)
    charts = [c.echarts() for s in doc["sections"] for c in s.charts]
    return doc | {
        "for_print": False,
        "may_edit": may_manage and bulletin.state == BulletinState.DRAFT,
        "may_manage": may_manage,
        "charts": charts,
        "subscribed": services.is_subscribed(request.user, bulletin.kind, bulletin.region),
    }


@login_required
def bulletin_detail(request, pk: int):
    bulletin = _bulletin(request, pk)
    return render(request, "reports/bulletins/detail.html", _detail_context(request, bulletin))


@login_required
@require_POST
def bulletin_commentary(request, pk: int):
    bulletin = _bulletin(request, pk)
    if not services.may_manage(request.user, bulletin.region):
        raise PermissionDenied
    form = CommentaryForm(request.POST)
    error = ""
    section = request.POST.get("section", "")
    if form.is_valid():
        section = form.cleaned_data["section"]
        try:
            services.set_commentary(
                bulletin=bulletin,
                section=section,
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
    else:
        error = " ".join(m for ms in form.errors.values() for m in ms)
    ctx = _detail_context(request, bulletin)
    match = next((s for s in ctx["sections"] if s.key == section), None)
    if match is None:
        return HttpResponse(error or _("Unknown section."), status=400)
    if error:
        match.commentary = request.POST.get("text", "")
    status = 400 if error else 200
    if request.headers.get("HX-Request"):
        return render(
            request,
            "reports/bulletins/_commentary.html",
            ctx | {"section": match, "error": error, "saved": not error},
            status=status,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Commentary saved."))
    return redirect("reports:bulletin", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_action(request, pk: int, action: str):
    bulletin = _bulletin(request, pk)
    if action not in ("refresh", "publish"):
        return HttpResponse(status=404)
    if not services.may_manage(request.user, bulletin.region):
        raise PermissionDenied
    try:
        if action == "refresh":
            services.refresh(bulletin=bulletin, user=request.user)
            messages.success(request, _("Figures refreshed from the records."))
        else:
            services.publish(bulletin=bulletin, user=request.user)
            messages.success(request, _("Bulletin published and sent to its subscribers."))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    return redirect("reports:bulletin", pk=bulletin.pk)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def bulletin_pdf(request, pk: int):
    bulletin = _bulletin(request, pk)
    stem = services.file_stem(bulletin)
    if bulletin.pdf:
        return FileResponse(
            bulletin.pdf.open("rb"),
            as_attachment=True,
            filename=f"{stem}.pdf",
            content_type=PDF_TYPE,
        )
    return _download(rendering.pdf_bytes(bulletin), f"{stem}-draft.pdf", PDF_TYPE)


@login_required
def bulletin_docx(request, pk: int):
    bulletin = _bulletin(request, pk)
    stem = services.file_stem(bulletin)
    if bulletin.docx:
        return FileResponse(
            bulletin.docx.open("rb"),
            as_attachment=True,
            filename=f"{stem}.docx",
            content_type=DOCX_TYPE,
        )
    return _download(rendering.docx_bytes(bulletin), f"{stem}-draft.docx", DOCX_TYPE)


@login_required
@require_POST
def bulletin_subscription(request, pk: int):
    bulletin = _bulletin(request, pk)
    if services.is_subscribed(request.user, bulletin.kind, bulletin.region):
        services.unsubscribe(user=request.user, kind=bulletin.kind, region=bulletin.region)
        messages.success(request, _("You will no longer receive these bulletins."))
    else:
        try:
            services.subscribe(user=request.user, kind=bulletin.kind, region=bulletin.region)
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, _("You will receive these bulletins when published."))
    return redirect("reports:bulletin", pk=bulletin.pk)
