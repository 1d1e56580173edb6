"""The bench-only baselines exist only when settings.BENCH_ENDPOINTS is on."""

import json

import pytest
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from benchmarks import views


def test_not_mounted_by_default(settings):
    assert settings.BENCH_ENDPOINTS is False
    with pytest.raises(Resolver404):
        resolve("/bench/json/1/")
    with pytest.raises(Resolver404):
        resolve("/bench/page/")


def test_bare_json_view_reads_one_row(db, django_assert_num_queries):
    from django.http import Http404

    from licensing.models import Application
    from tests.factories import EnterpriseFactory, UserFactory

    enterprise = EnterpriseFactory(province="44")
    clerk = UserFactory(role="enterprise", enterprise=enterprise)
    app = Application.objects.create(
        enterprise=enterprise, agency=enterprise.agency, kind="new", created_by=clerk, number="X-1"
    )
    with django_assert_num_queries(1):
        response = views.bare_json(RequestFactory().get("/bench/json/"), pk=app.pk)
    body = json.loads(response.content)
    assert response.status_code == 200 and body["id"] == app.pk and body["number"] == "X-1"
    with pytest.raises(Http404):
        views.bare_json(RequestFactory().get("/bench/json/"), pk=app.pk + 1000)
    assert views.bare_json(RequestFactory().post("/bench/json/"), pk=app.pk).status_code == 405


def test_hello_is_the_floor(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = views.hello(RequestFactory().get("/bench/hello/"))
    assert json.loads(response.content) == {"ok": True}


def test_bare_page_needs_a_login(db, officer):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/bench/page/")
    request.user = AnonymousUser()
    assert views.bare_page(request).status_code == 302
    request.user = officer
    response = views.bare_page(request)
    assert response.status_code == 200 and b"<html" in response.content
