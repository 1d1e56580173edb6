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
