"""Uploads (content-checked, size-limited, stored under random names, never served directly) and
sessions (expiry, denials audited)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.exceptions import DomainError
from licensing import services
from licensing.tests.conftest import PDF, new_application


@pytest.fixture
def draft(enterprise_user):
    return new_application(enterprise_user)


def upload(draft, user, name, content, content_type="application/pdf"):
    return services.material_add(
        application=draft,
        kind="business_licence",
        upload=SimpleUploadedFile(name, content, content_type=content_type),
        actor=user,
    )


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"function steal(){ fetch('/api/v1/me/') }",
    ],
)
def test_html_or_script_with_a_pdf_name_is_refused(draft, enterprise_user, content):
    count = draft.materials.count()
    with pytest.raises(DomainError):
        upload(draft, enterprise_user, "营业执照.pdf", content)
    assert draft.materials.count() == count


def test_too_large_file_is_refused(draft, enterprise_user):
    with override_settings(UPLOAD_MAX_BYTES=1024), pytest.raises(DomainError):
        upload(draft, enterprise_user, "big.pdf", PDF + b"0" * 2048)


def test_path_traversal_name_is_stored_under_a_random_name(draft, enterprise_user):
    material = upload(draft, enterprise_user, "../../etc/passwd.pdf", PDF)
    stored = Path(material.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "passwd" not in stored.name and ".." not in material.file.name


def test_download_is_an_attachment_with_nosniff(client, draft, enterprise_user):
    material = draft.materials.first()
    client.force_login(enterprise_user)
    r = client.get(f"/applications/{draft.pk}/materials/{material.pk}/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"


def test_media_is_outside_static_and_not_served(client, draft, enterprise_user):
    media, static = Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static) and not static.is_relative_to(media)
    material = draft.materials.first()
    client.force_login(enterprise_user)
    for url in (
        f"/media/{material.file.name}",
        f"{settings.MEDIA_URL}{material.file.name}",
        f"/static/../media/{material.file.name}",
    ):
        assert client.get(url).status_code == 404, url


# --- sessions ---------------------------------------------------------------------------------
def test_session_settings():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_expired_session_is_logged_out(client, officer):
    from django.contrib.sessions.models import Session

    client.force_login(officer)
    assert client.get("/workbench/").status_code == 200
    Session.objects.update(expire_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    r = client.get("/workbench/")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_forbidden_page_is_audited(client, enterprise_user):
    from core.models import AuditLog

    client.force_login(enterprise_user)
    assert client.get("/workbench/").status_code == 403
    row = AuditLog.objects.get(action="auth.denied")
    assert row.actor_id == enterprise_user.pk


def test_forbidden_api_call_is_audited(api, enterprise_user):
    from core.models import AuditLog

    api.force_authenticate(enterprise_user)
    assert api.get("/api/v1/penalties/recommendation/").status_code == 403
    assert AuditLog.objects.filter(action="auth.denied", actor=enterprise_user).count() == 1
