"""Pages: who may see and do what, input errors shown without a 500, query counts on the lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from penalties import services
from penalties.models import PenaltyCase, State
from penalties.tests.helpers import PDF, investigate, notify, open_case, pdf
from tests.factories import EnterpriseFactory

AFTER = dt.date(2026, 3, 10)


def url(name, *args):
    return reverse(f"penalties:{name}", args=args)


# --- authorization per role ----------------------------------------------------------------------
def test_officer_pages_per_role(
    client, notified_case, officer, approver, supervisor, nea_supervisor, far_officer, enterprise_user
):
    for user in (officer, approver, supervisor, nea_supervisor):
        client.force_login(user)
        assert client.get(url("home")).status_code == 200, user.username
        assert client.get(url("case", notified_case.pk)).status_code == 200, user.username
    client.force_login(far_officer)
    assert client.get(url("home")).status_code == 200
    assert notified_case.number not in client.get(url("home")).content.decode()
    assert client.get(url("case", notified_case.pk)).status_code == 404
    client.force_login(enterprise_user)
    assert client.get(url("home")).status_code == 403
    assert client.get(url("case", notified_case.pk)).status_code == 403
    assert AuditLog.objects.filter(action="auth.denied", actor=enterprise_user).exists()


def test_anonymous_is_sent_to_login_except_for_the_public_list(client, notified_case):
    for name, args in (
        ("home", ()),
        ("case", (notified_case.pk,)),
        ("enterprise-home", ()),
        ("case-new", ()),
    ):
        response = client.get(url(name, *args))
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(url("public")).status_code == 200


def test_supervisors_read_but_do_not_act(client, notified_case, supervisor):
    client.force_login(supervisor)
    html = client.get(url("case", notified_case.pk)).content.decode()
    assert 'data-testid="no-actions"' in html
    assert client.post(url("case-action", notified_case.pk, "decide"), {}).status_code == 403
    assert client.get(url("case-new")).status_code == 403


def test_the_party_sees_its_case_only_once_told(
    client, enterprise, officer, enterprise_user, other_enterprise_user
):
    case = investigate(open_case(enterprise, officer), officer)
    client.force_login(enterprise_user)
    assert client.get(url("enterprise-case", case.pk)).status_code == 404
    assert case.number not in client.get(url("enterprise-home")).content.decode()
    notify(case, officer)
    assert client.get(url("enterprise-case", case.pk)).status_code == 200
    assert case.number in client.get(url("enterprise-home")).content.decode()
    client.force_login(other_enterprise_user)
    assert client.get(url("enterprise-case", case.pk)).status_code == 404
    assert (
        client.post(url("enterprise-action", case.pk, "waive"), {"text": "x", "confirm": "on"}).status_code
        == 404
    )


def test_the_enterprise_navigation_links_its_penalties(client, enterprise_user):
    client.force_login(enterprise_user)
    assert url("enterprise-home") in client.get("/portal/").content.decode()


# --- the officer's case page ----------------------------------------------------------------------------
def test_filing_a_case_through_the_page(client, officer, enterprise, far_enterprise):
    client.force_login(officer)
    assert client.get(url("case-new")).status_code == 200
    data = {
        "credit_code": enterprise.credit_code,
        "violation": 1,
        "source": "complaint",
        "source_ref": "TS-2026-007",
        "summary": "群众举报当事人出借许可证。",
    }
    from penalties.models import Violation

    data["violation"] = Violation.objects.get(code="licence_misuse").pk
    response = client.post(url("case-new"), data)
    case = PenaltyCase.objects.get()
    assert response.status_code == 302 and response.url == url("case", case.pk)
    assert case.source == "complaint" and case.opened_by == officer
    # outside the jurisdiction: a clear message, nothing filed
    response = client.post(
        url("case-new"), {**data, "credit_code": far_enterprise.credit_code, "source_ref": ""}
    )
    assert response.status_code == 200 and far_enterprise.name in response.content.decode()
    assert PenaltyCase.objects.count() == 1
    response = client.post(url("case-new"), {**data, "credit_code": "91110000000000000X"})
    assert response.status_code == 200 and PenaltyCase.objects.count() == 1


def test_the_officer_takes_the_case_to_the_notice(client, officer, enterprise, enterprise_user):
    case = open_case(enterprise, officer)
    client.force_login(officer)
    html = client.get(url("case", case.pk)).content.decode()
    assert 'data-testid="action-start"' in html and 'data-testid="action-decide"' not in html
    assert client.post(url("case-action", case.pk, "start"), {"expected_state": "filed"}).status_code == 302
    response = client.post(
        url("case-action", case.pk, "evidence"),
        {"description": "现场检查笔录", "file": pdf()},
    )
    assert response.status_code == 302
    response = client.post(url("case-action", case.pk, "facts"), {"facts": "经查属实。", "illegal_gains": ""})
    assert response.status_code == 302
    html = client.get(url("case", case.pk)).content.decode()
    assert 'data-testid="recommendation"' in html and "建议罚款20,000.00元" in html
    # out of range: 400 with the message, nothing changed
    response = client.post(
        url("case-action", case.pk, "notify"),
        {
            "fine_amount": "50000",
            "departure_reason": "从重",
            "grounds": "拟处罚",
            "expected_state": "investigating",
        },
    )
    assert response.status_code == 400 and "10,000.00" in response.content.decode()
    assert PenaltyCase.objects.get(pk=case.pk).state == State.INVESTIGATING
    response = client.post(
        url("case-action", case.pk, "notify"),
        {"fine_amount": "20000", "grounds": "拟处罚", "expected_state": "investigating"},
    )
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    case.refresh_from_db()
    assert case.state == State.NOTIFIED and case.warning  # mandatory, though the box is disabled
    html = client.get(url("case", case.pk)).content.decode()
    assert 'data-testid="decidable-from"' in html and 'data-testid="action-decide"' not in html


def test_a_wrong_file_is_a_message_not_a_500(client, officer, enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = open_case(enterprise, officer)
    client.force_login(officer)
    response = client.post(
        url("case-action", case.pk, "evidence"),
        {
            "description": "文本",
            "file": SimpleUploadedFile("a.pdf", b"hello", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400 and not case.evidence.exists()
    assert client.post(url("case-action", case.pk, "no-such-step"), {}).status_code == 404


@pytest.fixture
def told_today(enterprise, officer, enterprise_user):
    """A case whose notice went out today, so the party's periods are running."""
    return notify(investigate(open_case(enterprise, officer), officer), officer, today=timezone.localdate())


