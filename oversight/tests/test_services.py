"""Services: events from the audit log, 好差评 once per event, the callback end to end, settings."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.models import AuditLog, Notification
from oversight import selectors, services
from oversight.models import (
    ApplicationFact,
    CallbackTask,
    OversightSetting,
    Rating,
    ServiceEvent,
    SyncState,
)
from oversight.selectors import DashboardFilters
from oversight.tests.conftest import D, Flow
from tests.factories import UserFactory


@pytest.fixture
def accepted(enterprise_user, officer):
    today = timezone.localdate()
    return Flow(enterprise_user).submit(today).accept(today, officer).app


def event_of(app, kind="acceptance"):
    return ServiceEvent.objects.get(application=app, kind=kind)


# --- events -----------------------------------------------------------------------------------------
class TestServiceEventsSync:
    def test_each_service_step_becomes_one_event(self, enterprise_user, officer, approver):
        today = timezone.localdate()
        corrected = Flow(enterprise_user).submit(today)
        from licensing import services as licensing

        licensing.application_request_correction(
            application=corrected.app, officer=officer, items=["补交营业执照副本"]
        )
        rejected = Flow(enterprise_user, scopes=(("repair", "4"),)).submit(today).reject(today, officer)
        decided = (
            Flow(enterprise_user, scopes=(("test", "4"),))
            .submit(today)
            .accept(today, officer)
            .decide(today, approver)
        )
        assert services.service_events_sync() == 4
        kinds = set(ServiceEvent.objects.values_list("application_id", "kind", "action"))
        assert kinds == {
            (corrected.app.pk, "correction_notice", "application.request_correction"),
            (rejected.app.pk, "not_accepted", "application.reject"),
            (decided.app.pk, "acceptance", "application.accept"),
            (decided.app.pk, "decision", "application.approve"),
        }
        decision = ServiceEvent.objects.get(application=decided.app, kind="decision")
        assert decision.officer == approver and decision.enterprise == enterprise_user.enterprise
        assert decision.agency == decided.app.agency and decision.reference == decided.app.number
        assert decision.outcome_label

    def test_idempotent_and_overlapping_runs_add_nothing(self, accepted):
        assert services.service_events_sync() == 1
        assert services.service_events_sync() == 0
        assert services.service_events_sync(enterprise=accepted.enterprise) == 0
        assert ServiceEvent.objects.count() == 1
        assert SyncState.objects.filter(key="service_events").exists()

    def test_a_row_written_before_the_watermark_is_still_found(self, accepted):
        """A row whose transaction committed after the last run had started lies in the overlap."""
        services.service_events_sync()
        state = SyncState.objects.get(key="service_events")
        SyncState.objects.filter(pk=state.pk).update(
            synced_until=state.synced_until + dt.timedelta(minutes=10)
        )
        ServiceEvent.objects.all().delete()
        assert services.service_events_sync() == 1

    def test_on_demand_for_one_enterprise_only(self, accepted, other_enterprise_user, officer):
        today = timezone.localdate()
        Flow(other_enterprise_user).submit(today).accept(today, officer)
        assert services.service_events_sync(enterprise=accepted.enterprise) == 1
        assert list(ServiceEvent.objects.values_list("enterprise_id", flat=True)) == [accepted.enterprise_id]

    def test_reissue_and_deemed_acceptance(self, enterprise_user, officer, approver):
        from licensing import services as licensing
        from tests.factories import LicenceFactory

        licence = LicenceFactory(enterprise=enterprise_user.enterprise)
        reissue = Flow(enterprise_user, kind="reissue", licence=licence, reissue_reason="遗失").submit(
            D(2025, 3, 3)
        )
        reissue.accept(D(2025, 3, 3), officer).decide(D(2025, 3, 3), approver)
        deemed = Flow(enterprise_user, scopes=(("repair", "4"),)).submit(D(2025, 3, 3))
        licensing.application_deem_accept(deemed.app.pk, today=D(2025, 3, 20))
        services.service_events_sync()
        assert event_of(reissue.app, "reissue").action == "application.approve"
        deemed_event = event_of(deemed.app, "deemed_acceptance")
        assert deemed_event.officer is None

    def test_credit_repair_steps_are_events(self, enterprise_user, officer):
        from credit import services as credit

        record = credit.credit_record_create(
            enterprise=enterprise_user.enterprise,
            category="dishonest",
            grade="minor",
            title="未按时报送",
            occurred_on=timezone.localdate() - dt.timedelta(days=20),
            source="test",
        )
        request = credit.credit_request_file(
            kind="repair", record=record, user=enterprise_user, statement="已整改", commitment=True
        )
        credit.credit_request_accept(request=request, actor=officer)
        credit.credit_request_grant(request=request, actor=officer, reason="整改到位")
        services.service_events_sync()
        events = ServiceEvent.objects.filter(credit_request=request).order_by("occurred_at", "pk")
        assert [(e.kind, e.action) for e in events] == [
            ("credit_acceptance", "credit.repair_accept"),
            ("credit_decision", "credit.repair_grant"),
        ]
        assert {e.agency_id for e in events} == {enterprise_user.enterprise.agency_id}


# --- facts ---------------------------------------------------------------------------------------------
class TestFacts:
    def test_only_touched_applications_are_refreshed(self, accepted, approver, enterprise_user, officer):
        assert services.application_facts_sync() == 1
        assert services.application_facts_sync() == 1  # the overlap re-reads the same audit rows
        fact = ApplicationFact.objects.get(application=accepted)
        assert fact.outcome == "" and fact.accepted_on == accepted.accepted_on

    def test_calendar_change_recounts_working_days(self, enterprise_user, officer, approver):
        from core import calendar
        from core.models import CalendarDay

        flow = (
            Flow(enterprise_user)
            .submit(D(2025, 3, 3))
            .accept(D(2025, 3, 4), officer)
            .decide(D(2025, 3, 14), approver)
        )
        services.application_facts_sync()
        assert ApplicationFact.objects.get(application=flow.app).working_days_taken == 8
        CalendarDay.objects.create(date=D(2025, 3, 12), kind="holiday", name="测试")
        calendar.invalidate()
        assert services.application_facts_recompute([2025]) == 1
        assert ApplicationFact.objects.get(application=flow.app).working_days_taken == 7


# --- 好差评 ------------------------------------------------------------------------------------------
class TestRating:
    def test_rate_once(self, accepted, enterprise_user):
        services.service_events_sync()
        event = event_of(accepted)
        rating = services.rating_create(event=event, user=enterprise_user, level="satisfied", comment="高效")
        assert rating.rated_by == enterprise_user and rating.contact_name == enterprise_user.display_name
        with pytest.raises(ConflictError) as exc:
            services.rating_create(
                event=event, user=enterprise_user, level="very_dissatisfied", comment="再评"
            )
        assert exc.value.code == "already_rated"
        assert Rating.objects.count() == 1 and not CallbackTask.objects.exists()
        assert AuditLog.objects.filter(action="rating.create").count() == 1

    def test_only_the_enterprise_served_may_rate(self, accepted, other_enterprise_user, officer):
        services.service_events_sync()
        for user in (other_enterprise_user, officer):
            with pytest.raises(ForbiddenError):
                services.rating_create(event=event_of(accepted), user=user, level="satisfied")
        assert not Rating.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"level": "meh"}, "level"),
            ({"level": "dissatisfied", "comment": "  "}, "comment"),
            ({"level": "satisfied", "comment": "长" * 1001}, "comment"),
        ],
    )
    def test_bad_input_saves_nothing(self, accepted, enterprise_user, fields, field):
        services.service_events_sync()
        with pytest.raises(DomainError) as exc:
            services.rating_create(event=event_of(accepted), user=enterprise_user, **fields)
        assert exc.value.field == field and not Rating.objects.exists()

    def test_anonymous_bad_review_keeps_no_name_and_gets_no_callback(self, accepted, enterprise_user):
        services.service_events_sync()
        rating = services.rating_create(
            event=event_of(accepted),
            user=enterprise_user,
            level="very_dissatisfied",
            comment="等待太久",
            anonymous=True,
        )
        assert rating.rated_by is None and rating.contact_name == "" and rating.contact_phone == ""
        assert not CallbackTask.objects.exists()
        audit = AuditLog.objects.get(action="rating.create")
        assert audit.actor is None and audit.actor_repr == "anonymous"


# --- callbacks ----------------------------------------------------------------------------------------
class TestCallback:
    def test_bad_review_end_to_end_to_a_100_percent_rate(
        self, accepted, enterprise_user, approver, agency_nf
    ):
        """rating → callback task (the approver, no handler designated) → contact → verification → rate 100 %."""
        services.service_events_sync()
        with mock.patch("oversight.services._today", return_value=D(2026, 9, 29)):
            rating = services.rating_create(
                event=event_of(accepted),
                user=enterprise_user,
                level="dissatisfied",
                comment="受理窗口要求重复提交同一材料",
                contact_phone="13900000000",
            )
        task = rating.callback
        # 5 working days after 29 September 2026 over the National Day holiday (1–7 October; 9 and 10 October
        # are adjusted working days in the official 2026 schedule)
        from core import calendar

        assert task.due_on == calendar.add_working_days(D(2026, 9, 29), 5).date
        assert task.assignee == approver and task.state == "open"
        assert Notification.objects.filter(user=approver).exists()
        today = timezone.localdate()
        f = DashboardFilters(
            date_from=D(2026, 1, 1), date_to=max(today, D(2026, 12, 31)), today=today, agency_id=agency_nf.pk
        )
        assert {r["metric"]: r["value"] for r in selectors.figure_callbacks(f).rows}["callback_rate"] == 0.0

        services.callback_record_contact(
            task=task,
            actor=approver,
            contacted_at=timezone.now(),
            method="phone",
            person="clerk",
            notes="企业说明情况",
        )
        values = {r["metric"]: r["value"] for r in selectors.figure_callbacks(f).rows}
        assert values["callback_rate"] == 100.0 and values["closed"] == 0

        task = services.callback_close(
            task=task,
            actor=approver,
            findings="窗口人员确有重复要求提交营业执照的情况",
            verification="confirmed",
            rectification="已对窗口人员进行一次性告知培训",
        )
        assert task.state == "closed" and task.closed_by == approver
        values = {r["metric"]: r["value"] for r in selectors.figure_callbacks(f).rows}
        assert (values["callback_rate"], values["closed"], values["confirmed"]) == (100.0, 1, 1)
        actions = list(
            AuditLog.objects.filter(object_type="oversight.callbacktask")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == ["callback.open", "callback.contact", "callback.close"]

    def test_designated_handler_with_fewest_open_tasks(
        self, enterprise_user, officer, officer2, approver, supervisor, agency_nf
    ):
        services.oversight_setting_update(
            agency=agency_nf, actor=supervisor, callback_working_days=15, handlers=[officer, officer2]
        )
        today = timezone.localdate()
        flows = [Flow(enterprise_user).submit(today).accept(today, officer) for _ in range(3)]
        services.service_events_sync()
        assignees = [
            services.rating_create(
                event=event_of(f.app), user=enterprise_user, level="dissatisfied", comment="慢"
            ).callback.assignee
            for f in flows
        ]
        assert assignees == [officer, officer2, officer]
        from core import calendar

        assert CallbackTask.objects.first().due_on == calendar.add_working_days(today, 15).date

    def test_who_may_record(self, accepted, enterprise_user, officer2, far_officer, approver):
        services.service_events_sync()
        rating = services.rating_create(
            event=event_of(accepted), user=enterprise_user, level="dissatisfied", comment="慢"
        )
        for intruder in (officer2, far_officer, enterprise_user):
            with pytest.raises(ForbiddenError):
                services.callback_record_contact(
                    task=rating.callback,
                    actor=intruder,
                    contacted_at=timezone.now(),
                    method="phone",
                    person="x",
                    notes="y",
                )
        assert CallbackTask.objects.get().state == "open"

    def test_contact_rules(self, accepted, enterprise_user, approver):
        services.service_events_sync()
        task = services.rating_create(
            event=event_of(accepted), user=enterprise_user, level="dissatisfied", comment="慢"
        ).callback
        now = timezone.now()
        cases = [
            ({"method": "pigeon"}, "method"),
            ({"person": " "}, "person"),
            ({"notes": ""}, "notes"),
            ({"contacted_at": now + dt.timedelta(hours=2)}, "contacted_at"),
            ({"contacted_at": now - dt.timedelta(days=2)}, "contacted_at"),
        ]
        for change, field in cases:
            values = {"contacted_at": now, "method": "phone", "person": "张三", "notes": "说明"} | change
            with pytest.raises(DomainError) as exc:
                services.callback_record_contact(task=task, actor=approver, **values)
            assert exc.value.field == field
        with pytest.raises(ConflictError):
            services.callback_close(task=task, actor=approver, findings="x", verification="not_confirmed")
        services.callback_record_contact(
            task=task, actor=approver, contacted_at=now, method="visit", person="张三", notes="说明"
        )
        with pytest.raises(ConflictError):
            services.callback_record_contact(
                task=task, actor=approver, contacted_at=now, method="visit", person="张三", notes="again"
            )
        with pytest.raises(DomainError) as exc:
            services.callback_close(
                task=task, actor=approver, findings="属实", verification="confirmed", rectification=""
            )
        assert exc.value.field == "rectification"
        services.callback_close(task=task, actor=approver, findings="不属实", verification="not_confirmed")
        assert CallbackTask.objects.get().verification == "not_confirmed"

    def test_reassign(self, accepted, enterprise_user, approver, officer2, far_officer, supervisor):
        services.service_events_sync()
        task = services.rating_create(
            event=event_of(accepted), user=enterprise_user, level="dissatisfied", comment="慢"
        ).callback
        with pytest.raises(ForbiddenError):
            services.callback_reassign(task=task, actor=officer2, assignee=officer2)
        with pytest.raises(DomainError):
            services.callback_reassign(task=task, actor=supervisor, assignee=far_officer)
        task = services.callback_reassign(task=task, actor=supervisor, assignee=officer2)
        assert task.assignee == officer2 and services.may_handle_callback(officer2, task)

    def test_no_staff_at_all_leaves_it_unassigned(self, enterprise_user, agency_nf):
        from licensing.models import Application

        # an agency without approvers or supervisors: the task waits, unassigned, for a head to take it
        officer = UserFactory(username="lonely", role="officer", agency=agency_nf)
        today = timezone.localdate()
        app = Flow(enterprise_user).submit(today).accept(today, officer).app
        services.service_events_sync()
        task = services.rating_create(
            event=event_of(app), user=enterprise_user, level="dissatisfied", comment="慢"
        ).callback
        assert task.assignee is None and Application.objects.count() == 1


class TestSetting:
    def test_only_the_agencys_supervisors(
        self, agency_nf, agency_hb, supervisor, far_supervisor, approver, officer
    ):
        with pytest.raises(ForbiddenError):
            services.oversight_setting_update(
                agency=agency_nf, actor=approver, callback_working_days=5, handlers=[]
            )
        with pytest.raises(ForbiddenError):
            services.oversight_setting_update(
                agency=agency_nf, actor=far_supervisor, callback_working_days=5, handlers=[]
            )
        with pytest.raises(DomainError):
            services.oversight_setting_update(
                agency=agency_hb, actor=far_supervisor, callback_working_days=5, handlers=[officer]
            )
        with pytest.raises(DomainError):
            services.oversight_setting_update(
                agency=agency_nf, actor=supervisor, callback_working_days=0, handlers=[]
            )
        setting = services.oversight_setting_update(
            agency=agency_nf, actor=supervisor, callback_working_days=15, handlers=[officer]
        )
        assert setting.callback_working_days == 15 and list(setting.callback_handlers.all()) == [officer]
        assert OversightSetting.objects.count() == 1
        assert AuditLog.objects.filter(action="oversight.setting_update").count() == 1
