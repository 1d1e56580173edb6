"""The 双随机 draw as a pure function of its recorded inputs (no database, no clock).

Anyone can re-run `run_draw(inputs)` on a campaign's published inputs and must get the same
enterprises and the same inspectors. docs/inspections.md describes the algorithm step by step so it
can be re-implemented in another language; this module is the reference implementation.

Only `random.Random(seed).getrandbits(k)` is used as the source of randomness (Mersenne Twister
MT19937, seeded from the integer seed by CPython's `init_by_array` over its 32-bit words); every
integer below n is drawn by `_below`, every list is walked in canonical order (sorted by id).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from dataclasses import dataclass, field
from typing import NamedTuple

ALGORITHM_VERSION = "pps-systematic-v1"


class DrawError(ValueError):
    """The inputs cannot give a valid draw (the message says why; nothing is drawn)."""

    def __init__(self, message: str, *, code: str, enterprise_id: int | None = None):
        super().__init__(message)
        self.code = code
        self.enterprise_id = enterprise_id


# --- canonical form --------------------------------------------------------------------------------
def canonical_json(data) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_of(data) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def build_inputs(
    *,
    seed: str,
    sample_size: int,
    population: list[tuple[int, str, int, bool]],
    pool: list[int],
    conflicts: list[tuple[int, int, str]],
    per_target: int = 2,
) -> dict:
    """The inputs in canonical order.

    population: (enterprise id, tier, weight in percent — 100 is ordinary, always-included 0/1);
    pool: inspector ids; conflicts: (inspector id, enterprise id, why).
    """
    return {
        "algorithm": ALGORITHM_VERSION,
        "seed": seed,
        "sample_size": int(sample_size),
        "per_target": int(per_target),
        "population": sorted([int(e), str(t), int(w), 1 if a else 0] for e, t, w, a in population),
        "pool": sorted({int(i) for i in pool}),
        "conflicts": sorted({(int(i), int(e), str(why)) for i, e, why in conflicts}),
    }


# --- the random primitives ------------------------------------------------------------------------
def _below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n): getrandbits(n.bit_length()) until it is below n (rejection)."""
    if n <= 0:
        raise DrawError("below() needs n > 0", code="internal")
    bits = n.bit_length()
    value = rng.getrandbits(bits)
    while value >= n:
        value = rng.getrandbits(bits)
    return value


def _shuffle(items: list, rng: random.Random) -> None:
    """Fisher–Yates from the end: for i = n−1 … 1 swap items[i] with items[below(i + 1)]."""
    for i in range(len(items) - 1, 0, -1):
        j = _below(rng, i + 1)
        items[i], items[j] = items[j], items[i]


# --- step 1: which enterprises ----------------------------------------------------------------------
class Unit(NamedTuple):
    """A candidate of the weighted sample (a tuple: built once per enterprise, 50 000 at national size)."""

    id: int
    weight: int


def _systematic_pps(units: list[Unit], k: int, rng: random.Random) -> list[int]:
    """k distinct units, unit i with probability exactly k·wᵢ / W (W = Σw), by systematic sampling
    over the (already shuffled) list. A unit with k·wᵢ ≥ W is certain: it is taken first and the
    rest re-planned with k − 1 (repeat until none is)."""
    certain: list[int] = []
    while k > 0:
        total = sum(u.weight for u in units)
        big = {u.id for u in units if k * u.weight >= total}
        if not big:
            break
        certain.extend(u.id for u in units if u.id in big)
        units = [u for u in units if u.id not in big]
        k -= len(big)
    if k == 0:  # never below 0: at most k units can each hold a share ≥ W / k
        return certain
    total = sum(u.weight for u in units)
    # Unit i covers [k·C(i−1), k·C(i)) on a line of length k·W; the k points start + j·W hit k units.
    point = _below(rng, total)
    picked: list[int] = []
    reach = 0
    for unit in units:
        reach += k * unit.weight
        if point < reach:
            picked.append(unit.id)
            point += total
    return certain + picked


def select(population: list[list], sample_size: int, rng: random.Random) -> list[int]:
    """The drawn enterprise ids, sorted. Always-included units first; if they alone reach the sample
    size they are all drawn (the sample grows); otherwise the rest is a weighted sample."""
    mandatory = [row[0] for row in population if row[3]]
    rest = [Unit(row[0], row[2]) for row in population if not row[3] and row[2] > 0]
    remaining = sample_size - len(mandatory)
    if remaining <= 0:
        return sorted(mandatory)
    if remaining >= len(rest):
        return sorted(mandatory + [u.id for u in rest])
    _shuffle(rest, rng)
    return sorted(mandatory + _systematic_pps(rest, remaining, rng))


# --- step 2: which inspectors ---------------------------------------------------------------------------
@dataclass
class _Loads:
    """Inspectors bucketed by how many assignments they have so far; each bucket sorted by id."""

    buckets: dict[int, list[int]] = field(default_factory=dict)
    load: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, pool: list[int]) -> _Loads:
        return cls({0: sorted(pool)}, dict.fromkeys(pool, 0))

    def bump(self, inspector: int) -> None:
        level = self.load[inspector]
        bucket = self.buckets[level]
        bucket.pop(bisect.bisect_left(bucket, inspector))
        if not bucket:
            del self.buckets[level]
        self.load[inspector] = level + 1
        bisect.insort(self.buckets.setdefault(level + 1, []), inspector)


