"""Daily work supervision: each rule on data that breaks it, the regeneration is idempotent, and the
supervision group confirms or dismisses (with a reason)."""

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from licensing.models import Application, ApplicationScope, Licence, LicenceCondition
from oversight import detectors, services
from oversight.detectors import past_due_cutoff, scope_deviation
from oversight.models import WorkFlag
from oversight.tests.conftest import D, Flow
from tests.factories import level

TODAY = D(2025, 4, 10)


def regenerate(**kwargs):
    return services.work_flags_regenerate(today=kwargs.pop("today", TODAY), **kwargs)


def flags(rule):
    return list(WorkFlag.objects.filter(rule=rule).order_by("pk"))


@pytest.fixture
def approved(enterprise_user, officer, approver):
    return (
        Flow(enterprise_user)
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 4), officer)
        .decide(D(2025, 3, 14), approver)
        .app
    )


def test_the_dataset_flags_the_late_decision_the_extension_and_the_request_after_acceptance(dataset):
    counts = regenerate()
    assert (
        counts["decided_late"] == 2
        and counts["time_limit_extended"] == 1
        and counts["request_after_acceptance"] == 1
    )
    late = {f.application_id: f for f in flags("decided_late")}
    n2, h2 = late[dataset["N2"].pk], late[dataset["H2"].pk]
    assert (n2.facts["late"], n2.occurred_on, n2.agency.code) == (2, D(2025, 3, 26), "NF")
    assert (h2.facts["late"], h2.occurred_on, h2.agency.code) == (1, D(2025, 4, 2), "HB")
    assert flags("time_limit_extended")[0].facts["days"] == 10
    assert flags("request_after_acceptance")[0].facts["items"] == ["补充近三个月社保缴纳证明"]
    assert sum(counts.values()) == 4  # nothing else in a clean dataset


def test_regeneration_never_duplicates_nor_reopens(dataset, supervisor):
    regenerate()
    first = WorkFlag.objects.count()
    late = WorkFlag.objects.get(rule="decided_late", application=dataset["N2"])
    services.work_flag_dismiss(flag=late, actor=supervisor, reason="申请人原因延误，已核实")
    assert sum(regenerate(today=TODAY + dt.timedelta(days=1)).values()) == 0
    assert WorkFlag.objects.count() == first
    late.refresh_from_db()
    assert late.state == "dismissed" and late.last_detected_on == TODAY + dt.timedelta(days=1)


def test_look_back_window(dataset):
    assert regenerate(today=D(2026, 1, 15))["decided_late"] == 0  # March 2025 is outside 120 days
    assert regenerate(today=D(2026, 1, 15), full=True)["decided_late"] == 2


def test_out_of_order_steps(approved, approver, officer):
    Application.objects.filter(pk=approved.pk).update(accepted_on=D(2025, 3, 20))
    assert regenerate()["decision_without_acceptance"] == 1
    Application.objects.filter(pk=approved.pk).update(proposed_by=None)
    assert regenerate()["decision_without_proposal"] == 1
    Application.objects.filter(pk=approved.pk).update(decided_by=officer)
    assert regenerate()["four_eyes"] == 1
    Application.objects.filter(pk=approved.pk).update(site_inspection="mandatory", site_inspection_done=False)
    assert regenerate()["approval_without_site_inspection"] == 1
    assert {f.application_id for f in WorkFlag.objects.all()} == {approved.pk}


def test_a_clean_approval_is_not_flagged(approved):
    assert sum(regenerate().values()) == 0


def test_scope_deviation_rules():
    assert scope_deviation("licence.grant", {"install": "四级"}, {}, {"install": "四级"}) == {}
    assert scope_deviation("licence.grant", {"install": "四级"}, {}, {"install": "三级"}) == {
        "changed": {"install": "四级 → 三级"}
    }
    assert scope_deviation("licence.grant", {"install": "四级", "test": "五级"}, {}, {"install": "四级"}) == {
        "narrowed": {"test": "五级"}
    }
    assert scope_deviation("licence.grant", {"install": "四级"}, {}, {"install": "四级", "test": "五级"}) == {
        "widened": {"test": "五级"}
    }
    held = {"install": "四级", "repair": "四级"}
    assert (
        scope_deviation(
            "licence.licensed_change", {"install": "三级"}, held, {"install": "三级", "repair": "四级"}
        )
        == {}
    )
    assert scope_deviation("licence.licensed_change", {"install": "三级"}, held, {"install": "三级"}) == {
        "dropped": {"repair": "四级"}
    }


def test_licence_scope_differs_from_the_application(approved):
    # the requested scope is changed after approval: the licence no longer matches what was applied for
    ApplicationScope.objects.filter(application=approved).update(level=level("3"))
    regenerate()
    flag = flags("scope_differs")[0]
    assert flag.application_id == approved.pk and flag.licence_id == approved.licence_id
    assert flag.facts["changed"] == {"install": "三级 → 四级"} and flag.facts["licensed"] == {
        "install": "四级"
    }


