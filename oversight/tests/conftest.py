"""Fixtures of oversight: applications driven through the real licensing services on pinned dates,
and the hand-computed dataset the dashboard figures are checked against.

The dataset (official calendar years; the only holiday inside it is 清明 2025-04-04):

agency NF (南方局) — officers `officer`, `officer2`, approver `approver`
  N1  new, trustworthy, received 2025-03-03, accepted 03-04 by officer,  approved 03-14: 8 working days, due 04-01, on time
  N2  new, dishonest,   received 2025-02-21, accepted 02-24 by officer,  denied   03-26: 22 working days, due 03-24, 2 late
  N3  registration change, received 2025-03-07, accepted 03-10 by officer2, approved 03-12: 2 working days (limit 10, due 03-24)
  N4  new, received 03-03, accepted 03-03 by officer2, asked the applicant 03-05, answered 03-12 (5 working days paused),
      approved 03-20: 13 − 5 = 8 working days, due 04-08, on time
  N5  new, received 2025-03-14, accepted 03-17 by officer2, still open: due 04-15, extended by 10 working days to
      04-28 (Sunday 04-27 is a working day, 调休), overdue now
  P1  new, received and accepted 2024-03-01 by officer, approved 2024-03-29: 20 working days, due 03-29, on time
  P2  new, received 2024-02-28, accepted 02-29 by officer, approved 2024-03-28: 20 working days, on time
  P3  new, received 2024-03-11, not accepted 03-12
agency HB (华北局) — officer `far_officer`, approver `far_approver`
  H1  new, received 2025-03-03, accepted 03-03, approved 03-31: 20 working days, due 03-31, on time (due day itself)
  H2  new, received 2025-03-03, accepted 03-04, approved 2025-04-02 (after the period): 21 working days, due 04-01,
      1 late

Period 2025-03-01 – 2025-03-31 against 2024-03-01 – 2024-03-31:
  NF: received 4 vs 2 (+100 %), decisions 4 vs 2, on time 75 % vs 100 %, average 10 vs 20 working days (−50 %)
  all agencies: received 6 vs 2 (+200 %), decisions 5 vs 2, on time 80 %, average 12 working days (−40 %)
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import calendar

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    calendar.invalidate()


@contextmanager
def on(day: dt.date):
    """Pin the licensing services' 'today' (received, accepted, decided, pauses)."""
    with mock.patch("licensing.services._today", return_value=day):
        yield


def pdf():
    return SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")


class Flow:
    """Drive one application through the licensing services, each step on its own date."""

    def __init__(self, user, *, kind="new", scopes=(("install", "4"),), licence=None, **kwargs):
        from licensing import services
        from tests.factories import level

        self.s = services
        self.user = user
        self.app = services.application_create(
            enterprise=user.enterprise,
            kind=kind,
            actor=user,
            licence=licence,
            scopes=[(c, level(lv).pk) for c, lv in scopes] if kind in ("new", "licensed_change") else None,
            **kwargs,
        )
        services.material_add(application=self.app, kind="business_licence", upload=pdf(), actor=user)

    def submit(self, day, **kwargs):
        with on(day):
            self.app = self.s.application_submit(application=self.app, actor=self.user, **kwargs)
        return self

    def accept(self, day, officer):
        with on(day):
            self.app = self.s.application_accept(application=self.app, officer=officer)
        self.officer = officer
        return self

    def reject(self, day, officer, reason="材料不齐"):
        with on(day):
            self.app = self.s.application_reject(application=self.app, officer=officer, reason=reason)
        return self

    def review(self, day):
        with on(day):
            self.app = self.s.application_start_review(application=self.app, actor=self.officer)
        return self

    def ask(self, day, items=("补充近三个月社保缴纳证明",)):
        with on(day):
            self.app = self.s.application_ask_applicant(
                application=self.app, officer=self.officer, items=list(items)
            )
        return self

    def answer(self, day):
        with on(day):
            self.app = self.s.application_answer(application=self.app, actor=self.user)
        return self

    def decide(self, day, approver, outcome="approve"):
        with on(day):
            self.app = self.s.application_propose(
                application=self.app, officer=self.officer, outcome=outcome, text="审查意见：依法" + outcome
            )
            self.app = self.s.application_decide(application=self.app, approver=approver, outcome=outcome)
        return self

    def extend(self, day, approver):
        with on(day):
            self.app = self.s.application_request_extension(
                application=self.app, officer=self.officer, reason="需组织专家论证"
            )
            self.app = self.s.application_decide_extension(
                application=self.app, approver=approver, grant=True
            )
        return self


