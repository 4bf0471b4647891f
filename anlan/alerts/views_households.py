"""Household and welfare-check pages. Only village grid members, township supervisors and
civil-affairs officers see households; everyone else sees an empty page with the reason. Out of
scope is a 404. Every page that shows personal data records a viewing per household shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response
from anlan.hazards.choices import HazardCategory
from anlan.rescue import imports

from . import excel_households as excel
from . import households as services
from . import welfare
from .choices import CheckGroup, CheckOutcome, HouseholdCategory
from .forms_households import CheckHazardForm, CheckOutcomeForm, HouseholdForm
from .models.households import Household, WelfareCheck

PAGE_SIZE = 50


def _visible(request):
    return Household.objects.visible_to(request.user).select_related("region")


def _household(request, pk: int) -> Household:
    return get_object_or_404(_visible(request), pk=pk)


def _filtered(request):
    values = {k: request.GET.get(k, "").strip() for k in ("village", "category", "check_for", "q")}
    queryset = _visible(request)
    if request.GET.get("inactive") != "1":
        queryset = queryset.filter(active=True)
    try:
        return services.filter_households(queryset, **values), values
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return Household.objects.none(), values


def _labels(choices, values) -> str:
    return "、".join(str(choices(v).label) for v in values if v in choices.values)


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def household_list(request):
    households, values = _filtered(request)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = services.reveal_many(
        page.object_list,
        user=request.user,
        where="page:list",
        address=services.client_address(request),
    )
    rows = [
        (h, p, _labels(HouseholdCategory, h.categories), _labels(CheckGroup, h.check_for))
        for h, p in rows
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alerts/households/list.html",
        {
            "rows": rows,
            "page": page,
            "filters": values,
            "query": query.urlencode(),
            "sees": services.sees_households(request.user),
            "villages": services.villages_for(request.user),
            "categories": HouseholdCategory.choices,
            "groups": CheckGroup.choices,
        },
    )


@login_required
def household_export(request):
    if not services.sees_households(request.user):
        raise PermissionDenied(_("Only grid members, township and civil-affairs staff see this."))
    households, _values = _filtered(request)
    rows = services.reveal_many(
        households, user=request.user, where="export", address=services.client_address(request)
    )
    return xlsx_response(excel.export_households(rows), "households")


@login_required
def household_detail(request, pk: int):
    household = _household(request, pk)
    personal = services.reveal(
        household,
        user=request.user,
        where="page:detail",
        address=services.client_address(request),
    )
    may_see_viewings = services.may_see_viewings(request.user, household)
    return render(
        request,
        "alerts/households/detail.html",
        {
            "household": household,
            "personal": personal,
            "categories": _labels(HouseholdCategory, household.categories),
            "groups": _labels(CheckGroup, household.check_for),
            "may_edit": services.may_edit(request.user, household),
            "viewings": household.viewings.select_related("viewer")[:10]
            if may_see_viewings
            else None,
            "checks": household.checks.select_related("thread").order_by("-created_at")[:10],
        },
    )


def _form_page(request, form, *, title, household=None, status=200):
    return render(
        request,
        "alerts/households/form.html",
        {"form": form, "title": title, "household": household},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request):
    if not services.sees_households(request.user):
        raise PermissionDenied(_("You may not register vulnerable households."))
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Household %(code)s registered.") % {"code": household})
            return redirect("alerts:household-detail", pk=household.pk)
    return _form_page(
        request, form, title=_("Register a household"), status=422 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = _household(request, pk)
    if not services.may_edit(request.user, household):
        raise PermissionDenied(_("You may not change households of this village."))
    if request.method == "POST":
        form = HouseholdForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.update_household(
                    user=request.user, household=household, data=form.cleaned_data
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Household %(code)s saved.") % {"code": household})
                return redirect("alerts:household-detail", pk=household.pk)
    else:
        personal = services.reveal(
            household,
            user=request.user,
            where="page:edit",
            address=services.client_address(request),
        )
        form = HouseholdForm(
            user=request.user,
            initial={
                "region": household.region,
                "categories": household.categories,
                "check_for": household.check_for,
                "people": household.people,
                **personal,
            },
        )
    return _form_page(
        request,
        form,
        title=_("Edit household %(code)s") % {"code": household},
        household=household,
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def household_deactivate(request, pk: int):
    household = _household(request, pk)
    services.deactivate_household(user=request.user, household=household)
    messages.success(request, _("Household %(code)s is no longer checked.") % {"code": household})
    return redirect("alerts:household-list")


@login_required
def household_viewings(request, pk: int):
    household = _household(request, pk)
    rows = services.viewings(household, user=request.user)
    return render(
        request, "alerts/households/viewings.html", {"household": household, "viewings": rows}
    )


@login_required
def household_template(request):
    if not services.sees_households(request.user):
        raise PermissionDenied(_("You may not register vulnerable households."))
    return xlsx_response(excel.template(user=request.user), "households-template")


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    if not services.sees_households(request.user):
        raise PermissionDenied(_("You may not register vulnerable households."))
    form = imports.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
            report = excel.import_households(upload.read(), user=request.user)
        except imports.LedgerFileError as exc:
            form.add_error("file", str(exc))
        if report is not None and report.saved:
            messages.success(request, _("%(n)d households imported.") % {"n": report.created})
    return render(
        request,
        "alerts/households/import.html",
        {"form": form, "report": report},
        status=422 if form.errors or (report and not report.saved) else 200,
    )


# ---------------------------------------------------------------- welfare checks


def _checks(request):
    checks = (
        WelfareCheck.objects.visible_to(request.user)
        .select_related("thread", "household__region", "region", "checked_by")
        .order_by("thread__sent", "due", "region__code", "household_id")
    )
    warning = request.GET.get("warning", "").strip()
    outcome = request.GET.get("outcome", "").strip()
    if warning:
        if not warning.isdigit() or len(warning) > 12:
            messages.error(request, _("warning: give the number of a warning."))
            return checks.none(), warning, outcome
        checks = checks.filter(thread_id=int(warning))
    if outcome:
        if outcome not in CheckOutcome.values:
            messages.error(
                request, _("outcome: %(value)r is not a known outcome.") % {"value": outcome}
            )
            return checks.none(), warning, outcome
        checks = checks.filter(outcome=outcome)
    return checks, warning, outcome


@login_required
def check_list(request):
    checks, warning, outcome = _checks(request)
    checks = list(checks[:500])
    checks.sort(key=lambda c: c.outcome != CheckOutcome.PENDING)  # pending first, stable
    revealed = dict(
        (h.pk, p)
        for h, p in services.reveal_many(
            list({c.household_id: c.household for c in checks}.values()),
            user=request.user,
            where="page:checks",
            address=services.client_address(request),
        )
    )
    groups: dict[int, dict] = {}
    for check in checks:
        group = groups.setdefault(check.thread_id, {"thread": check.thread, "rows": []})
        group["rows"].append((check, revealed.get(check.household_id, {})))
    return render(
        request,
        "alerts/households/checks.html",
        {
            "groups": list(groups.values()),
            "sees": services.sees_households(request.user),
            "warning": warning,
            "outcome": outcome,
            "outcomes": CheckOutcome.choices,
            "recordable": [(v, t) for v, t in CheckOutcome.choices if v != CheckOutcome.PENDING],
            "hazard_form": CheckHazardForm(),
            "counts": welfare.check_counts(groups[checks[0].thread_id]["thread"])
            if warning and checks
            else None,
        },
    )


def _check(request, pk: int) -> WelfareCheck:
    return get_object_or_404(
        WelfareCheck.objects.visible_to(request.user).select_related("household__region", "region"),
        pk=pk,
    )


def _back_to_checks(check):
    return redirect(reverse("alerts:check-list") + f"?warning={check.thread_id}#check-{check.pk}")


@login_required
@require_POST
def check_record(request, pk: int):
    check = _check(request, pk)
    form = CheckOutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        welfare.record_check(user=request.user, check=check, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{check.household.code} · {field}: {' '.join(errors)}")
    else:
        messages.success(
            request,
            _("%(code)s: %(outcome)s recorded.")
            % {"code": check.household.code, "outcome": check.get_outcome_display()},
        )
    return _back_to_checks(check)


@login_required
@require_POST
def check_hazard(request, pk: int):
    check = _check(request, pk)
    form = CheckHazardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        hazard = welfare.report_check_hazard(
            user=request.user,
            check=check,
            description=form.cleaned_data["description"],
            category=form.cleaned_data["category"] or HazardCategory.OTHER,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{check.household.code} · {field}: {' '.join(errors)}")
    else:
        messages.success(
            request, _("Hazard %(code)s reported into the hazard loop.") % {"code": hazard.code}
        )
    return _back_to_checks(check)
