import datetime as dt

import pytest

from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import AuditLog
from licensing import services
from licensing.models import Application, Licence, LicenceStatus, State, TolerantBar
from licensing.tests.conftest import make_tier, new_application, pdf_upload, set_today, submitted
from tests.factories import LicenceFactory, staff_enterprise

D = dt.date


class TestSubmissionAndAcceptance:
    def test_submit_numbers_and_opens_acceptance_window(self, enterprise_user, today):
        app = submitted(enterprise_user)
        assert app.state == State.SUBMITTED
        assert app.number.startswith("NF20261123")
        assert app.received_on == today
        assert app.acceptance_due == D(2026, 11, 30)  # 5 working days after Mon 23 Nov

    def test_cannot_submit_without_materials(self, enterprise_user, today):
        app = services.application_create(
            enterprise=enterprise_user.enterprise,
            kind="new",
            actor=enterprise_user,
            scopes=[("install", services.Level.objects.get(code="4").pk)],
        )
        with pytest.raises(DomainError):
            services.application_submit(application=app, actor=enterprise_user)
        app.refresh_from_db()
        assert app.state == State.DRAFT

    def test_accept_snapshots_tier_and_policy(self, enterprise_user, officer, today):
        make_tier(enterprise_user.enterprise, "good")
        app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        assert (app.state, app.credit_tier, app.policy_version) == (State.ACCEPTED, "good", "CSL-2020")
        assert app.time_limit_days == 15 and app.site_inspection == "as_needed"
        assert app.deadline == D(2026, 12, 14)  # 15 working days after 23 Nov
        entry = AuditLog.objects.filter(action="application.accept", object_id=str(app.pk)).get()
        assert entry.context == {"credit_tier": "good", "policy_version": "CSL-2020"}
        assert entry.actor == officer

    def test_deadline_across_national_day(self, enterprise_user, officer):
        with set_today(D(2026, 9, 28)):
            app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        # trustworthy: 20 working days from Mon 28 Sep; Oct 1–7 off, Sat 10 Oct worked
        assert app.deadline == D(2026, 10, 30)
        assert app.deadline_provisional is False

    def test_deadline_into_next_year_is_provisional(self, enterprise_user, officer):
        with set_today(D(2026, 12, 21)):
            app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        assert app.deadline.year == 2027 and app.deadline_provisional is True

    def test_one_correction_notice_only(self, enterprise_user, officer, today):
        app = submitted(enterprise_user)
        services.application_request_correction(
            application=app, officer=officer, items=["营业执照副本不清晰", "缺少安全负责人证书"]
        )
        app.refresh_from_db()
        assert app.state == State.CORRECTION_REQUESTED and len(app.correction_items) == 2
        services.material_add(application=app, kind="personnel", upload=pdf_upload(), actor=enterprise_user)
        services.application_submit(application=app, actor=enterprise_user)
        with pytest.raises(DomainError) as exc:
            services.application_request_correction(application=app, officer=officer, items=["又缺一项"])
        assert exc.value.code == "second_correction"

    def test_empty_correction_refused(self, enterprise_user, officer, today):
        app = submitted(enterprise_user)
        with pytest.raises(DomainError):
            services.application_request_correction(application=app, officer=officer, items=["  "])
        app.refresh_from_db()
        assert app.state == State.SUBMITTED

    def test_reject_needs_reason(self, enterprise_user, officer, today):
        app = submitted(enterprise_user)
        with pytest.raises(DomainError):
            services.application_reject(application=app, officer=officer, reason="")
        app = services.application_reject(application=app, officer=officer, reason="不属于本机关受理范围")
        assert app.state == State.NOT_ACCEPTED

    def test_deemed_acceptance_after_five_working_days(self, enterprise_user, today):
        app = submitted(enterprise_user)
        assert (
            services.application_deem_accept(app.pk, today=D(2026, 11, 30)) is False
        )  # day 5: still in time
        assert services.application_deem_accept(app.pk, today=D(2026, 12, 1)) is True
        app.refresh_from_db()
        assert app.state == State.ACCEPTED and app.deemed_accepted and app.accepted_on == today
        assert services.application_deem_accept(app.pk, today=D(2026, 12, 2)) is False  # idempotent

    def test_other_agency_officer_cannot_act(self, enterprise_user, far_officer, today):
        app = submitted(enterprise_user)
        with pytest.raises(ForbiddenError):
            services.application_accept(application=app, officer=far_officer)

    def test_enterprise_cannot_accept(self, enterprise_user, today):
        with pytest.raises(ForbiddenError):
            services.application_accept(application=submitted(enterprise_user), officer=enterprise_user)

    def test_stale_expected_state_is_a_conflict(self, enterprise_user, officer, officer2, today):
        app = submitted(enterprise_user)
        services.application_accept(application=app, officer=officer, expected_state=State.SUBMITTED)
        with pytest.raises(ConflictError):
            services.application_reject(
                application=app, officer=officer2, reason="x", expected_state=State.SUBMITTED
            )


