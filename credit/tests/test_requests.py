"""Credit repair (信用修复) and objections (异议): lifecycle, 15 working days, effects, authorization."""

import datetime as dt

import pytest
from django.utils import timezone

from core import calendar
from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import AuditLog
from credit import services
from credit.models import CreditRecord, CreditRequest, EnterpriseCredit, JointPunishmentEntry
from credit.selectors import dishonest_list, policy_resolve, tier_of

D = dt.date


def freeze_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def file(kind, record, user, **kwargs):
    values = {"statement": "已完成整改，罚款已缴清。", "commitment": True}
    values.update(kwargs)
    return services.credit_request_file(kind=kind, record=record, user=user, **values)


class TestDeadlines:
    def test_15_working_days_across_national_day(
        self, enterprise, enterprise_user, officer, make_record, monkeypatch
    ):
        record = make_record(enterprise, grade="serious", occurred_on=D(2026, 6, 1))
        request = file("repair", record, enterprise_user)
        freeze_today(monkeypatch, D(2026, 9, 28))
        services.credit_request_accept(request=request, actor=officer)
        request.refresh_from_db()
        # 9/29, 9/30 | 10/1–7 National Day | 10/8, 10/9, Sat 10/10 (调休), 10/12–16, 10/19–23
        assert (request.accepted_on, request.due_on, request.due_provisional) == (
            D(2026, 9, 28),
            D(2026, 10, 23),
            False,
        )
        assert calendar.working_days_between(D(2026, 9, 28), request.due_on).days == 15
        assert request.policy_version == "CSL-2020"

    def test_adjusted_sunday_before_the_holiday_counts(
        self, enterprise, enterprise_user, officer, make_record, monkeypatch
    ):
        record = make_record(enterprise, grade="serious", occurred_on=D(2026, 6, 1))
        request = file("objection", record, enterprise_user)
        freeze_today(monkeypatch, D(2026, 9, 18))
        services.credit_request_accept(request=request, actor=officer)
        request.refresh_from_db()
        # Sun 9/20 (调休) … 9/24, Fri 9/25 中秋 off, 9/28–30, 10/8, 10/9, 10/10, 10/12–15
        assert request.due_on == D(2026, 10, 15)

    def test_due_recomputed_when_the_calendar_changes(
        self,
        enterprise,
        enterprise_user,
        officer,
        make_record,
        monkeypatch,
        django_capture_on_commit_callbacks,
    ):
        from core.services import calendar_load_official

        record = make_record(enterprise, grade="serious", occurred_on=D(2026, 6, 1))
        request = file("repair", record, enterprise_user)
        freeze_today(monkeypatch, D(2026, 12, 21))
        services.credit_request_accept(request=request, actor=officer)
        request.refresh_from_db()
        # 12/22–31 (8), 2027-01-01 statutory holiday, 1/4–1/12 (7) — 2027 is provisional
        assert (request.due_on, request.due_provisional) == (D(2027, 1, 12), True)
        untouched = CreditRequest.objects.filter(pk=request.pk).values_list("due_on", flat=True).get()
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load_official(
                year=2027,
                days={
                    D(2027, 1, 1): ("holiday", "元旦"),
                    D(2027, 1, 4): ("holiday", "元旦"),
                    D(2027, 1, 5): ("holiday", "元旦"),
                    D(2027, 1, 9): ("workday", "调休"),
                },
                source="test",
            )
        request.refresh_from_db()
        assert untouched == D(2027, 1, 12)
        # 1/4 and 1/5 now off, Saturday 1/9 worked: 1/6, 1/7, 1/8, 1/9, 1/11, 1/12, 1/13
        assert (request.due_on, request.due_provisional) == (D(2027, 1, 13), False)
        assert AuditLog.objects.filter(action="credit.request_due_recompute").count() == 1

    def test_overdue_visible_to_supervisors(
        self, api, enterprise, enterprise_user, officer, supervisor, far_officer, make_record, monkeypatch
    ):
        record = make_record(enterprise, grade="serious", occurred_on=D(2026, 6, 1))
        request = file("repair", record, enterprise_user)
        freeze_today(monkeypatch, D(2026, 9, 28))
        services.credit_request_accept(request=request, actor=officer)
        freeze_today(monkeypatch, D(2026, 10, 26))
        api.force_authenticate(supervisor)
        body = api.get("/api/v1/credit/requests/", {"overdue": "true"}).json()
        assert [r["id"] for r in body["results"]] == [request.pk]
        api.force_authenticate(far_officer)
        assert api.get("/api/v1/credit/requests/", {"overdue": "true"}).json()["count"] == 0


