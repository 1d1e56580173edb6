"""One case from 立案 to 结案 in Chromium: officer, party, approver, officer again, then the public list."""

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


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"penalty-{name}.png"), full_page=True)


def test_a_case_from_filing_to_closing(reference_data, page, artifacts_dir, tmp_path):
    from accounts.models import Agency
    from penalties.models import PenaltyCase, Violation
    from tests.factories import EnterpriseFactory, UserFactory

    nf = Agency.objects.get(code="NF")
    party = EnterpriseFactory(name="浏览器测试电力工程有限公司")
    UserFactory(username="p_officer", real_name="孙经办", role="officer", agency=nf)
    UserFactory(username="p_approver", real_name="吴审批", role="approver", agency=nf)
    UserFactory(username="p_party", real_name="李晓明", role="enterprise", enterprise=party)
    violation = Violation.objects.get(code="registration_not_filed")
    evidence = tmp_path / "登记信息.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # 立案 (officer)
    login(page, "p_officer")
    page.goto(page.base_url + "/penalties/")
    page.click("[data-testid=case-new]")
    page.fill("input[name=credit_code]", party.credit_code)
    page.select_option("select[name=violation]", str(violation.pk))
    page.select_option("select[name=source]", "ex_officio")
    page.fill("textarea[name=summary]", "核查发现当事人法定代表人变更后未办理登记事项变更手续。")
    shot(page, artifacts_dir, "01-file")
    page.click("[data-testid=case-new-form] button.btn-primary")
    page.wait_for_selector("[data-testid=case-state]")
    case = PenaltyCase.objects.get(enterprise=party)
    assert "已立案" in page.inner_text("[data-testid=case-state]")

    # 调查: evidence and facts; the recommendation follows the tier at filing
    page.click("[data-testid=submit-start]")
    page.wait_for_selector("[data-testid=action-evidence]")
    page.set_input_files("[data-testid=action-evidence] input[name=file]", str(evidence))
    page.fill("[data-testid=action-evidence] input[name=description]", "市场主体登记信息查询结果")
    page.click("[data-testid=submit-evidence]")
    page.wait_for_selector("text=市场主体登记信息查询结果")
    page.fill(
        "[data-testid=action-facts] textarea[name=facts]",
        "当事人法定代表人于三个月前变更，至今未申请变更许可证登记事项。",
    )
    page.click("[data-testid=submit-facts]")
    page.wait_for_selector("[data-testid=recommendation]")
    assert "建议罚款5,500.00元" in page.inner_text("[data-testid=recommendation]")
    shot(page, artifacts_dir, "02-investigation")

    # 告知: an amount outside the range is refused with a message; the recommended one goes out
    page.fill("[data-testid=action-notify] input[name=fine_amount]", "20000")
    page.fill(
        "[data-testid=action-notify] textarea[name=grounds]",
        "依据《承装（修、试）电力设施许可证管理办法》第四十三条拟处罚款。",
    )
    page.fill("[data-testid=action-notify] textarea[name=departure_reason]", "情节较重")
    page.click("[data-testid=submit-notify]")
    page.wait_for_selector(".alert-danger")
    assert "法定幅度" in page.inner_text(".alert-danger")
    shot(page, artifacts_dir, "03-out-of-range")
    page.fill("[data-testid=action-notify] input[name=fine_amount]", "5500")
    page.fill("[data-testid=action-notify] textarea[name=departure_reason]", "")
    page.fill(
        "[data-testid=action-notify] textarea[name=grounds]",
        "依据《承装（修、试）电力设施许可证管理办法》第四十三条拟处罚款。",
    )
    page.click("[data-testid=submit-notify]")
    page.wait_for_selector("[data-testid=statement-due]")
    assert "已告知" in page.inner_text("[data-testid=case-state]")
    shot(page, artifacts_dir, "04-notified")

    # the party reads the notice and waives its rights in writing
    login(page, "p_party")
    page.goto(page.base_url + "/penalties/my/")
    page.click(f"text={case.number}")
    page.wait_for_selector("[data-testid=party-waive]")
    page.check("[data-testid=party-waive] input[name=confirm]")
    shot(page, artifacts_dir, "05-party-notice")
    page.click("[data-testid=submit-waive]")
    page.wait_for_selector("[data-testid=party-waived]")

    # 决定 (approver, who did not investigate)
    login(page, "p_approver")
    page.goto(page.base_url + f"/penalties/cases/{case.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-decide]")
    page.wait_for_selector("[data-testid=decision-number]")
    assert "南方局罚字" in page.inner_text("[data-testid=decision-number]")
    assert "轻微" in page.inner_text("[data-testid=credit-record]")
    shot(page, artifacts_dir, "06-decided")

    # 执行, 结案 (officer)
    login(page, "p_officer")
    page.goto(page.base_url + f"/penalties/cases/{case.pk}/")
    page.fill("[data-testid=action-execute] input[name=fine_paid_on]", timezone.localdate().isoformat())
    page.fill(
        "[data-testid=action-execute] textarea[name=note]", "当事人已缴纳罚款，并已申请办理登记事项变更。"
    )
    page.click("[data-testid=submit-execute]")
    page.wait_for_selector("[data-testid=action-close]")
    page.fill("[data-testid=action-close] textarea[name=note]", "处罚决定已执行完毕，予以结案。")
    page.click("[data-testid=submit-close]")
    page.wait_for_selector("text=案件已结案。")
    assert "已结案" in page.inner_text("[data-testid=case-state]")
    assert page.locator('[data-testid=history] li[data-action="penalty.close"]').count() == 1
    shot(page, artifacts_dir, "07-closed")
    page.goto(page.base_url + "/penalties/?state=closed")
    assert case.number in page.inner_text("[data-testid=case-list]")
    shot(page, artifacts_dir, "08-list")

    # published: anyone can read it without logging in
    page.context.clear_cookies()
    page.goto(page.base_url + "/penalties/public/")
    table = page.inner_text("[data-testid=public-decisions]")
    case.refresh_from_db()
    assert case.decision_number in table and party.credit_code in table and "5,500.00" in table
    shot(page, artifacts_dir, "09-public")
