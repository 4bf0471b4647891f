"""Whatever the API is sent, and by whom, it never answers with a server error, and every refusal
says why (schemathesis, from the OpenAPI document, against the WSGI application in-process).

`make test` runs a bounded size: ANLAN_FUZZ_EXAMPLES (15) generated requests per operation, each
operation under one of the personas. `make fuzz` runs a large size: 300 per operation, every
operation under every persona (ANLAN_FUZZ_ALL_PERSONAS=1)."""

import os
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from anlan.core.choices import UserRole
from anlan.core.models import ApiToken
from anlan.wsgi import application

from .factories import JINZHONG, LINGSHI, make_user, region, township

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

EXAMPLES = int(os.environ.get("ANLAN_FUZZ_EXAMPLES") or 15)
ALL_PERSONAS = os.environ.get("ANLAN_FUZZ_ALL_PERSONAS", "") not in ("", "0")


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI application directly fires request_started/finished, whose handler
    closes database connections — the test's own, inside its transaction, on PostgreSQL. The
    Django test client disconnects that handler in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(lingshi_regulator, lingshi_mine):
    """API tokens of four personas: a county regulator, the city administrator, the county's
    enterprise safety manager and a township supervisor."""
    users = [
        lingshi_regulator,
        make_user("fuzz-city", UserRole.CITY_ADMIN, region=region(JINZHONG)),
        make_user("fuzz-enterprise", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine),
        make_user("fuzz-township", UserRole.TOWNSHIP_SUPERVISOR, region=township(LINGSHI)),
    ]
    return {user.username: ApiToken.issue(user=user, name="fuzz")[1] for user in users}


def personas_for(case, tokens) -> list[str]:
    """Every persona at the large size; at the bounded size one per operation, the same one
    each run, spread over the personas."""
    names = sorted(tokens)
    if ALL_PERSONAS:
        return names
    key = f"{case.operation.method.upper()} {case.operation.path}".encode()
    return [names[zlib.crc32(key) % len(names)]]


def assert_refusal_says_why(response, where):
    """A 4xx answer is JSON with a reason: a `detail` sentence, or a list of problems each naming
    the field (`loc`) and the reason (`msg`); an import's verdict (CAP warnings, readings) may
    instead list its `errors`, each with its field and message."""
    content_type = next(
        (values[0] for name, values in response.headers.items() if name.lower() == "content-type"),
        "",
    )
    assert content_type.startswith("application/json"), where
    body = response.json()
    if "detail" not in body and body.get("errors"):
        for problem in body["errors"]:
            assert problem.get("field") and problem.get("message"), (where, problem)
        return
    detail = body.get("detail")
    assert detail, where
    if isinstance(detail, list):
        for problem in detail:
            assert problem.get("loc") and problem.get("msg"), (where, problem)
    else:
        assert isinstance(detail, str) and detail.strip(), where


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_answers_500_and_every_refusal_says_why(case, tokens):
    for persona in personas_for(case, tokens):
        response = case.call(headers={"Authorization": f"Bearer {tokens[persona]}"})
        excerpt = response.content[:300].decode("utf-8", "replace")
        where = (persona, case.method, case.formatted_path, case.query, excerpt)
        assert response.status_code < 500, where
        if 400 <= response.status_code < 500:
            assert_refusal_says_why(response, where)
