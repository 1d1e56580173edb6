"""What a decision does, in one transaction: credit record and tier, licence revocation, bars, publication."""

import datetime as dt

import pytest

from core.exceptions import ConflictError
from core.models import AuditLog, Notification
from credit.models import CreditRecord, EnterpriseCredit, TierChange
from licensing.models import LicenceStatus
from penalties import services
from penalties.models import Bar, PenaltyCase, State
from penalties.selectors import active_bars, public_decisions
from penalties.tests.helpers import investigate, notify, open_case
from tests.factories import LicenceFactory

DECIDED = dt.date(2026, 3, 10)


def decide(case, approver, today=DECIDED):
    return services.case_decide(case=case, approver=approver, reason="", today=today)


def test_the_decision_becomes_a_credit_record_and_the_tier_changes(notified_case, approver, enterprise):
    assert not EnterpriseCredit.objects.filter(enterprise=enterprise).exists()
    case = decide(notified_case, approver)
    record = case.credit_record
    assert record.category == "penalty" and record.grade == "serious" and record.status == "active"
    assert (record.source, record.source_ref) == ("penalty", f"case-{case.pk}")
    assert record.published and record.occurred_on == DECIDED
    assert record.publish_until == record.counts_until == dt.date(2027, 3, 9)  # 较重: 12 months
    assert "隐瞒或提供虚假申请材料" in record.title
    # one serious record → 失信 (credit's written tier rules), recomputed at once
    assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "dishonest"
    assert TierChange.objects.filter(enterprise=enterprise, to_tier="dishonest").exists()


def test_a_minor_violation_is_published_three_months(enterprise, enterprise_user, officer, approver):
    case = investigate(open_case(enterprise, officer, violation="registration_not_filed"), officer)
    case = decide(notify(case, officer), approver)
    assert case.credit_record.grade == "minor" and case.credit_record.publish_until == dt.date(2026, 6, 9)
    assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "trustworthy"


def test_revocation_and_bars_take_effect_with_the_decision(enterprise, enterprise_user, officer, approver):
    licence = LicenceFactory(enterprise=enterprise)
    case = investigate(
        open_case(enterprise, officer, violation="deception_bribery", licence=licence), officer
    )
    case = notify(case, officer)
    assert case.revoke_licence and case.warning
    case = decide(case, approver)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED and case.decision_number in licence.status_reason
    revoke = AuditLog.objects.get(action="licence.revoke")
    assert revoke.context["source"] == f"penalty:{case.number}" and revoke.actor == approver
    assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "seriously_dishonest"
    three_years = dt.date(2029, 3, 9)
    assert active_bars(enterprise, DECIDED) == {
        "application": three_years,
        "tolerant": three_years,
        "commitment": three_years,
    }
    assert active_bars(enterprise, three_years + dt.timedelta(days=1)) == {}
    assert active_bars(enterprise, DECIDED - dt.timedelta(days=1)) == {}


def test_repair_lifts_the_credit_bars_but_not_the_statutory_one(
    enterprise, enterprise_user, officer, approver
):
    case = decide(notify(investigate(open_case(enterprise, officer), officer), officer), approver)
    assert set(active_bars(enterprise, DECIDED)) == {"application", "tolerant", "commitment"}
    CreditRecord.objects.filter(pk=case.credit_record_id).update(status="repaired")
    assert active_bars(enterprise, DECIDED) == {"application": dt.date(2027, 3, 9)}


def test_a_failed_revocation_undoes_the_whole_decision(enterprise, enterprise_user, officer, approver):
    from licensing.services import licence_revoke

    licence = LicenceFactory(enterprise=enterprise)
    case = notify(
        investigate(open_case(enterprise, officer, violation="deception_bribery", licence=licence), officer),
        officer,
    )
    licence_revoke(licence=licence, actor=officer, reason="另案撤销", source="other")
    with pytest.raises(ConflictError):
        decide(case, approver)
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.state == State.NOTIFIED and case.decision_number is None and case.credit_record is None
    assert not CreditRecord.objects.exists() and not Bar.objects.exists()
    assert not AuditLog.objects.filter(action="penalty.decide").exists()
    # the decision number was not used up
    licence2 = LicenceFactory(enterprise=enterprise)
    case2 = notify(
        investigate(open_case(enterprise, officer, violation="deception_bribery", licence=licence2), officer),
        officer,
    )
    assert decide(case2, approver).decision_number == "南方局罚字〔2026〕1号"


