"""Seed 003 items 5–12: the fine follows the party's tier at filing, for every violation type and tier."""

import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import DomainError
from credit.policy_seed import VIOLATIONS
from penalties.models import Violation
from penalties.selectors import recommend
from penalties.tests.helpers import FILED, investigate, notify, open_case

TIERS = ["good", "trustworthy", "dishonest", "seriously_dishonest"]
TIER_ZH = {"good": "信用良好", "trustworthy": "守信", "dishonest": "失信", "seriously_dishonest": "严重失信"}
# (lowest, highest) of the seeded catalogue; a multiple of gains falls back to its range without gains
RANGES = {
    "false_materials": ("10000.00", "30000.00"),
    "deception_bribery": ("10000.00", "30000.00"),
    "licence_misuse": ("10000.00", "30000.00"),
    "unlicensed_work": ("10000.00", "30000.00"),
    "major_accident": ("10000.00", "30000.00"),
    "registration_not_filed": ("1000.00", "10000.00"),
    "contracting_unlicensed": ("10000.00", "30000.00"),
    "grid_not_reporting": ("10000.00", "30000.00"),
}
EXPECTED = {
    # tier: (position, how the amount is found from (low, high))
    "good": ("lower", lambda low, high: low),
    "trustworthy": ("within", lambda low, high: (low + high) / 2),
    "dishonest": ("upper", lambda low, high: high),
    "seriously_dishonest": ("upper", lambda low, high: high),
}


def test_the_catalogue_has_the_eight_violation_types_of_seed_003(db):
    assert list(Violation.objects.order_by("item").values_list("item", "code", "title")) == VIOLATIONS
    for violation in Violation.objects.all():
        assert violation.violated_provision and violation.penalty_provision and violation.discretion_basis
        assert violation.legal_check == "", "the legal department has not checked the seeded articles yet"


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("code", [code for _, code, _ in VIOLATIONS])
def test_recommendation_per_violation_and_tier(db, code, tier):
    violation = Violation.objects.get(code=code)
    low, high = (Decimal(v) for v in RANGES[code])
    position, amount_of = EXPECTED[tier]
    rec = recommend(violation, tier, on=FILED)
    assert (rec.position, rec.lower, rec.upper) == (position, low, high)
    assert rec.amount == amount_of(low, high).quantize(Decimal("0.01"))
    assert rec.policy_version == "CSL-2020"
    # the reasoning, in Chinese: tier, measure text, policy version, range, result
    assert f"“{TIER_ZH[tier]}”" in rec.reasoning
    assert rec.measure_text and rec.measure_text in rec.reasoning
    assert "CSL-2020" in rec.reasoning and f"第{violation.item}项" in rec.reasoning
    assert f"{low:,.2f}元至{high:,.2f}元" in rec.reasoning
    assert f"建议罚款{rec.amount:,.2f}元" in rec.reasoning
    if tier == "trustworthy":
        assert "中间值" in rec.reasoning


def test_a_multiple_of_illegal_gains(db):
    violation = Violation.objects.get(code="unlicensed_work")
    rec = recommend(violation, "trustworthy", on=FILED, illegal_gains=Decimal("50000"))
    assert (rec.lower, rec.upper, rec.amount) == (
        Decimal("50000.00"),
        Decimal("150000.00"),
        Decimal("100000.00"),
    )
    assert "违法所得50,000.00元的1倍至3倍" in rec.reasoning
    assert recommend(violation, "good", on=FILED, illegal_gains=Decimal(0)).amount == Decimal("10000.00")


def test_a_multiple_without_a_fallback_range_needs_the_gains(db):
    violation = Violation.objects.get(code="unlicensed_work")
    violation.fine_min = violation.fine_max = None
    with pytest.raises(DomainError) as err:
        recommend(violation, "good", on=FILED)
    assert err.value.code == "gains_required"


def test_unknown_tier_is_refused(db):
    with pytest.raises(DomainError):
        recommend(Violation.objects.get(code="false_materials"), "excellent", on=FILED)


def test_the_tier_at_filing_governs_even_if_it_changes_later(enterprise, enterprise_user, officer, approver):
    from credit.models import TierOverride

    # an override that was in force when the case was filed (test data: the credit service refuses
    # to create one that is already over on the real today)
    TierOverride.objects.create(
        enterprise=enterprise,
        tier="good",
        reason="表彰",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 3, 2),
        created_by=approver,
    )
    case = open_case(enterprise, officer)
    assert case.credit_tier == "good" and "表彰" in case.credit_reason
    investigate(case, officer)
    # on the day of the notice the override has ended (the party is 守信 again): the snapshot holds
    case = notify(case, officer, today=dt.date(2026, 3, 3))
    assert case.recommended_fine == case.fine_amount == Decimal("10000.00") and case.fine_position == "lower"
    assert "“信用良好”" in case.recommendation_text


def test_the_fine_of_a_gains_case_is_measured_on_the_gains(enterprise, enterprise_user, officer):
    case = open_case(enterprise, officer, violation="unlicensed_work")
    case = investigate(case, officer, gains=Decimal("20000"))
    case = notify(case, officer)
    assert case.fine_lower == Decimal("20000.00") and case.fine_upper == Decimal("60000.00")
    assert case.fine_amount == Decimal("40000.00") and case.confiscation_amount == Decimal("20000.00")
    assert case.rectification
