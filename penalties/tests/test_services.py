"""The case lifecycle through the services: every step allowed, every refusal leaving nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import AuditLog
from penalties import services
from penalties.models import Evidence, PenaltyCase, State
from penalties.tests.helpers import FILED, investigate, notify, open_case, pdf

AFTER_PERIODS = dt.date(2026, 3, 10)  # the day after both 5-working-day periods from FILED end


def actions(case):
    return list(
        AuditLog.objects.filter(object_type="penalties.penaltycase", object_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_case_from_filing_to_closing(enterprise, enterprise_user, officer, approver):
    case = open_case(enterprise, officer)
    assert case.state == State.FILED and case.number.startswith("NF-CF-2026-")
    assert case.credit_tier == "trustworthy" and case.decision_due == FILED + dt.timedelta(days=90)
    investigate(case, officer)
    services.note_add(case=case, author=officer, text="询问了当事人技术负责人。")
    case = notify(case, officer)
    assert case.state == State.NOTIFIED
    assert case.fine_amount == case.recommended_fine == Decimal("20000.00")
    assert case.warning and case.reapply_bar_years == 1
    case = services.rights_waive(case=case, actor=enterprise_user, text="我单位放弃陈述申辩和听证的权利。")
    case = services.case_decide(case=case, approver=approver, reason="", today=FILED + dt.timedelta(days=1))
    assert case.state == State.DECIDED and case.decision_number == "南方局罚字〔2026〕1号"
    assert case.payment_due == FILED + dt.timedelta(days=16)
    case = services.execution_record(
        case=case,
        officer=officer,
        note="罚款已缴入国库。",
        fine_paid_on=FILED + dt.timedelta(days=3),
        today=FILED + dt.timedelta(days=4),
    )
    case = services.case_close(case=case, officer=officer, note="处罚决定已执行完毕，予以结案。")
    assert case.state == State.CLOSED and case.closed_on
    assert actions(case) == [
        "penalty.open",
        "penalty.start_investigation",
        "penalty.evidence_add",
        "penalty.record_facts",
        "penalty.note_add",
        "penalty.notify",
        "penalty.waive",
        "penalty.decide",
        "penalty.execute",
        "penalty.close",
    ]
    decide = AuditLog.objects.get(action="penalty.decide")
    assert decide.context["credit_tier"] == "trustworthy" and decide.context["policy_version"] == "CSL-2020"
    assert (
        decide.actor == approver
        and decide.before["state"] == "notified"
        and decide.after["state"] == "decided"
    )


# --- 立案 ---------------------------------------------------------------------------------------------
def test_a_party_outside_the_jurisdiction_is_refused(far_enterprise, officer):
    with pytest.raises(ForbiddenError) as err:
        open_case(far_enterprise, officer)
    assert err.value.code == "jurisdiction" and far_enterprise.name in err.value.message
    assert not PenaltyCase.objects.exists()


def test_the_nea_may_file_anywhere(far_enterprise, agency_nea):
    from tests.factories import UserFactory

    nea_officer = UserFactory(username="nea_officer", role="officer", agency=agency_nea)
    assert open_case(far_enterprise, nea_officer).agency == agency_nea


def test_only_agency_staff_file_cases(enterprise, enterprise_user, supervisor):
    for user in (enterprise_user, supervisor):
        with pytest.raises(ForbiddenError):
            open_case(enterprise, user)
    assert not PenaltyCase.objects.exists()


def test_the_same_referral_opens_one_case(enterprise, other_enterprise, officer):
    first = open_case(enterprise, officer, source="inspection", source_ref="JC-2026-001")
    again = open_case(enterprise, officer, source="inspection", source_ref="JC-2026-001")
    assert again.pk == first.pk and PenaltyCase.objects.count() == 1
    with pytest.raises(DomainError):
        open_case(other_enterprise, officer, source="inspection", source_ref="JC-2026-001")


def test_unknown_violation_and_empty_grounds_are_refused(enterprise, officer):
    with pytest.raises(DomainError) as err:
        open_case(enterprise, officer, violation="no_such_thing")
    assert err.value.field == "violation"
    with pytest.raises(DomainError) as err:
        open_case(enterprise, officer, summary="  ")
    assert err.value.field == "summary"
    assert not PenaltyCase.objects.exists()


def test_a_rectification_case_needs_an_escalated_order(enterprise, officer):
    from supervision.models import RectificationOrder
    from supervision.services import rectification_escalate_overdue, rectification_order_create

    with pytest.raises(DomainError):
        open_case(enterprise, officer, source="rectification")
    order = rectification_order_create(
        enterprise=enterprise,
        officer=officer,
        findings="技术负责人离职未补充",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        source="other",
    )
    with pytest.raises(DomainError):
        open_case(enterprise, officer, source="rectification", rectification_order=order)
    rectification_escalate_overdue(order.pk, today=order.deadline + dt.timedelta(days=1))
    order = RectificationOrder.objects.get(pk=order.pk)
    case = open_case(
        enterprise,
        officer,
        violation="registration_not_filed",
        source="rectification",
        rectification_order=order,
    )
    assert case.source_ref == order.number and case.rectification_order == order


# --- 调查 ---------------------------------------------------------------------------------------------
def test_evidence_is_checked_by_its_content(enterprise, officer):
    case = open_case(enterprise, officer)
    fake = SimpleUploadedFile("scan.pdf", b"just some text, not a PDF", content_type="application/pdf")
    with pytest.raises(DomainError) as err:
        services.evidence_add(case=case, upload=fake, description="伪装成PDF的文本", actor=officer)
    assert err.value.code == "bad_file_type"
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    assert (
        services.evidence_add(case=case, upload=png, description="现场照片", actor=officer).content_type
        == "image/png"
    )
    assert Evidence.objects.count() == 1


@override_settings(UPLOAD_MAX_BYTES=20)
def test_evidence_is_size_limited(enterprise, officer):
    case = open_case(enterprise, officer)
    with pytest.raises(DomainError) as err:
        services.evidence_add(case=case, upload=pdf(), description="太大", actor=officer)
    assert err.value.code == "too_large" and not Evidence.objects.exists()


def test_the_party_is_told_only_with_facts_and_evidence(enterprise, officer):
    case = open_case(enterprise, officer)
    services.case_start_investigation(case=case, officer=officer)
    with pytest.raises(DomainError) as err:
        notify(case, officer, amount="20000")
    assert err.value.code == "facts_required"
    services.case_record_facts(case=case, officer=officer, facts="经查属实。", illegal_gains=None)
    with pytest.raises(DomainError) as err:
        notify(case, officer, amount="20000")
    assert err.value.code == "evidence_required"
    assert PenaltyCase.objects.get(pk=case.pk).state == State.INVESTIGATING


# --- 告知: the amount --------------------------------------------------------------------------------
@pytest.mark.parametrize("amount", ["9999.99", "30000.01", "0", "1000000"])
def test_an_amount_outside_the_legal_range_is_refused(enterprise, officer, amount):
    case = investigate(open_case(enterprise, officer), officer)
    with pytest.raises(DomainError) as err:
        notify(case, officer, amount=amount, departure_reason="情节特殊")
    assert err.value.code == "amount_out_of_range" and "10,000.00" in err.value.message
    case.refresh_from_db()
    assert case.state == State.INVESTIGATING and case.fine_amount is None and case.notified_on is None
    assert "penalty.notify" not in actions(case)


def test_a_departure_needs_a_written_reason(enterprise, officer):
    case = investigate(open_case(enterprise, officer), officer)
    with pytest.raises(DomainError) as err:
        notify(case, officer, amount="25000")
    assert err.value.code == "departure_reason_required"
    case = notify(case, officer, amount="25000", departure_reason="当事人拒不配合调查，情节较重。")
    assert case.is_departure and case.fine_amount == Decimal("25000.00")
    assert case.recommended_fine == Decimal("20000.00") and case.departure_reason
    audit = AuditLog.objects.get(action="penalty.notify")
    assert audit.context["departure_reason"] and audit.context["recommended_fine"] == "20000.00"


def test_the_bounds_themselves_are_inside_the_range(enterprise, officer):
    case = investigate(open_case(enterprise, officer), officer)
    assert notify(case, officer, amount="30000", departure_reason="从重").fine_amount == Decimal("30000.00")


def test_mandatory_and_unavailable_outcomes(enterprise, officer):
    case = investigate(open_case(enterprise, officer), officer)
    with pytest.raises(DomainError) as err:
        notify(case, officer, warning=False)
    assert err.value.code == "outcome_mandatory"
    with pytest.raises(DomainError) as err:
        notify(case, officer, confiscation=True)
    assert err.value.code == "outcome_not_allowed"
    with pytest.raises(DomainError):
        notify(case, officer, revocation=True)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.INVESTIGATING


def test_revocation_needs_the_licence(enterprise, officer):
    case = investigate(open_case(enterprise, officer, violation="deception_bribery"), officer)
    with pytest.raises(DomainError) as err:
        notify(case, officer)
    assert err.value.field == "revocation"


# --- 告知: the party's periods and rights ---------------------------------------------------------------
def test_no_decision_while_the_party_may_still_speak(notified_case, approver):
    assert notified_case.statement_due == notified_case.hearing_request_due == dt.date(2026, 3, 9)
    for day in (FILED, dt.date(2026, 3, 9)):
        with pytest.raises(DomainError) as err:
            services.case_decide(case=notified_case, approver=approver, reason="", today=day)
        assert err.value.code == "period_running"
    notified_case.refresh_from_db()
    assert notified_case.state == State.NOTIFIED and notified_case.decision_number is None
    case = services.case_decide(case=notified_case, approver=approver, reason="", today=AFTER_PERIODS)
    assert case.state == State.DECIDED


def test_a_written_waiver_allows_an_early_decision(notified_case, approver, enterprise_user):
    with pytest.raises(DomainError):
        services.rights_waive(case=notified_case, actor=enterprise_user, text=" ")
    services.rights_waive(case=notified_case, actor=enterprise_user, text="放弃陈述申辩及听证权利")
    with pytest.raises(DomainError) as err:
        services.statement_submit(case=notified_case, actor=enterprise_user, text="补充意见", today=FILED)
    assert err.value.code == "waived"
    assert (
        services.case_decide(case=notified_case, approver=approver, reason="", today=FILED).state
        == State.DECIDED
    )


def test_only_the_party_waives_states_and_asks(notified_case, other_enterprise_user, officer):
    for actor in (other_enterprise_user, officer):
        with pytest.raises(ForbiddenError):
            services.rights_waive(case=notified_case, actor=actor, text="放弃")
        with pytest.raises(ForbiddenError):
            services.statement_submit(case=notified_case, actor=actor, text="意见", today=FILED)
        with pytest.raises(ForbiddenError):
            services.hearing_request(case=notified_case, actor=actor, today=FILED)


def test_statements_within_the_period_and_weighed_in_the_decision(notified_case, enterprise_user, approver):
    services.statement_submit(
        case=notified_case, actor=enterprise_user, text="我单位已整改，请求从轻处罚。", today=FILED
    )
    with pytest.raises(DomainError) as err:
        services.statement_submit(
            case=notified_case, actor=enterprise_user, text="迟到的意见", today=AFTER_PERIODS
        )
    assert err.value.code == "period_over"
    with pytest.raises(DomainError) as err:
        services.case_decide(case=notified_case, approver=approver, reason="", today=AFTER_PERIODS)
    assert err.value.code == "reason_required"
    case = services.case_decide(
        case=notified_case,
        approver=approver,
        reason="当事人的陈述申辩理由不成立，不予采纳。",
        today=AFTER_PERIODS,
    )
    assert case.decision_reason.startswith("当事人的陈述申辩")


def test_the_hearing_sub_flow(notified_case, enterprise_user, officer, officer2, approver):
    with pytest.raises(DomainError) as err:
        services.hearing_request(case=notified_case, actor=enterprise_user, today=AFTER_PERIODS)
    assert err.value.code == "period_over"
    case = services.hearing_request(case=notified_case, actor=enterprise_user, today=FILED)
    assert case.state == State.HEARING_REQUESTED
    with pytest.raises(ConflictError):
        services.case_decide(case=case, approver=approver, reason="", today=AFTER_PERIODS)
    at = timezone.make_aware(dt.datetime(2026, 3, 6, 9, 30))
    with pytest.raises(DomainError) as err:  # fewer than 7 days' notice
        services.hearing_schedule(
            case=case, officer=officer, at=at, place="第一会议室", host=officer2, today=FILED
        )
    assert err.value.code == "notice_too_short"
    at = timezone.make_aware(dt.datetime(2026, 3, 12, 9, 30))
    with pytest.raises(DomainError) as err:  # the investigator may not chair
        services.hearing_schedule(
            case=case, officer=officer, at=at, place="第一会议室", host=officer, today=FILED
        )
    assert err.value.code == "host_investigated"
    case = services.hearing_schedule(
        case=case, officer=officer, at=at, place="第一会议室", host=officer2, today=FILED
    )
    assert case.state == State.HEARING_SCHEDULED
    with pytest.raises(DomainError) as err:
        services.hearing_record(
            case=case, officer=officer, record="笔录", party_attended=True, today=dt.date(2026, 3, 11)
        )
    assert err.value.code == "hearing_not_yet"
    case = services.hearing_record(
        case=case,
        officer=officer,
        record="当事人到场陈述，认可违法事实。",
        party_attended=True,
        today=dt.date(2026, 3, 12),
    )
    assert case.state == State.HEARING_HELD and case.hearing_held_on == dt.date(2026, 3, 12)
    case = services.case_decide(
        case=case, approver=approver, reason="听证意见已充分考虑。", today=dt.date(2026, 3, 13)
    )
    assert case.state == State.DECIDED
    assert [a for a in actions(case) if "hearing" in a] == [
        "penalty.hearing_request",
        "penalty.hearing_schedule",
        "penalty.hearing_record",
    ]


# --- 决定: who decides -------------------------------------------------------------------------------
def test_only_an_approver_of_the_agency_decides(notified_case, officer, officer2, far_approver, supervisor):
    for user in (officer, officer2, far_approver, supervisor):
        with pytest.raises(ForbiddenError):
            services.case_decide(case=notified_case, approver=user, reason="", today=AFTER_PERIODS)
    notified_case.refresh_from_db()
    assert notified_case.state == State.NOTIFIED


def test_an_approver_who_investigated_may_not_decide(enterprise, enterprise_user, approver, approver2):
    case = open_case(enterprise, approver)
    investigate(case, approver)
    case = notify(case, approver)
    with pytest.raises(ForbiddenError) as err:
        services.case_decide(case=case, approver=approver, reason="", today=AFTER_PERIODS)
    assert err.value.code == "four_eyes" and "其他审批负责人" in err.value.message
    case.refresh_from_db()
    assert case.state == State.NOTIFIED and case.credit_record is None
    assert (
        services.case_decide(case=case, approver=approver2, reason="", today=AFTER_PERIODS).decided_by
        == approver2
    )


def test_a_note_makes_an_approver_an_investigator(enterprise, enterprise_user, officer, approver, approver2):
    case = investigate(open_case(enterprise, officer), officer)
    services.note_add(case=case, author=approver, text="现场检查时在场。")
    case = notify(case, officer)
    with pytest.raises(ForbiddenError):
        services.case_decide(case=case, approver=approver, reason="", today=AFTER_PERIODS)
    services.case_decide(case=case, approver=approver2, reason="", today=AFTER_PERIODS)


def test_return_and_dismiss(notified_case, approver, officer, enterprise_user):
    with pytest.raises(DomainError):
        services.case_return(case=notified_case, approver=approver, reason="")
    case = services.case_return(case=notified_case, approver=approver, reason="补充调查违法所得。")
    assert case.state == State.INVESTIGATING and case.notified_on is None
    case = notify(case, officer, today=dt.date(2026, 3, 16))
    assert case.statement_due == dt.date(2026, 3, 23)
    case = services.case_dismiss(
        case=case, approver=approver, reason="违法事实不能成立。", today=dt.date(2026, 3, 17)
    )
    assert case.state == State.CLOSED and case.outcome == "no_penalty" and case.credit_record is None


def test_execution_needs_the_payment_date(notified_case, approver, officer):
    case = services.case_decide(case=notified_case, approver=approver, reason="", today=AFTER_PERIODS)
    with pytest.raises(DomainError):
        services.execution_record(case=case, officer=officer, note="已缴纳", today=AFTER_PERIODS)
    with pytest.raises(DomainError):
        services.execution_record(
            case=case,
            officer=officer,
            note="已缴纳",
            fine_paid_on=AFTER_PERIODS + dt.timedelta(days=1),
            today=AFTER_PERIODS,
        )
    with pytest.raises(ConflictError):
        services.case_close(case=case, officer=officer, note="结案")
    case = services.execution_record(
        case=case, officer=officer, note="已缴纳", fine_paid_on=AFTER_PERIODS, today=AFTER_PERIODS
    )
    assert case.state == State.EXECUTED


def test_a_stale_page_is_a_conflict(notified_case, approver, enterprise_user):
    with pytest.raises(ConflictError):
        services.rights_waive(
            case=notified_case, actor=enterprise_user, text="放弃", expected_state="investigating"
        )
