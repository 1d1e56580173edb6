from celery import shared_task
from django.core.cache import cache


@shared_task(name="core.worker_heartbeat")
def worker_heartbeat(token: str) -> str:
    """Proves a worker is consuming the broker: /healthz?worker=1 and the worker test send one."""
    cache.set(f"worker-heartbeat:{token}", "ok", 300)
    return token


@shared_task(name="core.outbox_flush")
def outbox_flush() -> int:
    from core import outbox

    return outbox.flush()
