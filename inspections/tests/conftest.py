"""Fixtures of the inspections tests: licence holders with a stored credit tier, an inspector pool."""

import datetime as dt

import pytest
from django.utils import timezone

# A credit record that derives each tier (credit.selectors.derive_tier): the stored tier and the derived
# one then agree, as they do in production.
TIER_RECORD = {
    "good": ("commendation", ""),
    "dishonest": ("dishonest", "serious"),
    "seriously_dishonest": ("dishonest", "severe"),
}


def make_holders(
    n: int, *, tier: str = "trustworthy", province: str = "44", scopes=(("install", "4"),), **kwargs
):
    from credit.services import credit_record_create, tier_recompute
    from tests.factories import EnterpriseFactory, LicenceFactory

    holders = []
    for _ in range(n):
        enterprise = EnterpriseFactory(province=province, **kwargs)
        LicenceFactory(enterprise=enterprise, scopes=list(scopes))
        if tier in TIER_RECORD:
            category, grade = TIER_RECORD[tier]
            credit_record_create(
                enterprise=enterprise,
                category=category,
                grade=grade,
                title="测试记录",
                occurred_on=timezone.localdate() - dt.timedelta(days=10),
                source="test",
                source_ref=f"holder-{enterprise.pk}",
            )
        else:
            tier_recompute(enterprise=enterprise)
        holders.append(enterprise)
    return holders


@pytest.fixture
def holders(db):
    return make_holders


@pytest.fixture
def pool(officer, officer2, approver, agency_nf):
    from tests.factories import UserFactory

    extra = UserFactory(username="officer3", role="officer", agency=agency_nf)
    return [officer, officer2, approver, extra]


@pytest.fixture
def due():
    return timezone.localdate() + dt.timedelta(days=60)


@pytest.fixture
def draw_campaign(officer, pool, due):
    """campaign_draw with the test defaults; keyword arguments override them."""
    from inspections.services import campaign_draw

    def _draw(**overrides):
        params = {
            "officer": officer,
            "name": "2026年第一批双随机检查",
            "licence_type": "facility",
            "inspector_ids": [u.pk for u in pool],
            "due_on": due,
            "sample_size": 3,
            "seed": "a1" * 16,
        }
        params.update(overrides)
        return campaign_draw(**params)

    return _draw
