"""Pages for checklists, inspections (filled on a phone on site), the coverage report of the
three-level network, and inspection plans with their tasks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.choices import ENTERPRISE_ROLES
from anlan.core.downloads import xlsx_response
from anlan.core.models import Region
from anlan.core.uploads import check_upload
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag
from anlan.registry.models import Enterprise

from . import coverage as cov
from . import services
from .excel import export_coverage
from .models import (
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectionTask,
    InspectionType,
    ItemResult,
    PlanFrequency,
)


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("You may not make this change."))


def _enterprise(request, pk) -> Enterprise | None:
    if not str(pk or "").isdigit():
        return None
    return Enterprise.objects.visible_to(request.user).filter(pk=pk).first()


# ---------------------------------------------------------------- inspections


@login_required
def inspection_list(request):
    qs = Inspection.objects.visible_to(request.user).select_related(
        "enterprise", "checklist__template"
    )
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in InspectionType.values:
        qs = qs.filter(kind=kind)
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": InspectionType.choices,
            "statuses": InspectionStatus.choices,
            "tasks": InspectionTask.objects.visible_to(request.user)
            .filter(inspection__isnull=True)
            .select_related("plan", "enterprise")[:10],
        },
    )


@login_required
def inspection_new(request):
    user = request.user
    enterprises = Enterprise.objects.visible_to(user).order_by("name")
    task = None
    if request.GET.get("task", "").isdigit():
        task = get_object_or_404(InspectionTask.objects.visible_to(user), pk=request.GET["task"])
    values = (
        request.POST
        if request.method == "POST"
        else {
            "enterprise": request.GET.get("enterprise") or (task.enterprise_id if task else ""),
            "kind": task.plan.kind
            if task
            else (
                InspectionType.SELF
                if user.role in ENTERPRISE_ROLES
                else InspectionType.DEPARTMENT_PATROL
            ),
            "template": task.plan.template_id if task else "",
        }
    )
    if request.method == "POST":
        enterprise = _enterprise(request, request.POST.get("enterprise"))
        template = ChecklistTemplate.objects.filter(
            pk=request.POST.get("template") or 0, is_active=True
        ).first()
        try:
            if enterprise is None:
                raise ValidationError(
                    {"enterprise": _("Choose an enterprise in your jurisdiction.")}
                )
            try:
                day = parse_date(request.POST.get("inspected_on") or "") or None
            except ValueError:
                day = None
            inspection = services.start_inspection(
                user=user,
                enterprise=enterprise,
                kind=request.POST.get("kind", ""),
                template=template,
                inspected_on=day,
                inspectors=request.POST.get("inspectors", ""),
                peer=Enterprise.objects.filter(pk=request.POST.get("peer") or 0).first(),
                task=task,
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("inspections:detail", pk=inspection.pk)
    chosen = _enterprise(request, values.get("enterprise"))
    return render(
        request,
        "inspections/inspection_new.html",
        {
            "enterprises": enterprises[:2000],
            "templates": ChecklistTemplate.objects.filter(is_active=True),
            "suggested": _suggested(chosen),
            "kinds": [
                (k, label)
                for k, label in InspectionType.choices
                if chosen is None or k in services.allowed_kinds(user, chosen)
            ],
            "values": values,
            "task": task,
        },
    )


def _suggested(enterprise: Enterprise | None):
    """Checklists for the enterprise's industry and flags, best first."""
    if enterprise is None:
        return []
    flags = set(enterprise.risk_flags.values_list("code", flat=True))
    out = []
    for t in ChecklistTemplate.objects.filter(is_active=True):
        if (t.industry and t.industry == enterprise.industry) or (set(t.risk_flags) & flags):
            out.append(t)
    return out


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related(
            "enterprise", "checklist__template", "peer"
        ),
        pk=pk,
    )
    if request.method == "POST":
        return _save_answers(request, inspection)
    answers = inspection.answers.select_related("item__clause__standard", "hazard")
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "answers": answers,
            "can_fill": services.can_fill(request.user, inspection),
            "results": ItemResult.choices,
            "answered": sum(1 for a in answers if a.result),
            "failed": [a for a in answers if a.result == ItemResult.FAIL],
        },
    )


