"""Computing a period: figures from the records, the office scenario (a township misses a 督办
task and ranks below the others), roll-ups, sign-off locking, manual entry with evidence."""

import datetime as dt
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import Notification
from anlan.core.uploads import check_upload
from anlan.hazards.models import Hazard
from anlan.supervision import assessment as services
from anlan.supervision import metrics
from anlan.supervision.choices import (
    AssessmentState,
    Grade,
    IndicatorKind,
    IndicatorSource,
    ScoringRule,
)
from anlan.supervision.models import Assessment
from tests.factories import EnterpriseFactory, make_user

from .factories_assessment import item, scheme, task, township_unit
from .test_duties import PNG

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = dt.date(2026, 3, 1)
AFTER_MARCH = dt.datetime(2026, 4, 2, 9, 0, tzinfo=SH)


def at(month, day, hour=9):
    return dt.datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def towns():
    return [
        township_unit("101", "静升镇", 1),
        township_unit("102", "两渡镇", 2),
        township_unit("103", "夏门镇", 3),
    ]


@pytest.fixture
def tasks_scheme():
    s = scheme()
    group = item(s, "T", IndicatorKind.GROUP, 20, name="督办任务")
    item(
        s,
        "T1",
        weight=20,
        parent=group,
        source=IndicatorSource.COMPUTED,
        metric="tasks_on_time_rate",
        rule=ScoringRule.LINEAR,
        params={"floor": 0, "target": 100},
    )
    item(
        s,
        "T2",
        IndicatorKind.DEDUCTION,
        10,
        source=IndicatorSource.COMPUTED,
        metric="tasks_missed",
        rule=ScoringRule.PER_UNIT,
        params={"per_unit": 5},
        name="督办任务未按期完成",
    )
    item(s, "M1", weight=80, name="安全生产责任制落实")
    item(s, "V", IndicatorKind.VETO, 0, name="较大及以上事故或瞒报")
    return s


def _office_month(towns):
    """Two tasks in March; 夏门镇 misses the second (feedback late, never accepted on time)."""
    first = task("排查燃气隐患", dt.date(2026, 3, 10), towns, issued=at(3, 2))
    second = task("报送汛前检查", dt.date(2026, 3, 20), towns, issued=at(3, 5))
    for t in (first, second):
        for a in t.assignments.all():
            missed = t is second and a.unit == towns[2]
            a.state = "submitted" if missed else "accepted"
            a.submitted_at = at(3, 25) if missed else at(3, 8)
            a.on_time = None if missed else True
            a.save()


@pytest.fixture
def office(lingshi_regulator):
    return lingshi_regulator


def test_a_township_that_misses_a_task_is_deducted_and_ranks_below_the_others(
    towns, tasks_scheme, office
):
    _office_month(towns)
    with time_machine.travel(AFTER_MARCH, tick=False):
        run = services.compute(tasks_scheme, MARCH, user=office)
    by_unit = {a.unit.short_name: a for a in run.assessments}
    missed = by_unit["夏门镇"]
    deduction = missed.scores.get(indicator__code="T2")
    assert deduction.value == 1
    assert deduction.points == D("-5.00")
    assert deduction.detail["tasks"][0]["title"] == "报送汛前检查"
    assert missed.scores.get(indicator__code="T1").points == D("10.00")  # 1 of 2 on time
    assert missed.total == D("5.0")
    assert by_unit["静升镇"].total == by_unit["两渡镇"].total == D("20.0")
    assert (by_unit["静升镇"].rank, by_unit["两渡镇"].rank, missed.rank) == (1, 1, 3)
    assert [a.unit.short_name for a in run.assessments][-1] == "夏门镇"


def test_a_task_whose_deadline_has_not_passed_is_not_missed_yet(towns, tasks_scheme):
    task("本月任务", dt.date(2026, 3, 30), towns, issued=at(3, 2))
    with time_machine.travel(at(3, 20), tick=False):
        run = services.compute(tasks_scheme, MARCH)
    assert all(a.scores.get(indicator__code="T2").points == 0 for a in run.assessments)


