import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.periodic import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Create the platform's periodic tasks in django-celery-beat when missing (admin edits are kept)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            try:
                importlib.import_module(f"{config.name}.periodic")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.periodic":
                    raise
        created = 0
        seen = set()
        for name, task, crontab in PERIODIC_TASKS:
            if name in seen:
                continue
            seen.add(name)
            if PeriodicTask.objects.filter(name=name).exists():
                continue
            fields = {
                "minute": "0",
                "hour": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                "day_of_week": "*",
            }
            fields.update(crontab)
            schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **fields)
            PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
            created += 1
        self.stdout.write(f"periodic tasks: {created} created, {len(seen) - created} kept")
