"""Equipment pages: the catalogue with check intervals, the ledger (filters, add, edit, retire,
Excel), an item with its checks and loans, due and overdue checks, current loans, stock-takes.
Every look-up goes through ``visible_to``; changes through ``services_equipment``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response

from . import services_equipment as services
from .choices import CheckKind, EquipmentCategory, ItemStatus
from .excel_equipment import export_due, export_items
from .forms_equipment import (
    CheckForm,
    ItemForm,
    LoanForm,
    ReturnForm,
    ScheduleForm,
    StockTakeForm,
    TypeForm,
)
from .imports import ImportForm
from .models import EquipmentItem, EquipmentType, Team


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields (others on the form itself)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _items(request):
    return EquipmentItem.objects.visible_to(request.user).select_related("equipment_type", "team")


def _item(request, pk: int) -> EquipmentItem:
    return get_object_or_404(_items(request), pk=pk)


# ---------------------------------------------------------------- catalogue


@login_required
@require_http_methods(["GET", "POST"])
def type_list(request):
    form = TypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.create_type(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Added %(type)s to the catalogue.") % {"type": kind})
            return redirect("rescue:equipment-types")
    types = EquipmentType.objects.prefetch_related("schedules")
    return render(
        request,
        "rescue/equipment/types.html",
        {
            "types": types,
            "form": form,
            "schedule_form": ScheduleForm(),
            "may_add": services.may_add_types(request.user),
            "may_edit": services.may_edit_intervals(request.user),
        },
    )


@login_required
@require_POST
def schedule_edit(request, pk: int):
    kind = get_object_or_404(EquipmentType, pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.set_schedule(
                user=request.user,
                equipment_type=kind,
                kind=form.cleaned_data["kind"],
                interval_days=form.cleaned_data["interval_days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                messages.error(
                    request, f"{form.fields.get(field, form).label or field}: " + " ".join(errors)
                )
        else:
            messages.success(request, _("Check intervals of %(type)s saved.") % {"type": kind})
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("rescue:equipment-types")


# ---------------------------------------------------------------- ledger

FILTERS = ("team", "category", "status", "pool", "q")


def _filtered(request):
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    items = _items(request)
    if values["team"].isdigit():
        items = items.filter(team_id=int(values["team"]))
    if values["category"] in EquipmentCategory.values:
        items = items.filter(equipment_type__category=values["category"])
    if values["status"] in ItemStatus.values:
        items = items.filter(status=values["status"])
    elif values["status"] != "all":
        items = items.exclude(status=ItemStatus.RETIRED)
    if values["pool"] == "1":
        items = items.filter(in_shared_pool=True)
    if values["q"]:
        from django.db.models import Q

        q = values["q"]
        items = items.filter(
            Q(serial_number__icontains=q)
            | Q(card_number__icontains=q)
            | Q(equipment_type__name__icontains=q)
            | Q(equipment_type__model__icontains=q)
            | Q(location__icontains=q)
        )
    return items, values


@login_required
def item_list(request):
    items, values = _filtered(request)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    chosen = values.get("team", "")
    import_team = (
        services.managed_teams(request.user).filter(pk=int(chosen)).first()
        if str(chosen).isdigit() and len(str(chosen)) < 19
        else None
    )
    return render(
        request,
        "rescue/equipment/items.html",
        {
            "page": page,
            "filters": values,
            "query": query.urlencode(),
            "teams": Team.objects.visible_to(request.user),
            "categories": EquipmentCategory.choices,
            "statuses": ItemStatus.choices,
            "may_add": services.managed_teams(request.user).exists(),
            "import_team": import_team,
            "import_form": ImportForm(),
        },
    )


@login_required
def item_export(request):
    items, _values = _filtered(request)
    return xlsx_response(export_items(items[:50000]), "rescue-equipment")


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    form = ItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = services.create_item(
                user=request.user,
                team=data.pop("team"),
                equipment_type=data.pop("equipment_type"),
                data=data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(item)s added to the ledger.") % {"item": item})
            return redirect("rescue:equipment-detail", pk=item.pk)
    return render(request, "rescue/equipment/item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = _item(request, pk)
    services.require_manage(request.user, item.team)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    initial.update(team=item.team, equipment_type=item.equipment_type)
    form = ItemForm(request.POST or None, user=request.user, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.ITEM_FIELDS}
        try:
            services.update_item(user=request.user, item=item, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(item)s saved.") % {"item": item})
            return redirect("rescue:equipment-detail", pk=item.pk)
    return render(request, "rescue/equipment/item_form.html", {"form": form, "item": item})


@login_required
def item_detail(request, pk: int, check_form=None, loan_form=None):
    item = _item(request, pk)
    return render(
        request,
        "rescue/equipment/item_detail.html",
        {
            "item": item,
            "checks": item.checks.select_related("recorded_by")[:100],
            "loans": item.loans.select_related("borrower")[:50],
            "schedules": item.equipment_type.schedules.all(),
            "check_form": check_form or CheckForm(),
            "loan_form": loan_form or LoanForm(item=item),
            "return_form": ReturnForm(),
            "may_manage": services.may_manage(request.user, item.team),
        },
        status=400 if (check_form or loan_form) else 200,
    )


@login_required
@require_POST
def item_retire(request, pk: int):
    item = _item(request, pk)
    try:
        services.retire_item(user=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(item)s retired.") % {"item": item})
    return redirect("rescue:equipment-detail", pk=item.pk)


@login_required
@require_POST
def item_check(request, pk: int):
    item = _item(request, pk)
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.record_check(user=request.user, item=item, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Check recorded."))
            return redirect("rescue:equipment-detail", pk=item.pk)
    return item_detail(request, pk, check_form=form)


@login_required
@require_POST
def item_lend(request, pk: int):
    item = _item(request, pk)
    form = LoanForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.lend_item(user=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(item)s lent.") % {"item": item})
            return redirect("rescue:equipment-loans")
    return item_detail(request, pk, loan_form=form)


# ---------------------------------------------------------------- due, loans


def _due(request):
    items = _items(request)
    team = request.GET.get("team", "").strip()
    if team.isdigit():
        items = items.filter(team_id=int(team))
    rows = services.due_checks(items)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return rows, team, overdue_only


@login_required
def due_list(request):
    rows, team, overdue_only = _due(request)
    return render(
        request,
        "rescue/equipment/due.html",
        {
            "rows": rows[:2000],
            "count": len(rows),
            "overdue_count": sum(1 for r in rows if r.overdue),
            "team": team,
            "teams": Team.objects.visible_to(request.user),
            "overdue_only": overdue_only,
            "query": request.GET.urlencode(),
            "kinds": CheckKind.choices,
        },
    )


@login_required
def due_export(request):
    rows, _team, _overdue = _due(request)
    return xlsx_response(export_due(rows), "rescue-equipment-due")


@login_required
def loan_list(request):
    loans = services.open_loans(request.user)
    return render(
        request,
        "rescue/equipment/loans.html",
        {
            "loans": loans,
            "overdue_count": sum(1 for loan in loans if loan.overdue),
            "return_form": ReturnForm(),
            "returned": services.visible_loans(request.user).filter(returned_at__isnull=False)[:50],
        },
    )


@login_required
@require_POST
def loan_return(request, pk: int):
    loan = get_object_or_404(services.visible_loans(request.user), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the condition on return."))
        return redirect("rescue:equipment-loans")
    try:
        services.return_loan(user=request.user, loan=loan, condition=form.cleaned_data["condition"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Return of %(item)s recorded.") % {"item": loan.item})
    return redirect("rescue:equipment-loans")


# ---------------------------------------------------------------- stock-takes


@login_required
@require_http_methods(["GET", "POST"])
def stocktake_list(request):
    form = StockTakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            take = services.start_stock_take(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("rescue:equipment-stocktake", pk=take.pk)
    takes = services.visible_stock_takes(request.user).select_related("team")
    takes = takes.prefetch_related("lines")[:100]
    return render(request, "rescue/equipment/stocktakes.html", {"takes": takes, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def stocktake_detail(request, pk: int):
    take = get_object_or_404(
        services.visible_stock_takes(request.user).select_related("team"), pk=pk
    )
    lines = list(take.lines.select_related("item__equipment_type"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload = []
        for line in lines:
            raw = request.POST.get(f"counted_{line.pk}", "").strip()
            counted: object = line.counted_quantity
            if raw:
                counted = int(raw) if raw.isdigit() else -1
            payload.append(
                {
                    "id": line.pk,
                    "counted_quantity": counted,
                    "card_matches": request.POST.get(f"card_{line.pk}") == "1",
                    "note": request.POST.get(f"note_{line.pk}", ""),
                }
            )
        try:
            services.record_counts(user=request.user, stock_take=take, lines=payload)
        except ValidationError as exc:
            errors = exc.message_dict
            messages.error(request, _("Some lines were not saved; see the marked rows."))
        else:
            messages.success(request, _("Counts saved."))
            return redirect("rescue:equipment-stocktake", pk=take.pk)
    line_errors = {}
    for key, msgs in errors.items():
        index = int(key.split("[")[1].split("]")[0]) if key.startswith("lines[") else None
        if index is not None and index < len(lines):
            line_errors[lines[index].pk] = " ".join(msgs)
    for line in lines:
        line.error = line_errors.get(line.pk, "")
    return render(
        request,
        "rescue/equipment/stocktake.html",
        {
            "take": take,
            "lines": lines,
            "disagree": [line for line in lines if not line.agrees],
            "may_manage": services.may_manage(request.user, take.team),
        },
        status=400 if errors else 200,
    )