class TestReviewAndDecision:
    def _accepted(self, enterprise_user, officer):
        return services.application_accept(application=submitted(enterprise_user), officer=officer)

    def test_full_approval_creates_licence(self, enterprise_user, officer, approver, today):
        app = self._accepted(enterprise_user, officer)
        services.application_start_review(application=app, actor=officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="符合许可条件")
        app = services.application_decide(application=app, approver=approver, outcome="approve")
        assert app.state == State.APPROVED and app.decided_by == approver
        licence = app.licence
        assert licence.status == LicenceStatus.VALID and licence.enterprise == enterprise_user.enterprise
        assert licence.valid_until == D(2032, 11, 22)  # 6 years
        assert [(s.category, s.level.code) for s in licence.scopes.all()] == [("install", "4")]
        assert licence.number.startswith("NF-CX-2026-")
        assert app.certificate_due == D(2026, 12, 7)  # 10 working days (art. 44)
        assert AuditLog.objects.filter(action="licence.grant", object_id=str(licence.pk)).exists()

    def test_four_eyes(self, enterprise_user, agency_nf, today):
        from tests.factories import UserFactory

        boss = UserFactory(username="boss", role="approver", agency=agency_nf)
        app = services.application_accept(application=submitted(enterprise_user), officer=boss)
        services.application_propose(application=app, officer=boss, outcome="approve", text="同意")
        with pytest.raises(ForbiddenError) as exc:
            services.application_decide(application=app, approver=boss, outcome="approve")
        assert exc.value.code == "four_eyes"

    def test_officer_cannot_decide(self, enterprise_user, officer, officer2, today):
        app = self._accepted(enterprise_user, officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        with pytest.raises(ForbiddenError):
            services.application_decide(application=app, approver=officer2, outcome="approve")

    def test_decision_must_follow_proposal_or_return(self, enterprise_user, officer, approver, today):
        app = self._accepted(enterprise_user, officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        with pytest.raises(DomainError):
            services.application_decide(application=app, approver=approver, outcome="deny", reason="不同意")
        app = services.application_decide(
            application=app, approver=approver, outcome="return", reason="请核实业绩"
        )
        assert app.state == State.UNDER_REVIEW

    def test_deny(self, enterprise_user, officer, approver, today):
        app = self._accepted(enterprise_user, officer)
        services.application_propose(application=app, officer=officer, outcome="deny", text="人员不满足条件")
        app = services.application_decide(application=app, approver=approver, outcome="deny")
        assert app.state == State.DENIED and app.licence is None and app.decision_reason == "人员不满足条件"

    def test_mandatory_site_inspection_for_dishonest(self, enterprise_user, officer, approver, today):
        make_tier(enterprise_user.enterprise, "dishonest")
        app = self._accepted(enterprise_user, officer)
        assert app.site_inspection == "mandatory"
        services.application_start_review(application=app, actor=officer)
        with pytest.raises(DomainError) as exc:
            services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        assert exc.value.code == "site_inspection_required"
        services.application_begin_site_inspection(application=app, actor=officer)
        services.application_record_site_inspection(
            application=app, officer=officer, result="逐项核实人员与设备，符合"
        )
        app = services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        assert app.state == State.PENDING_DECISION

    def test_withdraw(self, enterprise_user, officer, today):
        app = self._accepted(enterprise_user, officer)
        app = services.application_withdraw(application=app, actor=enterprise_user, reason="暂不申请")
        assert app.state == State.WITHDRAWN
        with pytest.raises(ConflictError):
            services.application_withdraw(application=app, actor=enterprise_user)

    def test_cannot_withdraw_after_decision(self, enterprise_user, officer, approver, today):
        app = self._accepted(enterprise_user, officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        services.application_decide(application=app, approver=approver, outcome="approve")
        with pytest.raises(ConflictError):
            services.application_withdraw(application=app, actor=enterprise_user)


class TestClock:
    def test_expert_review_pauses_and_resumes(self, enterprise_user, officer):
        with set_today(D(2026, 11, 2)):
            app = services.application_accept(application=submitted(enterprise_user), officer=officer)
            services.application_start_review(application=app, actor=officer)
        assert app.deadline == D(2026, 11, 30)  # 20 working days from Mon 2 Nov
        with set_today(D(2026, 11, 6)):
            services.application_send_to_experts(application=app, actor=officer)
        app.refresh_from_db()
        view = services.clock_of(app, today=D(2026, 11, 20))
        assert (
            view.paused
            and view.remaining == services.calendar.working_days_between(D(2026, 11, 6), D(2026, 11, 30)).days
        )
        with set_today(D(2026, 11, 13)):  # paused (6 Nov, 13 Nov] = 5 working days
            app = services.application_experts_returned(
                application=app, officer=officer, opinion="专家意见：同意"
            )
        assert app.paused_working_days == 5
        assert app.deadline == D(2026, 12, 7)

    def test_waiting_for_applicant_pauses(self, enterprise_user, officer):
        with set_today(D(2026, 11, 2)):
            app = services.application_accept(application=submitted(enterprise_user), officer=officer)
            services.application_start_review(application=app, actor=officer)
            services.application_ask_applicant(application=app, officer=officer, items=["补充工程业绩合同"])
        with set_today(D(2026, 11, 4)):
            app = services.application_answer(application=app, actor=enterprise_user, note="已补充")
        assert app.state == State.UNDER_REVIEW and app.paused_working_days == 2
        assert app.deadline == D(2026, 12, 2)

    def test_one_extension_with_approver_signoff(self, enterprise_user, officer, approver, today):
        app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        original = app.deadline
        with pytest.raises(DomainError):
            services.application_request_extension(application=app, officer=officer, reason=" ")
        services.application_request_extension(application=app, officer=officer, reason="需组织专家论证")
        app = services.application_decide_extension(application=app, approver=approver, grant=True)
        assert app.extension_days == 10
        assert app.deadline == services.calendar.add_working_days(original, 10).date
        with pytest.raises(DomainError) as exc:
            services.application_request_extension(application=app, officer=officer, reason="再延一次")
        assert exc.value.code == "extension_once"

    def test_reissue_same_day_for_good(self, enterprise_user, officer, today):
        make_tier(enterprise_user.enterprise, "good")
        licence = LicenceFactory(enterprise=enterprise_user.enterprise)
        app = services.application_create(
            enterprise=enterprise_user.enterprise,
            kind="reissue",
            licence=licence,
            actor=enterprise_user,
            reissue_reason="遗失",
        )
        services.material_add(application=app, kind="other", upload=pdf_upload(), actor=enterprise_user)
        services.application_submit(application=app, actor=enterprise_user)
        app = services.application_accept(application=app, officer=officer)
        assert app.same_day and app.deadline == today and app.time_limit_days == 0


class TestTolerant:
    def test_tolerant_within_limits(self, enterprise_user, officer, today):
        make_tier(enterprise_user.enterprise, "good")
        # 承装四级: 6 professionals + 15 skilled = 21 non-lead; 8 missing = 38.1 % ≤ 40 %
        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"skilled_worker": 8})
        app = submitted(enterprise_user, mode="tolerant", tolerant_items=["技术工人证书8份"])
        app = services.application_tolerant_accept(application=app, officer=officer)
        assert app.state == State.TOLERANT_ACCEPTED
        assert float(app.personnel_gap_pct) == 38.1 and float(app.equipment_gap_pct) == 0.0
        assert app.tolerant_due_on == D(2026, 12, 3)
        assert app.time_limit_days == 20, "a good tier's 15 days do not apply when tolerant-accepted"
        assert services.clock_of(app).paused

    def test_gap_beyond_tier_limit_refused(self, enterprise_user, officer, today):
        # trustworthy: personnel gap ≤ 30 %; 8 of 21 missing = 38.1 %
        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"skilled_worker": 8})
        app = submitted(enterprise_user, mode="tolerant", tolerant_items=["技术工人证书"])
        with pytest.raises(DomainError) as exc:
            services.application_tolerant_accept(application=app, officer=officer)
        assert exc.value.code == "gap_exceeded"
        app.refresh_from_db()
        assert app.state == State.SUBMITTED and app.accepted_on is None

    def test_equipment_gap_counted_by_item(self, enterprise_user, officer, today):
        make_tier(enterprise_user.enterprise, "good")
        # 承装四级 lists 3 items; one missing = 33.3 % > 30 %
        staff_enterprise(enterprise_user.enterprise, equipment_missing=1)
        app = submitted(enterprise_user, mode="tolerant", tolerant_items=["起重机械"])
        with pytest.raises(DomainError) as exc:
            services.application_tolerant_accept(application=app, officer=officer)
        assert exc.value.code == "gap_exceeded" and "33.3" in exc.value.message

    def test_equipment_gap_within_limit_on_a_longer_list(self, enterprise_user, officer, today):
        # 承装二级 lists 6 items; one missing = 16.7 % ≤ 20 % (trustworthy)
        staff_enterprise(enterprise_user.enterprise, scopes=[("install", "2")], equipment_missing=1)
        app = submitted(
            enterprise_user, scopes=[("install", "2")], mode="tolerant", tolerant_items=["张力机"]
        )
        app = services.application_tolerant_accept(application=app, officer=officer)
        assert float(app.equipment_gap_pct) == 16.7

    def test_lead_never_missing(self, enterprise_user, officer, today):
        make_tier(enterprise_user.enterprise, "good")
        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"safety_lead": 1})
        app = submitted(enterprise_user, mode="tolerant", tolerant_items=["安全负责人"])
        with pytest.raises(DomainError) as exc:
            services.application_tolerant_accept(application=app, officer=officer)
        assert exc.value.code == "lead_missing"

    def test_dishonest_cannot_apply_tolerant(self, enterprise_user, today):
        make_tier(enterprise_user.enterprise, "dishonest")
        app = new_application(enterprise_user)
        with pytest.raises(DomainError) as exc:
            services.application_submit(
                application=app, actor=enterprise_user, mode="tolerant", tolerant_items=["x"], sign=True
            )
        assert exc.value.code == "tolerant_not_allowed"

    def test_supplement_in_time(self, enterprise_user, officer, today):
        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"skilled_worker": 2})
        app = services.application_tolerant_accept(
            application=submitted(enterprise_user, mode="tolerant", tolerant_items=["技术工人证书2份"]),
            officer=officer,
        )
        with pytest.raises(DomainError):
            services.application_supplement(application=app, actor=enterprise_user)
        services.material_add(application=app, kind="personnel", upload=pdf_upload(), actor=enterprise_user)
        with set_today(D(2026, 11, 27)):  # paused (23, 27] = 4 working days
            app = services.application_supplement(application=app, actor=enterprise_user)
        assert app.state == State.SUPPLEMENTED and app.paused_working_days == 4
        assert app.deadline == services.calendar.add_working_days(D(2026, 11, 23), 24).date

    def test_missed_supplement_terminates_and_bars_two_years(self, enterprise_user, officer, today):
        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"skilled_worker": 2})
        app = services.application_tolerant_accept(
            application=submitted(enterprise_user, mode="tolerant", tolerant_items=["技术工人证书2份"]),
            officer=officer,
        )
        assert services.application_terminate_overdue(app.pk, today=D(2026, 12, 3)) is False  # due day itself
        assert services.application_terminate_overdue(app.pk, today=D(2026, 12, 4)) is True
        app.refresh_from_db()
        assert app.state == State.TERMINATED
        bar = TolerantBar.objects.get(enterprise=enterprise_user.enterprise)
        assert (bar.starts_on, bar.ends_on) == (D(2026, 12, 4), D(2028, 12, 3))
        assert services.application_terminate_overdue(app.pk, today=D(2026, 12, 5)) is False
        # the bar refuses the next tolerant application, and ends when it says
        nxt = new_application(enterprise_user)
        with set_today(D(2027, 6, 1)), pytest.raises(DomainError) as exc:
            services.application_submit(
                application=nxt, actor=enterprise_user, mode="tolerant", tolerant_items=["x"], sign=True
            )
        assert exc.value.code == "tolerant_barred"
        assert services.tolerant_bar_of(enterprise_user.enterprise, on=D(2028, 12, 4)) is None


