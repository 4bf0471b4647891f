"""包保 duty check pages and the strict-supervision list. Every look-up goes through
``visible_to``; a check outside the user's scope is 404, one in scope that the user may not
record is 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.choices import UserRole
from anlan.core.downloads import xlsx_response
from anlan.core.scoping import scope_of
from anlan.core.uploads import check_upload
from anlan.registry.models import Enterprise

from . import excel, services, strict
from .forms import CheckFilterForm, CompleteForm
from .models import GuaranteeCheck, StrictListEntry, local_today

HISTORY_DAYS = 90


def _checks(request):
    checks = GuaranteeCheck.objects.visible_to(request.user).select_related(
        "hazard_source__enterprise__region", "hazard"
    )
    form = CheckFilterForm(request.GET or None, user=request.user)
    today = local_today()
    if form.is_bound:
        if form.is_valid():
            checks = form.apply(checks, today)
        else:
            checks = checks.none()
    return form, checks.order_by("period_end", "hazard_source__enterprise__name", "pk"), today


@login_required
def check_list(request):
    form, checks, today = _checks(request)
    is_enterprise = scope_of(request.user).enterprise_id is not None
    page = Paginator(checks, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/check_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "is_enterprise": is_enterprise,
            "rates": [] if is_enterprise else services.completion_rates(checks, today),
            "query": query.urlencode(),
        },
    )


@login_required
def check_export(request):
    form, checks, _today = _checks(request)
    return xlsx_response(excel.export_checks(checks[:20000]), "guarantee-checks")


@login_required
@require_http_methods(["GET", "POST"])
def check_detail(request, pk: int):
    check = get_object_or_404(
        GuaranteeCheck.objects.visible_to(request.user).select_related(
            "hazard_source__enterprise", "completed_by", "hazard"
        ),
        pk=pk,
    )
    may_complete = services.can_complete(request.user, check)
    form = CompleteForm()
    if request.method == "POST":
        if not may_complete:
            raise PermissionDenied(_("Only the enterprise's own staff may record this check."))
        form = CompleteForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = form.cleaned_data.get("photo")
                if upload is not None:
                    upload = check_upload(upload.read(), upload.name, field="photo")
                services.complete_check(
                    check=check,
                    user=request.user,
                    result=form.cleaned_data["result"],
                    findings=form.cleaned_data["findings"],
                    photo=upload,
                    open_hazard=form.cleaned_data["open_hazard"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Check recorded."))
                return redirect("supervision:check", pk=check.pk)
    photo = getattr(check, "photo", None)  # None when there is no photo
    return render(
        request,
        "supervision/check_detail.html",
        {"check": check, "form": form, "may_complete": may_complete, "photo": photo},
    )


@login_required
def check_photo(request, pk: int):
    from django.http import FileResponse, Http404

    check = get_object_or_404(GuaranteeCheck.objects.visible_to(request.user), pk=pk)
    photo = getattr(check, "photo", None)  # None when there is no photo
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# ---------------------------------------------------------------- strict-supervision list


def _day(request) -> dt.date:
    today = local_today()
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(
            request, _("date: “%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw[:20]}
        )
        return today
    if day > today:
        messages.error(request, _("date: the list of a future day does not exist yet."))
        return today
    return day


def may_recompute(user) -> bool:
    return user.is_superuser or user.role in {UserRole.CITY_ADMIN, UserRole.SYSTEM_ADMIN}


def _entries(user, day):
    return (
        StrictListEntry.objects.visible_to(user)
        .filter(date=day)
        .select_related("enterprise__region")
        .order_by("enterprise__region__code", "enterprise__name")
    )


@login_required
def strict_list(request):
    day = _day(request)
    entries = list(_entries(request.user, day))
    labels = strict.labels()
    for entry in entries:
        entry.rows = [
            r | {"label": labels.get(r.get("code"), r.get("code"))} for r in entry.reasons
        ]
    counts = strict.reason_counts(entries)
    computed_at = max((e.computed_at for e in entries), default=None)
    return render(
        request,
        "supervision/strict_list.html",
        {
            "day": day,
            "today": local_today(),
            "entries": entries,
            "counts": counts,
            "computed_at": computed_at,
            "may_recompute": may_recompute(request.user),
            "chart": {
                "labels": [c["label"] for c in counts],
                "values": [c["count"] for c in counts],
            },
        },
    )


@login_required
def strict_export(request):
    day = _day(request)
    content = excel.export_strict(_entries(request.user, day), strict.labels())
    return xlsx_response(content, f"strict-list-{day.isoformat()}")


@login_required
@require_POST
def strict_recompute(request):
    if not may_recompute(request.user):
        raise PermissionDenied(_("Only city administrators may recompute the list."))
    day = local_today()
    raw = request.POST.get("date", "").strip()
    if raw:
        try:
            day = min(dt.date.fromisoformat(raw), local_today())
        except ValueError:
            messages.error(
                request, _("date: “%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw[:20]}
            )
            return redirect("supervision:strict-list")
    run = strict.compute(day, notify=day == local_today())
    messages.success(
        request,
        _("The list of %(day)s was recomputed: %(n)s enterprise(s).")
        % {"day": day.isoformat(), "n": len(run.entries)},
    )
    return redirect(reverse("supervision:strict-list") + f"?date={day.isoformat()}")


@login_required
def strict_history(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    since = local_today() - dt.timedelta(days=HISTORY_DAYS - 1)
    entries = StrictListEntry.objects.visible_to(request.user).filter(
        enterprise=enterprise, date__gte=since
    )
    return render(
        request,
        "supervision/strict_history.html",
        {
            "enterprise": enterprise,
            "entries": entries.order_by("-date"),
            "days": HISTORY_DAYS,
            "labels": strict.labels(),
        },
    )