def eligible_counts(population_ids, pool: list[int], conflicts) -> dict[int, int]:
    """How many pool inspectors each enterprise may get (pool minus its conflicts)."""
    blocked: dict[int, set[int]] = {}
    pool_set = set(pool)
    for inspector, enterprise, *_why in conflicts:
        if inspector in pool_set:
            blocked.setdefault(enterprise, set()).add(inspector)
    return {e: len(pool_set) - len(blocked.get(e, ())) for e in population_ids}


def assign(
    selected: list[int], pool: list[int], conflicts, per_target: int, rng: random.Random
) -> list[tuple[int, tuple[int, ...]]]:
    """For each drawn enterprise (ascending id), `per_target` distinct inspectors: each pick is among
    the eligible inspectors (no conflict, not already picked for it) with the fewest assignments so
    far, uniformly at random among ties (listed by ascending id)."""
    blocked: dict[int, set[int]] = {}
    for inspector, enterprise, *_why in conflicts:
        blocked.setdefault(enterprise, set()).add(inspector)
    loads = _Loads.of(pool)
    result = []
    for enterprise in selected:
        excluded = set(blocked.get(enterprise, ()))
        chosen: list[int] = []
        for _slot in range(per_target):
            pick = None
            for level in sorted(loads.buckets):
                bucket = loads.buckets[level]
                ties = [i for i in bucket if i not in excluded] if excluded else bucket
                if ties:
                    pick = ties[_below(rng, len(ties))]
                    break
            if pick is None:
                raise DrawError(
                    f"enterprise {enterprise}: fewer than {per_target} eligible inspectors",
                    code="pool_too_small",
                    enterprise_id=enterprise,
                )
            chosen.append(pick)
            excluded.add(pick)
            loads.bump(pick)
        result.append((enterprise, tuple(chosen)))
    return result


# --- the whole draw ----------------------------------------------------------------------------------
def check_inputs(inputs: dict) -> None:
    try:
        if inputs["algorithm"] != ALGORITHM_VERSION:
            raise DrawError(f"unknown algorithm {inputs['algorithm']!r}", code="algorithm")
        int(inputs["seed"], 16)
        if int(inputs["sample_size"]) < 1:
            raise DrawError("sample size must be at least 1", code="sample_size")
        if int(inputs["per_target"]) < 1:
            raise DrawError("at least one inspector per enterprise", code="per_target")
        for row in inputs["population"]:
            if len(row) != 4 or int(row[2]) < 0:
                raise DrawError(f"malformed population row {row!r}", code="malformed")
        for row in inputs["conflicts"]:
            if len(row) != 3:
                raise DrawError(f"malformed conflict row {row!r}", code="malformed")
        [int(i) for i in inputs["pool"]]
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DrawError):
            raise
        raise DrawError(f"malformed inputs: {exc}", code="malformed") from None


def run_draw(inputs: dict) -> list[tuple[int, tuple[int, ...]]]:
    """[(enterprise id, (inspector ids…)), …] in ascending enterprise id: the result of the draw."""
    check_inputs(inputs)
    if not inputs["population"]:
        raise DrawError("the population is empty", code="empty_population")
    rng = random.Random(int(inputs["seed"], 16))
    selected = select(inputs["population"], int(inputs["sample_size"]), rng)
    return assign(selected, list(inputs["pool"]), inputs["conflicts"], int(inputs["per_target"]), rng)


def result_as_data(result) -> list[list]:
    return [[enterprise, list(inspectors)] for enterprise, inspectors in result]


# --- verification ------------------------------------------------------------------------------------
def describe_input_differences(stored: dict, given: dict) -> list[str]:
    """Human-readable differences between two input sets (for a failed verification)."""
    out: list[str] = []
    for key in ("algorithm", "seed", "sample_size", "per_target"):
        if stored.get(key) != given.get(key):
            out.append(f"{key}: {stored.get(key)!r} → {given.get(key)!r}")
    old = {row[0]: row for row in stored.get("population", [])}
    new = {row[0]: row for row in given.get("population", [])}
    for eid in sorted(set(old) - set(new)):
        out.append(f"population: enterprise {eid} removed")
    for eid in sorted(set(new) - set(old)):
        out.append(f"population: enterprise {eid} added")
    for eid in sorted(set(old) & set(new)):
        if old[eid] != new[eid]:
            out.append(f"population: enterprise {eid} {old[eid][1:]} → {new[eid][1:]}")
    old_pool, new_pool = set(stored.get("pool", [])), set(given.get("pool", []))
    for i in sorted(old_pool - new_pool):
        out.append(f"pool: inspector {i} removed")
    for i in sorted(new_pool - old_pool):
        out.append(f"pool: inspector {i} added")
    old_c = {tuple(c) for c in stored.get("conflicts", [])}
    new_c = {tuple(c) for c in given.get("conflicts", [])}
    for c in sorted(old_c - new_c):
        out.append(f"conflicts: {list(c)} removed")
    for c in sorted(new_c - old_c):
        out.append(f"conflicts: {list(c)} added")
    return out


def describe_result_differences(expected, recorded) -> list[str]:
    """Differences between the re-run result and the recorded assignments."""
    exp = {e: tuple(i) for e, i in expected}
    rec = {e: tuple(i) for e, i in recorded}
    out: list[str] = []
    for eid in sorted(set(exp) - set(rec)):
        out.append(f"enterprise {eid} is drawn by the re-run but not recorded")
    for eid in sorted(set(rec) - set(exp)):
        out.append(f"enterprise {eid} is recorded but not drawn by the re-run")
    for eid in sorted(set(exp) & set(rec)):
        if exp[eid] != rec[eid]:
            out.append(
                f"enterprise {eid}: recorded inspectors {list(rec[eid])}, re-run gives {list(exp[eid])}"
            )
    return out
