"""Officer and enterprise pages: scoping, what is refused, messages, planned queries."""

import datetime as dt

import pytest

from credit import services
from credit.models import CreditRecord, CreditRequest, TierOverride

D = dt.date


def html(response) -> str:
    return response.content.decode()


class TestOfficerPages:
    def test_home_lists_the_agencys_records_with_filters(
        self, client, officer, enterprise, far_enterprise, make_record, django_assert_max_num_queries
    ):
        for n in range(8):
            make_record(enterprise, grade="minor" if n % 2 else "serious", title=f"本局记录{n}")
        make_record(far_enterprise, title="外局记录")
        client.force_login(officer)
        with django_assert_max_num_queries(14):
            response = client.get("/credit/")
        body = html(response)
        assert response.status_code == 200
        assert "本局记录0" in body and "外局记录" not in body
        filtered = html(client.get("/credit/", {"grade": "minor"}))
        assert "本局记录1" in filtered and "本局记录0" not in filtered
        assert "本局记录3" in html(client.get("/credit/", {"q": "记录3"}))

    def test_other_agencys_record_is_404(self, client, far_officer, enterprise, make_record):
        record = make_record(enterprise)
        client.force_login(far_officer)
        assert client.get(f"/credit/records/{record.pk}/").status_code == 404
        assert client.get(f"/credit/enterprises/{enterprise.pk}/").status_code == 404
        assert client.post(f"/credit/records/{record.pk}/action/", {"notes": "x"}).status_code == 404

    def test_enterprise_cannot_open_officer_pages(self, client, enterprise_user):
        client.force_login(enterprise_user)
        assert client.get("/credit/").status_code == 403
        assert client.get("/credit/records/new/").status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get("/credit/").status_code == 302
        assert client.get("/credit/my/").status_code == 302

    def test_add_a_record(self, client, officer, enterprise):
        client.force_login(officer)
        assert client.get("/credit/records/new/").status_code == 200
        response = client.post(
            "/credit/records/new/",
            {
                "enterprise": enterprise.pk,
                "category": "dishonest",
                "grade": "severe",
                "title": "伪造业绩证明",
                "occurred_on": "2026-11-02",
                "published": "on",
            },
        )
        record = CreditRecord.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/credit/records/{record.pk}/"
        assert record.source == "officer" and record.created_by == officer and record.published

    def test_add_a_record_refused_with_message(self, client, officer, enterprise, far_enterprise):
        client.force_login(officer)
        response = client.post(
            "/credit/records/new/",
            {
                "enterprise": enterprise.pk,
                "category": "dishonest",
                "grade": "",
                "title": "x",
                "occurred_on": "2026-11-02",
            },
        )
        assert response.status_code == 200 and not CreditRecord.objects.exists()
        assert 'data-field="grade"' in html(response)
        response = client.post(
            "/credit/records/new/",
            {
                "enterprise": far_enterprise.pk,
                "category": "dishonest",
                "grade": "minor",
                "title": "x",
                "occurred_on": "2026-11-02",
            },
        )
        assert response.status_code == 200 and not CreditRecord.objects.exists()

    def test_record_an_action(self, client, officer, enterprise, make_record, today):
        record = make_record(enterprise, grade="serious")
        client.force_login(officer)
        assert client.get(f"/credit/records/{record.pk}/action/").status_code == 200
        response = client.post(
            f"/credit/records/{record.pk}/action/", {"took_place_on": today.isoformat(), "notes": "警示谈话"}
        )
        assert response.status_code == 302
        assert record.actions.get().kind == "warning"
        body = html(client.get("/credit/actions/"))
        assert "警示谈话" in body

    def test_override_needs_a_reason(self, client, approver, officer, enterprise, today):
        url = f"/credit/enterprises/{enterprise.pk}/override/"
        client.force_login(officer)
        assert client.post(url, {}).status_code == 403
        client.force_login(approver)
        data = {
            "tier": "good",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=9)).isoformat(),
        }
        response = client.post(url, {**data, "reason": "   "})
        assert response.status_code == 200 and not TierOverride.objects.exists()
        response = client.post(url, {**data, "reason": "专项表彰"})
        assert response.status_code == 302 and TierOverride.objects.get().reason == "专项表彰"
        assert "专项表彰" in html(client.get("/credit/overrides/"))
        override = TierOverride.objects.get()
        client.post(f"/credit/overrides/{override.pk}/cancel/", {"reason": ""})
        override.refresh_from_db()
        assert override.cancelled_at is None
        client.post(f"/credit/overrides/{override.pk}/cancel/", {"reason": "撤回"})
        override.refresh_from_db()
        assert override.cancelled_at is not None

    def test_enterprise_credit_page(self, client, officer, approver, enterprise, make_record):
        make_record(enterprise, grade="severe")
        client.force_login(officer)
        body = html(client.get(f"/credit/enterprises/{enterprise.pk}/"))
        assert enterprise.name in body and 'data-tier="seriously_dishonest"' in body
        assert f"/credit/enterprises/{enterprise.pk}/override/" not in body
        client.force_login(approver)
        assert f"/credit/enterprises/{enterprise.pk}/override/" in html(
            client.get(f"/credit/enterprises/{enterprise.pk}/")
        )

    def test_issue_a_notice(self, client, officer, enterprise, make_record):
        client.force_login(officer)
        response = client.post(f"/credit/enterprises/{enterprise.pk}/notice/", follow=True)
        assert enterprise.dishonesty_notices.count() == 0
        assert response.status_code == 200 and "alert-danger" in html(response)
        make_record(enterprise, grade="serious")
        response = client.post(f"/credit/enterprises/{enterprise.pk}/notice/")
        notice = enterprise.dishonesty_notices.get()
        assert response["Location"] == f"/credit/notices/{notice.pk}/"
        assert notice.number in html(client.get("/credit/notices/"))

    def test_joint_list_page(self, client, officer, enterprise, make_record):
        make_record(enterprise, grade="severe", title="骗取许可")
        client.force_login(officer)
        assert "骗取许可" in html(client.get("/credit/joint-punishment/"))


