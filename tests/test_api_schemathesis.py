"""Property-based API test: schemathesis generates requests from the OpenAPI schema (/api/schema/) and
sends them to the Django WSGI application, as an officer and as an enterprise user. No response may be
a 5xx, and every response must match the schema (status-specific body and content type).

Bounded to stay fast: a few derandomized examples per operation, no deadline. State-changing operations
are included: they may be refused (4xx) but must never crash the server.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 8


def load_schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


SCHEMA = load_schema()
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}


def token_for(user) -> dict:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app is called directly (not through Django's test client), so Django's request signals
    would close the test's database connection after every request; the test client disconnects them
    the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_world(officer, enterprise_user):
    from licensing.tests.conftest import submitted

    submitted(enterprise_user)
    return token_for(officer)


@pytest.fixture
def enterprise_world(enterprise_user):
    from licensing.tests.conftest import submitted

    submitted(enterprise_user)
    return token_for(enterprise_user)


_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(label: str, headers: dict) -> None:
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @_settings
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_as_officer(label, officer_world):
    fuzz(label, officer_world)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_as_enterprise_user(label, enterprise_world):
    fuzz(label, enterprise_world)
