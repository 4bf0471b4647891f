"""The hazard lifecycle through its services: the closed loop and every refused move."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.core.uploads import check_upload
from anlan.hazards import services, workflow
from anlan.hazards.choices import HazardStatus as S
from anlan.hazards.models import Hazard

from ..factories import LINGSHI, make_user, region, township
from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def grid_member(db):
    town = township()
    from anlan.core.models import Region

    village = Region.objects.create(
        code=town.code + "201", name="测试村", level="village", parent=town
    )
    return make_user("grid-1", UserRole.GRID_MEMBER, region=village)


@pytest.fixture
def mine_manager(lingshi_mine):
    return make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)


def report(user, enterprise, photo=None, **overrides):
    data = {
        "enterprise": enterprise,
        "description": "井下皮带机头未设置防护罩",
        "category": "equipment",
        "channel": "department_patrol",
    }
    data.update(overrides)
    return services.report_hazard(user=user, data=data, photos=[photo] if photo else [])


def plan(**overrides):
    data = {
        "measures": "加装防护罩并设置警示标志",
        "responsible_person": "李四",
        "responsible_mobile": "13900001111",
        "funds": "5000",
        "deadline": TOMORROW,
        "contingency": "整改期间停机并设专人监护",
    }
    data.update(overrides)
    return data


def test_the_closed_loop_from_report_to_closure(
    lingshi_regulator, mine_manager, lingshi_mine, photo, evidence
):
    hazard = report(lingshi_regulator, lingshi_mine, photo)
    assert hazard.code.startswith("YH") and hazard.status == S.REPORTED
    assert hazard.region == lingshi_mine.region
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=plan())
    assert hazard.deadline == TOMORROW
    services.start_rectifying(hazard=hazard, user=mine_manager)
    services.request_acceptance(
        hazard=hazard, user=mine_manager, evidence=[evidence], reason="已加装"
    )
    services.accept_hazard(hazard=hazard, user=lingshi_regulator, reason="现场验收合格")
    hazard.refresh_from_db()
    assert hazard.status == S.CLOSED and hazard.closed_at is not None
    timeline = [(t.from_status, t.to_status, t.actor.username) for t in hazard.transitions.all()]
    assert timeline == [
        ("", "reported", "lingshi-regulator"),
        ("reported", "verified", "lingshi-regulator"),
        ("verified", "assigned", "lingshi-regulator"),
        ("assigned", "rectifying", "mine-safety"),
        ("rectifying", "acceptance_requested", "mine-safety"),
        ("acceptance_requested", "closed", "lingshi-regulator"),
    ]
    kinds = sorted(a.kind for a in hazard.attachments.all())
    assert kinds == ["evidence", "photo"]


def test_failed_acceptance_sends_it_back_with_the_reason(lingshi_regulator, lingshi_mine, evidence):
    hazard = report(lingshi_regulator, lingshi_mine)
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=plan())
    services.start_rectifying(hazard=hazard, user=lingshi_regulator)
    services.request_acceptance(hazard=hazard, user=lingshi_regulator, evidence=[evidence])
    with pytest.raises(ValidationError) as exc:
        services.fail_acceptance(hazard=hazard, user=lingshi_regulator, reason="")
    assert "reason" in exc.value.message_dict
    services.fail_acceptance(hazard=hazard, user=lingshi_regulator, reason="防护罩未固定")
    assert hazard.status == S.RECTIFYING
    assert hazard.transitions.last().reason == "防护罩未固定"


ALL = list(S)


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_jump_outside_the_table_is_refused(lingshi_regulator, lingshi_mine, start, target):
    if target in workflow.ALLOWED[start]:
        return
    hazard = report(lingshi_regulator, lingshi_mine)
    Hazard.objects.filter(pk=hazard.pk).update(status=start)
    hazard.refresh_from_db()
    with pytest.raises(workflow.TransitionRefused):
        workflow.transition(hazard, target, user=lingshi_regulator)
    hazard.refresh_from_db()
    assert hazard.status == start and hazard.transitions.count() == 1


def test_a_stale_copy_cannot_overwrite_someone_elses_move(lingshi_regulator, lingshi_mine):
    hazard = report(lingshi_regulator, lingshi_mine)
    stale = Hazard.objects.get(pk=hazard.pk)
    services.reject_hazard(hazard=hazard, user=lingshi_regulator, reason="不属实")
    with pytest.raises(workflow.TransitionRefused) as exc:
        services.verify_hazard(hazard=stale, user=lingshi_regulator)
    assert exc.value.code == "concurrent_change"
    assert Hazard.objects.get(pk=hazard.pk).status == S.REJECTED


def test_plan_needs_every_part_of_wu_ding_and_a_future_deadline(lingshi_regulator, lingshi_mine):
    hazard = report(lingshi_regulator, lingshi_mine)
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    with pytest.raises(ValidationError) as exc:
        services.assign_plan(
            hazard=hazard,
            user=lingshi_regulator,
            plan=plan(
                measures="", contingency="", deadline=timezone.localdate() - dt.timedelta(days=1)
            ),
        )
    assert {"measures", "contingency", "deadline"} <= set(exc.value.message_dict)
    hazard.refresh_from_db()
    assert hazard.status == S.VERIFIED and not hasattr(hazard, "plan")


def test_a_major_hazard_plan_needs_goals_materials_and_interim_measures(
    lingshi_regulator, lingshi_mine
):
    hazard = report(lingshi_regulator, lingshi_mine, level="major")
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    with pytest.raises(ValidationError) as exc:
        services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=plan())
    assert {"goals", "materials", "interim_measures"} <= set(exc.value.message_dict)


def test_closing_needs_evidence_of_the_rectified_state(lingshi_regulator, lingshi_mine):
    hazard = report(lingshi_regulator, lingshi_mine)
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=plan())
    services.start_rectifying(hazard=hazard, user=lingshi_regulator)
    with pytest.raises(ValidationError) as exc:
        services.request_acceptance(hazard=hazard, user=lingshi_regulator)
    assert "evidence" in exc.value.message_dict
    assert Hazard.objects.get(pk=hazard.pk).status == S.RECTIFYING


def major_hazard_awaiting_acceptance(regulator, enterprise, evidence):
    hazard = report(regulator, enterprise, level="major")
    services.verify_hazard(hazard=hazard, user=regulator)
    major_plan = plan(goals="消除隐患", materials="防护罩两套", interim_measures="停机")
    services.assign_plan(hazard=hazard, user=regulator, plan=major_plan)
    services.start_rectifying(hazard=hazard, user=regulator)
    services.request_acceptance(hazard=hazard, user=regulator, evidence=[evidence])
    return hazard


def test_a_major_hazard_is_closed_only_after_listing_and_by_its_authority(
    lingshi_regulator, city_admin, lingshi_mine, evidence
):
    supervisor = make_user("town-sup", UserRole.TOWNSHIP_SUPERVISOR, region=township())
    hazard = major_hazard_awaiting_acceptance(lingshi_regulator, lingshi_mine, evidence)
    with pytest.raises(ValidationError) as exc:
        services.accept_hazard(hazard=hazard, user=lingshi_regulator)
    assert "listing" in exc.value.message_dict
    listing = services.list_for_supervision(
        hazard=hazard, user=lingshi_regulator, authority=region(LINGSHI), deadline=TOMORROW
    )
    assert listing.filing_due > listing.listed_at
    # Neither the township nor the city may accept what the county supervises.
    for outsider in (supervisor, city_admin):
        with pytest.raises(PermissionDenied):
            services.accept_hazard(hazard=hazard, user=outsider)
    services.accept_hazard(hazard=hazard, user=lingshi_regulator)
    listing.refresh_from_db()
    assert hazard.status == S.CLOSED
    assert listing.delisted_at == hazard.closed_at and listing.delisted_by == lingshi_regulator


def test_listing_rules(lingshi_regulator, city_admin, lingshi_mine, evidence):
    general = report(lingshi_regulator, lingshi_mine)
    with pytest.raises(PermissionDenied):
        services.list_for_supervision(
            hazard=general, user=lingshi_regulator, authority=region(LINGSHI), deadline=TOMORROW
        )
    major = report(lingshi_regulator, lingshi_mine, level="major")
    services.verify_hazard(hazard=major, user=lingshi_regulator)
    with pytest.raises(ValidationError) as exc:
        services.list_for_supervision(
            hazard=major, user=lingshi_regulator, authority=region("140700"), deadline=TOMORROW
        )
    assert "authority" in exc.value.message_dict  # the city is above a county regulator
    with pytest.raises(ValidationError) as exc:
        services.list_for_supervision(
            hazard=major, user=city_admin, authority=region("140802"), deadline=TOMORROW
        )
    assert "authority" in exc.value.message_dict  # not where the hazard is
    listing = services.list_for_supervision(
        hazard=major, user=city_admin, authority=region("140700"), deadline=TOMORROW
    )
    assert listing.authority.level == "city"
    with pytest.raises(ValidationError):
        services.list_for_supervision(
            hazard=major, user=city_admin, authority=region("140700"), deadline=TOMORROW
        )


def test_enterprise_runs_its_own_self_inspection_loop_for_general_hazards(
    mine_manager, lingshi_mine, evidence
):
    hazard = report(mine_manager, lingshi_mine, channel="self_inspection")
    services.verify_hazard(hazard=hazard, user=mine_manager)
    services.assign_plan(hazard=hazard, user=mine_manager, plan=plan())
    services.start_rectifying(hazard=hazard, user=mine_manager)
    services.request_acceptance(hazard=hazard, user=mine_manager, evidence=[evidence])
    services.accept_hazard(hazard=hazard, user=mine_manager)
    assert hazard.status == S.CLOSED


def test_enterprise_cannot_verify_a_regulators_finding(
    mine_manager, lingshi_regulator, lingshi_mine
):
    hazard = report(lingshi_regulator, lingshi_mine, channel="law_enforcement")
    with pytest.raises(PermissionDenied):
        services.verify_hazard(hazard=hazard, user=mine_manager)


def test_reports_outside_the_jurisdiction_are_refused(
    grid_member, yuncheng_plant, lingshi_regulator
):
    with pytest.raises(ValidationError) as exc:
        report(lingshi_regulator, yuncheng_plant)
    assert "enterprise" in exc.value.message_dict
    assert not Hazard.objects.exists()


def test_a_public_place_needs_its_name_and_region(grid_member):
    with pytest.raises(ValidationError) as exc:
        services.report_hazard(
            user=grid_member,
            data={
                "description": "图书馆安全出口被杂物堵塞",
                "category": "fire",
                "channel": "grid_member",
            },
        )
    assert {"place_name", "region"} <= set(exc.value.message_dict)
    hazard = services.report_hazard(
        user=grid_member,
        data={
            "description": "图书馆安全出口被杂物堵塞",
            "category": "fire",
            "channel": "grid_member",
            "place_name": "村文化活动室",
            "region": grid_member.region,
        },
    )
    assert hazard.place == "村文化活动室"


def test_merging_keeps_both_reports(lingshi_regulator, lingshi_mine):
    first = report(lingshi_regulator, lingshi_mine)
    second = report(lingshi_regulator, lingshi_mine, channel="grid_member")
    services.merge_hazard(hazard=second, into=first, user=lingshi_regulator, reason="同一问题")
    assert second.status == S.MERGED and second.duplicate_of == first
    assert list(first.duplicates.all()) == [second]
    with pytest.raises(ValidationError):
        services.merge_hazard(hazard=first, into=first, user=lingshi_regulator)


def test_overdue_is_derived_from_the_deadline_and_today(lingshi_regulator, lingshi_mine):
    hazard = report(lingshi_regulator, lingshi_mine)
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=plan())
    assert not hazard.is_overdue and not Hazard.objects.overdue().exists()
    with time_machine.travel(
        dt.datetime.combine(TOMORROW + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    ):
        assert Hazard.objects.get(pk=hazard.pk).is_overdue
        assert list(Hazard.objects.overdue()) == [hazard]


def test_uploads_are_checked_by_content():
    with pytest.raises(ValidationError, match="不是照片"):
        check_upload(b"MZ\x90\x00 this is an exe", "photo.jpg")
    with pytest.raises(ValidationError, match="为空"):
        check_upload(b"", "empty.jpg")
    assert check_upload(jpeg_bytes(), "x.png").content_type == "image/jpeg"
    assert check_upload(b"%PDF-1.4\n%...", "report.pdf").extension == ".pdf"


def assigned_hazard(regulator, enterprise, **overrides):
    hazard = report(regulator, enterprise, **overrides)
    services.verify_hazard(hazard=hazard, user=regulator)
    services.assign_plan(hazard=hazard, user=regulator, plan=plan())
    return hazard


def test_an_approved_extension_moves_the_deadline_and_is_kept(
    lingshi_regulator, mine_manager, lingshi_mine
):
    hazard = assigned_hazard(lingshi_regulator, lingshi_mine)
    later = TOMORROW + dt.timedelta(days=20)
    request = services.request_extension(
        hazard=hazard, user=mine_manager, new_deadline=later, reason="设备到货延迟"
    )
    with pytest.raises(ValidationError) as exc:
        services.request_extension(
            hazard=hazard, user=mine_manager, new_deadline=later, reason="再次申请"
        )
    assert "hazard" in exc.value.message_dict
    services.decide_extension(extension=request, user=lingshi_regulator, approve=True)
    hazard.refresh_from_db()
    assert hazard.deadline == later and hazard.plan.deadline == later
    request.refresh_from_db()
    assert request.status == "approved" and request.old_deadline == TOMORROW
    with pytest.raises(ValidationError):
        services.decide_extension(
            extension=request, user=lingshi_regulator, approve=False, note="x"
        )


def test_a_refusal_needs_a_reason_and_leaves_the_deadline(
    lingshi_regulator, mine_manager, lingshi_mine
):
    hazard = assigned_hazard(lingshi_regulator, lingshi_mine)
    later = TOMORROW + dt.timedelta(days=5)
    request = services.request_extension(
        hazard=hazard, user=mine_manager, new_deadline=later, reason="人手不足"
    )
    with pytest.raises(ValidationError):
        services.decide_extension(extension=request, user=lingshi_regulator, approve=False)
    services.decide_extension(
        extension=request, user=lingshi_regulator, approve=False, note="可调配人员"
    )
    hazard.refresh_from_db()
    assert hazard.deadline == TOMORROW
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension=request, user=mine_manager, approve=True)


def test_extensions_are_asked_for_before_the_deadline_and_to_a_later_date(
    lingshi_regulator, mine_manager, lingshi_mine
):
    hazard = assigned_hazard(lingshi_regulator, lingshi_mine)
    with pytest.raises(ValidationError) as exc:
        services.request_extension(
            hazard=hazard, user=mine_manager, new_deadline=TOMORROW, reason="x"
        )
    assert "new_deadline" in exc.value.message_dict
    late = dt.datetime.combine(TOMORROW + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(late):
        with pytest.raises(ValidationError) as exc:
            services.request_extension(
                hazard=hazard,
                user=mine_manager,
                new_deadline=TOMORROW + dt.timedelta(days=9),
                reason="x",
            )
        assert "new_deadline" in exc.value.message_dict


def test_a_listed_hazard_asks_for_its_extension_well_ahead(
    lingshi_regulator, lingshi_mine, settings
):
    settings.ANLAN_LISTED_EXTENSION_NOTICE_DAYS = 40  # more than the 30 days the plan gives
    hazard = report(lingshi_regulator, lingshi_mine, level="major")
    services.verify_hazard(hazard=hazard, user=lingshi_regulator)
    services.list_for_supervision(
        hazard=hazard, user=lingshi_regulator, authority=region(LINGSHI), deadline=TOMORROW
    )
    major_plan = plan(goals="g", materials="m", interim_measures="i")
    services.assign_plan(hazard=hazard, user=lingshi_regulator, plan=major_plan)
    with pytest.raises(ValidationError, match="40"):
        services.request_extension(
            hazard=hazard,
            user=lingshi_regulator,
            new_deadline=TOMORROW + dt.timedelta(days=30),
            reason="x",
        )
