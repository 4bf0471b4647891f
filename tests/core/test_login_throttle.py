"""Sign-in throttling (django-axes): five wrong passwords lock that username from that address
for fifteen minutes — even the right password is refused, with a page saying so — while other
accounts still sign in; after the cool-off, or with the right password before the limit, all is
well again."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def sign_in(client, username, password):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_five_wrong_passwords_lock_the_account_from_that_address(
    client, lingshi_regulator, city_admin
):
    name = lingshi_regulator.username
    for _ in range(4):
        assert sign_in(client, name, "wrong").status_code == 200  # the form again, with the error
    locked = sign_in(client, name, "wrong")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    refused = sign_in(client, name, f"pw-{name}")
    assert refused.status_code == 429  # the right password does not help now

    other = sign_in(client, city_admin.username, f"pw-{city_admin.username}")
    assert other.status_code == 302  # other accounts are not locked

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        client.logout()
        assert sign_in(client, name, f"pw-{name}").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, lingshi_regulator):
    name = lingshi_regulator.username
    for _ in range(4):
        sign_in(client, name, "wrong")
    assert sign_in(client, name, f"pw-{name}").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, name, "wrong").status_code == 200
