"""Backup and restore drill: back up the database and the files, restore into a fresh database, and find
every record and every file again."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _counts(dsn: str) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [r[0] for r in cur.fetchall()]
        result = {}
        for table in tables:
            cur.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cur.fetchone()[0]
    return result


def test_backup_and_restore_round_trip(postgres_concurrent, tmp_path, settings, enterprise_user, officer):
    from licensing import services
    from licensing.tests.conftest import submitted

    settings.MEDIA_ROOT = str(tmp_path / "media")
    app = submitted(enterprise_user)
    services.application_accept(application=app, officer=officer)
    material = app.materials.get()
    source = _url(connection.settings_dict["NAME"])
    env = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": settings.MEDIA_ROOT}
    backup_dir = tmp_path / "backup"
    subprocess.run(
        [str(ROOT / "scripts/backup.sh"), str(backup_dir)], env=env, check=True, capture_output=True
    )
    assert (backup_dir / "db.dump").stat().st_size > 0

    fresh = f"restore_drill_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_media = tmp_path / "restored-media"
        env = {**os.environ, "DATABASE_URL": _url(fresh), "MEDIA_ROOT": str(restored_media)}
        subprocess.run(
            [str(ROOT / "scripts/restore.sh"), str(backup_dir)], env=env, check=True, capture_output=True
        )
        assert _counts(_url(fresh)) == _counts(source)
        assert (restored_media / material.file.name).read_bytes() == material.file.open("rb").read()
        with psycopg2.connect(_url(fresh)) as conn, conn.cursor() as cur:
            cur.execute("SELECT state FROM licensing_application WHERE id = %s", [app.pk])
            assert cur.fetchone()[0] == "accepted"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_a_tampered_backup(tmp_path):
    backup = tmp_path / "b"
    backup.mkdir()
    (backup / "db.dump").write_bytes(b"x")
    (backup / "media.tar.gz").write_bytes(b"y")
    (backup / "SHA256SUMS").write_text("0" * 64 + "  db.dump\n")
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = subprocess.run([str(ROOT / "scripts/restore.sh"), str(backup)], env=env, capture_output=True)
    assert result.returncode != 0


pytestmark = pytest.mark.services
