"""Statistics of repeated measurements, and the result records the report is written from.

Pure functions and plain data: no Django, no database (bench/tests/test_harness.py tests them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    p10: float
    p90: float
    minimum: float
    maximum: float


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1) with linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("no measurements")
    ordered = sorted(values)
    return Summary(
        n=len(ordered),
        median=percentile(ordered, 0.5),
        p10=percentile(ordered, 0.1),
        p90=percentile(ordered, 0.9),
        minimum=ordered[0],
        maximum=ordered[-1],
    )


def ratio(value: float, baseline: float) -> float | None:
    """value / baseline, or None when the baseline is zero or negative (no meaningful ratio)."""
    if baseline <= 0:
        return None
    return value / baseline


# --- result records --------------------------------------------------------------------------------
@dataclass
class Figure:
    """One measured quantity over n runs. `unit`: "s", "MB", "req/s" or "queries"."""

    label: str
    summary: Summary
    unit: str = "s"

    @classmethod
    def of(cls, label: str, values: Sequence[float], unit: str = "s") -> Figure:
        return cls(label, summarize(values), unit)


@dataclass
class Target:
    """A target and whether the run met it; `met` is None when it could not be judged."""

    text: str
    met: bool | None
    detail: str = ""


@dataclass
class CaseResult:
    key: str
    title: str
    status: str = "measured"  # measured | skipped | failed
    reason: str = ""
    figure: Figure | None = None
    baseline: Figure | None = None
    ratio: float | None = None
    ratio_text: str = ""  # how the ratio reads, e.g. "scan ÷ aggregate"
    targets: list[Target] = field(default_factory=list)
    extra: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    explains: list[tuple[str, str]] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        if self.status != "measured" or not self.targets:
            return None
        judged = [t.met for t in self.targets if t.met is not None]
        if not judged:
            return None
        return all(judged)


def judge(text: str, value: float | None, test: Callable[[float], bool], detail: str = "") -> Target:
    if value is None:
        return Target(text, None, detail or "not measured")
    return Target(text, bool(test(value)), detail)
