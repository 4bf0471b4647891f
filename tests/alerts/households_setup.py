"""Fixtures for the household and welfare-check tests: a fictional township of Lingshi with two
villages (and a second township with one), the people who keep households there, the roles
that must never see them, one household with a known name and phone, and a warning factory."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from openpyxl import Workbook

from anlan.alerts import households as services
from anlan.alerts.models.warnings import Alert
from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region
from anlan.rescue.models import Team

from ..factories import JINZHONG, LINGSHI, EnterpriseFactory, make_user, region, township

HEAD = "户主测王某某"
PHONE = "13912345678"
ADDRESS = "示例村虚构路8号"


def village(town: Region, suffix: str, name: str) -> Region:
    obj, _ = Region.objects.get_or_create(
        code=town.code + suffix,
        defaults={
            "name": name,
            "level": RegionLevel.VILLAGE,
            "parent": town,
            "is_fictional": True,
        },
    )
    return obj


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def places(db):
    town = township(LINGSHI, "190", "示例镇")
    other_town = township(LINGSHI, "191", "另一镇")
    return {
        "town": town,
        "a": village(town, "201", "甲村"),
        "b": village(town, "202", "乙村"),
        "other_town": other_town,
        "c": village(other_town, "201", "丙村"),
    }


@pytest.fixture
def keepers(places):
    """The three roles that see households, plus a grid member of another village."""
    return {
        "grid": make_user("grid-a", UserRole.GRID_MEMBER, region=places["a"]),
        "supervisor": make_user("town-sup", UserRole.TOWNSHIP_SUPERVISOR, region=places["town"]),
        "civil": make_user("civil", UserRole.CIVIL_AFFAIRS, region=region(LINGSHI)),
        "other_grid": make_user("grid-b", UserRole.GRID_MEMBER, region=places["b"]),
    }


@pytest.fixture
def outsiders(db, system_admin):
    """Roles that must never see a household's personal data."""
    mine = EnterpriseFactory(name="灵石示例煤矿（演示）", region=region(LINGSHI))
    team = Team.objects.create(name="灵石示例救援队", kind="county_squad", region=region(LINGSHI))
    return {
        "city_admin": make_user("hh-city", UserRole.CITY_ADMIN, region=region(JINZHONG)),
        "regulator": make_user("hh-county", UserRole.COUNTY_REGULATOR, region=region(LINGSHI)),
        "enterprise": make_user("hh-ent", UserRole.ENTERPRISE_SAFETY, enterprise=mine),
        "commander": make_user("hh-cmd", UserRole.RESCUE_COMMANDER, team=team),
        "system_admin": system_admin,
    }


def household_data(places, **changes) -> dict:
    data = {
        "region": places["a"],
        "categories": ["elderly_alone"],
        "check_for": ["cold"],
        "people": 1,
        "head_name": HEAD,
        "address": ADDRESS,
        "contact_name": "联系人测",
        "phone": PHONE,
        "needs": "冬季送煤",
    }
    data.update(changes)
    return data


@pytest.fixture
def household(places, keepers):
    return services.create_household(user=keepers["grid"], data=household_data(places))


def make_alert(
    *, regions, signal_type="cold_wave", colour="yellow", thread=None, identifier=None, **extra
) -> Alert:
    now = timezone.now()
    alert = Alert.objects.create(
        identifier=identifier or f"TEST{Alert.objects.count() + 1:04d}",
        sender="test@example.gov.cn",
        sent=now,
        event="寒潮预警",
        headline=extra.pop("headline", "灵石县气象台发布寒潮黄色预警（测试）"),
        signal_type=signal_type,
        colour=colour,
        effective=now,
        expires=now + dt.timedelta(days=2),
        thread=thread,
        **extra,
    )
    if thread is None:
        Alert.objects.filter(pk=alert.pk).update(thread=alert)
        alert.thread = alert
    alert.regions.set(regions)
    return alert


def login(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def patch_json(client, url, payload):
    return client.patch(url, json.dumps(payload), content_type="application/json")


def run_cli(*args) -> str:
    out = io.StringIO()
    call_command("warnings_households", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def workbook(rows, header=None) -> bytes:
    header = header or [
        "village code",
        "head of household",
        "address",
        "contact person",
        "phone",
        "categories",
        "check in",
        "people in the household",
        "needs",
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
