import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from anlan.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_every_admin_page_opens(client, system_admin, lingshi_mine):
    client.force_login(system_admin)
    request = RequestFactory().get("/admin/")
    request.user = system_admin
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            # Read-only admins (django-axes' attempts) refuse "add" as they should.
            allowed = view == "changelist" or model_admin.has_add_permission(request)
            assert client.get(url).status_code == (200 if allowed else 403), url
    history = reverse("admin:registry_enterprise_history", args=[lingshi_mine.pk])
    assert client.get(history).status_code == 200


def test_a_token_made_in_the_admin_is_shown_once_and_works(client, system_admin, lingshi_regulator):
    client.force_login(system_admin)
    response = client.post(
        reverse("admin:core_apitoken_add"),
        {"user": lingshi_regulator.pk, "name": "gateway"},
        follow=True,
    )
    page = response.content.decode()
    raw = re.search(r"anl_[A-Za-z0-9_-]{20,}", page).group(0)
    token = ApiToken.objects.get(name="gateway")
    assert token.key_hash != raw and raw.startswith(token.key_prefix)
    client.logout()
    me = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == lingshi_regulator.username


def test_regulators_cannot_open_the_admin(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    assert client.get(reverse("admin:index")).status_code == 302