class TestCommitment:
    def _registry(self, enterprise, ok=True):
        from licensing.models import Personnel, RegistryEntry

        RegistryEntry.objects.create(
            kind="market_entity",
            key=enterprise.credit_code,
            data={"name": enterprise.name if ok else "别的名字", "status": "存续"},
        )
        for person in Personnel.objects.filter(
            enterprise=enterprise, role__in=["technical_lead", "safety_lead"]
        ):
            RegistryEntry.objects.create(
                kind="employment", key=f"{enterprise.credit_code}:{person.id_number}", data={}
            )
            RegistryEntry.objects.create(
                kind="qualification",
                key=person.certificate_no,
                data={"name": person.name, "valid_until": "2030-01-01"},
            )

    def test_commitment_verified_then_decided_at_once(self, enterprise_user, officer, approver, today):
        enterprise = enterprise_user.enterprise
        staff_enterprise(enterprise)
        self._registry(enterprise)
        app = submitted(enterprise_user, mode="commitment")
        assert app.verification["ok"] is True
        app = services.application_accept(application=app, officer=officer)
        services.application_propose(
            application=app, officer=officer, outcome="approve", text="核验通过，当场作出决定"
        )
        app = services.application_decide(application=app, approver=approver, outcome="approve")
        assert app.licence.obtained_via == "commitment"
        assert app.licence.post_check_due == D(2027, 5, 23)
        from supervision.models import CommitmentCheck

        assert CommitmentCheck.objects.filter(licence=app.licence).count() == 1

    def test_failed_verification_blocks_acceptance(self, enterprise_user, officer, today):
        staff_enterprise(enterprise_user.enterprise)
        self._registry(enterprise_user.enterprise, ok=False)
        app = submitted(enterprise_user, mode="commitment")
        assert app.verification["ok"] is False
        with pytest.raises(DomainError) as exc:
            services.application_accept(application=app, officer=officer)
        assert exc.value.code == "verification_failed"

    @pytest.mark.parametrize("tier", ["dishonest", "seriously_dishonest"])
    def test_refused_for_dishonest(self, enterprise_user, today, tier):
        make_tier(enterprise_user.enterprise, tier)
        app = new_application(enterprise_user)
        with pytest.raises(DomainError) as exc:
            services.application_submit(application=app, actor=enterprise_user, mode="commitment", sign=True)
        assert exc.value.code == "commitment_not_allowed"
        app.refresh_from_db()
        assert app.state == State.DRAFT


