"""The panels the other apps register (verification methods, commitment checks, random inspections,
three lists, penalties) against the hand-computed `field_data` of conftest.py (FIELD_DATA_DOC), each
with its query count, and the disclosure sections they add."""

import io

import pytest
from openpyxl import load_workbook

from inspections.selectors import campaign_report, figure_random_inspections, figure_three_lists
from oversight import panels, selectors
from oversight.selectors import DashboardFilters
from oversight.tests.conftest import MARCH_2025, D, rows_by
from penalties.selectors import figure_penalties_by_violation
from supervision.selectors import commitment_check_counts, commitment_coverage, figure_commitment_coverage

TODAY = D(2026, 1, 15)


@pytest.fixture
def nf(agency_nf):
    return DashboardFilters(today=TODAY, agency_id=agency_nf.pk, **MARCH_2025)


@pytest.fixture
def everywhere():
    return DashboardFilters(today=TODAY, all_agencies=True, **MARCH_2025)


def nf_facility(agency_nf, licence_type="facility"):
    return DashboardFilters(today=TODAY, agency_id=agency_nf.pk, licence_type=licence_type, **MARCH_2025)


def values(figure, key="metric"):
    return {row[key]: row["value"] for row in figure.rows}


def test_every_reserved_panel_is_registered():
    keys = [p.key for p in panels.panels()]
    for key in (
        "verification_methods",
        "commitment_checks",
        "random_inspections",
        "three_lists",
        "penalties",
    ):
        assert key in keys
    assert keys.index("work_supervision") < keys.index("verification_methods") < keys.index("penalties")


class TestVerificationMethods:
    def test_one_agency(self, field_data, nf, django_assert_num_queries):
        with django_assert_num_queries(2):
            methods, remote = selectors.verification_figures(nf)
        rows = rows_by(methods, "method")
        # inspections I1, I7 off-site, I2 on-site, I6 video; checks K4 on-site, K2 K6 off-site, K1 K5 video
        assert {
            m: (r["inspections"], r["commitment_checks"], r["total"], r["share"]) for m, r in rows.items()
        } == {
            "on_site": (1, 1, 2, 22.2),
            "off_site": (2, 2, 4, 44.4),
            "video": (1, 2, 3, 33.3),
        }
        assert values(remote) == {
            "remote_share": 77.8,
            "video_share": 33.3,
            "remote": 7,
            "video": 3,
            "total": 9,
        }
        assert remote.display_rows()[0][1] == "77.8%"

    def test_licence_type_leaves_out_inspections_without_that_licence(self, field_data, agency_nf):
        methods, remote = selectors.verification_figures(nf_facility(agency_nf))
        rows = rows_by(methods, "method")
        assert {m: (r["inspections"], r["commitment_checks"]) for m, r in rows.items()} == {
            "on_site": (1, 1),
            "off_site": (2, 1),  # K6 is a power-business licence's check
            "video": (0, 2),  # I6 has no licence
        }
        assert values(remote)["remote_share"] == 71.4

    def test_all_agencies(self, field_data, everywhere):
        methods, remote = selectors.verification_figures(everywhere)
        assert {r["method"]: r["total"] for r in methods.rows} == {"on_site": 2, "off_site": 5, "video": 5}
        assert values(remote)["remote_share"] == 83.3

    def test_empty(self, db, nf):
        methods, remote = selectors.verification_figures(nf)
        assert [r["total"] for r in methods.rows] == [0, 0, 0]
        assert values(remote)["remote_share"] is None


