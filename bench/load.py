"""A bounded HTTP load generator: threads with http.client, a fixed number of requests and a time limit.

Loopback addresses only — the suite never sends a request off the machine.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class LoadResult:
    requests: int
    errors: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return (self.requests - self.errors) / self.elapsed if self.elapsed > 0 else 0.0


def run_load(
    host: str,
    port: int,
    paths: list[str],
    *,
    total: int,
    concurrency: int,
    time_limit: float,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """GET `paths` round-robin until `total` requests were sent or `time_limit` seconds passed.

    A request that fails or answers anything but 200 counts as an error (and not in the rate)."""
    if host not in LOOPBACK:
        raise ValueError(f"load is only ever sent to a loopback address, not {host!r}")
    if total < 1 or concurrency < 1 or time_limit <= 0:
        raise ValueError("total, concurrency and time_limit must be positive")
    lock = threading.Lock()
    issued = 0
    errors = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + time_limit

    def claim() -> int | None:
        nonlocal issued
        with lock:
            if issued >= total or time.perf_counter() >= deadline:
                return None
            issued += 1
            return issued - 1

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=max(1.0, time_limit))
        try:
            while (ticket := claim()) is not None:
                path = paths[ticket % len(paths)]
                t0 = time.perf_counter()
                status = 0
                try:
                    conn.request("GET", path, headers=headers or {})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=max(1.0, time_limit))
                elapsed = time.perf_counter() - t0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(elapsed)
                    else:
                        errors += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 30)
    return LoadResult(issued, errors, time.perf_counter() - started, latencies, statuses)