def test_the_approver_decides_on_the_page(client, told_today, approver, enterprise_user):
    client.force_login(approver)
    html = client.get(url("case", told_today.pk)).content.decode()
    assert 'data-testid="action-decide"' in html and 'data-testid="decidable-from"' in html
    response = client.post(
        url("case-action", told_today.pk, "decide"), {"reason": "", "expected_state": "notified"}
    )
    assert (
        response.status_code == 400
        and told_today.hearing_request_due.isoformat() in response.content.decode()
    )
    assert PenaltyCase.objects.get(pk=told_today.pk).state == State.NOTIFIED
    services.rights_waive(case=told_today, actor=enterprise_user, text="放弃")
    response = client.post(
        url("case-action", told_today.pk, "decide"), {"reason": "", "expected_state": "notified"}
    )
    assert response.status_code == 302
    assert PenaltyCase.objects.get(pk=told_today.pk).state == State.DECIDED
    # a second click from a stale page: a conflict message, nothing changes
    response = client.post(
        url("case-action", told_today.pk, "decide"), {"reason": "", "expected_state": "notified"}
    )
    assert response.status_code == 400
    assert AuditLog.objects.filter(action="penalty.decide").count() == 1


def test_an_investigating_approver_is_not_offered_the_decision(client, enterprise, enterprise_user, approver):
    case = notify(investigate(open_case(enterprise, approver), approver), approver)
    client.force_login(approver)
    html = client.get(url("case", case.pk)).content.decode()
    assert 'data-testid="action-decide"' not in html
    response = client.post(
        url("case-action", case.pk, "decide"), {"reason": "", "expected_state": "notified"}
    )
    assert response.status_code == 400 and PenaltyCase.objects.get(pk=case.pk).state == State.NOTIFIED


