"""The monthly licence-condition scan: every warning type, idempotency, closing, resuming, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.models import Application, Equipment, LicenceCondition, PersonnelRequirement
from supervision import scan
from supervision.models import LicenceWarning, ScanRun
from tests.factories import (
    EnterpriseFactory,
    GeneratingUnitFactory,
    LicenceFactory,
    PersonnelFactory,
    staff_enterprise,
)

ON = dt.date(2026, 11, 1)
W = LicenceWarning.Type
S = LicenceWarning.Status


def active(licence=None):
    qs = LicenceWarning.objects.filter(status__in=LicenceWarning.ACTIVE)
    return qs.filter(licence=licence) if licence is not None else qs


def types_of(licence):
    return sorted((w.type, w.key) for w in active(licence))


@pytest.fixture
def staffed(enterprise):
    staff_enterprise(enterprise)
    return LicenceFactory(enterprise=enterprise)


def test_a_holder_meeting_its_conditions_gets_no_warning(staffed, officer):
    run = scan.scan_run(on=ON)
    assert run.status == ScanRun.Status.COMPLETED
    assert run.licences_scanned == 1 and run.warnings_opened == 0
    assert types_of(staffed) == []


def test_personnel_shortfall_with_reasons(enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"skilled_worker": 3, "safety_lead": 1})
    PersonnelFactory(enterprise=enterprise, role="safety_lead", certificate_expiry=dt.date(2026, 10, 31))
    PersonnelFactory(enterprise=enterprise, role="skilled_worker", insured=False)
    PersonnelFactory(enterprise=enterprise, role="skilled_worker", employed_until=dt.date(2026, 9, 30))
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    warning = active(licence).get()
    assert warning.type == W.PERSONNEL_SHORTFALL and warning.status == S.OPEN
    assert warning.owner == officer
    assert warning.due_on == ON + dt.timedelta(days=30)
    roles = {r["role"]: r for r in warning.details["roles"]}
    assert roles["safety_lead"] == {
        "role": "safety_lead",
        "required": 1,
        "qualified": 0,
        "expired": 1,
        "latest_expiry": "2026-10-31",
        "uninsured": 0,
        "left": 0,
        "latest_left": None,
    }
    assert (roles["skilled_worker"]["qualified"], roles["skilled_worker"]["required"]) == (12, 15)
    assert roles["skilled_worker"]["uninsured"] == 1 and roles["skilled_worker"]["left"] == 1
    assert "安全负责人：符合条件 0 人，要求 1 人" in warning.evidence
    assert "2026-10-31" in warning.evidence and "12" in warning.evidence


def test_equipment_shortfall(enterprise, officer):
    staff_enterprise(enterprise, equipment_missing=1)
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    warning = active(licence).get()
    assert warning.type == W.EQUIPMENT_SHORTFALL
    (item,) = warning.details["items"]
    assert item["available"] == 0 and item["required"] == 1
    assert item["item"] in warning.evidence


def test_equipment_out_of_service_does_not_count(enterprise, officer):
    staff_enterprise(enterprise)
    first = Equipment.objects.filter(enterprise=enterprise).order_by("pk").first()
    Equipment.objects.filter(pk=first.pk).update(in_service=False)
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    assert types_of(licence) == [(W.EQUIPMENT_SHORTFALL, "")]


def test_no_personnel_at_all_is_a_warning_of_its_own(enterprise, officer):
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    assert types_of(licence) == [(W.EQUIPMENT_SHORTFALL, ""), (W.ROSTER_MISSING, "")]


def test_missing_condition_rows_are_a_warning_not_a_crash(enterprise, officer):
    staff_enterprise(enterprise)
    licence = LicenceFactory(enterprise=enterprise, scopes=[("install", "4"), ("repair", "4")])
    condition = LicenceCondition.objects.get(
        category="repair", level__code="4", level__scheme__code="NDRC-36-2020"
    )
    PersonnelRequirement.objects.filter(condition=condition).delete()
    no_scope = LicenceFactory(enterprise=EnterpriseFactory(), scopes=[])
    scan.scan_run(on=ON)
    warning = active(licence).get(type=W.CONDITIONS_MISSING)
    assert warning.details["scopes"] == [{"category": "repair", "level": "四级"}]
    assert types_of(no_scope) == [(W.CONDITIONS_MISSING, "")]


@pytest.mark.parametrize(
    ("days_left", "key"), [(91, None), (90, "90"), (61, "90"), (60, "60"), (31, "60"), (30, "30"), (0, "30")]
)
def test_expiry_reminder_thresholds(staffed, officer, days_left, key):
    LicenceFactory._meta.model.objects.filter(pk=staffed.pk).update(
        valid_until=ON + dt.timedelta(days=days_left)
    )
    scan.scan_run(on=ON)
    expected = [] if key is None else [(W.EXPIRING, key)]
    assert types_of(staffed) == expected


def test_entering_a_tighter_window_replaces_the_reminder(staffed, officer):
    LicenceFactory._meta.model.objects.filter(pk=staffed.pk).update(valid_until=ON + dt.timedelta(days=80))
    scan.scan_run(on=ON)
    first = active(staffed).get()
    scan.scan_run(on=ON + dt.timedelta(days=25))
    second = active(staffed).get()
    assert (first.key, second.key) == ("90", "60")
    first = LicenceWarning.objects.get(pk=first.pk)
    assert first.status == S.RESOLVED and first.closed_on == ON + dt.timedelta(days=25)


def test_a_pending_renewal_silences_the_expiry_reminder(staffed, officer):
    LicenceFactory._meta.model.objects.filter(pk=staffed.pk).update(valid_until=ON + dt.timedelta(days=50))
    scan.scan_run(on=ON)
    assert types_of(staffed) == [(W.EXPIRING, "60")]
    Application.objects.create(
        enterprise=staffed.enterprise,
        agency=staffed.agency,
        kind="renewal",
        licence=staffed,
        created_by=officer,
        state="submitted",
    )
    scan.scan_run(on=ON)
    assert types_of(staffed) == []


def test_generating_unit_reaching_end_of_design_life(enterprise, officer):
    licence = LicenceFactory(
        enterprise=enterprise, licence_type="power_business", business_class="generation", scopes=[]
    )
    near = GeneratingUnitFactory(licence=licence, commissioned_on=dt.date(1997, 6, 1), design_life_years=30)
    past = GeneratingUnitFactory(licence=licence, commissioned_on=dt.date(1990, 1, 1), design_life_years=30)
    GeneratingUnitFactory(licence=licence, commissioned_on=dt.date(2010, 1, 1), design_life_years=30)
    scan.scan_run(on=ON)
    assert types_of(licence) == sorted(
        [(W.UNIT_END_OF_LIFE, f"unit-{near.pk}"), (W.UNIT_END_OF_LIFE, f"unit-{past.pk}")]
    )
    warning = active(licence).get(key=f"unit-{near.pk}")
    assert warning.due_on == dt.date(2027, 6, 1) and "2027-06-01" in warning.evidence
    # power-business licences have no personnel conditions to check
    assert not active(licence).filter(type__in=[W.ROSTER_MISSING, W.CONDITIONS_MISSING]).exists()


def test_running_twice_never_duplicates(enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 2}, equipment_missing=1)
    licence = LicenceFactory(enterprise=enterprise, valid_until=ON + dt.timedelta(days=20))
    first = scan.scan_run(on=ON)
    before = sorted(active().values_list("pk", "type", "key"))
    second = scan.scan_run(on=ON)
    assert sorted(active().values_list("pk", "type", "key")) == before
    assert len(before) == 3 and first.warnings_opened == 3
    assert second.warnings_opened == 0 and second.warnings_closed == 0
    assert LicenceWarning.objects.count() == 3
    assert types_of(licence) == [(W.EQUIPMENT_SHORTFALL, ""), (W.EXPIRING, "30"), (W.PERSONNEL_SHORTFALL, "")]


def test_evidence_follows_the_data_while_the_warning_stays(enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 3})
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    warning = active(licence).get()
    PersonnelFactory(enterprise=enterprise, role="professional")
    scan.scan_run(on=ON + dt.timedelta(days=1))
    again = active(licence).get()
    assert again.pk == warning.pk
    assert again.details["roles"][0]["qualified"] == 4 and again.changed_on == ON + dt.timedelta(days=1)


def test_a_resolved_condition_closes_its_warning(enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 1})
    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    warning = active(licence).get()
    PersonnelFactory(enterprise=enterprise, role="professional")
    run = scan.scan_run(on=ON + dt.timedelta(days=3))
    warning = LicenceWarning.objects.get(pk=warning.pk)
    assert warning.status == S.RESOLVED and warning.closed_on == ON + dt.timedelta(days=3)
    assert run.warnings_closed == 1
    # the condition coming back opens a new warning; the closed one stays closed
    PersonnelFactory._meta.model.objects.filter(enterprise=enterprise, role="professional").first().delete()
    scan.scan_run(on=ON + dt.timedelta(days=4))
    assert active(licence).get().pk != warning.pk


def test_warnings_of_a_licence_no_longer_in_force_are_closed(enterprise, officer):
    from licensing.services import licence_revoke

    licence = LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=ON)
    assert active(licence).count() == 2
    licence_revoke(licence=licence, actor=officer, reason="测试撤销", source="test")
    run = scan.scan_run(on=ON)
    assert active(licence).count() == 0 and run.warnings_closed == 2


def test_owner_is_the_officer_who_handled_the_last_application(enterprise, officer, officer2):
    licence = LicenceFactory(enterprise=enterprise)
    Application.objects.create(
        enterprise=enterprise,
        agency=licence.agency,
        kind="new",
        licence=licence,
        created_by=officer2,
        handled_by=officer2,
        state="approved",
    )
    scan.scan_run(on=ON)
    assert set(active(licence).values_list("owner", flat=True)) == {officer2.pk}


def test_owner_round_robin_is_deterministic(officer, officer2):
    licences = [LicenceFactory() for _ in range(4)]
    scan.scan_run(on=ON)
    owners = {lic.pk: set(active(lic).values_list("owner", flat=True)) for lic in licences}
    pool = sorted([officer.pk, officer2.pk])
    for lic in licences:
        assert owners[lic.pk] == {pool[lic.pk % 2]}


def test_an_agency_without_officers_leaves_warnings_unassigned(far_enterprise):
    licence = LicenceFactory(enterprise=far_enterprise)
    scan.scan_run(on=ON)
    assert set(active(licence).values_list("owner", flat=True)) == {None}


def test_a_scan_killed_midway_resumes_without_duplicates(monkeypatch, officer):
    licences = [LicenceFactory() for _ in range(5)]
    real = scan._scan_licences
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(scan, "_scan_licences", dying)
    with pytest.raises(RuntimeError):
        scan.scan_run(on=ON, batch_size=2)
    run = ScanRun.objects.get()
    assert run.status == ScanRun.Status.RUNNING and run.cursor == licences[1].pk
    assert run.licences_scanned == 2 and "worker killed" in run.last_error
    assert set(active().values_list("licence", flat=True)) == {licences[0].pk, licences[1].pk}

    monkeypatch.setattr(scan, "_scan_licences", real)
    resumed = scan.scan_run(on=ON, batch_size=2)
    assert resumed.pk == run.pk and resumed.status == ScanRun.Status.COMPLETED
    assert resumed.licences_scanned == 5 and resumed.resumed == 1 and resumed.batches == 3
    assert active().count() == 10 and LicenceWarning.objects.count() == 10
    assert resumed.warnings_opened == 10 and resumed.finished_at is not None
    # and a fresh run afterwards opens nothing
    assert scan.scan_run(on=ON).warnings_opened == 0


def test_a_second_worker_on_the_same_page_does_nothing(officer):
    LicenceFactory()
    run = ScanRun.objects.create(scan_date=ON, batch_size=10)
    assert scan.scan_next_batch(run.pk) is True
    cursor = ScanRun.objects.get(pk=run.pk).cursor
    assert scan.scan_next_batch(run.pk) is False  # nothing left after the cursor
    assert ScanRun.objects.get(pk=run.pk).cursor == cursor and LicenceWarning.objects.count() == 2


def test_an_older_unfinished_run_is_completed_then_a_fresh_one_runs(officer):
    LicenceFactory()
    ScanRun.objects.create(scan_date=ON - dt.timedelta(days=31), batch_size=10)
    latest = scan.scan_run(on=ON)
    assert latest.scan_date == ON and latest.status == ScanRun.Status.COMPLETED
    assert ScanRun.objects.filter(status=ScanRun.Status.COMPLETED).count() == 2
    assert LicenceWarning.objects.count() == 2


def _batch_queries(n: int) -> tuple[int, int]:
    """Queries of one batch of 2n licences: a first pass (everything new), then a second pass in which
    warnings are kept, changed (evidence moves), closed (fixed) and replaced (tighter expiry window)."""
    from licensing.models import Licence, Personnel

    enterprises = []
    for _ in range(n):
        enterprise = EnterpriseFactory()
        staff_enterprise(
            enterprise, personnel_shortfall={"skilled_worker": 2, "professional": 1}, equipment_missing=1
        )
        LicenceFactory(enterprise=enterprise, valid_until=ON + dt.timedelta(days=45))
        LicenceFactory(
            enterprise=enterprise, licence_type="power_business", business_class="generation", scopes=[]
        )
        enterprises.append(enterprise)

    def one_batch() -> int:
        run = ScanRun.objects.create(scan_date=ON, batch_size=500)
        with CaptureQueriesContext(connection) as ctx:
            scan.scan_next_batch(run.pk)
        assert ScanRun.objects.get(pk=run.pk).licences_scanned == 2 * n
        ScanRun.objects.filter(pk=run.pk).update(status=ScanRun.Status.COMPLETED)
        return len(ctx.captured_queries)

    first = one_batch()
    for index, enterprise in enumerate(enterprises):
        PersonnelFactory(enterprise=enterprise, role="skilled_worker")  # evidence changes
        if index % 2:
            PersonnelFactory(enterprise=enterprise, role="professional")
            Licence.objects.filter(enterprise=enterprise, licence_type="facility").update(
                valid_until=ON + dt.timedelta(days=20)
            )
    second = one_batch()
    assert LicenceWarning.objects.filter(status=S.RESOLVED).exists()
    assert LicenceWarning.objects.filter(key="30").exists()
    LicenceWarning.objects.all().delete()
    Licence.objects.all().delete()
    Personnel.objects.all().delete()
    return first, second


def test_queries_per_batch_do_not_grow_with_the_licences_in_it(officer):
    small = _batch_queries(2)
    large = _batch_queries(8)
    assert small == large
    assert max(small) <= 25
