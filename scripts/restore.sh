#!/usr/bin/env bash
# make restore BACKUP=var/backups/<timestamp>: restore a backup into DATABASE_URL (an empty or
# existing database; existing objects are replaced) and the files into MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:?usage: scripts/restore.sh <backup dir>}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
( cd "$src" && sha256sum --check --quiet SHA256SUMS )
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
echo "restored $src"
