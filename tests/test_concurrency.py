"""Races on PostgreSQL (row locks): one credit request handled by two officers at once, and sequence
numbers drawn by many threads. Application transitions: licensing/tests/test_api.py; penalty cases:
penalties/tests/test_concurrency.py."""

import datetime as dt
import threading

from django.db import connection, transaction

from core import sequences
from core.exceptions import ConflictError, DomainError
from core.models import AuditLog


def race(workers, target):
    barrier = threading.Barrier(len(workers))
    outcomes = {}

    def run(worker):
        try:
            barrier.wait(timeout=10)
            outcomes[worker] = target(worker)
        except ConflictError:
            outcomes[worker] = "conflict"
        except DomainError as exc:
            outcomes[worker] = f"refused: {exc.code}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_one_credit_request_accepted_by_two_officers_at_once(
    postgres_concurrent, enterprise_user, officer, officer2
):
    from credit import services
    from credit.models import CreditRequest

    record = services.credit_record_create(
        enterprise=enterprise_user.enterprise,
        category="dishonest",
        grade="serious",
        title="并发测试",
        occurred_on=dt.date.today() - dt.timedelta(days=10),
        source="test",
    )
    request = services.credit_request_file(
        kind="objection", record=record, user=enterprise_user, statement="记录有误"
    )
    outcomes = race(
        [officer, officer2],
        lambda user: services.credit_request_accept(request=request, actor=user) and "accepted",
    )
    assert sorted(outcomes.values()) == ["accepted", "conflict"], outcomes
    assert CreditRequest.objects.get(pk=request.pk).state == "accepted"
    accepted = AuditLog.objects.filter(object_id=str(request.pk), action__contains="accept")
    assert accepted.count() == 1, list(accepted.values("action", "actor_repr"))


def test_sequence_numbers_stay_unique_and_gap_free_under_parallel_issue(postgres_concurrent):
    drawn: list[int] = []
    lock = threading.Lock()

    def issue(worker):
        for n in range(5):
            try:
                with transaction.atomic():
                    value = sequences.next_value("test:parallel")
                    if worker == 0 and n == 2:
                        raise RuntimeError("rolled back: the number is given back")
                    with lock:
                        drawn.append(value)
            except RuntimeError:
                pass
        return "done"

    outcomes = race(list(range(6)), issue)
    assert set(outcomes.values()) == {"done"}
    assert sorted(drawn) == list(range(1, len(drawn) + 1)), "unique and without gaps"
    assert len(drawn) == 6 * 5 - 1
