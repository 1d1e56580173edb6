"""Demo data for every role, safe to run twice: each app's `demo.seed(ctx)` builds on the last."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_STEPS = [
    "accounts.demo",
    "credit.demo",
    "licensing.demo",
    "supervision.demo",
    "inspections.demo",
    "penalties.demo",
    "oversight.demo",
]


class Command(BaseCommand):
    help = "Load demo agencies, users for every role, enterprises, licences and applications (idempotent)."

    def handle(self, *args, **options):
        ctx: dict = {"stdout": self.stdout}
        for module_name in DEMO_STEPS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  {module_name}: done")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
