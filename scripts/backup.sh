#!/usr/bin/env bash
# make backup: the PostgreSQL database (pg_dump, custom format) and the uploaded/issued files, into
# var/backups/<timestamp>/ (or $BACKUP_DIR). Usage: DATABASE_URL=postgres://… scripts/backup.sh [dir]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
target="${1:-${BACKUP_DIR:-var/backups/$(date +%Y%m%d-%H%M%S)}}"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/db.dump" "$DATABASE_URL"
if [[ -d "$MEDIA_ROOT" ]]; then
  tar -C "$MEDIA_ROOT" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
( cd "$target" && sha256sum db.dump media.tar.gz > SHA256SUMS )
echo "$target"