def test_the_party_is_told_of_the_notice_and_the_decision(notified_case, approver, enterprise_user):
    assert (
        Notification.objects.filter(user=enterprise_user, title__contains=notified_case.number).count() == 1
    )
    case = decide(notified_case, approver)
    assert Notification.objects.filter(user=enterprise_user, title__contains=case.decision_number).exists()


# --- publication ---------------------------------------------------------------------------------------
def test_published_then_withdrawn_when_repaired(notified_case, approver, client):
    case = decide(notified_case, approver)
    assert list(public_decisions(DECIDED)) == [case]
    html = client.get("/penalties/public/").content.decode()
    assert case.decision_number in html and case.enterprise.credit_code in html and "20,000.00" in html
    CreditRecord.objects.filter(pk=case.credit_record_id).update(status="repaired")
    assert list(public_decisions(DECIDED)) == []
    assert case.decision_number not in client.get("/penalties/public/").content.decode()


def test_withdrawn_when_the_publication_period_ends(notified_case, approver):
    case = decide(notified_case, approver)
    assert list(public_decisions(case.credit_record.publish_until)) == [case]
    assert list(public_decisions(case.credit_record.publish_until + dt.timedelta(days=1))) == []


def test_the_disclosure_rule_caps_the_publication_and_an_objection_withdraws(notified_case, approver, client):
    """The oversight rule `penalty_decisions` (36 months, editable) bounds the record's own period; a
    record revoked after a granted objection is withdrawn like a repaired one."""
    from oversight.models import DisclosureRule

    case = decide(notified_case, approver)
    assert case.credit_record.publish_until > DECIDED + dt.timedelta(days=40)  # serious: 12 months
    assert list(public_decisions(DECIDED + dt.timedelta(days=40))) == [case]
    DisclosureRule.objects.filter(key="penalty_decisions").update(retention_months=1)
    assert list(public_decisions(DECIDED + dt.timedelta(days=40))) == []
    assert list(public_decisions(DECIDED + dt.timedelta(days=20))) == [case]
    DisclosureRule.objects.filter(key="penalty_decisions").update(retention_months=36)
    CreditRecord.objects.filter(pk=case.credit_record_id).update(status="revoked")
    assert list(public_decisions(DECIDED)) == []
    assert case.decision_number not in client.get("/penalties/public/").content.decode()


def test_no_penalty_is_not_published(notified_case, approver):
    services.case_dismiss(case=notified_case, approver=approver, reason="证据不足。")
    assert list(public_decisions(DECIDED)) == [] and not CreditRecord.objects.exists()


def test_a_decision_not_public_in_time_is_flagged_for_the_supervision_group(notified_case, approver):
    """oversight's daily `not_published` check: 7 working days for penalty decisions. A decision is
    published in its own transaction, so only an anomaly (its record unpublished by hand) is found;
    a record withdrawn by a repair is not."""
    from oversight.models import WorkFlag
    from oversight.services import work_flags_regenerate

    case = decide(notified_case, approver)  # Tuesday 10 March 2026: due 19 March
    work_flags_regenerate(today=dt.date(2026, 3, 20))
    assert not WorkFlag.objects.filter(rule="not_published").exists()  # published at once
    CreditRecord.objects.filter(pk=case.credit_record_id).update(published=False)
    work_flags_regenerate(today=dt.date(2026, 3, 19))
    assert not WorkFlag.objects.filter(rule="not_published").exists()  # not yet past due
    work_flags_regenerate(today=dt.date(2026, 3, 20))
    flag = WorkFlag.objects.get(rule="not_published")
    assert flag.subject_key == f"penalty_decisions:{case.pk}" and flag.facts["within"] == 7
    assert flag.facts["number"] == case.decision_number and flag.facts["outcome"] == "行政处罚决定"
    WorkFlag.objects.all().delete()
    CreditRecord.objects.filter(pk=case.credit_record_id).update(status="repaired")
    work_flags_regenerate(today=dt.date(2026, 3, 20))
    assert not WorkFlag.objects.filter(rule="not_published").exists()  # withdrawn, not late
