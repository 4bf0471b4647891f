"""Commitments: validation, late flag, editing only today, cross-check with permits, missed
commitments and the reminders and escalations."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.commitments import services
from anlan.commitments.models import SafetyCommitment, WorkPermit
from anlan.core.choices import NotificationKind
from anlan.core.models import Notification
from tests.factories import EnterpriseFactory

from .conftest import DAY, counts, local, travel

pytestmark = pytest.mark.django_db


def permit(enterprise, number, kind, start, end, **extra):
    return services.save_permit(
        user=None,
        enterprise=enterprise,
        data={
            "number": number,
            "kind": kind,
            "planned_start": start,
            "planned_end": end,
            "location": "合成装置",
            "supervisor": "张监护",
            **extra,
        },
    )


def test_units_that_do_not_add_up_are_refused_on_the_total_and_nothing_is_saved(plant, plant_user):
    with travel(DAY, 8), pytest.raises(ValidationError) as caught:
        services.submit_commitment(user=plant_user, enterprise=plant, data=counts(units_running=1))
    assert "units_total" in caught.value.message_dict
    assert "1" in caught.value.message_dict["units_total"][0]
    assert not SafetyCommitment.objects.exists()


def test_unsafe_hazard_sources_need_a_reason(plant, plant_user):
    with travel(DAY, 8):
        with pytest.raises(ValidationError) as caught:
            services.submit_commitment(
                user=plant_user, enterprise=plant, data=counts(hazards_safe=False)
            )
        assert "unsafe_reason" in caught.value.message_dict
        saved = services.submit_commitment(
            user=plant_user,
            enterprise=plant,
            data=counts(hazards_safe=False, unsafe_reason="1号罐液位计故障，已降量运行"),
        )
    assert saved.unsafe_reason.startswith("1号罐")


def test_commitment_after_the_due_hour_is_late(plant, second_plant, plant_user, settings):
    assert settings.ANLAN_COMMITMENT_DUE_HOUR == 9
    with travel(DAY, 8, 59):
        on_time = services.submit_commitment(user=plant_user, enterprise=plant, data=counts())
    with travel(DAY, 9, 30):
        late = services.submit_commitment(user=None, enterprise=second_plant, data=counts())
    assert not on_time.late and late.late


def test_an_edit_the_same_day_keeps_the_first_submission_time(plant, plant_user):
    with travel(DAY, 8):
        services.submit_commitment(user=plant_user, enterprise=plant, data=counts())
    with travel(DAY, 15):
        edited = services.submit_commitment(
            user=plant_user, enterprise=plant, data=counts(hot_1_count=2)
        )
    assert edited.hot_1_count == 2 and not edited.late
    assert SafetyCommitment.objects.count() == 1
    assert edited.history.count() == 2


def test_a_past_day_cannot_be_changed(plant, plant_user):
    with travel(DAY, 8):
        services.submit_commitment(user=plant_user, enterprise=plant, data=counts())
    with travel(DAY + dt.timedelta(days=1), 8), pytest.raises(ValidationError) as caught:
        services.submit_commitment(
            user=plant_user, enterprise=plant, data={**counts(hot_1_count=5), "day": DAY}
        )
    assert "day" in caught.value.message_dict
    assert SafetyCommitment.objects.get().hot_1_count == 0


def test_only_the_enterprises_own_users_commit(plant, yanhu_plant_user, lingshi_regulator):
    for user in (yanhu_plant_user, lingshi_regulator):
        with travel(DAY, 8), pytest.raises(PermissionDenied):
            services.submit_commitment(user=user, enterprise=plant, data=counts())
    assert not SafetyCommitment.objects.exists()


def test_an_enterprise_without_hazard_sources_need_not_commit(db):
    shop = EnterpriseFactory()
    with travel(DAY, 8), pytest.raises(ValidationError) as caught:
        services.submit_commitment(user=None, enterprise=shop, data=counts())
    assert "enterprise" in caught.value.message_dict


def test_counts_are_checked_against_the_permits_of_the_day(plant):
    # One permit over midnight counts on both days; one the day before does not count.
    permit(plant, "DH-1", "hot_1", local(DAY - dt.timedelta(days=1), 20), local(DAY, 6))
    permit(plant, "DH-0", "hot_1", local(DAY - dt.timedelta(days=1), 8), local(DAY, 0))
    permit(plant, "SX-1", "confined_space", local(DAY, 9), local(DAY, 11))
    with travel(DAY, 8):
        commitment = services.submit_commitment(
            user=None, enterprise=plant, data=counts(hot_1_count=2, confined_space_count=1)
        )
    [checked] = services.attach_mismatches([commitment])
    assert checked.mismatches == [{"kind": "hot_1", "announced": 2, "permits": 1}]


def test_permit_end_must_follow_start_and_number_is_unique(plant):
    with pytest.raises(ValidationError) as caught:
        permit(plant, "DH-9", "hot_2", local(DAY, 10), local(DAY, 9))
    assert "planned_end" in caught.value.message_dict
    permit(plant, "DH-9", "hot_2", local(DAY, 9), local(DAY, 10))
    with pytest.raises(ValidationError) as caught:
        permit(plant, "DH-9", "hot_2", local(DAY, 9), local(DAY, 10))
    assert "number" in caught.value.message_dict
    assert WorkPermit.objects.count() == 1


def test_missed_commitments_name_missing_and_late_enterprises_after_the_due_time(
    plant, second_plant, yanhu_plant
):
    EnterpriseFactory(name="无危险源企业")  # need not commit
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts())
        assert services.missed_commitments(DAY) == {}
    with travel(DAY, 9, 20):
        services.submit_commitment(user=None, enterprise=second_plant, data=counts())
    with travel(DAY, 10):
        missed = services.missed_commitments(DAY)
    assert set(missed) == {second_plant.pk, yanhu_plant.pk}
    assert missed[yanhu_plant.pk]["submitted_at"] is None
    assert "2026-05-11" in missed[yanhu_plant.pk]["reason"]
    assert missed[yanhu_plant.pk]["due"].startswith("2026-05-11T09:00")
    assert missed[second_plant.pk]["submitted_at"].startswith("2026-05-11T09:20")
    assert "迟" in missed[second_plant.pk]["reason"]
    assert missed[second_plant.pk]["link"] == (
        f"/commitments/enterprises/{second_plant.pk}/?date=2026-05-11"
    )


def test_reminder_before_the_due_hour_then_county_regulators_hear_of_the_missed(
    plant, yanhu_plant, plant_user, yanhu_plant_user, lingshi_regulator, yanhu_regulator
):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=yanhu_plant, data=counts())
        services.check_commitments()
        services.check_commitments()  # the hourly job may run again
    reminders = Notification.objects.filter(kind=NotificationKind.COMMITMENT)
    assert [n.recipient for n in reminders] == [plant_user]
    assert "09:00" in reminders.get().title
    with travel(DAY, 9):
        services.check_commitments()
    with travel(DAY, 10):
        services.check_commitments()
    escalations = Notification.objects.filter(recipient=lingshi_regulator)
    assert escalations.count() == 1
    assert plant.name in escalations.get().title
    assert escalations.get().kind == NotificationKind.COMMITMENT
    assert not Notification.objects.filter(recipient=yanhu_regulator).exists()
