"""The bench harness's own logic: statistics, ratios, the report writer, the load generator.

Nothing here is timed; the load generator runs against a tiny server on 127.0.0.1."""

import http.server
import threading

import pytest

from bench import report
from bench.load import run_load
from bench.stats import CaseResult, Figure, Target, judge, percentile, ratio, summarize


# --- statistics ---------------------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 1) == 5.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.1) == pytest.approx(1.4)
    assert percentile(values, 0.9) == pytest.approx(4.6)
    assert percentile([7.0], 0.9) == 7.0


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)


def test_summary_of_unsorted_values():
    s = summarize([0.3, 0.1, 0.2, 0.4])
    assert (s.n, s.minimum, s.maximum) == (4, 0.1, 0.4)
    assert s.median == pytest.approx(0.25)
    assert s.p10 == pytest.approx(0.13)
    assert s.p90 == pytest.approx(0.37)
    with pytest.raises(ValueError):
        summarize([])


def test_ratio():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(5.0, 10.0) == 0.5
    assert ratio(1.0, 0.0) is None
    assert ratio(1.0, -2.0) is None


def test_judge_and_verdicts():
    assert judge("≤ 2 s", 1.5, lambda v: v <= 2).met is True
    assert judge("≤ 2 s", 2.5, lambda v: v <= 2).met is False
    assert judge("≤ 2 s", None, lambda v: v <= 2).met is None
    result = CaseResult("x", "X", targets=[Target("a", True), Target("b", None)])
    assert result.met is True
    result.targets.append(Target("c", False))
    assert result.met is False
    assert CaseResult("x", "X", status="skipped", targets=[Target("a", True)]).met is None


# --- the report -------------------------------------------------------------------------------------------
def test_values_are_formatted_by_unit():
    assert report.format_value(0.0123, "s") == "12.3 ms"
    assert report.format_value(2.5, "s") == "2.50 s"
    assert report.format_value(310.4, "req/s") == "310 req/s"
    assert report.format_value(211.6, "MB") == "212 MB"
    assert report.format_value(9, "queries") == "9"
    assert report.format_value(None, "s") == "—"


def test_summary_shows_median_spread_and_runs():
    text = report.format_summary(summarize([0.010, 0.011, 0.012, 0.020]), "s")
    assert text.startswith("11.5 ms (p10–p90 10.3 ms–17.6 ms")
    assert "min–max 10.0 ms–20.0 ms" in text and text.endswith("n=4)")
    assert report.format_summary(summarize([3.0]), "s") == "3.00 s (n=1)"


def measured_case():
    result = CaseResult(
        "workbench",
        "Officer workbench | first page",
        figure=Figure.of("page", [0.040, 0.050, 0.060]),
        baseline=Figure.of("bare page", [0.010, 0.010, 0.012]),
        ratio=5.0,
        ratio_text="page ÷ bare",
        targets=[Target("median ≤ 100 ms", True)],
        notes=["A note."],
        explains=[("the page query", "Limit  (cost=0.42..1.00 rows=25)\n  ->  Index Scan")],
    )
    return result


def test_render_has_the_table_sections_and_plans():
    skipped = CaseResult(
        "scan",
        "Scan",
        status="skipped",
        reason="not available yet: supervision.scan",
        baseline=Figure.of("aggregate", [1.0, 1.2, 1.1]),
        targets=[Target("≤ 60 s", None)],
    )
    failed = CaseResult("pdf", "PDF", status="failed", reason="RuntimeError: boom")
    text = report.render([measured_case(), skipped, failed], heading="## Results", preamble=["Run of today."])
    assert text.startswith(report.BEGIN) and text.rstrip().endswith(report.END)
    assert "| Officer workbench \\| first page | 50.0 ms | 10.0 ms (bare page) | 5.00 (page ÷ bare) |" in text
    assert "median ≤ 100 ms ✓ | met |" in text
    assert "| Scan | — | 1.10 s (aggregate) | — | ≤ 60 s | skipped |" in text
    assert "**Skipped — not available yet: supervision.scan**" in text
    assert "**Failed — RuntimeError: boom**" in text and "| **failed** |" in text
    assert "<details><summary>EXPLAIN (ANALYZE, BUFFERS) — the page query</summary>" in text
    assert "  ->  Index Scan\n```" in text
    assert "Run of today." in text and "A note." in text


def test_missed_target_is_loud():
    case = measured_case()
    case.targets = [Target("median ≤ 100 ms", False, "140 ms")]
    text = report.render([case], heading="## R")
    assert "| **missed** |" in text and "median ≤ 100 ms ✗" in text
    assert "- target median ≤ 100 ms: **missed** — 140 ms" in text


def test_splice_keeps_the_hand_written_parts():
    generated = report.render([measured_case()], heading="## Results")
    fresh = report.splice("# Benchmarks\n\nIntro.\n", generated)
    assert fresh.startswith("# Benchmarks\n\nIntro.\n\n" + report.BEGIN)
    document = fresh + "\n## Scaling out\n\nHand-written.\n"
    again = report.splice(document, report.render([], heading="## Results, second run"))
    assert again.count(report.BEGIN) == 1 and again.count(report.END) == 1
    assert "second run" in again and "Officer workbench" not in again
    assert again.startswith("# Benchmarks\n\nIntro.\n\n") and again.endswith(
        "## Scaling out\n\nHand-written.\n"
    )
    assert report.splice("", generated) == generated


# --- the load generator -------------------------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"ok": true}'
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_load_sends_exactly_the_requests_asked_for(loopback_server):
    result = run_load("127.0.0.1", loopback_server, ["/a", "/b"], total=40, concurrency=4, time_limit=20)
    assert result.requests == 40 and result.errors == 0
    assert result.statuses == {200: 40} and len(result.latencies) == 40
    assert result.rps > 0


def test_load_counts_errors_apart(loopback_server):
    result = run_load(
        "127.0.0.1", loopback_server, ["/ok", "/missing"], total=10, concurrency=2, time_limit=20
    )
    assert result.requests == 10 and result.errors == 5 and result.statuses == {200: 5, 404: 5}


def test_load_stops_at_the_time_limit(loopback_server):
    result = run_load("127.0.0.1", loopback_server, ["/a"], total=10**9, concurrency=2, time_limit=0.3)
    assert 0 < result.requests < 10**9 and result.elapsed < 5


def test_load_goes_to_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        run_load("10.0.0.1", 80, ["/"], total=1, concurrency=1, time_limit=1)
    with pytest.raises(ValueError):
        run_load("127.0.0.1", 80, ["/"], total=0, concurrency=1, time_limit=1)
