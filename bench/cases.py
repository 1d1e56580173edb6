"""The benchmarks. Each returns a CaseResult with its figure measured beside its baseline in the same
run, calling the product's own code (docs/benchmarks.md, "What is measured", names each function).

Runs inside Django (bench/run.py sets it up against the bench database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import CaseResult, Figure, Target, judge, ratio, summarize

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    runs: int
    load_rounds: int
    load_requests: int
    load_seconds: float
    concurrency: int
    scan_runs: int
    officer: object
    supervisor: object
    today: dt.date
    env: dict[str, str] = field(default_factory=dict)


# --- helpers -------------------------------------------------------------------------------------------
def interleave(calls: dict[str, Callable[[], object]], runs: int, warmup: int = 1) -> dict[str, list[float]]:
    """Time each callable `runs` times, taking turns, so a change of machine load hits all alike."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return samples


def explain(sql: str, params=None) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def captured(call: Callable[[], object]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return [q["sql"] for q in ctx.captured_queries]


def heavy_queries(queries: list[str], table: str = "licensing_application") -> list[str]:
    """The distinct SELECTs that read `table` (the ones worth an EXPLAIN)."""
    seen, result = set(), []
    for sql in queries:
        if not sql.lstrip().upper().startswith("SELECT") or f'"{table}"' not in sql:
            continue
        key = re.sub(r"\d+", "N", sql)
        if key not in seen:
            seen.add(key)
            result.append(sql)
    return result


def short_sql(sql: str, length: int = 110) -> str:
    text = re.sub(r"\s+", " ", sql)
    text = re.sub(r'SELECT .*? FROM "', 'SELECT … FROM "', text, count=1)
    return text if len(text) <= length else text[: length - 1] + "…"


def sql_samples(sql: str, params: list, runs: int) -> list[float]:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return interleave({"sql": run}, runs)["sql"]


# --- officer workbench ---------------------------------------------------------------------------------
def workbench(ctx: Context) -> CaseResult:
    from django.test import Client

    from licensing import selectors

    client = Client()
    client.force_login(ctx.officer)

    def get(url: str):
        def call():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")

        return call

    review, acceptance = "/workbench/?queue=review", "/workbench/"
    samples = interleave(
        {"bare": get("/bench/page/"), "review": get(review), "acceptance": get(acceptance)}, ctx.runs
    )
    full_page = captured(get(review))
    first = selectors.workbench_queue(ctx.officer, "review").values_list("number", flat=True).first()
    one_row = captured(get(f"{review}&q={first}"))
    counts = selectors.queue_counts(ctx.officer)
    agency_total = selectors.applications_for(ctx.officer).count()
    result = CaseResult(
        "workbench",
        "Officer workbench, first page (review queue)",
        figure=Figure.of("GET /workbench/?queue=review", samples["review"]),
        baseline=Figure.of("bare page /bench/page/ (base.html, same user)", samples["bare"]),
        ratio_text="page ÷ bare page",
        extra=[
            Figure.of("GET /workbench/ (acceptance queue)", samples["acceptance"]),
            Figure.of("queries, a page of 25 rows", [len(full_page)], "queries"),
            Figure.of("queries, a page of 1 row", [len(one_row)], "queries"),
        ],
    )
    result.ratio = ratio(result.figure.summary.median, result.baseline.summary.median)
    result.targets = [
        judge("median ≤ 100 ms (server time)", result.figure.summary.median, lambda v: v <= 0.100),
        judge(
            "acceptance queue median ≤ 100 ms",
            summarize(samples["acceptance"]).median,
            lambda v: v <= 0.100,
        ),
        Target(
            "query count independent of page size",
            len(full_page) == len(one_row),
            f"{len(full_page)} queries for 25 rows, {len(one_row)} for 1 row",
        ),
    ]
    result.notes.append(
        f"Agency {ctx.officer.agency.code}: {agency_total} applications (drafts excluded); open by queue: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + ". Server time = Django's test client in the bench process (no network), median of interleaved runs."
    )
    for sql in heavy_queries(full_page):
        result.explains.append((short_sql(sql), explain(sql)))
    return result


# --- applications list endpoint (no target in the issue; shows the COUNT and the page queries) --------
def api_list(ctx: Context) -> CaseResult:
    from rest_framework.test import APIClient

    def getter(user, url):
        client = APIClient()
        client.force_authenticate(user)

        def call():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")

        return call

    officer_page = getter(ctx.officer, "/api/v1/applications/")
    national_page = getter(ctx.supervisor, "/api/v1/applications/")
    samples = interleave({"officer": officer_page, "national": national_page}, ctx.runs)
    small = captured(getter(ctx.officer, "/api/v1/applications/?page_size=10"))
    large = captured(getter(ctx.officer, "/api/v1/applications/?page_size=100"))
    national = captured(national_page)
    result = CaseResult(
        "api_list",
        "GET /api/v1/applications/ first page (50 rows)",
        figure=Figure.of("officer (one agency)", samples["officer"]),
        extra=[
            Figure.of("national supervisor (all 1 M)", samples["national"]),
            Figure.of("queries, page_size=10", [len(small)], "queries"),
            Figure.of("queries, page_size=100", [len(large)], "queries"),
        ],
        targets=[
            Target(
                "query count independent of page size",
                len(small) == len(large),
                f"{len(small)} vs {len(large)}",
            ),
        ],
        notes=[
            "No figure in the issue's table: measured because the list counts its rows for the paginator."
        ],
    )
    for sql in heavy_queries(national):
        result.explains.append(("national supervisor: " + short_sql(sql), explain(sql)))
    return result


# --- GET /api/v1/applications/{id}/ under gunicorn ---------------------------------------------------
def api_detail(ctx: Context) -> CaseResult:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from bench.load import run_load
    from bench.server import Gunicorn
    from licensing import selectors

    token, _ = Token.objects.get_or_create(user=ctx.officer)
    ids = list(selectors.applications_for(ctx.officer).order_by("-id").values_list("pk", flat=True)[:50])
    api_paths = [f"/api/v1/applications/{pk}/" for pk in ids]
    bare_paths = [f"/bench/json/{pk}/" for pk in ids]
    headers = {"Authorization": f"Token {token.key}"}

    client = APIClient()
    client.force_authenticate(ctx.officer)
    in_process = interleave(
        {"detail": lambda: client.get(api_paths[0]), "bare": lambda: client.get(bare_paths[0])}, ctx.runs
    )
    queries = captured(lambda: client.get(api_paths[0]))

    floor_rps, bare_rps, api_rps, latencies, errors = [], [], [], [], 0
    env = {**ctx.env, "BENCH_ENDPOINTS": "1", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    with Gunicorn(workers=2, env=env) as server:
        common = {"concurrency": ctx.concurrency, "time_limit": ctx.load_seconds}

        def load(paths, total, **extra):
            return run_load("127.0.0.1", server.port, paths, total=total, **common, **extra)

        warm_api = load(api_paths, 200, headers=headers)
        if warm_api.errors:
            raise RuntimeError(f"the API answered {warm_api.statuses} to the bench officer's token")
        load(bare_paths, 200)
        load(["/bench/hello/"], 200)
        for _ in range(ctx.load_rounds):
            floor, bare = load(["/bench/hello/"], ctx.load_requests), load(bare_paths, ctx.load_requests)
            api = load(api_paths, ctx.load_requests, headers=headers)
            floor_rps.append(floor.rps)
            bare_rps.append(bare.rps)
            api_rps.append(api.rps)
            latencies += api.latencies
            errors += floor.errors + bare.errors + api.errors
    result = CaseResult(
        "api_detail",
        "GET /api/v1/applications/{id}/ under gunicorn (2 workers, loopback)",
        figure=Figure.of("API detail, token auth", api_rps, "req/s"),
        baseline=Figure.of("bare Django JSON view of the same row", bare_rps, "req/s"),
        ratio_text="API ÷ bare",
        extra=[
            Figure.of("floor: JSON view without a query", floor_rps, "req/s"),
            Figure.of("API latency under load", latencies or [0.0]),
            Figure.of("API detail in process (no network)", in_process["detail"]),
            Figure.of("bare view of the row in process", in_process["bare"]),
            Figure.of("queries per API detail request", [len(queries) + 1], "queries"),
        ],
    )
    result.ratio = ratio(result.figure.summary.median, result.baseline.summary.median)
    floor_ratio = ratio(result.figure.summary.median, summarize(floor_rps).median)
    result.targets = [judge("≥ 50 % of the bare view's requests/s", result.ratio, lambda v: v >= 0.5)]
    result.notes.append(
        f"{ctx.load_rounds} rounds, each {ctx.load_requests} requests (or {ctx.load_seconds:.0f} s) to the "
        f"floor, to the bare view of the same row (`/bench/json/<id>/`: one query by primary key, no "
        f"authentication, no scoping, no DRF) and to the API; {ctx.concurrency} client threads "
        f"(http.client) on the same 2-core machine as gunicorn and PostgreSQL; {errors} errors. Against the "
        f"floor the API reaches {floor_ratio:.2f}. The query count includes the token lookup."
    )
    return result


# --- the monthly licence-condition scan ----------------------------------------------------------------
SCAN_BASELINE_SQL = """
SELECT l.id, p.role, COUNT(*)
FROM licensing_licence l
JOIN licensing_personnel p ON p.enterprise_id = l.enterprise_id
WHERE l.status = 'valid'
  AND p.insured
  AND p.employed_from <= %s
  AND (p.employed_until IS NULL OR p.employed_until >= %s)
  AND (p.certificate_expiry IS NULL OR p.certificate_expiry >= %s)
GROUP BY l.id, p.role
"""


def scan(ctx: Context) -> CaseResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    title = "Monthly licence-condition scan over the full dataset"
    params = [ctx.today] * 3
    baseline = Figure.of(
        "bare SQL: qualified personnel per licence and role",
        sql_samples(SCAN_BASELINE_SQL, params, max(3, ctx.runs // 4)),
    )
    plan = [("the baseline aggregate", explain(SCAN_BASELINE_SQL, params))]
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--child", "scan", "--runs", str(ctx.scan_runs)],
        cwd=ROOT,
        env={**os.environ, **ctx.env},
        capture_output=True,
        text=True,
        timeout=3600,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    result = CaseResult(
        "scan",
        title,
        figure=Figure.of("scan_run(), whole dataset", data["seconds"]),
        baseline=baseline,
        ratio_text="scan ÷ aggregate",
        extra=[Figure.of("peak memory of the scanning process", [data["peak_mb"]], "MB")],
        explains=plan,
    )
    result.ratio = ratio(result.figure.summary.median, baseline.summary.median)
    result.targets = [
        judge("≤ 60 s", result.figure.summary.median, lambda v: v <= 60),
        judge("≤ 512 MB peak memory", data["peak_mb"], lambda v: v <= 512),
        judge("≤ 3 × the bare aggregate", result.ratio, lambda v: v <= 3),
    ]
    result.notes.append("Runs: " + "; ".join(json.dumps(r, ensure_ascii=False) for r in data["runs"]))
    result.notes.append(
        "Seconds of each run: "
        + ", ".join(f"{s:.2f}" for s in data["seconds"])
        + " (on a freshly seeded dataset the first run also opens the warnings: see Runs)."
    )
    # The set-based queries of one page of 1 000 licences (read-only: supervision.scan.evaluate)
    from licensing.models import Licence, LicenceStatus
    from supervision import scan as scan_module

    rows = list(
        Licence.objects.filter(status=LicenceStatus.VALID)
        .order_by("pk")
        .values("pk", "enterprise_id", "agency_id", "licence_type", "valid_until")[
            : scan_module.DEFAULT_BATCH_SIZE
        ]
    )
    page = scan_module.Page(rows[0]["pk"] - 1, rows[-1]["pk"], rows)
    with CaptureQueriesContext(connection) as timed:
        scan_module.evaluate(page, ctx.today)
    slowest = sorted(timed.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    for query in slowest:
        result.explains.append(("one page of the scan: " + short_sql(query["sql"]), explain(query["sql"])))
    return result


def child_scan(runs: int) -> dict:
    """In a fresh process (so its peak memory is the scan's): scan_run `runs` times."""
    import resource

    from django.utils import timezone

    from supervision.scan import scan_run

    seconds, details = [], []
    for _ in range(runs):
        started = time.perf_counter()
        run = scan_run(on=timezone.localdate(), triggered_by="bench")
        seconds.append(time.perf_counter() - started)
        details.append(
            {
                "licences": getattr(run, "licences_scanned", None),
                "opened": getattr(run, "warnings_opened", None),
                "closed": getattr(run, "warnings_closed", None),
            }
        )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "runs": details}


# --- supervisor dashboard --------------------------------------------------------------------------------
DASHBOARD_BASELINE_SQL = """
SELECT agency_id, kind, state, COUNT(*), AVG(decided_on - received_on)
FROM licensing_application
WHERE decided_on >= %s AND decided_on < %s
GROUP BY agency_id, kind, state
"""


def _evaluate(value):
    """Force querysets (also inside dicts and lists) so lazy results are timed too."""
    from django.db.models import QuerySet

    if isinstance(value, QuerySet):
        return list(value)
    if isinstance(value, dict):
        return {k: _evaluate(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_evaluate(v) for v in value]
    return value


def dashboard(ctx: Context) -> CaseResult:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    title = "Supervisor dashboard, national, one year"
    date_from, date_to = ctx.today - dt.timedelta(days=365), ctx.today
    params = [date_from, date_to + dt.timedelta(days=1)]
    baseline = Figure.of(
        "bare SQL: decided applications by agency, kind and state",
        sql_samples(DASHBOARD_BASELINE_SQL, params, ctx.runs),
    )
    plan = [("the baseline aggregate", explain(DASHBOARD_BASELINE_SQL, params))]
    from licensing.models import Application
    from oversight import panels, selectors
    from oversight.models import ApplicationFact, ApplicationFactTotal
    from oversight.services import application_facts_sync, fact_totals_rebuild

    extra = []
    # The dashboards count oversight's ApplicationFact rows (and their daily and monthly totals), which
    # oversight_sync keeps up to date from the audit log every few minutes; a freshly seeded database
    # has none: backfill them once.
    if ApplicationFact.objects.count() < Application.objects.filter(received_on__isnull=False).count():
        started = time.perf_counter()
        application_facts_sync(full=True)
        extra.append(
            Figure.of(
                "one-time backfill: application_facts_sync(full=True), facts and totals",
                [time.perf_counter() - started],
            )
        )
    # What the nightly task oversight.fact_totals does: recount the last two months (the sync refreshes
    # the days it touched in its own transaction).
    from oversight.rollup import NIGHTLY_DAYS

    started = time.perf_counter()
    fact_totals_rebuild(recent_days=NIGHTLY_DAYS)
    extra.append(
        Figure.of(
            f"nightly task: fact_totals_rebuild(recent_days={NIGHTLY_DAYS})", [time.perf_counter() - started]
        )
    )

    filters = selectors.dashboard_filters_for(
        ctx.supervisor, date_from=date_from, date_to=date_to, today=ctx.today
    )
    client = Client()
    client.force_login(ctx.supervisor)
    url = f"{reverse('dashboard:home')}?date_from={date_from.isoformat()}&date_to={date_to.isoformat()}"

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    def figures():
        _evaluate(panels.build_figures(filters))

    samples = interleave({"page": page, "figures": figures}, ctx.runs)
    with CaptureQueriesContext(connection) as timed:
        page()
    queries = [q["sql"] for q in timed.captured_queries]
    result = CaseResult(
        "dashboard",
        title,
        figure=Figure.of(f"GET {url} (national supervisor)", samples["page"]),
        baseline=baseline,
        ratio_text="dashboard ÷ aggregate",
        extra=[
            *extra,
            Figure.of("oversight.panels.build_figures(filters) alone", samples["figures"]),
            Figure.of("queries of the page", [len(queries)], "queries"),
        ],
        explains=plan,
    )
    result.ratio = ratio(result.figure.summary.median, baseline.summary.median)
    result.targets = [judge("median ≤ 500 ms", result.figure.summary.median, lambda v: v <= 0.5)]
    # the slowest queries of the page: the time-limit figures' sums and the live "overdue now" reads
    slowest = sorted(timed.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    for sql in [q["sql"] for q in slowest if q["sql"].lstrip().upper().startswith("SELECT")][:4]:
        result.explains.append((short_sql(sql), explain(sql)))
    # and the list of the most overdue applications of the country (licensing's clock index)
    overdue = heavy_queries(captured(lambda: selectors.figure_overdue_list(filters)))
    for sql in overdue[:1]:
        result.explains.append(("the overdue list: " + short_sql(sql), explain(sql)))
    # Everything, as after a restore (afterwards: its churn must not weigh on the figures above).
    started = time.perf_counter()
    fact_totals_rebuild()
    result.extra.append(
        Figure.of(
            f"full recount: fact_totals_rebuild() ({ApplicationFact.objects.count():,} facts → "
            f"{ApplicationFactTotal.objects.count():,} day and month rows)",
            [time.perf_counter() - started],
        )
    )
    return result


# --- 双随机 draw ---------------------------------------------------------------------------------------
DRAW_POPULATION_SQL = """
SELECT e.id, COALESCE(c.tier, 'trustworthy')
FROM accounts_enterprise e
LEFT JOIN credit_enterprisecredit c ON c.enterprise_id = e.id
WHERE EXISTS (SELECT 1 FROM licensing_licence l WHERE l.enterprise_id = e.id AND l.status = 'valid')
ORDER BY e.id
"""


def draw(ctx: Context) -> CaseResult:
    from django.db import connection

    from accounts.models import User

    title = "双随机 draw over every licence holder (≈ 50 000) with inspector assignment"
    baseline = Figure.of(
        "bare SQL: the population with tiers", sql_samples(DRAW_POPULATION_SQL, [], ctx.runs)
    )
    plan = [("the population", explain(DRAW_POPULATION_SQL))]
    from credit.selectors import daily_supervision
    from inspections import draw as module

    pool = list(
        User.objects.filter(role="officer", is_active=True).order_by("pk").values_list("pk", flat=True)[:56]
    )
    size = {}

    def call():
        with connection.cursor() as cursor:
            cursor.execute(DRAW_POPULATION_SQL)
            rows = cursor.fetchall()
        rules = {}
        for tier in {t for _e, t in rows}:
            cell = daily_supervision(tier)
            rules[tier] = (100 + (cell.selection_probability_change or 0), bool(cell.always_selected))
        population = [(e, t, rules[t][0], rules[t][1]) for e, t in rows]
        inputs = module.build_inputs(
            seed=hashlib.sha256(f"bench-{ctx.today.isoformat()}".encode()).hexdigest(),  # a hex string
            sample_size=math.ceil(len(population) * 0.05),
            population=population,
            pool=pool,
            conflicts=[],
            per_target=2,
        )
        size["population"], size["drawn"] = len(population), len(module.run_draw(inputs))

    samples = interleave({"draw": call}, max(3, ctx.runs // 2))["draw"]
    result = CaseResult(
        "draw",
        title,
        figure=Figure.of("population query + build_inputs + run_draw", samples),
        baseline=baseline,
        ratio_text="draw ÷ population query",
        explains=plan,
    )
    result.ratio = ratio(result.figure.summary.median, baseline.summary.median)
    result.targets = [judge("≤ 2 s", result.figure.summary.median, lambda v: v <= 2)]
    result.notes.append(
        f"Population {size.get('population')} holders, {size.get('drawn')} drawn (5 %), pool of {len(pool)} "
        "inspectors, two per enterprise; weights from credit.selectors.daily_supervision (item 13)."
    )
    return result


# --- PDF notices ------------------------------------------------------------------------------------------
def pdf(ctx: Context) -> CaseResult:
    title = "PDF notice: one, and 500 as one Celery job on one worker"

    def bare_render():
        from weasyprint import HTML

        HTML(string="<html><body><p>基准</p></body></html>").write_pdf()

    baseline = Figure.of("WeasyPrint, a one-line page", interleave({"bare": bare_render}, ctx.runs)["bare"])
    from accounts.models import Enterprise
    from documents import benchmark as module

    one = [module.render_notice_seconds() for _ in range(ctx.runs + 1)][1:]  # the first builds the fonts
    enterprise = Enterprise.objects.filter(agency=ctx.officer.agency).order_by("pk").first()
    bulk = module.bulk_job_seconds(
        agency=ctx.officer.agency, enterprise=enterprise, count=500, actor=ctx.officer
    )
    result = CaseResult(
        "pdf",
        title,
        figure=Figure.of("render_notice_seconds()", one),
        baseline=baseline,
        ratio_text="notice ÷ one-line page",
        extra=[Figure.of("bulk_job_seconds(count=500), in process as the worker runs it", [bulk])],
    )
    result.ratio = ratio(result.figure.summary.median, baseline.summary.median)
    result.targets = [
        judge("one notice median ≤ 0.5 s", result.figure.summary.median, lambda v: v <= 0.5),
        judge("500 notices ≤ 2 min", bulk, lambda v: v <= 120),
    ]
    return result


CASES: dict[str, Callable[[Context], CaseResult]] = {
    "scan": scan,
    "workbench": workbench,
    "api_list": api_list,
    "dashboard": dashboard,
    "api_detail": api_detail,
    "draw": draw,
    "pdf": pdf,
}
TITLES = {
    "scan": "Monthly licence-condition scan over the full dataset",
    "workbench": "Officer workbench, first page (review queue)",
    "api_list": "GET /api/v1/applications/ first page (50 rows)",
    "dashboard": "Supervisor dashboard, national, one year",
    "api_detail": "GET /api/v1/applications/{id}/ under gunicorn (2 workers, loopback)",
    "draw": "双随机 draw over every licence holder (≈ 50 000) with inspector assignment",
    "pdf": "PDF notice: one, and 500 as one Celery job on one worker",
}
