"""The public disclosure site (no login): what is published, for how long, and no personal data."""

import datetime as dt

from django.utils import timezone

from credit.models import CreditRequest
from licensing.models import Application
from oversight import public
from oversight.models import DisclosureRule
from oversight.tests.conftest import D, Flow


def html(response) -> str:
    return response.content.decode()


def test_landing_links_every_section(client):
    page = html(client.get("/public/disclosure/"))
    for key, url in [
        ("licence_register", "/public/"),
        ("licensing_decisions", "/public/decisions/"),
        ("commitment_letters", "/public/commitments/"),
        ("dishonest_list", "/credit/public/dishonest/"),
        ("random_inspection_results", "/public/inspections/"),
        ("penalty_decisions", "/penalties/public/"),
    ]:
        assert f'data-testid="section-{key}"' in page and f'href="{url}"' in page


def test_anonymous_navigation_leads_to_the_disclosure_site(client):
    page = html(client.get("/public/"))
    assert 'href="/public/disclosure/"' in page
    assert client.get("/public/").status_code == 200  # the licence register keeps working


def test_a_section_of_an_app_merged_later_appears_when_registered(client):
    public.register_section(
        public.PublicSection("later_section", "后续公开栏目", "disclosure:decisions", 70, "说明")
    )
    try:
        assert 'data-testid="section-later_section"' in html(client.get("/public/disclosure/"))
        public.register_section(public.PublicSection("missing", "不存在", "no-such:url", 80))
        assert 'data-testid="section-missing"' not in html(client.get("/public/disclosure/"))
    finally:
        public._SECTIONS.pop("later_section")
        public._SECTIONS.pop("missing", None)


class TestDecisions:
    def test_decisions_only_without_personal_data(self, client, dataset, enterprise_user, officer, approver):
        today = timezone.localdate()
        withdrawn = Flow(enterprise_user, scopes=(("repair", "3"),)).submit(today)
        withdrawn.s.application_withdraw(application=withdrawn.app, actor=enterprise_user, reason="不再申请")
        page = html(client.get("/public/decisions/"))
        for key in ("N1", "N2", "N3", "N4", "P1", "P2", "H1", "H2"):
            assert f'data-testid="decision-{dataset[key].number}"' in page, key
        for app in (dataset["N5"], dataset["P3"], withdrawn.app):
            assert f"decision-{app.number}" not in page
        enterprise = enterprise_user.enterprise
        for private in (
            enterprise.legal_representative,
            enterprise.contact_phone,
            officer.username,
            approver.username,
            dataset["N1"].contact_phone,
            "审查意见",
        ):
            assert private not in page
        assert enterprise.credit_code in page and enterprise.name in page

    def test_filters(self, client, dataset, agency_hb):
        page = html(client.get("/public/decisions/", {"agency": agency_hb.pk}))
        assert f"decision-{dataset['H1'].number}" in page and f"decision-{dataset['N1'].number}" not in page
        page = html(client.get("/public/decisions/", {"outcome": "denied"}))
        assert f"decision-{dataset['N2'].number}" in page and f"decision-{dataset['N1'].number}" not in page
        page = html(client.get("/public/decisions/", {"kind": "registration_change"}))
        assert f"decision-{dataset['N3'].number}" in page and f"decision-{dataset['N1'].number}" not in page
        assert client.get("/public/decisions/", {"agency": "x", "kind": "<script>"}).status_code == 200

    def test_withdrawn_when_the_retention_ends(self, client, dataset):
        rule = DisclosureRule.objects.get(key="licensing_decisions")
        assert rule.retention_months == 36
        Application.objects.filter(pk=dataset["P1"].pk).update(
            decided_on=timezone.localdate() - dt.timedelta(days=3 * 366)
        )
        page = html(client.get("/public/decisions/"))
        assert f"decision-{dataset['P1'].number}" not in page and f"decision-{dataset['P2'].number}" in page
        DisclosureRule.objects.filter(pk=rule.pk).update(retention_months=1)
        assert f"decision-{dataset['P2'].number}" not in html(client.get("/public/decisions/"))

    def test_page_queries_do_not_grow(self, client, dataset, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            assert client.get("/public/decisions/").status_code == 200


class TestCommitmentLetters:
    def test_listed_with_their_page(self, client, dataset):
        letter = dataset["N1"]
        Application.objects.filter(pk=letter.pk).update(
            mode="commitment", commitment_signed_at=timezone.now()
        )
        page = html(client.get("/public/commitments/"))
        assert f'data-testid="commitment-{letter.number}"' in page
        assert f"commitment-{dataset['N4'].number}" not in page  # not a commitment application
        detail = client.get(f"/public/commitments/{letter.number}/")
        assert detail.status_code == 200 and 'data-testid="commitment-text"' in html(detail)
        assert letter.enterprise.legal_representative not in html(detail)
        assert client.get(f"/public/commitments/{dataset['N4'].number}/").status_code == 404
        assert client.get("/public/commitments/NOPE/").status_code == 404


def test_withdrawal_after_a_granted_repair(enterprise_user, officer):
    """The retention filter apps merged later use: a rule that withdraws on repair hides an entry whose
    credit record was repaired (here: credit requests standing in for penalty decisions)."""
    from credit import services as credit

    record = credit.credit_record_create(
        enterprise=enterprise_user.enterprise,
        category="penalty",
        grade="minor",
        title="行政处罚",
        occurred_on=timezone.localdate() - dt.timedelta(days=30),
        source="test",
    )
    request = credit.credit_request_file(
        kind="repair", record=record, user=enterprise_user, statement="已履行", commitment=True
    )
    credit.credit_request_accept(request=request, actor=officer)
    visible = CreditRequest.objects.filter(
        public.published_q("penalty_decisions", "accepted_on", credit_record_field="record")
    )
    assert list(visible) == [request]
    credit.credit_request_grant(request=request, actor=officer)
    assert not visible.all().exists()
    # a rule that does not withdraw on repair keeps it
    assert CreditRequest.objects.filter(
        public.published_q("licensing_decisions", "accepted_on", credit_record_field="record")
    ).exists()


def test_retention_start(db):
    assert public.retention_start("licensing_decisions", on=D(2026, 3, 31)) == D(2023, 4, 1)
