"""Commitment pages: today's form for enterprise users, an enterprise's commitments with the
cross-check against permits, the day's list for regulators (filters, Excel), work permits
(form, Excel import) and the county overview. Every look-up goes through ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlan.core.choices import RegionLevel
from anlan.core.downloads import xlsx_response
from anlan.core.forms import add_service_errors
from anlan.core.models import Region
from anlan.core.scoping import scope_of
from anlan.registry.models import Enterprise

from . import excel, services
from .choices import COMMITMENT_STATUS_COLOURS, SpecialWorkKind
from .forms import CommitmentForm, PermitForm
from .models import SafetyCommitment, WorkPermit

EARLIEST = dt.date(2000, 1, 1)
STATUS_FILTERS = ("missing", "late", "on_time", "pending", "mismatch")


def parse_day(raw: str | None) -> dt.date:
    """A local date from ``YYYY-MM-DD`` (today if absent or unreadable; never in the future,
    nor before 2000)."""
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        return today
    return max(min(day, today), EARLIEST)


def _query(request) -> str:
    """The page's query string without the page number, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _counties(user):
    return Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")


def _filtered_rows(request):
    day = parse_day(request.GET.get("date"))
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    county = request.GET.get("county", "").strip()
    county = county if county.isdigit() and len(county) == 6 else ""
    q = request.GET.get("q", "").strip()[:50]
    rows = services.day_rows(day=day, enterprises=Enterprise.objects.visible_to(request.user))
    rows = services.filter_rows(rows, status=status, county=county, q=q)
    return day, status, county, q, rows


