import datetime as dt

import pytest
from django.utils import timezone

from core import calendar


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    calendar.invalidate()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_record(db):
    """A credit record through the real service (tier recomputed, periods from the policy)."""
    from credit import services

    counter = {"n": 0}

    def make(enterprise, **fields):
        counter["n"] += 1
        values = {
            "category": "dishonest",
            "grade": "serious",
            "title": f"测试失信记录{counter['n']}",
            "occurred_on": timezone.localdate() - dt.timedelta(days=10),
            "source": "test",
        }
        values.update(fields)
        return services.credit_record_create(enterprise=enterprise, **values)

    return make
