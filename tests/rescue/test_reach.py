"""The arithmetic behind arrival estimates and coverage (no database)."""

import numpy as np
import pytest

from anlan.rescue import reach

PARAMS = reach.ReachParams(turnout_minutes=1, speed_kmh=50, road_factor=1.4, limit_minutes=30)


def test_a_degree_of_latitude_is_about_111_km():
    assert reach.haversine_km(37.0, 112.0, 38.0, 112.0) == pytest.approx(111.2, abs=0.2)


def test_arrival_is_turnout_plus_road_distance_at_speed():
    # 10 km straight → 14 km of road at 50 km/h = 16.8 minutes, plus 1 to turn out.
    assert float(PARAMS.eta_minutes(10.0)) == pytest.approx(17.8)


def test_coverage_finds_the_same_nearest_team_as_every_distance_would():
    rng = np.random.default_rng(1)
    mines = rng.uniform(34.5, 40.7, 3000), rng.uniform(110.2, 114.6, 3000)
    teams = rng.uniform(34.5, 40.7, 300), rng.uniform(110.2, 114.6, 300)
    result = reach.coverage(*mines, *teams, PARAMS)
    full = reach.all_distances_km(*mines, *teams)
    assert (result.nearest == full.argmin(axis=1)).all()
    assert np.allclose(result.distance_km, full.min(axis=1))
    assert (result.covered == (result.eta_minutes <= 30)).all()


def test_a_mine_with_no_team_at_all_is_a_gap():
    result = reach.coverage([37.0], [112.0], [], [], PARAMS)
    assert result.nearest.tolist() == [-1]
    assert not result.covered[0]


def test_ranking_leaves_out_ineligible_teams_and_orders_by_arrival():
    order, distance, eta = reach.rank(
        37.0, 112.0, [37.5, 37.1, 37.05], [112.0, 112.0, 112.0], [True, True, False], PARAMS
    )
    assert order.tolist() == [1, 0]
    assert eta[2] < eta[1] < eta[0]
