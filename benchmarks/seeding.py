"""Seed, recognise and remove the synthetic dataset (manage.py seed_scale; bench/run.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Enterprise, User
from benchmarks.dataset import EMAIL_DOMAIN, USER_PREFIX, NationalDataset, Sizes
from benchmarks.loader import Loader, delete_where
from core.models import AuditLog
from credit.models import CreditRecord
from licensing.models import Application, Personnel

# Above this scale the dataset is PostgreSQL only: COPY, and a size SQLite is not meant for.
SQLITE_MAX_SCALE = 0.002
AUDIT_TRIGGER = "core_auditlog_no_change"
ENTERPRISE_WHERE = ('"email" LIKE %s', [f"%@{EMAIL_DOMAIN}"])
USER_WHERE = (f'SUBSTR("username", 1, {len(USER_PREFIX)}) = %s', [USER_PREFIX])


class SeedError(Exception):
    pass


@dataclass(frozen=True)
class Present:
    enterprises: int
    applications: int

    def matches(self, sizes: Sizes) -> bool:
        return self.enterprises == sizes.enterprises and self.applications == sizes.applications


def present() -> Present:
    enterprises = Enterprise.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    return Present(
        enterprises=enterprises.count(),
        applications=Application.objects.filter(enterprise__in=enterprises).count(),
    )


def seed(*, scale: float, seed: int = 20260101, log=print) -> dict[str, int]:
    """Write the dataset at `scale` in one transaction. Refuses on a database that already has one."""
    postgres = connection.vendor == "postgresql"
    if not postgres and scale > SQLITE_MAX_SCALE:
        raise SeedError(
            f"seed_scale writes millions of rows with PostgreSQL's COPY: on {connection.vendor} only "
            f"--scale {SQLITE_MAX_SCALE} or less (the tests' size). Set DATABASE_URL=postgres://… "
            "(make bench uses postgres://postgres@127.0.0.1:5432/licensing_bench)."
        )
    existing = present()
    if existing.enterprises:
        raise SeedError(
            f"This database already holds a synthetic dataset ({existing.enterprises} enterprises, "
            f"{existing.applications} applications): run `manage.py seed_scale --reset` first."
        )
    sizes = Sizes.at(scale)
    log(
        f"Seeding scale {scale}: {sizes.enterprises} enterprises, {sizes.licences} licences, "
        f"{sizes.personnel} personnel, {sizes.units} units, {sizes.applications} applications, "
        f"{sizes.credit_records} credit records"
    )
    started = time.monotonic()
    loader = Loader(now=timezone.now(), rebuild_indexes=(Application, AuditLog, Personnel, CreditRecord))
    try:
        with transaction.atomic():
            NationalDataset(sizes, seed=seed, log=log).build(loader)
            written = loader.finish()
            log(f"  rows written: {time.monotonic() - started:.1f} s; checking every foreign key")
            problems = loader.foreign_key_problems()
            if problems:
                raise SeedError("Foreign keys point nowhere (nothing was kept): " + "; ".join(problems))
            loader.commit()
    except BaseException:
        loader.rollback()
        raise
    log(f"  committed: {time.monotonic() - started:.1f} s")
    # VACUUM cannot run inside a transaction (the tests' database wraps each test in one): analyse only then
    if postgres:
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in sorted({m._meta.db_table for m in loader.tables}):
                cursor.execute(f'{statement} "{table}"')
        log(f"  vacuumed and analysed: {time.monotonic() - started:.1f} s")
    return written


def reset(*, log=print) -> dict[str, int]:
    """Delete what seed_scale created and whatever references it; nothing else.

    The audit log is append-only (a PostgreSQL trigger refuses DELETE). Synthetic audit rows are the
    one exception: the trigger is disabled inside this transaction only (ALTER TABLE takes an
    exclusive lock, so no other session ever writes while it is off) and enabled again before commit.
    """
    postgres = connection.vendor == "postgresql"
    deleted: dict[str, int] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            guarded = postgres and _has_trigger(cursor)
            if guarded:
                cursor.execute(f'ALTER TABLE "core_auditlog" DISABLE TRIGGER "{AUDIT_TRIGGER}"')
            # Transitions done by "system" have no actor: find them by the application they record.
            where, params = ENTERPRISE_WHERE
            cursor.execute(
                'DELETE FROM "core_auditlog" WHERE "object_type" = %s AND "object_id" IN ('
                'SELECT CAST("id" AS VARCHAR(64)) FROM "licensing_application" WHERE "enterprise_id" IN ('
                f'SELECT "id" FROM "accounts_enterprise" WHERE {where}))',
                ["licensing.application", *params],
            )
            deleted["core_auditlog"] = cursor.rowcount
        for model, (where, params) in ((Enterprise, ENTERPRISE_WHERE), (User, USER_WHERE)):
            for table, n in delete_where(model, where, params).items():
                deleted[table] = deleted.get(table, 0) + n
        if guarded:
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "core_auditlog" ENABLE TRIGGER "{AUDIT_TRIGGER}"')
        if deleted.get("oversight_applicationfact"):
            # the dashboards' daily and monthly totals summed the facts just deleted: count them again
            from oversight import rollup

            rollup.refresh()
    for table, n in sorted(deleted.items()):
        if n:
            log(f"  {table}: {n} rows deleted")
    return deleted


def _has_trigger(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [AUDIT_TRIGGER])
    return cursor.fetchone() is not None
