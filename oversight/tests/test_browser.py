"""In Chromium: the dashboards draw their ECharts charts with data (no CSP violation), an enterprise
rates a service, the approver calls the bad review back, and the public pages need no login.
Screenshots land in test-artifacts/ (oversight-*.png; the panels of the other apps one by one as
oversight-panel-<key>.png)."""

import pytest
from django.utils import timezone

from tests.factories import TEST_PASSWORD

# conftest.py adds django_db(transaction=True, serialized_rollback=True) to every test using `page`,
# so the reference data of the data migrations (calendar, policy, disclosure rules) is restored.
pytestmark = [pytest.mark.browser]

PERIOD = "date_from=2025-03-01&date_to={today}"


def login(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def watch_console(page) -> list[str]:
    """Script errors and CSP violations (a missing favicon or a deliberate 404 is not one)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def assert_charts_drawn(page, *, with_data: bool = True) -> int:
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count > 0
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-rendered=true] canvas').length >= n", arg=count
    )
    for index in range(count if with_data else 0):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box and box["height"] > 100 and box["width"] > 100
        # ECharts holds the data it drew: every chart has at least one series with a value
        values = page.evaluate(
            """el => window.echarts.getInstanceByDom(el).getOption().series
                 .flatMap(s => (s.data || []).map(d => (d && typeof d === 'object') ? d.value : d))""",
            chart.element_handle(),
        )
        assert values, chart.get_attribute("id")
    return count


@pytest.fixture
def rated(dataset, enterprise_user, other_enterprise_user, approver):
    """Ratings of the dataset's services made today; one real-name bad review called back."""
    from oversight import services
    from oversight.models import ServiceEvent

    services.service_events_sync()

    def event(key, kind):
        return ServiceEvent.objects.get(application=dataset[key], kind=kind)

    services.rating_create(event=event("N1", "decision"), user=enterprise_user, level="very_satisfied")
    services.rating_create(event=event("N3", "decision"), user=enterprise_user, level="satisfied")
    services.rating_create(event=event("N4", "acceptance"), user=enterprise_user, level="basically_satisfied")
    services.rating_create(
        event=event("N1", "acceptance"),
        user=enterprise_user,
        level="dissatisfied",
        comment="等候",
        anonymous=True,
    )
    bad = services.rating_create(
        event=event("N2", "decision"),
        user=other_enterprise_user,
        level="very_dissatisfied",
        comment="不予许可理由未讲清",
    )
    services.rating_create(
        event=event("N5", "acceptance"), user=enterprise_user, level="dissatisfied", comment="受理慢"
    )
    services.callback_record_contact(
        task=bad.callback,
        actor=approver,
        contacted_at=timezone.now(),
        method="phone",
        person="联系人",
        notes="已解释",
    )
    services.work_flags_regenerate(full=True)
    return dataset


# The panels the other apps register, each screenshotted on its own (oversight-panel-<key>.png).
FIELD_PANELS = ("verification_methods", "commitment_checks", "random_inspections", "three_lists", "penalties")


def test_dashboards_draw_every_chart(
    page, artifacts_dir, rated, field_data, supervisor, nea_supervisor, agency_hb
):
    errors = watch_console(page)
    period = PERIOD.format(today=timezone.localdate().isoformat())

    login(page, "supervisor")
    page.goto(page.base_url + "/dashboard/?" + period)
    drawn = assert_charts_drawn(page)
    assert "南方能源监管局" in page.locator("[data-testid=dashboard-scope]").inner_text()
    assert page.locator("[data-testid=figure-on_time_by_agency]").count() == 0
    page.screenshot(path=str(artifacts_dir / "oversight-dashboard-regional.png"), full_page=True)
    for key in FIELD_PANELS:
        panel = page.locator(f"[data-testid=panel-{key}]")
        assert panel.locator("[data-chart][data-rendered=true] canvas").count() >= 1, key
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(artifacts_dir / f"oversight-panel-{key}.png"))
    # field_data since March 2025: inspections I1 I7 off-site, I2 I3 on-site, I6 video; checks K2 K6
    # off-site, K4 on-site, K1 K5 video → 7 of 10 off-site or by video
    assert "70.0%" in page.locator("[data-testid=table-remote_verification] tbody tr").first.inner_text()
    assert "40,000.00" in page.locator("[data-testid=table-penalties_by_violation]").inner_text()
    page.locator("[data-testid=figure-callbacks]").screenshot(
        path=str(artifacts_dir / "oversight-dashboard-callbacks.png")
    )
    page.locator("[data-testid=figure-on_time_by_kind]").screenshot(
        path=str(artifacts_dir / "oversight-dashboard-on-time-by-kind.png")
    )

    # another agency's dashboard is not there for a regional supervisor
    response = page.goto(page.base_url + f"/dashboard/?agency={agency_hb.pk}")
    assert response.status == 404

    login(page, "nea_supervisor")
    page.goto(page.base_url + "/dashboard/?" + period)
    assert assert_charts_drawn(page) == drawn + 1  # plus the comparison of agencies
    page.screenshot(path=str(artifacts_dir / "oversight-dashboard-national.png"), full_page=True)
    page.select_option("select[name=agency]", str(agency_hb.pk))
    page.click("[data-testid=dashboard-filters] button")
    page.wait_for_load_state()
    assert "华北能源监管局" in page.locator("[data-testid=dashboard-scope]").inner_text()
    assert_charts_drawn(page)
    page.screenshot(path=str(artifacts_dir / "oversight-dashboard-national-hb.png"), full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=export-all]")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []


