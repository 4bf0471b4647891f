"""Who can reach where, and how fast: pure numpy over arrays of coordinates, no database.

Estimated arrival (minutes) = turn-out time + road distance ÷ speed, where road distance is the
great-circle distance times a road factor (settings ANLAN_RESCUE_TURNOUT_MINUTES, _SPEED_KMH,
_ROAD_FACTOR). Coverage finds, for every mine, the nearest team: the nearest by road is the
nearest on the sphere, hence the nearest in straight 3-D distance between points on the unit
sphere, so it compares vectors with one matrix product per block instead of computing every
great-circle distance, then computes the exact distance only for the pairs it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

EARTH_RADIUS_KM = 6371.0088
# Mines per block in coverage: the block's matrix is block × teams × 4 bytes (16 MB for 1,000
# teams) instead of one 40 MB matrix for 10,000 × 1,000.
BLOCK = 4096


@dataclass(frozen=True)
class ReachParams:
    turnout_minutes: float
    speed_kmh: float
    road_factor: float
    limit_minutes: float

    @classmethod
    def from_settings(cls) -> ReachParams:
        return cls(
            turnout_minutes=settings.ANLAN_RESCUE_TURNOUT_MINUTES,
            speed_kmh=settings.ANLAN_RESCUE_SPEED_KMH,
            road_factor=settings.ANLAN_RESCUE_ROAD_FACTOR,
            limit_minutes=settings.ANLAN_RESCUE_COVERAGE_MINUTES,
        )

    def road_km(self, great_circle_km):
        return np.asarray(great_circle_km) * self.road_factor

    def eta_minutes(self, great_circle_km):
        return self.turnout_minutes + self.road_km(great_circle_km) / self.speed_kmh * 60.0


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; the arguments broadcast against each other."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat, lon) -> np.ndarray:
    """(n, 3) points on the unit sphere."""
    phi, lmb = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)))


@dataclass
class Coverage:
    nearest: np.ndarray  # index of the nearest team for each mine (-1: no team at all)
    distance_km: np.ndarray  # great-circle distance to it
    road_km: np.ndarray
    eta_minutes: np.ndarray  # inf where there is no team
    covered: np.ndarray  # bool: eta within the limit


def coverage(mine_lat, mine_lon, team_lat, team_lon, params: ReachParams) -> Coverage:
    """The nearest team of every mine, its estimated arrival and whether that is within the
    limit. Works in blocks of mines; memory is BLOCK × teams, whatever the number of mines.

    The search runs in float32 on vectors centred on the teams' mean, so the numbers stay small
    and their rounding stays far below the distances compared (float32 on raw unit vectors, whose
    dot products all sit near 1, would blur distances under about 2 km); the distance to the team
    kept is then computed exactly in float64.
    """
    mine_lat = np.asarray(mine_lat, dtype=float)
    mine_lon = np.asarray(mine_lon, dtype=float)
    n = mine_lat.shape[0]
    nearest = np.full(n, -1, dtype=np.int64)
    if n and len(team_lat):
        teams = unit_vectors(team_lat, team_lon)
        centre = teams.mean(axis=0)
        t = (teams - centre).astype(np.float32)
        m = (unit_vectors(mine_lat, mine_lon) - centre).astype(np.float32)
        # argmin over teams of |m - t|² = |m|² + |t|² - 2 m·t, and |m|² is the same for a row:
        # [m, 1] @ [[-2 t], [|t|²]] gives the rest in one matrix product.
        rhs = np.vstack((-2.0 * t.T, (t * t).sum(axis=1)[None, :])).astype(np.float32)
        lhs = np.hstack((m, np.ones((n, 1), dtype=np.float32)))
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            nearest[start:stop] = np.argmin(lhs[start:stop] @ rhs, axis=1)
    has = nearest >= 0
    distance = np.full(n, np.inf)
    if has.any():
        idx = nearest[has]
        distance[has] = haversine_km(
            mine_lat[has],
            mine_lon[has],
            np.asarray(team_lat, dtype=float)[idx],
            np.asarray(team_lon, dtype=float)[idx],
        )
    road = params.road_km(distance)
    eta = params.eta_minutes(distance)
    return Coverage(
        nearest=nearest,
        distance_km=distance,
        road_km=road,
        eta_minutes=eta,
        covered=eta <= params.limit_minutes,
    )


def all_distances_km(mine_lat, mine_lon, team_lat, team_lon) -> np.ndarray:
    """Every mine-to-team distance with plain broadcasting: the baseline the benchmark compares
    coverage() with."""
    return haversine_km(
        np.asarray(mine_lat, dtype=float)[:, None],
        np.asarray(mine_lon, dtype=float)[:, None],
        np.asarray(team_lat, dtype=float)[None, :],
        np.asarray(team_lon, dtype=float)[None, :],
    )


def rank(lat: float, lon: float, team_lat, team_lon, eligible, params: ReachParams):
    """Teams ordered by estimated arrival at (lat, lon): (order of eligible teams, distance km,
    eta minutes) where the arrays are for all teams and ``order`` lists eligible indexes only."""
    distance = haversine_km(lat, lon, np.asarray(team_lat, float), np.asarray(team_lon, float))
    eta = params.eta_minutes(distance)
    eligible = np.asarray(eligible, dtype=bool)
    candidates = np.flatnonzero(eligible)
    order = candidates[np.argsort(eta[candidates], kind="stable")]
    return order, distance, eta
