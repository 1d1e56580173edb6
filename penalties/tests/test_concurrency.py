"""Two approvers deciding the same case at the same moment: exactly one decision, one credit record,
one decision number; the other approver is told someone acted first (PostgreSQL row locks)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from core.exceptions import ConflictError
from core.models import AuditLog, Sequence
from credit.models import CreditRecord
from penalties import services
from penalties.models import PenaltyCase, State
from penalties.tests.helpers import investigate, notify, open_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_approvers_deciding_at_once_one_wins(
    postgres_db, reference_data, enterprise, enterprise_user, officer, approver, approver2
):
    case = notify(investigate(open_case(enterprise, officer), officer), officer)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(user):
        try:
            barrier.wait(timeout=10)
            services.case_decide(case=case.pk, approver=user, reason="", today=dt.date(2026, 3, 10))
            outcomes[user.username] = "decided"
        except ConflictError:
            outcomes[user.username] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in (approver, approver2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "decided"]
    case = PenaltyCase.objects.get(pk=case.pk)
    winner = next(name for name, outcome in outcomes.items() if outcome == "decided")
    assert case.state == State.DECIDED and case.decided_by.username == winner
    assert CreditRecord.objects.filter(source_ref=f"case-{case.pk}").count() == 1
    assert AuditLog.objects.filter(action="penalty.decide").count() == 1
    assert Sequence.objects.get(key="penalty_decision:NF:2026").last_value == 1
