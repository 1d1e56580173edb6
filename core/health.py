from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__


def broker_ok() -> tuple[bool, str]:
    from config.celery import app

    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        ok = folder.is_dir() and _writable(folder)
        return ok, "filesystem"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2, interval_start=0, interval_step=0)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "redis"
    except Exception as exc:
        return False, type(exc).__name__


def _writable(folder: Path) -> bool:
    probe = folder / ".healthz"
    try:
        probe.write_text("ok")
        probe.unlink()
        return True
    except OSError:
        return False


@never_cache
def healthz(request):
    db, db_info = database_ok()
    broker, broker_info = broker_ok()
    body = {
        "status": "ok" if db and broker else "unavailable",
        "database": {"ok": db, "backend": db_info},
        "broker": {"ok": broker, "backend": broker_info},
    }
    return JsonResponse(body, status=200 if db and broker else 503)
