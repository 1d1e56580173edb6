"""Celery interface of supervision: thin tasks that call services, idempotent, retried with backoff.

A database or broker outage (OperationalError, a lost connection) makes a task retry with exponential
backoff; the services are idempotent, so a retry, a redelivery after a killed worker (acks_late) or a
duplicate does nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from supervision import scan, services
from supervision.letters import warning_letters_notify
from supervision.models import RectificationOrder

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (DatabaseError, BrokerError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="supervision.scan_licence_conditions", **RETRY)
def scan_licence_conditions(
    on: str | None = None, batch_size: int | None = None, triggered_by: str = "beat"
) -> dict:
    """The monthly scan (beat, editable in the admin). Resumes an unfinished run first."""
    run = scan.scan_run(on=_day(on), batch_size=batch_size, triggered_by=triggered_by)
    return {
        "run": run.pk,
        "status": run.status,
        "scanned": run.licences_scanned,
        "opened": run.warnings_opened,
        "closed": run.warnings_closed,
    }


@shared_task(name="supervision.notify_warnings", **RETRY)
def notify_warnings(warning_ids: list[int]) -> int:
    return services.warnings_notify(warning_ids)


@shared_task(name="supervision.notify_warning_letters", **RETRY)
def notify_warning_letters(job_id: int) -> int:
    return warning_letters_notify(job_id)


def enqueue_warning_notifications(warning_ids: list[int]) -> None:
    """Called after a batch commits. If the broker is down the warnings stay open and the daily
    sweep (`daily_follow_up`) notifies them: nothing is lost."""
    try:
        notify_warnings.delay(list(warning_ids))
    except Exception:  # the broker is unreachable: the sweep will do it
        log.warning("could not enqueue warning notifications; the daily sweep will send them", exc_info=True)


@shared_task(name="supervision.escalate_overdue_orders", **RETRY)
def escalate_overdue_orders(on: str | None = None) -> int:
    today = _day(on)
    ids = RectificationOrder.objects.filter(
        state__in=[RectificationOrder.State.ISSUED, RectificationOrder.State.ANSWERED], deadline__lt=today
    ).values_list("pk", flat=True)
    return sum(services.rectification_escalate_overdue(pk, today) for pk in list(ids))


@shared_task(name="supervision.ensure_commitment_checks", **RETRY)
def ensure_commitment_checks() -> int:
    return services.commitment_checks_ensure_all()


@shared_task(name="supervision.remind_commitment_checks", **RETRY)
def remind_commitment_checks(on: str | None = None) -> dict:
    return services.commitment_checks_remind(_day(on))


@shared_task(name="supervision.notify_pending_warnings", **RETRY)
def notify_pending_warnings() -> int:
    return services.warnings_notify_pending()


@shared_task(name="supervision.daily_follow_up", **RETRY)
def daily_follow_up(on: str | None = None) -> dict:
    """The daily run: overdue orders escalate, commitment checks are created and reminded, warnings
    whose notification was lost are notified."""
    return {
        "escalated": escalate_overdue_orders(on),
        "checks_created": ensure_commitment_checks(),
        "reminded": remind_commitment_checks(on),
        "warnings_notified": notify_pending_warnings(),
    }
