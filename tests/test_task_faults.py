"""Task faults: a worker dying in the middle of a periodic task, and a broker outage during a decision."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction

from config.celery import app as celery_app
from core import outbox
from core.models import AuditLog, OutboxMessage
from licensing import services, tasks
from licensing.models import Application
from licensing.tests.conftest import submitted


class WorkerKilled(Exception):
    pass


def overdue(enterprise_user, n):
    apps = [submitted(enterprise_user) for _ in range(n)]
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(
        acceptance_due=dt.date.today() - dt.timedelta(days=3)
    )
    return apps


def test_deemed_acceptance_killed_halfway_loses_and_doubles_nothing(enterprise_user):
    apps = overdue(enterprise_user, 4)
    real = services.application_deem_accept
    calls = {"n": 0}

    def dies_on_third(pk, today=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise WorkerKilled("worker killed mid-run")
        return real(pk, today)

    with (
        mock.patch.object(services, "application_deem_accept", side_effect=dies_on_third),
        pytest.raises(WorkerKilled),
    ):
        tasks.deem_acceptances()
    done = Application.objects.filter(pk__in=[a.pk for a in apps], state="accepted").count()
    assert done == 2, "the calls before the crash committed, the rest did not start"

    assert tasks.deem_acceptances() == 2  # the restarted worker does the rest
    assert tasks.deem_acceptances() == 0  # and a further run changes nothing
    for application in apps:
        application.refresh_from_db()
        assert application.state == "accepted" and application.accepted_on == application.received_on
        rows = AuditLog.objects.filter(object_id=str(application.pk), after__state="accepted")
        assert rows.count() == 1, f"application {application.pk}: {list(rows.values('action'))}"


def test_decision_succeeds_while_the_broker_is_down_and_its_message_goes_later(
    enterprise_user, officer, django_capture_on_commit_callbacks
):
    application = submitted(enterprise_user)
    celery_app.conf.task_always_eager = False
    try:
        with (
            mock.patch.object(celery_app, "send_task", side_effect=ConnectionError("broker down")),
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            # the acceptance issues its 受理通知书: the PDF render is queued through the outbox
            services.application_accept(application=application, officer=officer)
        application.refresh_from_db()
        assert application.state == "accepted", "the decision does not depend on the broker"
        message = OutboxMessage.objects.get(task="documents.render_document")
        assert message.sent_at is None and "broker down" in message.last_error
        with mock.patch.object(celery_app, "send_task") as send:
            assert outbox.flush() == 1
        send.assert_called_once()
        assert OutboxMessage.objects.get().sent_at is not None
        assert outbox.flush() == 0
    finally:
        celery_app.conf.task_always_eager = True
