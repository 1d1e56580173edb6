import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import get_template

from core.exceptions import DomainError
from documents.samples import SAMPLE_CONTEXTS
from documents.templatetags.document_print import cn_date, cn_money, cn_money_upper, cn_numeral
from documents.types import DOC_TYPES, RESERVED_KEYS, doc_type_get

SPEC_TITLES = {
    "受理通知书",
    "不予受理决定书",
    "补正材料通知书",
    "申请容缺受理承诺书",
    "容缺受理补正材料通知书",
    "容缺受理终止办理通知单",
    "告知承诺书",
    "准予行政许可决定书",
    "不予行政许可决定书",
    "许可证",
    "责令整改通知书",
    "行政处罚决定书",
    "信用修复决定书",
    "失信告知书",
}
# Beyond SPEC §8: the letter of a scan's warning (seed 000 item 五), printed in bulk.
OUR_TITLES = {"监管预警提示函"}


def test_registry_has_every_document_of_spec_section_8():
    assert {t.title for t in DOC_TYPES.values()} == SPEC_TITLES | OUR_TITLES


@pytest.mark.parametrize("code", DOC_TYPES)
def test_every_type_has_a_template_and_a_sample_that_validates(code):
    kind = DOC_TYPES[code]
    assert get_template(kind.template)
    cleaned = kind.clean(SAMPLE_CONTEXTS[code])
    assert set(kind.required_keys) <= set(cleaned)
    assert not set(kind.required_keys) & RESERVED_KEYS


def test_number_prefixes_are_distinct():
    prefixes = [t.number_prefix for t in DOC_TYPES.values()]
    assert len(prefixes) == len(set(prefixes))


def test_docs_list_every_type_and_key():
    text = (Path(__file__).resolve().parents[2] / "docs" / "documents.md").read_text()
    for kind in DOC_TYPES.values():
        assert f"`{kind.code}`" in text
        for key in kind.keys:
            assert f"`{key.name}`" in text, (kind.code, key.name)


def test_missing_key_is_refused_naming_it():
    kind = doc_type_get("acceptance_notice")
    context = {**SAMPLE_CONTEXTS["acceptance_notice"]}
    del context["decision_due_on"]
    with pytest.raises(DomainError) as err:
        kind.clean(context)
    assert err.value.code == "document_context"
    assert "decision_due_on" in err.value.message
    assert err.value.field == "decision_due_on"


def test_blank_required_value_counts_as_missing():
    kind = doc_type_get("correction_notice")
    with pytest.raises(DomainError, match="missing_items"):
        kind.clean({**SAMPLE_CONTEXTS["correction_notice"], "missing_items": []})


def test_unknown_key_is_refused():
    kind = doc_type_get("acceptance_notice")
    with pytest.raises(DomainError, match="recieved_on"):
        kind.clean({**SAMPLE_CONTEXTS["acceptance_notice"], "recieved_on": dt.date(2026, 3, 2)})


def test_platform_keys_may_not_be_passed():
    kind = doc_type_get("acceptance_notice")
    with pytest.raises(DomainError, match="document_number"):
        kind.clean({**SAMPLE_CONTEXTS["acceptance_notice"], "document_number": "假〔2026〕1号"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("received_on", "2026-02-30"),
        ("received_on", dt.datetime(2026, 3, 2, 9, 0)),
        ("time_limit_days", "20"),
        ("time_limit_days", -1),
        ("time_limit_days", True),
        ("application_kind", "   "),
        ("deemed_accepted", "yes"),
    ],
)
def test_wrong_kinds_of_value_are_refused(key, value):
    kind = doc_type_get("acceptance_notice")
    with pytest.raises(DomainError) as err:
        kind.clean({**SAMPLE_CONTEXTS["acceptance_notice"], key: value})
    assert err.value.field == key or key in err.value.message


def test_records_need_their_fields_and_nothing_else():
    kind = doc_type_get("correction_notice")
    base = SAMPLE_CONTEXTS["correction_notice"]
    with pytest.raises(DomainError, match="requirement"):
        kind.clean({**base, "missing_items": [{"name": "营业执照"}]})
    with pytest.raises(DomainError, match="extra"):
        kind.clean({**base, "missing_items": [{"name": "营业执照", "requirement": "缺", "extra": "x"}]})


def test_money_and_choice():
    penalty = doc_type_get("penalty_decision")
    cleaned = penalty.clean({**SAMPLE_CONTEXTS["penalty_decision"], "fine_amount": "30000"})
    assert cleaned["fine_amount"] == "30000.00"
    with pytest.raises(DomainError):
        penalty.clean({**SAMPLE_CONTEXTS["penalty_decision"], "fine_amount": 3.5})
    notice = doc_type_get("dishonesty_notice")
    with pytest.raises(DomainError, match="grade"):
        notice.clean({**SAMPLE_CONTEXTS["dishonesty_notice"], "grade": "较重"})


def test_clean_then_hydrate_round_trips_dates_and_money():
    kind = doc_type_get("penalty_decision")
    hydrated = kind.hydrate(kind.clean(SAMPLE_CONTEXTS["penalty_decision"]))
    assert hydrated["fine_amount"] == Decimal("30000.00")
    assert hydrated["statement"] == SAMPLE_CONTEXTS["penalty_decision"]["statement"]
    notice = doc_type_get("acceptance_notice")
    assert notice.hydrate(notice.clean(SAMPLE_CONTEXTS["acceptance_notice"]))["received_on"] == dt.date(
        2026, 3, 2
    )


def test_unknown_type_is_a_domain_error():
    with pytest.raises(DomainError):
        doc_type_get("birthday_card")


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "100")],
)
def test_cn_numeral(n, text):
    assert cn_numeral(n) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "零元整"),
        ("30000", "叁万元整"),
        ("50000", "伍万元整"),
        ("1005", "壹仟零伍元整"),
        ("10010", "壹万零壹拾元整"),
        ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
        ("100000000", "壹亿元整"),
        ("100020003.05", "壹亿零贰万零叁元零伍分"),
        ("0.5", "伍角整"),
    ],
)
def test_cn_money_upper(amount, text):
    assert cn_money_upper(Decimal(amount)) == text


def test_cn_date_and_money():
    assert cn_date(dt.date(2026, 3, 2)) == "2026年3月2日"
    assert cn_date(None) == ""
    assert cn_money(Decimal("30000")) == "30,000.00"
