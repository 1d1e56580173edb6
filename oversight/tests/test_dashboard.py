"""The dashboard page, its Excel export and its API: scope, filters, fixed query counts."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from oversight import panels
from oversight.tests.conftest import D, Flow

MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def html(response) -> str:
    return response.content.decode()


class TestScope:
    def test_supervisor_home_after_login(self, client, supervisor):
        client.force_login(supervisor)
        response = client.get("/dashboard/")
        assert response.status_code == 200 and 'data-testid="role-home"' in html(response)
        for panel in panels.panels():
            assert f'data-testid="panel-{panel.key}"' in html(response)

    def test_a_regional_supervisor_cannot_open_another_agencys_dashboard(
        self, client, supervisor, agency_nf, agency_hb, api
    ):
        client.force_login(supervisor)
        assert client.get("/dashboard/", {"agency": agency_hb.pk}).status_code == 404
        assert client.get("/dashboard/export.xlsx", {"agency": agency_hb.pk}).status_code == 404
        assert client.get("/dashboard/", {"agency": agency_nf.pk}).status_code == 200
        api.force_authenticate(supervisor)
        assert api.get("/api/v1/oversight/dashboard/", {"agency": agency_hb.pk}).status_code == 404
        assert api.get("/api/v1/oversight/dashboard/").json()["filters"]["agency"] == agency_nf.pk

    def test_national_sees_all_and_filters(self, client, nea_supervisor, agency_hb):
        client.force_login(nea_supervisor)
        everything = html(client.get("/dashboard/"))
        assert 'data-testid="figure-on_time_by_agency"' in everything and 'name="agency"' in everything
        one = html(client.get("/dashboard/", {"agency": agency_hb.pk}))
        assert "华北能源监管局" in one and 'data-testid="figure-on_time_by_agency"' not in one
        assert client.get("/dashboard/", {"agency": 99999}).status_code == 200  # an invalid choice: defaults

    def test_approver_sees_its_agency_others_do_not(self, client, approver, officer, enterprise_user):
        client.force_login(approver)
        assert client.get("/dashboard/").status_code == 200
        for user in (officer, enterprise_user):
            client.force_login(user)
            assert client.get("/dashboard/").status_code == 403
            assert client.get("/dashboard/export.xlsx").status_code == 403
        client.logout()
        assert client.get("/dashboard/").status_code == 302

    def test_bad_filters_show_a_message_and_the_defaults(self, client, supervisor):
        client.force_login(supervisor)
        response = client.get("/dashboard/", {"date_from": "2025-12-01", "date_to": "2025-01-01"})
        assert response.status_code == 200 and "alert-danger" in html(response)
        assert client.get("/dashboard/", {"date_from": "yesterday", "licence_type": "x"}).status_code == 200


class TestNumbers:
    def test_page_shows_the_figures_and_chart_data(self, client, dataset, supervisor):
        client.force_login(supervisor)
        page = html(client.get("/dashboard/", MARCH))
        assert '<script id="figure-on_time_by_kind-data" type="application/json">' in page
        assert 'data-chart="figure-on_time_by_kind-data"' in page
        assert "-50.0%" in page and "+100.0%" in page  # the year-on-year statement of seed 002
        assert "<script>" not in page  # no inline script (CSP script-src 'self')

    def test_api_figures_use_codes(self, api, dataset, supervisor):
        api.force_authenticate(supervisor)
        body = api.get("/api/v1/oversight/dashboard/", MARCH).json()
        figures = {f["key"]: f for panel in body["panels"] for f in panel["figures"]}
        summary = {row["metric"]: row for row in figures["summary"]["rows"]}
        assert summary["avg_days"] == {
            "metric": "avg_days",
            "current": 10.0,
            "previous": 20.0,
            "change": -50.0,
        }
        kinds = {row["kind"]: row for row in figures["on_time_by_kind"]["rows"]}
        assert kinds["new"]["on_time_rate"] == 66.7 and kinds["new"]["overdue_open"] == 1
        assert body["filters"]["previous_from"] == "2024-03-01"
        assert (
            api.get(
                "/api/v1/oversight/dashboard/", {"date_from": "2025-04-01", "date_to": "2025-03-01"}
            ).status_code
            == 400
        )

    def test_excel_export_has_every_figure_with_its_table(self, client, dataset, supervisor):
        client.force_login(supervisor)
        response = client.get("/dashboard/export.xlsx", MARCH)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(response.content))
        page = client.get("/dashboard/", MARCH)
        figure_count = html(page).count('data-testid="figure-')
        assert len(book.sheetnames) == figure_count
        one = load_workbook(
            io.BytesIO(client.get("/dashboard/export.xlsx", MARCH | {"figure": "summary"}).content)
        )
        sheet = one.worksheets[0]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        avg = next(row for row in values if row and row[2] == 20.0)
        assert avg[1] == 10.0 and avg[3] == pytest.approx(-0.5)
        assert client.get("/dashboard/export.xlsx", {"figure": "nope"}).status_code == 404


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/", params).status_code == 200
    return len(ctx.captured_queries)


class TestQueryCount:
    """A dashboard request runs a fixed number of queries, whatever the number of applications."""

    # 6 of them for the panels of the other apps: verification methods 2, commitment checks 1,
    # random inspections 1, three lists 1, penalties 1 (oversight/tests/test_panels.py counts each)
    REGIONAL = 25
    NATIONAL = 27

    def test_fixed_for_a_regional_supervisor(
        self, client, supervisor, dataset, enterprise_user, officer, approver, django_assert_num_queries
    ):
        client.force_login(supervisor)
        client.get("/dashboard/")  # session warm-up
        before = _count_queries(client, MARCH)
        for day in (D(2025, 3, 5), D(2025, 3, 6), D(2025, 3, 7)):
            Flow(enterprise_user, scopes=(("install", "3"),)).submit(day).accept(day, officer).decide(
                D(2025, 3, 21), approver
            )
        from oversight.services import oversight_sync

        oversight_sync()
        assert _count_queries(client, MARCH) == before
        with django_assert_num_queries(self.REGIONAL):
            client.get("/dashboard/", MARCH)

    def test_fixed_for_a_national_supervisor(
        self, client, nea_supervisor, dataset, field_data, django_assert_num_queries
    ):
        client.force_login(nea_supervisor)
        client.get("/dashboard/")
        with django_assert_num_queries(self.NATIONAL):
            client.get("/dashboard/", MARCH)

    def test_fixed_on_an_empty_database(self, client, supervisor, django_assert_num_queries):
        client.force_login(supervisor)
        client.get("/dashboard/")
        with django_assert_num_queries(self.REGIONAL):
            client.get("/dashboard/", MARCH)
