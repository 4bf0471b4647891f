"""Coverage of high-gas, outburst and rock-burst mines (the flags in ANLAN_RESCUE_COVERAGE_FLAGS):
each mine's nearest qualified team and its estimated arrival; mines beyond the limit are gaps.
"What if": add planned teams, or points on the map, and see which gaps close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anlan.registry.choices import EnterpriseStatus
from anlan.registry.models import Enterprise

from . import reach
from .choices import Capability, Staffing, TeamStatus
from .models import Team
from .models.teams import CHINA_LATITUDE, CHINA_LONGITUDE
from .services import on_duty


@dataclass
class Site:
    """A team base in the analysis: a real team, a planned one, or a point added on the map."""

    name: str
    lat: float
    lon: float
    team: Team | None = None
    what_if: bool = False

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "team_id": self.team.pk if self.team else None,
            "what_if": self.what_if,
        }


@dataclass
class MineRow:
    enterprise: Enterprise
    flags: list[str]
    site: Site | None
    road_km: float | None
    eta_minutes: float | None
    covered: bool
    was_gap: bool = False  # a gap before the what-if sites were added

    def as_dict(self) -> dict:
        e = self.enterprise
        return {
            "enterprise_id": e.pk,
            "enterprise": e.name,
            "region": e.region.full_name,
            "flags": self.flags,
            "lat": float(e.latitude),
            "lon": float(e.longitude),
            "nearest_team": self.site.name if self.site else None,
            "nearest_team_id": self.site.team.pk if self.site and self.site.team else None,
            "what_if": bool(self.site and self.site.what_if),
            "distance_km": None if self.road_km is None else round(self.road_km, 1),
            "eta_minutes": None if self.eta_minutes is None else round(self.eta_minutes, 1),
            "covered": self.covered,
            "closed_by_what_if": self.covered and self.was_gap,
        }


@dataclass
class CoverageResult:
    rows: list[MineRow]
    sites: list[Site]
    limit_minutes: float
    on_duty_only: bool
    without_location: int = 0
    gaps_before: int | None = None
    excluded_teams: list[tuple[Team, str]] = field(default_factory=list)

    @property
    def gaps(self) -> list[MineRow]:
        return [r for r in self.rows if not r.covered]

    def summary(self) -> dict:
        return {
            "mines": len(self.rows),
            "covered": len(self.rows) - len(self.gaps),
            "gaps": len(self.gaps),
            "gaps_before_what_if": self.gaps_before,
            "limit_minutes": self.limit_minutes,
            "on_duty_only": self.on_duty_only,
            "mines_without_location": self.without_location,
        }


def reach_km() -> float:
    """The straight-line distance a team covers within the limit (the circles on the map)."""
    p = reach.ReachParams.from_settings()
    return max(0.0, (p.limit_minutes - p.turnout_minutes) / 60 * p.speed_kmh / p.road_factor)


def qualified_teams(*, on_duty_only: bool, now: dt.datetime | None = None):
    """Full-time mine-rescue teams in service with a base location (and on duty now, if asked);
    and the others that were left out, with why."""
    teams = list(
        Team.objects.filter(status=TeamStatus.ACTIVE, latitude__isnull=False).order_by("name")
    )
    duty = on_duty(now, teams=[t.pk for t in teams]) if on_duty_only else {}
    kept, left_out = [], []
    for t in teams:
        if Capability.MINE_RESCUE not in t.capabilities:
            continue
        if t.staffing != Staffing.FULL_TIME:
            left_out.append((t, _("part-time")))
        elif on_duty_only and t.pk not in duty:
            left_out.append((t, _("not on duty now")))
        else:
            kept.append(t)
    return kept, left_out


def parse_points(raw: str) -> list[Site]:
    """``lat,lon[,name];lat,lon…`` typed on the what-if form, checked to lie in China."""
    sites = []
    for n, chunk in enumerate((c for c in (raw or "").split(";") if c.strip()), start=1):
        parts = [p.strip() for p in chunk.split(",")]
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise ValidationError(
                {
                    "points": _("Point %(n)d: write latitude,longitude (e.g. 37.19,112.17).")
                    % {"n": n}
                }
            ) from None
        if not (CHINA_LATITUDE[0] <= lat <= CHINA_LATITUDE[1]) or not (
            CHINA_LONGITUDE[0] <= lon <= CHINA_LONGITUDE[1]
        ):
            raise ValidationError(
                {
                    "points": _("Point %(n)d (%(lat)s, %(lon)s) is outside China.")
                    % {"n": n, "lat": lat, "lon": lon}
                }
            )
        name = parts[2] if len(parts) > 2 and parts[2] else _("Point %(n)d") % {"n": n}
        sites.append(Site(name=name[:50], lat=lat, lon=lon, what_if=True))
    if len(sites) > 50:
        raise ValidationError({"points": _("At most 50 points.")})
    return sites


def analyse(
    *,
    user,
    on_duty_only: bool = True,
    planned: list[Team] | tuple = (),
    points: list[Site] | tuple = (),
    region_code: str = "",
    now: dt.datetime | None = None,
) -> CoverageResult:
    params = reach.ReachParams.from_settings()
    mines = (
        Enterprise.objects.visible_to(user)
        .filter(risk_flags__code__in=settings.ANLAN_RESCUE_COVERAGE_FLAGS)
        .exclude(status=EnterpriseStatus.CLOSED)
        .select_related("region")
        .prefetch_related("risk_flags")
        .distinct()
    )
    if region_code:
        from anlan.core.models import within_region_code

        mines = within_region_code(mines, region_code)
    mines = list(mines)
    located = [m for m in mines if m.has_location]
    teams, left_out = qualified_teams(on_duty_only=on_duty_only, now=now)
    sites = [Site(t.name, float(t.latitude), float(t.longitude), team=t) for t in teams]
    what_if = [
        Site(t.name, float(t.latitude), float(t.longitude), team=t, what_if=True)
        for t in planned
        if t.has_location
    ] + list(points)
    m_lat = np.array([float(m.latitude) for m in located])
    m_lon = np.array([float(m.longitude) for m in located])

    def run(site_list):
        return reach.coverage(
            m_lat,
            m_lon,
            np.array([s.lat for s in site_list]),
            np.array([s.lon for s in site_list]),
            params,
        )

    base = run(sites)
    result = run(sites + what_if) if what_if else base
    all_sites = sites + what_if
    flags = set(settings.ANLAN_RESCUE_COVERAGE_FLAGS)
    rows = []
    for i, m in enumerate(located):
        idx = int(result.nearest[i])
        has_site = idx >= 0
        rows.append(
            MineRow(
                enterprise=m,
                flags=[f.code for f in m.risk_flags.all() if f.code in flags],
                site=all_sites[idx] if has_site else None,
                road_km=float(result.road_km[i]) if has_site else None,
                eta_minutes=float(result.eta_minutes[i]) if has_site else None,
                covered=bool(result.covered[i]),
                was_gap=not bool(base.covered[i]),
            )
        )
    rows.sort(key=lambda r: (r.covered, -(r.eta_minutes or float("inf")), r.enterprise.name))
    return CoverageResult(
        rows=rows,
        sites=all_sites,
        limit_minutes=params.limit_minutes,
        on_duty_only=on_duty_only,
        without_location=len(mines) - len(located),
        gaps_before=int((~base.covered).sum()) if what_if else None,
        excluded_teams=left_out,
    )
