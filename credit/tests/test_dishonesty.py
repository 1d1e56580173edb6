"""Seed 000 item 七: reminder / warning / interview by grade, the joint-punishment list, the 失信告知书,
and the public dishonest list."""

import datetime as dt

import pytest

from core.exceptions import DomainError, ForbiddenError
from credit import services
from credit.models import DishonestyAction, DishonestyNotice, PolicyVersion
from credit.selectors import dishonest_list, dishonesty_notice_context, joint_punishment_visible

D = dt.date


class TestActions:
    @pytest.mark.parametrize(
        "grade, kind", [("minor", "reminder"), ("serious", "warning"), ("severe", "interview")]
    )
    def test_kind_follows_the_grade(self, enterprise, officer, make_record, today, grade, kind):
        record = make_record(enterprise, grade=grade)
        action = services.dishonesty_action_record(
            record=record, took_place_on=today, notes="约谈企业负责人，告知整改要求", actor=officer
        )
        assert (action.kind, action.officer, action.took_place_on) == (kind, officer, today)
        assert action.policy_version == "CSL-2020" and action.enterprise == enterprise

    def test_mapping_is_policy_data(self, enterprise, officer, make_record, today):
        PolicyVersion.objects.update(action_minor="warning")
        record = make_record(enterprise, grade="minor")
        action = services.dishonesty_action_record(
            record=record, took_place_on=today, notes="x", actor=officer
        )
        assert action.kind == "warning"

    @pytest.mark.parametrize(
        "record_fields, days, notes, code",
        [
            ({"category": "commendation", "grade": ""}, 0, "x", "not_negative"),
            ({}, 1, "x", "bad_dates"),
            ({}, 0, "  ", "notes_required"),
        ],
    )
    def test_refused(self, enterprise, officer, make_record, today, record_fields, days, notes, code):
        record = make_record(enterprise, **record_fields)
        with pytest.raises(DomainError) as exc:
            services.dishonesty_action_record(
                record=record, took_place_on=today + dt.timedelta(days=days), notes=notes, actor=officer
            )
        assert exc.value.code == code
        assert not DishonestyAction.objects.exists()

    def test_other_agency_or_enterprise_refused(
        self, enterprise, far_officer, enterprise_user, make_record, today
    ):
        record = make_record(enterprise)
        for actor in (far_officer, enterprise_user):
            with pytest.raises(ForbiddenError):
                services.dishonesty_action_record(record=record, took_place_on=today, notes="x", actor=actor)


class TestJointPunishment:
    def test_list_is_scoped_and_follows_the_record(
        self, enterprise, far_enterprise, officer, far_officer, nea_supervisor, enterprise_user, make_record
    ):
        severe = make_record(enterprise, grade="severe")
        make_record(far_enterprise, grade="severe")
        make_record(enterprise, grade="serious")
        assert [e.record for e in joint_punishment_visible(officer)] == [severe]
        assert joint_punishment_visible(far_officer).count() == 1
        assert joint_punishment_visible(nea_supervisor).count() == 2
        request = services.credit_request_file(
            kind="repair", record=severe, user=enterprise_user, statement="已整改", commitment=True
        )
        services.credit_request_accept(request=request, actor=officer)
        services.credit_request_grant(request=request, actor=officer)
        assert joint_punishment_visible(officer).count() == 0


