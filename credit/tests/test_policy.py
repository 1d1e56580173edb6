"""Every seeded cell of the credit-measure list (seed 003, plus item 0 from seed 000), pinned through
the resolvers and through the API. The expectations are written out here, not read from the seed."""

import datetime as dt

import pytest

from core.exceptions import DomainError
from credit.models import Measure, PolicyVersion
from credit.selectors import (
    daily_supervision,
    fine_position,
    policy_on,
    policy_resolve,
    self_inspection_verification,
)

G, T, D, S = "good", "trustworthy", "dishonest", "seriously_dishonest"
TIERS = (G, T, D, S)
KINDS = ("new", "licensed_change", "registration_change", "renewal", "reissue")
VIOLATIONS = (
    "false_materials",
    "deception_bribery",
    "licence_misuse",
    "unlicensed_work",
    "major_accident",
    "registration_not_filed",
    "contracting_unlicensed",
    "grid_not_reporting",
)

FIELDS = (
    "time_limit_days",
    "same_day",
    "tolerant_allowed",
    "personnel_gap_max",
    "equipment_gap_max",
    "site_inspection",
    "materials_exempt",
    "lost_notice_required",
    "commitment_allowed",
)


def row(limit, same_day, tolerant, personnel, equipment, site, materials, lost_notice, commitment):
    return dict(
        zip(
            FIELDS,
            (limit, same_day, tolerant, personnel, equipment, site, materials, lost_notice, commitment),
            strict=True,
        )
    )


NEW_OR_LICENSED_CHANGE = {
    G: row(15, False, True, 40, 30, "as_needed", False, False, True),
    T: row(20, False, True, 30, 20, "as_needed", False, False, True),
    D: row(20, False, False, None, None, "mandatory", False, False, False),
    S: row(20, False, False, None, None, "mandatory", False, False, False),
}
# What each application kind gets by tier (SPEC §4 table; seed 003 items 1–4; seed 000 二(二)).
RESOLVED = {
    "new": NEW_OR_LICENSED_CHANGE,
    "licensed_change": NEW_OR_LICENSED_CHANGE,
    "registration_change": {
        G: row(10, False, False, None, None, "as_needed", False, False, False),
        T: row(10, False, False, None, None, "as_needed", False, False, False),
        D: row(15, False, False, None, None, "as_needed", False, False, False),
        S: row(15, False, False, None, None, "as_needed", False, False, False),
    },
    "renewal": {
        G: row(10, False, True, 40, 30, "exempt", True, False, True),
        T: row(20, False, False, None, None, "as_needed", False, False, True),
        D: row(20, False, False, None, None, "mandatory", False, False, False),
        S: row(20, False, False, None, None, "mandatory", False, False, False),
    },
    "reissue": {
        G: row(0, True, False, None, None, "as_needed", False, False, False),
        T: row(5, False, False, None, None, "as_needed", False, False, False),
        D: row(20, False, False, None, None, "as_needed", False, True, False),
        S: row(20, False, False, None, None, "as_needed", False, True, False),
    },
}
# Reduced limits marked 容缺受理的除外 fall back to the statutory 20 when tolerant-accepted.
TOLERANT_LIMITS = {
    ("new", G): 20,
    ("licensed_change", G): 20,
    ("renewal", G): 20,
    ("registration_change", G): 10,
    ("reissue", G): 0,
    ("reissue", T): 5,
}

ALL_CASES = [(kind, tier) for kind in KINDS for tier in TIERS]


