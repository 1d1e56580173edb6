"""Pages: who sees what, filters, Excel exports, actions, query counts; the inbox."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Notification
from supervision import scan, services
from supervision.models import CommitmentCheck, LicenceWarning, RectificationOrder
from tests.factories import EnterpriseFactory, LicenceFactory, staff_enterprise

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def warnings_nf(enterprise, other_enterprise, officer):
    staff_enterprise(enterprise, personnel_shortfall={"professional": 1})
    staff_enterprise(other_enterprise)
    LicenceFactory(enterprise=enterprise)
    LicenceFactory(enterprise=other_enterprise, valid_until=TODAY + dt.timedelta(days=40))
    scan.scan_run(on=TODAY)
    return LicenceWarning.objects.filter(agency__code="NF")


@pytest.fixture
def far_warning(far_enterprise):
    LicenceFactory(enterprise=far_enterprise)
    scan.scan_run(on=TODAY)
    return LicenceWarning.objects.filter(enterprise=far_enterprise).first()


def xlsx_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/supervision/",
        "/supervision/warnings/",
        "/supervision/orders/",
        "/supervision/checks/",
        "/supervision/scans/",
        "/supervision/revocation-candidates/",
    ],
)
def test_staff_pages_refuse_enterprise_users(client, enterprise_user, path):
    client.force_login(enterprise_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("who", ["officer", "approver", "supervisor", "nea_supervisor", "admin_user"])
def test_home_renders_for_staff(client, request, who, warnings_nf):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/supervision/")
    assert response.status_code == 200
    assert "许可条件保持预警" in response.content.decode() or "预警" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/supervision/warnings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_officer_sees_only_the_agency_warnings(client, officer, warnings_nf, far_warning):
    client.force_login(officer)
    html = client.get("/supervision/warnings/").content.decode()
    for warning in warnings_nf:
        assert warning.licence.number in html
    assert far_warning.licence.number not in html
    assert client.get(f"/supervision/warnings/{far_warning.pk}/").status_code == 404


def test_other_agency_officer_gets_404_on_details(client, far_officer, warnings_nf, officer):
    warning = warnings_nf.filter(type=LicenceWarning.Type.PERSONNEL_SHORTFALL).get()
    order = services.warning_order_rectification(
        warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=9)
    )
    check = CommitmentCheck.objects.create(
        licence=warning.licence,
        enterprise=warning.enterprise,
        agency=warning.agency,
        decided_on=TODAY,
        due_on=TODAY + dt.timedelta(days=180),
    )
    client.force_login(far_officer)
    for path in (
        f"/supervision/warnings/{warning.pk}/",
        f"/supervision/orders/{order.pk}/",
        f"/supervision/checks/{check.pk}/",
    ):
        assert client.get(path).status_code == 404
    response = client.post(
        f"/supervision/warnings/{warning.pk}/", {"action": "order", "deadline": "2099-01-01"}
    )
    assert response.status_code == 404


def test_enterprise_sees_only_its_own(client, enterprise_user, other_enterprise_user, warnings_nf, officer):
    mine = warnings_nf.get(enterprise=enterprise_user.enterprise)
    theirs = warnings_nf.get(enterprise=other_enterprise_user.enterprise)
    client.force_login(enterprise_user)
    html = client.get("/supervision/mine/").content.decode()
    assert mine.licence.number in html and theirs.licence.number not in html
    assert client.get(f"/supervision/warnings/{mine.pk}/").status_code == 200
    assert client.get(f"/supervision/warnings/{theirs.pk}/").status_code == 404
    # an enterprise cannot act on a warning
    assert client.post(f"/supervision/warnings/{mine.pk}/", {"action": "recheck"}).status_code == 404


# --- lists, filters, exports, query counts -----------------------------------------------------------


def test_warning_filters(client, officer, warnings_nf):
    client.force_login(officer)
    html = client.get("/supervision/warnings/?type=expiring").content.decode()
    expiring = warnings_nf.get(type="expiring")
    shortfall = warnings_nf.get(type="personnel_shortfall")
    assert expiring.licence.number in html and shortfall.licence.number not in html
    html = client.get("/supervision/warnings/?due=30").content.decode()
    assert shortfall.licence.number in html and expiring.licence.number not in html
    html = client.get(
        f"/supervision/warnings/?province=44&category=install&q={shortfall.enterprise.name}"
    ).content.decode()
    assert shortfall.licence.number in html and expiring.licence.number not in html
    html = client.get("/supervision/warnings/?tier=seriously_dishonest").content.decode()
    assert shortfall.licence.number not in html
    assert client.get("/supervision/warnings/?type=nonsense").status_code == 200  # shown as a form error


def test_warning_export(client, officer, warnings_nf):
    client.force_login(officer)
    rows = xlsx_rows(client.get("/supervision/warnings/?export=xlsx"))
    assert rows[0][:3] == ("编号", "类型", "状态")
    assert {r[6] for r in rows[1:]} == set(warnings_nf.values_list("licence__number", flat=True))
    rows = xlsx_rows(client.get("/supervision/warnings/?type=expiring&export=xlsx"))
    assert len(rows) == 2


def test_orders_and_checks_export(client, officer, warnings_nf):
    warning = warnings_nf.get(type="personnel_shortfall")
    services.warning_order_rectification(
        warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=9)
    )
    CommitmentCheck.objects.create(
        licence=warning.licence,
        enterprise=warning.enterprise,
        agency=warning.agency,
        decided_on=TODAY,
        due_on=TODAY + dt.timedelta(days=180),
    )
    client.force_login(officer)
    orders = xlsx_rows(client.get("/supervision/orders/?export=xlsx"))
    assert len(orders) == 2 and orders[1][0].startswith("NF-ZG-")
    checks = xlsx_rows(client.get("/supervision/checks/?export=xlsx"))
    assert len(checks) == 2 and checks[1][5] == warning.licence.number


def _many_warnings(n):
    for _ in range(n):
        enterprise = EnterpriseFactory()
        LicenceFactory(enterprise=enterprise, valid_until=TODAY + dt.timedelta(days=20))
    scan.scan_run(on=TODAY)


@pytest.mark.parametrize(
    "path",
    [
        "/supervision/warnings/",
        "/supervision/orders/?state=all",
        "/supervision/checks/",
        "/supervision/",
        "/supervision/scans/",
    ],
)
def test_list_pages_have_a_bounded_number_of_queries(client, officer, path, django_assert_max_num_queries):
    _many_warnings(3)
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        assert client.get(path).status_code == 200
    _many_warnings(12)
    for warning in LicenceWarning.objects.filter(type="roster_missing")[:6]:
        order = services.warning_order_rectification(
            warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=9)
        )
        CommitmentCheck.objects.create(
            licence=order.licence,
            enterprise=order.enterprise,
            agency=order.agency,
            decided_on=TODAY,
            due_on=TODAY + dt.timedelta(days=180),
        )
    with django_assert_max_num_queries(14):
        assert client.get(path).status_code == 200


def test_mine_page_queries_are_bounded(
    client, enterprise, enterprise_user, officer, django_assert_max_num_queries
):
    for _ in range(5):
        LicenceFactory(enterprise=enterprise)
    scan.scan_run(on=TODAY)
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(10):
        assert client.get("/supervision/mine/").status_code == 200


# --- actions -----------------------------------------------------------------------------------------


def test_order_answer_verify_through_the_pages(client, officer, enterprise_user, warnings_nf):
    warning = warnings_nf.get(type="personnel_shortfall")
    client.force_login(officer)
    response = client.post(
        f"/supervision/warnings/{warning.pk}/", {"action": "order", "deadline": TODAY.isoformat()}
    )
    assert response.status_code == 200 and not RectificationOrder.objects.exists()  # deadline not after today
    deadline = (TODAY + dt.timedelta(days=15)).isoformat()
    response = client.post(
        f"/supervision/warnings/{warning.pk}/",
        {"action": "order", "deadline": deadline, "findings": "补足专业技术人员"},
    )
    order = RectificationOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/orders/{order.pk}/"
    assert order.findings == "补足专业技术人员"

    client.force_login(enterprise_user)
    bad = SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        f"/supervision/orders/{order.pk}/", {"action": "answer", "answer": "已补充", "files": [bad]}
    )
    assert response.status_code == 200 and "PDF" in response.content.decode()
    assert RectificationOrder.objects.get(pk=order.pk).state == "issued"
    good = SimpleUploadedFile("社保证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/supervision/orders/{order.pk}/",
        {"action": "answer", "answer": "已补充一名工程师", "files": [good]},
    )
    assert response.status_code == 302
    order = RectificationOrder.objects.get(pk=order.pk)
    assert order.state == "answered"
    evidence = order.evidence.get()
    download = client.get(f"/supervision/orders/{order.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    client.force_login(officer)
    response = client.post(
        f"/supervision/orders/{order.pk}/", {"action": "verify", "accepted": "1", "note": "社保记录核实"}
    )
    assert response.status_code == 302
    assert RectificationOrder.objects.get(pk=order.pk).state == "resolved"


def test_enterprise_cannot_verify_and_officer_cannot_answer(client, officer, enterprise_user, warnings_nf):
    warning = warnings_nf.get(type="personnel_shortfall")
    order = services.warning_order_rectification(
        warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=9)
    )
    client.force_login(enterprise_user)
    assert (
        client.post(
            f"/supervision/orders/{order.pk}/", {"action": "verify", "accepted": "1", "note": "x"}
        ).status_code
        == 404
    )
    client.force_login(officer)
    assert (
        client.post(f"/supervision/orders/{order.pk}/", {"action": "answer", "answer": "x"}).status_code
        == 404
    )
    assert RectificationOrder.objects.get(pk=order.pk).state == "issued"


def test_revoke_from_the_order_page(client, officer, warnings_nf):
    warning = warnings_nf.get(type="personnel_shortfall")
    order = services.warning_order_rectification(
        warning=warning, officer=officer, deadline=TODAY + dt.timedelta(days=2)
    )
    services.rectification_escalate_overdue(order.pk, order.deadline + dt.timedelta(days=1))
    client.force_login(officer)
    html = client.get("/supervision/revocation-candidates/").content.decode()
    assert order.number in html
    response = client.post(f"/supervision/orders/{order.pk}/", {"action": "revoke", "reason": "逾期未整改"})
    assert response.status_code == 302
    warning.licence.refresh_from_db(fields=["status_reason"])
    from licensing.models import Licence

    assert Licence.objects.get(pk=warning.licence_id).status == "revoked"


def test_record_a_check_through_the_page(client, officer, enterprise):
    staff_enterprise(enterprise)
    licence = LicenceFactory(
        enterprise=enterprise, obtained_via="commitment", issued_on=TODAY - dt.timedelta(days=10)
    )
    check = services.commitment_check_ensure(licence)
    client.force_login(officer)
    page = client.get(f"/supervision/checks/{check.pk}/").content.decode()
    assert "row-0-item" in page
    data = {
        "row-TOTAL_FORMS": "2",
        "row-INITIAL_FORMS": "0",
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "60",
        "row-0-item": "技术负责人",
        "row-0-committed": "≥ 1",
        "row-0-found": "1",
        "row-0-matches": "on",
        "row-1-item": "技术工人",
        "row-1-committed": "≥ 15",
        "row-1-found": "9",
        "method": "video",
        "outcome": "inconsistent",
        "note": "技术工人不足",
    }
    response = client.post(f"/supervision/checks/{check.pk}/", data)
    assert (
        response.status_code == 200 and CommitmentCheck.objects.get(pk=check.pk).state == "due"
    )  # deadline missing
    data["deadline"] = (TODAY + dt.timedelta(days=30)).isoformat()
    response = client.post(f"/supervision/checks/{check.pk}/", data)
    assert response.status_code == 302
    check = CommitmentCheck.objects.get(pk=check.pk)
    assert check.state == "rectifying" and check.comparison[1] == {
        "item": "技术工人",
        "committed": "≥ 15",
        "found": "9",
        "matches": False,
    }
    html = client.get("/supervision/checks/").content.decode()
    assert licence.number in html and "覆盖率" in html


def test_scan_start_is_for_administrators(client, officer, admin_user, db):
    LicenceFactory()
    client.force_login(officer)
    assert client.post("/supervision/scans/start/").status_code == 403
    client.force_login(admin_user)
    response = client.post("/supervision/scans/start/")
    assert response.status_code == 302
    from supervision.models import ScanRun

    assert ScanRun.objects.get().status == "completed"  # eager in tests


# --- inbox ---------------------------------------------------------------------------------------------


def test_inbox_lists_marks_read_and_opens(client, enterprise_user, other_enterprise_user):
    from core.notify import notify_users

    own = notify_users([enterprise_user], title="整改通知", body="请于期限内整改", link="/supervision/mine/")[
        0
    ]
    external = notify_users([enterprise_user], title="外部链接", link="https://evil.example.com/")[0]
    foreign = notify_users([other_enterprise_user], title="别人的通知")[0]
    client.force_login(enterprise_user)
    html = client.get("/inbox/").content.decode()
    assert "整改通知" in html and "别人的通知" not in html
    assert 'data-testid="inbox-badge">2' in client.get("/inbox/badge/").content.decode()
    response = client.get(f"/inbox/{own.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/supervision/mine/"
    assert client.get(f"/inbox/{external.pk}/open/")["Location"] == "/inbox/"
    assert client.get(f"/inbox/{foreign.pk}/open/").status_code == 404
    client.post("/inbox/read/", {"id": [str(foreign.pk)]})
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    client.post("/inbox/read/")
    assert not Notification.objects.filter(user=enterprise_user, read_at__isnull=True).exists()
    assert "inbox-badge" not in client.get("/inbox/badge/").content.decode()
    assert client.get("/inbox/read/").status_code == 405


def test_navbar_links_the_inbox(client, officer):
    client.force_login(officer)
    html = client.get("/supervision/").content.decode()
    assert 'href="/inbox/"' in html and 'hx-get="/inbox/badge/"' in html