def _save_answers(request, inspection):
    user = request.user
    errors = []
    try:
        for row in inspection.answers.select_related("item"):
            key = str(row.item_id)
            result = request.POST.get(f"result_{key}", row.result)
            note = request.POST.get(f"note_{key}", row.note)[:2000]
            upload = request.FILES.get(f"photo_{key}")
            photo = None
            if upload is not None:
                try:
                    photo = check_upload(
                        upload.read(), upload.name or "photo", field=f"photo_{key}"
                    )
                except ValidationError as exc:
                    errors += [
                        _("Item %(n)d: %(error)s") % {"n": row.item.order, "error": m}
                        for m in exc.messages
                    ]
                    continue
            if result != row.result or note != row.note or photo is not None:
                services.answer(
                    inspection=inspection,
                    user=user,
                    item_id=row.item_id,
                    result=result,
                    note=note,
                    photo=photo,
                )
        for message in errors:
            messages.error(request, message)
        if request.POST.get("complete") and not errors:
            hazards = services.complete_inspection(inspection=inspection, user=user)
            messages.success(
                request,
                _("Inspection completed: %(n)d failed item(s) became hazards.")
                % {"n": len(hazards)},
            )
        elif not errors:
            messages.success(request, _("Answers saved."))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("inspections:detail", pk=inspection.pk)


# ---------------------------------------------------------------- checklists


@login_required
def checklist_list(request):
    return render(
        request,
        "inspections/checklist_list.html",
        {
            "templates": ChecklistTemplate.objects.prefetch_related("versions"),
            "can_edit": services.can_edit_checklists(request.user),
            "industries": EnterpriseIndustry.choices,
            "flags": EnterpriseRiskFlag.choices,
        },
    )


@login_required
def checklist_detail(request, pk):
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    versions = list(template.versions.select_related("created_by"))
    number = request.GET.get("version", "")
    version = next(
        (v for v in versions if str(v.number) == number), versions[0] if versions else None
    )
    return render(
        request,
        "inspections/checklist_detail.html",
        {
            "template": template,
            "version": version,
            "versions": versions,
            "items": version.items.select_related("clause__standard") if version else [],
            "can_edit": services.can_edit_checklists(request.user),
        },
    )