@login_required
def commitment_list(request):
    day, status, county, q, rows = _filtered_rows(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    enterprise = request.user.enterprise if request.user.enterprise_id else None
    return render(
        request,
        "commitments/list.html",
        {
            "page": page,
            "day": day,
            "today": timezone.localdate(),
            "status": status,
            "county": county,
            "q": q,
            "counties": _counties(request.user),
            "colours": COMMITMENT_STATUS_COLOURS,
            "may_commit": enterprise is not None and services.can_commit(request.user, enterprise),
            "may_overview": services.can_see_overview(request.user),
            "total": len(rows),
            "query": _query(request),
        },
    )


@login_required
def commitment_export(request):
    day, _status, _county, _q, rows = _filtered_rows(request)
    return xlsx_response(excel.export_day(rows), f"commitments-{day.isoformat()}")


def _own_enterprise(user) -> Enterprise:
    if not user.enterprise_id or not services.can_commit(user, user.enterprise):
        raise PermissionDenied(_("Only enterprise users make the daily safety commitment."))
    return user.enterprise


@login_required
@require_http_methods(["GET", "POST"])
def fill(request):
    """Today's commitment of the user's own enterprise: pre-filled from the last one."""
    enterprise = _own_enterprise(request.user)
    today = timezone.localdate()
    if not services.must_commit(enterprise):
        messages.info(request, _("This enterprise has no major hazard source and need not commit."))
        return redirect("commitments:list")
    existing = SafetyCommitment.objects.filter(enterprise=enterprise, day=today).first()
    initial = {} if existing else services.initial_for(enterprise, today)
    form = CommitmentForm(request.POST or None, instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_commitment(
                user=request.user, enterprise=enterprise, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Today's safety commitment is saved."))
            return redirect("commitments:enterprise", pk=enterprise.pk)
    kind_fields = [form[f] for f in services.KIND_FIELDS.values()]
    return render(
        request,
        "commitments/fill.html",
        {
            "form": form,
            "enterprise": enterprise,
            "existing": existing,
            "today": today,
            "due": services.due_at(today),
            "kind_fields": kind_fields,
        },
    )


@login_required
def enterprise_page(request, pk: int):
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    day = parse_day(request.GET.get("date"))
    today = timezone.localdate()
    history = services.attach_mismatches(
        SafetyCommitment.objects.filter(
            enterprise=enterprise, day__gt=today - dt.timedelta(days=30)
        ).order_by("-day")
    )
    commitment = next((c for c in history if c.day == day), None)
    if commitment is None:
        found = SafetyCommitment.objects.filter(enterprise=enterprise, day=day).first()
        commitment = services.attach_mismatches([found])[0] if found else None
    start, end = services.day_bounds(day)
    permits = WorkPermit.objects.filter(
        enterprise=enterprise, planned_start__lt=end, planned_end__gt=start
    ).order_by("planned_start")
    status = services.status_of(commitment, day, timezone.now())
    return render(
        request,
        "commitments/enterprise.html",
        {
            "enterprise": enterprise,
            "day": day,
            "today": today,
            "commitment": commitment,
            "status": status,
            "status_label": services.CommitmentStatus(status).label,
            "colour": COMMITMENT_STATUS_COLOURS[status],
            "history": history,
            "permits": permits,
            "required": services.must_commit(enterprise),
            "may_commit": services.can_commit(request.user, enterprise) and day == today,
            "cross_check": _cross_check(commitment),
        },
    )


def _cross_check(commitment):
    if commitment is None:
        return []
    wrong = {m["kind"] for m in commitment.mismatches}
    return [
        {
            "label": kind.label,
            "announced": commitment.count_of(kind),
            "permits": commitment.permit_counts.get(kind.value, 0),
            "mismatch": kind.value in wrong,
        }
        for kind in SpecialWorkKind
    ]


# ---------------------------------------------------------------- permits


def _permit_enterprises(user):
    scope = scope_of(user)
    if scope.sees_all:
        return services.required(Enterprise.objects.all())
    if (
        scope.enterprise_id
        and user.enterprise
        and services.can_enter_permits(user, user.enterprise)
    ):
        return Enterprise.objects.filter(pk=scope.enterprise_id)
    return Enterprise.objects.none()


@login_required
def permit_list(request):
    permits = WorkPermit.objects.visible_to(request.user).select_related("enterprise")
    day = request.GET.get("date", "")
    if day:
        start, end = services.day_bounds(parse_day(day))
        permits = permits.filter(planned_start__lt=end, planned_end__gt=start)
    kind = request.GET.get("kind", "")
    if kind in SpecialWorkKind.values:
        permits = permits.filter(kind=kind)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        permits = permits.filter(number__icontains=q) | permits.filter(
            enterprise__name__icontains=q
        )
    page = Paginator(permits.order_by("-planned_start", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commitments/permits.html",
        {
            "page": page,
            "kind": kind,
            "kinds": SpecialWorkKind.choices,
            "q": q,
            "date": day,
            "may_enter": _permit_enterprises(request.user).exists(),
            "may_overview": services.can_see_overview(request.user),
            "query": _query(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_new(request):
    enterprises = _permit_enterprises(request.user)
    if not enterprises.exists():
        raise PermissionDenied(_("You may not enter work permits."))
    form = PermitForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.PERMIT_FIELDS}
        try:
            permit = services.save_permit(
                user=request.user, enterprise=form.cleaned_data["enterprise"], data=data
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Work permit %(number)s saved.") % {"number": permit.number}
            )
            return redirect("commitments:permits")
    return render(request, "commitments/permit_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def permit_import(request):
    enterprises = _permit_enterprises(request.user)
    if not enterprises.exists():
        raise PermissionDenied(_("You may not enter work permits."))
    context = {"enterprises": enterprises, "single": enterprises.count() == 1}
    if request.method == "POST":
        upload = request.FILES.get("file")
        raw = request.POST.get("enterprise", "")
        enterprise = (
            enterprises.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
        )
        if context["single"]:
            enterprise = enterprises.first()
        if enterprise is None:
            messages.error(request, _("Choose the enterprise."))
        elif upload is None:
            messages.error(request, _("Choose an Excel file."))
        else:
            try:
                report = excel.import_permits(
                    upload.read(), user=request.user, enterprise=enterprise
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                if report.ok:
                    messages.success(
                        request,
                        _("Imported %(created)d work permits.") % {"created": report.created},
                    )
                    return redirect("commitments:permits")
                context["errors"] = report.errors
    return render(request, "commitments/permit_import.html", context)


@login_required
def permit_template(request):
    return xlsx_response(excel.template(), "work-permits-template")


# ---------------------------------------------------------------- county overview


def _overview(request):
    if not services.can_see_overview(request.user):
        raise PermissionDenied(_("The commitment overview is for county and city regulators."))
    day = parse_day(request.GET.get("date"))
    rows = services.overview(day=day, enterprises=Enterprise.objects.visible_to(request.user))
    return day, rows


@login_required
def overview(request):
    day, rows = _overview(request)
    totals = services.CountyRow(code="", name=_("Total"))
    for r in rows:
        for name in ("required", "on_time", "late", "missing", "pending", "mismatches"):
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
    return render(
        request,
        "commitments/overview.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "rows": rows,
            "totals": totals,
            "chart": [r.as_dict() for r in rows],
        },
    )


@login_required
def overview_export(request):
    day, rows = _overview(request)
    return xlsx_response(excel.export_overview(rows, day), f"commitment-overview-{day}")
