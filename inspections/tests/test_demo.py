"""The demo: a drawn and partly inspected campaign, an entry on each list, a self-inspection — twice."""

import pytest

from inspections.models import Campaign, Inspection, ListKind, SelfInspectionCampaign, ThreeListEntry
from inspections.selectors import campaign_verification

pytestmark = pytest.mark.django_db


def run_demo():
    from accounts import demo as accounts_demo
    from inspections import demo

    ctx = {}
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_demo_is_complete_and_idempotent():
    run_demo()
    run_demo()
    campaign = Campaign.objects.get()
    states = set(campaign.inspections.values_list("state", flat=True))
    assert states == {Inspection.State.COMPLETED, Inspection.State.PLANNED}
    assert campaign_verification(campaign).ok
    kinds = set(ThreeListEntry.objects.values_list("list_kind", flat=True))
    assert kinds == set(ListKind.values)
    assert SelfInspectionCampaign.objects.get().reports.count() == 2


def test_demo_copes_without_users():
    from inspections import demo

    demo.seed({})
    assert not Campaign.objects.exists()
