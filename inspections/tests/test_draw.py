"""The draw as a pure function: probabilities by tier, always-included units, two distinct conflict-free
inspectors with balanced load, reproducibility, and how a changed input shows."""

import collections
import random

import pytest

from inspections import draw

TIER_WEIGHTS = {"good": 80, "trustworthy": 100, "dishonest": 120}


def population(per_tier: int, *, serious: int = 0):
    rows, next_id = [], 1
    for tier, weight in TIER_WEIGHTS.items():
        for _ in range(per_tier):
            rows.append((next_id, tier, weight, False))
            next_id += 1
    for _ in range(serious):
        rows.append((next_id, "seriously_dishonest", 100, True))
        next_id += 1
    return rows


def inputs(**overrides):
    params = {
        "seed": "0f" * 16,
        "sample_size": 10,
        "population": population(20, serious=2),
        "pool": [11, 12, 13, 14, 15],
        "conflicts": [],
    }
    params.update(overrides)
    return draw.build_inputs(**params)


def test_tier_probabilities_follow_the_policy_weights():
    """10 000 draws of 6 out of 60 (20 per tier): P = 6·w/Σw → 8 %, 10 %, 12 % (−20 % / ordinary / +20 %)."""
    rows = draw.build_inputs(seed="00", sample_size=6, population=population(20), pool=[1, 2], conflicts=[])[
        "population"
    ]
    tiers = {row[0]: row[1] for row in rows}
    counts = collections.Counter()
    runs = 10_000
    for run in range(runs):
        for enterprise in draw.select(rows, 6, random.Random(run)):
            counts[tiers[enterprise]] += 1
    rate = {tier: counts[tier] / (runs * 20) for tier in TIER_WEIGHTS}
    assert rate["good"] == pytest.approx(0.08, abs=0.004)
    assert rate["trustworthy"] == pytest.approx(0.10, abs=0.004)
    assert rate["dishonest"] == pytest.approx(0.12, abs=0.004)
    assert rate["good"] / rate["trustworthy"] == pytest.approx(0.8, abs=0.05)
    assert rate["dishonest"] / rate["trustworthy"] == pytest.approx(1.2, abs=0.05)


def test_every_draw_has_exactly_the_sample_size_and_no_duplicates():
    rows = inputs()["population"]
    for run in range(300):
        picked = draw.select(rows, 10, random.Random(run))
        assert len(picked) == len(set(picked)) == 10


def test_seriously_dishonest_are_always_drawn():
    rows = inputs()["population"]
    serious = {row[0] for row in rows if row[3]}
    for run in range(500):
        assert serious <= set(draw.select(rows, 3, random.Random(run)))


def test_always_included_beyond_the_sample_size_grow_the_sample():
    rows = draw.build_inputs(
        seed="1", sample_size=2, population=population(3, serious=4), pool=[1, 2], conflicts=[]
    )["population"]
    assert len(draw.select(rows, 2, random.Random(1))) == 4


def test_a_unit_heavier_than_its_share_is_certain():
    # k·w ≥ W: with 2 of 3 drawn and weights 1000/1/1 the heavy unit is always in.
    rows = [[1, "t", 1000, 0], [2, "t", 1, 0], [3, "t", 1, 0]]
    for run in range(200):
        assert 1 in draw.select(rows, 2, random.Random(run))


def test_two_distinct_conflict_free_inspectors_with_balanced_load():
    conflicts = [(11, e, "declared") for e in range(1, 30)] + [(12, 5, "inspected")]
    data = inputs(sample_size=40, conflicts=conflicts)
    result = draw.run_draw(data)
    blocked = {(i, e) for i, e, _why in conflicts}
    load = collections.Counter()
    for enterprise, inspectors in result:
        assert len(inspectors) == 2 and inspectors[0] != inspectors[1]
        assert all((i, enterprise) not in blocked for i in inspectors)
        load.update(inspectors)
    assert sum(load.values()) == 2 * len(result)


def test_load_is_balanced_without_conflicts():
    result = draw.run_draw(inputs(sample_size=40))
    load = collections.Counter(i for _e, pair in result for i in pair)
    assert max(load.values()) - min(load.values()) <= 1


def test_same_seed_same_draw_and_another_seed_another():
    assert draw.run_draw(inputs()) == draw.run_draw(inputs())
    assert draw.run_draw(inputs()) != draw.run_draw(inputs(seed="1234"))


def test_the_inputs_are_canonical_whatever_order_they_come_in():
    shuffled = list(reversed(population(20, serious=2)))
    a = inputs()
    b = inputs(population=shuffled, pool=[15, 14, 13, 12, 11])
    assert a == b and draw.sha256_of(a) == draw.sha256_of(b)
    assert draw.run_draw(a) == draw.run_draw(b)


def test_reference_vector():
    """A fixed input and its result: a re-implementation must reproduce this (docs/inspections.md)."""
    data = draw.build_inputs(
        seed="5eed",
        sample_size=4,
        population=[
            (1, "good", 80, False),
            (2, "trustworthy", 100, False),
            (3, "dishonest", 120, False),
            (4, "trustworthy", 100, False),
            (5, "seriously_dishonest", 100, True),
            (6, "good", 80, False),
        ],
        pool=[101, 102, 103],
        conflicts=[(101, 5, "declared")],
    )
    assert draw.sha256_of(data) == REFERENCE_SHA256
    assert draw.run_draw(data) == REFERENCE_RESULT


REFERENCE_SHA256 = "85d83eb2cca4dd5bc869e99a05187bff3c7a8c5c6057b720f1c4e7400a910fb9"
REFERENCE_RESULT = [(1, (102, 103)), (2, (101, 102)), (3, (103, 101)), (5, (103, 102))]


def test_an_enterprise_without_two_eligible_inspectors_stops_the_draw():
    with pytest.raises(draw.DrawError) as exc:
        draw.run_draw(
            inputs(pool=[11, 12], conflicts=[(11, 1, "declared")], sample_size=len(population(20)) + 2)
        )
    assert exc.value.code == "pool_too_small" and exc.value.enterprise_id == 1


def test_eligible_counts():
    counts = draw.eligible_counts(
        {1, 2}, [11, 12, 13], [(11, 1, "declared"), (12, 1, "inspected"), (99, 2, "x")]
    )
    assert counts == {1: 1, 2: 3}


def test_empty_population_and_malformed_inputs_are_refused():
    with pytest.raises(draw.DrawError) as exc:
        draw.run_draw(inputs(population=[]))
    assert exc.value.code == "empty_population"
    bad = inputs()
    bad["algorithm"] = "something-else"
    with pytest.raises(draw.DrawError):
        draw.run_draw(bad)
    bad = inputs()
    del bad["seed"]
    with pytest.raises(draw.DrawError):
        draw.run_draw(bad)


def test_differences_are_described():
    stored = inputs()
    changed = inputs()
    changed["population"][0][1] = "dishonest"
    changed["population"][0][2] = 120
    changed["pool"].append(16)
    changed["conflicts"].append([11, 3, "declared"])
    changed["seed"] = "ff"
    text = draw.describe_input_differences(stored, changed)
    assert any("seed" in line for line in text)
    assert any("enterprise 1" in line and "dishonest" in line for line in text)
    assert any("inspector 16 added" in line for line in text)
    assert any("conflicts" in line for line in text)
    result = draw.describe_result_differences([(1, (11, 12)), (2, (13, 14))], [(1, (12, 11)), (3, (13, 14))])
    assert any("enterprise 1" in line for line in result)
    assert any("enterprise 2" in line for line in result)
    assert any("enterprise 3" in line for line in result)
