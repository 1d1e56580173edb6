from django.test import override_settings

from core.models import AuditLog
from tests.factories import TEST_PASSWORD


def test_login_logout_and_home_per_role(
    client, officer, enterprise_user, approver, nea_supervisor, admin_user
):
    expected = {
        officer: "/workbench/",
        enterprise_user: "/portal/",
        approver: "/workbench/approvals/",
        nea_supervisor: "/dashboard/",
        admin_user: "/admin/",
    }
    for user, home in expected.items():
        r = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
        assert r.status_code == 302 and r.url == home, user.username
        assert client.get(home).status_code == 200
        client.post("/accounts/logout/")
    assert AuditLog.objects.filter(action="auth.login").count() == 5


@override_settings(LOGIN_LOCKOUT_THRESHOLD=3)
def test_lockout_after_repeated_failures(client, officer):
    for _ in range(3):
        r = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
        assert r.status_code == 200
    officer.refresh_from_db()
    assert officer.locked_until is not None
    r = client.post("/accounts/login/", {"username": "officer", "password": TEST_PASSWORD})
    assert r.status_code == 200, "a locked account must be refused even with the right password"
    assert AuditLog.objects.filter(action="auth.locked").count() == 1
    assert AuditLog.objects.filter(action="auth.login_failed").count() >= 2


def test_password_change_enforces_rules(client, officer):
    client.force_login(officer)
    r = client.post(
        "/accounts/password/", {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert r.status_code == 200 and r.context["form"].errors
    r = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "New-strong-pass-1",
            "new_password2": "New-strong-pass-1",
        },
    )
    assert r.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("New-strong-pass-1")


def test_role_pages_forbidden_to_other_roles(client, enterprise_user, officer):
    client.force_login(enterprise_user)
    assert client.get("/workbench/").status_code == 403
    assert AuditLog.objects.filter(action="auth.denied").exists()
    client.force_login(officer)
    assert client.get("/portal/").status_code == 403


def test_anonymous_goes_to_login(client, db):
    r = client.get("/workbench/")
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_api_token(api, officer):
    r = api.post("/api/v1/auth/token/", {"username": "officer", "password": TEST_PASSWORD}, format="json")
    token = r.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["role"] == "officer"
    api.credentials()
    assert api.get("/api/v1/me/").status_code in (401, 403)
    r = api.post("/api/v1/auth/token/", {"username": "officer", "password": "bad"}, format="json")
    assert r.status_code == 400
