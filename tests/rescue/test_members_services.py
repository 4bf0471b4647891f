# ruff: noqa: F811 -- the fixtures are imported from members_setup, then requested by name
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.core.choices import UserRole
from anlan.core.models import Notification
from anlan.rescue import services_members as services
from anlan.rescue.models import Assessment, Certificate, Member, ScoringRule, TeamUnit, Training

from ..factories import LINGSHI, make_id_number, make_user
from .members_setup import (  # noqa: F401
    DAY0,
    TODAY,
    add_member,
    commander,
    english,
    frozen_day,
    lingshi_squad,
    squad_one,
    yanhu_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_squad_short_of_nine_is_named_with_its_numbers(lingshi_squad, squad_one, settings):
    settings.ANLAN_RESCUE_MIN_SQUAD_SIZE = 9
    for n in range(7):
        add_member(lingshi_squad, f"队员{n}", unit=squad_one)
    add_member(lingshi_squad, "离队者", unit=squad_one, status="left")
    problems = services.structure_problems(lingshi_squad)
    assert problems == ["Squad 一小队 has 7 serving members; a squad needs at least 9."]
    for n in range(2):
        add_member(lingshi_squad, f"补充{n}", unit=squad_one)
    assert services.structure_problems(lingshi_squad) == []


def test_a_squadron_with_two_squads_is_a_problem(lingshi_squad, settings):
    settings.ANLAN_RESCUE_MIN_SQUAD_SIZE = 0
    squadron = TeamUnit.objects.create(team=lingshi_squad, name="一中队", kind="squadron")
    for name in ("甲小队", "乙小队"):
        TeamUnit.objects.create(team=lingshi_squad, name=name, kind="squad", parent=squadron)
    assert services.structure_problems(lingshi_squad) == [
        "Squadron 一中队 has 2 squads; a squadron needs at least 3."
    ]


def test_a_unit_cannot_sit_in_another_teams_squadron(lingshi_squad, yanhu_team, system_admin):
    other = TeamUnit.objects.create(team=yanhu_team, name="外队中队", kind="squadron")
    with pytest.raises(ValidationError) as exc:
        services.add_unit(
            user=system_admin,
            team=lingshi_squad,
            data={"name": "二小队", "kind": "squad", "parent": other},
        )
    assert "parent" in exc.value.message_dict
    assert not TeamUnit.objects.filter(name="二小队").exists()


def test_only_managers_of_the_team_may_change_it(
    lingshi_squad, commander, yanhu_team, lingshi_regulator, yanhu_regulator, city_admin
):
    other_commander = make_user("yanhu-cmd", UserRole.RESCUE_COMMANDER, team=yanhu_team)
    assert services.may_manage(commander, lingshi_squad)
    assert services.may_manage(lingshi_regulator, lingshi_squad)
    assert services.may_manage(city_admin, lingshi_squad)
    assert not services.may_manage(yanhu_regulator, lingshi_squad)
    assert not services.may_manage(other_commander, lingshi_squad)
    with pytest.raises(PermissionDenied):
        services.add_unit(
            user=other_commander, team=lingshi_squad, data={"name": "x", "kind": "squad"}
        )


def test_members_who_age_past_their_post_limit_are_listed(lingshi_squad):
    # Born 1980-06-01: 45 on the fixed day, 46 a few months later.
    veteran = add_member(lingshi_squad, "老队员", birth="19800601")
    add_member(lingshi_squad, "年轻队员", birth="19990101")
    assert services.rule_breakers(Member.objects.all(), TODAY) == []
    later = dt.date(2026, 6, 2)
    rows = services.rule_breakers(Member.objects.all(), later)
    assert [m for m, _e in rows] == [veteran]
    assert "post" in rows[0][1]


def test_training_summary_shows_hours_this_year_and_members_without_training(
    lingshi_squad, system_admin
):
    trained = add_member(lingshi_squad, "常训队员")
    idle = add_member(lingshi_squad, "久未训练")
    for day, hours in ((dt.date(2026, 1, 10), "8"), (dt.date(2026, 2, 10), "4.5")):
        services.add_training(
            user=system_admin,
            member=trained,
            data={
                "kind": "apparatus",
                "course": "佩戴呼吸器",
                "started_on": day,
                "hours": Decimal(hours),
            },
        )
    Training.objects.create(
        member=idle, kind="refresher", course="复训", started_on=dt.date(2024, 12, 1), hours=16
    )
    rows = services.training_summary(lingshi_squad)
    assert [(r.member.name, r.untrained) for r in rows] == [("久未训练", True), ("常训队员", False)]
    assert rows[1].hours_this_year == Decimal("12.5")
    assert services.hours_by_year(trained) == [(2026, Decimal("12.5"))]


def test_a_future_training_is_refused(lingshi_squad, system_admin):
    member = add_member(lingshi_squad)
    with pytest.raises(ValidationError) as exc:
        services.add_training(
            user=system_admin,
            member=member,
            data={
                "kind": "basic",
                "course": "入队培训",
                "started_on": TODAY + dt.timedelta(days=3),
                "hours": 8,
            },
        )
    assert "started_on" in exc.value.message_dict
    assert not Training.objects.exists()


def _certificate(member, name, expires_on):
    return Certificate.objects.create(
        member=member, name=name, issued_on=dt.date(2022, 1, 1), expires_on=expires_on
    )


def test_commanders_are_warned_once_per_certificate_and_state(lingshi_squad, commander, settings):
    settings.ANLAN_RESCUE_CERT_WARNING_DAYS = 30
    member = add_member(lingshi_squad, "王证书")
    expiring = _certificate(member, "矿山救援证", TODAY + dt.timedelta(days=20))
    _certificate(member, "急救证", TODAY + dt.timedelta(days=200))
    assert services.warn_expiring_certificates(TODAY) == 1
    assert services.warn_expiring_certificates(TODAY) == 0  # the same warning is not repeated
    note = Notification.objects.get(recipient=commander)
    assert "王证书" in note.title and "矿山救援证" in note.title
    later = expiring.expires_on + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(later, DAY0.timetz())):
        assert services.warn_expiring_certificates(later) == 1  # now expired: a new warning
    assert Notification.objects.filter(recipient=commander).count() == 2
    assert "expired" in Notification.objects.filter(recipient=commander).first().title.lower()


