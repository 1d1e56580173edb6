"""Time a 双随机 draw over a large population: builds N licence holders and a pool inside a transaction
that is rolled back afterwards, so the database is left as it was.

    manage.py bench_draw --enterprises 50000 --rate 5 --pool 56
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone


class _Rollback(Exception):
    pass


def _tier(pk: int) -> str:
    """A plausible mix: 2 % 严重失信, 8 % 失信, 30 % 信用良好, the rest 守信."""
    slot = pk % 50
    if slot == 0:
        return "seriously_dishonest"
    if slot <= 4:
        return "dishonest"
    if slot <= 19:
        return "good"
    return "trustworthy"


class Command(BaseCommand):
    help = "Benchmark campaign_draw over N enterprises (rolled back; nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=50000)
        parser.add_argument("--rate", type=float, default=5.0, help="sample rate in percent")
        parser.add_argument("--pool", type=int, default=56)
        parser.add_argument(
            "--keep", action="store_true", help="keep the generated holders (a scratch database only)"
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self._run(options["enterprises"], options["rate"], options["pool"])
                if not options["keep"]:
                    raise _Rollback
        except _Rollback:
            pass

    def _run(self, n: int, rate: float, pool_size: int) -> None:
        from accounts.credit_code import make_code
        from accounts.models import Agency, Enterprise, User
        from credit.models import EnterpriseCredit
        from licensing.models import Level, Licence, LicenceScope

        agency = Agency.objects.get(code="NF")
        today = timezone.localdate()
        started = time.perf_counter()
        if Enterprise.objects.filter(name__startswith="基准测试企业").exists():
            self._draw(agency, rate)
            return
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"基准测试企业{i:06d}",
                    credit_code=make_code(f"91440101BM{i:07d}"),
                    legal_representative="张三",
                    province="44",
                    address="广州",
                    agency=agency,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        ids = list(Enterprise.objects.filter(name__startswith="基准测试企业").values_list("pk", flat=True))
        EnterpriseCredit.objects.bulk_create(
            [EnterpriseCredit(enterprise_id=pk, tier=_tier(pk)) for pk in ids], batch_size=2000
        )
        Licence.objects.bulk_create(
            [
                Licence(
                    number=f"BENCH-{pk}",
                    licence_type="facility",
                    enterprise_id=pk,
                    agency=agency,
                    issued_on=today - dt.timedelta(days=10),
                    valid_from=today - dt.timedelta(days=10),
                    valid_until=today + dt.timedelta(days=1000),
                )
                for pk in ids
            ],
            batch_size=2000,
        )
        level = Level.objects.get(scheme__code="NDRC-36-2020", code="4")
        LicenceScope.objects.bulk_create(
            [
                LicenceScope(licence_id=pk, category="install", level=level)
                for pk in Licence.objects.filter(number__startswith="BENCH-").values_list("pk", flat=True)
            ],
            batch_size=2000,
        )
        for i in range(pool_size):
            User.objects.create(username=f"bench_officer_{i}", role="officer", agency=agency)
        self.stdout.write(f"set-up of {n} holders: {time.perf_counter() - started:.1f} s")
        self._draw(agency, rate)

    def _draw(self, agency, rate: float) -> None:
        from accounts.models import User
        from inspections.services import campaign_draw

        pool = list(User.objects.filter(username__startswith="bench_officer_").order_by("pk"))
        today = timezone.localdate()
        started, cpu = time.perf_counter(), time.process_time()
        campaign = campaign_draw(
            officer=pool[0],
            name="benchmark",
            licence_type="facility",
            sample_rate=rate,
            inspector_ids=[u.pk for u in pool],
            due_on=today + dt.timedelta(days=30),
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        self.stdout.write(
            f"draw: population {campaign.population_size}, drawn {campaign.inspections.count()}, "
            f"pool {campaign.pool_size}: {elapsed:.2f} s ({cpu:.2f} s CPU in this process)"
        )