class TestCommitmentChecks:
    def test_coverage_and_outcomes_of_one_agency(self, field_data, nf, django_assert_num_queries):
        from supervision.selectors import commitment_check_figures

        with django_assert_num_queries(1):
            coverage, outcomes = commitment_check_figures(nf)
        # due in March: K1 K2 K3 K4 K6; by the due date K1 K4 K6, late K2, overdue K3
        assert values(coverage) == {
            "coverage": 60.0,
            "due": 5,
            "on_time": 3,
            "late": 1,
            "overdue": 1,
            "pending": 0,
        }
        assert {r["outcome"]: (r["count"], r["share"]) for r in outcomes.rows} == {
            "consistent": (2, 50.0),
            "inconsistent": (1, 25.0),
            "false_commitment": (1, 25.0),
        }
        assert "1" in str(outcomes.note)  # K4 referred for a penalty case

    def test_filters(self, field_data, agency_nf, everywhere):
        assert values(figure_commitment_coverage(nf_facility(agency_nf)))["coverage"] == 50.0  # K6 out
        assert values(figure_commitment_coverage(everywhere))["coverage"] == 66.7  # K8 in: 4 of 6

    def test_not_yet_due(self, field_data, agency_nf):
        f = DashboardFilters(
            today=TODAY, agency_id=agency_nf.pk, date_from=D(2026, 1, 1), date_to=D(2026, 2, 28)
        )
        assert values(figure_commitment_coverage(f)) == {
            "coverage": None,
            "due": 1,
            "on_time": 0,
            "late": 0,
            "overdue": 0,
            "pending": 1,
        }

    def test_agrees_with_the_supervision_coverage(self, field_data, nea_supervisor):
        """Over every due date, the dashboard counts what supervision's own coverage counts."""
        f = DashboardFilters(today=TODAY, all_agencies=True, date_from=D(2000, 1, 1), date_to=D(2099, 12, 31))
        counts = commitment_check_counts(f)
        coverage = commitment_coverage(nea_supervisor, on=TODAY)
        assert (
            counts["population"],
            counts["on_time"],
            counts["late"],
            counts["overdue"],
            counts["pending"],
        ) == (
            coverage.population,
            coverage.covered,
            coverage.late,
            coverage.overdue,
            coverage.pending,
        )


class TestRandomInspections:
    def test_by_tier_of_one_agency(self, field_data, nf, django_assert_num_queries):
        with django_assert_num_queries(1):
            figure = figure_random_inspections(nf)
        rows = rows_by(figure, "draw_tier")
        assert list(rows) == ["good", "trustworthy", "dishonest", "seriously_dishonest"]
        got = {
            t: (
                r["drawn"],
                r["inspected"],
                r["short"],
                r["short_rate"],
                r["rectified"],
                r["pending"],
                r["cancelled"],
            )
            for t, r in rows.items()
        }
        # only C1 (C0 was drawn in February): I4 planned; I1 done, I5 cancelled; I2 short and rectified, I3 done
        assert got == {
            "good": (1, 0, 0, None, 0, 1, 0),
            "trustworthy": (2, 1, 0, 0.0, 0, 0, 1),
            "dishonest": (2, 2, 1, 50.0, 1, 0, 0),
            "seriously_dishonest": (0, 0, 0, None, 0, 0, 0),
        }
        report = campaign_report(field_data["C1"])  # the campaign's own report agrees
        assert (report.drawn, report.inspected, report.short, report.rectified, report.pending) == (
            5,
            3,
            1,
            1,
            1,
        )
        assert sum(r["drawn"] for r in figure.rows) == report.drawn

    def test_filters(self, field_data, everywhere, agency_nf):
        good = rows_by(figure_random_inspections(everywhere), "draw_tier")["good"]
        assert (good["drawn"], good["inspected"], good["short_rate"], good["pending"]) == (3, 1, 0.0, 2)
        power = figure_random_inspections(nf_facility(agency_nf, "power_business"))
        assert sum(r["drawn"] for r in power.rows) == 0


