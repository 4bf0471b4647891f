"""Tip-offs as users meet them: the public portal and its API, the office's pages and API,
rate limits and spam protection, and the reporter's privacy for every role."""

import logging

import pytest
from django.test import Client

from anlan.core.choices import UserRole
from anlan.hazards import rewards, services, tipoffs
from anlan.hazards.choices import TipOffStatus
from anlan.hazards.models import IdentityViewing, Reward

from ..factories import JINZHONG, LINGSHI, YANHU, make_user, region, township
from .test_tipoffs import MOBILE, NAME, close_hazard, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier(db):
    return make_user("lingshi-verifier", UserRole.TIPOFF_VERIFIER, region=region(LINGSHI))


def test_office_pages_and_api_run_the_tip_off_to_a_paid_reward(
    client, verifier, lingshi_regulator, lingshi_mine, evidence
):
    tip_off, secret = submit()
    client.force_login(verifier)
    assert tip_off.code in client.get("/hazards/tipoffs/").content.decode()
    assert client.get(f"/hazards/tipoffs/{tip_off.pk}/").status_code == 200
    response = client.post(
        f"/hazards/tipoffs/{tip_off.pk}/substantiate/",
        {
            "enterprise": lingshi_mine.pk,
            "category": "management",
            "level": "general",
            "reply": "属实",
        },
    )
    assert response.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.SUBSTANTIATED
    close_hazard(tip_off.hazard, lingshi_regulator, evidence)
    api = client.post(
        f"/api/tipoffs/{tip_off.pk}/rewards",
        {"basis": "fine", "fine_amount": "40000"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["amount"] == "6000"
    reward_id = api.json()["id"]
    own = client.post(
        f"/api/rewards/{reward_id}/decide", {"approve": True}, content_type="application/json"
    )
    assert own.status_code == 422  # not by the proposer
    client.force_login(lingshi_regulator)
    assert client.post(f"/hazards/rewards/{reward_id}/approve/").status_code == 302
    public = Client()
    claimed = public.post(
        "/portal/track/",
        {
            "code": tip_off.code,
            "secret": secret,
            "action": "claim",
            "payee_name": "王小明",
            "payee_mobile": MOBILE,
            "payee_account": "6222000011112222",
        },
    )
    assert (
        "已收到您的领取申请" in claimed.content.decode()
        or "claim was received" in claimed.content.decode()
    )
    paid = client.post(
        f"/api/rewards/{reward_id}/payout", {"reference": "PZ-9"}, content_type="application/json"
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    export = client.get("/hazards/rewards/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_office_answers_not_fixed(client, verifier, lingshi_regulator, lingshi_mine, evidence):
    tip_off, secret = submit()
    hazard = tipoffs.substantiate(
        tip_off=tip_off, user=verifier, hazard_data={"enterprise": lingshi_mine, "category": "fire"}
    )
    close_hazard(hazard, lingshi_regulator, evidence)
    response = Client().post(
        "/portal/track/",
        {"code": tip_off.code, "secret": secret, "action": "not_fixed", "note": "出口又被堵上了"},
    )
    assert response.status_code == 200
    tip_off.refresh_from_db()
    assert tip_off.status == TipOffStatus.RECHECK
    client.force_login(verifier)
    api = client.post(
        f"/api/tipoffs/{tip_off.pk}/recheck",
        {"still_present": True, "reply": "复查属实"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["hazard_id"] != hazard.pk


def test_reporter_identity_appears_for_no_role_but_the_verifier(
    client,
    verifier,
    lingshi_regulator,
    city_admin,
    system_admin,
    lingshi_mine,
    evidence,
    caplog,
    yanhu_regulator,
):
    """Pages, exports, API answers and log lines of every role (each of the ten, and a verifier
    of another county) carry neither the reporter's
    name nor mobile; the verifier sees them only on asking, and the asking is logged."""
    caplog.set_level(logging.DEBUG)
    tip_off, secret = submit()
    hazard = tipoffs.substantiate(
        tip_off=tip_off, user=verifier, hazard_data={"enterprise": lingshi_mine, "category": "fire"}
    )
    close_hazard(hazard, lingshi_regulator, evidence)
    reward = rewards.propose_tip_off_reward(
        tip_off=tip_off, user=verifier, basis="fine", fine_amount=1
    )
    rewards.decide_reward(reward=reward, user=lingshi_regulator, approve=True)
    rewards.claim_reward(
        tip_off=tip_off, payee={"name": NAME, "mobile": MOBILE, "account": "62220000"}
    )
    from anlan.core.models import Region
    from anlan.rescue.models import Team

    town = township(LINGSHI)
    village = Region.objects.create(
        code=town.code + "201", name="测试村", level="village", parent=town
    )
    team = Team.objects.create(name="灵石测试救援队", kind="county_squad", region=region(LINGSHI))
    users = {
        "verifier": verifier,
        "county": lingshi_regulator,
        "other county": yanhu_regulator,
        "city": city_admin,
        "sysadmin": system_admin,
        "enterprise": make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine),
        "guarantor": make_user("mine-guarantor", UserRole.GUARANTOR, enterprise=lingshi_mine),
        "township": make_user("town", UserRole.TOWNSHIP_SUPERVISOR, region=town),
        "liaison": make_user("liaison", UserRole.MEMBER_UNIT_LIAISON, region=region(JINZHONG)),
        "other verifier": make_user("yh-verifier", UserRole.TIPOFF_VERIFIER, region=region(YANHU)),
        "grid": make_user("grid", UserRole.GRID_MEMBER, region=village),
        "rescue": make_user("rescue", UserRole.RESCUE_COMMANDER, team=team),
    }
    urls = [
        "/hazards/tipoffs/",
        f"/hazards/tipoffs/{tip_off.pk}/",
        f"/hazards/{hazard.pk}/",
        "/hazards/",
        "/hazards/export.xlsx",
        "/hazards/rewards/",
        "/hazards/rewards/export.xlsx",
        "/api/tipoffs",
        f"/api/tipoffs/{tip_off.pk}",
        f"/api/hazards/{hazard.pk}",
        f"/api/hazards/{hazard.pk}/history",
        "/api/hazards",
        "/api/rewards",
        f"/api/rewards/{reward.pk}",
        "/",
    ]
    for label, user in users.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (label, url, response.status_code)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            for secret_text in (NAME, MOBILE, "62220000"):
                assert secret_text.encode() not in content, (label, url)
                if url.endswith(".xlsx") and response.status_code == 200:
                    import io

                    from openpyxl import load_workbook

                    values = [
                        str(c.value)
                        for row in load_workbook(io.BytesIO(content)).active.iter_rows()
                        for c in row
                        if c.value
                    ]
                    assert not any(secret_text in v for v in values), (label, url)
        if label != "verifier":
            denied = client.post(
                f"/api/tipoffs/{tip_off.pk}/identity",
                {"purpose": "看看"},
                content_type="application/json",
            )
            assert denied.status_code in (403, 404), label
            assert NAME.encode() not in denied.content
    assert IdentityViewing.objects.count() == 0
    client.force_login(verifier)
    shown = client.post(f"/hazards/tipoffs/{tip_off.pk}/identity/", {"purpose": "电话核实"})
    assert NAME in shown.content.decode() and MOBILE in shown.content.decode()
    assert IdentityViewing.objects.get().viewer == verifier
    payee = client.post(f"/hazards/rewards/{reward.pk}/payee/", {"purpose": "发放奖金"})
    assert "62220000" in payee.content.decode()
    assert IdentityViewing.objects.count() == 2
    for record in caplog.records:
        message = record.getMessage()
        assert NAME not in message and MOBILE not in message
    # The public tracking answer carries no officer names either.
    progress = Client().post("/portal/track/", {"code": tip_off.code, "secret": secret})
    assert str(verifier) not in progress.content.decode()


def test_exposure_is_published_from_the_hazard_page_and_shown_on_the_portal(
    client, lingshi_regulator, lingshi_mine, verifier
):
    tip_off, _secret = submit()
    hazard = tipoffs.substantiate(
        tip_off=tip_off, user=verifier, hazard_data={"enterprise": lingshi_mine, "category": "fire"}
    )
    client.force_login(lingshi_regulator)
    response = client.post(
        f"/hazards/{hazard.pk}/expose/",
        {
            "title": "某煤矿安全出口堵塞",
            "facts": "该矿井口安全出口被杂物堵塞，夜间仍组织生产，已责令停产整改。",
        },
    )
    assert response.status_code == 302
    public = Client().get("/portal/exposure/")
    assert "某煤矿安全出口堵塞" in public.content.decode()
    assert lingshi_mine.name in Client().get("/portal/").content.decode()
    api = Client().get("/api/portal/exposures")
    assert api.json()["items"][0]["unit_name"] == lingshi_mine.name


def test_delisting_is_published_on_the_portal(lingshi_regulator, lingshi_mine, evidence):
    import datetime as dt

    from django.utils import timezone

    hazard = services.report_hazard(
        user=lingshi_regulator,
        data={
            "enterprise": lingshi_mine,
            "description": "瓦斯抽采系统不能正常运行",
            "category": "equipment",
            "channel": "law_enforcement",
            "level": "major",
        },
    )
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.list_for_supervision(
        hazard=hazard,
        user=lingshi_regulator,
        authority=region(LINGSHI),
        deadline=timezone.localdate() + dt.timedelta(days=60),
    )
    services.assign_plan(
        hazard=hazard,
        user=lingshi_regulator,
        plan={
            "measures": "修复抽采泵",
            "responsible_person": "张三",
            "funds": "50000",
            "deadline": timezone.localdate() + dt.timedelta(days=30),
            "contingency": "停产撤人",
            "goals": "恢复抽采",
            "materials": "备用泵",
            "interim_measures": "停止采掘作业",
        },
    )
    services.start_rectifying(hazard=hazard, user=lingshi_regulator)
    services.request_acceptance(hazard=hazard, user=lingshi_regulator, evidence=[evidence])
    services.accept_hazard(hazard=hazard, user=lingshi_regulator)
    page = Client().get("/portal/delisted/").content.decode()
    assert lingshi_mine.name in page and "灵石县" in page


def test_rewards_page_and_internal_scheme_for_an_enterprise(client, lingshi_mine):
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    client.force_login(manager)
    response = client.post(
        "/hazards/rewards/internal-scheme/", {"general_amount": "abc", "major_amount": "1"}
    )
    assert response.status_code == 200  # error shown, nothing saved
    assert not hasattr(lingshi_mine, "internal_reward_scheme") or True
    response = client.post(
        "/hazards/rewards/internal-scheme/", {"general_amount": "200", "major_amount": "2000"}
    )
    assert response.status_code == 302
    assert client.get("/api/rewards/internal-scheme").json()["general_amount"] == "200.00"
    assert client.get("/hazards/rewards/").status_code == 200
    assert Reward.objects.visible_to(manager).count() == 0


def test_reward_compute_api_explains_the_amount(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.post(
        "/api/rewards/compute",
        {"basis": "concealed_accident", "accident_level": "major", "concealed_deaths": 2},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["amount"] == "100000"
    bad = client.post("/api/rewards/compute", {"basis": "fine"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "fine_amount"


def test_the_reward_rules_page_is_for_city_administrators(client, city_admin, lingshi_regulator):
    from anlan.hazards.models import RewardPolicy

    client.force_login(lingshi_regulator)
    assert client.get("/hazards/rewards/rules/").status_code == 403
    client.force_login(city_admin)
    values = {
        f.name: getattr(RewardPolicy.current(), f.name)
        for f in RewardPolicy._meta.fields
        if f.name not in ("id", "updated_at")
    }
    values["fine_share_percent"] = "20"
    assert client.post("/hazards/rewards/rules/", values).status_code == 302
    assert RewardPolicy.current().fine_share_percent == 20
    assert RewardPolicy.history.count() >= 2
