"""The authorization matrix (``tests/security/matrix.py``) lists every endpoint, and every demo
login — each role and scope of the demo — gets exactly what it says: the allowed roles are
served inside their jurisdiction, everyone else is refused, a refused change changes nothing,
and no answer names another jurisdiction's enterprises, a tip-off reporter or a household the
reader may not see."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from anlan.alerts.models import Household
from anlan.core import crypto
from anlan.core.demo import build_demo
from anlan.core.models import ApiToken, User
from anlan.hazards.models import TipOff
from anlan.registry.models import Enterprise

from . import matrix
from .bodies import request_body
from .harness import (
    CHANGE,
    Answer,
    api_operations,
    api_route_template,
    api_url,
    send,
    url_routes,
    web_url,
)

pytestmark = pytest.mark.django_db

# MATRIX_RECORD=<file>: write every observed answer there (one JSON line each) and assert
# nothing — for drafting the entries of a new app. The matrix itself is always written by hand.
RECORD = os.environ.get("MATRIX_RECORD", "")

REFUSED = (403, 404)
# Tables a refused request may touch: sessions and sign-in bookkeeping.
UNTRACKED_TABLES = {"django_session", "core_apitoken"}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas():
    """Every demo login, and an anonymous visitor (None)."""
    build_demo()
    return [None, *User.objects.filter(is_demo=True).order_by("username")]


def name(user) -> str:
    return user.username if user is not None else "anonymous"


# --- Completeness ------------------------------------------------------------------------------


def test_every_endpoint_has_a_matrix_entry_and_every_entry_an_endpoint():
    routes = url_routes()
    operations = api_operations()
    paths = {key.split(" ", 1)[1] for key in operations}
    # Under /api/: the operations of the OpenAPI document, and pages (the document itself, the
    # docs) that are entries of the web matrix like any other page.
    api_pages = {
        r.key for r in routes if r.namespace == "api" and api_route_template(r.route) not in paths
    }
    web = {r.key for r in routes if not r.namespace.startswith(("admin", "api"))} | api_pages
    assert not sorted(web - matrix.WEB.keys()), "web pages without a matrix entry"
    assert not sorted(matrix.WEB.keys() - web), "matrix entries for pages that do not exist"
    assert not sorted(operations.keys() - matrix.API.keys()), "API operations without an entry"
    assert not sorted(matrix.API.keys() - operations.keys()), "entries for no API operation"
    assert len(web) > 250 and len(operations) > 300  # the walk found the nested includes


# --- Requests and what they should answer ------------------------------------------------------


@dataclass
class Seen:
    key: str
    persona: str
    expected: str  # "allow" or "refuse"
    answer: Answer


class Crawl:
    """Sends each persona's requests and collects what disagrees with the matrix."""

    def __init__(self, personas, *, api: bool):
        self.api = api
        self.personas = personas
        self.clients = {}
        for user in personas:
            client = Client(raise_request_exception=False)
            if user is not None and api:
                _, raw = ApiToken.issue(user=user, name="matrix")
                client = Client(
                    raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}
                )
            elif user is not None:
                client.force_login(user)
            self.clients[name(user)] = client
        self.mismatches: list[str] = []
        self.leaks: list[str] = []
        self.seen: list[Seen] = []
        self.forbidden = {name(user): forbidden_text(user) for user in personas}
        self.personal = {name(user): forbidden_text(user, enterprises=False) for user in personas}

    def cases(self, entry, user):
        """(variant, URL arguments, allowed?) for the persona: an object inside its scope, and
        one outside it (always refused)."""
        allowed = entry.allows(user)
        if entry.obj is None:
            yield "fixed", entry.args, allowed
            return
        inside = entry.obj.inside(user)
        if inside is not None:
            yield "inside", entry.obj.args(inside), allowed
        # Outside the scope is checked for the logins the role admits (a refused role is
        # already refused inside its scope).
        outside = entry.obj.outside(user) if allowed or inside is None else None
        if outside is not None:
            yield "outside", entry.obj.args(outside), False

    def check(self, key, entry, user, variant, expected_allowed, result: Answer):
        persona = name(user)
        self.seen.append(Seen(key, persona, "allow" if expected_allowed else "refuse", result))
        if RECORD:
            with open(RECORD, "a") as out:
                record = {
                    "key": key,
                    "persona": persona,
                    "role": getattr(user, "role", ""),
                    "variant": variant,
                    "method": result.method,
                    "status": result.status,
                    "login": result.to_login,
                    "error": result.error_message,
                    "url": result.url,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        where = f"{persona} {result.method} {result.url} ({key}, {variant})"
        if result.status >= 500:
            self.mismatches.append(f"{where}: server error {result.status}")
        if expected_allowed:
            if result.method == "GET" and not entry.post_only:
                ok = entry.ok or (200,)
                if result.status not in ok:
                    self.mismatches.append(f"{where}: {result.status}, expected {ok}")
            elif entry.ok and result.status in entry.ok:
                pass
            elif entry.validates_first and result.status in (400, 404, 409, 422):
                pass  # the minimal body names objects that may not exist here
            elif result.status in (401, *REFUSED) or result.to_login:
                self.mismatches.append(f"{where}: refused ({result.status}), should be allowed")
        else:
            refused = (
                result.status in REFUSED
                or result.status == 401  # the API's answer without valid credentials
                or (user is None and result.to_login)
                # Web actions answer a refusal with a redirect back and an error message.
                or (result.method == "POST" and result.status == 302 and result.error_message)
                or (entry.validates_first and result.status in (400, 422))
            )
            if not refused:
                self.mismatches.append(f"{where}: {result.status}, should be refused")
        if result.status == 200 and result.method == "GET":
            self.scan(key, entry, user, result)

    def scan(self, key, entry, user, result: Answer):
        pattern = self.forbidden[name(user)]
        if entry.who.public:
            pattern = self.forbidden[name(None)]
        elif entry.names_other_enterprises:
            pattern = self.personal[name(user)]
        if pattern is None:
            return
        found = pattern.search(result.text())
        if found:
            self.leaks.append(f"{name(user)} GET {result.url} ({key}) shows “{found.group()}”")


def forbidden_text(user, *, enterprises: bool = True):
    """What must never appear in an answer to ``user``: any tip-off reporter's identity, the
    personal data of any household they may not see and (unless the entry says the endpoint
    names other enterprises by design) the names of enterprises outside their jurisdiction."""
    words = set()
    for tip_off in TipOff.objects.exclude(identity_sealed=""):
        identity = crypto.unseal(tip_off.identity_sealed)
        words |= {str(v) for v in identity.values() if v and len(str(v)) >= 4}
    visible_households = set(
        matrix.HOUSEHOLD_OBJ.visible(user).values_list("pk", flat=True) if user else ()
    )
    for household in Household.objects.exclude(pk__in=visible_households):
        personal = household.personal()
        # Names and addresses (the demo's phone numbers are not unique to households).
        words |= {personal.get(k, "") for k in ("head_name", "address", "contact_name")} - {""}
    if user is not None and enterprises:
        visible = Enterprise.objects.visible_to(user).values("pk")
        words |= set(Enterprise.objects.exclude(pk__in=visible).values_list("name", flat=True))
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def fingerprint() -> dict[str, int]:
    """Row counts of every table (history tables included, so updates of tracked records
    show too)."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table not in UNTRACKED_TABLES
    }


def changed_by_refusals(crawl: Crawl, before: dict[str, int]):
    after = fingerprint()
    for table, count in before.items():
        if after[table] != count:
            crawl.mismatches.append(f"a refused change moved {table}: {count} → {after[table]}")


def report(crawl: Crawl):
    mismatches = "\n".join(crawl.mismatches[:80])
    leaks = "\n".join(crawl.leaks[:80])
    assert not (crawl.mismatches or crawl.leaks), (
        f"{len(crawl.mismatches)} answers disagree with the matrix:\n{mismatches}\n"
        f"{len(crawl.leaks)} answers show what their reader may not see:\n{leaks}"
    )


# --- Web pages ---------------------------------------------------------------------------------


def test_every_web_page_serves_the_matrix_roles_within_their_jurisdiction_only(personas):
    crawl = Crawl(personas, api=False)
    changes = []
    for key, entry in matrix.WEB.items():
        for user in personas:
            client = crawl.clients[name(user)]
            for variant, args, allowed in crawl.cases(entry, user):
                url = web_url(key, args)
                if entry.kind == CHANGE:
                    changes.append((key, entry, user, variant, url, allowed))
                    if entry.post_only:
                        continue
                result = send(client, "GET", url, data=dict(entry.query))
                crawl.check(key, entry, user, variant, allowed, result)
    before = fingerprint()
    for key, entry, user, variant, url, allowed in changes:
        if key != "logout":
            result = send(crawl.clients[name(user)], "POST", url, rollback=allowed, data={})
            crawl.check(key, entry, user, variant, allowed, result)
    changed_by_refusals(crawl, before)
    for key, entry, user, variant, url, allowed in changes:
        if key == "logout":  # last: it signs the persona out
            result = send(crawl.clients[name(user)], "POST", url, data={})
            crawl.check(key, entry, user, variant, allowed, result)
    report(crawl)


# --- API operations ----------------------------------------------------------------------------


def test_every_api_operation_serves_the_matrix_roles_within_their_jurisdiction_only(personas):
    from anlan.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    operations = api_operations()
    crawl = Crawl(personas, api=True)
    changes = []
    for key, entry in matrix.API.items():
        method, template = key.split(" ", 1)
        for user in personas:
            client = crawl.clients[name(user)]
            for variant, args, allowed in crawl.cases(entry, user):
                url = api_url(template, args)
                if method != "GET":
                    changes.append((key, entry, user, variant, url, allowed, method))
                    continue
                query = entry.query(user) if callable(entry.query) else dict(entry.query)
                result = send(client, "GET", url, data=query)
                crawl.check(key, entry, user, variant, allowed, result)
    before = fingerprint()
    for key, entry, user, variant, url, allowed, method in changes:
        client = crawl.clients[name(user)]
        body = request_body(operations[key], components)
        result = send(client, method, url, rollback=allowed, **body)
        crawl.check(key, entry, user, variant, allowed, result)
    changed_by_refusals(crawl, before)
    report(crawl)
    if not RECORD:
        sensitive_data_reaches_only_its_roles(crawl)


def sensitive_data_reaches_only_its_roles(crawl: Crawl):
    """The positive side of the leak scan: the one role that may open a reporter's identity
    gets it (with a purpose), and the household roles get a household's personal data."""
    tip_off = TipOff.objects.exclude(identity_sealed="").order_by("pk").first()
    reporter = crypto.unseal(tip_off.identity_sealed)["name"]
    household = Household.objects.order_by("pk").first()
    head = household.personal()["head_name"]
    for user in crawl.personas:
        client = crawl.clients[name(user)]
        url = f"/api/tipoffs/{tip_off.pk}/identity"
        result = send(
            client,
            "POST",
            url,
            rollback=True,
            data='{"purpose": "matrix"}',
            content_type="application/json",
        )
        may = (
            user is not None
            and matrix.API["POST /api/tipoffs/{tip_off_id}/identity"].allows(user)
            and TipOff.objects.visible_to(user).filter(pk=tip_off.pk).exists()
        )
        assert (result.status == 200 and reporter in result.text()) == may, (
            name(user),
            result.status,
        )
        result = send(client, "GET", f"/api/warnings/households/{household.pk}")
        may = matrix.HOUSEHOLD_OBJ.visible(user).filter(pk=household.pk).exists() if user else False
        assert (result.status == 200 and head in result.text()) == may, (name(user), result.status)


# --- The Django admin --------------------------------------------------------------------------


def admin_urls() -> list[str]:
    """A concrete URL for every admin pattern (object ids: an existing row or 1)."""
    urls = []
    for route in url_routes():
        if route.namespace != "admin":
            continue
        url = route.route.replace("^", "").replace("$", "")
        url = re.sub(r"\(\?P<\w+>([^|)]+)[^)]*\)", r"\1", url)
        url = re.sub(r"<path:object_id>", "1", url)
        url = re.sub(r"<(?:\w+:)?\w+>", "1", url)
        urls.append(url)
    return urls


def test_the_admin_site_is_for_staff_only(personas, client):
    urls = admin_urls()
    assert len(urls) > 100 and len(admin.site._registry) > 20
    public = {"/admin/login/", "/admin/logout/"}  # anyone may sign in and out
    problems = []
    for user in personas:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            result = send(client, "GET", url)
            if user is not None and user.is_staff:
                if result.to_login or result.status >= 500:
                    problems.append(f"{name(user)} {url}: {result.status}")
            elif url in public:
                continue
            elif not result.to_login:
                problems.append(f"{name(user)} {url}: {result.status}, not sent to sign in")
    assert not problems, "\n".join(problems[:50])
