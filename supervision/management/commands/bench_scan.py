"""Benchmark the licence-condition scan on PostgreSQL with synthetic data (a throwaway database only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_db .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py bench_scan --licences 60000 --people 42 --yes

Generates N enterprises with one 承装四级 licence each, `people` staff per enterprise (≈ 2.5 M rows for
60 000 × 42) with a share of expired certificates and uninsured staff, and the equipment of the level
with some items missing; then times a full scan and a second (idempotent) scan.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Agency
from licensing.models import EquipmentRequirement, LicenceCondition
from supervision import scan
from supervision.models import LicenceWarning


class Command(BaseCommand):
    help = "Time the licence-condition scan on synthetic data (PostgreSQL, throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--licences", type=int, default=60000)
        parser.add_argument("--people", type=int, default=42, help="staff per enterprise")
        parser.add_argument("--batch-size", type=int, default=scan.DEFAULT_BATCH_SIZE)
        parser.add_argument("--yes", action="store_true", help="confirm: this writes synthetic rows")
        parser.add_argument("--keep", action="store_true", help="keep the synthetic rows afterwards")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_scan needs PostgreSQL (set DATABASE_URL to a throwaway database)")
        if not options["yes"]:
            raise CommandError("bench_scan writes synthetic data: pass --yes, on a throwaway database only")
        n, people = options["licences"], options["people"]
        started = time.monotonic()
        self._generate(n, people)
        self.stdout.write(
            f"generated {n} licences, {n * people} personnel rows in {time.monotonic() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for label in ("first scan", "second scan (idempotent)"):
            started = time.monotonic()
            run = scan.scan_run(batch_size=options["batch_size"], triggered_by="bench")
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"{label}: {run.licences_scanned} licences, {run.batches} batches, "
                f"{run.warnings_opened} opened, {run.warnings_closed} closed in {elapsed:.1f} s"
            )
        self.stdout.write(
            f"active warnings: {LicenceWarning.objects.filter(status__in=LicenceWarning.ACTIVE).count()}"
        )
        if not options["keep"]:
            self._clean()

    @transaction.atomic
    def _generate(self, n: int, people: int) -> None:
        agency = Agency.objects.get(code="NF")
        condition = LicenceCondition.objects.get(
            category="install", level__code="4", level__scheme__code="NDRC-36-2020"
        )
        items = list(
            EquipmentRequirement.objects.filter(condition=condition).values_list("item_id", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO accounts_enterprise (name, credit_code, legal_representative, province, address,
                    agency_id, contact_person, contact_phone, email, created_at)
                SELECT '基准测试企业' || i, 'BENCH' || lpad(i::text, 13, '0'), '张三', '44', '基准路' || i,
                    %s, '', '', '', now()
                FROM generate_series(1, %s) AS i
                """,
                [agency.pk, n],
            )
            cursor.execute(
                """
                INSERT INTO licensing_licence (number, licence_type, business_class, enterprise_id, agency_id,
                    status, issued_on, valid_from, valid_until, obtained_via, certificate_version, status_reason,
                    created_at)
                SELECT 'BENCH-' || e.id, 'facility', '', e.id, e.agency_id, 'valid', DATE '2022-01-01',
                    DATE '2022-01-01', CURRENT_DATE + (e.id %% 400)::int, 'ordinary', 1, '', now()
                FROM accounts_enterprise e WHERE e.credit_code LIKE 'BENCH%%'
                """,
                [],
            )
            cursor.execute(
                """
                INSERT INTO licensing_licencescope (licence_id, category, level_id)
                SELECT l.id, 'install', %s FROM licensing_licence l WHERE l.number LIKE 'BENCH-%%'
                """,
                [condition.level_id],
            )
            # roles by position: 0 technical lead, 1 safety lead, 2..7 professionals, the rest skilled
            # workers; every 97th certificate has expired and every 89th person is not insured.
            cursor.execute(
                """
                INSERT INTO licensing_personnel (enterprise_id, name, id_number, role, title, certificate_no,
                    certificate_expiry, employed_from, employed_until, insured)
                SELECT e.id, '员工' || k, lpad((e.id * 100 + k)::text, 18, '0'),
                    CASE WHEN k = 0 THEN 'technical_lead' WHEN k = 1 THEN 'safety_lead'
                         WHEN k < 8 THEN 'professional' ELSE 'skilled_worker' END,
                    '', 'C' || e.id || '-' || k,
                    CASE WHEN (e.id + k) %% 97 = 0 THEN DATE '2025-01-01' ELSE DATE '2030-12-31' END,
                    DATE '2020-01-01', NULL, (e.id + k) %% 89 <> 0
                FROM accounts_enterprise e CROSS JOIN generate_series(0, %s - 1) AS k
                WHERE e.credit_code LIKE 'BENCH%%'
                """,
                [people],
            )
            cursor.execute(
                """
                INSERT INTO licensing_equipment (enterprise_id, item_id, model_name, serial_no, quantity, in_service)
                SELECT e.id, item, '', '', 1, true
                FROM accounts_enterprise e CROSS JOIN unnest(%s::bigint[]) AS item
                WHERE e.credit_code LIKE 'BENCH%%' AND (e.id + item) %% 13 <> 0
                """,
                [items],
            )

    @transaction.atomic
    def _clean(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM supervision_licencewarning WHERE licence_id IN "
                "(SELECT id FROM licensing_licence WHERE number LIKE 'BENCH-%%')",
                [],
            )
            cursor.execute(
                "DELETE FROM licensing_licencescope WHERE licence_id IN "
                "(SELECT id FROM licensing_licence WHERE number LIKE 'BENCH-%%')",
                [],
            )
            cursor.execute("DELETE FROM licensing_licence WHERE number LIKE 'BENCH-%%'", [])
            bench = "(SELECT id FROM accounts_enterprise WHERE credit_code LIKE 'BENCH%%')"
            cursor.execute(f"DELETE FROM licensing_personnel WHERE enterprise_id IN {bench}", [])
            cursor.execute(f"DELETE FROM licensing_equipment WHERE enterprise_id IN {bench}", [])
            cursor.execute("DELETE FROM accounts_enterprise WHERE credit_code LIKE 'BENCH%%'", [])
        self.stdout.write("synthetic rows removed")
