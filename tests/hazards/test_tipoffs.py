"""Public tip-offs through their services: submission, tracking by code, verification, the
"not fixed" re-check, rewards by rule, internal-report rewards and exposure."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.hazards import exposure, rewards, services, tipoffs
from anlan.hazards.choices import HazardStatus, RewardStatus, TipOffEventKind, TipOffStatus
from anlan.hazards.models import IdentityViewing, Reward, RewardPolicy, TipOff

from ..factories import JINZHONG, LINGSHI, YANHU, make_user, region

pytestmark = pytest.mark.django_db

NAME, MOBILE = "举报人王小明", "13712345678"


@pytest.fixture
def verifier(db):
    return make_user("lingshi-verifier", UserRole.TIPOFF_VERIFIER, region=region(LINGSHI))


@pytest.fixture
def second_officer(db):
    return make_user("lingshi-regulator-2", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))


def submit(photo=None, **overrides):
    data = {
        "region": region(LINGSHI),
        "enterprise_name": "灵石测试煤矿",
        "address": "灵石县翠峰镇",
        "description": "煤矿井口安全出口被杂物堵塞，夜间仍在生产",
        "anonymous": False,
        "reporter_name": NAME,
        "reporter_mobile": MOBILE,
    }
    data.update(overrides)
    return tipoffs.submit_tip_off(data=data, photos=[photo] if photo else [])


def close_hazard(hazard, user, evidence, *, deadline=None):
    services.assign_plan(
        hazard=hazard,
        user=user,
        plan={
            "measures": "清理杂物并设置禁止堆放标识",
            "responsible_person": "张三",
            "funds": "2000",
            "deadline": deadline or timezone.localdate() + dt.timedelta(days=10),
            "contingency": "整改期间停产",
        },
    )
    services.start_rectifying(hazard=hazard, user=user)
    services.request_acceptance(hazard=hazard, user=user, evidence=[evidence])
    services.accept_hazard(hazard=hazard, user=user)


def test_a_tip_off_answers_a_code_and_a_secret_that_find_it(photo):
    tip_off, secret = submit(photo)
    assert tip_off.code.startswith("JB") and len(secret) == 8
    assert tipoffs.find_by_code(tip_off.code.lower(), secret.lower()).pk == tip_off.pk
    assert tip_off.photos.count() == 1
    assert tip_off.verify_by == timezone.localdate() + dt.timedelta(days=60)
    assert [e.kind for e in tip_off.events.all()] == [TipOffEventKind.RECEIVED]


def test_a_wrong_code_or_secret_gets_the_same_clear_error():
    tip_off, secret = submit()
    for code, given in [(tip_off.code, "WRONG123"), ("JB00000000", secret)]:
        with pytest.raises(ValidationError) as exc:
            tipoffs.find_by_code(code, given)
        assert "No tip-off matches" in str(exc.value) or "没有" in str(exc.value)


def test_the_identity_is_encrypted_at_rest():
    tip_off, _secret = submit()
    raw = TipOff.objects.values_list("identity_sealed", flat=True).get(pk=tip_off.pk)
    assert NAME not in raw and MOBILE not in raw and raw


def test_a_named_tip_off_without_a_mobile_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        submit(reporter_mobile="")
    assert "reporter_mobile" in exc.value.message_dict
    assert TipOff.objects.count() == 0


def test_an_anonymous_tip_off_keeps_no_identity():
    tip_off, _secret = submit(anonymous=True)
    assert tip_off.identity_sealed == ""


def test_bad_tip_off_input_names_the_fields():
    with pytest.raises(ValidationError) as exc:
        submit(description="短", region=region(JINZHONG), anonymous=True)
    assert {"description", "region"} <= set(exc.value.message_dict)


def test_only_the_verifier_sees_the_identity_and_each_viewing_is_logged(
    verifier, lingshi_regulator, city_admin, system_admin
):
    tip_off, _secret = submit()
    for user in (lingshi_regulator, city_admin, system_admin):
        with pytest.raises(PermissionDenied):
            tipoffs.reveal_identity(tip_off=tip_off, user=user, purpose="核实")
    identity = tipoffs.reveal_identity(tip_off=tip_off, user=verifier, purpose="电话核实情况")
    assert identity["name"] == NAME and identity["mobile"] == MOBILE
    viewing = IdentityViewing.objects.get()
    assert viewing.viewer == verifier and viewing.purpose == "电话核实情况"


def test_a_verifier_of_another_county_sees_neither_the_tip_off_nor_the_identity():
    tip_off, _secret = submit()
    other = make_user("yanhu-verifier", UserRole.TIPOFF_VERIFIER, region=region(YANHU))
    assert not TipOff.objects.visible_to(other).exists()
    with pytest.raises(PermissionDenied):
        tipoffs.reveal_identity(tip_off=tip_off, user=other, purpose="核实")


def test_enterprise_users_never_see_tip_offs(lingshi_mine):
    submit()
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    assert not TipOff.objects.visible_to(manager).exists()


def test_a_substantiated_tip_off_becomes_a_verified_hazard_with_its_photos(
    verifier, lingshi_mine, photo
):
    tip_off, _secret = submit(photo)
    hazard = tipoffs.substantiate(
        tip_off=tip_off,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management", "level": "major"},
        reply="经核查属实，已责令整改",
    )
    assert hazard.status == HazardStatus.VERIFIED and hazard.level == "major"
    assert hazard.channel == "public_tip_off" and hazard.attachments.count() == 1
    assert NAME not in hazard.found_by
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.SUBSTANTIATED and tip_off.hazard == hazard
    progress = tipoffs.public_progress(tip_off)
    assert progress["reply"] == "经核查属实，已责令整改"
    assert progress["hazard_status"] == HazardStatus.VERIFIED


def test_an_unfounded_tip_off_needs_a_reply_for_the_reporter(verifier):
    tip_off, _secret = submit()
    with pytest.raises(ValidationError):
        tipoffs.mark_unfounded(tip_off=tip_off, user=verifier, reply="")
    tipoffs.mark_unfounded(tip_off=tip_off, user=verifier, reply="现场核查未发现所述问题")
    with pytest.raises(ValidationError):  # handled once
        tipoffs.mark_unfounded(tip_off=tip_off, user=verifier, reply="again")


def test_verification_overdue_is_derived_from_the_deadline():
    tip_off, _secret = submit()
    assert not TipOff.objects.verification_overdue().exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=61)):
        assert TipOff.objects.verification_overdue().get() == tip_off


def test_not_fixed_after_closure_reopens_review_and_a_new_hazard_when_confirmed(
    verifier, lingshi_regulator, lingshi_mine, evidence
):
    tip_off, secret = submit()
    with pytest.raises(ValidationError):  # not closed yet
        tipoffs.report_not_fixed(tip_off=tip_off, note="仍然堵塞")
    hazard = tipoffs.substantiate(
        tip_off=tip_off,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management"},
    )
    close_hazard(hazard, lingshi_regulator, evidence)
    tip_off = tipoffs.find_by_code(tip_off.code, secret)
    assert TipOffEventKind.CLOSED in [e.kind for e in tip_off.events.all()]
    tipoffs.report_not_fixed(tip_off=tip_off, note="昨天去看，出口仍然堵塞")
    assert tip_off.status == TipOffStatus.RECHECK
    tipoffs.resolve_recheck(
        tip_off=tip_off, user=verifier, still_present=True, reply="复查属实，重新责令整改"
    )
    tip_off.refresh_from_db()
    assert tip_off.hazard != hazard and tip_off.hazard.status == HazardStatus.VERIFIED
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED  # the closed record keeps its evidence


def test_reward_is_a_share_of_the_fine_within_floor_and_cap():
    policy = RewardPolicy.current()
    assert rewards.compute(policy=policy, basis="fine", fine_amount=100000).amount == 15000
    assert rewards.compute(policy=policy, basis="fine", fine_amount=1000).amount == 3000
    assert rewards.compute(policy=policy, basis="fine", fine_amount=10_000_000).amount == 300000


def test_employee_reporting_their_employer_gets_the_uplift_within_the_cap():
    policy = RewardPolicy.current()
    assert (
        rewards.compute(policy=policy, basis="fine", fine_amount=100000, employee=True).amount
        == 18000
    )
    assert (
        rewards.compute(policy=policy, basis="fine", fine_amount=1_900_000, employee=True).amount
        == 300000
    )


def test_concealed_accident_reward_per_death_by_level_with_cap():
    policy = RewardPolicy.current()
    result = rewards.compute(
        policy=policy, basis="concealed_accident", accident_level="larger", deaths=3
    )
    assert result.amount == 120000 and "3" in result.explanation
    capped = rewards.compute(
        policy=policy, basis="concealed_accident", accident_level="especially_major", deaths=9
    )
    assert capped.amount == 300000


def test_reward_rules_are_configurable():
    policy = RewardPolicy.current()
    policy.fine_share_percent, policy.fine_floor = Decimal("20"), Decimal("5000")
    policy.save()
    assert (
        rewards.compute(policy=RewardPolicy.current(), basis="fine", fine_amount=100000).amount
        == 20000
    )


def test_bad_reward_input_names_the_field():
    policy = RewardPolicy.current()
    for kwargs, field in [
        ({"basis": "fine", "fine_amount": "abc"}, "fine_amount"),
        ({"basis": "fine", "fine_amount": -5}, "fine_amount"),
        ({"basis": "concealed_accident", "accident_level": "x", "deaths": 1}, "accident_level"),
        (
            {"basis": "concealed_accident", "accident_level": "major", "deaths": 0},
            "concealed_deaths",
        ),
        ({"basis": "other"}, "basis"),
    ]:
        with pytest.raises(ValidationError) as exc:
            rewards.compute(policy=policy, **kwargs)
        assert field in exc.value.message_dict


def test_only_the_first_valid_tipster_is_rewarded(verifier, lingshi_mine):
    first, _s = submit()
    second, _s2 = submit(anonymous=True)
    hazard = tipoffs.substantiate(
        tip_off=first,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management"},
    )
    tipoffs.link_to_hazard(tip_off=second, user=verifier, hazard=hazard)
    with pytest.raises(ValidationError) as exc:
        rewards.propose_tip_off_reward(
            tip_off=second, user=verifier, basis="fine", fine_amount=50000
        )
    assert first.code in str(exc.value)
    reward = rewards.propose_tip_off_reward(
        tip_off=first, user=verifier, basis="fine", fine_amount=50000
    )
    assert reward.amount == 7500


def test_reward_approved_by_a_second_person_claimed_by_code_and_paid(
    verifier, second_officer, lingshi_mine
):
    tip_off, secret = submit(reporter_is_employee=True)
    tipoffs.substantiate(
        tip_off=tip_off,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management"},
    )
    reward = rewards.propose_tip_off_reward(
        tip_off=tip_off, user=verifier, basis="fine", fine_amount=100000
    )
    assert reward.amount == 18000 and reward.employee_uplift
    with pytest.raises(ValidationError):  # four eyes
        rewards.decide_reward(reward=reward, user=verifier, approve=True)
    rewards.decide_reward(reward=reward, user=second_officer, approve=True)
    assert reward.claim_by == timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationError):  # payment before the claim
        rewards.record_payout(reward=reward, user=second_officer, reference="PZ-1")
    found = tipoffs.find_by_code(tip_off.code, secret)
    with pytest.raises(ValidationError) as exc:
        rewards.claim_reward(
            tip_off=found, payee={"name": "王小明", "mobile": "123", "account": ""}
        )
    assert {"payee_mobile", "payee_account"} <= set(exc.value.message_dict)
    rewards.claim_reward(
        tip_off=found, payee={"name": "王小明", "mobile": MOBILE, "account": "6222020202020202"}
    )
    reward.refresh_from_db()
    assert reward.status == RewardStatus.CLAIMED and "6222" not in reward.payee_sealed
    rewards.record_payout(reward=reward, user=second_officer, reference="PZ-2026-001")
    reward.refresh_from_db()
    assert reward.status == RewardStatus.PAID
    kinds = [e.kind for e in tip_off.events.all()]
    assert kinds[-3:] == [
        TipOffEventKind.REWARD_APPROVED,
        TipOffEventKind.REWARD_CLAIMED,
        TipOffEventKind.REWARD_PAID,
    ]
    assert reward.history.count() >= 4


def test_an_approved_reward_cannot_be_claimed_after_the_claim_period(
    verifier, second_officer, lingshi_mine
):
    tip_off, secret = submit()
    tipoffs.substantiate(
        tip_off=tip_off,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management"},
    )
    reward = rewards.propose_tip_off_reward(
        tip_off=tip_off, user=verifier, basis="fine", fine_amount=1
    )
    rewards.decide_reward(reward=reward, user=second_officer, approve=True)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        with pytest.raises(ValidationError) as exc:
            rewards.claim_reward(
                tip_off=tip_off, payee={"name": "王", "mobile": MOBILE, "account": "1"}
            )
    assert "code" in exc.value.message_dict


def test_internal_report_reward_follows_the_enterprise_scheme(lingshi_mine, lingshi_regulator):
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    chief = make_user("mine-chief", UserRole.GUARANTOR, enterprise=lingshi_mine)
    hazard = services.report_hazard(
        user=manager,
        data={
            "enterprise": lingshi_mine,
            "description": "员工报告：配电室门锁损坏",
            "category": "electrical",
            "channel": "internal_report",
        },
    )
    services.verify_hazard(hazard=hazard, user=manager)
    with pytest.raises(ValidationError) as exc:
        rewards.propose_internal_reward(hazard=hazard, user=manager, employee_name="赵工")
    assert "scheme" in exc.value.message_dict
    rewards.set_internal_scheme(
        enterprise=lingshi_mine, user=manager, general_amount=200, major_amount=2000
    )
    reward = rewards.propose_internal_reward(hazard=hazard, user=manager, employee_name="赵工")
    assert reward.amount == 200 and reward.enterprise == lingshi_mine
    assert "赵工" not in reward.payee_sealed
    with pytest.raises(PermissionDenied):
        rewards.decide_reward(reward=reward, user=lingshi_regulator, approve=True)
    rewards.decide_reward(reward=reward, user=chief, approve=True)
    rewards.record_payout(reward=reward, user=chief, reference="内奖-001")
    assert Reward.objects.visible_to(manager).get() == reward
    payee = rewards.reveal_payee(reward=reward, user=manager, purpose="发放")
    assert payee["name"] == "赵工"


def test_exposure_publishes_facts_but_refuses_personal_data(
    lingshi_regulator, lingshi_mine, evidence, verifier
):
    tip_off, _s = submit()
    hazard = tipoffs.substantiate(
        tip_off=tip_off,
        user=verifier,
        hazard_data={"enterprise": lingshi_mine, "category": "management"},
    )
    with pytest.raises(ValidationError) as exc:
        exposure.publish_case(
            hazard=hazard,
            user=lingshi_regulator,
            title="典型案例",
            facts="该矿安全出口堵塞，联系人电话13712345678，已责令停产整改。",
        )
    assert "facts" in exc.value.message_dict
    case = exposure.publish_case(
        hazard=hazard,
        user=lingshi_regulator,
        title="某煤矿安全出口堵塞",
        facts="该矿井口安全出口被杂物堵塞，夜间仍组织生产，已责令停产整改。",
        outcome="罚款5万元",
    )
    assert case.unit_name == lingshi_mine.name
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    with pytest.raises(PermissionDenied):
        exposure.withdraw_case(case=case, user=manager)
    exposure.withdraw_case(case=case, user=lingshi_regulator)
    assert not type(case).objects.published().exists()


def test_the_office_is_told_of_new_tip_offs_and_rewards_without_the_reporter(
    verifier, second_officer, lingshi_mine, django_capture_on_commit_callbacks
):
    from anlan.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        tip_off, _secret = submit()
    notice = Notification.objects.get(recipient=verifier)
    assert tip_off.code in notice.title and NAME not in notice.title + notice.body
    assert not Notification.objects.filter(recipient=second_officer).exists()  # verifiers only
    tipoffs.substantiate(
        tip_off=tip_off, user=verifier, hazard_data={"enterprise": lingshi_mine, "category": "fire"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        rewards.propose_tip_off_reward(tip_off=tip_off, user=verifier, basis="fine", fine_amount=1)
    assert Notification.objects.filter(recipient=second_officer, kind="reward").exists()