def _cells():
    """Every seeded cell: (item, scope, violation, tier) → the values that cell sets."""
    cells = {}
    for scope in ("new", "licensed_change", "renewal"):
        for tier in TIERS:
            cells[(0, scope, "", tier)] = {"commitment_allowed": tier in (G, T)}
    cells[(1, "renewal", "", G)] = {"materials_exempt": True}
    for tier in (T, D, S):
        cells[(1, "renewal", "", tier)] = {"materials_exempt": False}
    for tier in TIERS:
        cells[(1, "reissue", "", tier)] = {"lost_notice_required": tier in (D, S)}
    for scope in ("new", "licensed_change"):
        cells[(2, scope, "", G)] = {
            "tolerant_allowed": True,
            "personnel_gap_max": 40,
            "equipment_gap_max": 30,
        }
        cells[(2, scope, "", T)] = {
            "tolerant_allowed": True,
            "personnel_gap_max": 30,
            "equipment_gap_max": 20,
        }
        cells[(2, scope, "", D)] = cells[(2, scope, "", S)] = {"tolerant_allowed": False}
        cells[(3, scope, "", G)] = cells[(3, scope, "", T)] = {"site_inspection": "as_needed"}
        cells[(3, scope, "", D)] = cells[(3, scope, "", S)] = {"site_inspection": "mandatory"}
        cells[(4, scope, "", G)] = {
            "time_limit_days": 15,
            "same_day": False,
            "limit_applies_to_tolerant": False,
        }
        for tier in (T, D, S):
            cells[(4, scope, "", tier)] = {"time_limit_days": 20, "same_day": False}
    cells[(2, "renewal", "", G)] = {
        "tolerant_allowed": True,
        "personnel_gap_max": 40,
        "equipment_gap_max": 30,
    }
    for tier in (T, D, S):
        cells[(2, "renewal", "", tier)] = {"tolerant_allowed": False}
    cells[(3, "renewal", "", G)] = {"site_inspection": "exempt"}
    cells[(3, "renewal", "", T)] = {"site_inspection": "as_needed"}
    cells[(3, "renewal", "", D)] = cells[(3, "renewal", "", S)] = {"site_inspection": "mandatory"}
    cells[(4, "renewal", "", G)] = {
        "time_limit_days": 10,
        "same_day": False,
        "limit_applies_to_tolerant": False,
    }
    for tier in (T, D, S):
        cells[(4, "renewal", "", tier)] = {"time_limit_days": 20, "same_day": False}
    for tier, days in ((G, 10), (T, 10), (D, 15), (S, 15)):
        cells[(4, "registration_change", "", tier)] = {"time_limit_days": days, "same_day": False}
    cells[(4, "reissue", "", G)] = {"time_limit_days": 0, "same_day": True}
    cells[(4, "reissue", "", T)] = {"time_limit_days": 5, "same_day": False}
    cells[(4, "reissue", "", D)] = cells[(4, "reissue", "", S)] = {"time_limit_days": None, "same_day": False}
    for item, violation in enumerate(VIOLATIONS, start=5):
        for tier, position in ((G, "lower"), (T, "within"), (D, "upper"), (S, "upper")):
            cells[(item, "penalty", violation, tier)] = {"fine_position": position}
    cells[(13, "daily", "", G)] = {
        "selection_probability_change": -20,
        "inspection_manner": "off_site",
        "always_selected": False,
    }
    cells[(13, "daily", "", T)] = {
        "selection_probability_change": 0,
        "inspection_manner": "either",
        "always_selected": False,
    }
    cells[(13, "daily", "", D)] = {
        "selection_probability_change": 20,
        "inspection_manner": "on_site",
        "always_selected": False,
    }
    cells[(13, "daily", "", S)] = {
        "selection_probability_change": None,
        "inspection_manner": "on_site",
        "always_selected": True,
    }
    for tier, verification in ((G, "none"), (T, "spot_check"), (D, "key"), (S, "key")):
        cells[(14, "annual", "", tier)] = {"self_inspection_verification": verification}
    return cells


CELLS = _cells()


