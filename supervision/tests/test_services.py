"""Rectification orders from warnings, evidence, escalation and revocation; commitment checks."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import Notification
from credit.models import CreditRecord, EnterpriseCredit
from licensing.models import Application, Licence, LicenceStatus
from supervision import scan, selectors, services, tasks
from supervision.models import CommitmentCheck, LicenceWarning, OrderEvidence, RectificationOrder
from tests.factories import LicenceFactory, PersonnelFactory, staff_enterprise

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def warning(enterprise, enterprise_user, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 2})
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=TODAY)
    return LicenceWarning.objects.get(licence=licence)


def order_from(warning, officer, days=10):
    return services.warning_order_rectification(
        warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=days)
    )


# --- warnings → orders -----------------------------------------------------------------------------


def test_officer_turns_a_warning_into_an_order(warning, officer, enterprise_user):
    order = order_from(warning, officer)
    warning = LicenceWarning.objects.get(pk=warning.pk)
    assert warning.status == LicenceWarning.Status.RECTIFYING and warning.order == order
    assert (
        order.source == RectificationOrder.Source.SCAN_WARNING and order.source_id == f"warning-{warning.pk}"
    )
    assert order.licence == warning.licence and order.findings == warning.evidence
    assert Notification.objects.filter(user=enterprise_user, title__contains=order.number).exists()


def test_a_warning_gets_one_order_only(warning, officer):
    order_from(warning, officer)
    with pytest.raises(ConflictError):
        order_from(LicenceWarning.objects.get(pk=warning.pk), officer)
    assert RectificationOrder.objects.count() == 1


def test_another_agency_may_not_order(warning, far_officer, enterprise_user):
    with pytest.raises(ForbiddenError):
        order_from(warning, far_officer)
    with pytest.raises(ForbiddenError):
        order_from(warning, enterprise_user)
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.OPEN


def test_a_reminder_is_not_rectifiable(enterprise, officer):
    staff_enterprise(enterprise)
    licence = LicenceFactory(enterprise=enterprise, valid_until=TODAY + dt.timedelta(days=40))
    scan.scan_run(on=TODAY)
    reminder = LicenceWarning.objects.get(licence=licence)
    with pytest.raises(DomainError) as exc:
        order_from(reminder, officer)
    assert exc.value.code == "not_rectifiable"


def test_deadline_must_be_in_the_future(warning, officer):
    with pytest.raises(DomainError):
        services.warning_order_rectification(warning=warning, officer=officer, deadline=TODAY)
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.OPEN
    assert not RectificationOrder.objects.exists()


# --- answers with evidence -------------------------------------------------------------------------


def test_enterprise_answers_with_evidence(warning, officer, enterprise_user):
    order = order_from(warning, officer)
    services.rectification_answer(
        order=order,
        actor=enterprise_user,
        answer="已补充两名专业技术人员",
        uploads=[pdf(), pdf("photo.png", PNG)],
    )
    order = RectificationOrder.objects.get(pk=order.pk)
    assert order.state == RectificationOrder.State.ANSWERED
    assert sorted(OrderEvidence.objects.filter(order=order).values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    assert Notification.objects.filter(user=officer, title__contains=order.number).exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(
    warning, officer, enterprise_user
):
    order = order_from(warning, officer)
    with pytest.raises(DomainError) as exc:
        services.rectification_answer(
            order=order,
            actor=enterprise_user,
            answer="整改完成",
            uploads=[pdf(), pdf("fake.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert exc.value.code == "bad_file_type"
    assert RectificationOrder.objects.get(pk=order.pk).state == RectificationOrder.State.ISSUED
    assert not OrderEvidence.objects.exists()


def test_oversized_and_empty_files_are_refused(warning, officer, enterprise_user, settings):
    order = order_from(warning, officer)
    settings.UPLOAD_MAX_BYTES = 16
    with pytest.raises(DomainError):
        services.rectification_answer(order=order, actor=enterprise_user, answer="x", uploads=[pdf()])
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError):
        services.rectification_answer(
            order=order, actor=enterprise_user, answer="x", uploads=[pdf("e.pdf", b"")]
        )
    assert not OrderEvidence.objects.exists()


def test_only_the_enterprise_concerned_answers(warning, officer, other_enterprise_user):
    order = order_from(warning, officer)
    with pytest.raises(ForbiddenError):
        services.rectification_answer(order=order, actor=other_enterprise_user, answer="x")
    with pytest.raises(ForbiddenError):
        services.rectification_answer(order=order, actor=officer, answer="x")


def test_verified_rectification_closes_the_warning_when_the_data_show_it(warning, officer, enterprise_user):
    order = order_from(warning, officer)
    services.rectification_answer(order=order, actor=enterprise_user, answer="已补充人员")
    PersonnelFactory(enterprise=warning.enterprise, role="professional")
    PersonnelFactory(enterprise=warning.enterprise, role="professional")
    services.rectification_verify(order=order, officer=officer, accepted=True, note="核对社保记录，人员到岗")
    assert RectificationOrder.objects.get(pk=order.pk).state == RectificationOrder.State.RESOLVED
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.RESOLVED


def test_a_rejected_answer_returns_the_order(warning, officer, enterprise_user):
    order = order_from(warning, officer)
    services.rectification_answer(order=order, actor=enterprise_user, answer="已整改")
    services.rectification_verify(order=order, officer=officer, accepted=False, note="社保记录不符")
    assert RectificationOrder.objects.get(pk=order.pk).state == RectificationOrder.State.ISSUED
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.RECTIFYING


# --- overdue → escalation → revocation ---------------------------------------------------------------


def test_overdue_orders_escalate_and_become_revocation_candidates(warning, officer, enterprise_user):
    order = order_from(warning, officer, days=5)
    on_deadline = (order.deadline).isoformat()
    assert tasks.escalate_overdue_orders(on_deadline) == 0  # the deadline day itself is still in time
    day_after = (order.deadline + dt.timedelta(days=1)).isoformat()
    assert tasks.escalate_overdue_orders(day_after) == 1
    assert tasks.escalate_overdue_orders(day_after) == 0  # idempotent
    order = RectificationOrder.objects.get(pk=order.pk)
    assert order.state == RectificationOrder.State.ESCALATED
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.ESCALATED
    assert list(selectors.revocation_candidates(officer)) == [order]
    assert (
        Notification.objects.filter(user=enterprise_user, title__contains="逾期").exists()
        or Notification.objects.filter(user=enterprise_user, title__contains=order.number).count() >= 2
    )


def test_revoking_the_licence_of_an_escalated_order(warning, officer, far_officer):
    order = order_from(warning, officer, days=5)
    services.rectification_escalate_overdue(order.pk, order.deadline + dt.timedelta(days=1))
    with pytest.raises(ForbiddenError):
        services.rectification_revoke_licence(order=order, officer=far_officer, reason="x")
    with pytest.raises(DomainError):
        services.rectification_revoke_licence(order=order, officer=officer, reason=" ")
    services.rectification_revoke_licence(order=order, officer=officer, reason="逾期未整改，许可条件不满足")
    licence = Licence.objects.get(pk=warning.licence_id)
    assert licence.status == LicenceStatus.REVOKED
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.RESOLVED
    assert list(selectors.revocation_candidates(officer)) == []
    with pytest.raises(ConflictError):
        services.rectification_revoke_licence(order=order, officer=officer, reason="again")


def test_an_order_in_time_cannot_lead_to_revocation(warning, officer):
    order = order_from(warning, officer)
    with pytest.raises(ConflictError):
        services.rectification_revoke_licence(order=order, officer=officer, reason="x")
    assert Licence.objects.get(pk=warning.licence_id).status == LicenceStatus.VALID


# --- notifications ---------------------------------------------------------------------------------


def test_warnings_are_notified_once(warning, enterprise_user, officer, mailoutbox):
    enterprise_user.email = "clerk@example.com"
    enterprise_user.save()
    assert services.warnings_notify([warning.pk]) == 1
    assert services.warnings_notify([warning.pk]) == 0
    assert LicenceWarning.objects.get(pk=warning.pk).status == LicenceWarning.Status.NOTIFIED
    assert Notification.objects.filter(user=enterprise_user).count() == 1
    assert Notification.objects.filter(user=officer).count() == 1


def test_the_scan_notifies_after_commit_and_sends_mail(
    enterprise, enterprise_user, officer, mailoutbox, django_capture_on_commit_callbacks
):
    enterprise_user.email = "clerk@example.com"
    enterprise_user.save()
    LicenceFactory(enterprise=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        scan.scan_run(on=TODAY)
    assert set(LicenceWarning.objects.values_list("status", flat=True)) == {LicenceWarning.Status.NOTIFIED}
    assert [m.to for m in mailoutbox] == [["clerk@example.com"]]


def test_a_broker_outage_loses_no_notification(
    enterprise, enterprise_user, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(tasks.notify_warnings, "delay", down)
    LicenceFactory(enterprise=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        run = scan.scan_run(on=TODAY)
    assert run.warnings_opened == 2
    assert set(LicenceWarning.objects.values_list("status", flat=True)) == {LicenceWarning.Status.OPEN}
    assert tasks.daily_follow_up()["warnings_notified"] == 2
    assert not LicenceWarning.objects.filter(status=LicenceWarning.Status.OPEN).exists()


def test_internal_findings_go_to_the_officer_not_the_enterprise(enterprise, enterprise_user, officer):
    staff_enterprise(enterprise)
    licence = LicenceFactory(enterprise=enterprise, scopes=[])
    scan.scan_run(on=TODAY)
    internal = LicenceWarning.objects.get(licence=licence)
    services.warnings_notify([internal.pk])
    assert not Notification.objects.filter(user=enterprise_user).exists()
    assert Notification.objects.filter(user=officer).exists()


def test_tasks_retry_with_backoff_on_outages():
    from django.db import DatabaseError
    from kombu.exceptions import OperationalError

    for task in (tasks.scan_licence_conditions, tasks.notify_warnings, tasks.daily_follow_up):
        assert DatabaseError in task.autoretry_for and OperationalError in task.autoretry_for
        assert task.retry_backoff and task.max_retries >= 5 and task.acks_late


# --- commitment checks -----------------------------------------------------------------------------


@pytest.fixture
def commitment_licence(enterprise, enterprise_user, officer):
    staff_enterprise(enterprise)
    return LicenceFactory(
        enterprise=enterprise,
        obtained_via="commitment",
        issued_on=TODAY - dt.timedelta(days=20),
        valid_from=TODAY - dt.timedelta(days=20),
    )


def test_six_months_after_the_decision_end_of_month_clamped(enterprise, officer):
    licence = LicenceFactory(
        enterprise=enterprise,
        obtained_via="commitment",
        issued_on=dt.date(2026, 8, 31),
        valid_from=dt.date(2026, 8, 31),
    )
    check = services.commitment_check_ensure(licence)
    assert (check.decided_on, check.due_on) == (dt.date(2026, 8, 31), dt.date(2027, 2, 28))
    assert check.owner == officer


def test_the_decision_date_comes_from_the_commitment_application(enterprise, officer):
    licence = LicenceFactory(enterprise=enterprise, obtained_via="commitment", issued_on=dt.date(2026, 9, 2))
    Application.objects.create(
        enterprise=enterprise,
        agency=licence.agency,
        kind="new",
        mode="commitment",
        licence=licence,
        created_by=officer,
        state="approved",
        decided_on=dt.date(2026, 8, 31),
    )
    check = services.commitment_check_ensure(licence)
    assert (check.decided_on, check.due_on) == (dt.date(2026, 8, 31), dt.date(2027, 2, 28))


def test_licensing_due_date_is_kept(enterprise, officer):
    licence = LicenceFactory(
        enterprise=enterprise,
        obtained_via="commitment",
        issued_on=dt.date(2026, 3, 10),
        post_check_due=dt.date(2026, 9, 10),
    )
    assert services.commitment_check_ensure(licence).due_on == dt.date(2026, 9, 10)


def test_ensure_is_idempotent_and_only_for_commitment_licences(commitment_licence, enterprise_user):
    first = services.commitment_check_ensure(commitment_licence)
    assert services.commitment_check_ensure(commitment_licence) == first
    assert services.commitment_check_ensure(LicenceFactory()) is None
    assert CommitmentCheck.objects.count() == 1
    assert Notification.objects.filter(user=enterprise_user).count() == 1


def test_the_daily_task_creates_missing_checks(commitment_licence, officer):
    LicenceFactory()  # ordinary
    assert tasks.ensure_commitment_checks() == 1
    assert tasks.ensure_commitment_checks() == 0
    assert CommitmentCheck.objects.get().licence == commitment_licence


def test_due_soon_and_overdue_reminders_are_sent_once(commitment_licence, officer):
    check = services.commitment_check_ensure(commitment_licence)
    Notification.objects.all().delete()
    assert services.commitment_checks_remind(check.due_on - dt.timedelta(days=40)) == {
        "due_soon": 0,
        "overdue": 0,
    }
    assert services.commitment_checks_remind(check.due_on - dt.timedelta(days=10)) == {
        "due_soon": 1,
        "overdue": 0,
    }
    assert services.commitment_checks_remind(check.due_on - dt.timedelta(days=9)) == {
        "due_soon": 0,
        "overdue": 0,
    }
    assert services.commitment_checks_remind(check.due_on + dt.timedelta(days=1)) == {
        "due_soon": 0,
        "overdue": 1,
    }
    assert services.commitment_checks_remind(check.due_on + dt.timedelta(days=2)) == {
        "due_soon": 0,
        "overdue": 0,
    }
    assert Notification.objects.filter(user=officer).count() == 2


ROWS_OK = [{"item": "安全负责人", "committed": "≥ 1", "found": "1", "matches": True}]
ROWS_BAD = [
    {"item": "安全负责人", "committed": "≥ 1", "found": "1", "matches": True},
    {"item": "技术工人", "committed": "≥ 15", "found": "9", "matches": False},
]


def test_consistent_check(commitment_licence, officer):
    check = services.commitment_check_ensure(commitment_licence)
    services.commitment_check_record(
        check=check, officer=officer, method="video", comparison=ROWS_OK, outcome="consistent"
    )
    check = CommitmentCheck.objects.get(pk=check.pk)
    assert (
        check.state == CommitmentCheck.State.CONSISTENT
        and check.checked_on == TODAY
        and check.method == "video"
    )
    with pytest.raises(ConflictError):
        services.commitment_check_record(
            check=check, officer=officer, method="video", comparison=ROWS_OK, outcome="consistent"
        )


def test_a_mismatch_cannot_be_called_consistent(commitment_licence, officer):
    check = services.commitment_check_ensure(commitment_licence)
    with pytest.raises(DomainError):
        services.commitment_check_record(
            check=check, officer=officer, method="on_site", comparison=ROWS_BAD, outcome="consistent"
        )
    with pytest.raises(DomainError):
        services.commitment_check_record(
            check=check,
            officer=officer,
            method="on_site",
            comparison=ROWS_OK,
            outcome="inconsistent",
            deadline=TODAY + dt.timedelta(days=30),
        )
    with pytest.raises(DomainError):
        services.commitment_check_record(
            check=check, officer=officer, method="by_post", comparison=ROWS_OK, outcome="consistent"
        )
    with pytest.raises(DomainError):
        services.commitment_check_record(
            check=check, officer=officer, method="video", comparison=[], outcome="consistent"
        )
    assert CommitmentCheck.objects.get(pk=check.pk).state == CommitmentCheck.State.DUE


def test_inconsistent_check_orders_rectification_then_revocation_if_unmet(commitment_licence, officer):
    check = services.commitment_check_ensure(commitment_licence)
    with pytest.raises(DomainError):  # no deadline, nothing saved
        services.commitment_check_record(
            check=check, officer=officer, method="on_site", comparison=ROWS_BAD, outcome="inconsistent"
        )
    assert not RectificationOrder.objects.exists()
    services.commitment_check_record(
        check=check,
        officer=officer,
        method="on_site",
        comparison=ROWS_BAD,
        outcome="inconsistent",
        deadline=TODAY + dt.timedelta(days=30),
    )
    check = CommitmentCheck.objects.get(pk=check.pk)
    assert check.state == CommitmentCheck.State.RECTIFYING
    assert check.order.source == "commitment_check" and "技术工人" in check.order.findings
    services.rectification_escalate_overdue(check.order.pk, check.order.deadline + dt.timedelta(days=1))
    assert CommitmentCheck.objects.get(pk=check.pk).state == CommitmentCheck.State.UNMET
    services.rectification_revoke_licence(order=check.order, officer=officer, reason="逾期未按承诺整改")
    assert CommitmentCheck.objects.get(pk=check.pk).state == CommitmentCheck.State.REVOKED
    assert Licence.objects.get(pk=commitment_licence.pk).status == LicenceStatus.REVOKED


def test_inconsistent_check_rectified(commitment_licence, officer, enterprise_user):
    check = services.commitment_check_ensure(commitment_licence)
    services.commitment_check_record(
        check=check,
        officer=officer,
        method="off_site",
        comparison=ROWS_BAD,
        outcome="inconsistent",
        deadline=TODAY + dt.timedelta(days=30),
    )
    order = CommitmentCheck.objects.get(pk=check.pk).order
    services.rectification_answer(order=order, actor=enterprise_user, answer="已补足技术工人")
    services.rectification_verify(order=order, officer=officer, accepted=True, note="核对社保缴纳记录")
    assert CommitmentCheck.objects.get(pk=check.pk).state == CommitmentCheck.State.RECTIFIED


def test_false_commitment_revokes_refers_and_records_credit(commitment_licence, officer):
    check = services.commitment_check_ensure(commitment_licence)
    with pytest.raises(DomainError):  # the reason is required
        services.commitment_check_record(
            check=check, officer=officer, method="on_site", comparison=ROWS_BAD, outcome="false_commitment"
        )
    services.commitment_check_record(
        check=check,
        officer=officer,
        method="on_site",
        comparison=ROWS_BAD,
        outcome="false_commitment",
        note="承诺的9名技术工人中5人从未在岗，社保记录系伪造",
    )
    check = CommitmentCheck.objects.get(pk=check.pk)
    assert check.state == CommitmentCheck.State.REVOKED
    assert Licence.objects.get(pk=commitment_licence.pk).status == LicenceStatus.REVOKED
    assert check.penalty_referral and "伪造" in check.penalty_referral_reason
    record = CreditRecord.objects.get(source="commitment_check", source_ref=f"check-{check.pk}")
    assert (record.category, record.grade) == ("dishonest", "severe") and check.credit_record == record
    assert EnterpriseCredit.objects.get(enterprise=check.enterprise).tier == "seriously_dishonest"
    assert list(selectors.penalty_referrals()) == [check]
    services.commitment_check_link_penalty_case(check=check, case_ref="NF-CF-2026-00001", actor=officer)
    assert list(selectors.penalty_referrals()) == []


def test_another_agency_may_not_record(commitment_licence, far_officer):
    check = services.commitment_check_ensure(commitment_licence)
    with pytest.raises(ForbiddenError):
        services.commitment_check_record(
            check=check, officer=far_officer, method="video", comparison=ROWS_OK, outcome="consistent"
        )


def test_coverage_is_checked_within_six_months_over_due(
    enterprise, officer, supervisor, nea_supervisor, far_officer
):
    def check(due, checked=None, *, agency_enterprise=enterprise):
        licence = LicenceFactory(enterprise=agency_enterprise, obtained_via="commitment")
        c = CommitmentCheck.objects.create(
            licence=licence,
            enterprise=licence.enterprise,
            agency=licence.agency,
            decided_on=due - dt.timedelta(days=182),
            due_on=due,
        )
        CommitmentCheck.objects.filter(pk=c.pk).update(
            checked_on=checked, state="consistent" if checked else "due"
        )
        return c

    on = dt.date(2026, 11, 1)
    check(dt.date(2026, 10, 1), dt.date(2026, 9, 1))  # in time
    check(dt.date(2026, 10, 1), dt.date(2026, 10, 15))  # late
    check(dt.date(2026, 10, 20))  # overdue
    check(dt.date(2026, 12, 1), dt.date(2026, 10, 30))  # done early: counts
    check(dt.date(2026, 11, 20))  # pending, due soon
    coverage = selectors.commitment_coverage(supervisor, on)
    assert (coverage.population, coverage.covered, coverage.late, coverage.overdue) == (4, 2, 1, 1)
    assert (coverage.pending, coverage.due_soon, coverage.rate) == (1, 1, 50.0)
    assert selectors.commitment_coverage(far_officer, on).rate is None
    by_agency = dict(selectors.commitment_coverage(nea_supervisor, on, by_agency=True))
    assert by_agency["南方能源监管局"].covered == 2
