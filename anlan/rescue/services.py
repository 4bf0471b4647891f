"""Rescue operations: teams, duty rosters and readiness, and the per-team facts (on duty now,
breathing sets in service, active members) that the board, the recommendation and coverage use.
Incidents and dispatch are in dispatch.py; coverage in coverage.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import UserRole
from anlan.core.models import within_region_code
from anlan.core.scoping import scope_of

from .choices import (
    EquipmentCategory,
    ItemStatus,
    MemberStatus,
    Readiness,
    Shift,
    TeamStatus,
)
from .models import DutyShift, EquipmentItem, Member, Team, TeamContact

REGULATOR_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}


def may_manage(user, team: Team | None = None) -> bool:
    """Who changes a team and its records (members, equipment, duty, drills): system admins;
    city admins and county regulators over a team they see; a team's own commander. Without a
    team: who may register one (admins and regulators)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return True
    if team is None:
        return user.role in (UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR)
    if user.role == UserRole.RESCUE_COMMANDER:
        return user.team_id == team.pk
    if user.role in (UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR):
        return Team.objects.visible_to(user).filter(pk=team.pk).exists()
    return False


def may_command(user) -> bool:
    """Who records incidents and sends teams: regulators and rescue commanders."""
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in REGULATOR_ROLES | {UserRole.RESCUE_COMMANDER}
    )


def _require(user, team=None) -> None:
    if not may_manage(user, team):
        raise PermissionDenied(_("You may not change this team."))


# --- Teams -----------------------------------------------------------------------------------


@transaction.atomic
def save_team(*, user, data: dict, team: Team | None = None, contacts=None) -> Team:
    """Create or update a team (and replace its 24-hour contacts when given)."""
    _require(user, team)
    linked = data.pop("linked_enterprises", None)
    team = team or Team()
    for key, value in data.items():
        setattr(team, key, value)
    if team.region_id and scope_of(user).region_prefix and not user.is_superuser:
        if user.role != UserRole.RESCUE_COMMANDER and not team.region.prefix.startswith(
            scope_of(user).region_prefix
        ):
            raise ValidationError({"region": _("This region is outside your jurisdiction.")})
    team.full_clean()
    team.save()
    if linked is not None:
        team.linked_enterprises.set(linked)
    if contacts is not None:
        team.contacts.all().delete()
        for order, contact in enumerate(contacts, start=1):
            row = TeamContact(team=team, order=order, **contact)
            try:
                row.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    {f"contacts[{order - 1}].{k}": v for k, v in exc.message_dict.items()}
                ) from exc
            row.save()
    return team


# --- Duty ------------------------------------------------------------------------------------


def shift_window(day: dt.date, shift: str) -> tuple[dt.datetime, dt.datetime]:
    """The local start and end of a shift."""
    tz = timezone.get_current_timezone()
    start_hour, night_hour = (int(h) for h in settings.ANLAN_RESCUE_DAY_SHIFT_HOURS[:2])
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    if shift == Shift.DAY:
        return midnight + dt.timedelta(hours=start_hour), midnight + dt.timedelta(hours=night_hour)
    if shift == Shift.NIGHT:
        return (
            midnight + dt.timedelta(hours=night_hour),
            midnight + dt.timedelta(days=1, hours=start_hour),
        )
    return midnight, midnight + dt.timedelta(days=1)


