"""Rescue pages: the team board and its export, a team's page (contacts, units, duty roster,
equipment, history) and form, the incident desk (list, new incident, the incident with its
recommendation, dispatch buttons and timeline), the coverage map with its what-if, and rescue
history. Every look-up goes through ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response

from . import coverage as coverage_service
from . import dispatch as dispatch_service
from . import services
from .choices import IncidentStatus, TeamKind, TeamStatus
from .excel import export_board, export_coverage
from .forms import (
    DispatchForm,
    IncidentForm,
    IncidentUpdateForm,
    ShiftForm,
    StageForm,
    TeamForm,
)
from .models import Dispatch, Incident, Team

# Teams shown on the incident page: this many ranked, and this many of the others.
RECOMMEND_ROWS = 15


def _counties(user):
    from anlan.core.models import Region

    return Region.objects.filter(level="county", teams__in=Team.objects.visible_to(user)).distinct()


def _board_facts(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in TeamKind.values else ""
    county = request.GET.get("county", "")[:12]
    teams = services.board_teams(request.user, kind=kind, region_code=county)
    facts = services.with_overdue_checks(services.team_facts(teams))
    return facts, {"kind": kind, "county": county}


@login_required
def board(request):
    facts, filters = _board_facts(request)
    facts.sort(key=lambda f: (f.team.status != TeamStatus.ACTIVE, f.team.kind, f.team.name))
    return render(
        request,
        "rescue/board.html",
        {
            "facts": facts,
            "filters": filters,
            "kinds": TeamKind.choices,
            "counties": _counties(request.user),
            "on_duty": sum(f.on_duty for f in facts),
            "members": sum(f.members for f in facts),
            "breathing": sum(f.breathing_sets for f in facts),
            "overdue_checks": sum(f.overdue_checks for f in facts),
            "open_incidents": Incident.objects.visible_to(request.user)
            .exclude(status=IncidentStatus.CLOSED)
            .count(),
            "may_manage": services.may_manage(request.user),
        },
    )


@login_required
def board_export(request):
    facts, _filters = _board_facts(request)
    return xlsx_response(export_board(facts), "rescue-teams")


@login_required
def team_detail(request, pk: int):
    team = get_object_or_404(
        Team.objects.visible_to(request.user).select_related("region", "parent"), pk=pk
    )
    facts = services.team_facts([team])[0]
    today = timezone.localdate()
    roster = team.duty.filter(day__gte=today - dt.timedelta(days=1), day__lte=today + dt.timedelta(days=7)).select_related("unit", "commander").order_by("day", "shift")  # fmt: skip
    equipment = (
        team.equipment.exclude(status="retired")
        .values("equipment_type__name", "equipment_type__model", "status")
        .annotate(n=Count("pk"))
        .order_by("equipment_type__name")
    )
    units = team.units.annotate(n=Count("members")).order_by("kind", "name")
    return render(
        request,
        "rescue/team_detail.html",
        {
            "team": team,
            "facts": facts,
            "roster": roster,
            "equipment": equipment,
            "units": units,
            "children": team.children.all(),
            "linked": team.linked_enterprises.all(),
            "history": dispatch_service.team_history([team]),
            "dispatches": team.dispatches.select_related("incident").order_by("-notified_at")[:20],
            "may_manage": services.may_manage(request.user, team),
            "shift_form": ShiftForm(team=team),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_form(request, pk: int | None = None):
    team = None
    if pk is not None:
        team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    if not services.may_manage(request.user, team):
        raise PermissionDenied(_("You may not change this team."))
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            saved = services.save_team(user=request.user, team=team, data=data)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, _("Team saved."))
            return redirect("rescue:team", pk=saved.pk)
    return render(request, "rescue/team_form.html", {"form": form, "team": team})


@login_required
@require_POST
def shift_add(request, pk: int):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = ShiftForm(request.POST, team=team)
    if form.is_valid():
        try:
            services.save_shift(user=request.user, team=team, data=form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Shift saved."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
                for k, v in form.errors.items()
            ),  # noqa: E501
        )
    return redirect("rescue:team", pk=team.pk)


# --- Incidents -------------------------------------------------------------------------------


@login_required
def incident_list(request):
    status = request.GET.get("status", "")
    incidents = Incident.objects.visible_to(request.user).select_related("region", "enterprise")
    if status in IncidentStatus.values:
        incidents = incidents.filter(status=status)
    return render(
        request,
        "rescue/incident_list.html",
        {
            "incidents": incidents.annotate(n_dispatches=Count("dispatches"))[:200],
            "status": status,
            "statuses": IncidentStatus.choices,
            "may_command": services.may_command(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request):
    if not services.may_command(request.user):
        raise PermissionDenied(_("Only regulators and rescue commanders handle incidents."))
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if data.get("region") is None:
            data.pop("region")
        try:
            incident = dispatch_service.record_incident(user=request.user, data=data)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, _("Incident recorded; the recommendation is below."))
            return redirect("rescue:incident", pk=incident.pk)
    return render(request, "rescue/incident_form.html", {"form": form})


@login_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("region", "enterprise"), pk=pk
    )
    sent = {d.team_id for d in incident.dispatches.all()}
    candidates = dispatch_service.recommend(incident, limit=RECOMMEND_ROWS)
    return render(
        request,
        "rescue/incident_detail.html",
        {
            "incident": incident,
            "candidates": candidates,
            "sent": sent,
            "visible_teams": set(
                Team.objects.visible_to(request.user)
                .filter(pk__in=[c.team.pk for c in candidates])
                .values_list("pk", flat=True)
            ),
            "dispatches": incident.dispatches.select_related("team"),
            "events": incident.events.select_related("user"),
            "may_command": services.may_command(request.user)
            and incident.status != IncidentStatus.CLOSED,
            "update_form": IncidentUpdateForm(
                initial={
                    "trapped": incident.trapped,
                    "injured": incident.injured,
                    "dead": incident.dead,
                    "rescued": incident.rescued,
                }
            ),
            "stage_form": StageForm(),
            "limit": coverage_service.reach.ReachParams.from_settings().limit_minutes,
        },
    )


def _incident_for_action(request, pk: int) -> Incident:
    return get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def incident_dispatch(request, pk: int):
    incident = _incident_for_action(request, pk)
    form = DispatchForm(request.POST)
    team = None
    if form.is_valid():
        team = Team.objects.filter(pk=form.cleaned_data["team"]).first()
    if team is None:
        messages.error(request, _("No such team."))
        return redirect("rescue:incident", pk=pk)
    try:
        dispatch_service.dispatch_team(
            user=request.user,
            incident=incident,
            team=team,
            force_reason=form.cleaned_data.get("force_reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(team)s was sent.") % {"team": team.name})
    return redirect("rescue:incident", pk=pk)


@login_required
@require_POST
def dispatch_stage(request, pk: int):
    dispatch = get_object_or_404(
        Dispatch.objects.filter(incident__in=Incident.objects.visible_to(request.user)), pk=pk
    )
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("rescue:incident", pk=dispatch.incident_id)
    try:
        dispatch_service.record_stage(
            user=request.user,
            dispatch=dispatch,
            stage=form.cleaned_data["stage"],
            at=form.cleaned_data.get("at"),
            people_rescued=form.cleaned_data.get("people_rescued"),
            result=form.cleaned_data.get("result") or "",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect("rescue:incident", pk=dispatch.incident_id)


@login_required
@require_POST
def incident_update(request, pk: int):
    incident = _incident_for_action(request, pk)
    form = IncidentUpdateForm(request.POST)
    close = request.POST.get("close") == "1"
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("rescue:incident", pk=pk)
    data = {k: v for k, v in form.cleaned_data.items() if k != "note"}
    if close:
        data["status"] = IncidentStatus.CLOSED
    try:
        dispatch_service.update_incident(
            user=request.user, incident=incident, data=data, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Incident closed.") if close else _("Incident updated."))
    return redirect("rescue:incident", pk=pk)


# --- Coverage and history --------------------------------------------------------------------


def _coverage(request):
    on_duty = request.GET.get("all") != "1"
    planned_ids = request.GET.getlist("planned")
    planned_all = list(Team.objects.filter(status=TeamStatus.PLANNED, latitude__isnull=False))
    chosen = [t for t in planned_all if str(t.pk) in planned_ids]
    error = None
    try:
        points = coverage_service.parse_points(request.GET.get("points", ""))
    except ValidationError as exc:
        points, error = [], " ".join(exc.messages)
    result = coverage_service.analyse(
        user=request.user, on_duty_only=on_duty, planned=chosen, points=points
    )
    return result, planned_all, chosen, error


@login_required
def coverage(request):
    result, planned_all, chosen, error = _coverage(request)
    features = {
        "mines": [r.as_dict() for r in result.rows],
        "teams": [s.as_dict() for s in result.sites],
        "limit_minutes": result.limit_minutes,
        "reach_km": coverage_service.reach_km(),
    }
    return render(
        request,
        "rescue/coverage.html",
        {
            "result": result,
            "summary": result.summary(),
            "planned_all": planned_all,
            "chosen": {t.pk for t in chosen},
            "points": request.GET.get("points", ""),
            "all_teams": request.GET.get("all") == "1",
            "error": error,
            "features": features,
        },
    )


@login_required
def coverage_export(request):
    result, *_rest = _coverage(request)
    return xlsx_response(export_coverage(result), "rescue-coverage")


@login_required
def history(request):
    return render(
        request,
        "rescue/history.html",
        {"rows": dispatch_service.team_history(Team.objects.visible_to(request.user))},
    )
