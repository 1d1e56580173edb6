"""三清单: entries come and go (with history), the dishonest list follows credit, complaints feed the
complained-about list; the problem library gathers it all."""

import datetime as dt

import pytest
from django.utils import timezone

from core.audit import history_of
from core.exceptions import ConflictError, DomainError, ForbiddenError
from credit.services import credit_record_create
from inspections import selectors, services
from inspections.models import Complaint, ListKind, ThreeListEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def add(enterprise, officer, kind=ListKind.DOUBTFUL, **kwargs):
    return services.three_list_add(
        enterprise=enterprise, list_kind=kind, reason="申报业绩与备案不一致", officer=officer, **kwargs
    )


def test_add_is_idempotent_and_the_filer_is_responsible(enterprise, officer):
    first = add(enterprise, officer, source_type="application", source_id="17")
    again = add(enterprise, officer, source_type="application", source_id="18")
    assert first.pk == again.pk and ThreeListEntry.objects.count() == 1
    assert first.responsible == officer and first.state == "listed"
    assert [h.action for h in history_of(first)] == ["three_list.add", "three_list.add_again"]


def test_add_refusals(enterprise, officer, far_officer, supervisor):
    with pytest.raises(ForbiddenError):
        add(enterprise, far_officer)
    with pytest.raises(ForbiddenError):
        add(enterprise, supervisor)
    with pytest.raises(DomainError):
        services.three_list_add(
            enterprise=enterprise, list_kind=ListKind.DOUBTFUL, reason=" ", officer=officer
        )
    with pytest.raises(DomainError) as exc:
        add(enterprise, officer, kind=ListKind.DISHONEST)
    assert exc.value.code == "synchronised_list"
    with pytest.raises(DomainError):
        add(enterprise, officer, kind="fourth")
    assert not ThreeListEntry.objects.exists()


def test_plan_then_resolve_then_list_again(enterprise, officer, officer2):
    entry = add(enterprise, officer)
    entry = services.three_list_plan(
        entry=entry,
        officer=officer,
        responsible=officer2,
        plan="每季度视频核验一次人员在岗",
        plan_due=TODAY() + dt.timedelta(days=90),
    )
    assert entry.state == "supervising" and entry.responsible == officer2
    entry = services.three_list_resolve(entry=entry, officer=officer2, resolution="核实业绩真实，移出清单")
    assert entry.state == "resolved" and entry.resolved_at and entry.resolved_by == officer2
    assert not selectors.three_list_entries(officer).exists()
    assert selectors.three_list_entries(officer, status="resolved").get() == entry
    again = add(enterprise, officer)
    assert again.pk != entry.pk and ThreeListEntry.objects.count() == 2
    actions = [h.action for h in history_of(entry)]
    assert actions == ["three_list.add", "three_list.plan", "three_list.resolve"]
    with pytest.raises(ConflictError):
        services.three_list_resolve(entry=entry, officer=officer, resolution="again")


def test_plan_refusals(enterprise, officer, far_officer):
    entry = add(enterprise, officer)
    with pytest.raises(DomainError):
        services.three_list_plan(
            entry=entry, officer=officer, responsible=far_officer, plan="x", plan_due=TODAY()
        )
    with pytest.raises(DomainError):
        services.three_list_plan(
            entry=entry, officer=officer, responsible=officer, plan=" ", plan_due=TODAY()
        )
    with pytest.raises(DomainError):
        services.three_list_plan(
            entry=entry,
            officer=officer,
            responsible=officer,
            plan="x",
            plan_due=TODAY() - dt.timedelta(days=1),
        )
    with pytest.raises(ForbiddenError):
        services.three_list_plan(
            entry=entry, officer=far_officer, responsible=officer, plan="x", plan_due=TODAY()
        )


def _make_dishonest(enterprise, ref="d1"):
    credit_record_create(
        enterprise=enterprise,
        category="dishonest",
        grade="serious",
        title="虚假承诺",
        occurred_on=TODAY() - dt.timedelta(days=5),
        source="test",
        source_ref=ref,
    )