def test_manual_values_survive_a_recompute_and_need_evidence(towns, tasks_scheme, office):
    with time_machine.travel(AFTER_MARCH, tick=False):
        services.compute(tasks_scheme, MARCH, user=office)
        a = Assessment.objects.get(unit=towns[0])
        manual = tasks_scheme.indicators.get(code="M1")
        with pytest.raises(ValidationError) as err:
            services.enter_score(user=office, assessment=a, indicator=manual, value=70)
        assert "evidence" in err.value.message_dict
        with pytest.raises(ValidationError) as err:
            services.enter_score(
                user=office, assessment=a, indicator=manual, value=81, evidence="检查记录"
            )
        assert "value" in err.value.message_dict
        photo = check_upload(PNG, "责任书.png")
        score = services.enter_score(
            user=office,
            assessment=a,
            indicator=manual,
            value=D("72.5"),
            evidence="责任书签订率100%，会议纪要3份",
            files=[photo],
        )
        assert score.points == D("72.50") and score.files.count() == 1
        services.compute(tasks_scheme, MARCH, user=office)
    a.refresh_from_db()
    assert a.total == D("92.5") and a.grade == Grade.EXCELLENT
    assert a.scores.get(indicator=manual).evidence.startswith("责任书")


def test_a_veto_fails_a_unit_with_95_points_and_it_ranks_last(towns, tasks_scheme, office):
    with time_machine.travel(AFTER_MARCH, tick=False):
        services.compute(tasks_scheme, MARCH)
        manual = tasks_scheme.indicators.get(code="M1")
        veto = tasks_scheme.indicators.get(code="V")
        high, low = (Assessment.objects.get(unit=u) for u in towns[:2])
        services.enter_score(
            user=office, assessment=high, indicator=manual, value=75, evidence="好"
        )
        services.enter_score(user=office, assessment=high, indicator=veto, value=1, evidence="瞒报")
        services.enter_score(user=office, assessment=low, indicator=manual, value=10, evidence="差")
    high.refresh_from_db()
    low.refresh_from_db()
    assert high.total == D("95.0") and high.vetoed and high.grade == Grade.FAIL
    assert high.veto_reason == "较大及以上事故或瞒报"
    assert high.rank == 3 and low.rank == 1


def test_a_signed_assessment_does_not_change_on_recompute(towns, tasks_scheme, office):
    _office_month(towns)
    with time_machine.travel(AFTER_MARCH, tick=False):
        services.compute(tasks_scheme, MARCH, user=office)
        signed = Assessment.objects.get(unit=towns[0])
        draft = Assessment.objects.get(unit=towns[1])
        services.submit(user=office, assessment=signed)
        services.sign(user=office, assessment=signed, comment="同意")
        # Later a third task of March turns up as missed by everyone.
        t = task("补充任务", dt.date(2026, 3, 28), towns, issued=at(3, 20))
        assert t.assignments.count() == 3
        run = services.compute(tasks_scheme, MARCH, user=office)
    signed.refresh_from_db()
    draft.refresh_from_db()
    assert run.locked == 1
    assert signed.state == AssessmentState.SIGNED and signed.total == D("20.0")
    assert signed.scores.get(indicator__code="T2").points == 0
    assert draft.total < D("20.0")
    with pytest.raises(ValidationError):
        services.enter_score(
            user=office,
            assessment=signed,
            indicator=tasks_scheme.indicators.get(code="M1"),
            value=50,
            evidence="x",
        )


def test_only_the_office_signs_off_and_the_unit_is_told(towns, tasks_scheme, office, city_admin):
    liaison = make_user("jingsheng", UserRole.MEMBER_UNIT_LIAISON, region=city_admin.region)
    towns[0].liaisons.add(liaison)
    with time_machine.travel(AFTER_MARCH, tick=False):
        services.compute(tasks_scheme, MARCH)
        a = Assessment.objects.get(unit=towns[0])
        with pytest.raises(PermissionDenied):
            services.submit(user=liaison, assessment=a)
        with pytest.raises(ValidationError):
            services.sign(user=office, assessment=a)  # not submitted yet
        services.submit(user=office, assessment=a)
        with pytest.raises(PermissionDenied):
            services.sign(user=city_admin, assessment=a)  # the city is not Lingshi's office
        services.sign(user=office, assessment=a)
    assert Notification.objects.filter(
        recipient=liaison, kind=NotificationKind.ASSESSMENT, title__contains="静升镇"
    ).exists()


