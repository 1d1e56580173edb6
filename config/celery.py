import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("licensing_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@__import__("celery").signals.worker_ready.connect
def _flush_outbox_on_start(sender=None, **kwargs):
    """Re-queue what the web could not send while the broker was down."""
    sender.app.send_task("core.outbox_flush")
