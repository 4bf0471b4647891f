"""A bulletin's figures equal the records: every number is recomputed here independently, in
plain Python over the rows the test created."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from anlan.hazards.models import Hazard
from anlan.monitoring.models import Alarm
from anlan.reports import figures
from anlan.supervision.models import TaskAssignment, TrainingSession

from ..factories import JINZHONG, LINGSHI, XIYANG, YANHU, EnterpriseFactory, region, township
from . import factories_bulletins as f

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
TODAY = f.at(2026, 12, 5)


@pytest.fixture
def world(db):
    lingshi, xiyang, yanhu = region(LINGSHI), region(XIYANG), region(YANHU)
    town = township(LINGSHI)
    mines = [
        EnterpriseFactory(region=lingshi),
        EnterpriseFactory(region=town),
        EnterpriseFactory(region=xiyang),
    ]
    other = EnterpriseFactory(region=yanhu)
    # Hazards: before, in and after November; some closed in and after; rejected; majors.
    specs = [
        (0, f.at(2026, 11, 3), "general", "closed", f.at(2026, 11, 10), "equipment", None),
        (0, f.at(2026, 11, 5), "major", "rectifying", None, "fire", dt.date(2026, 11, 20)),
        (1, f.at(2026, 11, 12), "general", "closed", f.at(2026, 12, 2), "process", None),
        (1, f.at(2026, 11, 28), "general", "rectifying", None, "equipment", dt.date(2026, 12, 20)),
        (1, f.at(2026, 11, 29), "general", "rejected", None, "equipment", None),
        (2, f.at(2026, 10, 2), "major", "rectifying", None, "fire", dt.date(2026, 10, 30)),
        (2, f.at(2026, 10, 5), "general", "closed", f.at(2026, 11, 2), "process", None),
        (2, f.at(2026, 11, 30, 23), "general", "reported", None, "electrical", None),
        (2, f.at(2026, 12, 1, 1), "general", "reported", None, "electrical", None),
    ]
    for i, found, level, status, closed, category, deadline in specs:
        h = f.hazard(
            mines[i], found=found, level=level, status=status, closed=closed, category=category
        )
        if deadline:
            Hazard.objects.filter(pk=h.pk).update(deadline=deadline)
    f.hazard(other, found=f.at(2026, 11, 3))  # another city: not counted
    # Trainings.
    for r, kind, day, sessions, people in [
        (lingshi, "principal_lecture", dt.date(2026, 11, 2), 40, 3100),
        (town, "principal_lecture", dt.date(2026, 11, 20), 59, 4261),
        (xiyang, "skills", dt.date(2026, 11, 30), 3, 87),
        (xiyang, "principal_lecture", dt.date(2026, 10, 31), 5, 500),
        (yanhu, "principal_lecture", dt.date(2026, 11, 9), 8, 800),
    ]:
        f.training(r, kind=kind, date=day, sessions=sessions, participants=people)
    # Tasks: due in November, one accepted on time, one late, one overdue; and one due later.
    jz = region(JINZHONG)
    units = [f.unit(lingshi, town), f.unit(lingshi), f.unit(lingshi)]
    f.task(
        lingshi,
        deadline=dt.date(2026, 11, 15),
        issued=f.at(2026, 11, 1),
        units=units,
        states=[("accepted", True), ("accepted", False), ("submitted", None)],
    )
    f.task(jz, deadline=dt.date(2026, 12, 15), issued=f.at(2026, 11, 25), units=units[:1])
    f.task(lingshi, deadline=dt.date(2026, 11, 10), issued=f.at(2026, 10, 20), units=units[1:2])
    # Alarms: in time and late, by level.
    sensor = f.sensor(mines[0])
    f.alarm(
        sensor, raised=f.at(2026, 11, 4), disposed=f.at(2026, 11, 4, 9) + dt.timedelta(minutes=30)
    )
    f.alarm(sensor, raised=f.at(2026, 11, 6), disposed=f.at(2026, 11, 6, 13))
    f.alarm(
        sensor, raised=f.at(2026, 11, 8), level="warning", kind="h", disposed=f.at(2026, 11, 8, 10)
    )
    f.alarm(sensor, raised=f.at(2026, 12, 1), disposed=None, cleared=False)
    f.drill(lingshi, started=f.at(2026, 11, 18), participants=35)
    f.drill(lingshi, started=f.at(2026, 11, 19), participants=20, status="planned")
    f.visit(mines[2], date=dt.date(2026, 11, 7), problems=6)
    f.activity(town, date=dt.date(2026, 11, 16), events=3, participants=1234)
    return {"yanhu": yanhu}


def _in(day, start=START, end=END):
    return start <= day <= end


def _local(t):
    return t.astimezone(f.SHANGHAI).date() if t else None


def test_figures_equal_the_records(world):
    with time_machine.travel(TODAY, tick=False):
        got = figures.compute(region(JINZHONG), START, END)
    city = [
        h
        for h in Hazard.objects.select_related("region")
        if h.region.code.startswith("1407") and h.status not in ("rejected", "merged")
    ]
    found = [h for h in city if _in(_local(h.found_at))]
    closed = [h for h in found if h.closed_at and _local(h.closed_at) <= END]
    open_end = [
        h
        for h in city
        if _local(h.found_at) <= END and not (h.closed_at and _local(h.closed_at) <= END)
    ]
    overdue = [h for h in open_end if h.deadline and h.deadline < END]
    hz = got["hazards"]
    assert (
        (hz["found"], hz["closed"], hz["open"], hz["overdue"])
        == (len(found), len(closed), len(open_end), len(overdue))
        == (5, 1, 5, 2)
    )
    assert hz["open_major"] == sum(1 for h in open_end if h.level == "major") == 2
    assert hz["rate"] == round(100 * len(closed) / len(found), 1)
    by_county = {r["code"]: r["found"] for r in hz["by_region"]}
    assert by_county == {
        code: sum(1 for h in found if h.region.code.startswith(code)) for code in (LINGSHI, XIYANG)
    }
    cats = {r["code"]: r["found"] for r in hz["by_category"]}
    assert cats == {
        c: sum(1 for h in found if h.category == c) for c in {h.category for h in found}
    }

    rows = [
        t
        for t in TrainingSession.objects.select_related("region")
        if t.region.code.startswith("1407") and _in(t.date)
    ]
    lectures = [t for t in rows if t.kind == "principal_lecture"]
    kinds = {r["code"]: r for r in got["trainings"]["by_kind"]}
    assert kinds["principal_lecture"]["sessions"] == sum(t.sessions for t in lectures) == 99
    assert (
        kinds["principal_lecture"]["participants"] == sum(t.participants for t in lectures) == 7361
    )
    assert got["trainings"]["participants"] == sum(t.participants for t in rows)

    assignments = [a for a in TaskAssignment.objects.select_related("task") if _in(a.task.deadline)]
    t = got["tasks"]
    assert t["due"] == len(assignments) == 4
    assert t["on_time"] == sum(1 for a in assignments if a.state == "accepted" and a.on_time) == 1
    assert t["late"] == 1 and t["overdue"] == 2
    assert t["issued"] == 2  # issued in November by Jinzhong and Lingshi

    alarms = [a for a in Alarm.objects.all() if _in(_local(a.raised_at))]
    limit = settings.ANLAN_ALARM_DISPOSE_MINUTES
    in_time = [
        a
        for a in alarms
        if a.disposed_at and a.disposed_at <= a.raised_at + dt.timedelta(minutes=limit[a.level])
    ]
    assert got["alarms"]["raised"] == len(alarms) == 3
    assert got["alarms"]["in_time"] == len(in_time) == 2
    assert got["drills"]["held"] == 1 and got["drills"]["participants"] == 35
    assert got["visits"]["visits"] == 1 and got["visits"]["problems"] == 6
    assert got["campaigns"]["events"] == 3 and got["campaigns"]["participants"] == 1234


def test_lecture_sentence_is_made_from_the_records(world):
    with time_machine.travel(TODAY, tick=False):
        got = figures.compute(region(JINZHONG), START, END)
    lectures = next(r for r in got["trainings"]["by_kind"] if r["code"] == "principal_lecture")
    with translation.override("en"):
        text = figures.training_sentence(lectures, "the first half")
    assert (
        text == "In the first half, principal persons gave 99 lectures to about 7,400 person-times."
    )
    skills = next(r for r in got["trainings"]["by_kind"] if r["code"] == "skills")
    with translation.override("en"):
        assert "to 87 person-times" in figures.training_sentence(skills, "November")


@pytest.mark.parametrize(
    "n, expected", [(0, 0), (87, 87), (456, 460), (7361, 7400), (7350, 7400), (12450, 12000)]
)
def test_about_rounds_to_two_significant_digits(n, expected):
    assert figures.about(n) == expected


def test_county_bulletin_counts_only_the_county_by_township(world):
    with time_machine.travel(TODAY, tick=False):
        got = figures.compute(region(LINGSHI), START, END)
    assert got["hazards"]["found"] == 4  # Lingshi's, not Xiyang's or Yanhu's
    assert [r["name"] for r in got["hazards"]["by_region"]] == ["测试镇"]