@pytest.fixture
def far_approver(agency_hb):
    from tests.factories import UserFactory

    return UserFactory(username="far_approver", role="approver", agency=agency_hb)


@pytest.fixture
def far_enterprise_user(far_enterprise):
    from tests.factories import UserFactory

    return UserFactory(username="far_clerk", role="enterprise", enterprise=far_enterprise)


@pytest.fixture
def far_supervisor(agency_hb):
    from tests.factories import UserFactory

    return UserFactory(username="far_supervisor", role="supervisor", agency=agency_hb)


def make_dishonest(enterprise):
    from credit.services import credit_record_create

    credit_record_create(
        enterprise=enterprise,
        category="dishonest",
        grade="serious",
        title="较重失信行为",
        occurred_on=D(2024, 12, 1),
        source="test",
    )


@pytest.fixture
def dataset(
    enterprise_user,
    other_enterprise_user,
    far_enterprise_user,
    officer,
    officer2,
    approver,
    far_officer,
    far_approver,
):
    """The applications of the module docstring, then the oversight sync."""
    from oversight import services
    from tests.factories import LicenceFactory

    make_dishonest(other_enterprise_user.enterprise)
    apps = {}
    apps["N1"] = (
        Flow(enterprise_user)
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 4), officer)
        .decide(D(2025, 3, 14), approver)
    )
    apps["N2"] = (
        Flow(other_enterprise_user)
        .submit(D(2025, 2, 21))
        .accept(D(2025, 2, 24), officer)
        .decide(D(2025, 3, 26), approver, "deny")
    )
    licence = LicenceFactory(enterprise=enterprise_user.enterprise, number="NF-CX-2024-00900")
    apps["N3"] = (
        Flow(
            enterprise_user,
            kind="registration_change",
            licence=licence,
            registration_changes={"address": "广州市天河区新址1号"},
        )
        .submit(D(2025, 3, 7))
        .accept(D(2025, 3, 10), officer2)
        .decide(D(2025, 3, 12), approver)
    )
    apps["N4"] = (
        Flow(enterprise_user, scopes=(("repair", "4"),))
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 3), officer2)
        .review(D(2025, 3, 4))
        .ask(D(2025, 3, 5))
        .answer(D(2025, 3, 12))
        .decide(D(2025, 3, 20), approver)
    )
    apps["N5"] = (
        Flow(enterprise_user, scopes=(("test", "4"),))
        .submit(D(2025, 3, 14))
        .accept(D(2025, 3, 17), officer2)
        .extend(D(2025, 3, 18), approver)
    )
    apps["P1"] = (
        Flow(enterprise_user, scopes=(("install", "5"),))
        .submit(D(2024, 3, 1))
        .accept(D(2024, 3, 1), officer)
        .decide(D(2024, 3, 29), approver)
    )
    apps["P2"] = (
        Flow(enterprise_user, scopes=(("repair", "5"),))
        .submit(D(2024, 2, 28))
        .accept(D(2024, 2, 29), officer)
        .decide(D(2024, 3, 28), approver)
    )
    apps["P3"] = (
        Flow(enterprise_user, scopes=(("test", "5"),)).submit(D(2024, 3, 11)).reject(D(2024, 3, 12), officer)
    )
    apps["H1"] = (
        Flow(far_enterprise_user)
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 3), far_officer)
        .decide(D(2025, 3, 31), far_approver)
    )
    apps["H2"] = (
        Flow(far_enterprise_user, scopes=(("repair", "4"),))
        .submit(D(2025, 3, 3))
        .accept(D(2025, 3, 4), far_officer)
        .decide(D(2025, 4, 2), far_approver)
    )
    services.oversight_sync()
    return {key: flow.app for key, flow in apps.items()}


