"""The scan through a real Celery worker and the configured broker (file system locally, Redis in CI)."""

import datetime as dt
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

from config.celery import app
from supervision.models import LicenceWarning, ScanRun
from supervision.tasks import scan_licence_conditions
from tests.factories import LicenceFactory, staff_enterprise


@contextmanager
def real_worker():
    """A worker thread on the configured broker, started once the test data exist. Messages left in a
    local broker by earlier runs are purged first: the worker would otherwise run them here."""
    app.conf.task_always_eager = False
    try:
        app.control.purge()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, seconds=90):
    """Poll gently: the in-memory SQLite test database is shared with the worker thread by table locks
    (a poll that meets the worker's write is simply repeated; on PostgreSQL this never happens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(1)
        try:
            if condition():
                return True
        except OperationalError:
            continue
    return False


@pytest.mark.django_db(transaction=True)
def test_the_scan_runs_through_the_broker(reference_data, enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"skilled_worker": 2})
    licences = [LicenceFactory(enterprise=enterprise) for _ in range(3)]

    def finished():
        return ScanRun.objects.filter(triggered_by="worker-test", status=ScanRun.Status.COMPLETED).exists()

    def notified():
        statuses = list(LicenceWarning.objects.values_list("status", flat=True))
        return len(statuses) == 3 and set(statuses) == {LicenceWarning.Status.NOTIFIED}

    with real_worker():
        scan_licence_conditions.delay(
            on=dt.date(2026, 11, 1).isoformat(), batch_size=2, triggered_by="worker-test"
        )
        assert wait_for(finished), "the worker did not complete the scan"
        # each batch queued its notifications after commit; the worker delivered them too
        assert wait_for(notified), "the worker did not deliver the notifications"
    run = ScanRun.objects.get(triggered_by="worker-test")
    assert run.licences_scanned == 3 and run.batches == 2 and run.warnings_opened == 3
    assert set(LicenceWarning.objects.values_list("licence", flat=True)) == {lic.pk for lic in licences}
