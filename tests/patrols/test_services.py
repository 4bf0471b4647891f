import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anlan.core.models import Notification
from anlan.hazards.choices import HazardChannel
from anlan.hazards.models import Hazard
from anlan.patrols import services
from anlan.patrols.models import OnlinePatrol, PatrolFinding

from ..factories import EnterpriseFactory
from .conftest import DAY0, finding, record

pytestmark = pytest.mark.django_db


def _nothing_saved():
    return (
        OnlinePatrol.objects.count() == 0
        and PatrolFinding.objects.count() == 0
        and Hazard.objects.count() == 0
    )


def test_each_finding_opens_a_hazard_through_the_online_patrol_channel(
    lingshi_regulator, coking_plant
):
    with time_machine.travel(DAY0):
        patrol = record(
            lingshi_regulator,
            coking_plant,
            [finding("液位高报警两小时未处置"), finding("视频监控离线", level="major")],
        )
    assert patrol.level == "county" and patrol.patroller == lingshi_regulator
    rows = list(patrol.findings.select_related("hazard").order_by("order"))
    assert [f.order for f in rows] == [1, 2]
    for row in rows:
        hazard = row.hazard
        assert hazard.channel == HazardChannel.ONLINE_PATROL
        assert hazard.enterprise == coking_plant
        assert hazard.reported_by == lingshi_regulator
        assert hazard.found_by == lingshi_regulator.display_name
        assert hazard.description == row.description
        assert hazard.found_at == patrol.started_at
    assert rows[1].hazard.level == "major"


def test_a_bad_finding_saves_nothing_and_names_the_field(lingshi_regulator, coking_plant):
    with time_machine.travel(DAY0), pytest.raises(ValidationError) as exc:
        record(lingshi_regulator, coking_plant, [finding(), finding(description="")])
    assert "findings[1].description" in exc.value.message_dict
    assert _nothing_saved()


def test_a_deadline_before_the_patrol_is_refused(lingshi_regulator, coking_plant):
    with time_machine.travel(DAY0), pytest.raises(ValidationError) as exc:
        record(lingshi_regulator, coking_plant, [finding(days=-3)])
    assert "findings[0].deadline" in exc.value.message_dict
    assert _nothing_saved()


def test_a_failure_while_opening_hazards_leaves_nothing_half_saved(lingshi_regulator, coking_plant):
    real = services.hazard_services.report_hazard
    calls = []

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError({"description": "boom"})
        return real(**kwargs)

    with (
        time_machine.travel(DAY0),
        mock.patch.object(services.hazard_services, "report_hazard", second_fails),
        pytest.raises(ValidationError) as exc,
    ):
        record(lingshi_regulator, coking_plant, [finding(), finding("第二条")])
    assert "findings[1].description" in exc.value.message_dict
    assert _nothing_saved()


def test_result_must_agree_with_the_findings(lingshi_regulator, coking_plant):
    with pytest.raises(ValidationError) as exc:
        record(lingshi_regulator, coking_plant, [], result="problems")
    assert "findings" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(lingshi_regulator, coking_plant, [finding()], result="ok")
    assert "result" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(lingshi_regulator, coking_plant, [], items=[])
    assert "items" in exc.value.message_dict
    assert _nothing_saved()


def test_only_regulators_in_scope_record(
    coking_plant, coking_manager, yanhu_regulator, township_supervisor, system_admin
):
    with pytest.raises(PermissionDenied):
        record(coking_manager, coking_plant)
    with pytest.raises(ValidationError) as exc:
        record(yanhu_regulator, coking_plant)
    assert "enterprise" in exc.value.message_dict
    assert _nothing_saved()
    assert record(township_supervisor, coking_plant).level == "township"
    assert record(system_admin, coking_plant).level == ""


def test_missed_patrols_per_level_follow_the_limits(
    lingshi_regulator, city_admin, coking_plant, settings
):
    settings.ANLAN_PATROL_DAYS = {"city": 30, "county": 7, "township": 7}
    type(coking_plant).objects.filter(pk=coking_plant.pk).update(created_at=DAY0)
    with time_machine.travel(DAY0 - dt.timedelta(days=60)):
        EnterpriseFactory(name="没有危险源的企业")  # not monitored: never listed
    with time_machine.travel(DAY0):
        patrol = record(lingshi_regulator, coking_plant)
        record(city_admin, coking_plant)
    day = DAY0.date()
    assert services.missed_patrols(day + dt.timedelta(days=7), "county") == {}
    missed = services.missed_patrols(day + dt.timedelta(days=8), "county")
    assert missed == {
        coking_plant.pk: {
            "enterprise": coking_plant.name,
            "level": "county",
            "limit_days": 7,
            "last_patrol_id": patrol.pk,
            "last_patrol_at": patrol.started_at.isoformat(),
            "since": "2026-03-02",
            "days_since": 8,
            "due_on": "2026-03-09",
        }
    }
    # The city's own patrol counts for the city level only (30 days).
    assert services.missed_patrols(day + dt.timedelta(days=8), "city") == {}
    assert coking_plant.pk in services.missed_patrols(day + dt.timedelta(days=31), "city")
    # No township patrol yet: counted from when the enterprise was registered.
    township = services.missed_patrols(day + dt.timedelta(days=8), "township")
    assert township[coking_plant.pk]["last_patrol_id"] is None
    assert township[coking_plant.pk]["since"] == "2026-03-02"


def test_a_county_registered_enterprise_owes_no_township_patrol(lingshi_mine):
    from .conftest import add_hazard_source

    add_hazard_source(lingshi_mine)
    later = timezone.localdate() + dt.timedelta(days=100)
    assert lingshi_mine.pk in services.missed_patrols(later, "county")
    assert services.missed_patrols(later, "township") == {}


def test_overdue_regulators_are_told_once_per_period(
    lingshi_regulator, yanhu_regulator, township_supervisor, coking_plant, settings
):
    settings.ANLAN_PATROL_DAYS = {"county": 7}
    with time_machine.travel(DAY0):
        record(lingshi_regulator, coking_plant)
    with time_machine.travel(DAY0 + dt.timedelta(days=8)):
        assert services.notify_overdue() == 1
        assert services.notify_overdue() == 0
    with time_machine.travel(DAY0 + dt.timedelta(days=9)):
        assert services.notify_overdue() == 0  # same overdue period
    notes = Notification.objects.filter(recipient=lingshi_regulator)
    assert notes.count() == 1
    note = notes.get()
    assert note.kind == "duty" and coking_plant.name in note.title
    assert note.link == f"/patrols/new/{coking_plant.pk}/"
    assert not Notification.objects.filter(recipient=yanhu_regulator).exists()
    assert not Notification.objects.filter(recipient=township_supervisor).exists()
    # Patrolled again, overdue again later: a new period, a new notification.
    with time_machine.travel(DAY0 + dt.timedelta(days=10)):
        record(lingshi_regulator, coking_plant)
    with time_machine.travel(DAY0 + dt.timedelta(days=18)):
        assert services.notify_overdue() == 1
    assert notes.count() == 2


def test_the_daily_job_runs_the_notifications(lingshi_regulator, coking_plant, settings):
    from anlan.patrols import tasks

    settings.ANLAN_PATROL_DAYS = {"county": 7}
    type(coking_plant).objects.filter(pk=coking_plant.pk).update(created_at=DAY0)
    with time_machine.travel(DAY0 + dt.timedelta(days=30)):
        tasks.overdue_patrols.call_local()
    assert Notification.objects.filter(recipient=lingshi_regulator, kind="duty").count() == 1