def test_evidence_download_is_scoped(client, notified_case, officer, far_officer):
    evidence = notified_case.evidence.get()
    client.force_login(officer)
    response = client.get(url("evidence", notified_case.pk, evidence.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(far_officer)
    assert client.get(url("evidence", notified_case.pk, evidence.pk)).status_code == 404


# --- the party's page ---------------------------------------------------------------------------------
def test_the_party_states_its_case_and_asks_for_a_hearing(client, told_today, enterprise_user):
    notified_case = told_today
    client.force_login(enterprise_user)
    html = client.get(url("enterprise-case", notified_case.pk)).content.decode()
    assert 'data-testid="party-statement"' in html and 'data-testid="party-hearing"' in html
    assert (
        client.post(url("enterprise-action", notified_case.pk, "statement"), {"text": " "}).status_code == 400
    )
    assert (
        client.post(
            url("enterprise-action", notified_case.pk, "statement"), {"text": "我单位已整改。"}
        ).status_code
        == 302
    )
    response = client.post(
        url("enterprise-action", notified_case.pk, "hearing"), {"confirm": "on", "expected_state": "notified"}
    )
    assert response.status_code == 302
    case = PenaltyCase.objects.get(pk=notified_case.pk)
    assert case.state == State.HEARING_REQUESTED and case.statements.count() == 1


def test_the_party_waives_in_writing(client, told_today, enterprise_user):
    notified_case = told_today
    client.force_login(enterprise_user)
    assert (
        client.post(url("enterprise-action", notified_case.pk, "waive"), {"text": "放弃"}).status_code == 400
    )
    response = client.post(
        url("enterprise-action", notified_case.pk, "waive"),
        {"text": "放弃", "confirm": "on", "expected_state": "notified"},
    )
    assert response.status_code == 302 and PenaltyCase.objects.get(pk=notified_case.pk).waived_at


# --- departures --------------------------------------------------------------------------------------------
def test_supervisors_review_departures(client, enterprise, enterprise_user, officer, supervisor, approver):
    case = investigate(open_case(enterprise, officer), officer)
    notify(case, officer, amount="25000", departure_reason="拒不配合调查")
    client.force_login(approver)
    assert "拒不配合调查" in client.get(url("departures")).content.decode()
    assert client.post(url("departure-review", case.pk), {"note": "理由充分"}).status_code == 403
    client.force_login(supervisor)
    assert client.post(url("departure-review", case.pk), {"note": "理由充分"}).status_code == 302
    assert PenaltyCase.objects.get(pk=case.pk).departure_reviewed_by == supervisor
    assert "理由充分" in client.get(url("departures")).content.decode()


def test_catalogue_page(client, officer):
    client.force_login(officer)
    html = client.get(url("catalogue")).content.decode()
    assert "第四十四条" in html and html.count("<tr>") >= 8


# --- query counts ---------------------------------------------------------------------------------------
def many_cases(officer, count):
    for _ in range(count):
        case = investigate(open_case(EnterpriseFactory(), officer), officer)
        notify(case, officer)


@pytest.mark.parametrize("count", [2, 12])
def test_case_list_queries_do_not_grow(client, officer, django_assert_max_num_queries, count):
    many_cases(officer, count)
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(url("home") + "?state=open&q=测试")
    assert response.status_code == 200 and len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_public_list_queries_do_not_grow(client, officer, approver, django_assert_max_num_queries, count):
    many_cases(officer, count)
    for case in PenaltyCase.objects.all():
        services.case_decide(case=case, approver=approver, reason="", today=AFTER)
    with django_assert_max_num_queries(4):
        response = client.get(url("public"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == count


def test_party_list_queries(client, officer, enterprise, enterprise_user, django_assert_max_num_queries):
    for _ in range(5):
        notify(investigate(open_case(enterprise, officer), officer), officer)
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(10):
        assert client.get(url("enterprise-home")).status_code == 200


def test_departures_list_queries(client, officer, approver, django_assert_max_num_queries):
    for _ in range(5):
        case = investigate(open_case(EnterpriseFactory(), officer), officer)
        notify(case, officer, amount="25000", departure_reason="从重")
    client.force_login(approver)
    with django_assert_max_num_queries(8):
        assert client.get(url("departures")).status_code == 200


def test_the_hearing_is_scheduled_and_recorded_on_the_page(
    client, told_today, enterprise_user, officer, officer2
):
    services.hearing_request(case=told_today, actor=enterprise_user)
    client.force_login(officer)
    html = client.get(url("case", told_today.pk)).content.decode()
    assert 'data-testid="action-hearing_schedule"' in html
    # the investigator is not offered as chair
    assert f'<option value="{officer2.pk}"' in html and f'<option value="{officer.pk}"' not in html
    at = (timezone.localdate() + dt.timedelta(days=3)).isoformat() + "T09:30"
    response = client.post(
        url("case-action", told_today.pk, "hearing_schedule"),
        {"at": at, "place": "第一会议室", "host": officer2.pk},
    )
    assert response.status_code == 400 and PenaltyCase.objects.get(pk=told_today.pk).hearing_at is None
    at = (timezone.localdate() + dt.timedelta(days=8)).isoformat() + "T09:30"
    response = client.post(
        url("case-action", told_today.pk, "hearing_schedule"),
        {"at": at, "place": "第一会议室", "host": officer2.pk},
    )
    assert response.status_code == 302
    case = PenaltyCase.objects.get(pk=told_today.pk)
    assert case.state == State.HEARING_SCHEDULED and case.hearing_host == officer2
    html = client.get(url("case", told_today.pk)).content.decode()
    assert 'data-testid="action-hearing_record"' in html
    client.force_login(enterprise_user)
    assert "第一会议室" in client.get(url("enterprise-case", told_today.pk)).content.decode()


def test_the_catalogue_is_edited_in_the_admin_and_audited(client, admin_user, notified_case):
    from penalties.models import Violation

    client.force_login(admin_user)
    violation = Violation.objects.get(code="registration_not_filed")
    page = client.get(f"/admin/penalties/violation/{violation.pk}/change/")
    assert page.status_code == 200
    data = {
        **page.context["adminform"].form.initial,
        "fine_min": "2000.00",
        "legal_check": "法规处 2026-11-20 审核",
    }
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for flag in ("active",):
        if not data.get(flag):
            data.pop(flag, None)
    response = client.post(f"/admin/penalties/violation/{violation.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    violation.refresh_from_db()
    assert str(violation.fine_min) == "2000.00"
    audit = AuditLog.objects.get(action="penalty.violation_change")
    assert audit.before["fine_min"] == "1000.00" and audit.after["fine_min"] == "2000.00"
    # cases are read-only there: they change only through the services
    assert client.get(f"/admin/penalties/penaltycase/{notified_case.pk}/change/").status_code == 200
    assert client.post(f"/admin/penalties/penaltycase/{notified_case.pk}/change/", {}).status_code == 403
    assert client.get("/admin/penalties/penaltycase/add/").status_code == 403
