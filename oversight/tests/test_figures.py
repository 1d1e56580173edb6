"""Each dashboard figure against the hand-computed dataset of conftest.py (two agencies, two years)."""

import datetime as dt

import pytest

from oversight import selectors
from oversight.models import ApplicationFact
from oversight.selectors import DashboardFilters
from oversight.tests.conftest import MARCH_2025, D, rows_by


def test_facts_count_working_days_once_per_decision(dataset):
    facts = {key: ApplicationFact.objects.get(application=app) for key, app in dataset.items()}
    assert {k: f.working_days_taken for k, f in facts.items()} == {
        "N1": 8,
        "N2": 22,
        "N3": 2,
        "N4": 8,
        "N5": None,
        "P1": 20,
        "P2": 20,
        "P3": None,
        "H1": 20,
        "H2": 21,
    }
    assert facts["N4"].paused_working_days == 5
    assert facts["N4"].deadline == D(2025, 4, 8)
    assert (facts["N2"].on_time, facts["N2"].late_working_days, facts["N2"].deadline) == (
        False,
        2,
        D(2025, 3, 24),
    )
    assert (facts["H1"].on_time, facts["H1"].late_working_days) == (True, 0)
    assert facts["N2"].credit_tier == "dishonest" and facts["N1"].credit_tier == "trustworthy"
    assert facts["P3"].outcome == "not_accepted" and facts["N5"].outcome == ""
    assert facts["N5"].extension_days == 10 and facts["N5"].deadline == D(2025, 4, 28)


def test_summary_of_one_agency_year_on_year(dataset, march_nf):
    figure = selectors.figure_summary(march_nf)
    rows = rows_by(figure, "metric")
    assert (rows["received"]["current"], rows["received"]["previous"], rows["received"]["change"]) == (
        4,
        2,
        100.0,
    )
    assert (rows["decisions"]["current"], rows["decisions"]["previous"], rows["decisions"]["change"]) == (
        4,
        2,
        100.0,
    )
    assert (
        rows["on_time_rate"]["current"],
        rows["on_time_rate"]["previous"],
        rows["on_time_rate"]["change"],
    ) == (
        75.0,
        100.0,
        -25.0,
    )
    # seed 002: "applications +100 %, processing time −50 %"
    assert (rows["avg_days"]["current"], rows["avg_days"]["previous"], rows["avg_days"]["change"]) == (
        10.0,
        20.0,
        -50.0,
    )
    assert figure.display_rows()[3][1:] == ["10.0", "20.0", "-50.0%"]
    assert figure.display_rows()[2][1:] == ["75.0%", "100.0%", "-25.0%"]


def test_summary_of_all_agencies(dataset, march_all):
    rows = rows_by(selectors.figure_summary(march_all), "metric")
    assert (rows["received"]["current"], rows["received"]["previous"], rows["received"]["change"]) == (
        6,
        2,
        200.0,
    )
    assert (rows["decisions"]["current"], rows["on_time_rate"]["current"]) == (5, 80.0)
    assert (rows["avg_days"]["current"], rows["avg_days"]["change"]) == (12.0, -40.0)


def test_licence_type_filter(dataset, agency_nf):
    f = DashboardFilters(
        today=D(2026, 1, 15), agency_id=agency_nf.pk, licence_type="power_business", **MARCH_2025
    )
    rows = rows_by(selectors.figure_summary(f), "metric")
    assert rows["received"]["current"] == 0 and rows["avg_days"]["current"] is None


def test_days_by_kind_and_tier(dataset, march_nf):
    kinds = rows_by(selectors.figure_days_by_kind(march_nf), "kind")
    assert set(kinds) == {"new", "registration_change"}
    new = kinds["new"]
    assert (new["received"], new["received_prev"], new["received_change"]) == (3, 2, 50.0)
    assert (new["decisions"], new["decisions_prev"], new["days"], new["days_prev"], new["days_change"]) == (
        3,
        2,
        12.7,
        20.0,
        -36.7,
    )
    reg = kinds["registration_change"]
    assert (reg["received"], reg["received_prev"], reg["received_change"], reg["days"], reg["days_prev"]) == (
        1,
        0,
        None,
        2.0,
        None,
    )
    tiers = rows_by(selectors.figure_days_by_tier(march_nf), "credit_tier")
    assert tiers["trustworthy"]["days"] == 6.0 and tiers["dishonest"]["days"] == 22.0
    assert tiers["trustworthy"]["days_prev"] == 20.0 and tiers["dishonest"]["days_prev"] is None


def test_on_time_by_kind_tier_officer(dataset, march_nf, officer, officer2):
    kinds = rows_by(selectors.figure_on_time_by_kind(march_nf), "kind")
    assert {
        k: (r["decisions"], r["on_time"], r["late"], r["on_time_rate"], r["overdue_open"])
        for k, r in kinds.items()
    } == {
        "new": (3, 2, 1, 66.7, 1),
        "registration_change": (1, 1, 0, 100.0, 0),
    }
    tiers = rows_by(selectors.figure_on_time_by_tier(march_nf), "credit_tier")
    assert {k: (r["decisions"], r["on_time"], r["late"], r["overdue_open"]) for k, r in tiers.items()} == {
        "trustworthy": (3, 3, 0, 1),
        "dishonest": (1, 0, 1, 0),
    }
    officers = rows_by(selectors.figure_on_time_by_officer(march_nf), "handled_by")
    assert {
        k: (r["officer"], r["decisions"], r["on_time_rate"], r["days"], r["overdue_open"])
        for k, r in officers.items()
    } == {
        officer.pk: ("officer", 2, 50.0, 15.0, 0),
        officer2.pk: ("officer2", 2, 100.0, 5.0, 1),
    }