class TestRegisterChanges:
    def _approve(self, app, officer, approver):
        services.application_submit(application=app, actor=app.created_by)
        services.application_accept(application=app, officer=officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        return services.application_decide(application=app, approver=approver, outcome="approve")

    def _draft(self, enterprise_user, kind, licence, **kwargs):
        app = services.application_create(
            enterprise=enterprise_user.enterprise, kind=kind, licence=licence, actor=enterprise_user, **kwargs
        )
        services.material_add(application=app, kind="other", upload=pdf_upload(), actor=enterprise_user)
        return app

    def test_licensed_change_raises_level(self, enterprise_user, officer, approver, today):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise)
        app = self._draft(
            enterprise_user,
            "licensed_change",
            licence,
            scopes=[("install", services.Level.objects.get(code="3").pk)],
        )
        self._approve(app, officer, approver)
        licence.refresh_from_db()
        assert [(s.category, s.level.code) for s in licence.scopes.all()] == [("install", "3")]
        assert licence.certificate_version == 2

    def test_registration_change_updates_enterprise(self, enterprise_user, officer, approver, today):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise)
        app = self._draft(
            enterprise_user,
            "registration_change",
            licence,
            registration_changes={"name": "新名称电力有限公司", "address": ""},
        )
        assert app.registration_changes == {"name": "新名称电力有限公司"}
        self._approve(app, officer, approver)
        enterprise_user.enterprise.refresh_from_db()
        assert enterprise_user.enterprise.name == "新名称电力有限公司"

    def test_renewal_extends_and_cancellation_cancels(self, enterprise_user, officer, approver, today):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise, valid_until=D(2027, 2, 28))
        app = self._draft(enterprise_user, "renewal", licence)
        self._approve(app, officer, approver)
        licence.refresh_from_db()
        assert (licence.valid_from, licence.valid_until) == (D(2027, 3, 1), D(2033, 2, 28))
        app = self._draft(enterprise_user, "cancellation", licence, cancellation_reason="不再从事该业务")
        self._approve(app, officer, approver)
        licence.refresh_from_db()
        assert licence.status == LicenceStatus.CANCELLED

    def test_duplicate_open_application_refused(self, enterprise_user, today):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise, valid_until=D(2027, 3, 31))
        self._draft(enterprise_user, "renewal", licence)
        with pytest.raises(DomainError) as exc:
            self._draft(enterprise_user, "renewal", licence)
        assert exc.value.code == "duplicate"

    def test_other_enterprises_licence_refused(self, enterprise_user, other_enterprise, today):
        licence = LicenceFactory(enterprise=other_enterprise)
        with pytest.raises(DomainError):
            self._draft(enterprise_user, "renewal", licence)
        assert not Application.objects.exists()