def test_dishonest_list_follows_credit(enterprise, other_enterprise, officer):
    from credit.models import CreditRecord
    from credit.services import tier_recompute

    _make_dishonest(enterprise)
    assert services.three_list_sync_dishonest() == (1, 0)
    assert services.three_list_sync_dishonest() == (0, 0)  # idempotent
    entry = ThreeListEntry.objects.get(list_kind=ListKind.DISHONEST)
    assert entry.enterprise == enterprise and entry.responsible is None and entry.source_type == "credit"
    # an officer cannot take it off while the enterprise is still dishonest
    with pytest.raises(DomainError) as exc:
        services.three_list_resolve(entry=entry, officer=officer, resolution="已整改")
    assert exc.value.code == "still_dishonest"
    # credit repaired → the entry leaves the list, kept as history
    CreditRecord.objects.filter(enterprise=enterprise).update(status="repaired")
    tier_recompute(enterprise=enterprise)
    assert services.three_list_sync_dishonest() == (0, 1)
    entry.refresh_from_db()
    assert entry.state == "resolved" and entry.resolved_by is None and "守信" in entry.resolution
    assert services.three_list_sync_dishonest() == (0, 0)
    # dishonest again → a new entry
    _make_dishonest(enterprise, ref="d2")
    assert services.three_list_sync_dishonest() == (1, 0)
    assert ThreeListEntry.objects.filter(enterprise=enterprise, list_kind=ListKind.DISHONEST).count() == 2


def test_sync_task_runs_the_service(enterprise):
    from inspections.tasks import sync_dishonest_list

    _make_dishonest(enterprise)
    assert sync_dishonest_list.delay().get() == {"added": 1, "removed": 0}


def test_public_complaint_then_examination(enterprise, officer):
    complaint = services.complaint_submit_public(
        enterprise=enterprise,
        content="该企业将承装工程违法分包给无资质队伍。",
        complainant_name="匿名",
        complainant_contact="",
    )
    assert (
        complaint.channel == "public"
        and complaint.state == "received"
        and complaint.agency == enterprise.agency
    )
    complaint = services.complaint_examine(
        complaint=complaint, officer=officer, accept=True, note="线索具体，列入清单"
    )
    assert complaint.state == "accepted" and complaint.entry.list_kind == ListKind.COMPLAINED
    assert complaint.entry.source_type == "complaint" and complaint.entry.source_id == str(complaint.pk)
    with pytest.raises(ConflictError):
        services.complaint_examine(complaint=complaint, officer=officer, accept=False, note="x")


def test_dismissed_complaint_lists_nothing(enterprise, officer, far_officer):
    complaint = services.complaint_register(
        officer=officer, enterprise=enterprise, content="来电反映该企业人员不足，未具体说明。"
    )
    with pytest.raises(ForbiddenError):
        services.complaint_examine(complaint=complaint, officer=far_officer, accept=True, note="x")
    with pytest.raises(DomainError):
        services.complaint_examine(complaint=complaint, officer=officer, accept=False, note="")
    complaint = services.complaint_examine(
        complaint=complaint, officer=officer, accept=False, note="经核实不属实"
    )
    assert complaint.state == Complaint.State.DISMISSED and not ThreeListEntry.objects.exists()


def test_too_short_complaint_is_refused(enterprise):
    with pytest.raises(DomainError):
        services.complaint_submit_public(enterprise=enterprise, content="太短")
    assert not Complaint.objects.exists()


def test_problem_library_gathers_every_source(holders, officer, officer2):
    from inspections.tests.test_inspections import answers

    enterprise = holders(1)[0]
    add(enterprise, officer)
    inspection = services.inspection_plan(
        officer=officer,
        enterprise=enterprise,
        kind="on_site",
        origin="problem",
        reason="问题监管",
        lead_inspector=officer,
        second_inspector=officer2,
        due_on=TODAY(),
    )
    services.inspection_record(
        inspection=inspection,
        officer=officer,
        inspected_on=TODAY(),
        summary="发现问题",
        items=answers(findings={"equipment": ("minor", "缺少接地电阻测试仪")}),
        rectify_by=TODAY() + dt.timedelta(days=20),
    )
    library = selectors.problem_library(officer, enterprise.pk)
    assert [f.text for f in library.findings] == ["缺少接地电阻测试仪"]
    assert len(library.entries) == 1 and len(library.orders) == 1
    index = selectors.problem_library_index(officer)
    row = index.get(pk=enterprise.pk)
    assert (row.findings, row.entries, row.orders) == (1, 1, 1)


def test_problem_library_is_scoped(enterprise, officer, far_officer):
    from django.http import Http404

    add(enterprise, officer)
    with pytest.raises(Http404):
        selectors.problem_library(far_officer, enterprise.pk)
    assert not selectors.problem_library_index(far_officer).exists()


def test_a_concurrent_add_returns_the_winner(enterprise, officer):
    """Both callers found no entry; the unique constraint stops the second, which returns the first's."""
    from unittest import mock

    first = add(enterprise, officer)
    real = services._open_entry
    calls = []

    def not_yet_visible(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    with mock.patch.object(services, "_open_entry", side_effect=not_yet_visible):
        second = add(enterprise, officer)
    assert second.pk == first.pk and ThreeListEntry.objects.count() == 1
