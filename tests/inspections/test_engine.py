"""The applicability and determination engine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anlan.inspections import engine
from anlan.inspections.models import Clause, Standard
from anlan.registry.models import RiskFlag

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)
IN_FORCE_IDS = sorted(
    # Generated from the data files, so every clause shipped gets its own case.
    c["id"]
    for s, clauses in __import__("anlan.inspections.standards", fromlist=["read_data"]).read_data()
    if s["repealed_on"] is None
    for c in clauses
)


def ids(clauses):
    return {c.pk for c in clauses}


@pytest.mark.parametrize("clause_id", IN_FORCE_IDS)
def test_each_clause_in_force_determines_major_citing_it(clause_id):
    result = engine.determine([clause_id], on=TODAY)
    assert result.level == "major"
    assert result.clause_ids == [clause_id]
    assert result.citations == [Clause.objects.get(pk=clause_id).citation]
    assert result.text.startswith("重大事故隐患")


def test_every_clause_of_a_standard_in_force_has_a_case():
    in_force = Clause.objects.filter(standard__in=Standard.objects.in_force(TODAY))
    assert set(in_force.values_list("pk", flat=True)) == set(IN_FORCE_IDS)
    assert len(IN_FORCE_IDS) == 65 + 80 + 20


def test_no_clause_cited_is_general():
    result = engine.determine([], on=TODAY)
    assert result.level == "general" and result.clauses == () and result.text == "一般事故隐患"


def test_unknown_clause_id_is_refused_by_name():
    with pytest.raises(ValidationError, match="gm2023-99-1"):
        engine.determine(["gm2023-11-3", "gm2023-99-1"], on=TODAY)


def test_repealed_clause_maps_to_the_2023_clause_and_says_so():
    result = engine.determine(["gm2017-1-3"], on=TODAY)
    assert result.level == "major" and result.clause_ids == ["gm2023-11-3"]
    assert "gm2017-1-3" in result.notes[0] and "gm2023-11-3" in result.notes[0]


def test_repealed_clause_still_cites_itself_before_2023_05_15():
    result = engine.determine(["gm2017-1-3"], on=datetime.date(2022, 1, 1))
    assert result.clause_ids == ["gm2017-1-3"]


def test_repealed_clause_without_counterpart_is_not_a_basis_for_major():
    result = engine.determine(["gm2017-11-1"], on=TODAY)
    assert result.level == "general" and "无对应" in result.notes[0]


def test_cited_clauses_are_ordered_and_not_repeated():
    result = engine.determine(["gm2023-11-3", "gm2023-3-1", "gm2017-1-3"], on=TODAY)
    assert result.clause_ids == ["gm2023-3-1", "gm2023-11-3"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.lists(st.sampled_from(IN_FORCE_IDS + ["gm2017-11-1", "gm2017-4-2"]), max_size=4),
    extra=st.sampled_from(IN_FORCE_IDS),
)
def test_adding_a_failed_major_item_never_lowers_the_level(base, extra):
    rank = {"general": 0, "major": 1}
    before = engine.determine(base, on=TODAY)
    after = engine.determine([*base, extra], on=TODAY)
    assert rank[after.level] >= rank[before.level]
    assert after.level == "major" and extra in after.clause_ids
    assert set(before.clause_ids) <= set(after.clause_ids)


def enterprise(industry, *flags):
    obj = EnterpriseFactory(industry=industry)
    obj.risk_flags.set(RiskFlag.objects.filter(code__in=flags))
    return obj


CASTING = {"gm2023-5-3", "gm2023-5-4", "gm2023-5-5", "gm2023-5-6", "gm2023-5-7"}


def test_non_ferrous_with_deep_well_casting_gets_the_casting_items():
    got = ids(engine.applicable_to(enterprise("non_ferrous", "deep_well_casting"), on=TODAY))
    assert CASTING <= got and {"gm2023-5-1", "gm2023-3-3", "gm2023-14-1"} <= got


def test_non_ferrous_without_the_flag_does_not_get_them():
    got = ids(engine.applicable_to(enterprise("non_ferrous"), on=TODAY))
    assert not CASTING & got and "gm2023-5-1" in got
    assert not any(i.startswith("gm2023-11-") for i in got)


def test_chemicals_enterprise_gets_the_20_chemical_items_and_no_decree_10_item():
    got = ids(engine.applicable_to(enterprise("hazardous_chemicals", "dust_explosion"), on=TODAY))
    assert got == {f"hc2017-1-{n}" for n in range(1, 21)}


def test_coal_mine_with_outburst_gets_category_3_but_not_high_gas_or_rock_burst_items():
    got = ids(engine.applicable_clauses("coal_mine", {"outburst"}, on=TODAY))
    assert {f"coal2020-6-3-{n}" for n in range(1, 8)} <= got
    assert not any(i.startswith(("coal2020-7-4-", "coal2020-11-8-")) for i in got)
    assert "coal2020-8-5-9" in got  # auxiliary fans: high-gas or outburst headings


def test_plain_coal_mine_gets_no_flag_specific_category():
    got = ids(engine.applicable_clauses("coal_mine", set(), on=TODAY))
    assert len(got) == 80 - 7 - 2 - 5 - 2
    assert not any(i.startswith(("coal2020-6-3-", "coal2020-7-4-", "coal2020-11-8-")) for i in got)
    assert not any(i.startswith(("gm2023", "hc2017")) for i in got)


@pytest.mark.parametrize(
    ("flag", "article", "n"),
    [("dust_explosion", 11, 10), ("ammonia_refrigeration", 12, 2), ("confined_space", 13, 2)],
)
def test_special_articles_follow_the_flag_in_any_sector(flag, article, n):
    for industry in ("machinery", "commerce_trade", "textiles"):
        with_flag = ids(engine.applicable_clauses(industry, {flag}, on=TODAY))
        without = ids(engine.applicable_clauses(industry, set(), on=TODAY))
        special = {f"gm2023-{article}-{i}" for i in range(1, n + 1)}
        assert special <= with_flag and not special & without


@pytest.mark.parametrize(
    ("industry", "article"),
    [
        ("metallurgy", 4),
        ("non_ferrous", 5),
        ("building_materials", 6),
        ("machinery", 7),
        ("light_industry", 8),
        ("textiles", 9),
        ("tobacco", 10),
    ],
)
def test_each_sector_gets_its_own_article_and_the_management_items(industry, article):
    got = engine.applicable_clauses(industry, set(), on=TODAY)
    articles = {c.article for c in got}
    assert article in articles and {3, 14} <= articles
    assert articles - {3, 14, article} == set()


def test_commerce_gets_management_items_but_no_industry_article():
    got = engine.applicable_clauses("commerce_trade", set(), on=TODAY)
    assert ids(got) == {"gm2023-3-1", "gm2023-3-2", "gm2023-14-1"}


def test_other_industries_get_nothing():
    for industry in ("fireworks", "crowded_venue", "other", "non_coal_mine"):
        assert engine.applicable_clauses(industry, {"dust_explosion"}, on=TODAY) == []


def test_before_2023_the_2017_list_applies_instead():
    got = ids(engine.applicable_clauses("metallurgy", set(), on=datetime.date(2021, 1, 1)))
    assert {f"gm2017-4-{n}" for n in range(1, 12)} <= got
    assert not any(i.startswith("gm2023") for i in got)


def test_show_gives_the_mapping_both_ways():
    old = engine.show("gm2017-5-6", on=TODAY)
    assert not old["in_force"] and not old["verified"]
    assert [m["id"] for m in old["maps_to"]] == ["gm2023-5-3", "gm2023-5-5", "gm2023-5-6"]
    new = engine.show("gm2023-5-3", on=TODAY)
    assert new["in_force"] and "gm2017-5-6" in [m["id"] for m in new["mapped_from"]]
    with pytest.raises(ValidationError):
        engine.show("nope")