def on_duty(now: dt.datetime | None = None, teams=None) -> dict[int, DutyShift]:
    """The shift each team is on now (team id → shift), from today's and yesterday's roster."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    shifts = DutyShift.objects.filter(day__in=(today, today - dt.timedelta(days=1)))
    if teams is not None:
        shifts = shifts.filter(team__in=teams)
    found: dict[int, DutyShift] = {}
    windows: dict[tuple, tuple] = {}
    for shift in shifts.select_related("commander", "unit"):
        key = (shift.day, shift.shift)
        if key not in windows:
            windows[key] = shift_window(shift.day, shift.shift)
        start, end = windows[key]
        if start <= now < end:
            found.setdefault(shift.team_id, shift)
    return found


@transaction.atomic
def save_shift(*, user, team: Team, data: dict) -> DutyShift:
    """Put a squad and a commander on duty for a day and shift (replacing that shift's entry)."""
    _require(user, team)
    shift = DutyShift.objects.filter(team=team, day=data["day"], shift=data["shift"]).first()
    shift = shift or DutyShift(team=team)
    for key, value in data.items():
        setattr(shift, key, value)
    shift.full_clean(validate_constraints=False)
    shift.save()
    return shift


@transaction.atomic
def raise_readiness(*, user, teams, readiness: str, reason: str, until: dt.date) -> int:
    """Raise the readiness of the given teams' shifts from today until ``until`` (a warning does
    this); returns the number of shifts changed. Shifts not yet rostered are not created."""
    if readiness not in Readiness.values:
        raise ValidationError({"readiness": _("Unknown readiness state.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why readiness is raised.")})
    for team in teams:
        _require(user, team)
    return DutyShift.objects.filter(
        team__in=teams, day__gte=timezone.localdate(), day__lte=until
    ).update(readiness=readiness, readiness_reason=reason.strip()[:200])


# --- Facts per team --------------------------------------------------------------------------


@dataclass
class TeamFacts:
    team: Team
    shift: DutyShift | None = None
    breathing_sets: int = 0
    members: int = 0
    equipment_items: int = 0
    overdue_checks: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def on_duty(self) -> bool:
        return self.shift is not None

    @property
    def readiness(self) -> str:
        return self.shift.readiness if self.shift else self.team.readiness


def team_facts(teams, now: dt.datetime | None = None) -> list[TeamFacts]:
    """For each team: its shift now, breathing apparatus sets in service, active members — in
    three queries whatever the number of teams."""
    teams = list(teams)
    ids = [t.pk for t in teams]
    shifts = on_duty(now, teams=ids)
    breathing = dict(
        EquipmentItem.objects.filter(
            team__in=ids,
            status=ItemStatus.IN_SERVICE,
            equipment_type__category=EquipmentCategory.BREATHING,
        )
        .values_list("team")
        .annotate(n=Sum("quantity"))
    )
    members = dict(
        Member.objects.filter(team__in=ids)
        .exclude(status=MemberStatus.LEFT)
        .values_list("team")
        .annotate(n=Count("pk"))
    )
    items = dict(
        EquipmentItem.objects.filter(team__in=ids)
        .exclude(status=ItemStatus.RETIRED)
        .values_list("team")
        .annotate(n=Sum("quantity"))
    )
    return [
        TeamFacts(
            team=t,
            shift=shifts.get(t.pk),
            breathing_sets=int(breathing.get(t.pk) or 0),
            members=int(members.get(t.pk) or 0),
            equipment_items=int(items.get(t.pk) or 0),
        )
        for t in teams
    ]


def with_overdue_checks(facts: list[TeamFacts], now: dt.datetime | None = None) -> list[TeamFacts]:
    """Fill in each team's number of overdue equipment checks (for the board)."""
    from collections import Counter

    from .services_equipment import due_checks

    ids = [f.team.pk for f in facts]
    counts = Counter(
        r.item.team_id
        for r in due_checks(EquipmentItem.objects.filter(team__in=ids), now)
        if r.overdue
    )
    for f in facts:
        f.overdue_checks = counts.get(f.team.pk, 0)
    return facts


def in_service_teams():
    return Team.objects.filter(status=TeamStatus.ACTIVE)


def board_teams(user, *, kind: str = "", region_code: str = ""):
    teams = Team.objects.visible_to(user).select_related("region", "parent")
    if kind:
        teams = teams.filter(kind=kind)
    if region_code:
        teams = within_region_code(teams, region_code)
    return teams.exclude(status=TeamStatus.DISBANDED)