def test_rollup_averages_the_signed_or_computed_monthly_totals(towns, office):
    monthly = scheme()
    item(monthly, "M", weight=100)
    half = scheme("乡镇半年考核", period="half")
    item(half, "R", weight=100, source=IndicatorSource.ROLLUP, name="月度考核平均分")
    unit = towns[0]
    for month, total, state in ((1, "80", "signed"), (2, "90", "draft"), (3, "85.5", "review")):
        Assessment.objects.create(
            scheme=monthly,
            unit=unit,
            period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month, 28),
            total=D(total),
            state=state,
        )
    with time_machine.travel(at(7, 3), tick=False):
        run = services.compute(half, dt.date(2026, 6, 30), user=office)
    a = next(x for x in run.assessments if x.unit == unit)
    rolled = a.scores.get(indicator__code="R")
    assert rolled.value == D("85.1667") or rolled.value == D("85.17")
    assert rolled.points == D("85.17")
    assert a.total == D("85.2")
    assert [m["month"] for m in rolled.detail["months"]] == ["2026-01", "2026-02", "2026-03"]
    assert a.period_start == dt.date(2026, 1, 1) and a.period_end == dt.date(2026, 6, 30)


def test_hazard_figures_are_those_of_the_townships_region(towns):
    town = towns[0].township
    mine = EnterpriseFactory(region=town)
    other = EnterpriseFactory(region=towns[1].township)

    def hazard(enterprise, found, **kw):
        return Hazard.objects.create(
            enterprise=enterprise,
            region=enterprise.region,
            description="隐患",
            category="equipment",
            channel="self_inspection",
            found_at=found,
            **kw,
        )

    hazard(mine, at(3, 2), status="closed", closed_at=at(3, 9))
    hazard(mine, at(3, 3), status="rectifying", deadline=dt.date(2026, 3, 15))
    hazard(mine, at(3, 4), status="rectifying", level="major", deadline=dt.date(2026, 5, 1))
    hazard(mine, at(3, 5), status="rejected")
    hazard(other, at(3, 5), status="rectifying", deadline=dt.date(2026, 3, 1))
    with time_machine.travel(AFTER_MARCH, tick=False):
        rate, detail = metrics.compute_metric(
            "rectification_rate", towns[0], MARCH, dt.date(2026, 4, 1)
        )
        overdue, _ = metrics.compute_metric("overdue_hazards", towns[0], MARCH, dt.date(2026, 4, 1))
        major, _ = metrics.compute_metric(
            "open_major_hazards", towns[0], MARCH, dt.date(2026, 4, 1)
        )
    assert (detail["found"], detail["closed"], rate) == (3, 1, D("33.33"))
    assert overdue == 1 and major == 1


def test_trainings_count_sessions_and_person_times(towns):
    from anlan.supervision.models import TrainingSession

    TrainingSession.objects.create(
        region=towns[0].township,
        kind="thematic",
        title="燃气安全",
        date=dt.date(2026, 3, 6),
        sessions=2,
        participants=120,
    )
    TrainingSession.objects.create(
        region=towns[1].township,
        kind="thematic",
        title="别处",
        date=dt.date(2026, 3, 6),
        participants=50,
    )
    value, detail = metrics.compute_metric("trainings", towns[0], MARCH, dt.date(2026, 4, 1))
    assert value == 2 and detail["person_times"] == 120


@override_settings(ANLAN_ASSESSMENT_GRADES={"excellent": 95, "pass": 60})
def test_compute_grades_with_the_configured_cut_offs(towns, office):
    s = scheme()
    item(s, "M", weight=100)
    with time_machine.travel(AFTER_MARCH, tick=False):
        services.compute(s, MARCH)
        a = Assessment.objects.get(unit=towns[0])
        services.enter_score(
            user=office, assessment=a, indicator=s.indicators.get(), value=90, evidence="x"
        )
    a.refresh_from_db()
    assert a.grade == Grade.PASS