def _admin_edit(obj, user, message="[{}]"):
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def test_licence_edited_in_the_admin(approved, admin_user):
    licence = Licence.objects.get(pk=approved.licence_id)
    _admin_edit(licence, admin_user)
    _admin_edit(licence.scopes.first(), admin_user)
    regenerate(today=timezone.localdate())
    assert [f.licence_id for f in flags("licence_edited")] == [licence.pk, licence.pk]


def test_conditions_edited_while_an_application_runs(enterprise_user, officer, admin_user, approver):
    running = Flow(enterprise_user).submit(D(2025, 3, 3)).accept(D(2025, 3, 4), officer).app
    other_scope = (
        Flow(enterprise_user, scopes=(("test", "5"),))
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 4), officer)
        .app
    )
    condition = LicenceCondition.objects.get(category="install", level=level("4"))
    _admin_edit(condition, admin_user, "修改人员要求")
    _admin_edit(condition.personnel.first(), admin_user, "技术工人 10 → 12")
    regenerate(today=timezone.localdate())
    found = flags("conditions_edited")
    assert {f.application_id for f in found} == {running.pk} and len(found) == 2
    assert other_scope.pk not in {f.application_id for f in found}


def test_result_not_published(approved, enterprise_user, officer, approver):
    # an approval whose licence is missing from the register, decided more than 20 working days ago
    Application.objects.filter(pk=approved.pk).update(licence=None)
    assert regenerate(today=D(2025, 4, 14))["not_published"] == 0  # decided 14 March: due 14 April
    assert regenerate(today=D(2025, 4, 15))["not_published"] == 1
    flag = flags("not_published")[0]
    assert flag.facts["within"] == 20 and flag.subject_key == f"licensing_decisions:{approved.pk}"


def test_past_due_cutoff():
    # due = decided + 1 working day; on Wednesday a Monday decision is past due, a Tuesday one is not
    assert past_due_cutoff(D(2025, 3, 12), 1) == D(2025, 3, 10)
    assert past_due_cutoff(D(2025, 3, 11), 1) == D(2025, 3, 9)  # Sunday: any day up to it
    assert past_due_cutoff(D(2025, 4, 15), 20) == D(2025, 3, 16)  # a Sunday; across 清明 (4 April)
    assert past_due_cutoff(D(2025, 4, 14), 20) == D(2025, 3, 13)


class TestDecisions:
    def test_confirm_and_dismiss(self, dataset, supervisor):
        regenerate()
        late = WorkFlag.objects.get(rule="decided_late", application=dataset["N2"])
        extended = flags("time_limit_extended")[0]
        with pytest.raises(DomainError):
            services.work_flag_dismiss(flag=late, actor=supervisor, reason=" ")
        services.work_flag_confirm(flag=late, actor=supervisor, note="已移交纪检部门")
        services.work_flag_dismiss(flag=extended, actor=supervisor, reason="延期理由充分，经负责人批准")
        with pytest.raises(ConflictError):
            services.work_flag_confirm(flag=extended, actor=supervisor)
        assert set(WorkFlag.objects.values_list("state", flat=True)) >= {"confirmed", "dismissed"}

    def test_only_the_agencys_supervision_group(self, dataset, far_supervisor, approver, nea_supervisor):
        regenerate()
        late = WorkFlag.objects.get(rule="decided_late", application=dataset["N2"])
        for actor in (far_supervisor, approver):
            with pytest.raises(ForbiddenError):
                services.work_flag_confirm(flag=late, actor=actor)
        services.work_flag_confirm(flag=late, actor=nea_supervisor, note="总局督办")

    def test_manual_findings(self, agency_nf, agency_hb, supervisor, far_supervisor, dataset):
        flag = services.work_flag_report(
            actor=supervisor,
            agency=agency_nf,
            rule="fees",
            description="企业反映现场核查时被要求支付专家费",
            occurred_on=D(2025, 3, 20),
            application=dataset["N4"],
        )
        assert flag.manual and flag.subject_key == "" and flag.reported_by == supervisor
        bad = [
            ({"rule": "decided_late"}, "rule"),
            ({"description": ""}, "description"),
            ({"occurred_on": timezone.localdate() + dt.timedelta(days=1)}, "occurred_on"),
            ({"application": dataset["H1"]}, "application"),
        ]
        for change, field in bad:
            values = {
                "rule": "intermediary",
                "description": "指定中介",
                "occurred_on": D(2025, 3, 1),
            } | change
            with pytest.raises(DomainError) as exc:
                services.work_flag_report(actor=supervisor, agency=agency_nf, **values)
            assert exc.value.field == field
        with pytest.raises(ForbiddenError):
            services.work_flag_report(
                actor=far_supervisor,
                agency=agency_nf,
                rule="fees",
                description="x",
                occurred_on=D(2025, 3, 1),
            )
        assert WorkFlag.objects.filter(manual=True).count() == 1


def test_an_app_can_register_its_own_rule(db, agency_nf):
    def find(*, since, today):
        yield detectors.Finding("penalty:1", agency_nf.pk, today)

    detectors.register_detector("test_rule", "测试规则", find)
    try:
        assert regenerate()["test_rule"] == 1
        assert detectors.rule_label("test_rule") == "测试规则"
    finally:
        detectors._DETECTORS.pop("test_rule")
