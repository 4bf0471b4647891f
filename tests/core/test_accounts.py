"""Managers create and look after the accounts of their own jurisdiction."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from anlan.core import services
from anlan.core.models import ApiToken, User

from ..factories import LINGSHI, YANHU, make_user, region, township

pytestmark = pytest.mark.django_db


def test_city_admin_creates_a_county_regulator_who_must_change_the_password(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("user_create"),
        {
            "username": "new-lingshi",
            "display_name": "王新",
            "role": "county_regulator",
            "region": region(LINGSHI).pk,
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    client.logout()
    assert client.login(request=HttpRequest(), username="new-lingshi", password=password)
    # Everything but the password page waits until the temporary password is changed.
    assert client.get(reverse("registry:list"))["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Lingshi-safety-2026",
            "new_password2": "Lingshi-safety-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("registry:list")).status_code == 200


def test_accounts_outside_the_jurisdiction_are_refused_on_the_scope_field(city_admin):
    with pytest.raises(ValidationError) as exc:
        services.save_user(
            actor=city_admin,
            data={"username": "x", "role": "county_regulator", "region": region(YANHU)},
        )
    assert "region" in exc.value.message_dict
    assert not User.objects.filter(username="x").exists()


def test_managers_cannot_hand_out_roles_above_their_own(lingshi_regulator):
    with pytest.raises(ValidationError) as exc:
        services.save_user(
            actor=lingshi_regulator,
            data={"username": "boss", "role": "city_admin", "region": region("140700")},
        )
    assert "role" in exc.value.message_dict


def test_role_and_scope_must_fit_together(city_admin):
    with pytest.raises(ValidationError) as exc:
        services.save_user(
            actor=city_admin,
            data={"username": "t", "role": "township_supervisor", "region": region(LINGSHI)},
        )
    assert "region" in exc.value.message_dict  # a township supervisor needs a township
    user, _ = services.save_user(
        actor=city_admin,
        data={"username": "t", "role": "township_supervisor", "region": township()},
    )
    assert user.scope_label.endswith("测试镇")


def test_county_regulator_sees_only_accounts_of_their_county(
    client, lingshi_regulator, yanhu_regulator
):
    make_user("lingshi-town", "township_supervisor", region=township())
    client.force_login(lingshi_regulator)
    page = client.get(reverse("user_list")).content.decode()
    assert "lingshi-town" in page and "yanhu-regulator" not in page
    other = User.objects.get(username="yanhu-regulator")
    assert client.get(reverse("user_edit", args=[other.pk])).status_code == 404


def test_people_without_a_managing_role_cannot_open_user_pages(
    client, other_county_enterprise_manager
):
    client.force_login(other_county_enterprise_manager)
    assert client.get(reverse("user_list")).status_code == 403
    assert client.get("/api/users").status_code == 403


def test_disabling_an_account_stops_sign_in_and_revokes_tokens(
    client, city_admin, lingshi_regulator
):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="script")
    client.force_login(city_admin)
    client.post(reverse("user_set_active", args=[lingshi_regulator.pk]), {"active": "0"})
    client.logout()
    assert not client.login(
        request=HttpRequest(), username="lingshi-regulator", password="pw-lingshi-regulator"
    )
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_reset_password_issues_a_new_temporary_password(client, city_admin, lingshi_regulator):
    client.force_login(city_admin)
    response = client.post(reverse("user_reset_password", args=[lingshi_regulator.pk]))
    password = response.context["password"]
    lingshi_regulator.refresh_from_db()
    assert lingshi_regulator.check_password(password) and lingshi_regulator.password_change_required


def test_nobody_edits_their_own_role(city_admin):
    with pytest.raises(PermissionDenied):
        services.save_user(actor=city_admin, user=city_admin, data={"role": "system_admin"})


def test_api_creates_an_account_and_names_bad_fields(client, city_admin):
    client.force_login(city_admin)
    bad = client.post(
        "/api/users",
        {"username": "api-user", "role": "county_regulator", "region": LINGSHI, "mobile": "12345"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "mobile"
    good = client.post(
        "/api/users",
        {
            "username": "api-user",
            "role": "county_regulator",
            "region": LINGSHI,
            "mobile": "13900001111",
        },
        content_type="application/json",
    )
    assert good.status_code == 201 and len(good.json()["temporary_password"]) == 14
    listing = client.get("/api/users?role=county_regulator").json()
    assert [u["username"] for u in listing["items"]] == ["api-user"]


def test_cli_creates_an_account_within_a_scope(system_admin):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "user_create",
        "cli-user",
        "--role",
        "county_regulator",
        "--region",
        LINGSHI,
        stdout=out,
        stderr=err,
    )
    user = User.objects.get(username="cli-user")
    assert user.check_password(out.getvalue().strip()) and user.region.code == LINGSHI
    with pytest.raises(CommandError, match="region"):
        call_command(
            "user_create",
            "cli-user2",
            "--role",
            "township_supervisor",
            "--region",
            LINGSHI,
            stdout=out,
            stderr=err,
        )
