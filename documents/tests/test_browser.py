"""In Chromium: a bulk job's page polls (htmx) from 正在生成 to the download link; the public
verification page answers for a genuine and an unknown code."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_bulk_job_page_updates_itself_until_the_combined_pdf_is_ready(
    seeded_agencies, page, artifacts_dir, monkeypatch
):
    from django.db import transaction

    from accounts.models import Agency
    from documents import tasks
    from documents.samples import SAMPLE_CONTEXTS
    from documents.services import bulk_job_process, document_bulk_request
    from tests.factories import EnterpriseFactory, UserFactory

    # the outbox sends with apply_async: hold the job back so the page can be seen queued first
    monkeypatch.setattr(tasks.process_bulk_job, "apply_async", lambda *a, **k: None)
    agency = Agency.objects.get(code="NF")
    officer = UserFactory(username="doc_officer", role="officer", agency=agency)
    items = [
        {
            "enterprise": EnterpriseFactory(province="44"),
            "subject_type": "supervision.inspection",
            "subject_id": str(n),
            "context": SAMPLE_CONTEXTS["rectification_order"],
        }
        for n in range(3)
    ]
    with transaction.atomic():
        job = document_bulk_request(
            doc_type="rectification_order",
            agency=agency,
            items=items,
            actor=officer,
            title="责令整改通知书批量送达",
        )
    login(page, "doc_officer")
    page.goto(page.base_url + f"/documents/bulk/{job.pk}/")
    assert page.locator("[data-testid=bulk-progress]").get_attribute("data-state") == "queued"
    assert page.locator("[data-testid=document-pending]").count() == 3
    page.screenshot(path=str(artifacts_dir / "documents-bulk-pending.png"), full_page=True)

    bulk_job_process(job_id=job.pk)
    page.wait_for_selector("[data-testid=bulk-download]", timeout=20000)
    page.wait_for_selector("[data-testid=document-download]", timeout=20000)
    assert "已生成 3 / 3 份文书" in page.inner_text("[data-testid=bulk-progress]")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=document-pending]').length === 0", timeout=20000
    )
    page.screenshot(path=str(artifacts_dir / "documents-bulk-finished.png"), full_page=True)


def test_public_verification_page(seeded_agencies, page, artifacts_dir, monkeypatch):
    from django.db import transaction

    from accounts.models import Agency
    from documents import tasks
    from documents.samples import SAMPLE_CONTEXTS
    from documents.services import document_request
    from tests.factories import EnterpriseFactory

    monkeypatch.setattr(tasks.render_document, "delay", lambda *a, **k: None)
    enterprise = EnterpriseFactory(province="44", name="广东粤电送变电工程有限公司")
    with transaction.atomic():
        document = document_request(
            doc_type="licence_certificate",
            agency=Agency.objects.get(code="NF"),
            enterprise=enterprise,
            subject_type="licensing.licence",
            subject_id="1",
            context=SAMPLE_CONTEXTS["licence_certificate"],
            actor=None,
        )
    page.goto(page.base_url + "/verify/")
    page.fill("#verify-code", document.display_code.lower())
    page.click("form[role=search] button")
    page.wait_for_selector("[data-testid=verify-result]")
    assert page.get_attribute("[data-testid=verify-result]", "data-result") == "current"
    assert "广东粤电送变电工程有限公司" in page.inner_text("[data-testid=verify-facts]")
    page.screenshot(path=str(artifacts_dir / "documents-verify-genuine.png"), full_page=True)

    page.goto(page.base_url + "/verify/ABCDEFGHJKMNPQRS")
    assert page.get_attribute("[data-testid=verify-result]", "data-result") == "not-genuine"
    page.screenshot(path=str(artifacts_dir / "documents-verify-not-genuine.png"), full_page=True)
