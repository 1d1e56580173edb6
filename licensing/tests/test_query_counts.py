"""The workbench page and the applications endpoints issue the same number of queries however many
rows they show (docs/benchmarks.md: the query shapes the benchmarks rely on). Paused applications are
included on purpose: their clock reads the pauses, which must come prefetched, not one query a row."""

import pytest

from licensing import services

from .conftest import submitted


def paused_applications(enterprise_user, officer, n):
    """n applications under review, each waiting for the applicant (clock paused)."""
    apps = []
    for _ in range(n):
        app = submitted(enterprise_user)
        services.application_accept(application=app, officer=officer)
        services.application_start_review(application=app, actor=officer)
        apps.append(services.application_ask_applicant(application=app, officer=officer, items=["社保证明"]))
    return apps


@pytest.fixture
def mixed(enterprise_user, officer, today):
    """Two of every kind of row the officer's queues show."""
    for _ in range(2):
        submitted(enterprise_user)
    paused_applications(enterprise_user, officer, 2)


def count_queries(django_assert_max_num_queries, call, limit=40):
    with django_assert_max_num_queries(limit) as captured:
        call()
    return len(captured.captured_queries)


@pytest.mark.parametrize("queue", ["acceptance", "review", "paused"])
def test_workbench_queue_does_not_grow_with_its_rows(
    client, enterprise_user, officer, mixed, queue, django_assert_max_num_queries
):
    client.force_login(officer)
    url = f"/workbench/?queue={queue}"
    few = count_queries(django_assert_max_num_queries, lambda: client.get(url))
    for _ in range(3):
        submitted(enterprise_user)
    paused_applications(enterprise_user, officer, 3)
    many = count_queries(django_assert_max_num_queries, lambda: client.get(url))
    assert many == few


def test_applications_list_page_size_10_and_100_cost_the_same(
    api, enterprise_user, officer, mixed, django_assert_max_num_queries
):
    paused_applications(enterprise_user, officer, 9)  # 11 paused + 2 waiting for acceptance
    api.force_authenticate(officer)
    small = count_queries(
        django_assert_max_num_queries, lambda: api.get("/api/v1/applications/?page_size=10")
    )
    large = count_queries(
        django_assert_max_num_queries, lambda: api.get("/api/v1/applications/?page_size=100")
    )
    assert large == small
    assert len(api.get("/api/v1/applications/?page_size=100").json()["results"]) == 13


def test_application_detail_is_a_fixed_handful_of_queries(
    api, enterprise_user, officer, today, django_assert_max_num_queries
):
    app = paused_applications(enterprise_user, officer, 1)[0]
    api.force_authenticate(officer)
    with django_assert_max_num_queries(4):  # the application, its pauses, scopes and materials
        response = api.get(f"/api/v1/applications/{app.pk}/")
    assert response.status_code == 200 and response.json()["paused"] is True


def test_a_short_list_is_counted_exactly(api, enterprise_user, officer, today):
    for _ in range(2):
        submitted(enterprise_user)
    api.force_authenticate(officer)
    assert api.get("/api/v1/applications/").json()["count"] == 2
    submitted(enterprise_user)
    assert api.get("/api/v1/applications/").json()["count"] == 3


def test_a_long_list_is_counted_once_a_minute(api, enterprise_user, officer, far_officer, today, monkeypatch):
    from django.core.cache import cache

    from licensing.api import _LongListPaginator

    monkeypatch.setattr(_LongListPaginator, "EXACT_UP_TO", 2)
    cache.clear()
    for _ in range(3):
        submitted(enterprise_user)
    api.force_authenticate(officer)
    assert api.get("/api/v1/applications/").json()["count"] == 3
    submitted(enterprise_user)
    body = api.get("/api/v1/applications/").json()
    assert body["count"] == 3 and len(body["results"]) == 4  # the total lags (documented); rows do not
    api.force_authenticate(far_officer)
    assert api.get("/api/v1/applications/").json()["count"] == 0  # another scope, another total
    cache.clear()
    api.force_authenticate(officer)
    assert api.get("/api/v1/applications/").json()["count"] == 4
