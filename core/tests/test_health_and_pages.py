from unittest import mock

import pytest


def test_healthz_ok(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_503_when_broker_down(client, db):
    with mock.patch("core.health.broker_ok", return_value=(False, "ConnectionError")):
        r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["broker"]["ok"] is False


def test_healthz_503_when_database_down(client, db):
    with mock.patch("core.health.database_ok", return_value=(False, "OperationalError")):
        r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_chinese_is_the_default_language(client, db):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_english_is_selectable(client, db):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert '<html lang="en">' in r.content.decode()
    assert "Log in" in r.content.decode()


def test_unknown_url_is_a_404_page(client, db):
    r = client.get("/no/such/page/")
    assert r.status_code == 404
    assert "404" in r.content.decode()


def test_assets_are_local_and_no_inline_script(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.split("<body", 1)[0] and "https://" not in html.split("<body", 1)[0]
    import re

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"


def test_security_headers(client, db):
    r = client.get("/accounts/login/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_openapi_schema_and_swagger(client, db):
    r = client.get("/api/schema/")
    assert r.status_code == 200
    assert b"/api/v1/calendar/add-working-days/" in r.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


@pytest.mark.parametrize("path", ["/static/vendor/echarts/echarts.min.js", "/static/js/app.js"])
def test_static_assets_exist(path):
    from django.contrib.staticfiles import finders

    assert finders.find(path.removeprefix("/static/"))
