"""Whatever the API is sent, it never answers with a server error (schemathesis, from the
OpenAPI document, against the WSGI application in-process)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from anlan.core.models import ApiToken
from anlan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def token(lingshi_regulator, lingshi_mine):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="fuzz")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_answers_500(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
