"""Shared set-up for the rescue member tests: a Lingshi squad with its commander, a Yanhu team,
members created directly (their rules are tested through the services), and a fixed day."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from anlan.core.choices import UserRole
from anlan.rescue.models import Member, Team, TeamUnit

from ..factories import LINGSHI, YANHU, make_id_number, make_user, region

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
DAY0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(DAY0, tick=False):
        yield


@pytest.fixture
def english():
    """Messages in English for tests that compare their text (the site's language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def lingshi_squad(db):
    return Team.objects.create(
        name="灵石县矿山救援中队", kind="county_squad", region=region(LINGSHI), headcount=22
    )


@pytest.fixture
def yanhu_team(db):
    return Team.objects.create(name="盐湖区救援队", kind="social", region=region(YANHU))


@pytest.fixture
def commander(lingshi_squad):
    return make_user("lingshi-commander", UserRole.RESCUE_COMMANDER, team=lingshi_squad)


@pytest.fixture
def squad_one(lingshi_squad):
    return TeamUnit.objects.create(team=lingshi_squad, name="一小队", kind="squad")


def add_member(team, name="张队员", *, birth="19950505", post="member", years=3.0, **extra):
    """A member saved without the rule checks (born on ``birth``; ``years`` of experience)."""
    values = {
        "team": team,
        "name": name,
        "id_number": make_id_number(team.region.code[:6], birth, next(_seq) % 999 + 1),
        "post": post,
        "joined_on": TODAY - dt.timedelta(days=int(years * 365.25) + 1),
        "experience_since": TODAY - dt.timedelta(days=int(years * 365.25) + 1),
    }
    values.update(extra)
    return Member.objects.create(**values)


def member_data(team, **extra) -> dict:
    """Form / API values for a new member who meets the rules."""
    data = {
        "name": "李新队员",
        "id_number": make_id_number(LINGSHI, "19960310", next(_seq) % 999 + 1),
        "post": "member",
        "mobile": "13900001111",
        "status": "active",
        "joined_on": "2025-01-01",
        "experience_since": "2024-06-01",
    }
    data.update(extra)
    return data


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def patch_json(client, url, payload):
    return client.patch(url, json.dumps(payload), content_type="application/json")