class TestNotice:
    def test_issue_and_context(self, enterprise, officer, make_record, today):
        serious = make_record(enterprise, grade="serious", title="未按规定办理登记事项变更")
        make_record(enterprise, category="commendation", grade="", title="表彰")
        notice = services.dishonesty_notice_issue(enterprise=enterprise, actor=officer)
        assert notice.number == f"NF-SXGZ-{today.year}-0001"
        assert list(notice.records.all()) == [serious]
        letter = dishonesty_notice_context(notice)
        assert letter["agency_name"] == "南方能源监管局"
        assert (letter["enterprise_name"], letter["credit_code"]) == (enterprise.name, enterprise.credit_code)
        assert letter["date"] == today and letter["tier"] == "dishonest" and letter["tier_label"]
        assert [r["title"] for r in letter["records"]] == ["未按规定办理登记事项变更"]
        assert letter["records"][0]["grade"] == "serious"
        texts = [m["text"] for m in letter["measures"]]
        assert any("不适用告知承诺制" in t for t in texts)
        assert any("必须进行现场核查" in t for t in texts)
        assert any("处罚幅度上限" in t for t in texts)
        assert letter["repair_days"] == 15
        second = services.dishonesty_notice_issue(enterprise=enterprise, actor=officer)
        assert second.number.endswith("-0002")

    def test_not_for_a_trustworthy_enterprise(self, enterprise, officer, make_record):
        make_record(enterprise, grade="minor")
        with pytest.raises(DomainError) as exc:
            services.dishonesty_notice_issue(enterprise=enterprise, actor=officer)
        assert exc.value.code == "not_dishonest"
        assert not DishonestyNotice.objects.exists()

    def test_other_agency_refused(self, enterprise, far_officer, make_record):
        make_record(enterprise, grade="severe")
        with pytest.raises(ForbiddenError):
            services.dishonesty_notice_issue(enterprise=enterprise, actor=far_officer)

    def test_enterprise_sees_it_and_reading_is_recorded(
        self, client, enterprise, enterprise_user, other_enterprise_user, officer, make_record
    ):
        make_record(enterprise, grade="severe")
        notice = services.dishonesty_notice_issue(enterprise=enterprise, actor=officer)
        client.force_login(officer)
        client.get(f"/credit/notices/{notice.pk}/")
        notice.refresh_from_db()
        assert notice.read_at is None
        client.force_login(other_enterprise_user)
        assert client.get(f"/credit/notices/{notice.pk}/").status_code == 404
        client.force_login(enterprise_user)
        home = client.get("/credit/my/").content.decode()
        assert notice.number in home
        page = client.get(f"/credit/notices/{notice.pk}/").content.decode()
        assert "失信告知书" in page and enterprise.credit_code in page
        notice.refresh_from_db()
        assert notice.read_at is not None


class TestPublicList:
    def test_what_is_listed(self, enterprise, make_record, today):
        listed = make_record(enterprise, grade="serious", published=True)
        make_record(enterprise, grade="serious")  # not published
        make_record(enterprise, category="commendation", grade="", published=True)
        make_record(
            enterprise,
            grade="minor",
            published=True,
            occurred_on=today - dt.timedelta(days=200),
        )  # listing period (3 months) over
        make_record(enterprise, grade="severe", published=True, occurred_on=today + dt.timedelta(days=2))
        assert list(dishonest_list()) == [listed]

    def test_page_and_api_without_login(
        self, client, api, enterprise, make_record, django_assert_max_num_queries
    ):
        for n in range(4):
            make_record(enterprise, grade="severe", published=True, title=f"虚假材料{n}")
        with django_assert_max_num_queries(3):
            page = client.get("/credit/public/dishonest/")
        assert page.status_code == 200
        html = page.content.decode()
        assert enterprise.name in html and enterprise.credit_code in html and "虚假材料0" in html
        assert enterprise.legal_representative not in html
        with django_assert_max_num_queries(3):
            body = api.get("/api/v1/credit/dishonest-list/").json()
        assert body["count"] == 4
        assert set(body["results"][0]) == {
            "enterprise_name",
            "credit_code",
            "category",
            "grade",
            "title",
            "occurred_on",
            "publish_until",
            "disputed",
        }

    def test_search(self, api, enterprise, other_enterprise, make_record):
        make_record(enterprise, grade="severe", published=True)
        make_record(other_enterprise, grade="severe", published=True)
        body = api.get("/api/v1/credit/dishonest-list/", {"q": enterprise.credit_code}).json()
        assert [r["credit_code"] for r in body["results"]] == [enterprise.credit_code]
