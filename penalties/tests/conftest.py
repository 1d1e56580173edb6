"""Fixtures of the penalty tests (helpers in penalties/tests/helpers.py)."""

import pytest

from penalties.tests.helpers import investigate, notify, open_case


@pytest.fixture
def notified_case(enterprise, officer, enterprise_user):
    """A 守信 party told of a 20,000 yuan fine on FILED (a Monday)."""
    case = open_case(enterprise, officer)
    investigate(case, officer)
    return notify(case, officer)


@pytest.fixture
def approver2(agency_nf):
    from tests.factories import UserFactory

    return UserFactory(username="approver2", role="approver", agency=agency_nf)


@pytest.fixture
def far_approver(agency_hb):
    from tests.factories import UserFactory

    return UserFactory(username="far_approver", role="approver", agency=agency_hb)


@pytest.fixture
def reference_data(transactional_db):
    """The rows the data migrations load (agencies, calendar, credit policy, violation catalogue), loaded
    again if an earlier transactional test flushed them: a test with a live server cannot rely on
    serialized rollback (Playwright's event loop gives it other connection objects)."""
    import importlib

    from django.apps import apps

    from core import calendar

    for module, function in (
        ("accounts.migrations.0002_agencies", "load"),
        ("core.migrations.0002_seed_calendar_and_audit_guard", "seed_calendar"),
        ("credit.migrations.0002_seed_policy", "seed"),
        ("penalties.migrations.0002_seed_catalogue", "seed"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    calendar.invalidate()
    yield
    calendar.invalidate()