class TestRenewalDeadline:
    def test_timely_renewal_deemed_granted_at_expiry(self, enterprise_user, officer):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise, valid_until=D(2026, 12, 31))
        with set_today(D(2026, 11, 23)):
            app = services.application_create(
                enterprise=enterprise_user.enterprise, kind="renewal", licence=licence, actor=enterprise_user
            )
            services.material_add(application=app, kind="lists", upload=pdf_upload(), actor=enterprise_user)
            app = services.application_submit(application=app, actor=enterprise_user)
            services.application_accept(application=app, officer=officer)
        assert app.renewal_timely is True
        assert services.application_deem_renewal(app.pk, today=D(2026, 12, 31)) is False
        assert services.application_deem_renewal(app.pk, today=D(2027, 1, 1)) is True
        app.refresh_from_db()
        licence.refresh_from_db()
        assert app.state == State.APPROVED and app.deemed_granted
        assert licence.valid_until == D(2032, 12, 31) and licence.status == LicenceStatus.VALID
        assert services.licence_expire(licence.pk, today=D(2027, 1, 1)) is False

    def test_late_renewal_not_protected(self, enterprise_user, officer):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise, valid_until=D(2026, 12, 10))
        with set_today(D(2026, 11, 23)):  # 17 days before expiry
            app = services.application_create(
                enterprise=enterprise_user.enterprise, kind="renewal", licence=licence, actor=enterprise_user
            )
            services.material_add(application=app, kind="lists", upload=pdf_upload(), actor=enterprise_user)
            app = services.application_submit(application=app, actor=enterprise_user)
        assert app.renewal_timely is False
        assert services.application_deem_renewal(app.pk, today=D(2026, 12, 11)) is False
        assert services.licence_expire(licence.pk, today=D(2026, 12, 11)) is True
        assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.EXPIRED