MARCH_2025 = {"date_from": D(2025, 3, 1), "date_to": D(2025, 3, 31)}


@pytest.fixture
def march_nf(agency_nf):
    from oversight.selectors import DashboardFilters

    return DashboardFilters(today=D(2026, 1, 15), agency_id=agency_nf.pk, **MARCH_2025)


@pytest.fixture
def march_all():
    from oversight.selectors import DashboardFilters

    return DashboardFilters(today=D(2026, 1, 15), all_agencies=True, **MARCH_2025)


def rows_by(figure, key):
    return {row[key]: row for row in figure.rows}


# --- field supervision, commitment checks, lists and penalties (the panels the other apps register) ----------
FIELD_DATA_DOC = """Rows written directly on pinned dates (the services refuse back-dated steps); period March 2025,
today 2026-01-15. Enterprises E1–E5 of NF (facility licences; E2 also holds a power-business licence), F1 of HB.

Inspections (kind, inspected on, result)
  campaign C0  NF, drawn 2025-02-20: I7 E1 trustworthy off_site 03-03 compliant
  campaign C1  NF, drawn 2025-03-05: I1 E1 trustworthy off_site 03-10 compliant · I2 E2 dishonest on_site 03-12
               short (order resolved) · I3 E3 dishonest on_site 2025-04-02 compliant · I4 E4 good planned ·
               I5 E5 trustworthy cancelled
  campaign C2  HB, drawn 2025-03-07: I8 F1 good off_site 03-14 compliant · I10 F1 good planned
  ad hoc       I6 NF E1 video 03-20 compliant, no licence · I9 HB F1 video 03-25 short, no licence
Commitment checks (decided, due, checked, method, outcome)
  K1 NF due 03-10 checked 03-05 video consistent · K2 NF due 03-20 checked 03-25 off_site inconsistent ·
  K3 NF due 03-25 not checked · K4 NF due 03-28 checked 03-01 on_site false_commitment (referred) ·
  K5 NF due 04-15 checked 03-18 video consistent · K6 NF power-business due 03-12 checked 03-11 off_site
  consistent · K7 NF due 2026-02-01 not checked · K8 HB due 03-15 checked 03-14 video consistent
Three lists (list, listed, resolved)
  T1 NF doubtful E1 03-03 open · T2 NF doubtful E2 2024-12-01 resolved 03-15 · T3 NF complained E3 03-20
  supervising · T4 NF dishonest E2 2025-01-10 open · T5 NF dishonest E3 03-05 resolved 03-25 ·
  T6 NF complained E4 2024-06-01 resolved 2024-08-01 · T7 HB dishonest F1 03-10 open
Penalty cases (violation, decided, outcome, fine, confiscated)
  P1 NF false_materials 03-10 penalty 10 000 + 2 000, licence E1 · P2 NF false_materials 03-20 penalty
  30 000, licence revoked · P3 NF deception_bribery 03-15 no penalty, no licence · P4 NF deception_bribery
  2025-04-05 penalty 5 000 · P5 NF false_materials under investigation · P6 HB deception_bribery 03-12
  penalty 8 000
"""


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def field_data(agency_nf, agency_hb, officer, officer2, approver, far_officer, far_approver):
    """The dataset of FIELD_DATA_DOC; returns the rows by name."""
    from decimal import Decimal

    from inspections.models import Campaign, Inspection, ThreeListEntry
    from penalties.models import PenaltyCase, Violation
    from supervision.models import CommitmentCheck, RectificationOrder
    from tests.factories import EnterpriseFactory, LicenceFactory

    rows: dict = {}
    nf = [EnterpriseFactory(province="44") for _ in range(5)]
    f1 = EnterpriseFactory(province="11")
    for n, enterprise in enumerate(nf, start=1):
        rows[f"E{n}"] = enterprise
        rows[f"L{n}"] = LicenceFactory(enterprise=enterprise, number=f"NF-CX-FD-{n:05d}")
    rows["F1"], rows["LF"] = f1, LicenceFactory(enterprise=f1, number="HB-CX-2024-00001")
    rows["L2P"] = LicenceFactory(
        enterprise=nf[1], licence_type="power_business", number="NF-DY-2024-00001", scopes=[]
    )

    def campaign(name, agency, drawn, by):
        c = Campaign.objects.create(
            number=f"{agency.code}-SJ-{name}",
            name=f"双随机 {name}",
            agency=agency,
            licence_type="facility",
            sample_size=5,
            due_on=D(2025, 6, 30),
            seed="ab" * 16,
            algorithm_version="test",
            inputs_json="{}",
            inputs_sha256="0" * 64,
            result_sha256="0" * 64,
            population_size=20,
            pool_size=4,
            created_by=by,
        )
        Campaign.objects.filter(pk=c.pk).update(drawn_at=_moment(drawn))
        return c

    rows["C0"] = campaign("C0", agency_nf, D(2025, 2, 20), officer)
    rows["C1"] = campaign("C1", agency_nf, D(2025, 3, 5), officer)
    rows["C2"] = campaign("C2", agency_hb, D(2025, 3, 7), far_officer)
    order = RectificationOrder.objects.create(
        number="NF-ZG-2025-00001",
        enterprise=nf[1],
        agency=agency_nf,
        source="inspection",
        findings="人员不足",
        deadline=D(2025, 4, 30),
        state="resolved",
        issued_by=officer,
        issued_on=D(2025, 3, 12),
    )

    def inspection(
        name, enterprise, kind, *, camp=None, tier="", state="completed", on=None, result="", **kw
    ):
        agency = enterprise.agency
        lead, second = (officer, officer2) if agency == agency_nf else (far_officer, far_approver)
        licence = kw.pop("licence", rows["LF"] if enterprise == f1 else rows[f"L{nf.index(enterprise) + 1}"])
        rows[name] = Inspection.objects.create(
            number=f"JC-{name}",
            agency=agency,
            enterprise=enterprise,
            licence=licence,
            origin="campaign" if camp else "key",
            kind=kind,
            campaign=camp,
            draw_tier=tier,
            lead_inspector=lead,
            second_inspector=second,
            due_on=D(2025, 6, 30),
            state=state,
            inspected_on=on,
            result=result,
            created_by=lead,
            **kw,
        )

    E1, E2, E3, E4, E5 = nf
    inspection(
        "I7", E1, "off_site", camp=rows["C0"], tier="trustworthy", on=D(2025, 3, 3), result="compliant"
    )
    inspection(
        "I1", E1, "off_site", camp=rows["C1"], tier="trustworthy", on=D(2025, 3, 10), result="compliant"
    )
    inspection(
        "I2",
        E2,
        "on_site",
        camp=rows["C1"],
        tier="dishonest",
        on=D(2025, 3, 12),
        result="short",
        rectification_order=order,
    )
    inspection("I3", E3, "on_site", camp=rows["C1"], tier="dishonest", on=D(2025, 4, 2), result="compliant")
    inspection("I4", E4, "on_site", camp=rows["C1"], tier="good", state="planned")
    inspection("I5", E5, "off_site", camp=rows["C1"], tier="trustworthy", state="cancelled")
    inspection("I8", f1, "off_site", camp=rows["C2"], tier="good", on=D(2025, 3, 14), result="compliant")
    inspection("I10", f1, "off_site", camp=rows["C2"], tier="good", state="planned")
    inspection("I6", E1, "video", on=D(2025, 3, 20), result="compliant", licence=None)
    inspection("I9", f1, "video", on=D(2025, 3, 25), result="short", licence=None)

    def check(name, licence, decided, due, checked=None, method="", outcome="", state="due", **kw):
        rows[name] = CommitmentCheck.objects.create(
            licence=licence,
            enterprise=licence.enterprise,
            agency=licence.agency,
            decided_on=decided,
            due_on=due,
            checked_on=checked,
            method=method,
            outcome=outcome,
            state=state,
            **kw,
        )

    L1 = rows["L1"]
    check("K1", L1, D(2024, 9, 10), D(2025, 3, 10), D(2025, 3, 5), "video", "consistent", "consistent")
    check("K2", L1, D(2024, 9, 20), D(2025, 3, 20), D(2025, 3, 25), "off_site", "inconsistent", "rectifying")
    check("K3", L1, D(2024, 9, 25), D(2025, 3, 25))
    check(
        "K4",
        L1,
        D(2024, 9, 28),
        D(2025, 3, 28),
        D(2025, 3, 1),
        "on_site",
        "false_commitment",
        "revoked",
        penalty_referral=True,
    )
    check("K5", L1, D(2024, 10, 15), D(2025, 4, 15), D(2025, 3, 18), "video", "consistent", "consistent")
    check(
        "K6",
        rows["L2P"],
        D(2024, 9, 12),
        D(2025, 3, 12),
        D(2025, 3, 11),
        "off_site",
        "consistent",
        "consistent",
    )
    check("K7", L1, D(2025, 8, 1), D(2026, 2, 1))
    check(
        "K8", rows["LF"], D(2024, 9, 15), D(2025, 3, 15), D(2025, 3, 14), "video", "consistent", "consistent"
    )

    def entry(name, enterprise, kind, listed, resolved=None, state=None):
        state = state or ("resolved" if resolved else "listed")
        e = ThreeListEntry.objects.create(
            enterprise=enterprise,
            agency=enterprise.agency,
            list_kind=kind,
            reason="测试",
            state=state,
            resolved_at=_moment(resolved) if resolved else None,
        )
        ThreeListEntry.objects.filter(pk=e.pk).update(listed_at=_moment(listed))
        rows[name] = e

    entry("T1", E1, "doubtful", D(2025, 3, 3))
    entry("T2", E2, "doubtful", D(2024, 12, 1), D(2025, 3, 15))
    entry("T3", E3, "complained", D(2025, 3, 20), state="supervising")
    entry("T4", E2, "dishonest", D(2025, 1, 10))
    entry("T5", E3, "dishonest", D(2025, 3, 5), D(2025, 3, 25))
    entry("T6", E4, "complained", D(2024, 6, 1), D(2024, 8, 1))
    entry("T7", f1, "dishonest", D(2025, 3, 10))

    violations = {
        v.code: v for v in Violation.objects.filter(code__in=["false_materials", "deception_bribery"])
    }

    def case(name, enterprise, violation, state, decided=None, outcome="", fine=None, **kw):
        agency = enterprise.agency
        rows[name] = PenaltyCase.objects.create(
            number=f"CF-{name}",
            agency=agency,
            enterprise=enterprise,
            violation=violations[violation],
            source="ex_officio",
            summary="测试",
            filed_on=D(2025, 1, 6),
            opened_by=officer if agency == agency_nf else far_officer,
            credit_tier="trustworthy",
            state=state,
            outcome=outcome,
            decided_on=decided,
            decision_number=f"罚-{name}" if decided else None,
            fine_amount=Decimal(fine) if fine is not None else None,
            **kw,
        )

    case(
        "P1",
        E1,
        "false_materials",
        "decided",
        D(2025, 3, 10),
        "penalty",
        "10000",
        licence=L1,
        confiscation_amount=Decimal("2000"),
    )
    case(
        "P2",
        E1,
        "false_materials",
        "closed",
        D(2025, 3, 20),
        "penalty",
        "30000",
        licence=L1,
        revoke_licence=True,
    )
    case("P3", E2, "deception_bribery", "closed", D(2025, 3, 15), "no_penalty")
    case("P4", E3, "deception_bribery", "decided", D(2025, 4, 5), "penalty", "5000", licence=rows["L3"])
    case("P5", E4, "false_materials", "investigating")
    case("P6", f1, "deception_bribery", "decided", D(2025, 3, 12), "penalty", "8000", licence=rows["LF"])
    return rows
