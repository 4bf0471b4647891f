# ruff: noqa: F811 -- the fixtures are imported from members_setup, then requested by name
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from anlan.rescue.models import Assessment, Certificate, Member, ScoringRule, TeamUnit, Training

from .members_setup import (  # noqa: F401
    TODAY,
    add_member,
    commander,
    frozen_day,
    lingshi_squad,
    login,
    member_data,
    squad_one,
    yanhu_team,
)

pytestmark = pytest.mark.django_db


def field_error(html: str, field: str) -> str:
    """The error text shown under a form field (pages are in Chinese)."""
    found = re.findall(rf'data-field="{field}">([^<]*)<', html)
    assert found, f"no error on {field}"
    return " ".join(found)


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def test_member_page_shows_masked_ids_and_the_structure_problem(
    lingshi_squad, squad_one, commander
):
    member = add_member(lingshi_squad, "赵救援", unit=squad_one)
    page = login(commander).get(reverse("rescue:member-list", args=[lingshi_squad.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "赵救援" in html and member.id_number_masked in html
    assert member.id_number not in html
    structure = html.split('data-testid="structure"')[1].split("</section>")[0]
    assert "alert-warning" in structure and "一小队" in structure and "9" in structure
    assert "table-responsive" in html


def test_member_list_filters_by_post_and_unit(lingshi_squad, squad_one, commander):
    add_member(lingshi_squad, "小队长甲", post="squad_leader", unit=squad_one)
    add_member(lingshi_squad, "普通队员乙")
    client = login(commander)
    url = reverse("rescue:member-list", args=[lingshi_squad.pk])
    html = client.get(url, {"post": "squad_leader"}).content.decode()
    assert "小队长甲" in html and "普通队员乙" not in html
    html = client.get(url, {"unit": squad_one.pk}).content.decode()
    assert "小队长甲" in html and "普通队员乙" not in html
    assert zh("Unknown post.") in client.get(url, {"post": "chef"}).content.decode()


def test_member_export_is_a_workbook_with_masked_ids(lingshi_squad, commander):
    member = add_member(lingshi_squad, "导出队员")
    response = login(commander).get(reverse("rescue:member-export", args=[lingshi_squad.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value == "导出队员"
    assert sheet.cell(row=2, column=3).value == member.id_number_masked


def test_other_county_regulator_gets_404_on_the_team_and_member(lingshi_squad, yanhu_regulator):
    member = add_member(lingshi_squad)
    client = login(yanhu_regulator)
    assert client.get(reverse("rescue:member-list", args=[lingshi_squad.pk])).status_code == 404
    assert client.get(reverse("rescue:member-detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("rescue:member-new", args=[lingshi_squad.pk])).status_code == 404


def test_commander_adds_a_member_on_the_form(lingshi_squad, squad_one, commander):
    data = member_data(lingshi_squad, unit=squad_one.pk)
    response = login(commander).post(reverse("rescue:member-new", args=[lingshi_squad.pk]), data)
    member = Member.objects.get(name="李新队员")
    assert response.status_code == 302
    assert response["Location"] == reverse("rescue:member-detail", args=[member.pk])
    assert member.unit == squad_one


def test_a_47_year_old_squad_member_is_refused_on_the_post_field(lingshi_squad, commander):
    from ..factories import LINGSHI, make_id_number

    data = member_data(lingshi_squad, id_number=make_id_number(LINGSHI, "19780601", 77))
    response = login(commander).post(reverse("rescue:member-new", args=[lingshi_squad.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    message = field_error(html, "post")
    assert "47" in message and "45" in message
    assert not Member.objects.exists()


def test_a_squad_leader_with_half_a_year_is_refused_on_experience(lingshi_squad, commander):
    since = (TODAY - dt.timedelta(days=183)).isoformat()
    data = member_data(lingshi_squad, post="squad_leader", experience_since=since)
    response = login(commander).post(reverse("rescue:member-new", args=[lingshi_squad.pk]), data)
    html = response.content.decode()
    message = field_error(html, "experience_since")
    assert "0.5" in message and "1" in message
    assert not Member.objects.exists()


def test_edit_keeps_the_rules(lingshi_squad, commander):
    member = add_member(lingshi_squad, "改岗队员", years=0.5)
    data = member_data(
        lingshi_squad,
        name="改岗队员",
        id_number=member.id_number,
        post="squad_leader",
        experience_since=member.experience_since.isoformat(),
    )
    response = login(commander).post(reverse("rescue:member-edit", args=[member.pk]), data)
    assert 'data-field="experience_since"' in response.content.decode()
    member.refresh_from_db()
    assert member.post == "member"


def test_a_township_supervisor_may_look_but_not_add(lingshi_squad):
    from anlan.core.choices import UserRole

    from ..factories import LINGSHI, make_user, township

    supervisor = make_user("sup", UserRole.TOWNSHIP_SUPERVISOR, region=township(LINGSHI))
    client = login(supervisor)
    # The team's region is the county, outside a township's subtree: not visible at all.
    assert client.get(reverse("rescue:member-new", args=[lingshi_squad.pk])).status_code == 404


def test_member_page_shows_training_certificates_and_assessments(lingshi_squad, commander):
    member = add_member(lingshi_squad, "全记录")
    client = login(commander)
    client.post(
        reverse("rescue:training-new", args=[member.pk]),
        {
            "kind": "apparatus",
            "course": "佩戴正压氧气呼吸器",
            "started_on": "2026-02-01",
            "hours": "6",
            "passed": "on",
        },
    )
    client.post(
        reverse("rescue:certificate-new", args=[member.pk]),
        {
            "name": "矿山救援证",
            "number": "JY-01",
            "issued_on": "2023-03-01",
            "expires_on": "2026-03-20",
        },
    )
    client.post(
        reverse("rescue:scoring-rule-new", args=[lingshi_squad.pk]),
        {
            "name": "年度考核",
            "items": "佩戴呼吸器 = 40\n急救 = 60",
            "pass_mark": "60",
            "excellent_mark": "90",
        },
    )
    response = client.post(
        reverse("rescue:assessment-new", args=[member.pk]),
        {"assessed_on": "2026-03-01", "assessor": "张教官", "score_0": "38", "score_1": "55"},
    )
    assert response.status_code == 302
    assert (
        Training.objects.count() == Certificate.objects.count() == Assessment.objects.count() == 1
    )
    html = client.get(reverse("rescue:member-detail", args=[member.pk])).content.decode()
    assert "佩戴正压氧气呼吸器" in html and "2026: 6.0 h" in html
    assert "矿山救援证" in html and 'data-state="expiring"' in html
    assert "93 / 100" in html and 'data-result="excellent"' in html


def test_a_certificate_that_expires_before_it_is_issued_is_refused(lingshi_squad, commander):
    member = add_member(lingshi_squad)
    response = login(commander).post(
        reverse("rescue:certificate-new", args=[member.pk]),
        {"name": "矿山救援证", "issued_on": "2024-03-01", "expires_on": "2024-01-01"},
    )
    assert 'data-field="expires_on"' in response.content.decode()
    assert not Certificate.objects.exists()


def test_scores_above_an_items_points_are_refused(lingshi_squad, commander):
    member = add_member(lingshi_squad)
    ScoringRule.objects.create(
        team=lingshi_squad, name="细则", items=[{"name": "体能", "points": 100}]
    )
    response = login(commander).post(
        reverse("rescue:assessment-new", args=[member.pk]),
        {"assessed_on": "2026-03-01", "score_0": "120"},
    )
    assert 'data-field="score_0"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_bad_scoring_items_are_refused_on_the_items_field(lingshi_squad, commander):
    response = login(commander).post(
        reverse("rescue:scoring-rule-new", args=[lingshi_squad.pk]),
        {"name": "坏细则", "items": "没有分值", "pass_mark": "60", "excellent_mark": "90"},
    )
    assert 'data-field="items"' in response.content.decode()
    assert not ScoringRule.objects.exists()


def test_assessment_list_shows_results(lingshi_squad, commander):
    member = add_member(lingshi_squad, "考核对象")
    rule = ScoringRule.objects.create(
        team=lingshi_squad, name="细则", items=[{"name": "体能", "points": 100}]
    )
    a = Assessment(member=member, rule=rule, assessed_on=TODAY, scores={"体能": 50})
    a.clean()
    a.save()
    html = (
        login(commander)
        .get(reverse("rescue:assessment-list", args=[lingshi_squad.pk]))
        .content.decode()
    )
    assert "考核对象" in html and 'data-result="fail"' in html and "细则" in html


def test_training_summary_lists_members_without_training(lingshi_squad, commander):
    add_member(lingshi_squad, "未训练队员")
    html = (
        login(commander)
        .get(reverse("rescue:training-summary", args=[lingshi_squad.pk]))
        .content.decode()
    )
    assert "未训练队员" in html and "data-untrained" in html


def test_certificates_due_page_covers_visible_teams_only(
    lingshi_squad, yanhu_team, lingshi_regulator
):
    mine = add_member(lingshi_squad, "本县队员")
    theirs = add_member(yanhu_team, "外县队员")
    Certificate.objects.create(
        member=mine,
        name="救援证",
        issued_on=dt.date(2021, 1, 1),
        expires_on=TODAY - dt.timedelta(days=2),
    )
    Certificate.objects.create(
        member=theirs, name="救援证", issued_on=dt.date(2021, 1, 1), expires_on=TODAY
    )
    client = login(lingshi_regulator)
    html = client.get(reverse("rescue:certificates-due")).content.decode()
    assert "本县队员" in html and 'data-state="expired"' in html and "外县队员" not in html
    export = client.get(reverse("rescue:certificates-due-export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 2 and sheet.cell(row=2, column=3).value == "本县队员"


def test_commander_adds_a_squad_on_the_unit_form(lingshi_squad, commander):
    response = login(commander).post(
        reverse("rescue:unit-new", args=[lingshi_squad.pk]), {"name": "二小队", "kind": "squad"}
    )
    assert response.status_code == 302
    assert TeamUnit.objects.filter(team=lingshi_squad, name="二小队", kind="squad").exists()
