import datetime as dt

import pytest

from core import calendar
from core.models import CalendarDay, CalendarYear
from core.services import calendar_load_official

D = dt.date


@pytest.fixture
def cal(db):
    calendar.invalidate()
    return calendar.get_calendar()


class TestOfficialYear:
    def test_national_day_2026_is_skipped(self, cal):
        # 2026-09-30 is a Wednesday; Oct 1–7 are the National Day holiday.
        assert calendar.add_working_days(D(2026, 9, 30), 1) == calendar.DateResult(D(2026, 10, 8), False)

    def test_adjusted_saturday_counts(self, cal):
        # Saturday 2026-10-10 is an adjusted working day (调休).
        assert calendar.add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 10)
        assert calendar.is_workday(D(2026, 10, 10))
        assert calendar.is_workday(D(2026, 9, 20))  # Sunday before the holiday, also adjusted

    def test_friday_before_adjusted_sunday(self, cal):
        assert calendar.add_working_days(D(2026, 9, 18), 1).date == D(2026, 9, 20)

    def test_mid_autumn_2026(self, cal):
        assert not calendar.is_workday(D(2026, 9, 25))  # Friday, 中秋节

    def test_between_across_holiday(self, cal):
        # (9/28, 10/12]: 9/29, 9/30, 10/8, 10/9, 10/10, 10/12
        assert calendar.working_days_between(D(2026, 9, 28), D(2026, 10, 12)) == calendar.CountResult(
            6, False
        )

    def test_between_is_signed_and_excludes_start(self, cal):
        assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 23)).days == 0
        assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 24)).days == 1
        assert calendar.working_days_between(D(2026, 11, 24), D(2026, 11, 23)).days == -1

    def test_zero_days_is_same_day(self, cal):
        assert calendar.add_working_days(D(2026, 11, 20), 0).date == D(2026, 11, 20)

    def test_twenty_working_days_over_spring_festival(self, cal):
        # 2026 春节: Feb 15–23 off, Feb 14 (Sat) and Feb 28 (Sat) worked.
        result = calendar.add_working_days(D(2026, 2, 6), 20)
        days, count = D(2026, 2, 6), 0
        while count < 20:
            days += dt.timedelta(days=1)
            count += calendar.is_workday(days)
        assert result.date == days
        assert not calendar.is_workday(D(2026, 2, 17))
        assert calendar.is_workday(D(2026, 2, 14))

    def test_negative_days_refused(self, cal):
        with pytest.raises(ValueError):
            calendar.add_working_days(D(2026, 1, 5), -1)


class TestProvisionalYear:
    def test_next_year_is_provisional_with_statutory_holidays(self, cal):
        result = calendar.add_working_days(D(2026, 12, 30), 2)
        # 12/31 Thu, 2027-01-01 New Year (statutory), 01/02-03 weekend, 01/04 Mon
        assert result == calendar.DateResult(D(2027, 1, 4), True)
        assert not calendar.is_workday(D(2027, 2, 6))  # 春节 at its legal (lunar) date
        assert not calendar.is_workday(D(2027, 10, 1))

    def test_result_not_provisional_when_it_stays_in_official_year(self, cal):
        assert calendar.add_working_days(D(2026, 12, 1), 5).provisional is False

    def test_loading_official_schedule_changes_results_and_signals(
        self, cal, django_capture_on_commit_callbacks
    ):
        received = []

        def receiver(sender, years, **kwargs):
            received.append(years)

        calendar.calendar_changed.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                calendar_load_official(
                    year=2027,
                    days={D(2027, 1, 1): ("holiday", "元旦"), D(2027, 1, 2): ("workday", "元旦调休")},
                    source="test",
                )
        finally:
            calendar.calendar_changed.disconnect(receiver)
        assert received == [{2027}]
        result = calendar.add_working_days(D(2026, 12, 30), 2)
        assert result == calendar.DateResult(D(2027, 1, 2), False)
        assert CalendarYear.objects.get(year=2027).status == "official"

    def test_admin_edit_invalidates(self, cal):
        assert calendar.is_workday(D(2026, 11, 23))
        CalendarDay.objects.create(date=D(2026, 11, 23), kind="holiday", name="test")
        assert not calendar.is_workday(D(2026, 11, 23))

    def test_out_of_range(self, cal):
        with pytest.raises(calendar.CalendarRangeError):
            calendar.add_working_days(D(1980, 1, 1), 1)
        with pytest.raises(calendar.CalendarRangeError):
            calendar.add_working_days(D(2026, 1, 1), 3650)


class TestCalendarApi:
    def test_add_working_days(self, api, cal):
        r = api.get("/api/v1/calendar/add-working-days/", {"start": "2026-09-30", "days": 3})
        assert r.status_code == 200
        assert r.json() == {"date": "2026-10-10", "provisional": False}

    def test_between(self, api, cal):
        r = api.get("/api/v1/calendar/working-days-between/", {"start": "2026-09-28", "end": "2026-10-12"})
        assert r.json() == {"days": 6, "provisional": False}

    def test_provisional_flag(self, api, cal):
        r = api.get("/api/v1/calendar/add-working-days/", {"start": "2026-12-30", "days": 2})
        assert r.json() == {"date": "2027-01-04", "provisional": True}

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"start": "2026-13-01", "days": 1}, "start"),
            ({"start": "2026-10-01", "days": "x"}, "days"),
            ({"start": "2026-10-01", "days": -2}, "days"),
            ({"days": 2}, "start"),
            ({"start": "1970-01-01", "days": 1}, "start"),
            ({"start": "2026-10-01", "days": 3000}, "days"),
        ],
    )
    def test_bad_queries_are_400(self, api, cal, params, field):
        r = api.get("/api/v1/calendar/add-working-days/", params)
        assert r.status_code == 400
        assert field in r.json()

    def test_between_bad(self, api, cal):
        r = api.get("/api/v1/calendar/working-days-between/", {"start": "2026-10-01", "end": "nope"})
        assert r.status_code == 400 and "end" in r.json()

    def test_year(self, api, cal):
        r = api.get("/api/v1/calendar/year/", {"year": 2026})
        body = r.json()
        assert "2026-10-10" in body["adjusted_workdays"] and "2026-10-01" in body["holidays"]
        assert body["provisional"] is False
