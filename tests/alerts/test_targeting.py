"""A cold-wave yellow warning for Jinzhong reaches the enterprises the matrix names, the teams
(readiness raised), the township supervisors and the village grid members of the area."""

import datetime as dt

from django.utils import timezone

from anlan.alerts import ingest
from anlan.alerts.models import Target
from anlan.core.models import Notification
from anlan.rescue.models import DutyShift

from .alerts_setup import cap_xml


def _import(data, user=None):
    outcome = ingest.import_message(data, received_from="test.xml", user=user)
    assert outcome.status == "imported", outcome.reason
    return outcome.alert


def names(alert):
    return {t.name for t in Target.objects.live().filter(thread=alert.root)}


def test_cold_wave_for_jinzhong_reaches_gas_heating_team_township_and_village(world):
    alert = _import(cap_xml())
    assert alert.signal_type == "cold_wave" and alert.colour == "yellow"
    got = names(alert)
    assert {world.gas.name, world.heating.name, world.team.name} <= got
    assert world.township.full_name in got and world.village.full_name in got
    # Not a coal mine (the cold-wave rule does not name it), not an enterprise in Yuncheng.
    assert world.coal.name not in got and world.far.name not in got


def test_each_target_is_told_with_its_deadline(world):
    alert = _import(cap_xml())
    for user in (world.gas_manager, world.commander, world.supervisor, world.grid):
        note = Notification.objects.get(recipient=user, kind="warning")
        assert alert.headline in note.title
        assert str(alert.root.pk) in note.link
    assert not Notification.objects.filter(recipient=world.coal_manager).exists()


def test_teams_in_the_area_stand_by_at_raised_readiness(world):
    alert = _import(cap_xml(event="寒潮橙色预警", headline="寒潮橙色预警", severity="Severe"))
    assert alert.colour == "orange"
    world.shift.refresh_from_db()
    assert world.shift.readiness == "high"
    target = Target.objects.get(thread=alert, team=world.team)
    assert target.readiness == "high"


def test_deadlines_follow_the_colour(world, settings):
    settings.ANLAN_ALERT_ACK_MINUTES = {"red": 30, "orange": 60, "yellow": 120, "blue": 240}
    alert = _import(cap_xml())
    target = Target.objects.get(thread=alert, enterprise=world.gas)
    minutes = (target.ack_due - target.notified_at).total_seconds() / 60
    assert round(minutes) == 120


def test_a_polygon_reaches_enterprises_by_their_coordinates(world):
    # A small square around the Lingshi gas company only; no region codes.
    polygon = "36.80,111.70 36.80,111.90 36.90,111.90 36.90,111.70 36.80,111.70"
    alert = _import(cap_xml(codes=(), polygon=polygon, area_desc="灵石县城区"))
    got = names(alert)
    assert world.gas.name in got and world.heating.name not in got
    assert world.team.name in got  # its base lies inside the square


def test_an_update_upgrading_the_level_keeps_acknowledgements_and_tells_everyone(world):
    from anlan.alerts import response

    first = _import(cap_xml(identifier="cw-1"))
    gas_target = Target.objects.get(thread=first, enterprise=world.gas)
    response.acknowledge(user=world.gas_manager, target=gas_target)
    update = _import(
        cap_xml(
            identifier="cw-2",
            msg_type="Update",
            event="寒潮橙色预警",
            headline="寒潮升级为橙色",
            severity="Severe",
            references=f"{first.sender},{first.identifier},{first.reference_string().split(',')[2]}",
        )
    )
    assert update.root == first and update.is_latest
    first.refresh_from_db()
    assert not first.is_latest
    gas_target.refresh_from_db()
    assert gas_target.acknowledged_at is not None
    assert Notification.objects.filter(
        recipient=world.gas_manager, title__contains="寒潮升级为橙色"
    ).exists()


def test_an_update_that_narrows_the_area_withdraws_targets(world):
    first = _import(cap_xml(identifier="cw-1"))
    _import(
        cap_xml(
            identifier="cw-2",
            msg_type="Update",
            codes=("140729",),
            area_desc="灵石县",
            references=first.reference_string(),
        )
    )
    heating = Target.objects.get(thread=first, enterprise=world.heating)
    assert heating.withdrawn_at is not None
    assert Target.objects.get(thread=first, enterprise=world.gas).withdrawn_at is None


def test_a_cancel_lifts_the_warning_and_tells_the_targets(world):
    first = _import(cap_xml(identifier="cw-1"))
    _import(
        cap_xml(
            identifier="cw-3",
            msg_type="Cancel",
            info=False,
            note="冷空气减弱，解除预警",
            references=first.reference_string(),
        )
    )
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert not first.is_active()
    assert (
        Notification.objects.filter(
            recipient=world.gas_manager, title__contains="cancelled"
        ).exists()
        or Notification.objects.filter(recipient=world.gas_manager, title__contains="解除").exists()
    )


def test_test_messages_are_stored_but_reach_nobody(world):
    alert = _import(cap_xml(status="Test"))
    assert not Target.objects.filter(thread=alert).exists()


def test_editing_the_matrix_changes_who_is_targeted(world):
    from anlan.alerts import matrix

    matrix.save_rule(
        user=world.city_admin, signal_type="cold_wave", industries=["coal_mine"], risk_flags=[]
    )
    alert = _import(cap_xml())
    got = names(alert)
    assert world.coal.name in got and world.gas.name not in got


def test_a_warning_already_expired_is_stored_but_not_current(world):
    past = timezone.now() - dt.timedelta(days=5)
    alert = _import(cap_xml(sent=past, effective=past, expires=past + dt.timedelta(days=1)))
    assert not alert.is_active()
    assert not Target.objects.filter(thread=alert).exists()
    assert DutyShift.objects.get(pk=world.shift.pk).readiness == "normal"
