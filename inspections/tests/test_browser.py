"""A 双随机 campaign in Chromium, from its definition to the published, verified result."""

import datetime as dt
import importlib

import pytest
from django.utils import timezone

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The rows the data migrations write; a transactional test that ran before this one flushed them.
REFERENCE_DATA = [
    ("accounts.migrations.0002_agencies", "load"),
    ("core.migrations.0002_seed_calendar_and_audit_guard", "seed_calendar"),
    ("credit.migrations.0002_seed_policy", "seed"),
    ("licensing.migrations.0002_seed_conditions", "seed"),
    ("inspections.migrations.0002_seed_checklists", "load"),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Load the data migrations' rows again (each loader is idempotent)."""
    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


def login(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_campaign_from_definition_to_published_result(page, artifacts_dir):
    from accounts.models import Agency
    from inspections.models import Campaign, ChecklistItem
    from inspections.tests.conftest import make_holders
    from tests.factories import UserFactory

    nf = Agency.objects.get(code="NF")
    lead = UserFactory(username="b_insp1", real_name="孙检查", role="officer", agency=nf)
    second = UserFactory(username="b_insp2", real_name="周检查", role="officer", agency=nf)
    holders = make_holders(4)
    today = timezone.localdate()
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. define and draw
    login(page, "b_insp1")
    page.goto(page.base_url + "/inspections/campaigns/new/")
    page.fill("input[name=name]", "2026年第一批承装（修、试）企业双随机检查")
    page.select_option("select[name=licence_type]", "facility")
    page.fill("input[name=sample_size]", "3")
    page.check(f"input[name=inspectors][value='{lead.pk}']")
    page.check(f"input[name=inspectors][value='{second.pk}']")
    page.fill("input[name=due_on]", (today + dt.timedelta(days=30)).isoformat())
    page.screenshot(path=str(artifacts_dir / "inspections-1-define.png"), full_page=True)
    page.click("[data-testid=campaign-draw]")
    page.wait_for_selector("[data-testid=target-table]")
    campaign = Campaign.objects.get()
    assert page.locator("[data-testid=target-table] tbody tr").count() == 3
    assert "孙检查" in page.content() and "周检查" in page.content()
    page.screenshot(path=str(artifacts_dir / "inspections-2-drawn.png"), full_page=True)

    # 2. the draw verifies
    page.click("[data-testid=campaign-verify]")
    page.wait_for_selector("[data-testid=verify-ok]")
    page.screenshot(path=str(artifacts_dir / "inspections-3-verified.png"), full_page=True)

    # 3. record the three inspections (the first with a finding and a rectification order)
    for n, inspection in enumerate(campaign.inspections.order_by("draw_position")):
        page.goto(page.base_url + f"/inspections/inspections/{inspection.pk}/record/")
        page.fill("textarea[name=summary]", "按检查清单逐项核查。")
        if n == 0:
            item = (
                ChecklistItem.objects.filter(kind=inspection.kind, active=True).order_by("position").first()
            )
            page.check(f"input[name=item_{item.pk}_outcome][value=finding]")
            page.select_option(f"select[name=item_{item.pk}_severity]", "minor")
            page.fill(f"textarea[name=item_{item.pk}_text]", "2名技术工人社保未在本单位缴纳")
            page.fill("input[name=rectify_by]", (today + dt.timedelta(days=30)).isoformat())
            page.screenshot(path=str(artifacts_dir / "inspections-4-record.png"), full_page=True)
        page.click("[data-testid=record-submit]")
        page.wait_for_selector("[data-testid=inspection-result]")
    page.goto(page.base_url + f"/inspections/campaigns/{campaign.pk}/")
    assert page.inner_text("[data-testid=report-inspected]") == "3"
    assert page.inner_text("[data-testid=report-short]") == "1"

    # 4. publish
    page.click("[data-testid=campaign-publish]")
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(artifacts_dir / "inspections-5-published.png"), full_page=True)
    campaign.refresh_from_db()
    assert campaign.state == "published"

    # 5. the public sees the result, without the inspectors' names, and can verify the draw
    page.context.clear_cookies()
    page.goto(page.base_url + "/public/inspections/")
    page.click(f"text={campaign.number}")
    page.wait_for_selector("[data-testid=public-results]")
    html = page.content()
    drawn = set(campaign.inspections.values_list("enterprise_id", flat=True))
    for enterprise in holders:
        assert (enterprise.name in html) == (enterprise.pk in drawn)
    assert "孙检查" not in html and "周检查" not in html
    page.screenshot(path=str(artifacts_dir / "inspections-6-public.png"), full_page=True)
    page.click("[data-testid=public-verify]")
    page.wait_for_selector("[data-testid=verify-ok]")
    page.screenshot(path=str(artifacts_dir / "inspections-7-public-verify.png"), full_page=True)


def test_public_complaint_form(page, artifacts_dir):
    from inspections.models import Complaint
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(name="被举报电力工程有限公司")
    page.goto(page.base_url + "/public/inspections/complaints/new/")
    box = page.locator("input[name=website]").locator("xpath=..").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1  # the honeypot is hidden from people
    page.fill("input[name=enterprise]", enterprise.credit_code)
    page.fill("textarea[name=content]", "该企业在某变电站工程中将承装业务违法分包给无资质队伍。")
    page.screenshot(path=str(artifacts_dir / "inspections-complaint.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=complaint-thanks]")
    assert Complaint.objects.get().enterprise == enterprise
