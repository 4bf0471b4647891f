"""Assessment scoring: every rule with exact points, caps, rounding, grades and the veto."""

from decimal import Decimal as D

import pytest
from django.test import override_settings

from anlan.supervision import assessment as services
from anlan.supervision.choices import Grade, IndicatorKind, ScoringRule
from anlan.supervision.models import AssessmentScheme, Indicator

from .factories_assessment import item, scheme

pytestmark = pytest.mark.django_db


def ind(kind=IndicatorKind.SCORED, rule=ScoringRule.DIRECT, weight=10, **params):
    return Indicator(kind=kind, rule=rule, weight=D(str(weight)), params=params)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (D(95), D("10.00")),
        (D(100), D("20.00")),
        (D(90), D("0.00")),
        (D(80), D("0.00")),
        (D("97.5"), D("15.00")),
        (D(120), D("20.00")),
    ],
)
def test_linear_scores_in_proportion_between_floor_and_target_and_caps(value, points):
    rate = ind(rule=ScoringRule.LINEAR, weight=20, floor=90, target=100)
    assert services.score_value(rate, value) == (points, False)


@pytest.mark.parametrize(
    ("value", "points"),
    [(D(0), D("10.00")), (D(2), D("5.00")), (D(4), D("0.00")), (D(9), D("0.00"))],
)
def test_linear_lower_is_better_when_the_target_is_below_the_floor(value, points):
    overdue = ind(rule=ScoringRule.LINEAR, weight=10, floor=4, target=0)
    assert services.score_value(overdue, value)[0] == points


def test_per_unit_scored_item_loses_points_per_occurrence_never_below_zero():
    item_ = ind(rule=ScoringRule.PER_UNIT, weight=10, per_unit=3)
    assert services.score_value(item_, D(2))[0] == D("4.00")
    assert services.score_value(item_, D(5))[0] == D("0.00")


def test_per_unit_deduction_takes_off_per_occurrence_down_to_its_cap():
    missed = ind(kind=IndicatorKind.DEDUCTION, rule=ScoringRule.PER_UNIT, weight=12, per_unit=5)
    assert services.score_value(missed, D(1))[0] == D("-5.00")
    assert services.score_value(missed, D(2))[0] == D("-10.00")
    assert services.score_value(missed, D(3))[0] == D("-12.00")


def test_per_unit_bonus_adds_per_occurrence_up_to_its_weight():
    bonus = ind(kind=IndicatorKind.BONUS, rule=ScoringRule.PER_UNIT, weight=3, per_unit=1)
    assert services.score_value(bonus, D(2))[0] == D("2.00")
    assert services.score_value(bonus, D(7))[0] == D("3.00")


def test_threshold_is_all_or_nothing_and_at_most_reverses_it():
    drills = ind(rule=ScoringRule.THRESHOLD, weight=5, threshold=1)
    assert services.score_value(drills, D(1))[0] == D("5.00")
    assert services.score_value(drills, D(0))[0] == D("0.00")
    major = ind(rule=ScoringRule.THRESHOLD, weight=5, threshold=0, at_most=True)
    assert services.score_value(major, D(0))[0] == D("5.00")
    assert services.score_value(major, D(1))[0] == D("0.00")


def test_direct_points_are_clamped_to_the_items_weight():
    manual = ind(weight=8)
    assert services.score_value(manual, D("6.5"))[0] == D("6.50")
    assert services.score_value(manual, D(12))[0] == D("8.00")
    assert services.score_value(manual, None) == (D(0), False)


def test_a_veto_holds_from_its_threshold_and_earns_nothing():
    veto = ind(kind=IndicatorKind.VETO, weight=0)
    assert services.score_value(veto, D(1)) == (D(0), True)
    assert services.score_value(veto, D(0)) == (D(0), False)


