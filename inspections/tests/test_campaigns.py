"""campaign_draw / campaign_publish / verification against the database."""

import datetime as dt
import json

import pytest
from django.db.models import F
from django.utils import timezone

from core.exceptions import DomainError, ForbiddenError
from core.models import AuditLog
from inspections import draw, selectors, services
from inspections.models import Campaign, Inspection
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def nothing_saved():
    return Campaign.objects.count() == 0 and Inspection.objects.count() == 0


def test_draw_assigns_two_distinct_inspectors_from_the_pool(holders, draw_campaign, pool):
    holders(8)
    campaign = draw_campaign(sample_size=5)
    assert campaign.state == Campaign.State.DRAWN
    assert campaign.population_size == 8 and campaign.pool_size == 4
    rows = list(campaign.inspections.all())
    assert len(rows) == 5 and len({r.enterprise_id for r in rows}) == 5
    pool_ids = {u.pk for u in pool}
    for row in rows:
        assert row.lead_inspector_id != row.second_inspector_id
        assert {row.lead_inspector_id, row.second_inspector_id} <= pool_ids
        assert row.origin == "campaign" and row.state == "planned" and row.licence_id
    assert campaign.inputs_sha256 == draw.sha256_of(campaign.inputs)
    assert AuditLog.objects.filter(action="campaign.draw", object_id=str(campaign.pk)).exists()


def test_the_campaign_records_what_it_used(holders, draw_campaign):
    enterprises = holders(3, tier="good") + holders(2, tier="dishonest")
    campaign = draw_campaign(sample_size=2)
    rows = {row[0]: row for row in campaign.inputs["population"]}
    assert set(rows) == {e.pk for e in enterprises}
    assert {rows[e.pk][2] for e in enterprises[:3]} == {80}  # 信用良好: −20 %
    assert {rows[e.pk][2] for e in enterprises[3:]} == {120}  # 失信: +20 %
    assert campaign.inputs["seed"] == campaign.seed and campaign.algorithm_version == draw.ALGORITHM_VERSION


def test_seed_comes_from_secrets_when_not_given(holders, draw_campaign):
    holders(3)
    first = draw_campaign(seed=None, name="一", conflict_years=0)
    second = draw_campaign(seed=None, name="二", conflict_years=0)
    assert len(first.seed) == 32 and first.seed != second.seed


def test_kind_follows_the_credit_policy_manner(holders, draw_campaign):
    good = holders(1, tier="good")[0]
    bad = holders(1, tier="dishonest")[0]
    campaign = draw_campaign(sample_size=2)
    kinds = dict(campaign.inspections.values_list("enterprise_id", "kind"))
    assert kinds[good.pk] == "off_site" and kinds[bad.pk] == "on_site"


def test_seriously_dishonest_always_drawn(holders, draw_campaign):
    holders(30)
    serious = holders(2, tier="seriously_dishonest")
    for n in range(5):
        campaign = draw_campaign(sample_size=3, seed=None, name=f"第{n}批", conflict_years=0)
        drawn = set(campaign.inspections.values_list("enterprise_id", flat=True))
        assert {e.pk for e in serious} <= drawn


def test_conflicts_declared_and_recent_inspections_are_avoided(holders, draw_campaign, pool, officer):
    enterprises = holders(6)
    victim = enterprises[0]
    services.conflict_declare(
        inspector=pool[0], enterprise=victim, relation="kinship", detail="配偶在该企业任职", actor=officer
    )
    # pool[1] inspected the victim last year (with an officer outside the pool)
    outsider = UserFactory(username="outsider", role="officer", agency=victim.agency)
    Inspection.objects.create(
        number="OLD-1",
        agency=victim.agency,
        enterprise=victim,
        origin="targeted",
        kind="on_site",
        lead_inspector=pool[1],
        second_inspector=outsider,
        due_on=timezone.localdate() - dt.timedelta(days=300),
        created_by=officer,
    )
    campaign = draw_campaign(sample_size=6)
    row = campaign.inspections.get(enterprise=victim)
    assert set(row.inspector_ids) == {pool[2].pk, pool[3].pk}
    blocked = {(c[0], c[1]) for c in campaign.inputs["conflicts"]}
    assert (pool[0].pk, victim.pk) in blocked and (pool[1].pk, victim.pk) in blocked
    for inspection in campaign.inspections.all():
        assert all((i, inspection.enterprise_id) not in blocked for i in inspection.inspector_ids)


def test_old_inspections_beyond_the_conflict_period_do_not_count(holders, draw_campaign, pool, officer):
    victim = holders(2)[0]
    Inspection.objects.create(
        number="OLD-2",
        agency=victim.agency,
        enterprise=victim,
        origin="targeted",
        kind="on_site",
        lead_inspector=pool[0],
        second_inspector=pool[1],
        due_on=timezone.localdate() - dt.timedelta(days=4 * 366),
        created_by=officer,
    )
    campaign = draw_campaign(sample_size=2, conflict_years=3)
    assert campaign.inputs["conflicts"] == []


