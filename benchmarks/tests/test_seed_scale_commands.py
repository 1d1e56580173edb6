"""seed_scale refuses what it must, removes only what it created, and its command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection  # noqa: F401 (the skipif condition reads it)

from accounts.models import Enterprise, User
from benchmarks import seeding
from benchmarks.dataset import EMAIL_DOMAIN, Sizes
from core.models import AuditLog
from credit.models import CreditRecord
from licensing.models import Application, Licence, Personnel
from tests.factories import EnterpriseFactory, LicenceFactory

TINY = 0.0005


def quiet(message):
    pass


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_sqlite_refuses_more_than_a_tiny_scale(db):
    with pytest.raises(seeding.SeedError, match="PostgreSQL"):
        seeding.seed(scale=0.01, log=quiet)
    assert not Enterprise.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()


@pytest.mark.skipif(
    __import__("django.db", fromlist=["connection"]).connection.vendor == "postgresql",
    reason="--reset disables the audit trigger, which PostgreSQL refuses inside the test transaction; exercised by make bench",
)
def test_reset_removes_only_what_it_created(db, enterprise_user, officer):
    demo = EnterpriseFactory(province="44")
    demo_licence = LicenceFactory(enterprise=demo)
    before = {
        model: model.objects.count()
        for model in (Enterprise, User, Licence, Application, Personnel, CreditRecord, AuditLog)
    }
    seeding.seed(scale=TINY, log=quiet)
    assert Application.objects.count() > before[Application]
    from oversight.models import ApplicationFact, ApplicationFactTotal
    from oversight.services import application_facts_sync

    application_facts_sync(full=True)
    assert ApplicationFactTotal.objects.filter(kind="new").exists()
    seeding.reset(log=quiet)
    after = {model: model.objects.count() for model in before}
    assert after == before
    # the dashboards' totals are counted again from the facts left (none: the demo applied for nothing)
    assert not ApplicationFact.objects.exists() and not ApplicationFactTotal.objects.exists()
    assert Licence.objects.filter(pk=demo_licence.pk).exists()
    assert User.objects.filter(pk=officer.pk).exists()


@pytest.mark.skipif(
    __import__("django.db", fromlist=["connection"]).connection.vendor == "postgresql",
    reason="--reset disables the audit trigger, which PostgreSQL refuses inside the test transaction; exercised by make bench",
)
def test_command(db):
    out = io.StringIO()
    call_command("seed_scale", "--scale", str(TINY), stdout=out)
    assert "Synthetic dataset ready" in out.getvalue()
    out = io.StringIO()
    call_command("seed_scale", "--status", stdout=out)
    assert f"synthetic enterprises: {Sizes.at(TINY).enterprises}" in out.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", "--scale", str(TINY), stdout=io.StringIO())
    with pytest.raises(CommandError, match="above 0"):
        call_command("seed_scale", "--scale", "0", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_scale", "--reset", stdout=out)
    assert "removed" in out.getvalue()
    assert not Enterprise.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
