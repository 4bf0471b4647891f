"""The demo risk points cover all four colours, with measures due, and a second run adds nothing."""

import pytest

from anlan.core.demo import DEMO_MARK, build_demo
from anlan.core.models import User
from anlan.registry import risks
from anlan.registry.demo_risks import build_demo_risks
from anlan.registry.models import ControlMeasure, Enterprise, RiskPoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_risk_points_show_all_four_colours_and_are_idempotent(client):
    demo = build_demo()  # the demo builds its risk points
    enterprises = {
        e.name.removesuffix(DEMO_MARK): e for e in Enterprise.objects.filter(is_demo=True)
    }
    admin = User.objects.get(username="admin")
    assert demo["created"]["risk_points"] == RiskPoint.objects.count() >= 8
    assert set(RiskPoint.objects.values_list("grade", flat=True)) == {
        "red",
        "orange",
        "yellow",
        "blue",
    }
    assert build_demo_risks(enterprises=enterprises, actor=admin) == 0
    measures = ControlMeasure.objects.count()
    assert build_demo_risks(enterprises=enterprises, actor=admin) == 0
    assert ControlMeasure.objects.count() == measures
    enterprise_user = User.objects.get(username="enterprise")
    assert risks.due_checks(ControlMeasure.objects.visible_to(enterprise_user))
    client.force_login(enterprise_user)
    assert client.get("/enterprises/risks/tasks/").status_code == 200
    client.force_login(User.objects.get(username="city"))
    page = client.get("/enterprises/risks/map/")
    assert page.status_code == 200
    assert {f["level"] for f in page.context["features"]} >= {"red", "orange", "yellow", "blue"}
