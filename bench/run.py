#!/usr/bin/env python
"""make bench — the benchmark suite (docs/benchmarks.md).

    .venv/bin/python bench/run.py [--runs 20] [--only workbench,api_detail] [--scale 1] [--no-write]

Against the PostgreSQL of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/licensing_bench):
creates the database if it is missing, migrates it, seeds the synthetic dataset if it is not there
(manage.py seed_scale), measures every benchmark beside its baseline, prints the results and writes
them between the markers of docs/benchmarks.md. Never part of make test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/licensing_bench"
DOC = ROOT / "docs" / "benchmarks.md"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (default 20)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="dataset scale to seed or expect (default 1)"
    )
    parser.add_argument("--only", default="", help="comma-separated benchmarks (default: all)")
    parser.add_argument("--scan-runs", type=int, default=3)
    parser.add_argument("--load-rounds", type=int, default=5)
    parser.add_argument("--load-requests", type=int, default=1500)
    parser.add_argument("--load-seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--output", type=Path, default=DOC)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to the server's `postgres` database)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    name = parts.path.lstrip("/")
    if name == "licensing":
        raise SystemExit("Refusing to benchmark the database named 'licensing': use a database of its own.")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "dbname": "postgres",
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                print(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, check=True)


def environment() -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BENCH_ENDPOINTS": "1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "PRODUCTION": "0",
    }


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return commit + (" (with uncommitted changes)" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [f"{os.cpu_count()} × {cpu}{memory}", f"Python {platform.python_version()}"]


def load_average() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def postgres_facts() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = []
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "max_parallel_workers_per_gather",
        ):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    return [f"PostgreSQL {version} on the same machine ({', '.join(settings)})"]


def dataset_facts() -> str:
    from django.db import connection

    tables = [
        ("enterprises", "accounts_enterprise"),
        ("licences", "licensing_licence"),
        ("licence scopes", "licensing_licencescope"),
        ("personnel", "licensing_personnel"),
        ("equipment", "licensing_equipment"),
        ("generating units", "licensing_generatingunit"),
        ("applications", "licensing_application"),
        ("audit rows", "core_auditlog"),
        ("credit records", "credit_creditrecord"),
    ]
    counts = []
    with connection.cursor() as cursor:
        for label, table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
        cursor.execute(
            "SELECT COUNT(*) FROM licensing_application WHERE state IN ('submitted','correction_requested',"
            "'accepted','tolerant_accepted','supplemented','under_review','awaiting_applicant','site_inspection',"
            "'expert_review','pending_decision')"
        )
        counts.append(f"of them {cursor.fetchone()[0]:,} open applications")
    return ", ".join(counts)


def build_context(args):
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from bench.cases import Context
    from benchmarks.dataset import USER_PREFIX
    from licensing.models import Application

    officers = User.objects.filter(role="officer", username__startswith=USER_PREFIX)
    busiest = Application.objects.values("agency_id").order_by().annotate(n=Count("id"))
    agency_id = max(busiest, key=lambda row: row["n"])["agency_id"]
    officer = officers.filter(agency_id=agency_id).order_by("pk").select_related("agency").first()
    supervisor = (
        User.objects.filter(role="supervisor", agency__is_national=True, username__startswith=USER_PREFIX)
        .select_related("agency")
        .order_by("pk")
        .first()
    )
    return Context(
        runs=args.runs,
        load_rounds=args.load_rounds,
        load_requests=args.load_requests,
        load_seconds=args.load_seconds,
        concurrency=args.concurrency,
        scan_runs=args.scan_runs,
        officer=officer,
        supervisor=supervisor,
        today=timezone.localdate(),
        env=environment(),
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.update(environment())
    if args.child:
        import django

        django.setup()
        from bench import cases

        print(
            json.dumps(
                {"scan": cases.child_scan}[args.child](args.scan_runs if args.child == "scan" else args.runs)
            )
        )
        return 0

    url = database_url()
    parts = urlparse(url)
    print(f"make bench: database {parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}")
    ensure_database(url)
    manage("migrate", "--no-input", "-v0")

    import django

    django.setup()
    from bench import cases, report
    from bench.stats import CaseResult
    from benchmarks.dataset import Sizes
    from benchmarks.seeding import present

    sizes = Sizes.at(args.scale)
    here = present()
    if here.enterprises == 0:
        print(f"no synthetic dataset: seeding scale {args.scale} (manage.py seed_scale)")
        manage("seed_scale", "--scale", str(args.scale))
    elif not here.matches(sizes):
        raise SystemExit(
            f"The database holds a synthetic dataset of {here.enterprises} enterprises / {here.applications} "
            f"applications, not scale {args.scale}: pass --scale to match it, or "
            "`manage.py seed_scale --reset` it first."
        )

    selected = [k for k in args.only.split(",") if k] or list(cases.CASES)
    unknown = set(selected) - set(cases.CASES)
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(cases.CASES)}"
        )
    ctx = build_context(args)
    started_at, load_before = dt.datetime.now().astimezone(), load_average()
    results: list[CaseResult] = []
    for key in selected:
        print(f"\n== {key}", flush=True)
        begun = time.monotonic()
        try:
            result = cases.CASES[key](ctx)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            result = CaseResult(
                key, cases.TITLES[key], status="failed", reason=f"{type(exc).__name__}: {exc}"
            )
        results.append(result)
        print("\n".join(report.case_section(result)))
        print(f"({time.monotonic() - begun:.0f} s)")

    preamble = [
        f"Run of {started_at:%Y-%m-%d %H:%M %Z}, commit {git_commit()}, "
        f"`bench/run.py --runs {args.runs}{' --only ' + args.only if args.only else ''}`.",
        "",
        f"- Machine: {'; '.join(machine())}; load average {load_before} at the start, "
        f"{load_average()} at the end (the machine is shared: other work ran beside the benchmarks).",
        *[f"- {line}" for line in postgres_facts()],
        f"- Dataset (seed_scale --scale {args.scale}): {dataset_facts()}.",
        "- Every figure is the median of interleaved runs with its spread; each is measured beside its "
        "baseline in the same run, and the ratio is what carries over to other machines.",
    ]
    generated = report.render(results, heading="## Results of the last run", preamble=preamble)
    print("\n" + "\n".join(report.summary_table(results)))
    if not args.no_write:
        existing = args.output.read_text() if args.output.exists() else "# Benchmarks\n"
        args.output.write_text(report.splice(existing, generated))
        print(
            f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