def test_a_future_period_cannot_be_computed(tasks_scheme):
    with time_machine.travel(AFTER_MARCH, tick=False), pytest.raises(ValidationError) as err:
        services.compute(tasks_scheme, dt.date(2026, 5, 1))
    assert "period" in err.value.message_dict


def test_the_monthly_job_computes_last_months_drafts_and_leaves_signed_ones(towns, tasks_scheme):
    from anlan.supervision.jobs_assessment import compute_last_month

    with time_machine.travel(at(4, 1), tick=False):
        assert compute_last_month() == 3
    assert set(Assessment.objects.values_list("period_start", flat=True)) == {MARCH}


def test_a_departments_figures_are_those_of_its_sectors_in_the_committee_region():
    from anlan.supervision.models import MemberUnit
    from tests.factories import LINGSHI, YANHU, region

    energy = MemberUnit.objects.create(
        committee_region=region(LINGSHI), kind="department", name="县能源局", sectors=["coal_mine"]
    )
    mine = EnterpriseFactory(region=region(LINGSHI), industry="coal_mine")
    plant = EnterpriseFactory(region=region(LINGSHI), industry="metallurgy")
    elsewhere = EnterpriseFactory(region=region(YANHU), industry="coal_mine")
    for enterprise in (mine, plant, elsewhere):
        Hazard.objects.create(
            enterprise=enterprise,
            region=enterprise.region,
            description="隐患",
            category="equipment",
            channel="self_inspection",
            found_at=at(3, 3),
            status="rectifying",
            level="major",
            deadline=dt.date(2026, 3, 10),
        )
    with time_machine.travel(AFTER_MARCH, tick=False):
        major, detail = metrics.compute_metric(
            "open_major_hazards", energy, MARCH, dt.date(2026, 4, 1)
        )
        overdue, _ = metrics.compute_metric("overdue_hazards", energy, MARCH, dt.date(2026, 4, 1))
    assert major == 1 and overdue == 1
    assert detail["sectors"] == ["coal_mine"]


def test_alarm_handling_and_commitment_rates_of_a_township(towns):
    from anlan.commitments.models import SafetyCommitment
    from anlan.monitoring import services as monitoring
    from anlan.monitoring.models import Alarm
    from tests.monitoring.conftest import make_sensor

    from .conftest import make_source

    plant = EnterpriseFactory(region=towns[0].township, industry="hazardous_chemicals")
    make_source(plant)
    gateway, _token = monitoring.create_gateway(
        user=None, enterprise=plant, name="网关", code="gw-a"
    )
    sensor = make_sensor(gateway)
    for n, (raised, disposed) in enumerate(
        [
            (at(3, 2, 8), at(3, 2, 8) + dt.timedelta(minutes=30)),  # urgent: within 60 min
            (at(3, 3, 8), at(3, 3, 8) + dt.timedelta(minutes=90)),  # too late
            (at(3, 4, 8), None),
        ]
    ):
        Alarm.objects.create(
            sensor=sensor,
            kind=("hh", "ll", "h")[n],
            level="urgent",
            started_at=raised,
            raised_at=raised,
            disposed_at=disposed,
            cleared_at=raised + dt.timedelta(hours=3),
        )
    for day in range(1, 30):  # 29 of March's 31 days
        SafetyCommitment.objects.create(
            enterprise=plant, day=dt.date(2026, 3, day), text="承诺", principal_name="王"
        )
    end = dt.date(2026, 4, 1)
    with time_machine.travel(AFTER_MARCH, tick=False):
        alarms, detail = metrics.compute_metric("alarm_handling_rate", towns[0], MARCH, end)
        commitments, made = metrics.compute_metric("commitment_rate", towns[0], MARCH, end)
    assert (detail["raised"], detail["in_time"], alarms) == (3, 1, D("33.33"))
    assert (made["due"], made["made"], commitments) == (31, 29, D("93.55"))