def _tree():
    s = scheme(decimals=1)
    work = item(s, "A", IndicatorKind.GROUP, 100)
    base = item(s, "A1", weight=100, parent=work)
    bonus_group = item(s, "B", IndicatorKind.GROUP, 5)
    b1 = item(s, "B1", IndicatorKind.BONUS, 4, parent=bonus_group)
    b2 = item(s, "B2", IndicatorKind.BONUS, 4, parent=bonus_group)
    ded_group = item(s, "C", IndicatorKind.GROUP, 10)
    c1 = item(s, "C1", IndicatorKind.DEDUCTION, 8, parent=ded_group)
    c2 = item(s, "C2", IndicatorKind.DEDUCTION, 8, parent=ded_group)
    return s, base, b1, b2, c1, c2


def test_bonus_group_adds_at_most_its_weight_and_total_at_most_full_marks():
    s, base, b1, b2, c1, c2 = _tree()
    total, parts = services.totals(s, {base.pk: D(80), b1.pk: D(4), b2.pk: D(4)})
    assert total == D(85)  # 80 + min(8, 5)
    assert D(parts["bonus"]) == D(5)
    total, _ = services.totals(s, {base.pk: D(99), b1.pk: D(4)})
    assert total == D(100)


def test_deduction_group_takes_off_at_most_its_weight_and_total_never_below_zero():
    s, base, b1, b2, c1, c2 = _tree()
    total, parts = services.totals(s, {base.pk: D(90), c1.pk: D(-8), c2.pk: D(-8)})
    assert total == D(80)  # 90 − min(16, 10)
    total, _ = services.totals(s, {base.pk: D(5), c1.pk: D(-8)})
    assert total == D(0)


def test_a_groups_scored_points_never_exceed_its_weight():
    s = scheme()
    g = item(s, "G", IndicatorKind.GROUP, 10)
    a = item(s, "G1", weight=10, parent=g)
    total, _ = services.totals(s, {a.pk: D(10)})
    assert total == D(10)


def test_rounding_is_half_up_so_8995_is_90_and_excellent():
    s = AssessmentScheme(decimals=1, full_marks=D(100))
    total = services.round_total(s, D("89.95"))
    assert total == D("90.0")
    assert services.grade_for(total) == Grade.EXCELLENT
    assert services.round_total(AssessmentScheme(decimals=0), D("69.5")) == D(70)
    assert services.round_total(AssessmentScheme(decimals=2), D("70.005")) == D("70.01")


def test_grades_follow_the_default_cut_offs():
    assert services.grade_for(D("90.0")) == Grade.EXCELLENT
    assert services.grade_for(D("89.9")) == Grade.PASS
    assert services.grade_for(D("70")) == Grade.PASS
    assert services.grade_for(D("69.9")) == Grade.FAIL


@override_settings(ANLAN_ASSESSMENT_GRADES={"excellent": 95, "pass": 60})
def test_grade_cut_offs_come_from_the_settings():
    assert services.grade_for(D(94)) == Grade.PASS
    assert services.grade_for(D(60)) == Grade.PASS


def test_a_veto_fails_a_95_point_unit():
    assert services.grade_for(D(95), vetoed=True) == Grade.FAIL


def test_assessment_periods_are_half_open_and_parse_months():
    import datetime as dt

    from anlan.supervision import periods

    day = dt.date(2026, 8, 15)
    assert periods.assessment_bounds("month", day) == (dt.date(2026, 8, 1), dt.date(2026, 9, 1))
    assert periods.assessment_bounds("half", day) == (dt.date(2026, 7, 1), dt.date(2027, 1, 1))
    assert periods.assessment_bounds("year", day) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert periods.previous_month(dt.date(2026, 1, 9)) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    )
    assert periods.parse_period("2026-03") == dt.date(2026, 3, 1)
    assert periods.months_between(dt.date(2026, 1, 1), dt.date(2026, 7, 1))[-1] == dt.date(
        2026, 6, 1
    )
    assert periods.period_label("half", dt.date(2026, 7, 1)) == "2026 H2"
