"""The party's periods are counted in working days on the statutory calendar (holidays and 调休)."""

import datetime as dt

import pytest

from core import calendar
from core.exceptions import DomainError
from core.models import CalendarDay, CalendarYear
from penalties import services
from penalties.models import PenaltyCase, ProcedureRule
from penalties.tests.helpers import investigate, notify, open_case


def notified_on(enterprise, officer, day):
    case = investigate(open_case(enterprise, officer, today=day - dt.timedelta(days=7)), officer)
    return notify(case, officer, today=day)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        # National Day 2025: 1–8 October off, Saturday 11 October worked
        (dt.date(2025, 9, 30), dt.date(2025, 10, 14)),
        # Spring Festival 2026: 15–23 February off, Saturday 14 February worked
        (dt.date(2026, 2, 13), dt.date(2026, 2, 27)),
        # Labour Day 2026
        (dt.date(2026, 4, 30), dt.date(2026, 5, 11)),
        # an ordinary week
        (dt.date(2026, 3, 2), dt.date(2026, 3, 9)),
    ],
)
def test_periods_across_holidays(enterprise, enterprise_user, officer, day, due):
    case = notified_on(enterprise, officer, day)
    assert (case.statement_due, case.hearing_request_due) == (due, due)
    assert not case.deadlines_provisional


def test_the_periods_are_data(enterprise, enterprise_user, officer):
    ProcedureRule.objects.update(statement_working_days=3, hearing_request_working_days=5)
    case = notified_on(enterprise, officer, dt.date(2025, 9, 30))
    assert case.statement_due == dt.date(2025, 10, 11)  # the adjusted working Saturday counts
    assert case.hearing_request_due == dt.date(2025, 10, 14)


def test_a_decision_on_the_last_day_is_refused_the_day_after_allowed(
    enterprise, enterprise_user, officer, approver
):
    case = notified_on(enterprise, officer, dt.date(2026, 2, 13))
    for day in (dt.date(2026, 2, 24), dt.date(2026, 2, 27)):
        with pytest.raises(DomainError) as err:
            services.case_decide(case=case, approver=approver, reason="", today=day)
        assert err.value.code == "period_running" and "2026-02-27" in err.value.message
    case = services.case_decide(case=case, approver=approver, reason="", today=dt.date(2026, 2, 28))
    assert case.payment_due == dt.date(2026, 3, 15)  # 15 days (行政处罚法 art. 67)


def test_a_request_on_the_last_day_is_in_time(enterprise, enterprise_user, officer):
    case = notified_on(enterprise, officer, dt.date(2025, 9, 30))
    assert (
        services.hearing_request(case=case, actor=enterprise_user, today=dt.date(2025, 10, 14)).state
        == "hearing_requested"
    )


@pytest.fixture
def fresh_calendar():
    """The calendar is cached per process: forget what this test loaded once it is rolled back."""
    calendar.invalidate()
    yield
    calendar.invalidate()


def test_periods_into_an_unpublished_year_are_provisional_and_recounted(
    enterprise, enterprise_user, officer, fresh_calendar, django_capture_on_commit_callbacks
):
    case = notified_on(enterprise, officer, dt.date(2026, 12, 28))
    assert case.statement_due == dt.date(2027, 1, 5) and case.deadlines_provisional
    # the State Council publishes 2027 with 4 January off as well; saving the year announces the change
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.update_or_create(
            date=dt.date(2027, 1, 1), defaults={"kind": "holiday", "name": "元旦"}
        )
        CalendarDay.objects.update_or_create(
            date=dt.date(2027, 1, 4), defaults={"kind": "holiday", "name": "元旦"}
        )
        CalendarYear.objects.update_or_create(year=2027, defaults={"status": "official"})
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.statement_due == case.hearing_request_due == dt.date(2027, 1, 6)
    assert not case.deadlines_provisional


def test_the_decision_is_due_ninety_days_after_filing(enterprise, officer):
    assert open_case(enterprise, officer, today=dt.date(2026, 3, 2)).decision_due == dt.date(2026, 5, 31)
