# ruff: noqa: F811 -- the fixtures are imported from members_setup, then requested by name
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from anlan.cli import translate
from anlan.rescue.models import Assessment, Certificate, ScoringRule

from .members_setup import (  # noqa: F401
    DAY0,
    TODAY,
    add_member,
    english,
    frozen_day,
    lingshi_squad,
    squad_one,
    yanhu_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> str:
    out = io.StringIO()
    call_command("rescue_members", *args, stdout=out)
    return out.getvalue()


def test_cli_words_map_to_the_members_command():
    assert translate(["rescue", "members", "list", "--team", "3"]) == [
        "rescue_members",
        "list",
        "--team",
        "3",
    ]


def test_cli_lists_a_teams_members_with_masked_ids(lingshi_squad, system_admin):
    member = add_member(lingshi_squad, "命令行队员")
    out = run("list", "--team", str(lingshi_squad.pk))
    assert "命令行队员" in out and member.id_number_masked in out and "1 members" in out
    assert member.id_number not in out
    with pytest.raises(CommandError, match="--team"):
        run("list", "--team", "99999")


def test_cli_structure_names_the_short_squad(lingshi_squad, squad_one, system_admin):
    add_member(lingshi_squad, unit=squad_one)
    out = run("structure", str(lingshi_squad.pk))
    assert "PROBLEM" in out and "一小队" in out and "1 problems" in out


def test_cli_check_lists_members_who_have_aged_past_their_post(lingshi_squad, system_admin):
    add_member(lingshi_squad, "老队员", birth="19800601")
    assert "0 members break the rules" in run("check")
    with time_machine.travel(DAY0 + dt.timedelta(days=100), tick=False):
        out = run("check", "--team", str(lingshi_squad.pk))
    assert "老队员" in out and "1 members break the rules" in out


def test_cli_certificates_lists_expiring_and_expired(lingshi_squad, system_admin):
    member = add_member(lingshi_squad, "证书队员")
    for name, days in (("过期证", -3), ("将到期证", 20), ("远期证", 300)):
        Certificate.objects.create(
            member=member,
            name=name,
            issued_on=dt.date(2020, 1, 1),
            expires_on=TODAY + dt.timedelta(days=days),
        )
    out = run("certificates")
    assert "过期证" in out and "将到期证" in out and "远期证" not in out
    assert "2 certificates, 1 expired" in out
    assert "远期证" in run("certificates", "--days", "365")
    with pytest.raises(CommandError, match="--days"):
        run("certificates", "--days", "-5")


def test_cli_assessments_show_results(lingshi_squad, system_admin):
    member = add_member(lingshi_squad, "考核者")
    rule = ScoringRule.objects.create(
        team=lingshi_squad, name="细则", items=[{"name": "体能", "points": 100}]
    )
    assessment = Assessment(member=member, rule=rule, assessed_on=TODAY, scores={"体能": 40})
    assessment.clean()
    assessment.save()
    out = run("assessments", "--team", str(lingshi_squad.pk))
    assert "考核者" in out and "fail" in out and "1 failed" in out


def test_cli_acts_within_a_users_jurisdiction(lingshi_squad, yanhu_regulator):
    with pytest.raises(CommandError, match="--team"):
        run("list", "--team", str(lingshi_squad.pk), "--user", yanhu_regulator.username)