class TestUploads:
    def test_wrong_type_refused(self, enterprise_user, today):
        from django.core.files.uploadedfile import SimpleUploadedFile

        app = new_application(enterprise_user)
        fake = SimpleUploadedFile(
            "evil.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
        )
        with pytest.raises(DomainError) as exc:
            services.material_add(application=app, kind="other", upload=fake, actor=enterprise_user)
        assert exc.value.code == "bad_file_type"
        assert app.materials.count() == 1

    def test_size_limit(self, enterprise_user, today, settings):
        app = new_application(enterprise_user)
        settings.UPLOAD_MAX_BYTES = 10
        with pytest.raises(DomainError):
            services.material_add(application=app, kind="other", upload=pdf_upload(), actor=enterprise_user)

    def test_stored_under_a_random_name(self, enterprise_user, today):
        app = new_application(enterprise_user)
        material = app.materials.get()
        assert material.original_name == "材料.pdf"
        assert "材料" not in material.file.name and material.file.name.endswith(".pdf")
        assert len(material.sha256) == 64


class TestRenewalWindowAndCalendar:
    def test_renewal_window_is_a_setting(self, enterprise_user, today, settings):
        licence = LicenceFactory(enterprise=enterprise_user.enterprise, valid_until=D(2028, 1, 31))
        settings.RENEWAL_WINDOW_DAYS = 180
        with pytest.raises(DomainError) as exc:
            services.application_create(
                enterprise=enterprise_user.enterprise, kind="renewal", licence=licence, actor=enterprise_user
            )
        assert exc.value.code == "renewal_not_open"
        settings.RENEWAL_WINDOW_DAYS = 800
        assert (
            services.application_create(
                enterprise=enterprise_user.enterprise, kind="renewal", licence=licence, actor=enterprise_user
            ).state
            == State.DRAFT
        )

    def test_provisional_deadline_recomputed_when_official_schedule_arrives(self, enterprise_user, officer):
        from core.services import calendar_load_official

        with set_today(D(2026, 12, 21)):
            app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        assert app.deadline_provisional
        before = app.deadline
        # a (hypothetical) official 2027 schedule: 4–8 January off
        days = {D(2027, 1, 1): ("holiday", "元旦")} | {D(2027, 1, d): ("holiday", "假") for d in range(4, 9)}
        calendar_load_official(year=2027, days=days, source="test")
        assert services.recompute_provisional_deadlines({2027}) == 1
        app.refresh_from_db()
        assert not app.deadline_provisional
        assert app.deadline == services.calendar.add_working_days(before, 5).date