class TestThreeLists:
    def test_sizes_of_one_agency(self, field_data, nf, django_assert_num_queries):
        with django_assert_num_queries(1):
            figure = figure_three_lists(nf)
        assert {r["list_kind"]: (r["listed"], r["added"], r["resolved"]) for r in figure.rows} == {
            "doubtful": (1, 1, 1),  # T1 open and added; T2 resolved in March
            "complained": (1, 1, 0),  # T3; T6 resolved in 2024
            "dishonest": (1, 1, 1),  # T4 open; T5 added and resolved
        }

    def test_filters(self, field_data, everywhere, agency_nf):
        rows = rows_by(figure_three_lists(everywhere), "list_kind")
        assert (rows["dishonest"]["listed"], rows["dishonest"]["added"]) == (2, 2)  # T7
        power = figure_three_lists(nf_facility(agency_nf, "power_business"))  # E2 only: T2, T4
        assert {r["list_kind"]: (r["listed"], r["added"], r["resolved"]) for r in power.rows} == {
            "doubtful": (0, 0, 1),
            "complained": (0, 0, 0),
            "dishonest": (1, 0, 0),
        }


class TestPenalties:
    def test_by_violation_of_one_agency(self, field_data, nf, django_assert_num_queries):
        with django_assert_num_queries(1):
            figure = figure_penalties_by_violation(nf)
        rows = rows_by(figure, "violation")
        got = {
            v: (r["decisions"], r["penalties"], r["no_penalty"], r["fines"], r["confiscated"], r["revoked"])
            for v, r in rows.items()
        }
        assert got == {
            "false_materials": (2, 2, 0, 40000.0, 2000.0, 1),  # P1 P2 (P5 not decided)
            "deception_bribery": (1, 0, 1, 0.0, 0.0, 0),  # P3 (P4 decided in April)
        }
        assert figure.display_rows()[0][4] == "40,000.00"
        violation = field_data["P1"].violation
        assert figure.column("violation").display("false_materials") == f"{violation.item}. {violation.title}"

    def test_filters(self, field_data, everywhere, agency_nf):
        rows = rows_by(figure_penalties_by_violation(everywhere), "violation")
        assert (rows["deception_bribery"]["decisions"], rows["deception_bribery"]["fines"]) == (2, 8000.0)
        facility = figure_penalties_by_violation(nf_facility(agency_nf))
        assert [r["violation"] for r in facility.rows] == ["false_materials"]  # P3 names no licence


class TestOnTheDashboard:
    def test_page_api_and_export(self, client, api, field_data, supervisor):
        params = {"date_from": "2025-03-01", "date_to": "2025-03-31"}
        client.force_login(supervisor)
        page = client.get("/dashboard/", params).content.decode()
        keys = (
            "verification_methods",
            "remote_verification",
            "commitment_coverage",
            "commitment_outcomes",
            "random_inspections",
            "three_lists",
            "penalties_by_violation",
        )
        for key in keys:
            assert f'data-testid="figure-{key}"' in page and f'data-chart="figure-{key}-data"' in page
        for key in (
            "verification_methods",
            "commitment_checks",
            "random_inspections",
            "three_lists",
            "penalties",
        ):
            assert f'data-testid="panel-{key}"' in page
        assert "77.8%" in page and "40,000.00" in page

        api.force_authenticate(supervisor)
        body = api.get("/api/v1/oversight/dashboard/", params).json()
        figures = {f["key"]: f for panel in body["panels"] for f in panel["figures"]}
        assert set(keys) <= set(figures)
        fines = {r["violation"]: r["fines"] for r in figures["penalties_by_violation"]["rows"]}
        assert fines == {"false_materials": 40000.0, "deception_bribery": 0.0}
        assert figures["commitment_coverage"]["rows"][0] == {"metric": "coverage", "value": 60.0}

        book = load_workbook(
            io.BytesIO(
                client.get("/dashboard/export.xlsx", params | {"figure": "penalties_by_violation"}).content
            )
        )
        cells = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        first = next(row for row in cells if row and row[1] == 2)
        assert first[4] == 40000.0 and first[5] == 2000.0 and first[6] == 1
        assert book.worksheets[0].cell(row=cells.index(first) + 1, column=5).number_format == "#,##0.00"
        book = load_workbook(
            io.BytesIO(
                client.get("/dashboard/export.xlsx", params | {"figure": "remote_verification"}).content
            )
        )
        cells = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        assert any(row[1] == pytest.approx(0.778) for row in cells if row and len(row) > 1)
