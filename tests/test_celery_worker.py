"""A real Celery worker consumes the configured broker (file system by default, Redis in CI)."""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from config.celery import app
from core.tasks import worker_heartbeat


@pytest.fixture
def real_worker(transactional_db):
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def test_task_goes_through_the_broker(real_worker):
    token = uuid.uuid4().hex
    worker_heartbeat.delay(token)
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cache.get(f"worker-heartbeat:{token}") is None:
        time.sleep(0.2)
    assert cache.get(f"worker-heartbeat:{token}") == "ok"


def test_redis_broker_in_ci(redis_broker, real_worker):
    assert app.connection_for_write().as_uri().startswith("redis")
    token = uuid.uuid4().hex
    worker_heartbeat.delay(token)
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cache.get(f"worker-heartbeat:{token}") is None:
        time.sleep(0.2)
    assert cache.get(f"worker-heartbeat:{token}") == "ok"
