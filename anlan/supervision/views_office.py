"""Pages of the committee office: member units with their duty lists, and 督办 tasks. Every
look-up goes through ``visible_to`` (404 outside the user's view); actions the role may not take
are 403; the rules are in ``office``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response
from anlan.core.uploads import check_uploaded_files

from . import excel_office, office
from .choices import ASSIGNMENT_STATE_CSS, AssignmentState, TaskState
from .forms_office import (
    CancelForm,
    FeedbackForm,
    IssueForm,
    ReviewForm,
    TaskFilterForm,
    UnitFilterForm,
    UnitForm,
)
from .models import MemberUnit, SupervisionTask, TaskAssignment, TaskEvidence

PAGE_SIZE = 30


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ---------------------------------------------------------------- member units


def _units(request):
    units = (
        MemberUnit.objects.visible_to(request.user)
        .select_related("committee_region", "township")
        .annotate(n_duties=Count("duties", distinct=True))
    )
    form = UnitFilterForm(request.GET or None)
    if form.is_bound:
        units = form.apply(units) if form.is_valid() else units.none()
    return form, units.order_by("committee_region__code", "kind", "order", "name")


@login_required
def unit_list(request):
    form, units = _units(request)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/office/unit_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "is_office": office.is_office(request.user),
        },
    )


@login_required
def unit_export(request):
    _form, units = _units(request)
    return xlsx_response(excel_office.export_units(units[:5000]), "member-units")


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(
        MemberUnit.objects.visible_to(request.user).select_related("committee_region", "township"),
        pk=pk,
    )
    today = office.local_today()
    assignments = list(
        TaskAssignment.objects.visible_to(request.user)
        .filter(unit=unit)
        .select_related("task")
        .order_by("-task__issued_at")[:100]
    )
    for a in assignments:
        office.label_state(a.task)
        a.overdue = a.is_overdue(today)
        a.css = ASSIGNMENT_STATE_CSS.get(a.state, "secondary")
    return render(
        request,
        "supervision/office/unit_detail.html",
        {
            "unit": unit,
            "duties": unit.duties.all(),
            "liaisons": unit.liaisons.all(),
            "assignments": assignments,
            "record": office.unit_record(unit),
            "may_edit": office.may_edit_unit(request.user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int | None = None):
    unit = None
    if pk is not None:
        unit = get_object_or_404(MemberUnit.objects.visible_to(request.user), pk=pk)
        if not office.may_edit_unit(request.user, unit):
            raise PermissionDenied(_("Only the committee office may change its member units."))
    elif not office.is_office(request.user):
        raise PermissionDenied(_("Only the committee office may change its member units."))
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = office.save_unit(
                user=request.user,
                committee_region=form.cleaned_data.get("committee_region"),
                unit=unit,
                data=form.unit_data(),
                liaisons=form.cleaned_data.get("liaisons"),
                duties=form.duty_lines(),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Member unit saved."))
            return redirect("supervision:unit", pk=saved.pk)
    return render(request, "supervision/office/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request):
    if not office.is_office(request.user):
        raise PermissionDenied(_("Only the committee office may change its member units."))
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("file: choose an Excel file.")
        else:
            try:
                result = excel_office.import_units(upload.read(), user=request.user)
            except ValidationError as exc:
                error = "; ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Imported: %(created)s units created, %(updated)s updated.") % result,
                )
                return redirect("supervision:units")
    return render(request, "supervision/office/unit_import.html", {"error": error})


# ---------------------------------------------------------------- tasks


def _tasks(request):
    tasks = SupervisionTask.objects.visible_to(request.user).select_related("region")
    form = TaskFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        tasks = form.apply(tasks) if form.is_valid() else tasks.none()
    return form, tasks


@login_required
def task_list(request):
    form, tasks = _tasks(request)
    counts = office.state_counts(tasks)
    breakdown = office.unit_breakdown(tasks, user=request.user)
    page = Paginator(
        office.annotate_counts(tasks).order_by("-issued_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for t in page.object_list:
        office.label_state(t)
    base = request.GET.copy()
    base.pop("page", None)
    base.pop("state", None)
    return render(
        request,
        "supervision/office/task_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "chart": {
                "labels": [r["name"] for r in breakdown],
                "units": [r["unit"] for r in breakdown],
                "series": [
                    {"key": key, "name": str(label), "data": [r[key] for r in breakdown]}
                    for key, label in (
                        ("on_time", _("Accepted on time")),
                        ("late", _("Accepted late")),
                        ("overdue", _("Past the deadline")),
                        ("waiting", _("Awaited")),
                    )
                ],
            },
            "query": _query(request),
            "base_query": base.urlencode(),
            "may_issue": office.is_office(request.user),
            "today": office.local_today(),
        },
    )


@login_required
def task_export(request):
    _form, tasks = _tasks(request)
    return xlsx_response(excel_office.export_tasks(tasks.order_by("-issued_at")[:2000]), "tasks")


@login_required
@require_http_methods(["GET", "POST"])
def task_issue(request):
    if not office.is_office(request.user):
        raise PermissionDenied(_("Only the committee office may issue 督办 tasks."))
    initial = {}
    for name in ("hazard", "alert", "campaign"):
        if request.GET.get(name, "").isdigit():
            initial[name] = request.GET[name]
    form = IssueForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task = office.issue_task(
                user=request.user,
                region=d["region"],
                title=d["title"],
                body=d["body"],
                deadline=d["deadline"],
                priority=d["priority"],
                units=list(d["units"]),
                all_townships=d["all_townships"],
                hazard=d.get("hazard"),
                alert=d.get("alert"),
                campaign=d.get("campaign"),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("Task %(number)s issued to %(n)s units.")
                % {"number": task.number, "n": task.assignments.count()},
            )
            return redirect("supervision:task", pk=task.pk)
    return render(request, "supervision/office/task_issue.html", {"form": form})


def _task(request, pk):
    return get_object_or_404(
        SupervisionTask.objects.visible_to(request.user).select_related(
            "region", "issued_by", "hazard", "alert", "campaign"
        ),
        pk=pk,
    )


@login_required
def task_detail(request, pk: int):
    return _task_page(request, pk)


def _task_page(request, pk: int, feedback_form=None, feedback_for=None, status=200):
    task = office.label_state(_task(request, pk))
    user = request.user
    today = office.local_today()
    may_manage = office.may_manage_task(user, task)
    rows = list(
        office.visible_assignments(user, task).prefetch_related(
            Prefetch("evidence", queryset=TaskEvidence.objects.order_by("uploaded_at", "pk"))
        )
    )
    for a in rows:
        a.overdue = a.is_overdue(today)
        a.css = ASSIGNMENT_STATE_CSS.get(a.state, "secondary")
        a.may_answer = (
            task.state == TaskState.OPEN
            and a.state != AssignmentState.ACCEPTED
            and office.may_answer(user, a)
        )
        a.may_review = (
            may_manage and task.state == TaskState.OPEN and a.state == AssignmentState.SUBMITTED
        )
        a.form = (
            feedback_form
            if (feedback_form is not None and feedback_for == a.pk)
            else FeedbackForm()
        )
    return render(
        request,
        "supervision/office/task_detail.html",
        {
            "task": task,
            "campaign_url": _campaign_url(task),
            "rows": rows,
            "may_manage": may_manage and task.state == TaskState.OPEN,
            "review_form": ReviewForm(),
            "cancel_form": CancelForm(),
            "counts": {
                "units": len(rows),
                "accepted": sum(a.state == AssignmentState.ACCEPTED for a in rows),
                "overdue": sum(a.overdue for a in rows),
            },
        },
        status=status,
    )


def _campaign_url(task) -> str:
    if not task.campaign_id:
        return ""
    try:
        return reverse("supervision:campaign", args=[task.campaign_id])
    except NoReverseMatch:  # the campaign pages are another part of the app
        return ""


def _assignment(request, pk, assignment_pk):
    task = _task(request, pk)
    assignment = office.find_assignment(request.user, task, assignment_pk)
    if assignment is None:
        raise Http404
    return task, assignment


@login_required
@require_POST
def task_feedback(request, pk: int, assignment_pk: int):
    task, assignment = _assignment(request, pk, assignment_pk)
    if not office.may_answer(request.user, assignment):
        raise PermissionDenied(_("Only the unit's liaison or township supervisor may answer."))
    form = FeedbackForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            office.submit_feedback(
                assignment=assignment,
                user=request.user,
                feedback=form.cleaned_data["feedback"],
                evidence=check_uploaded_files(form.cleaned_data.get("evidence") or [], "evidence"),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Feedback submitted."))
            return redirect("supervision:task", pk=task.pk)
    return _task_page(request, pk, feedback_form=form, feedback_for=assignment.pk, status=422)


@login_required
@require_POST
def task_review(request, pk: int, assignment_pk: int):
    task, assignment = _assignment(request, pk, assignment_pk)
    if not office.may_manage_task(request.user, task):
        raise PermissionDenied(_("Only the committee office may review feedback."))
    comment = request.POST.get("comment", "")[:2000]
    try:
        if request.POST.get("decision") == "accept":
            office.accept_feedback(assignment=assignment, user=request.user, comment=comment)
            messages.success(request, _("Feedback accepted."))
        elif request.POST.get("decision") == "return":
            office.return_feedback(assignment=assignment, user=request.user, comment=comment)
            messages.success(request, _("Feedback returned to the unit."))
        else:
            messages.error(request, _("decision: choose accept or return."))
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            messages.error(request, f"{name}: {' '.join(errors)}")
    return redirect("supervision:task", pk=task.pk)


@login_required
@require_POST
def task_close(request, pk: int):
    task = _task(request, pk)
    if not office.may_manage_task(request.user, task):
        raise PermissionDenied(_("Only the committee office may close or cancel a task."))
    try:
        if request.POST.get("action") == "cancel":
            office.cancel_task(
                task=task, user=request.user, reason=request.POST.get("reason", "")[:300]
            )
            messages.success(request, _("Task cancelled."))
        else:
            office.close_task(task=task, user=request.user)
            messages.success(request, _("Task closed."))
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            messages.error(request, f"{name}: {' '.join(errors)}")
    return redirect("supervision:task", pk=task.pk)


@login_required
def evidence_file(request, pk: int):
    item = get_object_or_404(TaskEvidence.objects.select_related("assignment__task"), pk=pk)
    task = item.assignment.task
    if not SupervisionTask.objects.visible_to(request.user).filter(pk=task.pk).exists():
        raise Http404
    user = request.user
    if not (
        office.may_manage_task(user, task)
        or office._is_admin(user)
        or office.units_answered_by(user).filter(pk=item.assignment.unit_id).exists()
    ):
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        filename=item.original_name,
        as_attachment=not item.content_type.startswith("image/"),
    )
