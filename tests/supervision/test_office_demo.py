"""The demo committee office: units of the city and of Lingshi, and a month in which one
township missed a deadline."""

import pytest

from anlan.core.choices import UserRole
from anlan.core.demo import LINGSHI, _build_regions, _Counter
from anlan.supervision import office
from anlan.supervision.choices import AssignmentState, TaskState, UnitKind
from anlan.supervision.demo_office import MISSED_TOWNSHIP, build_demo_office
from anlan.supervision.models import Duty, MemberUnit, SupervisionTask, TaskAssignment
from tests.factories import JINZHONG, make_user, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(db):
    regions = _build_regions(_Counter())
    make_user("admin", UserRole.SYSTEM_ADMIN)
    make_user("lingshi", UserRole.COUNTY_REGULATOR, region=regions[LINGSHI])
    make_user("city", UserRole.CITY_ADMIN, region=region(JINZHONG))
    make_user("liaison", UserRole.MEMBER_UNIT_LIAISON, region=region(JINZHONG))
    make_user("township", UserRole.TOWNSHIP_SUPERVISOR, region=regions[LINGSHI + "190"])
    return regions


def test_the_demo_builds_a_month_where_one_township_missed_a_task(regions):
    result = build_demo_office(regions)
    assert result["missed"] == MISSED_TOWNSHIP
    city_units = MemberUnit.objects.filter(committee_region__code=JINZHONG)
    assert city_units.count() == 10
    assert all(3 <= u.duties.count() <= 5 for u in city_units)
    emergency = city_units.get(name="晋中市应急管理局")
    assert emergency.liaisons.filter(username="liaison").exists()
    towns = MemberUnit.objects.filter(committee_region__code=LINGSHI, kind=UnitKind.TOWNSHIP)
    assert towns.count() == 3 and all(t.party_chair and t.admin_chair for t in towns)

    closed = SupervisionTask.objects.filter(region__code=LINGSHI, state=TaskState.CLOSED)
    assert closed.count() == 2
    rows = TaskAssignment.objects.filter(task__in=closed)
    assert rows.count() == 6 and not rows.exclude(state=AssignmentState.ACCEPTED).exists()
    late = rows.filter(on_time=False)
    assert [a.unit.name for a in late] == [MISSED_TOWNSHIP]
    assert office.unit_record(late.get().unit)["on_time"] == 1
    open_tasks = SupervisionTask.objects.filter(state=TaskState.OPEN)
    assert open_tasks.filter(region__code=LINGSHI).count() == 1
    assert open_tasks.filter(region__code=JINZHONG).count() == 1

    counts = (MemberUnit.objects.count(), Duty.objects.count(), SupervisionTask.objects.count())
    again = build_demo_office(regions)
    assert again["created"] == {"units": 0, "tasks": 0}
    assert counts == (
        MemberUnit.objects.count(),
        Duty.objects.count(),
        SupervisionTask.objects.count(),
    )
