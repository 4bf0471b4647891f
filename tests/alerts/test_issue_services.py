"""The bureau issues its own warnings: drafting rules, review and sign-off, the national
identifier, locking, and Update / Cancel messages that reference the original."""

# ruff: noqa: F811 -- fixtures are imported from test_issue_setup, then requested by name
import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.alerts import cap, issuing
from anlan.alerts.choices import MsgType, Stage
from anlan.alerts.models import Alert
from anlan.core.choices import UserRole

from ..factories import LINGSHI, XIYANG, make_user, region
from .test_issue_setup import NOW, cold_wave, frozen_now, published, second_city_admin  # noqa: F401


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages are compared in English (the site's default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db
IDENTIFIER = re.compile(r"^140700(\d{3})(\d{3})00_(\d{14})_(\d)$")


def refused(field, action, **kwargs):
    with pytest.raises(ValidationError) as info:
        action(**kwargs)
    assert field in info.value.message_dict, info.value.message_dict
    return " ".join(info.value.message_dict[field])


def test_draft_submit_publish_by_another_issuer_gives_valid_cap_with_national_identifier(
    city_admin, second_city_admin, settings
):
    settings.ANLAN_CAP_AGENCY_CODE = "123"
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    assert alert.stage == Stage.DRAFT and alert.identifier.startswith("draft-")
    assert alert.headline == "晋中市应急管理局发布寒潮黄色预警"
    assert alert.severity == "Moderate" and alert.category == "Met"
    issuing.submit(user=city_admin, alert=alert)
    alert = issuing.publish(user=second_city_admin, alert=alert, note="同意发布")

    assert alert.stage == Stage.PUBLISHED and alert.is_locked
    match = IDENTIFIER.match(alert.identifier)
    assert match and len(alert.identifier) == 31
    assert match.group(1) == "123" and match.group(3) == "20261204080000"
    assert alert.published_by == second_city_admin and alert.thread_id == alert.pk
    assert alert.is_latest and alert.is_active()
    parsed = cap.parse(cap.build(alert))
    assert parsed.identifier == alert.identifier and parsed.msg_type == "Alert"
    assert cap.region_codes(parsed.primary) == ["140700"]
    assert cap.signal_of(parsed.primary) == "cold_wave"
    assert cap.colour_of(parsed.primary) == "yellow"


def test_messages_of_the_same_second_get_sequence_numbers(city_admin, second_city_admin):
    first = published(city_admin, second_city_admin)
    second = published(city_admin, second_city_admin, signal_type="gale", colour="blue")
    assert first.identifier.endswith("_0") and second.identifier.endswith("_1")


def test_publishing_your_own_draft_is_refused(city_admin):
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    issuing.submit(user=city_admin, alert=alert)
    message = refused("reviewer", issuing.publish, user=city_admin, alert=alert)
    assert "another issuer" in message
    alert.refresh_from_db()
    assert alert.stage == Stage.REVIEW and alert.identifier.startswith("draft-")


def test_a_published_warning_cannot_be_edited_or_moved(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin)
    refused("stage", issuing.update_draft, user=city_admin, alert=alert, data={"colour": "red"})
    refused("stage", issuing.submit, user=city_admin, alert=alert)
    refused("stage", issuing.send_back, user=city_admin, alert=alert, note="x")
    alert.refresh_from_db()
    assert alert.colour == "yellow"


def test_a_draft_awaiting_sign_off_is_sent_back_with_a_note(city_admin, second_city_admin):
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    issuing.submit(user=city_admin, alert=alert)
    refused("note", issuing.send_back, user=second_city_admin, alert=alert, note=" ")
    alert = issuing.send_back(user=second_city_admin, alert=alert, note="补充防御指南")
    assert alert.stage == Stage.DRAFT and alert.review_note == "补充防御指南"
    refused("stage", issuing.publish, user=second_city_admin, alert=alert)
    alert = issuing.update_draft(user=city_admin, alert=alert, data={"instruction": "关好门窗"})
    assert alert.instruction == "关好门窗" and alert.infos.get().instruction == "关好门窗"


def test_update_references_the_original_and_takes_over_the_thread(city_admin, second_city_admin):
    original = published(city_admin, second_city_admin)
    draft = issuing.draft_update(user=city_admin, of=original)
    assert draft.msg_type == MsgType.UPDATE and draft.replaces == original
    assert draft.references == original.reference_string()
    draft = issuing.update_draft(user=city_admin, alert=draft, data={"colour": "orange"})
    assert draft.headline == "晋中市应急管理局发布寒潮橙色预警" and draft.severity == "Severe"
    original.refresh_from_db()
    assert original.is_latest  # a draft changes nothing yet
    issuing.submit(user=city_admin, alert=draft)
    update = issuing.publish(user=second_city_admin, alert=draft)
    original.refresh_from_db()
    assert not original.is_latest and update.is_latest and update.thread == original
    assert cap.parse(cap.build(update)).references[0][1] == original.identifier
    refused("replaces", issuing.draft_update, user=city_admin, of=original)

    cancel = issuing.draft_cancel(user=second_city_admin, of=update, note="寒潮影响结束")
    assert cancel.references.split() == [original.reference_string(), update.reference_string()]


def test_cancel_ends_the_thread(city_admin, second_city_admin):
    original = published(city_admin, second_city_admin)
    refused("note", issuing.draft_cancel, user=city_admin, of=original, note="")
    draft = issuing.draft_cancel(user=city_admin, of=original, note="冷空气减弱")
    assert draft.msg_type == MsgType.CANCEL and draft.headline.startswith("晋中市应急管理局解除")
    issuing.submit(user=city_admin, alert=draft)
    cancel = issuing.publish(user=second_city_admin, alert=draft)
    original.refresh_from_db()
    assert original.cancelled_at is not None and not original.is_latest
    assert not Alert.objects.current().filter(pk__in=[original.pk, cancel.pk]).exists()
    assert cap.parse(cap.build(cancel)).msg_type == "Cancel"
    assert "cancelled" in refused("replaces", issuing.draft_update, user=city_admin, of=cancel)


def test_an_expired_warning_cannot_be_updated(city_admin, second_city_admin, frozen_now):
    original = published(city_admin, second_city_admin)
    frozen_now.shift(dt.timedelta(days=3))
    assert "expired" in refused("replaces", issuing.draft_update, user=city_admin, of=original)


def test_a_colour_the_signal_does_not_have_is_refused(city_admin):
    message = refused(
        "colour",
        issuing.create_draft,
        user=city_admin,
        data=cold_wave(signal_type="drought", colour="blue"),
    )
    assert "Orange" in message or "橙" in message
    refused("colour", issuing.create_draft, user=city_admin, data=cold_wave(colour=""))
    assert not Alert.objects.exists()


def test_expiring_before_taking_effect_is_refused(city_admin):
    data = cold_wave(effective=NOW, expires=NOW - dt.timedelta(hours=1), onset=None)
    refused("expires", issuing.create_draft, user=city_admin, data=data)
    data = cold_wave(expires=NOW + dt.timedelta(hours=6), onset=NOW + dt.timedelta(hours=8))
    refused("expires", issuing.create_draft, user=city_admin, data=data)
    refused("expires", issuing.create_draft, user=city_admin, data=cold_wave(expires=None))
    assert not Alert.objects.exists()


def test_a_polygon_that_does_not_close_is_refused(city_admin, second_city_admin):
    open_ring = "37.0,112.0 37.5,112.0 37.5,112.5 37.1,112.4"
    message = refused(
        "polygon", issuing.create_draft, user=city_admin, data=cold_wave(polygon=open_ring)
    )
    assert "close" in message or "闭合" in message
    refused("polygon", issuing.create_draft, user=city_admin, data=cold_wave(polygon="37,112 x"))
    refused("circle", issuing.create_draft, user=city_admin, data=cold_wave(circle="37,112 -5"))
    closed = "37.0,112.0 37.5,112.0 37.5,112.5 37.0,112.0"
    alert = published(
        city_admin, second_city_admin, regions=[], polygon=closed, circle="37.2,112.3 10"
    )
    area = cap.parse(cap.build(alert)).primary.areas[0]
    assert area.polygons == [[[37.0, 112.0], [37.5, 112.0], [37.5, 112.5], [37.0, 112.0]]]
    assert area.circles == [[37.2, 112.3, 10.0]] and area.area_desc == "晋中市部分地区"


def test_a_warning_needs_an_area(city_admin):
    refused("regions", issuing.create_draft, user=city_admin, data=cold_wave(regions=[]))


def test_regions_outside_the_jurisdiction_are_refused(lingshi_regulator, city_admin):
    refused(
        "regions", issuing.create_draft, user=lingshi_regulator, data=cold_wave(regions=[XIYANG])
    )
    refused("region", issuing.create_draft, user=lingshi_regulator, data=cold_wave(region="140700", regions=[LINGSHI]))  # fmt: skip
    refused("regions", issuing.create_draft, user=city_admin, data=cold_wave(regions=["140802"]))
    refused("regions", issuing.create_draft, user=city_admin, data=cold_wave(regions=["999999"]))
    alert = issuing.create_draft(user=lingshi_regulator, data=cold_wave(regions=[LINGSHI]))
    assert alert.region == region(LINGSHI) and alert.headline.startswith("灵石县应急管理局")
    assert alert.infos.get().areas.get().geocodes == [{"valueName": "GB/T 2260", "value": LINGSHI}]


def test_only_issuing_roles_of_the_region_draft_and_sign_off(
    city_admin, lingshi_regulator, yanhu_regulator
):
    civil = make_user("civil", UserRole.CIVIL_AFFAIRS, region=region(LINGSHI))
    with pytest.raises(PermissionDenied):
        issuing.create_draft(user=civil, data=cold_wave(regions=[LINGSHI]))
    alert = issuing.create_draft(user=lingshi_regulator, data=cold_wave(regions=[LINGSHI]))
    issuing.submit(user=lingshi_regulator, alert=alert)
    with pytest.raises(PermissionDenied):
        issuing.publish(user=yanhu_regulator, alert=alert)
    alert = issuing.publish(user=city_admin, alert=alert)  # the city signs off a county's draft
    assert alert.identifier.startswith("140729")


def test_a_safety_reminder_needs_no_colour(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin, signal_type="safety", colour="")
    assert alert.colour == "blue" and alert.category == "Safety" and alert.event == "安全提示"
    assert alert.headline == "晋中市应急管理局发布安全提示"


def test_english_texts_make_a_second_info_block(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin, headline_en="Cold wave warning for Jinzhong", instruction_en="Keep warm.")  # fmt: skip
    infos = cap.parse(cap.build(alert)).infos
    assert [i.language for i in infos] == ["zh-CN", "en-US"]
    assert (
        infos[1].headline == "Cold wave warning for Jinzhong"
        and infos[1].event == "Cold wave yellow warning"
    )


def test_publishing_is_rolled_back_when_the_message_fails_its_own_import(
    city_admin, second_city_admin, monkeypatch
):
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    issuing.submit(user=city_admin, alert=alert)

    def broken(data):
        raise cap.CapError("schema", [{"field": "info/area", "message": "broken"}])

    monkeypatch.setattr(cap, "parse", broken)
    assert "broken" in refused("cap", issuing.publish, user=second_city_admin, alert=alert)
    alert.refresh_from_db()
    assert alert.stage == Stage.REVIEW and alert.identifier.startswith("draft-")
