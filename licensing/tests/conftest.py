import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.models import RecordCategory
from credit.services import credit_record_create
from licensing import services
from tests.factories import LicenceFactory, UserFactory, level, staff_enterprise

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def today():
    """Pin 'today' for the licensing services (a Monday with a plain working week around it)."""
    day = dt.date(2026, 11, 23)
    with mock.patch("licensing.services._today", return_value=day):
        yield day


def set_today(day):
    return mock.patch("licensing.services._today", return_value=day)


def make_tier(enterprise, tier):
    """Give an enterprise a tier through real credit records."""
    if tier == "good":
        credit_record_create(
            enterprise=enterprise,
            category=RecordCategory.COMMENDATION,
            title="守信激励",
            occurred_on=dt.date(2026, 1, 5),
            source="test",
        )
    elif tier == "dishonest":
        credit_record_create(
            enterprise=enterprise,
            category=RecordCategory.DISHONEST,
            grade="serious",
            title="较重失信",
            occurred_on=dt.date(2026, 1, 5),
            source="test",
        )
    elif tier == "seriously_dishonest":
        credit_record_create(
            enterprise=enterprise,
            category=RecordCategory.DISHONEST,
            grade="severe",
            title="严重失信",
            occurred_on=dt.date(2026, 1, 5),
            source="test",
        )


@pytest.fixture
def approver2(agency_nf):
    return UserFactory(username="approver2", role="approver", agency=agency_nf)


def new_application(enterprise_user, scopes=(("install", "4"),), **kwargs):
    app = services.application_create(
        enterprise=enterprise_user.enterprise,
        kind=kwargs.pop("kind", "new"),
        actor=enterprise_user,
        scopes=[(c, level(lv).pk) for c, lv in scopes],
        **kwargs,
    )
    services.material_add(
        application=app, kind="business_licence", upload=pdf_upload(), actor=enterprise_user
    )
    return app


def submitted(enterprise_user, **kwargs):
    mode = kwargs.pop("mode", "ordinary")
    tolerant_items = kwargs.pop("tolerant_items", None)
    app = new_application(enterprise_user, **kwargs)
    return services.application_submit(
        application=app,
        actor=enterprise_user,
        mode=mode,
        tolerant_items=tolerant_items,
        sign=mode != "ordinary",
    )


__all__ = ["LicenceFactory", "staff_enterprise"]
