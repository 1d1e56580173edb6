from unittest import mock

from django.db import transaction

from config.celery import app
from core import outbox
from core.models import OutboxMessage


def test_message_waits_while_broker_is_down_and_goes_later(db, django_capture_on_commit_callbacks):
    app.conf.task_always_eager = False
    try:
        from core.tasks import worker_heartbeat

        with mock.patch.object(worker_heartbeat, "apply_async", side_effect=ConnectionError("broker down")):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                outbox.enqueue("core.worker_heartbeat", "t1")
            message = OutboxMessage.objects.get()
            assert message.sent_at is None and message.attempts == 1 and "broker down" in message.last_error
        with mock.patch.object(worker_heartbeat, "apply_async") as send:
            assert outbox.flush() == 1
            send.assert_called_once_with(args=["t1"], kwargs={}, retry=False)
        assert OutboxMessage.objects.get().sent_at is not None
        assert outbox.flush() == 0, "a sent message is never sent again"
    finally:
        app.conf.task_always_eager = True


def test_rolled_back_change_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                outbox.enqueue("core.worker_heartbeat", "t2")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not OutboxMessage.objects.exists()
