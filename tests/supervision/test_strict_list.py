"""The strict-supervision list: each reason provider with real monitoring rows, recomputing,
notices, and the hook for reasons from other apps."""

import datetime as dt

import pytest
import time_machine

from anlan.core.choices import UserRole
from anlan.core.models import Notification
from anlan.monitoring import offline
from anlan.monitoring import services as monitoring
from anlan.monitoring.ingest import Columns, ingest
from anlan.monitoring.models import Alarm, Gateway, Sensor
from anlan.supervision import services, strict
from anlan.supervision.models import GuaranteeCheck, StrictListEntry
from tests.factories import JINZHONG, YUNCHENG, make_user, region
from tests.monitoring.conftest import make_sensor

from .conftest import local

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)
T0 = local(2026, 3, 1, 9, 0)


@pytest.fixture
def gateway(lingshi_mine):
    gateway, _token = monitoring.create_gateway(
        user=None, enterprise=lingshi_mine, name="网关1", code="gw-1"
    )
    make_sensor(gateway)
    Gateway.objects.update(created_at=T0 - dt.timedelta(days=1))
    Sensor.objects.update(created_at=T0 - dt.timedelta(days=1))
    return Gateway.objects.get()


def send(gateway, at, value=10.0, tag="LT-101"):
    with time_machine.travel(at, tick=False):
        return ingest(gateway=gateway, columns=Columns([tag], [at.timestamp()], [value]), now=at)


def compute(day, at, **kwargs):
    with time_machine.travel(at, tick=False):
        return strict.compute(day, **kwargs)


def reasons_of(enterprise, day=DAY):
    entry = StrictListEntry.objects.filter(date=day, enterprise=enterprise).first()
    return [] if entry is None else entry.reasons


def test_alarm_not_disposed_in_time_puts_the_enterprise_on_the_list(
    gateway, lingshi_mine, settings
):
    settings.ANLAN_ALARM_DISPOSE_MINUTES = {"urgent": 60, "warning": 240, "fault": 480}
    send(gateway, T0, value=18.5)  # H and HH alarms at 09:00
    hh = Alarm.objects.get(kind="hh")

    compute(DAY, local(2026, 3, 1, 9, 30))  # before any deadline
    assert reasons_of(lingshi_mine) == []

    compute(DAY, local(2026, 3, 1, 10, 30))  # HH (60 min) overdue, H (240 min) not yet
    [reason] = reasons_of(lingshi_mine)
    assert reason["code"] == "alarms"
    [evidence] = reason["evidence"]["alarms"]
    assert evidence["id"] == hh.pk and evidence["tag"] == "LT-101"
    assert evidence["level"] == "urgent" and evidence["raised_at"] == "2026-03-01 09:00"
    assert evidence["link"] == f"/monitoring/alarms/{hh.pk}/"
    assert reason["link"] == f"/monitoring/alarms/{hh.pk}/"


