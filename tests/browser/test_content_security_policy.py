"""Pages work under the content security policy: every page sends it, and Chromium reports no
refused script, style, image or connection on the pages with charts, maps and scripts."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from anlan.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_with_charts_maps_and_scripts_break_no_rule(page, live_server, people, settings):
    from anlan.core.demo import build_demo
    from anlan.hazards.models import Hazard
    from anlan.reports.models import Bulletin

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo()
    city = User.objects.get(username="city")
    city.set_password("pw-city")
    city.save()
    refused = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", "pw-city")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_be_attached()

    hazard = Hazard.objects.exclude(latitude=None).first() or Hazard.objects.first()
    bulletin = Bulletin.objects.filter(kind="monthly").first()
    for path in (
        reverse("reports:dashboard"),
        reverse("hazards:detail", args=[hazard.pk]),
        reverse("registry:risk_map"),
        reverse("reports:exports"),
        reverse("reports:bulletin", args=[bulletin.pk]),
        reverse("supervision:assessments"),
        reverse("supervision:trainings"),
        "/api/docs",
    ):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    expect(page.locator(".swagger-ui")).to_be_visible()
    assert refused == []
