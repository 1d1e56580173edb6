import threading

import pytest
from django.db import connection, transaction

from accounts.models import Agency
from documents.models import Document, Letterhead, NumberCounter
from documents.samples import SAMPLE_CONTEXTS
from documents.selectors import default_issuer_code, letterhead_for
from documents.services import document_request, number_allocate


def allocate(agency, doc_type="acceptance_notice", year=2026) -> int:
    with transaction.atomic():
        return number_allocate(agency=agency, doc_type=doc_type, year=year)


def test_sequences_are_per_agency_type_and_year(agency_nf, agency_hb):
    assert [allocate(agency_nf) for _ in range(3)] == [1, 2, 3]
    assert allocate(agency_nf, "correction_notice") == 1
    assert allocate(agency_hb) == 1
    assert allocate(agency_nf, year=2027) == 1
    assert allocate(agency_nf) == 4
    assert NumberCounter.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(seeded_agencies):
    agency_nf = Agency.objects.get(code="NF")
    with pytest.raises(RuntimeError):
        number_allocate(agency=agency_nf, doc_type="acceptance_notice", year=2026)


def test_a_rolled_back_document_gives_its_number_back(issue, agency_nf, enterprise, officer):
    issue(render=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        document_request(
            doc_type="acceptance_notice", agency=agency_nf, enterprise=enterprise,
            subject_type="licensing.application", subject_id="2", context=SAMPLE_CONTEXTS["acceptance_notice"],
            actor=officer,
        )  # fmt: skip
        raise RuntimeError("the caller's event failed after the document was requested")
    third = issue(subject_id="3", render=False)
    assert third.sequence == 2  # no gap
    assert list(Document.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]


def test_number_format_follows_gb_t_9704(issue, agency_nea, agency_hb, enterprise):
    year = issue(render=False).issued_on.year
    assert Document.objects.get().number == f"南方能监许受〔{year}〕1号"
    assert issue("penalty_decision", subject_id="p1", render=False).number == f"南方能监罚〔{year}〕1号"
    assert issue(agency=agency_nea, subject_id="n1", render=False).number == f"国能许受〔{year}〕1号"


def test_default_issuer_codes(db):
    codes = {a.code: default_issuer_code(a) for a in Agency.objects.all()}
    assert codes["NF"] == "南方能监"
    assert codes["SX"] == "山西能监办"
    assert codes["NEA"] == "国能"
    assert len(set(codes.values())) == len(codes)  # numbers of two agencies never collide


def test_a_letterhead_overrides_the_issuer_code_and_header(issue, agency_nf):
    Letterhead.objects.create(agency=agency_nf, issuer_code="南监能", header_name="国家能源局南方监管局")
    assert letterhead_for(agency_nf) == ("南监能", "国家能源局南方监管局")
    document = issue(render=False)
    assert document.number.startswith("南监能许受〔")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_get_distinct_gap_free_numbers(postgres_db, seeded_agencies, monkeypatch):
    """Eight threads issue documents of one type at once, the first of the year included (the
    counter row does not exist yet): every number is used exactly once, none is skipped."""
    from documents import tasks
    from tests.factories import EnterpriseFactory, UserFactory

    monkeypatch.setattr(tasks.render_document, "delay", lambda *a, **k: None)
    agency = Agency.objects.get(code="NF")
    enterprise = EnterpriseFactory(province="44")
    officer = UserFactory(username="race_officer", role="officer", agency=agency)
    threads_count, per_thread = 8, 5
    barrier = threading.Barrier(threads_count)
    errors = []

    def worker(n):
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                with transaction.atomic():
                    document_request(
                        doc_type="acceptance_notice", agency=agency, enterprise=enterprise,
                        subject_type="licensing.application", subject_id=f"race-{n}-{i}",
                        context=SAMPLE_CONTEXTS["acceptance_notice"], actor=officer,
                    )  # fmt: skip
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    sequences = sorted(Document.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, threads_count * per_thread + 1))
    assert NumberCounter.objects.get(agency=agency).last_value == threads_count * per_thread
    assert Document.objects.values("number").distinct().count() == threads_count * per_thread