def test_rate_and_call_back_in_the_browser(
    page, artifacts_dir, enterprise_user, officer, approver, supervisor
):
    from oversight.models import CallbackTask
    from oversight.tests.conftest import Flow

    errors = watch_console(page)
    today = timezone.localdate()
    app = Flow(enterprise_user).submit(today).accept(today, officer).app

    login(page, "clerk")
    page.goto(page.base_url + "/oversight/ratings/")
    form = page.locator("form[data-testid^=rate-form-]").first
    form.locator("label[data-level=dissatisfied]").click()
    form.locator("textarea").fill("受理时被要求重复提交已在系统中的营业执照")
    form.locator("input[name$=contact_phone]").fill("13900001111")
    page.screenshot(path=str(artifacts_dir / "oversight-1-enterprise-rates.png"), full_page=True)
    form.locator("button").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1
    assert page.locator("[data-testid^=rated-] [data-level=dissatisfied]").count() == 1
    page.screenshot(path=str(artifacts_dir / "oversight-2-rated.png"), full_page=True)
    task = CallbackTask.objects.get(rating__event__application=app)
    assert task.assignee == approver

    login(page, "approver")
    page.goto(page.base_url + "/oversight/callbacks/")
    page.click(f"[data-testid=callback-{task.pk}] a")
    page.wait_for_load_state()
    contact = page.locator("[data-testid=contact-form]")
    contact.locator("select[name=method]").select_option("phone")
    contact.locator("textarea[name=notes]").fill("已电话回访，企业反映属实，已致歉")
    page.screenshot(path=str(artifacts_dir / "oversight-3-callback-form.png"), full_page=True)
    page.click("[data-testid=contact-submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=callback-state] [data-state=contacted]").count() == 1
    close = page.locator("[data-testid=close-form]")
    close.locator("textarea[name=findings]").fill("窗口人员未通过共享系统调取营业执照，要求企业重复提交")
    close.locator("input[value=confirmed]").check()
    close.locator("textarea[name=rectification]").fill("已组织窗口人员培训，营业执照一律通过共享系统核验")
    page.click("[data-testid=close-submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=callback-state] [data-state=closed]").count() == 1
    page.screenshot(path=str(artifacts_dir / "oversight-4-callback-closed.png"), full_page=True)

    login(page, "supervisor")
    page.goto(page.base_url + "/dashboard/")
    assert_charts_drawn(page, with_data=False)
    rate_row = page.locator("[data-testid=table-callbacks] tbody tr").first
    assert "100.0%" in rate_row.inner_text()
    page.locator("[data-testid=figure-callbacks]").screenshot(
        path=str(artifacts_dir / "oversight-5-callback-rate.png")
    )
    assert errors == []


def test_public_pages_without_login(page, artifacts_dir, rated):
    errors = watch_console(page)
    page.goto(page.base_url + "/public/")
    page.click("nav >> text=信息公开")
    page.wait_for_load_state()
    assert page.locator("[data-testid^=section-]").count() == 6
    page.screenshot(path=str(artifacts_dir / "oversight-public-home.png"), full_page=True)
    page.click("[data-testid=section-licensing_decisions]")
    page.wait_for_load_state()
    assert page.locator(f"[data-testid=decision-{rated['N1'].number}]").count() == 1
    assert "张三" not in page.content()  # the legal representative is personal data
    page.screenshot(path=str(artifacts_dir / "oversight-public-decisions.png"), full_page=True)
    assert errors == []