class TestRepair:
    def test_granted_repair_withdraws_listing_and_stops_counting(
        self, enterprise, enterprise_user, officer, make_record
    ):
        record = make_record(enterprise, grade="serious", published=True)
        assert list(dishonest_list()) == [record]
        request = file("repair", record, enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        services.credit_request_grant(request=request, actor=officer, reason="整改到位")
        record.refresh_from_db()
        request.refresh_from_db()
        assert request.state == "granted" and request.decided_by == officer
        assert record.status == "repaired" and record.published is False
        assert record.ended_on == timezone.localdate()
        assert list(dishonest_list()) == []
        assert tier_of(enterprise).tier == "trustworthy"
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "trustworthy"

    def test_commitment_returns_after_the_repair_of_the_only_severe_record(
        self, enterprise, enterprise_user, officer, make_record
    ):
        severe = make_record(enterprise, grade="severe", published=True)
        for kind in ("new", "licensed_change", "renewal"):
            assert policy_resolve(kind, tier_of(enterprise).tier).commitment_allowed is False
        request = file("repair", severe, enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        assert policy_resolve("new", tier_of(enterprise).tier).commitment_allowed is False
        services.credit_request_grant(request=request, actor=officer)
        for kind in ("new", "licensed_change", "renewal"):
            assert policy_resolve(kind, tier_of(enterprise).tier).commitment_allowed is True
        entry = JointPunishmentEntry.objects.get(record=severe)
        assert entry.removed_on == timezone.localdate()

    def test_refused_repair_changes_nothing(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious", published=True)
        request = file("repair", record, enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        with pytest.raises(DomainError):
            services.credit_request_refuse(request=request, actor=officer, reason=" ")
        services.credit_request_refuse(request=request, actor=officer, reason="罚款尚未缴清")
        record.refresh_from_db()
        assert record.status == "active" and record.published
        assert tier_of(enterprise).tier == "dishonest"

    def test_not_accepted_with_reason(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious")
        request = file("repair", record, enterprise_user)
        with pytest.raises(DomainError) as exc:
            services.credit_request_refuse_to_accept(request=request, actor=officer, reason="")
        assert exc.value.code == "reason_required"
        services.credit_request_refuse_to_accept(request=request, actor=officer, reason="材料不齐")
        request.refresh_from_db()
        assert request.state == "not_accepted" and request.decision_reason == "材料不齐"
        assert request.due_on is None
        # a new application may be filed afterwards
        assert file("repair", record, enterprise_user).state == "submitted"

    @pytest.mark.parametrize(
        "fields, kwargs, code",
        [
            ({"category": "commendation", "grade": ""}, {}, "not_negative"),
            ({"category": "inspection", "grade": ""}, {}, "not_negative"),
            ({}, {"commitment": False}, "commitment_required"),
            ({}, {"statement": "  "}, "statement_required"),
        ],
    )
    def test_bad_repairs_refused(self, enterprise, enterprise_user, make_record, fields, kwargs, code):
        record = make_record(enterprise, **fields)
        with pytest.raises(DomainError) as exc:
            file("repair", record, enterprise_user, **kwargs)
        assert exc.value.code == code
        assert not CreditRequest.objects.exists()

    def test_only_for_own_records(self, enterprise, other_enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious")
        for user in (other_enterprise_user, officer):
            with pytest.raises(ForbiddenError) as exc:
                file("objection", record, user)
            assert exc.value.code == "not_own_record"
        record.refresh_from_db()
        assert not CreditRequest.objects.exists() and record.disputed is False

    def test_one_open_request_per_record(self, enterprise, enterprise_user, make_record):
        record = make_record(enterprise, grade="serious")
        file("repair", record, enterprise_user)
        with pytest.raises(DomainError) as exc:
            file("objection", record, enterprise_user)
        assert exc.value.code == "request_open"
        assert CreditRequest.objects.count() == 1

    def test_closed_record_cannot_be_repaired_again(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious")
        request = file("repair", record, enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        services.credit_request_grant(request=request, actor=officer)
        with pytest.raises(DomainError) as exc:
            file("repair", record, enterprise_user)
        assert exc.value.code == "record_closed"


class TestObjection:
    def test_pending_objection_flags_the_record(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious", published=True)
        request = file("objection", record, enterprise_user, commitment=False)
        record.refresh_from_db()
        assert record.disputed is True
        services.credit_request_accept(request=request, actor=officer)
        record.refresh_from_db()
        assert record.disputed is True
        assert tier_of(enterprise).tier == "dishonest"  # disputed records still count until decided

    def test_granted_objection_revokes_the_record(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="severe", published=True)
        request = file("objection", record, enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        services.credit_request_grant(request=request, actor=officer, reason="经核实，记录有误")
        record.refresh_from_db()
        assert (record.status, record.disputed, record.published) == ("revoked", False, False)
        assert tier_of(enterprise).tier == "trustworthy"
        assert list(dishonest_list()) == []

    @pytest.mark.parametrize("end", ["not_accept", "refuse"])
    def test_dispute_flag_cleared_when_objection_fails(
        self, enterprise, enterprise_user, officer, make_record, end
    ):
        record = make_record(enterprise, grade="serious")
        request = file("objection", record, enterprise_user)
        if end == "refuse":
            services.credit_request_accept(request=request, actor=officer)
            services.credit_request_refuse(request=request, actor=officer, reason="记录属实")
        else:
            services.credit_request_refuse_to_accept(request=request, actor=officer, reason="超出受理范围")
        record.refresh_from_db()
        assert record.disputed is False and record.status == "active"


class TestHandling:
    def test_officer_of_another_agency_refused(self, enterprise, enterprise_user, far_officer, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        with pytest.raises(ForbiddenError):
            services.credit_request_accept(request=request, actor=far_officer)
        request.refresh_from_db()
        assert request.state == "submitted"

    def test_enterprise_cannot_decide_its_own(self, enterprise, enterprise_user, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        with pytest.raises(ForbiddenError):
            services.credit_request_accept(request=request, actor=enterprise_user)

    def test_a_lost_race_does_nothing(self, enterprise, enterprise_user, officer, officer2, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        with pytest.raises(ConflictError):
            services.credit_request_accept(request=request, actor=officer2)
        with pytest.raises(ConflictError):
            services.credit_request_refuse_to_accept(request=request, actor=officer2, reason="x")
        request.refresh_from_db()
        assert request.accepted_by == officer

    def test_cannot_grant_before_acceptance(self, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="serious")
        request = file("repair", record, enterprise_user)
        with pytest.raises(ConflictError):
            services.credit_request_grant(request=request, actor=officer)
        record.refresh_from_db()
        assert record.status == "active"

    def test_every_step_audited(self, enterprise, enterprise_user, officer, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        services.credit_request_accept(request=request, actor=officer)
        services.credit_request_grant(request=request, actor=officer)
        actions = set(AuditLog.objects.values_list("action", flat=True))
        assert {
            "credit.repair_file",
            "credit.repair_accept",
            "credit.repair_grant",
            "credit.record_repair",
        } <= actions


class TestRequestApi:
    def test_enterprise_files_officer_decides(self, api, enterprise, enterprise_user, officer, make_record):
        record = make_record(enterprise, grade="severe", published=True)
        api.force_authenticate(enterprise_user)
        response = api.post(
            "/api/v1/credit/requests/new/",
            {"kind": "repair", "record": record.pk, "statement": "已整改", "commitment": True},
            format="json",
        )
        assert response.status_code == 201, response.json()
        pk = response.json()["id"]
        assert api.post(f"/api/v1/credit/requests/{pk}/accept/").status_code == 403
        api.force_authenticate(officer)
        accepted = api.post(f"/api/v1/credit/requests/{pk}/accept/").json()
        assert accepted["state"] == "accepted" and accepted["due_on"]
        granted = api.post(f"/api/v1/credit/requests/{pk}/grant/", {"reason": "同意"}, format="json")
        assert granted.json()["state"] == "granted"
        again = api.post(f"/api/v1/credit/requests/{pk}/grant/")
        assert again.status_code == 409 and again.json()["code"] == "stale_state"
        tier = api.get(f"/api/v1/credit/enterprises/{enterprise.pk}/tier/").json()["tier"]
        assert policy_resolve("new", tier).commitment_allowed is True

    def test_filing_for_another_enterprises_record_refused(
        self, api, enterprise, other_enterprise_user, make_record
    ):
        record = make_record(enterprise, grade="serious")
        api.force_authenticate(other_enterprise_user)
        response = api.post(
            "/api/v1/credit/requests/new/",
            {"kind": "objection", "record": record.pk, "statement": "不是我们的"},
            format="json",
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_own_record"
        assert not CreditRequest.objects.exists()
        assert CreditRecord.objects.get().disputed is False

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"kind": "appeal", "record": 1, "statement": "x"}, "kind"),
            ({"kind": "repair", "statement": "x"}, "record"),
            ({"kind": "repair", "record": 99999, "statement": "x"}, "record"),
            ({"kind": "repair", "record": "abc", "statement": "x"}, "record"),
        ],
    )
    def test_bad_payloads(self, api, enterprise_user, payload, field):
        api.force_authenticate(enterprise_user)
        response = api.post("/api/v1/credit/requests/new/", payload, format="json")
        assert response.status_code == 400 and field in response.json()

    def test_reason_required_by_api(self, api, enterprise, enterprise_user, officer, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        api.force_authenticate(officer)
        response = api.post(f"/api/v1/credit/requests/{request.pk}/not-accept/", {}, format="json")
        assert response.status_code == 400 and response.json()["field"] == "reason"
        request.refresh_from_db()
        assert request.state == "submitted"

    def test_far_officer_gets_404(self, api, enterprise, enterprise_user, far_officer, make_record):
        request = file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        api.force_authenticate(far_officer)
        assert api.get(f"/api/v1/credit/requests/{request.pk}/").status_code == 404
        assert api.post(f"/api/v1/credit/requests/{request.pk}/accept/").status_code == 404

    def test_list_is_scoped_and_planned(
        self,
        api,
        enterprise,
        other_enterprise,
        enterprise_user,
        officer,
        make_record,
        django_assert_max_num_queries,
    ):
        from tests.factories import UserFactory

        other_user = UserFactory(username="other_filer", role="enterprise", enterprise=other_enterprise)
        for _ in range(5):
            file("repair", make_record(enterprise, grade="serious"), enterprise_user)
        file("repair", make_record(other_enterprise, grade="serious"), other_user)
        api.force_authenticate(enterprise_user)
        with django_assert_max_num_queries(6):
            body = api.get("/api/v1/credit/requests/").json()
        assert body["count"] == 5
        api.force_authenticate(officer)
        assert api.get("/api/v1/credit/requests/", {"kind": "repair"}).json()["count"] == 6
