"""The policy is edited by an administrator in the admin: versions with a Measure inline, no overlaps."""

import datetime as dt

import pytest

from core.models import AuditLog
from credit.models import Measure, PolicyVersion

ADD = "/admin/credit/policyversion/add/"


def version_form(code: str, start: str, end: str = "", measures: list[dict] | None = None) -> dict:
    data = {
        "code": code,
        "title": "测试版本",
        "effective_from": start,
        "effective_to": end,
        "source": "",
        "statutory_limit_days": 20,
        "statutory_registration_change_days": 15,
        "extension_days": 10,
        "tolerant_supplement_days": 10,
        "tolerant_bar_years": 2,
        "listing_months_minor": 3,
        "listing_months_serious": 12,
        "listing_months_severe": 36,
        "commendation_months": 36,
        "action_minor": "reminder",
        "action_serious": "warning",
        "action_severe": "interview",
        "repair_decision_days": 15,
        "objection_decision_days": 15,
        "measures-TOTAL_FORMS": len(measures or []),
        "measures-INITIAL_FORMS": 0,
        "measures-MIN_NUM_FORMS": 0,
        "measures-MAX_NUM_FORMS": 1000,
    }
    for i, measure in enumerate(measures or []):
        for key, value in measure.items():
            data[f"measures-{i}-{key}"] = value
    return data


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


class TestPolicyAdmin:
    def test_overlapping_dates_refused_with_a_clear_message(self, admin_client):
        response = admin_client.post(ADD, version_form("CSL-2026", "2026-01-01"))
        assert response.status_code == 200
        assert "CSL-2020" in response.content.decode()
        assert not PolicyVersion.objects.filter(code="CSL-2026").exists()

    def test_a_separate_period_with_measures_is_saved(self, admin_client):
        PolicyVersion.objects.filter(code="CSL-2020").update(effective_to=dt.date(2029, 12, 31))
        measure = {
            "item": 4,
            "scope": "new",
            "violation": "",
            "tier": "good",
            "text": "12日",
            "time_limit_days": 12,
        }
        response = admin_client.post(ADD, version_form("CSL-2030", "2030-01-01", measures=[measure]))
        assert response.status_code == 302, response.content.decode()[:2000]
        new = PolicyVersion.objects.get(code="CSL-2030")
        assert new.measures.get().time_limit_days == 12
        assert AuditLog.objects.filter(action="credit.policy_create").exists()

    def test_end_before_start_refused(self, admin_client):
        response = admin_client.post(ADD, version_form("BAD", "2031-01-01", "2030-01-01"))
        assert response.status_code == 200
        assert not PolicyVersion.objects.filter(code="BAD").exists()

    def test_edition_in_force_is_read_only_except_its_end(self, admin_client):
        policy = PolicyVersion.objects.get(code="CSL-2020")
        url = f"/admin/credit/policyversion/{policy.pk}/change/"
        page = admin_client.get(url)
        assert page.status_code == 200
        before = Measure.objects.filter(policy=policy).count()
        response = admin_client.post(
            url,
            {
                "title": policy.title,
                "source": policy.source,
                "effective_to": "2040-12-31",
                "measures-TOTAL_FORMS": 0,
                "measures-INITIAL_FORMS": 0,
                "measures-MIN_NUM_FORMS": 0,
                "measures-MAX_NUM_FORMS": 1000,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        policy.refresh_from_db()
        assert policy.effective_to == dt.date(2040, 12, 31)
        assert policy.effective_from == dt.date(2020, 1, 1)
        assert Measure.objects.filter(policy=policy).count() == before
        response = admin_client.post(
            url,
            {
                "title": policy.title,
                "source": "",
                "effective_to": "2021-01-01",
                "measures-TOTAL_FORMS": 0,
                "measures-INITIAL_FORMS": 0,
                "measures-MIN_NUM_FORMS": 0,
                "measures-MAX_NUM_FORMS": 1000,
            },
        )
        assert response.status_code == 200
        policy.refresh_from_db()
        assert policy.effective_to == dt.date(2040, 12, 31)

    def test_new_edition_view(self, admin_client):
        policy = PolicyVersion.objects.get(code="CSL-2020")
        url = f"/admin/credit/policyversion/{policy.pk}/new-edition/"
        assert admin_client.get(url).status_code == 200
        response = admin_client.post(url, {"code": "CSL-2031", "title": "", "effective_from": "2031-01-01"})
        assert response.status_code == 302
        new = PolicyVersion.objects.get(code="CSL-2031")
        assert new.measures.count() == 104
        policy.refresh_from_db()
        assert policy.effective_to == dt.date(2030, 12, 31)
        response = admin_client.post(url, {"code": "CSL-2031", "title": "", "effective_from": "2032-01-01"})
        assert response.status_code == 200 and PolicyVersion.objects.count() == 2

    def test_records_are_read_only_in_the_admin(self, admin_client, enterprise, make_record):
        record = make_record(enterprise)
        assert admin_client.get("/admin/credit/creditrecord/add/").status_code == 403
        page = admin_client.get(f"/admin/credit/creditrecord/{record.pk}/change/")
        assert page.status_code == 200
        assert 'name="title"' not in page.content.decode()
