"""In Chromium: an enterprise files a credit repair, an officer accepts and grants it, and the
enterprise's tier (and with it 告知承诺制) changes at once."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA_MIGRATIONS = [
    ("accounts.migrations.0002_agencies", "load"),
    ("core.migrations.0002_seed_calendar_and_audit_guard", "seed_calendar"),
    ("credit.migrations.0002_seed_policy", "seed"),
]


@pytest.fixture
def seed_data(transactional_db):
    """A transactional test run before this one flushed what the data migrations load: load it again
    (each loader is idempotent)."""
    import importlib

    from django.apps import apps

    from core import calendar

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
    calendar.invalidate()


def login(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_repair_filed_accepted_and_granted(seed_data, page, artifacts_dir):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import Agency
    from credit import services
    from credit.models import CreditRecord, CreditRequest
    from tests.factories import EnterpriseFactory, UserFactory

    enterprise = EnterpriseFactory(name="浏览器测试电力安装有限公司")
    UserFactory(username="b_clerk", role="enterprise", enterprise=enterprise)
    UserFactory(username="b_credit_officer", role="officer", agency=Agency.objects.get(code="NF"))
    record = services.credit_record_create(
        enterprise=enterprise,
        category="dishonest",
        grade="severe",
        title="提供虚假申请材料取得许可证",
        occurred_on=timezone.localdate() - dt.timedelta(days=30),
        source="test",
        published=True,
    )

    # the enterprise sees its tier and files for repair
    login(page, "b_clerk")
    page.goto(page.base_url + "/credit/my/tier/")
    assert page.locator("[data-testid=tier]").get_attribute("data-tier") == "seriously_dishonest"
    assert page.locator("[data-testid=commitment-new]").inner_text() == "不适用"
    page.screenshot(path=str(artifacts_dir / "credit-1-enterprise-tier-before.png"), full_page=True)
    page.goto(page.base_url + "/credit/my/")
    page.screenshot(path=str(artifacts_dir / "credit-1b-enterprise-home.png"), full_page=True)
    page.click(f"[data-testid=record-{record.pk}] a >> text=提供虚假申请材料取得许可证")
    page.click("[data-testid=apply-repair]")
    page.fill("textarea[name=statement]", "已撤回虚假材料，罚款已缴清，并完成内部整改。")
    page.check("input[name=commitment]")
    page.screenshot(path=str(artifacts_dir / "credit-2-repair-form.png"), full_page=True)
    page.click("[data-testid=submit-request]")
    page.wait_for_selector("[data-testid=request-state][data-state=submitted]")
    assert "申请已提交" in page.content()
    page.screenshot(path=str(artifacts_dir / "credit-3-repair-submitted.png"), full_page=True)
    request = CreditRequest.objects.get()

    # the officer accepts and grants it
    login(page, "b_credit_officer")
    page.goto(page.base_url + "/credit/")
    page.screenshot(path=str(artifacts_dir / "credit-3b-officer-home.png"), full_page=True)
    page.goto(page.base_url + "/credit/requests/")
    page.click(f"a[href='/credit/requests/{request.pk}/']")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=request-state][data-state=accepted]")
    request.refresh_from_db()
    assert page.locator("[data-testid=due-on]").inner_text().startswith(request.due_on.isoformat())
    page.screenshot(path=str(artifacts_dir / "credit-4-repair-accepted.png"), full_page=True)
    page.fill(
        "form[action$='/grant/'] textarea[name=reason]",
        "经核查，企业已纠正失信行为并履行法定义务，准予信用修复。",
    )
    page.click("[data-testid=grant]")
    page.wait_for_selector("[data-testid=request-state][data-state=granted]")
    page.screenshot(path=str(artifacts_dir / "credit-5-repair-granted.png"), full_page=True)
    record.refresh_from_db()
    assert record.status == "repaired" and not record.published

    # the enterprise's tier, and what its next application gets, changed at once
    login(page, "b_clerk")
    page.goto(page.base_url + "/credit/my/tier/")
    assert page.locator("[data-testid=tier]").get_attribute("data-tier") == "trustworthy"
    assert page.locator("[data-testid=commitment-new]").inner_text() == "可适用"
    page.screenshot(path=str(artifacts_dir / "credit-6-enterprise-tier-after.png"), full_page=True)
    page.context.clear_cookies()  # the public list needs no login
    page.goto(page.base_url + "/credit/public/dishonest/")
    page.wait_for_selector("[data-testid=public-dishonest]")
    assert "浏览器测试电力安装有限公司" not in page.content()
    assert CreditRecord.objects.get().status == "repaired"
