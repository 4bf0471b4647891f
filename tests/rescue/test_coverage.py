"""Coverage of flagged mines: the gap beyond 30 minutes, closed by a planned squad or a point on
the map; the page, its export, the API and the CLI."""

import io

import pytest
from django.core.management import call_command

from ..factories import LINGSHI
from .ops_setup import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_mine(gas_mine):
    # Move the mine 60 km east of the Lingshi squad: beyond 30 minutes.
    gas_mine.longitude = gas_mine.longitude + 1
    gas_mine.save()
    return gas_mine


@pytest.fixture
def planned(db):
    return make_team("平遥县矿山救援中队（规划）", LINGSHI, "36.80", "112.70", status="planned")


def test_a_mine_beyond_thirty_minutes_is_a_gap_until_the_planned_squad_is_added(
    client,
    city_admin,
    squads,
    far_mine,
    planned,
):
    client.force_login(city_admin)
    before = client.get("/api/rescue/coverage").json()
    assert before["summary"]["gaps"] == 1
    assert before["mines"][0]["nearest_team"] == "灵石县矿山救援中队"
    after = client.get(f"/api/rescue/coverage?planned={planned.pk}").json()
    assert after["summary"] == {**after["summary"], "gaps": 0, "gaps_before_what_if": 1}
    assert after["mines"][0]["closed_by_what_if"] is True
    assert after["mines"][0]["nearest_team"] == planned.name


def test_off_duty_teams_do_not_cover_unless_asked(client, city_admin, squads, gas_mine):
    squads[0].duty.all().delete()
    client.force_login(city_admin)
    assert client.get("/api/rescue/coverage").json()["summary"]["gaps"] == 1
    assert client.get("/api/rescue/coverage?on_duty=false").json()["summary"]["gaps"] == 0


def test_a_what_if_point_outside_china_is_refused(client, city_admin, squads):
    client.force_login(city_admin)
    r = client.get("/api/rescue/coverage?points=37.1,12.0")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "points"
    page = client.get("/rescue/coverage/?points=37.1,12.0").content.decode()
    assert 'data-field="points"' in page


def test_the_coverage_page_lists_the_gap_and_the_what_if_closes_it(
    client,
    city_admin,
    squads,
    far_mine,
    planned,
):
    client.force_login(city_admin)
    page = client.get("/rescue/coverage/").content.decode()
    assert 'data-testid="gap-count">1<' in page and far_mine.name in page
    page = client.get(f"/rescue/coverage/?planned={planned.pk}").content.decode()
    assert 'data-testid="gap-count">0<' in page
    r = client.get(f"/rescue/coverage/export.xlsx?planned={planned.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_cli_prints_the_gaps_and_the_what_if(squads, far_mine, planned, system_admin):
    out = io.StringIO()
    call_command("rescue", "coverage", "--gaps", stdout=out)
    assert "GAP" in out.getvalue() and "1 gaps" in out.getvalue()
    out = io.StringIO()
    call_command("rescue", "coverage", "--planned", stdout=out)
    assert "0 gaps (1 before the what-if)" in out.getvalue()
