"""The city and county dashboard: figures equal the records, each links to the ledger rows behind
it, and a viewer counts only what they may see."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from anlan.hazards.models import Hazard
from anlan.reports.stats import all_figures, dashboard_figures, period_bounds, resolve_region

from ..factories import JINZHONG, LINGSHI, region
from .factories_dash import hazard, hazard_mix, past

pytestmark = pytest.mark.django_db

HAZARD_KEYS = ("hazards_found", "hazards_closed", "hazards_overdue", "hazards_open_major")


def _resolves(name) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _by_key(data):
    return {f["key"]: f for f in all_figures(data)}


def _ledger_count(client, url) -> int:
    page = client.get(url).content.decode()
    text = re.search(r'data-testid="result-count">([^<]*)<', page).group(1)
    return int(re.search(r"\d[\d,]*", text).group(0).replace(",", ""))


@pytest.fixture
def mix(lingshi_mine, yuncheng_plant):
    hazard_mix(yuncheng_plant)  # another city: never counted for Jinzhong or Lingshi
    return hazard_mix(lingshi_mine)


def _recount(qs):
    """The figures recomputed straight from the hazard table."""
    start, end = period_bounds("month", timezone.localdate())
    counted = qs.exclude(status__in=["rejected", "merged"])
    found = counted.filter(found_at__date__gte=start, found_at__date__lte=end)
    return {
        "hazards_found": found.count(),
        "hazards_closed": found.filter(status="closed").count(),
        "hazards_overdue": qs.filter(
            status__in=["assigned", "rectifying", "acceptance_requested"],
            deadline__lt=timezone.localdate(),
        ).count(),
        "hazards_open_major": counted.exclude(status="closed").filter(level="major").count(),
    }


def test_hazard_figures_equal_the_records_recounted(city_admin, mix):
    figures = _by_key(dashboard_figures(city_admin, region=resolve_region(city_admin, "")))
    expected = _recount(Hazard.objects.filter(region__code__startswith=JINZHONG[:4]))
    assert {k: figures[k]["value"] for k in HAZARD_KEYS} == expected
    assert expected == {
        "hazards_found": 3,
        "hazards_closed": 1,
        "hazards_overdue": 1,
        "hazards_open_major": 1,
    }
    assert figures["rectification_rate"]["value"] == round(100 * 1 / 3, 1)


def test_every_figure_links_to_its_ledger(client, city_admin, mix):
    client.force_login(city_admin)
    data = dashboard_figures(city_admin, region=region(JINZHONG))
    for figure in all_figures(data):
        if figure["key"].startswith("training") and not _resolves("supervision:trainings"):
            continue  # the training ledger comes from another part of issue #8
        assert figure["url"].startswith("/"), figure["key"]
    page = client.get(reverse("reports:dashboard")).content.decode()
    for figure in all_figures(data):
        if figure["url"]:
            assert f'href="{figure["url"].replace("&", "&amp;")}"' in page, figure["key"]


def test_following_a_hazard_figure_shows_a_ledger_with_the_same_count(client, city_admin, mix):
    client.force_login(city_admin)
    figures = _by_key(dashboard_figures(city_admin, region=region(JINZHONG)))
    for key in HAZARD_KEYS:
        assert _ledger_count(client, figures[key]["url"]) == figures[key]["value"], key


def test_breakdown_bars_per_county_link_to_the_same_counts(client, city_admin, mix):
    client.force_login(city_admin)
    data = dashboard_figures(city_admin, region=region(JINZHONG))
    lingshi = next(row for row in data["breakdown"] if row["code"] == LINGSHI)
    assert (lingshi["found"], lingshi["closed"], lingshi["overdue"], lingshi["open_major"]) == (
        3,
        1,
        1,
        1,
    )
    for key in ("found", "closed", "overdue", "open_major"):
        assert _ledger_count(client, lingshi["links"][key]) == lingshi[key], key
    assert sum(row["found"] for row in data["breakdown"]) == 3


def test_trainings_and_drills_link_with_region_and_period(city_admin, mix):
    data = dashboard_figures(city_admin, region=region(LINGSHI), period="quarter")
    start, end = period_bounds("quarter", timezone.localdate())
    figures = _by_key(data)
    url = figures["trainings"]["url"]
    if url:  # the training ledger is built by another part of issue #8
        assert (
            f"region={LINGSHI}" in url and f"date_from={start}" in url and f"date_to={end}" in url
        )
    drills = figures["drills_held"]["url"]
    assert drills.startswith(reverse("rescue:drill-list")) and "status=done" in drills
    assert f"date_from={start}" in drills


def test_period_picker_changes_what_is_found(city_admin, lingshi_mine):
    hazard(lingshi_mine, found_at=timezone.now() - timezone.timedelta(days=200))
    week = _by_key(dashboard_figures(city_admin, region=region(JINZHONG), period="week"))
    year = _by_key(dashboard_figures(city_admin, region=region(JINZHONG), period="year"))
    start = period_bounds("year", timezone.localdate())[0]
    in_year = timezone.localdate() - timezone.timedelta(days=200) >= start
    assert week["hazards_found"]["value"] == 0
    assert year["hazards_found"]["value"] == (1 if in_year else 0)


def test_county_regulator_counts_only_its_county(lingshi_regulator, mix, yuncheng_plant):
    data = dashboard_figures(lingshi_regulator, region=resolve_region(lingshi_regulator, ""))
    assert data["region"]["code"] == LINGSHI
    assert _by_key(data)["hazards_found"]["value"] == 3
    hazard(yuncheng_plant, status="assigned", deadline=past(5))
    assert _by_key(data)["hazards_overdue"]["value"] == 1


def test_county_regulator_cannot_pick_another_county(client, yanhu_regulator, mix):
    client.force_login(yanhu_regulator)
    response = client.get(reverse("reports:dashboard"), {"region": LINGSHI})
    assert response.status_code == 200
    page = response.content.decode()
    assert LINGSHI in str([m.message for m in response.context["messages"]])
    assert response.context["region"].code == "140802"  # back on the viewer's own county
    assert 'data-testid="fig-hazards_found">3<' in page  # its own county's
    api = client.get("/api/stats/dashboard", {"region": LINGSHI})
    assert api.status_code == 422 and "region" in json.dumps(api.json())


def test_city_admin_may_pick_a_county(client, city_admin, mix):
    client.force_login(city_admin)
    response = client.get(reverse("reports:dashboard"), {"region": LINGSHI, "period": "month"})
    assert response.context["region"].code == LINGSHI
    assert 'data-testid="fig-hazards_found">3<' in response.content.decode()


def test_enterprise_user_sees_only_its_own_figures(client, mix, lingshi_mine):
    from anlan.core.choices import UserRole

    from ..factories import EnterpriseFactory, make_user

    other = EnterpriseFactory(region=region(LINGSHI))
    hazard(other)
    user = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    data = dashboard_figures(user, region=resolve_region(user, ""))
    assert data["region"] is None and _by_key(data)["hazards_found"]["value"] == 3
    client.force_login(user)
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_bad_period_falls_back_with_a_message(client, city_admin):
    client.force_login(city_admin)
    response = client.get(reverse("reports:dashboard"), {"period": "decade"})
    assert response.context["period"] == "month"
    assert any("decade" in m.message for m in response.context["messages"])
    assert client.get("/api/stats/dashboard", {"period": "decade"}).status_code == 422


def test_api_gives_the_same_figures_with_links(client, city_admin, mix):
    client.force_login(city_admin)
    body = client.get("/api/stats/dashboard", {"region": LINGSHI}).json()
    figures = {f["key"]: f for f in body["hazards"]}
    assert figures["hazards_found"]["value"] == 3
    assert (
        figures["hazards_overdue"]["url"]
        == reverse("hazards:list") + f"?overdue=1&region={LINGSHI}"
    )


def test_command_prints_the_figures(city_admin, mix):
    out = StringIO()
    call_command(
        "dashboard", "--user", city_admin.username, "--region", LINGSHI, "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert {f["key"]: f["value"] for f in data["hazards"]}["hazards_found"] == 3
    out = StringIO()
    call_command("dashboard", "--user", city_admin.username, stdout=out)
    assert "hazards" in out.getvalue().lower() or "隐患" in out.getvalue()


def test_command_refuses_a_region_out_of_scope(lingshi_regulator):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="region"):
        call_command("dashboard", "--user", lingshi_regulator.username, "--region", "140802")
