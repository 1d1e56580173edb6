"""Transactional outbox: a side effect is recorded in the same transaction as the change that calls
for it, and sent to the broker after commit. If the broker is down the request still succeeds; the
message waits in the table and `outbox_flush` (beat, every minute, and on worker start) sends it.
Tasks are idempotent, so a message sent twice (sent, then the process died before marking it) is
harmless."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage

log = logging.getLogger(__name__)


def enqueue(task_name: str, *args, **kwargs) -> OutboxMessage:
    message = OutboxMessage.objects.create(task=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send(message.pk))
    return message


def _send(message_id: int) -> bool:
    from config.celery import app

    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    try:
        task = app.tasks.get(message.task)
        if task is None:  # the web process registers tasks lazily: import every app's tasks module once
            app.loader.import_default_modules()
            task = app.tasks.get(message.task)
        if task is not None:  # apply_async keeps the task's own queue and options (eager in tests)
            task.apply_async(args=message.args, kwargs=message.kwargs, retry=False)
        else:
            app.send_task(message.task, args=message.args, kwargs=message.kwargs, retry=False)
    except Exception as exc:  # broker unreachable: keep it for the next flush
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=message.attempts + 1, last_error=str(exc)[:500]
        )
        log.warning("outbox: %s not sent (%s); will retry", message.task, type(exc).__name__)
        return False
    OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=message.attempts + 1
    )
    return True


def flush(limit: int = 500) -> int:
    """Send what is waiting, oldest first. Returns how many were sent."""
    ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True).order_by("id").values_list("pk", flat=True)[:limit]
    )
    return sum(_send(pk) for pk in ids)