class TestRequestPages:
    def test_full_cycle_through_pages(self, client, enterprise_user, officer, enterprise, make_record):
        record = make_record(enterprise, grade="severe", published=True)
        client.force_login(enterprise_user)
        page = html(client.get(f"/credit/records/{record.pk}/"))
        assert f"/credit/my/records/{record.pk}/repair/" in page
        response = client.post(f"/credit/my/records/{record.pk}/repair/", {"statement": "已整改"})
        assert response.status_code == 200 and not CreditRequest.objects.exists()  # no commitment
        response = client.post(
            f"/credit/my/records/{record.pk}/repair/", {"statement": "已整改", "commitment": "on"}
        )
        request = CreditRequest.objects.get()
        assert response["Location"] == f"/credit/requests/{request.pk}/"
        assert client.post(f"/credit/requests/{request.pk}/accept/").status_code == 403
        client.force_login(officer)
        client.post(f"/credit/requests/{request.pk}/accept/")
        response = client.post(f"/credit/requests/{request.pk}/refuse/", {"reason": ""}, follow=True)
        request.refresh_from_db()
        assert request.state == "accepted" and "alert-danger" in html(response)
        client.post(f"/credit/requests/{request.pk}/grant/", {"reason": "同意修复"})
        request.refresh_from_db()
        record.refresh_from_db()
        assert request.state == "granted" and record.status == "repaired"
        assert client.post(f"/credit/requests/{request.pk}/nonsense/").status_code == 404

    def test_filing_for_another_enterprises_record_is_404(
        self, client, other_enterprise_user, enterprise, make_record
    ):
        record = make_record(enterprise)
        client.force_login(other_enterprise_user)
        assert client.get(f"/credit/records/{record.pk}/").status_code == 404
        response = client.post(f"/credit/my/records/{record.pk}/objection/", {"statement": "x"})
        assert response.status_code == 404
        assert not CreditRequest.objects.exists()
        assert CreditRecord.objects.get().disputed is False

    def test_supervisor_reads_but_does_not_decide(
        self, client, supervisor, enterprise_user, enterprise, make_record
    ):
        record = make_record(enterprise)
        request = services.credit_request_file(
            kind="objection", record=record, user=enterprise_user, statement="有误"
        )
        client.force_login(supervisor)
        assert client.get("/credit/requests/").status_code == 200
        assert client.get(f"/credit/requests/{request.pk}/").status_code == 200
        assert client.post(f"/credit/requests/{request.pk}/accept/").status_code == 403
        request.refresh_from_db()
        assert request.state == "submitted"

    def test_overdue_marked_in_the_list(
        self, client, supervisor, officer, enterprise_user, enterprise, make_record, monkeypatch
    ):
        from django.utils import timezone

        request = services.credit_request_file(
            kind="objection", record=make_record(enterprise), user=enterprise_user, statement="有误"
        )
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 9, 28))
        services.credit_request_accept(request=request, actor=officer)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 11, 2))
        client.force_login(supervisor)
        body = html(client.get("/credit/requests/", {"overdue": "on"}))
        assert 'data-testid="overdue"' in body and "2026-10-23" in body
        assert 'data-testid="overdue-count">1<' in html(client.get("/credit/"))

    def test_request_list_query_count(
        self, client, officer, enterprise, enterprise_user, make_record, django_assert_max_num_queries
    ):
        for _ in range(6):
            services.credit_request_file(
                kind="objection", record=make_record(enterprise), user=enterprise_user, statement="有误"
            )
        client.force_login(officer)
        with django_assert_max_num_queries(8):
            assert client.get("/credit/requests/").status_code == 200