class TestSeededPolicy:
    def test_exactly_the_seeded_cells(self, db):
        policy = policy_on(dt.date(2026, 6, 1))
        stored = {(m.item, m.scope, m.violation, m.tier) for m in Measure.objects.filter(policy=policy)}
        assert stored == set(CELLS)
        assert len(CELLS) == 104  # 54 published measures spread over the tier columns, plus item 0

    def test_the_54_measures_of_seed_003(self, db):
        """Seed 003 counts a measure once per merged cell: new + licensed change share rows."""

        def row_group(m):
            if m.violation:
                return m.violation
            return "new+licensed_change" if m.scope in ("new", "licensed_change") else m.scope

        measures = Measure.objects.filter(policy=policy_on(dt.date(2026, 6, 1)), item__gte=1)
        assert len({(m.item, row_group(m), m.text) for m in measures}) == 54
        assert {m.item for m in measures} == set(range(1, 15))

    @pytest.mark.parametrize("key", sorted(CELLS, key=str), ids=lambda k: "-".join(map(str, k)))
    def test_cell_values(self, db, key):
        item, scope, violation, tier = key
        cell = Measure.objects.get(
            policy=policy_on(dt.date(2026, 6, 1)), item=item, scope=scope, violation=violation, tier=tier
        )
        for name, value in CELLS[key].items():
            assert getattr(cell, name) == value, name
        assert cell.text


class TestResolver:
    @pytest.mark.parametrize("kind, tier", ALL_CASES)
    def test_application_measures(self, db, kind, tier):
        resolved = policy_resolve(kind, tier, dt.date(2026, 6, 1))
        assert resolved.as_api() == {**RESOLVED[kind][tier], "policy_version": "CSL-2020"}

    @pytest.mark.parametrize("kind, tier", ALL_CASES)
    def test_tolerant_mode(self, db, kind, tier):
        resolved = policy_resolve(kind, tier, dt.date(2026, 6, 1), tolerant=True)
        expected = TOLERANT_LIMITS.get((kind, tier), RESOLVED[kind][tier]["time_limit_days"])
        assert resolved.time_limit_days == expected

    def test_texts_quote_the_seed(self, db):
        assert "15日" in policy_resolve("new", G, dt.date(2026, 6, 1)).texts[4]
        assert "受理当日" in policy_resolve("reissue", G, dt.date(2026, 6, 1)).texts[4]
        assert "不适用告知承诺制" in policy_resolve("renewal", S, dt.date(2026, 6, 1)).texts[0]

    @pytest.mark.parametrize("violation", VIOLATIONS)
    @pytest.mark.parametrize("tier, position", [(G, "lower"), (T, "within"), (D, "upper"), (S, "upper")])
    def test_fine_position(self, db, violation, tier, position):
        assert fine_position(violation, tier, dt.date(2026, 6, 1)) == (position, "CSL-2020")

    @pytest.mark.parametrize("tier", TIERS)
    def test_daily_supervision(self, db, tier):
        cell = daily_supervision(tier, dt.date(2026, 6, 1))
        for name, value in CELLS[(13, "daily", "", tier)].items():
            assert getattr(cell, name) == value

    @pytest.mark.parametrize("tier, expected", [(G, "none"), (T, "spot_check"), (D, "key"), (S, "key")])
    def test_self_inspection(self, db, tier, expected):
        assert self_inspection_verification(tier, dt.date(2026, 6, 1)) == expected

    def test_unknown_tier_and_missing_policy(self, db):
        with pytest.raises(DomainError):
            policy_resolve("new", "excellent")
        with pytest.raises(DomainError) as exc:
            policy_resolve("new", G, dt.date(2019, 12, 31))
        assert exc.value.code == "no_policy"
        with pytest.raises(DomainError):
            fine_position("no_such_violation", G)


