from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.choices import RegionLevel
from anlan.core.downloads import xlsx_response
from anlan.core.forms import add_service_errors
from anlan.core.history import entries_for
from anlan.core.models import Region
from anlan.core.permissions import can_edit_enterprise, can_edit_registry

from . import excel, risks, services
from .choices import (
    EnterpriseIndustry,
    EnterpriseRiskFlag,
    EnterpriseStatus,
)
from .filters import EnterpriseFilter
from .forms import EnterpriseForm, HazardSourceForm, ImportForm, PersonForm
from .models import Enterprise, HazardSource, ResponsiblePerson, RiskPoint

TABS = ("overview", "persons", "hazard_sources", "risk_points", "history")


def _visible(request):
    return Enterprise.objects.visible_to(request.user).select_related("region")


def _get_enterprise(request, pk) -> Enterprise:
    return get_object_or_404(_visible(request), pk=pk)


@login_required
def enterprise_list(request):
    flt = EnterpriseFilter.from_params(request.GET)
    qs = flt.apply(_visible(request).prefetch_related("risk_flags"))
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    regions = (
        Region.objects.visible_to(request.user)
        .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        .order_by("code")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": flt,
        "query": query.urlencode(),
        "regions": regions,
        "industries": EnterpriseIndustry.choices,
        "flags": EnterpriseRiskFlag.choices,
        "statuses": EnterpriseStatus.choices,
        "can_add": can_edit_registry(request.user),
        "export_columns": excel.COLUMNS,
    }
    template = (
        "registry/_enterprise_table.html"
        if request.headers.get("HX-Request") == "true"
        else "registry/enterprise_list.html"
    )
    return render(request, template, context)


@login_required
def enterprise_detail(request, pk, tab="overview"):
    if tab not in TABS:
        raise Http404
    enterprise = _get_enterprise(request, pk)
    context = {
        "enterprise": enterprise,
        "tab": tab,
        "can_edit": can_edit_enterprise(request.user, enterprise),
        "persons": enterprise.responsible_persons.all(),
        "hazard_sources": enterprise.hazard_sources.select_related(
            "principal", "technical_lead", "operations_lead"
        ),
    }
    context["risk"] = risks.summary_of(enterprise)
    if tab == "risk_points":
        context["risk_points"] = enterprise.risk_points.prefetch_related("measures__person")
    if tab == "history":
        entries = entries_for(enterprise.history.select_related("history_user"), model=Enterprise)
        entries += _related_history(enterprise)
        entries.sort(key=lambda e: e.when, reverse=True)
        context["entries"] = entries
    return render(request, "registry/enterprise_detail.html", context)


def _related_history(enterprise) -> list:
    """History of the persons and hazard sources of an enterprise, including deleted ones."""
    out = []
    for model in (ResponsiblePerson, HazardSource, RiskPoint):
        records = model.history.filter(enterprise_id=enterprise.pk).select_related("history_user")
        by_object: dict[int, list] = {}
        for record in records.order_by("-history_date"):
            by_object.setdefault(record.id, []).append(record)
        for object_records in by_object.values():
            subject = f"{model._meta.verbose_name}：{object_records[0].name}"
            out += entries_for(object_records, model=model, subject=subject)
    return out


def _save_form_with_service(form, save):
    """Run a service; put its validation errors on the form's fields. Returns the result or None."""
    try:
        return save()
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


@login_required
def enterprise_edit(request, pk=None):
    enterprise = _get_enterprise(request, pk) if pk else None
    if enterprise is None and not can_edit_registry(request.user):
        raise PermissionDenied
    if enterprise is not None and not can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "risk_flags"}
        saved = _save_form_with_service(
            form,
            lambda: services.save_enterprise(
                user=request.user,
                data=data,
                enterprise=enterprise,
                risk_flags=form.cleaned_data["risk_flags"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("registry:detail", pk=saved.pk)
    return render(
        request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


@login_required
def person_edit(request, pk, person_pk=None):
    enterprise = _get_enterprise(request, pk)
    if not can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    person = get_object_or_404(enterprise.responsible_persons, pk=person_pk) if person_pk else None
    form = PersonForm(
        request.POST or None, instance=person or ResponsiblePerson(enterprise=enterprise)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form_with_service(
            form,
            lambda: services.save_person(
                user=request.user, enterprise=enterprise, data=form.cleaned_data, person=person
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("registry:detail_tab", pk=enterprise.pk, tab="persons")
    return render(
        request,
        "registry/subform.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": _("Responsible person"),
            "tab": "persons",
        },
    )


@login_required
@require_POST
def person_delete(request, pk, person_pk):
    enterprise = _get_enterprise(request, pk)
    person = get_object_or_404(enterprise.responsible_persons, pk=person_pk)
    try:
        services.delete_person(user=request.user, person=person)
        messages.success(request, _("Removed %(name)s.") % {"name": person.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:detail_tab", pk=enterprise.pk, tab="persons")


@login_required
def hazard_source_edit(request, pk, source_pk=None):
    enterprise = _get_enterprise(request, pk)
    if not can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    source = get_object_or_404(enterprise.hazard_sources, pk=source_pk) if source_pk else None
    form = HazardSourceForm(
        request.POST or None,
        instance=source or HazardSource(enterprise=enterprise),
        enterprise=enterprise,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form_with_service(
            form,
            lambda: services.save_hazard_source(
                user=request.user, enterprise=enterprise, data=form.cleaned_data, source=source
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("registry:detail_tab", pk=enterprise.pk, tab="hazard_sources")
    return render(
        request,
        "registry/subform.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": _("Major hazard source"),
            "tab": "hazard_sources",
        },
    )


@login_required
def enterprise_export(request):
    flt = EnterpriseFilter.from_params(request.GET)
    try:
        columns = excel.parse_columns(request.GET.getlist("columns"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:list")
    content = excel.export_enterprises(flt.apply(_visible(request)), columns=columns)
    return xlsx_response(content, "enterprises")


@login_required
def import_template(request):
    if not can_edit_registry(request.user):
        raise PermissionDenied
    return xlsx_response(excel.ledger_template(user=request.user), "enterprise-ledger-template")


@login_required
def enterprise_import(request):
    if not can_edit_registry(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.ANLAN_MAX_UPLOAD_BYTES:
                raise excel.LedgerFileError(
                    _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
                    % {"size": upload.size / 1e6, "limit": settings.ANLAN_MAX_UPLOAD_BYTES / 1e6}
                )
            report = excel.import_enterprises(
                upload.read(), user=request.user, partial=form.cleaned_data["partial"]
            )
        except excel.LedgerFileError as exc:
            form.add_error("file", str(exc))
        if report is not None and report.saved and not report.errors:
            messages.success(
                request,
                _(
                    "Imported %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged."
                )
                % report.as_dict(),
            )
    return render(request, "registry/enterprise_import.html", {"form": form, "report": report})
