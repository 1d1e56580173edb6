"""manage.py seed_scale [--scale 1] [--seed N] | --reset | --status — see docs/benchmarks.md."""

from django.core.management.base import BaseCommand, CommandError

from benchmarks import seeding
from benchmarks.dataset import Sizes


class Command(BaseCommand):
    help = (
        "Generate a national-size synthetic dataset (50 000 enterprises, 1 000 000 applications with "
        "their history, … at --scale 1) for the benchmarks, with PostgreSQL's COPY. --reset deletes only "
        "what it created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = national size; 0.01 = 1 %%")
        parser.add_argument("--seed", type=int, default=20260101, help="random seed (same seed, same data)")
        parser.add_argument("--reset", action="store_true", help="delete the synthetic dataset, nothing else")
        parser.add_argument("--status", action="store_true", help="say whether a synthetic dataset is here")

    def handle(self, *args, **options):
        log = self.stdout.write
        if options["status"]:
            here = seeding.present()
            log(f"synthetic enterprises: {here.enterprises}, applications: {here.applications}")
            return
        if options["reset"]:
            seeding.reset(log=log)
            log(self.style.SUCCESS("Synthetic dataset removed."))
            return
        if options["scale"] <= 0:
            raise CommandError("--scale must be above 0.")
        try:
            written = seeding.seed(scale=options["scale"], seed=options["seed"], log=log)
        except seeding.SeedError as exc:
            raise CommandError(str(exc)) from exc
        for label, n in sorted(written.items()):
            log(f"  {label}: {n}")
        sizes = Sizes.at(options["scale"])
        log(self.style.SUCCESS(f"Synthetic dataset ready ({sizes.enterprises} enterprises)."))
