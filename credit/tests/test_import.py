"""The credit-platform adapter: CSV / Excel exports in the admin, idempotent on source + reference."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit import services
from credit.models import CreditRecord, EnterpriseCredit
from credit.platform import PLATFORM_SOURCE, FileFeed

HEADER = "统一社会信用代码,类别,等级,标题,说明,来源编号,日期,有效期至,是否公示,公示截止\n"


def csv_bytes(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture
def rows(enterprise, other_enterprise):
    return [
        f"{enterprise.credit_code},失信行为,严重,提供虚假材料,,XY-001,2026-03-01,,是,",
        f"{enterprise.credit_code},行政检查,,抽查未发现问题,,XY-002,2026/04/01,,否,",
        f"{other_enterprise.credit_code},表彰,,安全生产先进单位,,XY-003,2026-05-01,2027-04-30,否,",
    ]


class TestFileImport:
    def test_csv_import_is_idempotent(self, enterprise, other_enterprise, rows, admin_user):
        feed = FileFeed("export.csv", csv_bytes(*rows))
        report = services.credit_records_import(rows=feed.rows(), source=PLATFORM_SOURCE, actor=admin_user)
        assert report.ok and len(report.created) == 3 and report.existing == 0
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "seriously_dishonest"
        assert EnterpriseCredit.objects.get(enterprise=other_enterprise).tier == "good"
        severe = CreditRecord.objects.get(source_ref="XY-001")
        assert severe.published and severe.publish_until is not None
        again = services.credit_records_import(rows=feed.rows(), source=PLATFORM_SOURCE, actor=admin_user)
        assert again.ok and again.created == [] and again.existing == 3
        assert CreditRecord.objects.count() == 3

    def test_one_bad_row_refuses_the_whole_file(self, enterprise, rows):
        bad = [
            *rows,
            f"{enterprise.credit_code},失信行为,特别严重,x,,XY-004,2026-03-01,,是,",
            f"{enterprise.credit_code},传言,,x,,XY-005,2026-13-01,,也许,",
            "91440101MA0000000X,失信行为,轻微,x,,XY-006,2026-03-01,,否,",
            f"{enterprise.credit_code},失信行为,轻微,,,XY-007,2026-03-01,,否,",
            f"{enterprise.credit_code},失信行为,轻微,x,,XY-001,2026-03-01,,否,",
        ]
        report = services.credit_records_import(rows=FileFeed("e.csv", csv_bytes(*bad)).rows(), source="p")
        assert not report.ok
        text = "\n".join(report.errors)
        for expected in ("第5行", "第6行", "第7行", "第8行", "第9行"):
            assert expected in text
        assert not CreditRecord.objects.exists()

    def test_rule_broken_by_a_row_rolls_everything_back(self, enterprise, rows):
        too_long = f"{enterprise.credit_code},失信行为,轻微,x,,XY-009,2026-03-01,,是,2027-03-01"
        report = services.credit_records_import(
            rows=FileFeed("e.csv", csv_bytes(*rows, too_long)).rows(), source="p"
        )
        assert not report.ok and "第5行" in report.errors[0]
        assert not CreditRecord.objects.exists() and not EnterpriseCredit.objects.exists()

    def test_unregistered_enterprise_skipped_and_reported(self, enterprise):
        from accounts.credit_code import make_code

        stranger = make_code("91110000MA0099999")
        report = services.credit_records_import(
            rows=FileFeed("e.csv", csv_bytes(f"{stranger},失信行为,轻微,x,,Z-1,2026-03-01,,否,")).rows(),
            source="p",
        )
        assert report.ok and report.created == [] and report.unknown_enterprises == [f"2: {stranger}"]

    def test_xlsx(self, enterprise):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["credit_code", "category", "grade", "title", "source_ref", "occurred_on", "published"])
        sheet.append([enterprise.credit_code, "penalty", "serious", "罚款", 20260001, "2026-02-03", "yes"])
        buffer = io.BytesIO()
        book.save(buffer)
        report = services.credit_records_import(
            rows=FileFeed("export.xlsx", buffer.getvalue()).rows(), source=PLATFORM_SOURCE
        )
        assert report.ok
        record = CreditRecord.objects.get()
        assert (record.source_ref, record.category, record.grade) == ("20260001", "penalty", "serious")

    def test_unreadable_files(self):
        with pytest.raises(ValueError):
            FileFeed("export.pdf", b"%PDF").rows()
        with pytest.raises(ValueError):
            FileFeed("export.xlsx", b"not a zip").rows()
        with pytest.raises(ValueError):
            FileFeed("export.csv", "标题".encode("gbk")).rows()


class TestAdminImport:
    URL = "/admin/credit/creditrecord/import/"

    def test_upload(self, client, admin_user, rows):
        client.force_login(admin_user)
        assert client.get("/admin/credit/creditrecord/").status_code == 200
        response = client.post(self.URL, {"file": SimpleUploadedFile("export.csv", csv_bytes(*rows))})
        assert response.status_code == 200
        assert CreditRecord.objects.count() == 3
        response = client.post(self.URL, {"file": SimpleUploadedFile("export.csv", csv_bytes("x,y"))})
        assert response.status_code == 200 and CreditRecord.objects.count() == 3
        assert "第2行" in response.content.decode()

    def test_not_for_others(self, client, officer):
        client.force_login(officer)
        assert client.get(self.URL).status_code in (302, 403)


class TestLiveFeed:
    def test_task_uses_the_configured_feed(self, settings, enterprise):
        from credit.tasks import platform_sync

        settings.CREDIT_PLATFORM_FEED = "credit.tests.test_import.StubFeed"
        StubFeed.code = enterprise.credit_code
        assert platform_sync.delay().get() == 1
        assert platform_sync.delay().get() == 0
        assert CreditRecord.objects.get().source == PLATFORM_SOURCE

    def test_task_is_a_no_op_without_a_feed(self, db):
        from credit.tasks import platform_sync

        assert platform_sync.delay().get() == 0


class StubFeed:
    source = PLATFORM_SOURCE
    code = ""

    def rows(self):
        return [
            {
                "credit_code": self.code,
                "category": "dishonest",
                "grade": "minor",
                "title": "逾期报送",
                "source_ref": "LIVE-1",
                "occurred_on": "2026-03-01",
            }
        ]
