import pytest

from accounts.credit_code import make_code
from accounts.models import Enterprise, User
from core.models import AuditLog

GOOD = {
    "name": "广州新电力工程有限公司",
    "credit_code": make_code("91440101MA5CXXXX1".replace("X", "0")),
    "legal_representative": "赵六",
    "province": "44",
    "address": "广州市越秀区1号",
    "real_name": "赵小六",
    "phone": "13912345678",
    "email": "a@example.com",
    "username": "newclerk",
    "password1": "Strong-pass-99",
    "password2": "Strong-pass-99",
}


def test_register_page_creates_enterprise_and_logs_in(client, db):
    r = client.post("/register/", GOOD)
    assert r.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=GOOD["credit_code"])
    assert enterprise.agency.code == "NF"  # 广东 → 南方能源监管局
    user = User.objects.get(username="newclerk")
    assert user.role == "enterprise" and user.enterprise == enterprise
    assert client.get("/").url == "/portal/"
    assert AuditLog.objects.filter(action="enterprise.register", object_id=str(enterprise.pk)).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"credit_code": "914403001922038217"}, "credit_code"),
        ({"credit_code": "12345"}, "credit_code"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "alllowercaseletters", "password2": "alllowercaseletters"}, "password1"),
        ({"password2": "Different-pass-1"}, "password2"),
        ({"phone": "12"}, "phone"),
    ],
)
def test_bad_input_shows_error_and_saves_nothing(client, db, change, field):
    r = client.post("/register/", {**GOOD, **change})
    assert r.status_code == 200
    assert field in r.context["form"].errors
    assert not Enterprise.objects.filter(name=GOOD["name"]).exists()
    assert not User.objects.filter(username="newclerk").exists()


def test_duplicate_enterprise_refused(client, enterprise):
    r = client.post("/register/", {**GOOD, "credit_code": enterprise.credit_code})
    assert "credit_code" in r.context["form"].errors
    assert "已" in str(r.context["form"].errors["credit_code"]) or "already" in str(
        r.context["form"].errors["credit_code"]
    )
    assert not User.objects.filter(username="newclerk").exists()


def test_api_register_and_field_errors(api, db):
    payload = {k: v for k, v in GOOD.items() if k not in ("password1", "password2")} | {
        "password": "Strong-pass-99"
    }
    r = api.post("/api/v1/enterprises/register/", payload, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["credit_code"] == GOOD["credit_code"]
    r = api.post("/api/v1/enterprises/register/", {**payload, "username": "x2"}, format="json")
    assert r.status_code == 400 and "credit_code" in r.json()
    bad = {**payload, "credit_code": "914403001922038217", "username": "x3", "password": "weak"}
    r = api.post("/api/v1/enterprises/register/", bad, format="json")
    assert r.status_code == 400
    assert {"credit_code", "password"} <= set(r.json())
    assert Enterprise.objects.count() == 1
