import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from anlan.core.choices import UserRole
from anlan.core.models import Notification
from anlan.hazards.models import Hazard
from anlan.monitoring import readings, services
from anlan.monitoring.ingest import Columns, ingest
from anlan.monitoring.models import Alarm
from tests.factories import make_user

from .conftest import make_sensor

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def raise_alarm(gateway, tag="LT-101", value=18.5):
    ingest(gateway=gateway, columns=Columns([tag], [T0.timestamp()], [value]), now=T0)
    return Alarm.objects.filter(sensor__tag=tag).order_by("-pk").first()


@pytest.fixture
def manager(lingshi_mine):
    return make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)


@pytest.mark.django_db
def test_hh_alarm_notifies_the_enterprise(
    gateway, level_sensor, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_alarm(gateway)
    assert Notification.objects.filter(recipient=manager, title__contains="LT-101").count() == 1


@pytest.mark.django_db
def test_acknowledge_then_dispose(gateway, level_sensor, manager):
    alarm = raise_alarm(gateway)
    services.acknowledge(alarm=alarm, user=manager)
    with pytest.raises(ValidationError):
        services.acknowledge(alarm=alarm, user=manager)
    with pytest.raises(ValidationError) as exc:
        services.dispose(alarm=alarm, user=manager, cause="", measures="")
    assert set(exc.value.message_dict) == {"cause", "measures"}
    services.dispose(alarm=alarm, user=manager, cause="process_fluctuation", measures="调整进料")
    alarm.refresh_from_db()
    assert alarm.status == "disposed"
    ingest(gateway=gateway, columns=Columns(["LT-101"], [T0.timestamp() + 5], [10]), now=T0)
    alarm.refresh_from_db()
    assert alarm.status == "cleared"


@pytest.mark.django_db
def test_regulator_sees_but_does_not_handle(gateway, level_sensor, lingshi_regulator):
    alarm = raise_alarm(gateway)
    with pytest.raises(PermissionDenied):
        services.acknowledge(alarm=alarm, user=lingshi_regulator)


@pytest.mark.django_db
def test_alarm_not_disposed_in_time_opens_a_candidate_hazard(
    gateway, level_sensor, manager, lingshi_regulator, settings
):
    settings.ANLAN_ALARM_DISPOSE_MINUTES = {"urgent": 60, "warning": 240, "fault": 480}
    alarm = raise_alarm(gateway)
    with time_machine.travel(T0 + dt.timedelta(minutes=59)):
        assert services.check_alarm_deadlines().hazards == []
    with time_machine.travel(T0 + dt.timedelta(minutes=61)):
        run = services.check_alarm_deadlines()
        again = services.check_alarm_deadlines()
    assert len(run.hazards) == 1 and again.hazards == []
    hazard = Hazard.objects.get()
    assert (hazard.channel, hazard.level, hazard.enterprise_id) == (
        "monitoring_alarm",
        "general",
        level_sensor.enterprise_id,
    )
    assert Alarm.objects.get(kind="hh").hazard == hazard  # urgent: 60 min; H (240) not yet
    assert alarm.kind == "h"
    assert Notification.objects.filter(recipient=lingshi_regulator, kind="escalation").exists()


@pytest.mark.django_db
def test_safety_critical_fault_beyond_limit_is_a_major_candidate(gateway, settings):
    settings.ANLAN_MONITORING_FAULT_HAZARD_MINUTES = 30
    settings.ANLAN_ALARM_DISPOSE_MINUTES = {"urgent": 60, "warning": 240, "fault": 10_000}
    make_sensor(
        gateway,
        tag="GT-1",
        kind="combustible_gas",
        unit="%LEL",
        range_min=0,
        range_max=100,
        limit_ll=None,
        limit_l=None,
        limit_h=25,
        limit_hh=50,
        safety_critical=True,
    )
    raise_alarm(gateway, tag="GT-1", value=None)
    with time_machine.travel(T0 + dt.timedelta(minutes=31)):
        services.check_alarm_deadlines()
    hazard = Hazard.objects.get()
    assert hazard.level == "major"
    assert "第十四条" in hazard.basis or "Art. 14" in hazard.basis
    assert list(hazard.clauses.values_list("pk", flat=True)) in (["gm2023-14-1"], [])


@pytest.mark.django_db
def test_other_county_gets_404(gateway, level_sensor, yanhu_regulator, lingshi_regulator):
    alarm = raise_alarm(gateway)
    other = Client()
    other.force_login(yanhu_regulator)
    assert other.get(f"/monitoring/alarms/{alarm.pk}/").status_code == 404
    assert other.get(f"/api/monitoring/alarms/{alarm.pk}").status_code == 404
    assert other.get(f"/monitoring/enterprises/{level_sensor.enterprise_id}/").status_code == 404
    assert other.get(f"/api/monitoring/sensors/{level_sensor.pk}/series").status_code == 404
    own = Client()
    own.force_login(lingshi_regulator)
    assert own.get(f"/monitoring/alarms/{alarm.pk}/").status_code == 200
    assert own.get("/monitoring/board/rows/").content.count(b"data-alarm=") == 2  # HH and H


@pytest.mark.django_db
def test_pages_render(gateway, level_sensor, manager):
    alarm = raise_alarm(gateway)
    client = Client()
    client.force_login(manager)
    for url in [
        "/monitoring/",
        "/monitoring/sensors/",
        "/monitoring/sensors/new/",
        f"/monitoring/sensors/{level_sensor.pk}/edit/",
        f"/monitoring/enterprises/{level_sensor.enterprise_id}/",
        f"/monitoring/alarms/{alarm.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(f"/monitoring/alarms/{alarm.pk}/", {"action": "acknowledge"})
    assert response.status_code == 302
    response = client.post(
        f"/monitoring/alarms/{alarm.pk}/",
        {"action": "dispose", "cause": "genuine", "measures": "停泵"},
    )
    assert response.status_code == 302
    alarm.refresh_from_db()
    assert alarm.disposed_by == manager


@pytest.mark.django_db
def test_rollups_and_purge(gateway, level_sensor, settings):
    base = int(T0.timestamp())
    ingest(
        gateway=gateway,
        columns=Columns(["LT-101"] * 3, [base, base + 20, base + 70], [4, 6, 8]),
        now=T0 + dt.timedelta(minutes=5),
    )
    readings.rollup_pending(now=(base + 180) * 1000)
    rows = readings.series(level_sensor.pk, base * 1000, (base + 180) * 1000, rollup=True)
    assert rows == [(base * 1000, 4.0, 6.0, 5.0), ((base + 60) * 1000, 8.0, 8.0, 8.0)]
    # a late reading for a minute already rolled up is picked up by the next pass
    ingest(
        gateway=gateway,
        columns=Columns(["LT-101"], [base + 30], [2]),
        now=T0 + dt.timedelta(minutes=5),
    )
    readings.rollup_pending(now=(base + 240) * 1000)
    rows = readings.series(level_sensor.pk, base * 1000, (base + 60) * 1000, rollup=True)
    assert rows == [(base * 1000, 2.0, 6.0, 4.0)]
    settings.ANLAN_MONITORING_RETENTION_DAYS = 1
    done = readings.purge(now=(base + 2 * 86400) * 1000)
    assert done["readings"] == 4
    assert readings.count_readings() == 0


@pytest.mark.django_db
def test_cli_gateway_and_ingest(lingshi_mine, tmp_path, capsys):
    from django.core.management import call_command

    call_command("monitor", "gateway", "create", str(lingshi_mine.pk), "网关", "--code", "cli-gw")
    out = capsys.readouterr().out
    assert "token (shown once): gw_" in out
    from anlan.monitoring.models import Gateway

    make_sensor(Gateway.objects.get(code="cli-gw"), tag="X1")
    import time

    path = tmp_path / "r.csv"
    path.write_text(f"X1,{int(time.time()) - 5},3.5\nX2,{int(time.time())},1\n")
    call_command("monitor", "ingest", str(path), "--gateway", "cli-gw")
    out = capsys.readouterr().out
    assert "accepted 1" in out and "unknown_sensor" in out


@pytest.fixture
def city_admin(lingshi_mine):
    from anlan.core.models import Region

    city = Region.objects.get(prefix=lingshi_mine.region.prefix[:4])
    return make_user("city-admin-x", UserRole.CITY_ADMIN, region=city)


@pytest.mark.django_db
def test_unhandled_alarm_climbs_from_enterprise_to_county_to_city_and_repeats(
    gateway, level_sensor, manager, lingshi_regulator, city_admin, settings
):
    settings.ANLAN_ALARM_ACK_MINUTES = {"urgent": 10, "warning": 30, "fault": 60}
    settings.ANLAN_ALARM_DISPOSE_MINUTES = {"urgent": 600, "warning": 600, "fault": 600}
    settings.ANLAN_ALARM_ESCALATION_STEP_MINUTES = 30
    settings.ANLAN_ALARM_REPEAT_MINUTES = 15
    raise_alarm(gateway)  # H then HH at once: HH is the urgent one, acknowledged within 10 min
    hh = Alarm.objects.get(kind="hh")

    def run_at(minutes):
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes)):
            services.check_alarm_deadlines()
            services.check_alarm_deadlines()  # twice: nothing more is sent
        hh.refresh_from_db()

    def _told(user, **filters):  # about the HH alarm (the H alarm has its own, slower chain)
        return Notification.objects.filter(
            recipient=user, link=f"/monitoring/alarms/{hh.pk}/", **filters
        ).count()

    run_at(9)
    assert hh.escalated_to == "" and _told(manager, kind="escalation") == 0
    run_at(11)  # missed the acknowledgement: the enterprise is told again
    assert hh.escalated_to == "enterprise"
    assert _told(manager, kind="escalation") == 1 and _told(lingshi_regulator) == 0
    run_at(27)  # a repeat 15 minutes later, still the enterprise only
    assert _told(manager, kind="escalation") == 2 and _told(lingshi_regulator) == 0
    run_at(41)  # 30 minutes unhandled: the county
    assert hh.escalated_to == "county"
    assert _told(lingshi_regulator, kind="escalation") == 1 and _told(city_admin) == 0
    run_at(71)  # 60 minutes: the city
    assert hh.escalated_to == "city"
    assert _told(city_admin, kind="escalation") == 1
    title = Notification.objects.filter(recipient=city_admin, kind="escalation").first().title
    assert "未按时确认" in title and "市级" in title and "LT-101" in title
    client = Client()
    client.force_login(manager)
    page = client.get(f"/monitoring/alarms/{hh.pk}/").content.decode()
    assert "已升级至" in page and "市级" in page
    # Acknowledged now, the chain stops asking about acknowledgement and never steps down.
    services.acknowledge(alarm=hh, user=manager)
    run_at(100)
    assert hh.escalated_to == "city"
    assert _told(city_admin, kind="escalation") == 1