class TestVersions:
    def test_a_later_edition_applies_from_its_date(self, db, admin_user):
        from credit.services import policy_version_copy

        current = PolicyVersion.objects.get(code="CSL-2020")
        new = policy_version_copy(
            source=current, code="CSL-2030", title="", effective_from=dt.date(2030, 1, 1), actor=admin_user
        )
        Measure.objects.filter(policy=new, item=4, scope="new", tier=G).update(time_limit_days=12)
        current.refresh_from_db()
        assert current.effective_to == dt.date(2029, 12, 31)
        assert new.measures.count() == 104
        assert policy_resolve("new", G, dt.date(2029, 12, 31)).time_limit_days == 15
        later = policy_resolve("new", G, dt.date(2030, 1, 1))
        assert (later.time_limit_days, later.policy_version) == (12, "CSL-2030")

    def test_copy_must_start_in_the_future(self, db, admin_user):
        from credit.services import policy_version_copy

        with pytest.raises(DomainError):
            policy_version_copy(
                source=PolicyVersion.objects.get(),
                code="PAST",
                title="",
                effective_from=dt.date(2021, 1, 1),
                actor=admin_user,
            )
        assert PolicyVersion.objects.count() == 1

    def test_overlap_refused(self, db):
        from django.core.exceptions import ValidationError

        clash = PolicyVersion(code="X", title="x", effective_from=dt.date(2027, 1, 1))
        with pytest.raises(ValidationError) as exc:
            clash.full_clean()
        assert "CSL-2020" in str(exc.value)


class TestResolveApi:
    URL = "/api/v1/credit/policy/resolve/"

    @pytest.mark.parametrize("kind, tier", ALL_CASES)
    def test_every_kind_and_tier(self, api, db, kind, tier):
        response = api.get(self.URL, {"kind": kind, "tier": tier, "on": "2026-06-01"})
        assert response.status_code == 200
        assert response.json() == {**RESOLVED[kind][tier], "policy_version": "CSL-2020"}

    def test_tolerant_mode(self, api, db):
        response = api.get(self.URL, {"kind": "new", "tier": G, "mode": "tolerant"})
        assert response.json()["time_limit_days"] == 20

    def test_no_login_needed_and_default_date(self, api, db):
        assert api.get(self.URL, {"kind": "renewal", "tier": G}).json()["site_inspection"] == "exempt"

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"kind": "cancel", "tier": G}, "kind"),
            ({"kind": "new", "tier": "excellent"}, "tier"),
            ({"kind": "new", "tier": G, "on": "2026-02-30"}, "on"),
            ({"kind": "new", "tier": G, "mode": "lenient"}, "mode"),
            ({"tier": G}, "kind"),
            ({"kind": "new"}, "tier"),
        ],
    )
    def test_bad_input_is_400_with_field_errors(self, api, db, params, field):
        response = api.get(self.URL, params)
        assert response.status_code == 400
        assert field in response.json()

    def test_date_without_policy_is_400(self, api, db):
        response = api.get(self.URL, {"kind": "new", "tier": G, "on": "2019-01-01"})
        assert response.status_code == 400
        assert response.json()["code"] == "no_policy"


class TestMeasuresApi:
    URL = "/api/v1/credit/policy/measures/"

    def test_every_cell_through_the_api(self, api, db, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = api.get(self.URL, {"on": "2026-06-01", "page_size": 200})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 104
        served = {(m["item"], m["scope"], m["violation"], m["tier"]): m for m in body["results"]}
        assert set(served) == set(CELLS)
        for key, values in CELLS.items():
            for name, value in values.items():
                assert served[key][name] == value, (key, name)
            assert served[key]["policy_version"] == "CSL-2020"

    def test_filter_by_tier_and_item(self, api, db):
        body = api.get(self.URL, {"tier": S, "item": 13}).json()
        assert body["count"] == 1 and body["results"][0]["always_selected"] is True

    def test_bad_filters(self, api, db):
        assert api.get(self.URL, {"item": 15}).status_code == 400
        assert api.get(self.URL, {"on": "tomorrow"}).status_code == 400


def test_openapi_documents_the_credit_api(api, db):
    schema = api.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/credit/policy/resolve/",
        "/api/v1/credit/policy/measures/",
        "/api/v1/credit/records/",
        "/api/v1/credit/enterprises/{id}/tier/",
        "/api/v1/credit/requests/new/",
        "/api/v1/credit/requests/{id}/grant/",
        "/api/v1/credit/dishonest-list/",
    ):
        assert path in schema