class TestPenaltyBars:
    """penalties.selectors.active_bars is tested in penalties; here: licensing obeys what it answers."""

    def _bars(self, **bars):
        from unittest import mock

        return mock.patch("penalties.selectors.active_bars", return_value=bars)

    def test_penalty_bar_on_applying(self, enterprise_user, today):
        app = new_application(enterprise_user)
        with self._bars(application=D(2027, 12, 31)), pytest.raises(DomainError) as exc:
            services.application_submit(application=app, actor=enterprise_user)
        assert exc.value.code == "application_barred"

    def test_penalty_bar_on_commitment(self, enterprise_user, today):
        app = new_application(enterprise_user)
        with self._bars(commitment=D(2027, 12, 31)):
            with pytest.raises(DomainError) as exc:
                services.application_submit(
                    application=app, actor=enterprise_user, mode="commitment", sign=True
                )
            assert exc.value.code == "commitment_barred"
            assert (
                services.application_submit(application=app, actor=enterprise_user).state == State.SUBMITTED
            )


class TestDocuments:
    def test_each_event_issues_its_document(self, enterprise_user, officer, approver, today):
        from documents.models import Document

        staff_enterprise(enterprise_user.enterprise, personnel_shortfall={"skilled_worker": 2})
        app = submitted(enterprise_user, mode="tolerant", tolerant_items=["技术工人证书2份"])
        services.application_request_correction(application=app, officer=officer, items=["营业执照不清晰"])
        services.material_add(
            application=app, kind="business_licence", upload=pdf_upload(), actor=enterprise_user
        )
        services.application_submit(application=app, actor=enterprise_user)
        services.application_tolerant_accept(application=app, officer=officer)
        services.material_add(application=app, kind="personnel", upload=pdf_upload(), actor=enterprise_user)
        services.application_supplement(application=app, actor=enterprise_user)
        services.application_start_review(application=app, actor=officer)
        services.application_propose(application=app, officer=officer, outcome="approve", text="同意")
        app = services.application_decide(application=app, approver=approver, outcome="approve")
        types = set(
            Document.objects.filter(subject_type="licensing.application", subject_id=str(app.pk)).values_list(
                "doc_type", flat=True
            )
        )
        assert types == {
            "correction_notice",
            "tolerant_commitment",
            "tolerant_correction_notice",
            "grant_decision",
        }
        certificate = Document.objects.get(subject_type="licensing.licence", subject_id=str(app.licence_id))
        assert certificate.doc_type == "licence_certificate" and certificate.number.startswith(
            "南方能监证〔2026〕"
        )
        services.licence_revoke(licence=app.licence, actor=officer, reason="虚假承诺", source="test")
        certificate.refresh_from_db()
        assert certificate.validity == "revoked"

    def test_acceptance_and_denial_notices(self, enterprise_user, officer, approver, today):
        from documents.models import Document

        app = services.application_accept(application=submitted(enterprise_user), officer=officer)
        services.application_propose(application=app, officer=officer, outcome="deny", text="条件不满足")
        services.application_decide(application=app, approver=approver, outcome="deny")
        assert set(Document.objects.filter(subject_id=str(app.pk)).values_list("doc_type", flat=True)) == {
            "acceptance_notice",
            "denial_decision",
        }