def test_on_time_by_agency_only_for_all_agencies(dataset, march_all, agency_nf, agency_hb):
    from oversight import panels

    agencies = rows_by(selectors.figure_on_time_by_agency(march_all), "agency")
    assert {k: (r["decisions"], r["on_time"], r["late"], r["overdue_open"]) for k, r in agencies.items()} == {
        "南方局": (4, 3, 1, 1),
        "华北局": (1, 1, 0, 0),
    }
    keys = [f.key for _p, figures in panels.build_figures(march_all) for f in figures]
    assert "on_time_by_agency" in keys
    one = DashboardFilters(today=D(2026, 1, 15), agency_id=agency_nf.pk, **MARCH_2025)
    assert "on_time_by_agency" not in [f.key for _p, figures in panels.build_figures(one) for f in figures]


def test_overdue_list(dataset, march_nf, march_all):
    from core import calendar

    rows = selectors.figure_overdue_list(march_nf).rows
    assert [r["number"] for r in rows] == [dataset["N5"].number]
    assert rows[0]["deadline"] == D(2025, 4, 28)
    assert rows[0]["late"] == calendar.working_days_between(D(2025, 4, 28), D(2026, 1, 15)).days
    # before the due date nothing is overdue
    early = DashboardFilters(today=D(2025, 4, 28), agency_id=march_nf.agency_id, **MARCH_2025)
    assert selectors.figure_overdue_list(early).rows == []


def test_credit_tiers(dataset, march_nf, march_all, other_enterprise):
    """Current tiers: the 2024 record of the dishonest applicant no longer counts; a new severe one does."""
    from django.utils import timezone

    from credit.services import credit_record_create

    counts = {r["tier"]: r["count"] for r in selectors.figure_credit_tiers(march_nf).rows}
    assert counts == {"good": 0, "trustworthy": 2, "dishonest": 0, "seriously_dishonest": 0}
    credit_record_create(
        enterprise=other_enterprise,
        category="dishonest",
        grade="severe",
        title="严重失信",
        occurred_on=timezone.localdate() - dt.timedelta(days=5),
        source="test",
    )
    counts = {r["tier"]: r["count"] for r in selectors.figure_credit_tiers(march_nf).rows}
    assert counts == {"good": 0, "trustworthy": 1, "dishonest": 0, "seriously_dishonest": 1}
    counts = {r["tier"]: r["count"] for r in selectors.figure_credit_tiers(march_all).rows}
    assert counts["trustworthy"] == 2 and counts["seriously_dishonest"] == 1
    shares = {r["tier"]: r["share"] for r in selectors.figure_credit_tiers(march_nf).rows}
    assert shares["seriously_dishonest"] == 50.0


def test_previous_period_of_a_leap_day():
    f = DashboardFilters(date_from=D(2024, 2, 29), date_to=D(2024, 3, 31), today=D(2024, 4, 1))
    assert f.previous == (D(2023, 2, 28), D(2023, 3, 31))


def test_ratings_and_callbacks_figures(
    db,
    enterprise_user,
    other_enterprise_user,
    officer,
    approver,
    agency_nf,
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from oversight import services
    from oversight.models import ServiceEvent
    from oversight.tests.conftest import Flow

    today = timezone.localdate()
    flows = [Flow(enterprise_user).submit(today).accept(today, officer) for _ in range(4)]
    flows.append(Flow(other_enterprise_user).submit(today).accept(today, officer))
    services.oversight_sync()
    events = {e.application_id: e for e in ServiceEvent.objects.all()}
    levels = ["very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied"]
    for flow, level in zip(flows[:4], levels, strict=True):
        services.rating_create(event=events[flow.app.pk], user=enterprise_user, level=level, comment="意见")
    services.rating_create(
        event=events[flows[4].app.pk],
        user=other_enterprise_user,
        level="dissatisfied",
        comment="匿名",
        anonymous=True,
    )
    f = DashboardFilters(
        date_from=dt.date(today.year, 1, 1), date_to=today, today=today, agency_id=agency_nf.pk
    )
    counts = {r["level"]: r["count"] for r in selectors.figure_ratings(f).rows}
    assert counts == {
        "very_satisfied": 1,
        "satisfied": 1,
        "basically_satisfied": 0,
        "dissatisfied": 2,
        "very_dissatisfied": 1,
    }
    values = {r["metric"]: r["value"] for r in selectors.figure_callbacks(f).rows}
    assert values["bad_real_name"] == 2 and values["bad_anonymous"] == 1
    assert values["called_back"] == 0 and values["callback_rate"] == 0.0 and values["overdue_now"] == 0
    later = DashboardFilters(
        date_from=f.date_from, date_to=today, today=today + dt.timedelta(days=30), agency_id=agency_nf.pk
    )
    assert {r["metric"]: r["value"] for r in selectors.figure_callbacks(later).rows}["overdue_now"] == 2


@pytest.mark.parametrize("level", ["very_satisfied", "basically_satisfied"])
def test_good_reviews_open_no_callback(db, enterprise_user, officer, level):
    from django.utils import timezone

    from oversight import services
    from oversight.models import CallbackTask, ServiceEvent
    from oversight.tests.conftest import Flow

    Flow(enterprise_user).submit(timezone.localdate()).accept(timezone.localdate(), officer)
    services.service_events_sync()
    services.rating_create(event=ServiceEvent.objects.get(), user=enterprise_user, level=level)
    assert not CallbackTask.objects.exists()
