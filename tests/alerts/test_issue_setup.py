"""Shared set-up for the issuing and portal tests (no tests here): a second city administrator
to sign off, a fixed instant, the values of a Jinzhong cold-wave yellow warning, and helpers
that take a warning through the workflow."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from anlan.alerts import issuing
from anlan.core.choices import UserRole

from ..factories import JINZHONG, make_user, region

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 4, 8, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def second_city_admin(db):
    return make_user("city-admin-2", UserRole.CITY_ADMIN, region=region(JINZHONG))


def cold_wave(**extra) -> dict:
    data = {
        "signal_type": "cold_wave",
        "colour": "yellow",
        "expires": NOW + dt.timedelta(days=2),
        "onset": NOW + dt.timedelta(hours=12),
        "description": "预计最低气温下降10℃以上。",
        "instruction": "注意防寒保暖。",
        "regions": [JINZHONG],
    }
    data.update(extra)
    return data


def published(drafter, signer, **extra):
    """A warning drafted by ``drafter``, submitted, and signed off by ``signer``."""
    alert = issuing.create_draft(user=drafter, data=cold_wave(**extra))
    issuing.submit(user=drafter, alert=alert)
    return issuing.publish(user=signer, alert=alert)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def imported(**extra):
    """A published message as received from the weather service (no info blocks needed)."""
    from anlan.alerts.models import Alert

    values = {
        "identifier": f"met-{Alert.objects.count() + 1}",
        "sender": "jinzhong-met@example.cn",
        "sent": NOW,
        "signal_type": "rainstorm",
        "colour": "blue",
        "event": "暴雨蓝色预警",
        "headline": "晋中市气象台发布暴雨蓝色预警信号",
        "effective": NOW,
        "expires": NOW + dt.timedelta(hours=12),
        "instruction": "注意防范城乡积涝。",
        "area_desc": "晋中市",
    }
    values.update(extra)
    alert = Alert.objects.create(**values)
    Alert.objects.filter(pk=alert.pk).update(thread=alert)
    return alert
