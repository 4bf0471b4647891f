"""The standards shipped as data: counts per standard and article, ids, citations, mappings of
the repealed 2017 list, and a load that is idempotent."""

from collections import Counter

import pytest

from anlan.inspections.models import Clause, Standard, chinese_number
from anlan.inspections.standards import load_standards, read_data

pytestmark = pytest.mark.django_db

SECTORS = {
    "metallurgy",
    "non_ferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textiles",
    "tobacco",
    "commerce_trade",
}


def per_article(key):
    return dict(Counter(Clause.objects.filter(standard__key=key).values_list("article", flat=True)))


def test_the_migration_loads_all_four_standards_with_their_counts():
    counts = {s.key: s.clauses.count() for s in Standard.objects.all()}
    assert counts == {"gm2023": 65, "gm2017": 59, "coal2020": 80, "hc2017": 20}


def test_decree_10_counts_per_article_match_the_docstring():
    assert per_article("gm2023") == {
        3: 3,
        4: 9,
        5: 13,
        6: 8,
        7: 6,
        8: 7,
        9: 2,
        10: 2,
        11: 10,
        12: 2,
        13: 2,
        14: 1,
    }
    groups = Counter(Clause.objects.filter(standard__key="gm2023").values_list("group", flat=True))
    # 64 items = 3 management + 47 industry + 14 special, plus the Art. 14 rule.
    assert groups == {"management": 3, "industry": 47, "special": 14, "device": 1}
    assert Clause.objects.filter(standard__key="gm2023", verified=False).count() == 50


def test_the_2017_list_has_59_items_in_its_sections():
    assert per_article("gm2017") == {
        1: 10,
        2: 2,
        3: 2,
        4: 11,
        5: 10,
        6: 6,
        7: 7,
        8: 6,
        9: 2,
        10: 2,
        11: 1,
    }
    assert Clause.objects.filter(standard__key="gm2017", verified=False).count() == 36


def test_coal_standard_has_15_categories_with_their_sub_conditions():
    items = Counter(Clause.objects.filter(standard__key="coal2020").values_list("item", flat=True))
    assert items == {
        1: 6,
        2: 3,
        3: 7,
        4: 2,
        5: 10,
        6: 9,
        7: 3,
        8: 5,
        9: 4,
        10: 6,
        11: 3,
        12: 4,
        13: 5,
        14: 3,
        15: 10,
    }
    assert not Standard.objects.get(key="coal2020").verified
    assert all(c.article == c.item + 3 for c in Clause.objects.filter(standard__key="coal2020"))


def test_chemicals_standard_has_20_items_for_chemical_enterprises_only():
    clauses = Clause.objects.filter(standard__key="hc2017")
    assert sorted(clauses.values_list("item", flat=True)) == list(range(1, 21))
    assert all(c.industries == ["hazardous_chemicals"] for c in clauses)


def test_ids_are_stable_and_follow_the_pattern():
    for c in Clause.objects.select_related("standard"):
        expected = f"{c.standard.key}-{c.article}-{c.item}" + (
            f"-{c.sub_item}" if c.sub_item else ""
        )
        assert c.pk == expected
    assert Clause.objects.filter(pk="coal2020-7-4-2").exists()


def test_citations_read_as_officers_write_them():
    assert Clause.objects.get(pk="gm2023-11-3").citation == "应急管理部令第10号 第十一条第（三）项"
    assert Clause.objects.get(pk="gm2023-14-1").citation == "应急管理部令第10号 第十四条"
    # The coal standard's cross-reference "第七条第二项" is the methane-sensor item.
    methane = Clause.objects.get(pk="coal2020-7-4-2")
    assert methane.citation == "应急管理部令第4号 第七条第（二）项"
    assert "甲烷传感器" in methane.condition
    assert Clause.objects.get(pk="hc2017-1-12").citation == "安监总管三〔2017〕121号 第十二项"
    assert "冶金" in Clause.objects.get(pk="gm2017-4-2").citation
    assert [chinese_number(n) for n in (1, 10, 14, 20, 35)] == [
        "一",
        "十",
        "十四",
        "二十",
        "三十五",
    ]


def test_every_clause_has_chinese_condition_and_known_industries_and_flags():
    from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag

    for c in Clause.objects.all():
        assert c.condition and any("\u4e00" <= ch <= "\u9fff" for ch in c.condition)
        assert c.industries, c.pk  # never "everything": each standard has its scope
        assert set(c.industries) <= set(EnterpriseIndustry.values), c.pk
        assert set(c.risk_flags) <= set(EnterpriseRiskFlag.values), c.pk


def test_decree_10_applies_only_to_the_eight_sectors():
    for c in Clause.objects.filter(standard__key="gm2023"):
        assert set(c.industries) <= SECTORS
    assert set(Clause.objects.get(pk="gm2023-3-1").industries) == SECTORS
    assert set(Clause.objects.get(pk="gm2023-11-1").industries) == SECTORS


def test_every_repealed_item_maps_to_2023_clauses_except_commerce():
    repealed = Clause.objects.filter(standard__key="gm2017").prefetch_related("maps_to__standard")
    unmapped = [c.pk for c in repealed if not c.maps_to.exists()]
    assert unmapped == ["gm2017-11-1"]  # 商贸: no such article in 2023 (REFERENCE §1.3)
    for c in repealed:
        assert all(t.standard.key == "gm2023" for t in c.maps_to.all())
    assert set(Clause.objects.get(pk="gm2023-3-3").mapped_from.values_list("pk", flat=True)) == {
        "gm2017-4-8"
    }


def test_the_2017_standard_is_repealed_by_decree_10():
    old = Standard.objects.get(key="gm2017")
    assert old.repealed_on.isoformat() == "2023-05-15"
    assert old.replaced_by.key == "gm2023"


def test_loading_twice_changes_nothing():
    before = list(Clause.objects.order_by("pk").values())
    report = load_standards()
    assert not report.changed and report.unchanged == 4 + 65 + 59 + 80 + 20
    assert list(Clause.objects.order_by("pk").values()) == before


def test_a_correction_in_the_data_reaches_an_existing_database():
    Clause.objects.filter(pk="gm2023-11-3").update(condition="旧的措辞")
    Clause.objects.get(pk="gm2017-1-3").maps_to.clear()
    report = load_standards()
    assert set(report.updated) == {"gm2023-11-3", "gm2017-1-3"}
    assert "泄爆" in Clause.objects.get(pk="gm2023-11-3").condition
    assert list(Clause.objects.get(pk="gm2017-1-3").maps_to.values_list("pk", flat=True)) == [
        "gm2023-11-3"
    ]


def test_data_files_have_unique_ids():
    ids = [c["id"] for _s, clauses in read_data() for c in clauses]
    assert len(ids) == len(set(ids)) == 224
