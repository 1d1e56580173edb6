"""The monthly rollup of the dashboard facts: how a period is split, that the figures read through it
are exactly those counted from the facts alone, and that the sync and the nightly task keep it so."""

import datetime as dt

import pytest

from oversight import rollup, selectors, services
from oversight.models import ApplicationFactTotal, FactGrain, FactSlice
from oversight.selectors import DashboardFilters
from oversight.tests.conftest import MARCH_2025, D, Flow, rows_by

TIME_LIMIT_FIGURES = (
    selectors.figure_summary,
    selectors.figure_days_by_kind,
    selectors.figure_days_by_tier,
    selectors.figure_on_time_by_kind,
    selectors.figure_on_time_by_tier,
    selectors.figure_on_time_by_officer,
    selectors.figure_on_time_by_agency,
)

PERIODS = [
    (D(2025, 3, 1), D(2025, 3, 31)),  # one whole month
    (D(2025, 2, 15), D(2025, 4, 2)),  # a whole month and two edges
    (D(2025, 3, 3), D(2025, 3, 31)),  # no whole month: facts only
    (D(2025, 3, 14), D(2025, 3, 14)),  # one day
    (D(2024, 2, 29), D(2025, 3, 31)),  # more than a year: the two periods overlap
    (D(2024, 1, 1), D(2025, 12, 31)),  # whole months only
    (D(2025, 2, 1), D(2025, 3, 26)),  # whole February, the rest of March from the facts
]


class TestSplit:
    def test_whole_months_and_edges(self):
        assert rollup.split((D(2025, 3, 1), D(2025, 3, 31))) == rollup.Split(
            (D(2025, 3, 1), D(2025, 3, 1)), ()
        )
        assert rollup.split((D(2025, 2, 15), D(2025, 4, 2))) == rollup.Split(
            (D(2025, 3, 1), D(2025, 3, 1)),
            ((D(2025, 2, 15), D(2025, 2, 28)), (D(2025, 4, 1), D(2025, 4, 2))),
        )
        assert rollup.split((D(2024, 12, 31), D(2026, 1, 30))) == rollup.Split(
            (D(2025, 1, 1), D(2025, 12, 1)),
            ((D(2024, 12, 31), D(2024, 12, 31)), (D(2026, 1, 1), D(2026, 1, 30))),
        )

    def test_leap_february_is_whole_on_the_29th(self):
        assert rollup.split((D(2024, 2, 1), D(2024, 2, 29))).months == (D(2024, 2, 1), D(2024, 2, 1))
        assert rollup.split((D(2024, 2, 1), D(2024, 2, 28))).months is None

    def test_no_whole_month_reads_the_facts_only(self):
        for span in ((D(2025, 3, 2), D(2025, 3, 31)), (D(2025, 3, 1), D(2025, 3, 30)), (D(2025, 3, 14),) * 2):
            assert rollup.split(span) == rollup.Split(None, (span,))

    def test_runs_of_days_and_months(self):
        days = [D(2025, 3, 2), D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 5)]
        assert rollup._runs(days) == [(D(2025, 2, 28), D(2025, 3, 2)), (D(2025, 3, 5), D(2025, 3, 5))]
        months = [D(2025, 1, 1), D(2025, 2, 1), D(2025, 4, 1), D(2024, 12, 1)]
        assert rollup._month_runs(months) == [(D(2024, 12, 1), D(2025, 2, 1)), (D(2025, 4, 1), D(2025, 4, 1))]


def _figures(f: DashboardFilters) -> dict:
    return {figure.__name__: figure(f).rows for figure in TIME_LIMIT_FIGURES}


def by_metric(rows: list[dict]) -> dict:
    return {row["metric"]: row for row in rows}


def _same_as_facts_alone(f: DashboardFilters, settings) -> dict:
    settings.OVERSIGHT_DASHBOARD_ROLLUP = True
    through_rollup = _figures(f)
    settings.OVERSIGHT_DASHBOARD_ROLLUP = False
    from_facts = _figures(f)
    settings.OVERSIGHT_DASHBOARD_ROLLUP = True
    assert through_rollup == from_facts, f
    return through_rollup


class TestSameFiguresAsTheFacts:
    @pytest.mark.parametrize("span", PERIODS, ids=[f"{a}..{b}" for a, b in PERIODS])
    def test_every_period_agency_and_licence_type(self, dataset, settings, agency_nf, agency_hb, span):
        for agency in (None, agency_nf.pk, agency_hb.pk):
            for licence_type in ("", "facility", "power_business"):
                f = DashboardFilters(
                    date_from=span[0],
                    date_to=span[1],
                    today=D(2026, 1, 15),
                    agency_id=agency,
                    all_agencies=agency is None,
                    licence_type=licence_type,
                )
                _same_as_facts_alone(f, settings)

    def test_the_hand_computed_figures_come_from_the_rollup(self, dataset, settings, march_nf):
        """March 2025 and March 2024 are whole months: corrupt their month rows and the figure moves —
        the facts alone would not."""
        march = ApplicationFactTotal.objects.filter(
            grain=FactGrain.MONTH, day=D(2025, 3, 1), slice=FactSlice.KIND
        )
        assert march.exists()
        rows = rows_by(selectors.figure_summary(march_nf), "metric")
        assert (rows["received"]["current"], rows["avg_days"]["current"], rows["avg_days"]["previous"]) == (
            4,
            10.0,
            20.0,
        )
        march.update(received=100)
        assert rows_by(selectors.figure_summary(march_nf), "metric")["received"]["current"] > 4
        settings.OVERSIGHT_DASHBOARD_ROLLUP = False
        assert rows_by(selectors.figure_summary(march_nf), "metric")["received"]["current"] == 4

    def test_one_query_per_figure_either_way(self, dataset, settings, march_all, django_assert_num_queries):
        for on in (True, False):
            settings.OVERSIGHT_DASHBOARD_ROLLUP = on
            with django_assert_num_queries(1):
                selectors.figure_summary(march_all)
            with django_assert_num_queries(1):
                selectors.figure_days_by_kind(march_all)
            with django_assert_num_queries(2):  # + the live "open and overdue now"
                selectors.figure_on_time_by_officer(march_all)