@login_required
def checklist_new(request):
    if not services.can_edit_checklists(request.user):
        raise PermissionDenied
    post = request.POST
    if request.method == "POST":
        try:
            template = services.create_checklist(
                user=request.user,
                name=post.get("name", ""),
                industry=post.get("industry", "")
                if post.get("industry") in EnterpriseIndustry.values
                else "",
                flags=[f for f in post.getlist("flags") if f in EnterpriseRiskFlag.values],
                extra_items=[
                    {"text": line} for line in post.get("extra", "").splitlines() if line.strip()
                ],
                description=post.get("description", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Checklist created."))
            return redirect("inspections:checklist", pk=template.pk)
    return render(
        request,
        "inspections/checklist_new.html",
        {
            "industries": EnterpriseIndustry.choices,
            "flags": EnterpriseRiskFlag.choices,
            "values": post,
        },
    )


@login_required
def checklist_edit(request, pk):
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    if not services.can_edit_checklists(request.user):
        raise PermissionDenied
    current = template.current
    if request.method == "POST":
        rows = []
        n = 0
        while f"text_{n}" in request.POST or f"clause_{n}" in request.POST:
            if not request.POST.get(f"remove_{n}"):
                clause = request.POST.get(f"clause_{n}", "").strip()
                text = request.POST.get(f"text_{n}", "").strip()
                if clause or text:
                    rows.append({"clause": clause, "text": text})
            n += 1
        try:
            version = services.revise_checklist(
                template=template, user=request.user, items=rows, note=request.POST.get("note", "")
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect("inspections:checklist", pk=template.pk)
    items = list(current.items.select_related("clause")) if current else []
    blanks = range(len(items), len(items) + 5)
    return render(
        request,
        "inspections/checklist_edit.html",
        {"template": template, "items": items, "blanks": blanks},
    )


# ---------------------------------------------------------------- coverage


def _coverage(request):
    try:
        start, end = services.month_bounds(request.GET.get("month"))
    except ValidationError as exc:
        _errors(request, exc)
        start, end = services.month_bounds(None)
    region = (
        Region.objects.visible_to(request.user).filter(code=request.GET.get("region", "")).first()
    )
    industry = request.GET.get("industry", "")
    industry = industry if industry in EnterpriseIndustry.values else ""
    report = cov.coverage(request.user, start, end, region=region, industry=industry)
    return report, region, industry


@login_required
def coverage_report(request):
    report, region, industry = _coverage(request)
    level = request.GET.get("missing", "")
    rows = (
        cov.missing(report, level)
        if level in ("self", "mutual", "department", "any")
        else report.rows
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/coverage.html",
        {
            "report": report,
            "page": page,
            "month": f"{report.start:%Y-%m}",
            "region": region,
            "industry": industry,
            "missing": level,
            "query": query.urlencode(),
            "percent": {lvl: report.percent(lvl) for lvl in cov.LEVELS},
            "regions": Region.objects.visible_to(request.user)
            .filter(level__in=["city", "county", "township"])
            .order_by("code"),
            "industries": EnterpriseIndustry.choices,
        },
    )


@login_required
def coverage_export(request):
    report, _region, _industry = _coverage(request)
    return xlsx_response(export_coverage(report), f"coverage-{report.start:%Y-%m}")


# ---------------------------------------------------------------- plans and tasks


@login_required
def plan_list(request):
    user = request.user
    if request.method == "POST":
        post = request.POST
        enterprise = _enterprise(request, post.get("enterprise"))
        try:
            try:
                starts = parse_date(post.get("starts_on") or "")
            except ValueError:
                starts = None
            services.create_plan(
                user=user,
                data={
                    "name": post.get("name", ""),
                    "kind": post.get("kind", ""),
                    "template": ChecklistTemplate.objects.filter(
                        pk=post.get("template") or 0
                    ).first(),
                    "region": Region.objects.visible_to(user)
                    .filter(code=post.get("region", ""))
                    .first(),
                    "industry": post.get("industry", "")
                    if post.get("industry") in EnterpriseIndustry.values
                    else "",
                    "enterprise": enterprise,
                    "frequency": post.get("frequency", ""),
                    "starts_on": starts,
                },
            )
            services.generate_tasks()
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Plan saved; this period's tasks were created."))
            return redirect("inspections:plans")
    tasks = InspectionTask.objects.visible_to(user).select_related(
        "plan", "enterprise", "inspection"
    )
    return render(
        request,
        "inspections/plans.html",
        {
            "plans": InspectionPlan.objects.visible_to(user).select_related(
                "template", "region", "enterprise"
            ),
            "tasks": Paginator(tasks, 50).get_page(request.GET.get("page")),
            "kinds": InspectionType.choices,
            "frequencies": PlanFrequency.choices,
            "templates": ChecklistTemplate.objects.filter(is_active=True),
            "industries": EnterpriseIndustry.choices,
            "regions": Region.objects.visible_to(user)
            .filter(level__in=["city", "county", "township"])
            .order_by("code"),
            "own_enterprise": getattr(user, "enterprise", None),
        },
    )


@login_required
@require_POST
def plan_toggle(request, pk):
    plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user), pk=pk)
    services.set_plan_active(plan=plan, user=request.user, active=not plan.is_active)
    return redirect("inspections:plans")
