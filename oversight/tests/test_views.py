"""Pages: who may see and do what, messages instead of errors, planned queries."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from oversight import services
from oversight.models import CallbackTask, Rating, ServiceEvent, WorkFlag
from oversight.tests.conftest import Flow


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def served(enterprise_user, officer):
    today = timezone.localdate()
    return Flow(enterprise_user).submit(today).accept(today, officer).app


@pytest.fixture
def bad_review(served, enterprise_user, approver):
    services.service_events_sync()
    event = ServiceEvent.objects.get(application=served)
    return services.rating_create(
        event=event, user=enterprise_user, level="very_dissatisfied", comment="材料被要求重复提交"
    )


class TestEnterpriseRating:
    def test_the_page_syncs_and_offers_the_form(self, client, served, enterprise_user):
        client.force_login(enterprise_user)
        response = client.get("/oversight/ratings/")
        event = ServiceEvent.objects.get()
        assert response.status_code == 200
        assert f'data-testid="rate-form-{event.pk}"' in html(response) and served.number in html(response)
        assert "服务评价" in html(response)

    def test_rate_once_then_see_the_rating(self, client, served, enterprise_user, approver):
        client.force_login(enterprise_user)
        client.get("/oversight/ratings/")
        event = ServiceEvent.objects.get()
        data = {
            f"e{event.pk}-level": "dissatisfied",
            f"e{event.pk}-comment": "窗口解释不清",
            "next": "/oversight/ratings/",
        }
        response = client.post(f"/oversight/events/{event.pk}/rate/", data)
        assert response.status_code == 302 and response["Location"] == "/oversight/ratings/"
        rating = Rating.objects.get()
        assert rating.level == "dissatisfied" and rating.callback.assignee == approver
        again = client.post(
            f"/oversight/events/{event.pk}/rate/", data | {f"e{event.pk}-level": "satisfied"}, follow=True
        )
        assert "该服务已评价" in html(again) or "already been rated" in html(again)
        assert Rating.objects.count() == 1 and Rating.objects.get().level == "dissatisfied"
        page = html(client.get("/oversight/ratings/"))
        assert f'data-testid="rated-{event.pk}"' in page and f'data-testid="rate-form-{event.pk}"' not in page

    def test_bad_input_is_a_message(self, client, served, enterprise_user):
        client.force_login(enterprise_user)
        client.get("/oversight/ratings/")
        event = ServiceEvent.objects.get()
        response = client.post(
            f"/oversight/events/{event.pk}/rate/", {f"e{event.pk}-level": "dissatisfied"}, follow=True
        )
        assert response.status_code == 200 and not Rating.objects.exists()
        assert messages_of(response)
        response = client.post(
            f"/oversight/events/{event.pk}/rate/", {f"e{event.pk}-level": "great"}, follow=True
        )
        assert not Rating.objects.exists()

    def test_another_enterprises_event_is_404(self, client, served, other_enterprise_user, officer):
        services.service_events_sync()
        event = ServiceEvent.objects.get()
        client.force_login(other_enterprise_user)
        assert (
            client.post(
                f"/oversight/events/{event.pk}/rate/", {f"e{event.pk}-level": "satisfied"}
            ).status_code
            == 404
        )
        client.force_login(officer)
        assert (
            client.post(
                f"/oversight/events/{event.pk}/rate/", {f"e{event.pk}-level": "satisfied"}
            ).status_code
            == 403
        )
        assert client.get("/oversight/ratings/").status_code == 403
        assert not Rating.objects.exists()

    def test_an_open_redirect_is_refused(self, client, served, enterprise_user):
        client.force_login(enterprise_user)
        client.get("/oversight/ratings/")
        event = ServiceEvent.objects.get()
        response = client.post(
            f"/oversight/events/{event.pk}/rate/",
            {f"e{event.pk}-level": "satisfied", "next": "https://evil.example/"},
        )
        assert response["Location"] == "/oversight/ratings/"

    def test_ratings_page_queries_do_not_grow(
        self, client, enterprise_user, officer, django_assert_max_num_queries
    ):
        today = timezone.localdate()
        for _ in range(6):
            Flow(enterprise_user).submit(today).accept(today, officer)
        client.force_login(enterprise_user)
        client.get("/oversight/ratings/")
        with django_assert_max_num_queries(14):
            assert client.get("/oversight/ratings/").status_code == 200

    def test_include_for_the_application_page(self, served, enterprise_user, other_enterprise_user):
        services.service_events_sync()
        request = RequestFactory().get(f"/applications/{served.pk}/")
        request.user = enterprise_user
        rendered = render_to_string(
            "oversight/includes/rate_events.html", {"app": served, "request": request}
        )
        assert 'data-testid="rate-events"' in rendered and "rate-form-" in rendered
        request.user = other_enterprise_user
        assert "rate-events" not in render_to_string(
            "oversight/includes/rate_events.html", {"app": served, "request": request}
        )


class TestCallbackPages:
    def test_the_handler_records_contact_and_closes(self, client, bad_review, approver):
        task = bad_review.callback
        client.force_login(approver)
        listing = html(client.get("/oversight/callbacks/"))
        assert f'data-testid="callback-{task.pk}"' in listing
        assert client.get(f"/oversight/callbacks/{task.pk}/").status_code == 200
        response = client.post(
            f"/oversight/callbacks/{task.pk}/contact/",
            {
                "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "method": "phone",
                "person": "clerk",
                "notes": "已致歉",
            },
        )
        assert response.status_code == 302
        refused = client.post(
            f"/oversight/callbacks/{task.pk}/close/", {"findings": "属实", "verification": "confirmed"}
        )
        assert refused.status_code == 400 and CallbackTask.objects.get().state == "contacted"
        assert "整改" in html(refused)
        done = client.post(
            f"/oversight/callbacks/{task.pk}/close/",
            {"findings": "属实", "verification": "confirmed", "rectification": "已培训窗口人员"},
        )
        assert done.status_code == 302 and CallbackTask.objects.get().state == "closed"

    def test_outsiders_do_not_see_it(
        self, client, bad_review, far_officer, officer2, enterprise_user, far_supervisor
    ):
        task = bad_review.callback
        for user in (far_officer, officer2, far_supervisor):
            client.force_login(user)
            assert client.get(f"/oversight/callbacks/{task.pk}/").status_code == 404
            assert f"callback-{task.pk}" not in html(client.get("/oversight/callbacks/"))
        client.force_login(enterprise_user)
        assert client.get("/oversight/callbacks/").status_code == 403

    def test_a_national_supervisor_reads_but_does_not_handle(self, client, bad_review, nea_supervisor):
        task = bad_review.callback
        client.force_login(nea_supervisor)
        page = html(client.get(f"/oversight/callbacks/{task.pk}/"))
        assert 'data-testid="contact-form"' not in page
        response = client.post(
            f"/oversight/callbacks/{task.pk}/contact/",
            {
                "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "method": "phone",
                "person": "x",
                "notes": "y",
            },
        )
        assert (
            response.status_code == 403 and CallbackTask.objects.get().state == "open"
        )  # refused before the form

    def test_reassign_page(self, client, bad_review, supervisor, officer2):
        client.force_login(supervisor)
        response = client.post(
            f"/oversight/callbacks/{bad_review.callback.pk}/reassign/", {"assignee": officer2.pk}
        )
        assert response.status_code == 302 and CallbackTask.objects.get().assignee == officer2

    def test_overdue_filter(self, client, bad_review, approver):
        CallbackTask.objects.update(due_on=timezone.localdate().replace(year=timezone.localdate().year - 1))
        client.force_login(approver)
        response = client.get("/oversight/callbacks/?show=overdue")
        assert f"callback-{bad_review.callback.pk}" in html(response)

    def test_rating_list_hides_anonymous_raters(self, client, served, enterprise_user, approver, officer):
        services.service_events_sync()
        services.rating_create(
            event=ServiceEvent.objects.get(),
            user=enterprise_user,
            level="dissatisfied",
            comment="匿名意见",
            anonymous=True,
        )
        client.force_login(approver)
        page = html(client.get("/oversight/ratings/all/?level=bad"))
        assert "匿名意见" in page and enterprise_user.display_name not in page


class TestSettingPage:
    def test_supervisor_sets_handlers_and_days(self, client, supervisor, officer, agency_nf):
        client.force_login(supervisor)
        assert client.get("/oversight/settings/").status_code == 200
        response = client.post(
            "/oversight/settings/", {"callback_working_days": 15, "handlers": [officer.pk]}
        )
        assert response.status_code == 302
        assert agency_nf.oversight_setting.callback_working_days == 15
        bad = client.post("/oversight/settings/", {"callback_working_days": 99})
        assert bad.status_code == 200 and agency_nf.oversight_setting.callback_working_days == 15

    def test_scope(self, client, supervisor, approver, nea_supervisor, agency_hb):
        client.force_login(approver)
        assert client.get("/oversight/settings/").status_code == 403
        client.force_login(supervisor)
        assert client.get(f"/oversight/settings/?agency={agency_hb.pk}").status_code == 404
        client.force_login(nea_supervisor)
        assert client.get(f"/oversight/settings/?agency={agency_hb.pk}").status_code == 200


class TestFlagPages:
    @pytest.fixture
    def flag(self, dataset):
        from oversight.tests.conftest import D

        services.work_flags_regenerate(today=D(2025, 4, 10))
        return WorkFlag.objects.get(rule="decided_late", application=dataset["N2"])

    def test_list_detail_confirm_dismiss(self, client, flag, supervisor):
        client.force_login(supervisor)
        assert f'data-testid="flag-{flag.pk}"' in html(client.get("/oversight/flags/"))
        detail = html(client.get(f"/oversight/flags/{flag.pk}/"))
        assert 'data-testid="fact"' in detail and "2025-03-24" in detail
        refused = client.post(f"/oversight/flags/{flag.pk}/dismiss/", {"reason": " "})
        assert refused.status_code == 400 and WorkFlag.objects.get(pk=flag.pk).state == "open"
        assert client.post(f"/oversight/flags/{flag.pk}/confirm/", {"note": "已移交"}).status_code == 302
        assert WorkFlag.objects.get(pk=flag.pk).state == "confirmed"
        assert client.post(f"/oversight/flags/{flag.pk}/nonsense/", {}).status_code == 404

    def test_who_sees_flags(self, client, flag, officer, approver, far_supervisor, nea_supervisor):
        for user in (officer, approver):
            client.force_login(user)
            assert client.get("/oversight/flags/").status_code == 403
        client.force_login(far_supervisor)
        assert client.get(f"/oversight/flags/{flag.pk}/").status_code == 404
        assert client.post(f"/oversight/flags/{flag.pk}/confirm/", {}).status_code == 404
        client.force_login(nea_supervisor)
        assert client.get(f"/oversight/flags/{flag.pk}/").status_code == 200

    def test_report_by_hand(self, client, supervisor, dataset, agency_nf):
        client.force_login(supervisor)
        assert client.get("/oversight/flags/new/").status_code == 200
        data = {
            "agency": agency_nf.pk,
            "rule": "intermediary",
            "occurred_on": "2025-03-20",
            "application": "NO-SUCH-NUMBER",
            "description": "经办人推荐中介代办",
        }
        assert (
            client.post("/oversight/flags/new/", data).status_code == 200
            and not WorkFlag.objects.filter(manual=True).exists()
        )
        response = client.post("/oversight/flags/new/", data | {"application": dataset["N4"].number})
        flag = WorkFlag.objects.get(manual=True)
        assert (
            response.status_code == 302 and flag.application == dataset["N4"] and flag.rule == "intermediary"
        )
