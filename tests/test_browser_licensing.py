"""An enterprise registers and is walked to an approved licence in real Chromium: one correction round,
one tolerant acceptance, an officer and an approver. Screenshots land in test-artifacts/."""

import pytest

from accounts.credit_code import make_code
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(page, username, password=TEST_PASSWORD):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def act(page, action, **fields):
    form = page.locator(f'form[data-action="{action}"]')
    details = page.locator(f'details:has(form[data-action="{action}"])')
    if details.count() and not details.get_attribute("open") is not None:
        details.locator("summary").click()
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def upload(page, tmp_path, kind, name="材料.pdf"):
    path = tmp_path / name
    path.write_bytes(PDF)
    form = page.locator('[data-testid="upload-form"]')
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_registration_to_approved_licence(page, artifacts_dir, tmp_path, agency_nf):
    from accounts.models import Enterprise
    from licensing.models import Application, Licence
    from tests.factories import staff_enterprise

    officer = UserFactory(username="w_officer", role="officer", agency=agency_nf, real_name="王经办")
    UserFactory(username="w_approver", role="approver", agency=agency_nf, real_name="李审批")
    shot = lambda name: page.screenshot(path=str(artifacts_dir / f"licensing-{name}.png"), full_page=True)  # noqa: E731

    # 1. the enterprise registers itself
    page.goto(page.base_url + "/register/")
    code = make_code("91440106MA5D0000" + "1")
    for name, value in {
        "name": "浏览器电力工程有限公司",
        "credit_code": code,
        "legal_representative": "赵一",
        "address": "广州市天河区测试路9号",
        "real_name": "钱二",
        "phone": "13900000001",
        "username": "w_clerk",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
    }.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=province]", "44")
    shot("01-register")
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/")
    enterprise = Enterprise.objects.get(credit_code=code)
    # the roster the enterprise keeps (imported here; 3 skilled workers short of 承装四级 = 14.3 %)
    staff_enterprise(enterprise, personnel_shortfall={"skilled_worker": 3})
    shot("02-portal")

    # 2. a new application through the wizard, applying for tolerant acceptance
    page.click('[data-testid="new-application"]')
    page.check('input[name=kind][value="new"]')
    page.click("button[type=submit]")
    page.select_option("select[name=install]", label="四级（35千伏以下）")
    page.click("button[type=submit]")
    page.wait_for_url("**/applications/*/")
    upload(page, tmp_path, "business_licence", "营业执照.pdf")
    page.check("#mode-tolerant")
    page.fill("#id_tolerant_items", "技术工人上岗证书3份")
    page.check("#id_sign")
    shot("03-draft-ready")
    page.click('[data-testid="submit"]')
    page.wait_for_load_state()
    app = Application.objects.get(enterprise=enterprise)
    assert app.state == "submitted" and app.mode == "tolerant"

    # 3. the officer issues the one correction notice
    login(page, "w_officer")
    page.goto(page.base_url + "/workbench/?queue=acceptance")
    assert app.number in page.content()
    shot("04-workbench")
    page.click(f"text={app.number}")
    act(page, "request_correction", items="营业执照副本不清晰，请重新上传\n缺少经营场所证明")
    shot("05-correction-issued")
    app.refresh_from_db()
    assert app.state == "correction_requested"

    # 4. the enterprise corrects and resubmits
    login(page, "w_clerk")
    page.goto(page.base_url + f"/applications/{app.pk}/")
    assert "缺少经营场所证明" in page.content()
    upload(page, tmp_path, "business_licence", "营业执照-清晰.pdf")
    upload(page, tmp_path, "premises", "经营场所.pdf")
    shot("06-corrected")
    page.click('[data-testid="submit"]')
    page.wait_for_load_state()
    app.refresh_from_db()
    assert app.state == "submitted"

    # 5. the officer tolerant-accepts
    login(page, "w_officer")
    page.goto(page.base_url + f"/applications/{app.pk}/")
    act(page, "tolerant_accept")
    app.refresh_from_db()
    assert app.state == "tolerant_accepted", page.locator(".alert").all_inner_texts()
    shot("07-tolerant-accepted")

    # 6. the enterprise supplements within 10 days
    login(page, "w_clerk")
    page.goto(page.base_url + f"/applications/{app.pk}/")
    upload(page, tmp_path, "personnel", "技术工人证书.pdf")
    act(page, "supplement")
    app.refresh_from_db()
    assert app.state == "supplemented"

    # 7. the officer reviews and proposes approval
    login(page, "w_officer")
    page.goto(page.base_url + f"/applications/{app.pk}/")
    act(page, "start_review")
    act(page, "propose", text="人员、设备满足承装四级许可条件，建议准予许可。")
    app.refresh_from_db()
    assert app.state == "pending_decision"
    shot("08-proposed")

    # 8. the approver approves; the licence is in the register
    login(page, "w_approver")
    page.goto(page.base_url + "/workbench/approvals/")
    assert app.number in page.content()
    page.click(f"text={app.number}")
    act(page, "decide")
    app.refresh_from_db()
    assert app.state == "approved" and app.decided_by.username == "w_approver"
    shot("09-approved")
    licence = Licence.objects.get(enterprise=enterprise)
    assert licence.obtained_via == "tolerant"

    page.context.clear_cookies()
    page.goto(page.base_url + f"/public/?q={code}")
    assert licence.number in page.content()
    shot("10-public-register")
    assert officer.pk != app.decided_by_id
