"""Shared test set-up: named users per role, service checks, the browser.

Outside CI a test that needs an absent service (PostgreSQL, Redis, chromium) is skipped with a
message naming it; with REQUIRE_SERVICES=1 (as .ci/run sets) any skip fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def missing_service(name: str):
    message = f"needs {name}, which is not available here"
    if require_services():
        pytest.fail(message + " (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    """Browser tests and threaded tests commit for real; the flush after them would wipe the reference
    data the migrations load (agencies, calendar, credit policy, licence conditions), and a flush that
    re-runs post_migrate recreates content types under new ids, which breaks the next restore.
    Every transactional test therefore gets serialized rollback (prepended, so it wins over a plain
    `django_db(transaction=True)` written on the test)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        transactional = bool(
            marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        )
        needs_commit = {
            "page",
            "live_server",
            "postgres_concurrent",
            "real_worker",
            "transactional_db",
        } & names
        if transactional or needs_commit:
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not require_services():
        return
    # only skips for a missing service count (their reason starts with "needs ")
    skipped = [r for r in reporter.stats.get("skipped", []) if "needs " in str(getattr(r, "longrepr", ""))]
    if skipped and exitstatus == 0:
        reporter.write_line(f"REQUIRE_SERVICES=1 but {len(skipped)} test(s) were skipped", red=True)
        session.exitstatus = 1


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def postgres_db(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture
def postgres_concurrent(transactional_db):
    """For tests that run threads against PostgreSQL: real commits, and the reference data of the data
    migrations (agencies, calendar, policy) restored after the flush."""
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture
def redis_broker():
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        missing_service("Redis (set REDIS_URL)")
    return settings.CELERY_BROKER_URL


@pytest.fixture
def browser(transactional_db):
    # Function-scoped and after the database: a session-scoped Playwright started before the test's
    # database set-up kept serialized rollback from restoring the reference data.
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing_service("Debian's chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("the playwright package")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


# Named users per role ----------------------------------------------------------------------
@pytest.fixture
def agency_nf(db):
    from accounts.models import Agency

    return Agency.objects.get(code="NF")


@pytest.fixture
def agency_hb(db):
    from accounts.models import Agency

    return Agency.objects.get(code="HB")


@pytest.fixture
def agency_nea(db):
    from accounts.models import Agency

    return Agency.objects.get(code="NEA")


@pytest.fixture
def enterprise(db):
    from tests.factories import EnterpriseFactory

    return EnterpriseFactory(province="44")


@pytest.fixture
def other_enterprise(db):
    from tests.factories import EnterpriseFactory

    return EnterpriseFactory(province="44")


@pytest.fixture
def far_enterprise(db):
    """An enterprise of another agency (华北)."""
    from tests.factories import EnterpriseFactory

    return EnterpriseFactory(province="11")


@pytest.fixture
def enterprise_user(enterprise):
    from tests.factories import UserFactory

    return UserFactory(username="clerk", role="enterprise", enterprise=enterprise)


@pytest.fixture
def other_enterprise_user(other_enterprise):
    from tests.factories import UserFactory

    return UserFactory(username="other_clerk", role="enterprise", enterprise=other_enterprise)


@pytest.fixture
def officer(agency_nf):
    from tests.factories import UserFactory

    return UserFactory(username="officer", role="officer", agency=agency_nf)


@pytest.fixture
def officer2(agency_nf):
    from tests.factories import UserFactory

    return UserFactory(username="officer2", role="officer", agency=agency_nf)


@pytest.fixture
def approver(agency_nf):
    from tests.factories import UserFactory

    return UserFactory(username="approver", role="approver", agency=agency_nf)


@pytest.fixture
def far_officer(agency_hb):
    from tests.factories import UserFactory

    return UserFactory(username="far_officer", role="officer", agency=agency_hb)


@pytest.fixture
def supervisor(agency_nf):
    from tests.factories import UserFactory

    return UserFactory(username="supervisor", role="supervisor", agency=agency_nf)


@pytest.fixture
def nea_supervisor(agency_nea):
    from tests.factories import UserFactory

    return UserFactory(username="nea_supervisor", role="supervisor", agency=agency_nea)


@pytest.fixture
def admin_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()