class TestEnterprisePages:
    def test_home_shows_only_its_records(
        self,
        client,
        enterprise_user,
        enterprise,
        other_enterprise,
        make_record,
        django_assert_max_num_queries,
    ):
        for n in range(5):
            make_record(enterprise, grade="minor", title=f"本企业记录{n}", occurred_on=D(2026, 11, 1))
        make_record(other_enterprise, title="别家记录")
        client.force_login(enterprise_user)
        with django_assert_max_num_queries(12):
            response = client.get("/credit/my/")
        body = html(response)
        assert "本企业记录0" in body and "别家记录" not in body
        assert 'data-tier="dishonest"' in body

    def test_records_api_is_scoped(
        self,
        api,
        enterprise_user,
        officer,
        far_officer,
        enterprise,
        other_enterprise,
        make_record,
        django_assert_max_num_queries,
    ):
        for _ in range(4):
            make_record(enterprise)
        make_record(other_enterprise)
        api.force_authenticate(enterprise_user)
        with django_assert_max_num_queries(5):
            body = api.get("/api/v1/credit/records/").json()
        assert body["count"] == 4
        assert {r["enterprise"] for r in body["results"]} == {enterprise.pk}
        assert api.get("/api/v1/credit/records/", {"enterprise": other_enterprise.pk}).json()["count"] == 0
        api.force_authenticate(officer)
        assert api.get("/api/v1/credit/records/").json()["count"] == 5
        api.force_authenticate(far_officer)
        assert api.get("/api/v1/credit/records/").json()["count"] == 0
        assert api.get("/api/v1/credit/records/", {"grade": "awful"}).status_code == 400

    @pytest.mark.parametrize(
        "grade, tier, commitment",
        [("", "trustworthy", "可适用"), ("severe", "seriously_dishonest", "不适用")],
    )
    def test_tier_page_explains_in_chinese(
        self, client, enterprise_user, enterprise, make_record, grade, tier, commitment
    ):
        if grade:
            make_record(enterprise, grade=grade, title="提供虚假材料")
        client.force_login(enterprise_user)
        body = html(client.get("/credit/my/tier/"))
        assert f'data-tier="{tier}"' in body
        assert "新申请" in body and "许可证补办" in body and "登记事项变更" in body
        assert "办理时限" in body and "告知承诺" in body
        assert commitment in body
        if grade:
            assert "提供虚假材料" in body and "必须进行现场核查" in body


def test_records_api_filters(api, officer, enterprise, make_record):
    make_record(enterprise, grade="serious", published=True)
    make_record(enterprise, grade="minor")
    api.force_authenticate(officer)
    assert api.get("/api/v1/credit/records/").json()["count"] == 2
    assert api.get("/api/v1/credit/records/", {"published": "true"}).json()["count"] == 1
    assert api.get("/api/v1/credit/records/", {"published": "false"}).json()["count"] == 1
    assert api.get("/api/v1/credit/records/", {"grade": "minor"}).json()["count"] == 1
    assert api.get("/api/v1/credit/records/", {"enterprise": enterprise.pk}).json()["count"] == 2
