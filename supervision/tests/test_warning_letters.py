"""监管预警提示函: one letter per warning of a scan, printed as one bulk job from the warnings page or the
API; what is left out, what is refused, and what the letters say."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.exceptions import DomainError
from core.models import Notification
from documents.models import BulkJob, Document, NumberCounter
from supervision import letters, scan
from supervision.models import LicenceWarning
from tests.factories import LicenceFactory, staff_enterprise

TODAY = timezone.localdate()


@pytest.fixture
def scanned(enterprise, other_enterprise, far_enterprise):
    """A scan finding a personnel shortfall (NF), an expiry reminder (NF) and a warning of another agency."""
    staff_enterprise(enterprise, personnel_shortfall={"professional": 1})
    staff_enterprise(other_enterprise)
    staff_enterprise(far_enterprise, personnel_shortfall={"professional": 1})
    LicenceFactory(enterprise=enterprise)
    LicenceFactory(enterprise=other_enterprise, valid_until=TODAY + dt.timedelta(days=40))
    LicenceFactory(enterprise=far_enterprise)
    return scan.scan_run(on=TODAY)


def nf_warnings():
    return LicenceWarning.objects.filter(agency__code="NF", status__in=LicenceWarning.ACTIVE)


def combined_text(job: BulkJob) -> tuple[str, int]:
    job.refresh_from_db()
    data = job.combined_file.storage.open(job.combined_file.name, "rb").read()
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace("\n", ""), len(reader.pages)


def test_the_officer_prints_every_letter_of_a_scan_as_one_job(
    client, officer, scanned, django_capture_on_commit_callbacks
):
    expected = list(nf_warnings().filter(opened_run=scanned).select_related("licence", "enterprise"))
    assert {w.type for w in expected} == {"personnel_shortfall", "expiring"}
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('supervision:warning-letters')}?run={scanned.pk}&status=all")
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:bulk-job", args=[job.pk]
    )
    assert job.total == len(expected) and job.doc_type == "supervision_warning"
    assert job.agency.code == "NF" and job.state == BulkJob.State.FINISHED

    text, pages = combined_text(job)
    assert pages >= len(expected)
    assert text.count("监管预警提示函") >= len(expected)
    for warning in expected:
        assert warning.licence.number in text
        assert warning.enterprise.name in text
    assert "人员不满足许可条件" in text and "许可证有效期即将届满" in text
    assert "有效期延续申请" in text  # the expiring licence's required action
    assert "本提示函不是行政处罚决定" in text
    # each warning's page lists its letter
    page = client.get(reverse("supervision:warning", args=[expected[0].pk])).content.decode()
    assert Document.objects.get(subject_id=str(expected[0].pk)).number in page


def test_printing_again_leaves_out_what_has_a_letter_and_refuses_when_nothing_is_left(
    client, officer, scanned, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    first = nf_warnings().order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        letters.warning_letters_bulk(warnings=nf_warnings().filter(pk=first.pk), actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        job, skipped = letters.warning_letters_bulk(warnings=nf_warnings(), actor=officer)
    assert skipped == 1 and job.total == nf_warnings().count() - 1

    counters = list(NumberCounter.objects.values_list("last_value", flat=True))
    response = client.post(reverse("supervision:warning-letters"), follow=True)
    assert "已有提示函" in response.content.decode() or "没有可打印" in response.content.decode()
    assert BulkJob.objects.count() == 2
    assert list(NumberCounter.objects.values_list("last_value", flat=True)) == counters


def test_a_selection_beyond_the_limit_is_refused_and_uses_no_number(officer, scanned, monkeypatch):
    monkeypatch.setattr(letters, "WARNING_LETTERS_MAX", 1)
    with pytest.raises(DomainError) as refused:
        letters.warning_letters_bulk(warnings=nf_warnings(), actor=officer)
    assert refused.value.code == "warning_letters_too_many"
    assert not Document.objects.exists() and not BulkJob.objects.exists()
    assert not NumberCounter.objects.exists()


def test_warnings_of_another_agency_are_refused(officer, scanned):
    with pytest.raises(DomainError) as refused:
        letters.warning_letters_bulk(warnings=LicenceWarning.objects.all(), actor=officer)
    assert refused.value.code == "warning_letters_agency"
    assert not Document.objects.exists()


def test_internal_findings_get_no_letter(officer, scanned):
    warning = nf_warnings().first()
    LicenceWarning.objects.filter(pk=warning.pk).update(type=LicenceWarning.Type.CONDITIONS_MISSING)
    with pytest.raises(DomainError):
        letters.warning_letters_bulk(warnings=nf_warnings().filter(pk=warning.pk), actor=officer)


@pytest.mark.parametrize("who", ["supervisor", "enterprise_user"])
def test_only_officers_and_approvers_print(client, request, who, scanned):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("supervision:warning-letters")).status_code == 403
    assert not BulkJob.objects.exists()


def test_the_print_button_shows_for_officers_only(client, officer, supervisor, scanned):
    client.force_login(officer)
    assert (
        'data-testid="print-letters"'
        in client.get(f"/supervision/warnings/?run={scanned.pk}").content.decode()
    )
    client.force_login(supervisor)
    assert 'data-testid="print-letters"' not in client.get("/supervision/warnings/").content.decode()


def test_the_run_filter_narrows_the_list(client, officer, scanned):
    client.force_login(officer)
    LicenceWarning.objects.filter(agency__code="NF").update(opened_run=None)
    html = client.get(f"/supervision/warnings/?run={scanned.pk}").content.decode()
    assert "No warnings match." in html or "没有符合条件的预警" in html
    assert client.get("/supervision/warnings/?run=999999").status_code == 200  # invalid choice: no 500


def test_the_api_prints_and_reports_progress(api, officer, scanned, django_capture_on_commit_callbacks):
    api.force_authenticate(officer)
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(f"/api/v1/supervision/warnings/letters/?run={scanned.pk}")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["total"] == nf_warnings().count() and body["skipped"] == 0
    progress = api.get(body["progress"]).json()
    assert progress["state"] == "queued" and progress["done"] == 0 and progress["total"] == body["total"]
    assert api.get(f"/api/v1/documents/bulk/{body['job']}/file/").status_code == 409

    from documents.services import bulk_job_process

    bulk_job_process(job_id=body["job"])
    progress = api.get(body["progress"]).json()
    assert progress["state"] == "finished" and progress["done"] == body["total"]
    pdf = api.get(f"/api/v1/documents/bulk/{body['job']}/file/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    again = api.post(f"/api/v1/supervision/warnings/letters/?run={scanned.pk}")
    assert again.status_code == 400 and again.json()["code"] == "warning_letters_empty"
    assert api.post("/api/v1/supervision/warnings/letters/?run=abc").status_code == 400


def test_the_enterprise_finds_its_letter_on_its_warning_and_downloads_it(
    client, officer, enterprise_user, other_enterprise_user, scanned, django_capture_on_commit_callbacks
):
    warning = nf_warnings().get(enterprise=enterprise_user.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        letters.warning_letters_bulk(warnings=nf_warnings(), actor=officer)
    letter = Document.objects.get(subject_id=str(warning.pk))
    # told through the outbox once the job is stored: one notification per enterprise, with the numbers
    note = Notification.objects.get(user=enterprise_user, link__startswith="/supervision/mine/?letters=")
    assert letter.number in note.body and warning.licence.number in note.body
    other = Notification.objects.get(user=other_enterprise_user, link=note.link)  # told of its own only
    assert letter.number not in other.body
    assert letters.warning_letters_notify(letter.bulk_job_id) == 0  # a redelivered task tells nobody twice
    assert (
        Notification.objects.filter(link=note.link).count()
        == nf_warnings().values("enterprise").distinct().count()
    )
    client.force_login(enterprise_user)
    html = client.get(reverse("supervision:warning", args=[warning.pk])).content.decode()
    assert letter.number in html
    download = client.get(reverse("documents:download", args=[letter.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.force_login(other_enterprise_user)  # another enterprise: neither the warning nor the letter
    assert client.get(reverse("supervision:warning", args=[warning.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 404
