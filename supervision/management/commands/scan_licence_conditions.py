import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from supervision import scan, services


class Command(BaseCommand):
    help = "Run the licence-condition scan now (resumes an unfinished run first) and notify new warnings."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="scan as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--batch-size", type=int, default=scan.DEFAULT_BATCH_SIZE)
        parser.add_argument("--no-notify", action="store_true", help="leave notifying to the worker")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        run = scan.scan_run(on=on, batch_size=options["batch_size"], triggered_by="command")
        notified = 0 if options["no_notify"] else services.warnings_notify_pending()
        self.stdout.write(
            f"scan {run.pk} of {run.scan_date}: {run.get_status_display()}, "
            f"{run.licences_scanned} licences in {run.batches} batches, "
            f"{run.warnings_opened} warnings opened, {run.warnings_closed} closed, {notified} notified"
        )
