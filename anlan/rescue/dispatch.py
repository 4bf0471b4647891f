"""Incidents, the dispatch recommendation and dispatches with their stage times.

The recommendation ranks every in-service team with a base location by estimated arrival
(reach.py); a team is eligible when it has the capability the incident needs, is on duty now and,
for gas, fire and chemical incidents, has enough breathing apparatus in service. Each team carries
its reasons: why it is where it is, or why it is not recommended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import reach
from .choices import (
    BREATHING_KINDS,
    KIND_CAPABILITY,
    STAGE_FIELDS,
    Capability,
    DispatchStage,
    IncidentStatus,
)
from .models import Dispatch, Incident, IncidentEvent, Team
from .services import TeamFacts, in_service_teams, may_command, team_facts


def _require(user) -> None:
    if not may_command(user):
        raise PermissionDenied(_("Only regulators and rescue commanders handle incidents."))


# --- Incidents -------------------------------------------------------------------------------


@transaction.atomic
def record_incident(*, user, data: dict) -> Incident:
    _require(user)
    incident = Incident(created_by=user, **data)
    if incident.enterprise_id and not incident.region_id:
        incident.region = incident.enterprise.region
    if incident.enterprise_id and not incident.has_location and incident.enterprise.has_location:
        incident.latitude = incident.enterprise.latitude
        incident.longitude = incident.enterprise.longitude
    if not incident.has_location:
        raise ValidationError(
            {"latitude": _("Give the place's coordinates (or pick an enterprise that has them).")}
        )
    incident.full_clean()
    incident.save()
    IncidentEvent.objects.create(
        incident=incident,
        at=incident.reported_at,
        text=_("Reported: %(kind)s at %(place)s; %(trapped)d trapped.")
        % {
            "kind": incident.get_kind_display(),
            "place": incident.place,
            "trapped": incident.trapped,
        },
        user=user,
    )
    return incident


COUNT_FIELDS = ("trapped", "injured", "dead", "rescued")


@transaction.atomic
def update_incident(*, user, incident: Incident, data: dict, note: str = "") -> Incident:
    """Change the casualty counts, severity or status; each change is a line of the timeline."""
    _require(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": _("The incident is closed.")})
    changes = []
    for key, value in data.items():
        if value is None or getattr(incident, key) == value:
            continue
        old = getattr(incident, key)
        setattr(incident, key, value)
        label = str(Incident._meta.get_field(key).verbose_name)
        if key == "severity":
            changes.append(f"{label}: {incident.get_severity_display()}")
        elif key == "status":
            changes.append(f"{label}: {incident.get_status_display()}")
        else:
            changes.append(f"{label}: {old} → {value}")
    if incident.status == IncidentStatus.CLOSED:
        incident.closed_at = timezone.now()
    incident.full_clean()
    incident.save()
    text = "；".join(changes)
    if note.strip():
        text = f"{text}；{note.strip()}" if text else note.strip()
    if text:
        IncidentEvent.objects.create(incident=incident, text=text[:500], user=user)
    return incident


# --- Recommendation --------------------------------------------------------------------------


@dataclass
class Candidate:
    facts: TeamFacts
    distance_km: float | None
    road_km: float | None
    eta_minutes: float | None
    eligible: bool
    rank: int | None = None
    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def team(self) -> Team:
        return self.facts.team

    def as_dict(self) -> dict:
        shift = self.facts.shift
        return {
            "team_id": self.team.pk,
            "team": self.team.name,
            "kind": self.team.kind,
            "rank": self.rank,
            "eligible": self.eligible,
            "on_duty": self.facts.on_duty,
            "duty_commander": shift.commander.name if shift else None,
            "readiness": self.facts.readiness,
            "distance_km": None if self.road_km is None else round(self.road_km, 1),
            "eta_minutes": None if self.eta_minutes is None else round(self.eta_minutes, 1),
            "breathing_sets": self.facts.breathing_sets,
            "members": self.facts.members,
            "reasons": self.reasons,
            "problems": self.problems,
        }


def needed_capability(incident: Incident) -> str | None:
    return KIND_CAPABILITY.get(incident.kind)


def recommend(
    incident: Incident,
    *,
    now: dt.datetime | None = None,
    teams=None,
    limit: int | None = None,
) -> list[Candidate]:
    """In-service teams with a location: eligible ones first by estimated arrival (rank 1 is the
    fastest), then the others by arrival with what keeps them out. ``limit`` keeps that many of
    each (reasons are written only for the teams returned)."""
    params = reach.ReachParams.from_settings()
    teams = list(
        (teams if teams is not None else in_service_teams())
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("region")
    )
    facts = team_facts(teams, now)
    if not facts or not incident.has_location:
        return []
    lat = np.array([float(f.team.latitude) for f in facts])
    lon = np.array([float(f.team.longitude) for f in facts])
    needed = needed_capability(incident)
    needs_breathing = incident.kind in BREATHING_KINDS
    min_sets = settings.ANLAN_RESCUE_MIN_BREATHING_SETS
    capable = np.array([needed is None or needed in f.team.capabilities for f in facts])
    duty = np.array([f.on_duty for f in facts])
    kit = np.array([not needs_breathing or f.breathing_sets >= min_sets for f in facts])
    eligible = capable & duty & kit
    order, distance, eta = reach.rank(
        float(incident.latitude), float(incident.longitude), lat, lon, eligible, params
    )
    road = params.road_km(distance)
    rest = np.flatnonzero(~eligible)
    rest = rest[np.argsort(eta[rest], kind="stable")]
    if limit is not None:
        order, rest = order[:limit], rest[:limit]
    candidates = []
    for n, i in enumerate([*order, *rest], start=1):
        c = Candidate(
            facts=facts[i],
            distance_km=float(distance[i]),
            road_km=float(road[i]),
            eta_minutes=float(eta[i]),
            eligible=bool(eligible[i]),
            rank=n if eligible[i] else None,
        )
        _explain(c, needed, needs_breathing, min_sets, params)
        candidates.append(c)
    return candidates


def _explain(c: Candidate, needed, needs_breathing, min_sets, params) -> None:
    f = c.facts
    eta_text = _(
        "%(km).1f km by road (estimated), about %(min).0f minutes including %(turnout).0f "
        "minute(s) to turn out"
    ) % {"km": c.road_km, "min": c.eta_minutes, "turnout": params.turnout_minutes}
    c.reasons.append(eta_text)
    if c.eta_minutes > params.limit_minutes:
        c.reasons.append(_("beyond the %(limit).0f-minute limit") % {"limit": params.limit_minutes})
    if needed:
        if needed in f.team.capabilities:
            c.reasons.append(_("capability: %(cap)s") % {"cap": Capability(needed).label})
        else:
            c.problems.append(_("lacks the capability %(cap)s") % {"cap": Capability(needed).label})
    if f.shift:
        unit = f"{f.shift.unit.name}，" if f.shift.unit_id else ""
        c.reasons.append(
            _("on duty now: %(unit)scommander %(name)s (%(readiness)s)")
            % {
                "unit": unit,
                "name": f.shift.commander.name,
                "readiness": f.shift.get_readiness_display(),
            }
        )
    else:
        c.problems.append(_("not on duty now (no shift on the roster)"))
    if needs_breathing:
        if f.breathing_sets >= min_sets:
            c.reasons.append(
                _("%(n)d breathing apparatus sets in service") % {"n": f.breathing_sets}
            )
        else:
            c.problems.append(
                _("only %(n)d breathing apparatus sets in service (needs %(min)d)")
                % {"n": f.breathing_sets, "min": min_sets}
            )
    c.reasons.append(_("%(n)d active members") % {"n": f.members})


# --- Dispatch --------------------------------------------------------------------------------


@transaction.atomic
def dispatch_team(
    *,
    user,
    incident: Incident,
    team: Team,
    force_reason: str = "",
    at: dt.datetime | None = None,
) -> Dispatch:
    """Send a team: refused for a team not in service, already sent, or off duty — an off-duty
    team is sent only with a reason, which is recorded."""
    _require(user)
    at = at or timezone.now()
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"incident": _("The incident is closed.")})
    if incident.dispatches.filter(team=team).exists():
        raise ValidationError({"team": _("%(team)s was already sent.") % {"team": team.name}})
    if team.status != "active":
        raise ValidationError(
            {
                "team": _("%(team)s is not in service (%(status)s).")
                % {"team": team.name, "status": team.get_status_display()}
            }
        )
    if not team.has_location:
        raise ValidationError({"team": _("%(team)s has no base location.") % {"team": team.name}})
    # The team's place in the ranking at the time of sending; a team beyond the first 50 of
    # either list is estimated on its own (no rank).
    ranking = recommend(incident, now=at, limit=50)
    candidate = next((c for c in ranking if c.team.pk == team.pk), None)
    if candidate is None:
        candidate = recommend(incident, now=at, teams=Team.objects.filter(pk=team.pk))[0]
        candidate.rank = None
    rank = candidate.rank
    force_reason = (force_reason or "").strip()
    if not candidate.facts.on_duty and not force_reason:
        raise ValidationError(
            {
                "team": _(
                    "%(team)s is off duty now. Give a reason to send it anyway (force_reason)."
                )
                % {"team": team.name}
            }
        )
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    dispatch = Dispatch.objects.create(
        incident=incident,
        team=team,
        rank=rank,
        distance_km=round(candidate.road_km, 1),
        eta_minutes=round(candidate.eta_minutes, 1),
        forced=bool(force_reason) and not candidate.facts.on_duty,
        force_reason=force_reason if not candidate.facts.on_duty else "",
        notified_at=at,
        sent_by=user,
    )
    text = _("%(team)s notified (estimated arrival %(eta).0f min).") % {
        "team": team.name,
        "eta": candidate.eta_minutes,
    }
    if dispatch.forced:
        text += " " + _("Sent although off duty: %(reason)s") % {"reason": force_reason}
    IncidentEvent.objects.create(
        incident=incident,
        at=at,
        text=text[:500],
        dispatch=dispatch,
        stage=DispatchStage.NOTIFIED,
        user=user,
    )
    if incident.status == IncidentStatus.OPEN:
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RESPONDING)
        incident.status = IncidentStatus.RESPONDING
    return dispatch


STAGE_TEXT = {
    DispatchStage.TURNED_OUT: gettext_lazy("%(team)s turned out."),
    DispatchStage.ARRIVED: gettext_lazy("%(team)s arrived on site."),
    DispatchStage.RETURNED: gettext_lazy("%(team)s returned to base."),
}


@transaction.atomic
def record_stage(
    *,
    user,
    dispatch: Dispatch,
    stage: str,
    at: dt.datetime | None = None,
    people_rescued: int | None = None,
    result: str = "",
) -> Dispatch:
    """Record that a sent team turned out, arrived or returned, in that order and in time order."""
    _require(user)
    at = at or timezone.now()
    if stage not in STAGE_TEXT:
        raise ValidationError(
            {"stage": _("The stage is one of: %(v)s.") % {"v": ", ".join(STAGE_TEXT)}}
        )
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    stages = list(STAGE_FIELDS)
    index = stages.index(stage)
    if getattr(dispatch, STAGE_FIELDS[stage]):
        raise ValidationError({"stage": _("This stage was already recorded.")})
    previous = getattr(dispatch, STAGE_FIELDS[stages[index - 1]])
    if previous is None:
        raise ValidationError(
            {
                "stage": _("Record “%(prev)s” first.")
                % {"prev": DispatchStage(stages[index - 1]).label}
            }
        )
    if at < previous:
        raise ValidationError(
            {
                "at": _("The time is before the previous stage (%(t)s).")
                % {"t": timezone.localtime(previous).strftime("%Y-%m-%d %H:%M")}
            }
        )
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    setattr(dispatch, STAGE_FIELDS[stage], at)
    if people_rescued is not None:
        dispatch.people_rescued = people_rescued
    if result.strip():
        dispatch.result = result.strip()
    dispatch.save()
    text = str(STAGE_TEXT[stage]) % {"team": dispatch.team.name}
    if stage == DispatchStage.ARRIVED and dispatch.actual_minutes is not None:
        text += " " + _("%(min).0f minutes after the call (estimated %(eta).0f).") % {
            "min": dispatch.actual_minutes,
            "eta": float(dispatch.eta_minutes),
        }
    if people_rescued:
        text += " " + _("%(n)d people rescued.") % {"n": people_rescued}
    IncidentEvent.objects.create(
        incident=dispatch.incident,
        at=at,
        text=text[:500],
        dispatch=dispatch,
        stage=stage,
        user=user,
    )
    return dispatch


def team_history(teams):
    """Per team: incidents it was sent to, arrived at, people rescued, average minutes from call
    to arrival."""
    rows = (
        Dispatch.objects.filter(team__in=teams)
        .values("team", "team__name")
        .annotate(
            sent=Count("pk"),
            arrived=Count("pk", filter=Q(arrived_at__isnull=False)),
            rescued=Sum("people_rescued"),
            first=Min("notified_at"),
        )
        .order_by("-sent", "team__name")
    )
    minutes = {}
    for d in Dispatch.objects.filter(team__in=teams, arrived_at__isnull=False).only(
        "team", "notified_at", "arrived_at"
    ):
        minutes.setdefault(d.team_id, []).append(d.actual_minutes)
    return [
        {
            "team_id": r["team"],
            "team": r["team__name"],
            "sent": r["sent"],
            "arrived": r["arrived"],
            "rescued": r["rescued"] or 0,
            "average_minutes": round(sum(minutes[r["team"]]) / len(minutes[r["team"]]), 1)
            if minutes.get(r["team"])
            else None,
        }
        for r in rows
    ]
