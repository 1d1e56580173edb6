#!/usr/bin/env python
"""Loopback load test: N concurrent users (officers and enterprise clerks, logged in through the real
login page) for D seconds against gunicorn on 127.0.0.1, mixed page and API reads. Reports p50/p95 per
kind of request and fails on any error (non-2xx/3xx, timeout). Bounded: fixed duration, fixed users,
loopback only.

    .venv/bin/python scripts/loadtest.py --users 50 --seconds 60
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("LOADTEST_PORT", "8765"))
BASE = f"http://{HOST}:{PORT}"
PASSWORD = "Demo-2026-pass"
OFFICERS = ["nf_officer", "nf_officer2", "nf_approver"]
CLERKS = ["ent_good", "ent_trust", "ent_dishonest", "ent_serious"]


class Client:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(BASE + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""

    def login(self, username: str) -> None:
        _status, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            BASE + "/accounts/login/", data=data, headers={"Referer": BASE + "/"}
        )
        with self.opener.open(request, timeout=30) as response:
            if "/accounts/login/" in response.url:
                raise RuntimeError(f"login failed for {username}")


def user_for(index: int) -> tuple[bool, str]:
    officer = index % 2 == 0
    return officer, (OFFICERS if officer else CLERKS)[index % (3 if officer else 4)]


def worker(
    index: int, client: Client, deadline: float, results: list, errors: list, app_ids: list[int]
) -> None:
    officer, username = user_for(index)
    paths = (
        [
            "/workbench/?queue=acceptance",
            "/workbench/?queue=review",
            "/api/v1/applications/",
            "/api/v1/licences/",
        ]
        if officer
        else [
            "/portal/",
            "/portal/applications/",
            "/api/v1/applications/",
            "/api/v1/credit/policy/resolve/?kind=new&tier=good",
        ]
    )
    rng = random.Random(index)
    while time.monotonic() < deadline:
        by_id = [f"/api/v1/applications/{rng.choice(app_ids)}/", f"/applications/{rng.choice(app_ids)}/"]
        path = rng.choice(paths + (by_id if app_ids and officer else []))
        started = time.perf_counter()
        status, _ = client.get(path)
        elapsed = time.perf_counter() - started
        kind = re.sub(r"\d+", "{id}", path.split("?")[0])
        results.append((kind, elapsed, status))
        if status >= 400 and not (status == 404 and "{id}" in kind):
            errors.append(f"{status} {path} as {username}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": HOST}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    ids = subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "from licensing.models import Application; print(*Application.objects.exclude(state='draft').values_list('pk', flat=True))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    app_ids = [int(i) for i in ids if i.isdigit()]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"{HOST}:{PORT}",
            "-w",
            str(args.workers),
            "--threads",
            "8",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        results: list = []
        errors: list = []
        # Log every user in first (password hashing is deliberately slow), outside the measured window.
        clients = []
        for index in range(args.users):
            client = Client()
            client.login(user_for(index)[1])
            clients.append(client)
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=worker, args=(i, clients[i], deadline, results, errors, app_ids))
            for i in range(args.users)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 60)
        wall = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(f"loadtest: {args.users} users, {args.seconds} s, gunicorn {args.workers} workers on {BASE}")
    print(f"{'request':<48}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}")
    by_kind: dict[str, list[float]] = {}
    for kind, elapsed, _status in results:
        by_kind.setdefault(kind, []).append(elapsed * 1000)
    for kind, values in sorted(by_kind.items()):
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(f"{kind:<48}{len(values):>7}{statistics.median(values):>9.1f}{p95:>9.1f}")
    everything = sorted(e * 1000 for _k, e, _s in results)
    if everything:
        p95 = everything[max(0, int(len(everything) * 0.95) - 1)]
        print(f"{'all':<48}{len(everything):>7}{statistics.median(everything):>9.1f}{p95:>9.1f}")
        print(f"throughput: {len(everything) / wall:.1f} requests/s; errors: {len(errors)}")
    for error in errors[:20]:
        print("ERROR", error)
    return 1 if errors or not results else 0


if __name__ == "__main__":
    sys.exit(main())
