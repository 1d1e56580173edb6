"""In Chromium: an officer turns a scan warning into a rectification order, the enterprise answers it
with evidence from its inbox, the officer verifies it. Screenshots in test-artifacts/."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_officer_orders_rectification_and_enterprise_answers(reference_data, page, artifacts_dir, tmp_path):
    from accounts.models import Agency
    from supervision import scan
    from supervision.models import LicenceWarning, RectificationOrder
    from tests.factories import EnterpriseFactory, LicenceFactory, UserFactory, staff_enterprise

    nf = Agency.objects.get(code="NF")
    enterprise = EnterpriseFactory(name="浏览器整改测试电力工程有限公司")
    staff_enterprise(enterprise, personnel_shortfall={"skilled_worker": 3})
    licence = LicenceFactory(enterprise=enterprise)
    UserFactory(username="sv_officer", role="officer", agency=nf, real_name="孙经办")
    UserFactory(username="sv_clerk", role="enterprise", enterprise=enterprise, real_name="陈小燕")
    scan.scan_run(on=timezone.localdate())
    warning = LicenceWarning.objects.get(licence=licence)
    commitment = LicenceFactory(
        enterprise=enterprise,
        obtained_via="commitment",
        issued_on=timezone.localdate() - dt.timedelta(days=40),
    )
    from supervision.services import commitment_check_ensure

    check = commitment_check_ensure(commitment)

    # the officer finds the warning and orders rectification
    login(page, "sv_officer")
    page.goto(page.base_url + "/supervision/warnings/")
    assert licence.number in page.content()
    page.screenshot(path=str(artifacts_dir / "supervision-warnings.png"), full_page=True)

    # ... prints the warning letters of the scan as one bulk job and watches it finish
    from documents import tasks
    from documents.models import BulkJob
    from documents.services import bulk_job_process

    held = tasks.process_bulk_job.apply_async
    tasks.process_bulk_job.apply_async = lambda *a, **k: None  # no worker here: processed below
    try:
        page.click("[data-testid=print-letters] button")
        page.wait_for_selector("[data-testid=bulk-progress]")
    finally:
        tasks.process_bulk_job.apply_async = held
    job = BulkJob.objects.get()
    assert job.doc_type == "supervision_warning" and job.total == 1
    assert "监管预警提示函" in page.content()
    bulk_job_process(job_id=job.pk)
    page.wait_for_selector("[data-testid=bulk-download]", timeout=20000)
    page.screenshot(path=str(artifacts_dir / "supervision-warning-letters.png"), full_page=True)
    page.goto(page.base_url + "/supervision/warnings/")
    page.click(f"a[href='/supervision/warnings/{warning.pk}/']")
    assert "技术工人：符合条件 12 人，要求 15 人" in page.inner_text("[data-testid=evidence]")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.fill("[data-testid=order-form] input[name=deadline]", deadline.isoformat())
    page.screenshot(path=str(artifacts_dir / "supervision-warning-order.png"), full_page=True)
    page.click("[data-testid=order-form] button")
    page.wait_for_url("**/supervision/orders/*/")
    order = RectificationOrder.objects.get()
    assert page.inner_text("[data-testid=order-state]") == "已下达"
    page.screenshot(path=str(artifacts_dir / "supervision-order-issued.png"), full_page=True)

    # the enterprise is told in its inbox and answers with a PDF
    login(page, "sv_clerk")
    page.wait_for_selector("[data-testid=inbox-badge]")
    page.click("[data-testid=inbox-link]")
    page.wait_for_url("**/inbox/")
    assert order.number in page.content()
    page.screenshot(path=str(artifacts_dir / "supervision-inbox.png"), full_page=True)
    page.locator("a[href$='/open/']").first.click()
    page.wait_for_url(f"**/supervision/orders/{order.pk}/")
    evidence = tmp_path / "社保缴纳证明.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill(
        "[data-testid=answer-form] textarea[name=answer]",
        "已新招聘技术工人3名并缴纳社会保险，附社保缴纳证明。",
    )
    page.set_input_files("[data-testid=answer-form] input[name=files]", str(evidence))
    page.click("[data-testid=answer-form] button")
    page.wait_for_selector("[data-testid=evidence-list] a")
    assert page.inner_text("[data-testid=order-state]") == "企业已回复，待核验"
    assert "社保缴纳证明.pdf" in page.inner_text("[data-testid=evidence-list]")
    page.screenshot(path=str(artifacts_dir / "supervision-order-answered.png"), full_page=True)

    # the officer verifies
    login(page, "sv_officer")
    page.goto(page.base_url + f"/supervision/orders/{order.pk}/")
    page.select_option("[data-testid=verify-form] select[name=accepted]", "1")
    page.fill("[data-testid=verify-form] textarea[name=note]", "经核对社保缴纳记录，3名技术工人已到岗。")
    page.click("[data-testid=verify-form] button")
    page.wait_for_selector("text=核验结论已登记")
    assert page.inner_text("[data-testid=order-state]") == "已办结"
    page.screenshot(path=str(artifacts_dir / "supervision-order-resolved.png"), full_page=True)
    assert RectificationOrder.objects.get().state == "resolved"

    # the overview and the commitment check the officer records next
    page.goto(page.base_url + "/supervision/")
    assert page.inner_text("[data-testid=coverage]").strip() == "—"
    page.screenshot(path=str(artifacts_dir / "supervision-home.png"), full_page=True)
    page.goto(page.base_url + f"/supervision/checks/{check.pk}/")
    page.select_option("[data-testid=check-form] select[name=method]", "video")
    page.select_option("[data-testid=check-form] select[name=outcome]", "consistent")
    page.click("[data-testid=check-form] button")
    # the roster is still three skilled workers short: “consistent” is refused with the reason
    page.wait_for_selector(".alert-danger")
    assert "技术工人" in page.inner_text(".alert-danger")
    page.screenshot(path=str(artifacts_dir / "supervision-check-refused.png"), full_page=True)
    page.select_option("[data-testid=check-form] select[name=outcome]", "inconsistent")
    page.fill(
        "[data-testid=check-form] input[name=deadline]",
        (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    )
    page.fill("[data-testid=check-form] textarea[name=note]", "视频核验：技术工人实际在岗 12 人，少于承诺。")
    page.screenshot(path=str(artifacts_dir / "supervision-check-form.png"), full_page=True)
    page.click("[data-testid=check-form] button")
    page.wait_for_selector("text=核查结论已登记")
    assert page.inner_text("[data-testid=check-state]") == "与承诺不符：已责令整改"
    page.goto(page.base_url + "/supervision/checks/")
    assert "100.0%" in page.inner_text("[data-testid=coverage]")
    page.screenshot(path=str(artifacts_dir / "supervision-checks.png"), full_page=True)