@pytest.mark.django_db
def test_disposal_evidence_is_shown_to_those_who_see_the_alarm(
    gateway, level_sensor, manager, yanhu_regulator, lingshi_regulator
):
    from anlan.core.uploads import check_upload
    from tests.hazards.conftest import jpeg_bytes

    alarm = raise_alarm(gateway)
    upload = check_upload(jpeg_bytes(), "现场.jpg")
    services.dispose(
        alarm=alarm, user=manager, cause="genuine", measures="关闭进料阀", attachment=upload
    )
    client = Client()
    client.force_login(lingshi_regulator)
    page = client.get(f"/monitoring/alarms/{alarm.pk}/").content.decode()
    assert "附件" in page or "证据" in page
    response = client.get(f"/monitoring/alarms/{alarm.pk}/attachment/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    api = client.get(f"/api/monitoring/alarms/{alarm.pk}")
    assert api.json()["attachment_url"] == f"/monitoring/alarms/{alarm.pk}/attachment/"
    client.force_login(yanhu_regulator)
    assert client.get(f"/monitoring/alarms/{alarm.pk}/attachment/").status_code == 404


@pytest.mark.django_db
def test_board_polling_is_not_modified_until_an_alarm_changes(gateway, level_sensor, manager):
    client = Client()
    client.force_login(manager)
    first = client.get("/monitoring/board/rows/")
    assert first.status_code == 200 and b"no-alarms" in first.content
    etag = first["ETag"]
    assert client.get("/monitoring/board/rows/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    alarm = raise_alarm(gateway)
    changed = client.get("/monitoring/board/rows/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and b"LT-101" in changed.content
    etag = changed["ETag"]
    services.acknowledge(alarm=alarm, user=manager)
    acked = client.get("/monitoring/board/rows/", HTTP_IF_NONE_MATCH=etag)
    assert acked.status_code == 200 and "已确认" in acked.content.decode()