def test_certificates_of_members_who_left_are_not_due(lingshi_squad):
    gone = add_member(lingshi_squad, "离队者", status="left")
    _certificate(gone, "矿山救援证", TODAY - dt.timedelta(days=1))
    assert services.certificates_due(Certificate.objects.all()) == []


def test_an_assessment_totals_the_scores_and_gives_the_result(lingshi_squad, system_admin):
    rule = services.save_scoring_rule(
        user=system_admin,
        team=lingshi_squad,
        data={
            "name": "2026年度考核细则",
            "items": [{"name": "佩戴呼吸器", "points": 40}, {"name": "急救", "points": 60}],
            "pass_mark": 60,
            "excellent_mark": 90,
        },
    )
    member = add_member(lingshi_squad)
    assessment = services.record_assessment(
        user=system_admin,
        member=member,
        data={"rule": rule, "assessed_on": TODAY, "scores": {"佩戴呼吸器": 35, "急救": 20}},
    )
    assert (assessment.total, assessment.result) == (55, "fail")
    with pytest.raises(ValidationError) as exc:
        services.record_assessment(
            user=system_admin,
            member=member,
            data={"rule": rule, "assessed_on": TODAY, "scores": {"佩戴呼吸器": 50, "急救": 60}},
        )
    assert "scores" in exc.value.message_dict
    assert Assessment.objects.count() == 1


def test_scoring_rules_with_a_pass_mark_above_full_marks_are_refused(lingshi_squad, system_admin):
    with pytest.raises(ValidationError) as exc:
        services.save_scoring_rule(
            user=system_admin,
            team=lingshi_squad,
            data={
                "name": "错误细则",
                "items": [{"name": "体能", "points": 50}],
                "pass_mark": 60,
                "excellent_mark": 90,
            },
        )
    assert "pass_mark" in exc.value.message_dict
    assert not ScoringRule.objects.exists()


def test_parse_items_names_the_bad_line():
    assert services.parse_items("佩戴呼吸器 = 20\n急救：30\n") == [
        {"name": "佩戴呼吸器", "points": 20},
        {"name": "急救", "points": 30},
    ]
    with pytest.raises(ValidationError, match="Line 2"):
        services.parse_items("体能=10\n没有分值")


def test_id_number_of_a_child_is_refused(lingshi_squad, system_admin):
    with pytest.raises(ValidationError) as exc:
        services.save_member(
            user=system_admin,
            team=lingshi_squad,
            data={
                "name": "少年",
                "id_number": make_id_number(LINGSHI, "20120101", 5),
                "post": "member",
                "joined_on": TODAY,
                "experience_since": TODAY,
            },
        )
    assert "id_number" in exc.value.message_dict
    assert not Member.objects.exists()


def test_the_daily_job_warns_the_commander(lingshi_squad, commander):
    from anlan.rescue import tasks

    member = add_member(lingshi_squad, "每日任务")
    _certificate(member, "矿山救援证", TODAY - dt.timedelta(days=1))
    tasks.expiring_certificates.call_local()
    assert Notification.objects.filter(recipient=commander).count() == 1
