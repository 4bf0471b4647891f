"""The alarm engine through the ingestion service (the same path as HTTP)."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from anlan.monitoring.choices import AlarmKind
from anlan.monitoring.ingest import Columns, ingest
from anlan.monitoring.models import Alarm, SensorState

from .conftest import make_sensor

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
S0 = T0.timestamp()


def feed(gateway, points, tag="LT-101"):
    """points: [(seconds after T0, value)]"""
    columns = Columns(
        tags=[tag] * len(points),
        ts=[S0 + s for s, _ in points],
        values=[v for _, v in points],
    )
    return ingest(gateway=gateway, columns=columns, now=T0 + dt.timedelta(hours=1))


def active_kinds(sensor):
    return sorted(
        Alarm.objects.filter(sensor=sensor, cleared_at__isnull=True).values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_value_equal_to_the_high_limit_raises_h(gateway, level_sensor):
    feed(gateway, [(0, 14.99)])
    assert active_kinds(level_sensor) == []
    result = feed(gateway, [(1, 15.0)])
    assert result.alarms_raised == 1
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.level, alarm.value, alarm.limit) == ("h", "warning", 15.0, 15.0)


@pytest.mark.django_db
def test_low_limits_at_the_boundary(gateway, level_sensor):
    feed(gateway, [(0, 2.0), (1, 1.0)])
    assert active_kinds(level_sensor) == ["l", "ll"]


@pytest.mark.django_db
def test_hh_and_h_are_both_active_above_hh(gateway, level_sensor):
    feed(gateway, [(0, 16), (1, 18.5)])
    assert active_kinds(level_sensor) == ["h", "hh"]
    feed(gateway, [(2, 16)])  # back below HH − deadband, still above H
    assert active_kinds(level_sensor) == ["h"]


@pytest.mark.django_db
def test_alarm_clears_only_past_the_deadband(gateway, level_sensor):
    feed(gateway, [(0, 15.2)])
    feed(gateway, [(1, 14.6)])  # inside the 0.5 deadband: still active
    assert active_kinds(level_sensor) == ["h"]
    feed(gateway, [(2, 14.4)])
    alarm = Alarm.objects.get()
    assert alarm.cleared_at == T0 + dt.timedelta(seconds=2)
    assert alarm.clear_value == 14.4
    assert active_kinds(level_sensor) == []


@pytest.mark.django_db
def test_debounce_needs_the_excursion_to_last(gateway):
    sensor = make_sensor(gateway, tag="PT-1", debounce_seconds=10)
    feed(gateway, [(0, 16), (5, 16), (9, 14)], tag="PT-1")  # 9 s above H then back
    assert Alarm.objects.count() == 0
    feed(gateway, [(20, 16), (25, 16)], tag="PT-1")
    assert Alarm.objects.count() == 0  # pending since 20
    assert SensorState.objects.get(sensor=sensor).excursions["h"]["since"] == int((S0 + 20) * 1000)
    feed(gateway, [(30, 16.5)], tag="PT-1")  # a later batch: 10 s reached
    alarm = Alarm.objects.get()
    assert alarm.started_at == T0 + dt.timedelta(seconds=20)
    assert alarm.raised_at == T0 + dt.timedelta(seconds=30)


@pytest.mark.django_db
def test_fault_is_distinct_from_process_alarms(gateway, level_sensor):
    feed(gateway, [(0, 25.0)])  # above the 0–20 range: over-range, not HH
    assert active_kinds(level_sensor) == [AlarmKind.FAULT_OVER_RANGE]
    feed(gateway, [(1, None)])  # empty value: wire break
    assert AlarmKind.FAULT_WIRE_BREAK in active_kinds(level_sensor)
    feed(gateway, [(2, 10.0)])
    assert active_kinds(level_sensor) == []
    assert Alarm.objects.get(kind="fault_over_range").level == "fault"


@pytest.mark.django_db
def test_configured_wire_break_value(gateway):
    sensor = make_sensor(
        gateway,
        tag="TT-1",
        range_min=-50,
        range_max=200,
        wire_break_value=-9999,
        limit_ll=None,
        limit_l=None,
    )
    feed(gateway, [(0, -9999)], tag="TT-1")
    assert active_kinds(sensor) == [AlarmKind.FAULT_WIRE_BREAK]


@pytest.mark.django_db
def test_one_active_alarm_per_kind(gateway, level_sensor):
    feed(gateway, [(0, 16), (1, 17), (2, 16.5)])
    feed(gateway, [(3, 16.8)])
    assert Alarm.objects.filter(kind="h").count() == 1
    feed(gateway, [(4, 10), (5, 16)])  # cleared, then a new excursion: a new alarm
    assert Alarm.objects.filter(kind="h").count() == 2
    assert Alarm.objects.filter(kind="h", cleared_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_database_refuses_a_second_active_alarm(gateway, level_sensor):
    feed(gateway, [(0, 16)])
    alarm = Alarm.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm.objects.create(
            sensor=level_sensor,
            kind="h",
            level="warning",
            started_at=alarm.started_at,
            raised_at=alarm.raised_at,
        )


@pytest.mark.django_db
def test_excursion_and_return_within_one_batch(gateway, level_sensor):
    result = feed(gateway, [(0, 16), (1, 10), (2, 16)])
    assert result.alarms_raised == 2
    assert Alarm.objects.filter(cleared_at__isnull=False).count() == 1
    assert active_kinds(level_sensor) == ["h"]


@pytest.mark.django_db
def test_late_reading_does_not_move_the_state_back(gateway, level_sensor):
    feed(gateway, [(10, 16)])
    feed(gateway, [(5, 10)])  # older than what was evaluated: stored, not evaluated
    assert active_kinds(level_sensor) == ["h"]


@pytest.mark.django_db
def test_many_sensors_in_one_batch(gateway):
    sensors = [make_sensor(gateway, tag=f"S{i}") for i in range(20)]
    columns = Columns(
        tags=[s.tag for s in sensors] * 2,
        ts=[S0] * 20 + [S0 + 1] * 20,
        values=[16 if i % 2 else 5 for i in range(20)] + [5] * 20,
    )
    with time_machine.travel(T0 + dt.timedelta(minutes=1)):
        result = ingest(gateway=gateway, columns=columns, now=timezone.now())
    assert result.accepted == 40
    assert result.alarms_raised == 10
    assert result.alarms_cleared == 0
    assert Alarm.objects.filter(cleared_at__isnull=False).count() == 10


@pytest.mark.django_db
def test_gateways_with_interleaved_sensors_keep_their_alarms_apart(gateway, lingshi_mine):
    """Sensor ids of two gateways interleave (sensors added to each in turn): a batch of one
    gateway neither clears nor sees the other's alarms and pending excursions."""
    from anlan.monitoring import services

    other, _token = services.create_gateway(
        user=None, enterprise=lingshi_mine, name="网关2", code="gw-2"
    )
    first = make_sensor(gateway, tag="LT-101")
    between = make_sensor(other, tag="LT-201", debounce_seconds=0)
    last = make_sensor(gateway, tag="LT-102")
    assert first.pk < between.pk < last.pk
    feed(other, [(0, 18.5)], tag="LT-201")  # H and HH on the other gateway
    feed(other, [(1, 15.5)], tag="LT-201")  # HH cleared, H stays
    assert active_kinds(between) == ["h"]
    feed(gateway, [(2, 10.0)], tag="LT-101")  # normal readings on this gateway
    feed(gateway, [(2, 10.0)], tag="LT-102")
    assert active_kinds(between) == ["h"]
    assert feed(gateway, [(3, 18.5)], tag="LT-102").alarms_raised == 2
    assert active_kinds(last) == ["h", "hh"] and active_kinds(first) == []
    feed(other, [(4, 10.0)], tag="LT-201")
    assert active_kinds(between) == [] and active_kinds(last) == ["h", "hh"]
