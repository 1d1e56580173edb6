"""Every demo role logs in through the real login page in Chromium and lands on its own home."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser]


def login(page, username, password=TEST_PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_each_role_sees_its_home(page, artifacts_dir):
    from accounts.models import Agency
    from tests.factories import EnterpriseFactory, UserFactory

    nf = Agency.objects.get(code="NF")
    ent = EnterpriseFactory(name="浏览器测试电力工程有限公司")
    users = {
        "enterprise": (
            UserFactory(username="b_ent", role="enterprise", enterprise=ent),
            "/portal/",
            "浏览器测试电力工程有限公司",
        ),
        "officer": (
            UserFactory(username="b_officer", role="officer", agency=nf),
            "/workbench/",
            "南方能源监管局",
        ),
        "approver": (
            UserFactory(username="b_approver", role="approver", agency=nf),
            "/workbench/approvals/",
            "南方能源监管局",
        ),
        "supervisor": (
            UserFactory(username="b_sup", role="supervisor", agency=Agency.objects.get(code="NEA")),
            "/dashboard/",
            "国家能源局",
        ),
        "admin": (
            UserFactory(username="b_admin", role="admin", is_staff=True, is_superuser=True),
            "/admin/",
            "电力资质许可与信用监管平台",
        ),
    }
    for role, (user, home, text) in users.items():
        page.context.clear_cookies()
        login(page, user.username)
        page.wait_for_url(f"**{home}")
        assert text in page.content(), role
        page.screenshot(path=str(artifacts_dir / f"home-{role}.png"), full_page=True)


def test_wrong_password_shows_message(page, artifacts_dir):
    from tests.factories import UserFactory

    UserFactory(username="b_wrong", role="admin", is_superuser=True, is_staff=True)
    login(page, "b_wrong", "not-the-password")
    assert page.locator(".alert-danger").is_visible()
    page.screenshot(path=str(artifacts_dir / "login-error.png"))
