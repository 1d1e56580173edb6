"""What the 行政处罚事先告知书 and the 行政处罚决定书 need, for the documents app to render."""

import datetime as dt

from penalties import services
from penalties.selectors import decision_document_context, notice_document_context
from penalties.tests.helpers import investigate, notify, open_case
from tests.factories import LicenceFactory


def test_notice_context(notified_case):
    ctx = notice_document_context(notified_case)
    assert ctx["title"] == "行政处罚事先告知书" and ctx["case_number"] == notified_case.number
    assert ctx["agency"]["name"] == "南方能源监管局"
    party = notified_case.enterprise
    assert ctx["party"] == {
        "name": party.name,
        "credit_code": party.credit_code,
        "address": party.address,
        "legal_representative": party.legal_representative,
    }
    assert ctx["facts"] and [e["description"] for e in ctx["evidence"]] == ["询问笔录"]
    assert "第三十八条" in ctx["violation"]["penalty_provision"]
    assert ctx["discretion"]["tier_label"] == "守信" and "中间值" in ctx["discretion"]["reasoning"]
    assert ctx["fine_amount"] == 20000 and "警告" in ctx["outcomes"] and "罚款20,000.00元" in ctx["outcomes"]
    assert ctx["rights"]["statement_due"] == dt.date(2026, 3, 9) and "2026年3月9日" in ctx["rights"]["text"]
    assert ctx["date_cn"] == "2026年3月2日"


def test_decision_context(enterprise, enterprise_user, officer, approver):
    licence = LicenceFactory(enterprise=enterprise)
    case = notify(
        investigate(open_case(enterprise, officer, violation="deception_bribery", licence=licence), officer),
        officer,
    )
    services.statement_submit(
        case=case, actor=enterprise_user, text="请求从轻处罚", today=dt.date(2026, 3, 3)
    )
    case = services.case_decide(
        case=case, approver=approver, reason="陈述理由不成立。", today=dt.date(2026, 3, 10)
    )
    ctx = decision_document_context(case)
    assert ctx["title"] == "行政处罚决定书" and ctx["document_number"] == "南方局罚字〔2026〕1号"
    assert ctx["date"] == dt.date(2026, 3, 10) and ctx["decided_by"] == approver.display_name
    assert [s["text"] for s in ctx["statements"]] == ["请求从轻处罚"] and ctx[
        "decision_reason"
    ] == "陈述理由不成立。"
    assert any(licence.number in item for item in ctx["outcomes"])
    assert "3年内不得再次申请许可证" in ctx["outcomes"]
    assert ctx["rights"]["review_days"] == 60 and ctx["rights"]["litigation_months"] == 6
    assert "行政复议" in ctx["rights"]["text"] and "行政诉讼" in ctx["rights"]["text"]
    assert ctx["payment_due"] == dt.date(2026, 3, 25) and "2026年3月25日" in ctx["payment_text"]
