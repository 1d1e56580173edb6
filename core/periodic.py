"""Periodic tasks every app wants beat to run. Installed into django-celery-beat's tables by
`manage.py setup_periodic_tasks` (only when missing, so an administrator's edits in the admin stay).

Apps append to PERIODIC_TASKS from their own module `periodic.py`.
"""

# name, task path, crontab fields (minute, hour, day_of_month, month_of_year, day_of_week)
PERIODIC_TASKS: list[tuple[str, str, dict]] = []


def register(name: str, task: str, **crontab: str) -> None:
    PERIODIC_TASKS.append((name, task, crontab))


register("core: send waiting outbox messages", "core.outbox_flush", minute="*", hour="*")
