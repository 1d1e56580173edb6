"""Catch up by hand: sync events and facts, regenerate the work flags (all history with --full)."""

from django.core.management.base import BaseCommand

from oversight import services


class Command(BaseCommand):
    help = "Sync service events and dashboard facts from the audit log and regenerate work flags."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Recount every application and all history.")

    def handle(self, *args, full=False, **options):
        result = services.oversight_sync(full=full)
        flags = services.work_flags_regenerate(full=full)
        self.stdout.write(
            f"events {result['events']}, facts {result['facts']}, new flags {sum(flags.values())}"
        )