def test_population_filters(holders, draw_campaign, agency_nf):
    gd = holders(2, province="44")
    gx = holders(2, province="45", scopes=(("repair", "2"),))
    holders(1, province="44", tier="good")
    campaign = draw_campaign(provinces=["45"], sample_size=1)
    assert {r[0] for r in campaign.inputs["population"]} == {e.pk for e in gx}
    campaign = draw_campaign(category="repair", sample_size=1, name="承修", conflict_years=0)
    assert campaign.population_size == 2
    campaign = draw_campaign(
        tiers=["trustworthy"], provinces=["44"], sample_size=1, name="守信", conflict_years=0
    )
    assert {r[0] for r in campaign.inputs["population"]} == {e.pk for e in gd}


def test_population_leaves_out_other_agencies_and_invalid_licences(holders, draw_campaign, far_enterprise):
    from licensing.models import Licence

    ours = holders(3)
    LicenceFactory(enterprise=far_enterprise)
    Licence.objects.filter(enterprise=ours[0]).update(status="revoked")
    campaign = draw_campaign(sample_size=1)
    assert {r[0] for r in campaign.inputs["population"]} == {ours[1].pk, ours[2].pk}


def test_sample_rate(holders, draw_campaign):
    holders(10)
    campaign = draw_campaign(sample_size=None, sample_rate=25)
    assert campaign.sample_size == 3  # ceil(10 × 25 %)
    assert campaign.inspections.count() == 3


# --- refusals: a clear message and nothing saved ------------------------------------------------------------
def test_pool_of_one_is_refused(holders, draw_campaign, officer):
    holders(3)
    with pytest.raises(DomainError) as exc:
        draw_campaign(inspector_ids=[officer.pk])
    assert exc.value.code == "pool_too_small" and nothing_saved()


def test_pool_with_an_officer_of_another_agency_is_refused(holders, draw_campaign, pool, far_officer):
    holders(3)
    with pytest.raises(DomainError) as exc:
        draw_campaign(inspector_ids=[u.pk for u in pool] + [far_officer.pk])
    assert exc.value.code == "bad_pool" and str(far_officer.pk) in exc.value.message and nothing_saved()


def test_pool_with_an_enterprise_user_is_refused(holders, draw_campaign, pool, enterprise_user):
    holders(3)
    with pytest.raises(DomainError):
        draw_campaign(inspector_ids=[pool[0].pk, enterprise_user.pk])
    assert nothing_saved()


def test_empty_population_is_refused(draw_campaign):
    with pytest.raises(DomainError) as exc:
        draw_campaign()
    assert exc.value.code == "empty_population" and nothing_saved()


def test_enterprise_with_fewer_than_two_eligible_inspectors_is_refused(
    holders, draw_campaign, officer, officer2
):
    target = holders(3)[1]
    services.conflict_declare(
        inspector=officer, enterprise=target, relation="kinship", detail="", actor=officer
    )
    with pytest.raises(DomainError) as exc:
        draw_campaign(inspector_ids=[officer.pk, officer2.pk])
    assert exc.value.code == "pool_too_small" and target.name in exc.value.message
    assert nothing_saved()
    from core.models import Sequence

    assert not Sequence.objects.filter(key__startswith="campaign:").exclude(last_value=0).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"sample_size": 50}, "sample_size"),
        ({"sample_size": 2, "sample_rate": 10}, "sample_size"),
        ({"sample_size": None, "sample_rate": None}, "sample_size"),
        ({"sample_size": None, "sample_rate": 0}, "sample_rate"),
        ({"due_on": dt.date(2020, 1, 1)}, "due_on"),
        ({"name": "  "}, "name"),
        ({"licence_type": "nonsense"}, "licence_type"),
        ({"tiers": ["golden"]}, "tiers"),
        ({"provinces": ["99"]}, "provinces"),
        ({"conflict_years": 20}, "conflict_years"),
    ],
)
def test_bad_definitions_are_refused(holders, draw_campaign, overrides, field):
    holders(3)
    with pytest.raises(DomainError) as exc:
        draw_campaign(**overrides)
    assert exc.value.field == field and nothing_saved()


def test_only_officers_draw(holders, draw_campaign, supervisor, enterprise_user):
    holders(3)
    for user in (supervisor, enterprise_user):
        with pytest.raises(ForbiddenError):
            draw_campaign(officer=user)
    assert nothing_saved()