class TestKeptUpToDate:
    def test_the_sync_recounts_a_closed_month_it_changed(
        self, dataset, settings, march_nf, enterprise_user, officer, approver
    ):
        Flow(enterprise_user, scopes=(("install", "3"),)).submit(D(2025, 3, 5)).accept(
            D(2025, 3, 6), officer
        ).decide(D(2025, 3, 13), approver)
        services.oversight_sync()
        rows = by_metric(_same_as_facts_alone(march_nf, settings)["figure_summary"])
        assert (rows["received"]["current"], rows["decisions"]["current"]) == (5, 5)
        assert rows["avg_days"]["current"] == pytest.approx((8 + 22 + 2 + 8 + 5) / 5, abs=0.05)
        day = ApplicationFactTotal.objects.get(
            grain=FactGrain.DAY, day=D(2025, 3, 13), slice=FactSlice.KIND, agency__code="NF", kind="new"
        )
        assert (day.received, day.decisions, day.days_sum) == (0, 1, 5)

    def test_today_counts_at_once_from_the_facts(
        self, db, settings, enterprise_user, officer, approver, agency_nf
    ):
        from django.utils import timezone

        today = timezone.localdate()
        Flow(enterprise_user).submit(today).accept(today, officer).decide(today, approver)
        services.oversight_sync()
        f = DashboardFilters(
            date_from=today - dt.timedelta(days=400), date_to=today, today=today, agency_id=agency_nf.pk
        )
        rows = by_metric(_same_as_facts_alone(f, settings)["figure_summary"])
        assert (rows["received"]["current"], rows["decisions"]["current"]) == (1, 1)

    def test_the_calendar_recount_refreshes_the_months(self, dataset, settings, march_nf):
        services.application_facts_recompute([2025])
        _same_as_facts_alone(march_nf, settings)

    def test_the_nightly_rebuild_heals_a_lost_rollup(self, dataset, settings, march_all):
        expected = _figures(march_all)
        ApplicationFactTotal.objects.all().delete()
        assert _figures(march_all) != expected
        assert services.fact_totals_rebuild() == ApplicationFactTotal.objects.count() > 0
        assert _figures(march_all) == expected
        _same_as_facts_alone(
            DashboardFilters(today=D(2026, 1, 15), all_agencies=True, **MARCH_2025), settings
        )

    def test_the_nightly_task_recounts_the_last_two_months(
        self, db, settings, enterprise_user, officer, approver, agency_nf
    ):
        from django.utils import timezone

        from oversight import tasks

        today = timezone.localdate()
        Flow(enterprise_user).submit(today).accept(today, officer).decide(today, approver)
        services.oversight_sync()
        f = DashboardFilters(date_from=today, date_to=today, today=today, agency_id=agency_nf.pk)
        ApplicationFactTotal.objects.filter(grain=FactGrain.DAY, day=today).update(received=7)
        assert by_metric(selectors.figure_summary(f).rows)["received"]["current"] == 7
        assert tasks.fact_totals.run() > 0
        assert by_metric(_same_as_facts_alone(f, settings)["figure_summary"])["received"]["current"] == 1

    def test_the_nightly_task_is_scheduled(self):
        import oversight.periodic  # noqa: F401 — what setup_periodic_tasks imports
        from core.periodic import PERIODIC_TASKS

        assert any(task == "oversight.fact_totals" for _name, task, _cron in PERIODIC_TASKS)

    def test_rebuilding_twice_changes_nothing(self, dataset):
        def snapshot():
            return sorted(
                ApplicationFactTotal.objects.values_list(
                    "grain",
                    "day",
                    "slice",
                    "agency",
                    "licence_type",
                    "kind",
                    "credit_tier",
                    "handled_by",
                    "received",
                    "decided",
                    "decisions",
                    "timed",
                    "in_time",
                    "late",
                    "days_sum",
                    "days_count",
                ),
                key=str,
            )

        first = snapshot()
        services.fact_totals_rebuild()
        assert snapshot() == first
        # March 2025 of agency NF, kind "new": received N1, N4, N5; decided N1, N2 (late), N4
        row = ApplicationFactTotal.objects.get(
            grain=FactGrain.MONTH, day=D(2025, 3, 1), slice=FactSlice.KIND, agency__code="NF", kind="new"
        )
        assert (row.received, row.decisions, row.timed, row.in_time, row.late) == (3, 3, 3, 2, 1)
        assert (row.days_sum, row.days_count) == (8 + 22 + 8, 3)