def test_alarms_disposed_in_time_keep_the_enterprise_off_the_list(gateway, lingshi_mine, settings):
    settings.ANLAN_ALARM_DISPOSE_MINUTES = {"urgent": 60, "warning": 240, "fault": 480}
    staff = make_user("mine-staff", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    send(gateway, T0, value=18.5)
    for alarm in Alarm.objects.all():
        monitoring.dispose(
            alarm=alarm, user=staff, cause="process_fluctuation", measures="调整", at=T0
        )
    compute(DAY, local(2026, 3, 2, 9, 0))
    assert reasons_of(lingshi_mine) == []


def test_gateway_offline_an_hour_or_more_in_the_day_is_abnormal(gateway, lingshi_mine):
    send(gateway, T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        offline.check_offline()
    send(gateway, T0 + dt.timedelta(minutes=50))  # back after 50 minutes: below the limit
    compute(DAY, local(2026, 3, 2, 9, 0))
    assert reasons_of(lingshi_mine) == []

    with time_machine.travel(T0 + dt.timedelta(minutes=60), tick=False):
        offline.check_offline()  # silent again from 09:50
    compute(DAY, local(2026, 3, 1, 11, 0))  # 50 + 70 minutes so far, still offline
    [reason] = reasons_of(lingshi_mine)
    assert reason["code"] == "offline"
    assert reason["evidence"]["kind"] == "gateway" and reason["evidence"]["minutes"] == 120
    first, second = reason["evidence"]["episodes"]
    assert (first["start"], first["end"], first["minutes"]) == (
        "2026-03-01 09:00",
        "2026-03-01 09:50",
        50,
    )
    assert second["start"] == "2026-03-01 09:50" and second["still_offline"] is True
    assert "网关1" in reason["text"]


def test_a_safety_critical_sensor_offline_counts_an_ordinary_one_does_not(
    gateway, lingshi_mine, settings
):
    settings.ANLAN_STRICT_OFFLINE_MINUTES = 60
    make_sensor(
        gateway,
        tag="GT-1",
        name="可燃气体",
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
    Sensor.objects.update(created_at=T0 - dt.timedelta(days=1))
    send(gateway, T0, tag="GT-1")
    send(gateway, T0)
    # The gateway keeps sending LT-101; GT-1 stays silent for the rest of the day.
    for minutes in range(4, 200, 4):
        send(gateway, T0 + dt.timedelta(minutes=minutes))
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes, seconds=30), tick=False):
            offline.check_offline()
    compute(DAY, local(2026, 3, 1, 12, 30))
    [reason] = reasons_of(lingshi_mine)
    assert reason["evidence"]["kind"] == "sensor" and "GT-1" in reason["evidence"]["name"]


def test_missed_duty_is_a_reason_until_the_check_is_made_up(source, lingshi_mine, mine_safety):
    services.generate_checks(dt.date(2026, 2, 25))  # week of 23 February to 1 March
    operations = GuaranteeCheck.objects.get(role="operations")
    compute(DAY, local(2026, 3, 1, 10, 0))
    assert reasons_of(lingshi_mine) == []  # the week ends with 1 March

    day2 = dt.date(2026, 3, 2)
    compute(day2, local(2026, 3, 2, 10, 0))
    [reason] = reasons_of(lingshi_mine, day2)
    assert reason["code"] == "duties"
    assert reason["evidence"]["role"] == "operations"
    assert reason["evidence"]["person"] == operations.person_name
    assert reason["link"] == f"/supervision/checks/{operations.pk}/"

    with time_machine.travel(local(2026, 3, 2, 15, 0), tick=False):
        services.complete_check(check=operations, user=mine_safety, result="ok")
    # Recomputing 2 March later gives its end-of-day picture; 3 March no longer has it.
    compute(day2, local(2026, 3, 4, 10, 0))
    assert reasons_of(lingshi_mine, day2) == []
    compute(dt.date(2026, 3, 3), local(2026, 3, 3, 10, 0))
    assert reasons_of(lingshi_mine, dt.date(2026, 3, 3)) == []


def test_recomputing_replaces_only_that_day(source, lingshi_mine):
    services.generate_checks(dt.date(2026, 2, 25))
    compute(dt.date(2026, 3, 2), local(2026, 3, 2, 10, 0))
    compute(dt.date(2026, 3, 3), local(2026, 3, 3, 10, 0))
    first = StrictListEntry.objects.get(date=dt.date(2026, 3, 2))
    compute(dt.date(2026, 3, 3), local(2026, 3, 3, 11, 0))
    compute(dt.date(2026, 3, 3), local(2026, 3, 3, 12, 0))
    assert StrictListEntry.objects.filter(date=dt.date(2026, 3, 3)).count() == 1
    assert StrictListEntry.objects.get(date=dt.date(2026, 3, 2)).computed_at == first.computed_at
    assert StrictListEntry.objects.count() == 2


def test_newly_listed_enterprises_are_reported_to_county_and_city_once(
    source, lingshi_mine, lingshi_regulator, yanhu_regulator, city_admin
):
    yuncheng_admin = make_user("yc-city", UserRole.CITY_ADMIN, region=region(YUNCHENG))
    services.generate_checks(dt.date(2026, 2, 25))
    day2 = dt.date(2026, 3, 2)
    compute(day2, local(2026, 3, 2, 10, 0), notify=True)
    compute(day2, local(2026, 3, 2, 11, 0), notify=True)
    notes = Notification.objects.filter(kind="supervision")
    assert {n.recipient for n in notes} == {lingshi_regulator, city_admin}
    assert notes.count() == 2
    assert all(lingshi_mine.name in n.title for n in notes)
    # Still on the list the next day: not newly listed, no new notice.
    compute(dt.date(2026, 3, 3), local(2026, 3, 3, 10, 0), notify=True)
    assert Notification.objects.filter(kind="supervision").count() == 2
    assert not Notification.objects.filter(recipient__in=[yanhu_regulator, yuncheng_admin]).exists()
    assert region(JINZHONG).prefix == city_admin.region.prefix


def test_another_app_can_add_a_reason(lingshi_mine, monkeypatch):
    monkeypatch.setattr(strict, "_PROVIDERS", dict(strict._PROVIDERS))

    def no_commitment(day):
        return {
            lingshi_mine.pk: [
                {"code": "commitment", "text": "未作安全承诺", "evidence": {}, "link": ""}
            ]
        }

    strict.register_provider("commitment", no_commitment, label="未承诺")
    compute(DAY, local(2026, 3, 1, 10, 0))
    assert [r["code"] for r in reasons_of(lingshi_mine)] == ["commitment"]
    assert strict.labels()["commitment"] == "未承诺"


def test_a_provider_named_in_the_setting_is_run(lingshi_mine, settings):
    settings.ANLAN_STRICT_LIST_PROVIDERS = [
        "extra=tests.supervision.test_strict_list.listed_by_setting"
    ]
    compute(DAY, local(2026, 3, 1, 10, 0))
    entry = StrictListEntry.objects.get(date=DAY)
    assert entry.codes == ["extra"]


def listed_by_setting(day):
    from anlan.registry.models import Enterprise

    return {
        Enterprise.objects.get().pk: [{"code": "extra", "text": "x", "evidence": {}, "link": ""}]
    }


def test_the_demo_lists_the_forgetful_the_offline_and_the_lapsed_enterprise(db, settings):
    """After `anlan demo` at 11:00 the strict list of today names the enterprise that did not
    commit, and the lists of today and yesterday together the gateway that was silent for 75
    minutes and the source whose operations lead skipped last week's check — each reason with
    its evidence."""
    from anlan.commitments.demo import FORGETFUL_ENTERPRISE
    from anlan.commitments.services import strict_list_reasons
    from anlan.core.demo import build_demo
    from anlan.supervision.demo import LAPSED_ENTERPRISE

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    strict.register_provider("commitment", strict_list_reasons)  # the conftest left it out
    with time_machine.travel(local(2026, 3, 4, 11, 0), tick=False):
        build_demo()
        build_demo()  # idempotent
    codes: dict[str, set] = {}
    for entry in StrictListEntry.objects.filter(date__in=[DAY.replace(day=3), DAY.replace(day=4)]):
        codes.setdefault(entry.enterprise.name, set()).update(entry.codes)
    today = {
        e.enterprise.name: e.codes for e in StrictListEntry.objects.filter(date=DAY.replace(day=4))
    }
    assert "commitment" in next(v for k, v in today.items() if k.startswith(FORGETFUL_ENTERPRISE))
    assert "duties" in next(v for k, v in codes.items() if k.startswith(LAPSED_ENTERPRISE))
    offline_names = [k for k, v in codes.items() if "offline" in v]
    assert any(name.startswith("昔阳县松溪") for name in offline_names), codes
    lapsed = GuaranteeCheck.objects.filter(
        hazard_source__enterprise__name__startswith=LAPSED_ENTERPRISE,
        role="operations",
        completed_at__isnull=True,
        period_end__lt=DAY.replace(day=4),
    )
    assert lapsed.exists()
    assert (
        not GuaranteeCheck.objects.filter(
            completed_at__isnull=True, period_end__lt=DAY.replace(day=4)
        )
        .exclude(pk__in=lapsed)
        .exists()
    )
