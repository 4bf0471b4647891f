"""The production settings pass Django's deployment check; passwords, sessions and HTTPS follow
the security policy an officer and an auditor would notice."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(**extra) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as production runs it: debug off, real secrets, no escape."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "ANLAN_ALLOW_INSECURE_KEY",
            "ANLAN_DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; never in production
        )
        and not key.startswith(("ANLAN_SECURE", "ANLAN_HTTPS", "ANLAN_HSTS"))
    }
    env.update(
        ANLAN_SECRET_KEY=secrets.token_urlsafe(50),
        ANLAN_IDENTITY_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        DATABASE_URL="sqlite://:memory:",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_check():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_plain_http_intranet_is_warned_about_what_it_gives_up():
    result = deploy_check(ANLAN_HTTPS="false", ANLAN_SECURE_COOKIES="false")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab-3", "too short"),
        ("anquanshengchan", "kinds of characters"),
        ("3141592653589", "entirely numeric"),
        ("password123", "too common"),
        ("Lingshi-Regulator9", "too similar"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(
    client, lingshi_regulator, password, reason
):
    lingshi_regulator.display_name = "lingshi-regulator9"
    lingshi_regulator.save()
    client.force_login(lingshi_regulator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-lingshi-regulator",
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    lingshi_regulator.refresh_from_db()
    assert lingshi_regulator.check_password("pw-lingshi-regulator")


@pytest.mark.django_db
def test_a_strong_new_password_is_accepted(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    new = "Anquan-2026-" + secrets.token_hex(3)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-lingshi-regulator", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    lingshi_regulator.refresh_from_db()
    assert lingshi_regulator.check_password(new)


@pytest.mark.django_db
def test_a_sign_in_lasts_one_shift_and_scripts_cannot_read_the_cookies(client, lingshi_regulator):
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": lingshi_regulator.username, "password": "pw-lingshi-regulator"},
    )
    assert response.status_code == 302
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(session["max-age"]) == 8 * 3600
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies[django_settings.CSRF_COOKIE_NAME]["httponly"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_with_https_plain_http_is_redirected_but_the_health_check_is_not(client):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/healthz").status_code == 200
