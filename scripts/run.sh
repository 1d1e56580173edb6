#!/usr/bin/env bash
# Serves the app at http://127.0.0.1:8000 with a real Celery worker and beat beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
mkdir -p var/log
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

$BIN/celery -A config worker --loglevel=INFO --concurrency=2 -Q celery,documents,scans >var/log/worker.log 2>&1 &
pids+=($!)
$BIN/celery -A config beat --loglevel=INFO --pidfile= >var/log/beat.log 2>&1 &
pids+=($!)

echo
echo "电力资质许可与信用监管平台 — http://127.0.0.1:8000  (worker: var/log/worker.log, beat: var/log/beat.log)"
$BIN/python manage.py demo_logins
echo
$BIN/python manage.py runserver 127.0.0.1:8000 --noreload