def test_the_draw_does_not_query_per_enterprise(holders, draw_campaign, django_assert_max_num_queries):
    holders(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        draw_campaign(sample_size=5, name="小")
    holders(25)
    with CaptureQueriesContext(connection) as large:
        draw_campaign(sample_size=5, name="大", conflict_years=0)
    assert len(large) <= len(small) + 2  # constant in the population (one query loads it)


# --- verification ---------------------------------------------------------------------------------------------
def test_verification_passes_on_an_untouched_campaign(holders, draw_campaign):
    holders(10, tier="good")
    campaign = draw_campaign(sample_size=4)
    result = selectors.campaign_verification(campaign)
    assert result.ok and result.hash_ok and result.drawn == 4 and not result.result_differences


def test_tampered_stored_inputs_fail_the_hash_and_the_result(holders, draw_campaign):
    holders(10)
    campaign = draw_campaign(sample_size=4)
    inputs = campaign.inputs
    inputs["seed"] = "ff" * 16
    Campaign.objects.filter(pk=campaign.pk).update(inputs_json=json.dumps(inputs))
    campaign.refresh_from_db()
    result = selectors.campaign_verification(campaign)
    assert not result.ok and not result.hash_ok


def test_supplied_inputs_that_differ_are_reported(holders, draw_campaign):
    enterprises = holders(10)
    campaign = draw_campaign(sample_size=4)
    changed = dict(campaign.inputs)
    changed["population"] = [list(r) for r in campaign.inputs["population"]]
    changed["population"][0][1], changed["population"][0][2] = "dishonest", 120
    result = selectors.campaign_verification(campaign, changed)
    assert not result.ok and result.hash_ok
    assert any(f"enterprise {enterprises[0].pk}" in d for d in result.inputs_differences)


def test_an_assignment_changed_after_the_draw_fails_verification(holders, draw_campaign, pool):
    holders(6)
    campaign = draw_campaign(sample_size=3)
    row = campaign.inspections.order_by("draw_position").first()
    replacement = next(u for u in pool if u.pk not in row.inspector_ids)
    Inspection.objects.filter(pk=row.pk).update(second_inspector=replacement)
    result = selectors.campaign_verification(campaign)
    assert not result.ok and result.hash_ok
    assert any(f"enterprise {row.enterprise_id}" in d for d in result.result_differences)


def test_a_deleted_assignment_fails_verification(holders, draw_campaign):
    holders(6)
    campaign = draw_campaign(sample_size=3)
    Inspection.objects.filter(pk=campaign.inspections.first().pk).update(draw_position=F("draw_position"))
    campaign.inspections.order_by("draw_position").last().delete()
    assert not selectors.campaign_verification(campaign).ok


# --- publication and report -------------------------------------------------------------------------------------
def test_publish_waits_for_every_inspection(holders, draw_campaign, officer):
    holders(3)
    campaign = draw_campaign(sample_size=2)
    with pytest.raises(DomainError) as exc:
        services.campaign_publish(campaign=campaign, officer=officer)
    assert exc.value.code == "inspections_pending"
    for inspection in campaign.inspections.all():
        services.inspection_cancel(inspection=inspection, officer=officer, reason="企业已注销")
    campaign = services.campaign_publish(campaign=campaign, officer=officer)
    assert campaign.state == Campaign.State.PUBLISHED and campaign.published_at


def test_publish_by_another_agency_is_refused(holders, draw_campaign, far_officer):
    holders(2)
    campaign = draw_campaign(sample_size=1)
    with pytest.raises(ForbiddenError):
        services.campaign_publish(campaign=campaign, officer=far_officer)


def test_report_counts_by_tier(holders, draw_campaign):
    holders(2, tier="good")
    holders(3, tier="dishonest")
    campaign = draw_campaign(sample_size=5)
    report = selectors.campaign_report(campaign)
    assert report.drawn == 5 and report.pending == 5 and report.inspected == 0
    assert {tier: drawn for tier, _l, drawn, _d, _s in report.by_tier} == {"good": 2, "dishonest": 3}
    assert 2 <= report.inspectors <= 4


def test_pool_users_are_notified(holders, draw_campaign, pool):
    from core.models import Notification

    holders(4)
    draw_campaign(sample_size=4)
    assert Notification.objects.filter(user__in=pool).count() >= 2


def test_rewritten_inputs_with_a_matching_hash_still_fail_against_the_assignments(holders, draw_campaign):
    holders(10)
    campaign = draw_campaign(sample_size=4)
    inputs = campaign.inputs
    inputs["sample_size"] = 3
    Campaign.objects.filter(pk=campaign.pk).update(
        inputs_json=draw.canonical_json(inputs).decode(), inputs_sha256=draw.sha256_of(inputs)
    )
    campaign.refresh_from_db()
    result = selectors.campaign_verification(campaign)
    assert result.hash_ok and not result.ok
    assert any("recorded but not drawn" in d for d in result.result_differences)


def test_the_stored_inputs_are_the_hashed_bytes(holders, draw_campaign):
    import hashlib

    holders(5)
    campaign = draw_campaign(sample_size=2)
    assert hashlib.sha256(campaign.inputs_json.encode()).hexdigest() == campaign.inputs_sha256
