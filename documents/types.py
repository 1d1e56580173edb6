"""The registry of the documents the platform issues (SPEC §8) and the context each one takes.

A caller passes a plain dict; `DocType.clean(context)` checks it against the declared keys before
anything is stored, so a document is either complete or refused with a `DomainError` — never
half-rendered. The cleaned context is JSON (dates as ISO strings, money as strings) so it can be
stored on the row and rendered later by the worker; `DocType.hydrate` turns it back.

The keys below are the *caller's* keys. The platform adds its own (RESERVED_KEYS): the agency, the
holder (enterprise name and credit code, as they are on the day of issue), the document number,
the date, the verification code and its QR image. A caller may not pass those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError

TEXT = "text"
DATE = "date"
INT = "int"
BOOL = "bool"
MONEY = "money"
CHOICE = "choice"
TEXT_LIST = "text_list"
RECORDS = "records"

# Filled in by documents.services / documents.rendering, never by the caller.
RESERVED_KEYS = frozenset(
    {
        "agency_name",
        "issuer_code",
        "holder_name",
        "credit_code",
        "document_number",
        "document_title",
        "issued_on",
        "verification_code",
        "verify_url",
        "qr_data_uri",
        "version",
        "supersedes_number",
    }
)

LAYOUT_NOTICE = "notice"  # issued by the agency: red header, number, seal area
LAYOUT_FORM = "form"  # signed by the applicant (承诺书): no red header, signature lines
LAYOUT_CERTIFICATE = "certificate"  # the licence itself


@dataclass(frozen=True)
class Key:
    name: str
    kind: str = TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # RECORDS: keys every item must have (non-empty text)
    optional_fields: tuple[str, ...] = ()  # RECORDS: keys an item may have
    doc: str = ""  # one line for docs/documents.md

    def clean(self, value: Any, doc_title: str) -> Any:
        """Return the JSON form of `value`, or raise DomainError naming the key."""

        def bad(why: str) -> DomainError:
            return DomainError(
                _("%(title)s: the value of “%(key)s” is not valid (%(why)s).")
                % {"title": doc_title, "key": self.name, "why": why},
                code="document_context",
                field=self.name,
            )

        if self.kind == TEXT:
            if not isinstance(value, str) or not value.strip():
                raise bad(_("expected non-empty text"))
            return value.strip()
        if self.kind == DATE:
            if isinstance(value, dt.datetime):
                raise bad(_("expected a date, not a date and time"))
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value).isoformat()
                except ValueError:
                    pass
            raise bad(_("expected a date"))
        if self.kind == INT:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad(_("expected a whole number ≥ 0"))
            return value
        if self.kind == BOOL:
            if not isinstance(value, bool):
                raise bad(_("expected true or false"))
            return value
        if self.kind == MONEY:
            if isinstance(value, bool | float):
                raise bad(_("expected an amount as a decimal or a string, not a float"))
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                raise bad(_("expected an amount")) from None
            if not amount.is_finite() or amount < 0:
                raise bad(_("expected an amount ≥ 0"))
            return str(amount.quantize(Decimal("0.01")))
        if self.kind == CHOICE:
            if value not in self.choices:
                raise bad(_("expected one of %s") % ", ".join(self.choices))
            return value
        if self.kind == TEXT_LIST:
            if not isinstance(value, list | tuple) or not value:
                raise bad(_("expected a non-empty list of text"))
            if not all(isinstance(item, str) and item.strip() for item in value):
                raise bad(_("every item must be non-empty text"))
            return [item.strip() for item in value]
        if self.kind == RECORDS:
            if not isinstance(value, list | tuple) or not value:
                raise bad(_("expected a non-empty list"))
            cleaned = []
            for item in value:
                if not isinstance(item, dict):
                    raise bad(_("every item must be a mapping"))
                row = {}
                for name in self.fields:
                    text = item.get(name)
                    if not isinstance(text, str) or not text.strip():
                        raise bad(_("every item needs “%s”") % name)
                    row[name] = text.strip()
                for name in self.optional_fields:
                    text = item.get(name) or ""
                    if not isinstance(text, str):
                        raise bad(_("“%s” must be text") % name)
                    row[name] = text.strip()
                unknown = set(item) - set(self.fields) - set(self.optional_fields)
                if unknown:
                    raise bad(_("unknown item keys: %s") % ", ".join(sorted(unknown)))
                cleaned.append(row)
            return cleaned
        raise AssertionError(f"unknown key kind {self.kind}")

    def hydrate(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind == DATE:
            return dt.date.fromisoformat(value)
        if self.kind == MONEY:
            return Decimal(value)
        return value


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


@dataclass(frozen=True)
class DocType:
    code: str
    title: str  # printed on the document, always Chinese
    label: Any  # the UI name (translatable)
    number_prefix: str  # 南方能监 + prefix + 〔2026〕12号; unique across types
    layout: str
    keys: tuple[Key, ...]
    fixed_text_source: str = ""  # where the wording comes from, for docs/documents.md

    @property
    def template(self) -> str:
        return f"documents/{self.code}.html"

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys if k.required)

    @property
    def optional_keys(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys if not k.required)

    def clean(self, context: dict) -> dict:
        """Check `context` against the declared keys; return its JSON form. Raises DomainError."""
        if not isinstance(context, dict):
            raise DomainError(_("%s: the context must be a mapping.") % self.title, code="document_context")
        reserved = sorted(RESERVED_KEYS & set(context))
        if reserved:
            raise DomainError(
                _("%(title)s: these keys are filled in by the platform and may not be passed: %(keys)s.")
                % {"title": self.title, "keys": ", ".join(reserved)},
                code="document_context",
            )
        declared = {k.name for k in self.keys}
        unknown = sorted(set(context) - declared)
        if unknown:
            raise DomainError(
                _("%(title)s: unknown keys %(keys)s (expected: %(expected)s).")
                % {"title": self.title, "keys": ", ".join(unknown), "expected": ", ".join(sorted(declared))},
                code="document_context",
            )
        missing = [k.name for k in self.keys if k.required and _is_blank(context.get(k.name))]
        if missing:
            raise DomainError(
                _("%(title)s cannot be issued: missing %(keys)s.")
                % {"title": self.title, "keys": ", ".join(missing)},
                code="document_context",
                field=missing[0],
            )
        cleaned = {}
        for key in self.keys:
            value = context.get(key.name)
            if _is_blank(value):
                continue
            cleaned[key.name] = key.clean(value, self.title)
        return cleaned

    def hydrate(self, stored: dict) -> dict:
        """The stored JSON context with dates and amounts as Python objects, every key present."""
        return {key.name: key.hydrate(stored.get(key.name)) for key in self.keys}


# --- the keys several documents share ---------------------------------------------------------
APPLICATION_KIND = Key(
    "application_kind", doc="the matter applied for, e.g. 承装（修、试）电力设施许可证新申请"
)
APPLICATION_NUMBER = Key("application_number", doc="the application's own number (申请编号)")
RECEIVED_ON = Key("received_on", DATE, doc="day the application materials were received")
ACCEPTED_ON = Key("accepted_on", DATE, doc="day the application was accepted (受理)")
LEGAL_BASIS = Key(
    "legal_basis", doc="the provisions relied on, e.g. 《中华人民共和国行政许可法》第三十二条第一款"
)
APPEAL_BODY = Key("appeal_body", required=False, doc="body for 行政复议 (default 国家能源局)")
CONTACT_NAME = Key("contact_name", required=False, doc="the officer to contact (联系人)")
CONTACT_PHONE = Key("contact_phone", required=False, doc="their phone number")
LEGAL_REPRESENTATIVE = Key("legal_representative", doc="法定代表人")
PERMITS = Key(
    "permits",
    RECORDS,
    fields=("category",),
    optional_fields=("level",),
    doc="licensed items: [{'category': '承装类', 'level': '四级'}, …]",
)

DOC_TYPES: dict[str, DocType] = {}


def _register(doc_type: DocType) -> DocType:
    assert doc_type.code not in DOC_TYPES, doc_type.code
    assert all(t.number_prefix != doc_type.number_prefix for t in DOC_TYPES.values()), doc_type.code
    DOC_TYPES[doc_type.code] = doc_type
    return doc_type


ACCEPTANCE_NOTICE = _register(
    DocType(
        code="acceptance_notice",
        title="受理通知书",
        label=gettext_lazy("Acceptance notice"),
        number_prefix="许受",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政许可法 art. 32, 42, 45",
        keys=(
            APPLICATION_KIND,
            APPLICATION_NUMBER,
            RECEIVED_ON,
            ACCEPTED_ON,
            Key("time_limit_days", INT, doc="the time limit in working days (办理时限)"),
            Key("decision_due_on", DATE, doc="the day the decision is due (from core.calendar)"),
            Key(
                "deemed_accepted",
                BOOL,
                required=False,
                doc="true when accepted by operation of law (行政许可法 art. 32: not handled in 5 days)",
            ),
            CONTACT_NAME,
            CONTACT_PHONE,
        ),
    )
)

REJECTION_DECISION = _register(
    DocType(
        code="rejection_decision",
        title="不予受理决定书",
        label=gettext_lazy("Decision not to accept"),
        number_prefix="许不受",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政许可法 art. 32, 38; 行政复议法; 行政诉讼法",
        keys=(
            APPLICATION_KIND,
            APPLICATION_NUMBER,
            RECEIVED_ON,
            Key("reasons", TEXT_LIST, doc="why the application is not accepted, one item each"),
            LEGAL_BASIS,
            Key(
                "redirect_to",
                required=False,
                doc="the competent authority, when the matter is not ours (art. 32 (二))",
            ),
            APPEAL_BODY,
        ),
    )
)

CORRECTION_NOTICE = _register(
    DocType(
        code="correction_notice",
        title="补正材料通知书",
        label=gettext_lazy("Notice to supply missing materials"),
        number_prefix="许补",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政许可法 art. 32 (四): 一次性告知",
        keys=(
            APPLICATION_KIND,
            APPLICATION_NUMBER,
            RECEIVED_ON,
            Key(
                "missing_items",
                RECORDS,
                fields=("name", "requirement"),
                doc="EVERY missing or defective item: [{'name': …, 'requirement': …}, …]",
            ),
            Key("correction_due_on", DATE, required=False, doc="supply the materials by this day"),
            CONTACT_NAME,
            CONTACT_PHONE,
        ),
    )
)

TOLERANT_COMMITMENT = _register(
    DocType(
        code="tolerant_commitment",
        title="申请容缺受理承诺书",
        label=gettext_lazy("Tolerant-acceptance commitment"),
        number_prefix="容诺",
        layout=LAYOUT_FORM,
        fixed_text_source="seed 003 附件2-2 (word for word)",
        keys=(
            LEGAL_REPRESENTATIVE,
            Key("legal_representative_id", doc="身份证号码 of the legal representative"),
            Key("agent_name", required=False, doc="受托人, when an agent applies"),
            Key("agent_id", required=False, doc="身份证号码 of the agent"),
            Key("matter", doc="the 行政审批事项, e.g. 承装（修、试）电力设施许可证新申请"),
            Key("reason", doc="why tolerant acceptance is asked for (因……)"),
            Key("supply_by", DATE, doc="commitment date: within 10 days of acceptance (seed 003)"),
            Key("materials", TEXT_LIST, doc="the materials to be supplied"),
            Key("signed_on", DATE, required=False, doc="date of signature (blank line when absent)"),
        ),
    )
)

TOLERANT_CORRECTION_NOTICE = _register(
    DocType(
        code="tolerant_correction_notice",
        title="容缺受理补正材料通知书",
        label=gettext_lazy("Tolerant-acceptance correction notice"),
        number_prefix="容补",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 003 附件2-3 (word for word)",
        keys=(
            APPLICATION_KIND,
            Key("missing_items", TEXT_LIST, doc="the non-key materials missing or defective"),
            Key("officer_name", required=False, doc="经办人"),
        ),
    )
)

TOLERANT_TERMINATION_NOTICE = _register(
    DocType(
        code="tolerant_termination_notice",
        title="容缺受理终止办理通知单",
        label=gettext_lazy("Tolerant-acceptance termination notice"),
        number_prefix="容终",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 003 附件2-4 (word for word)",
        keys=(
            Key("applied_on", DATE, doc="day of the application and commitment"),
            Key("matter", doc="the 行政审批事项"),
            Key("reason", doc="因…… e.g. 未在承诺期限内补正全部容缺材料"),
        ),
    )
)

COMMITMENT_LETTER = _register(
    DocType(
        code="commitment_letter",
        title="告知承诺书",
        label=gettext_lazy("Notification-commitment letter"),
        number_prefix="许诺",
        layout=LAYOUT_FORM,
        fixed_text_source="seed 000 items (二)(三); 国务院办公厅 告知承诺制 model text",
        keys=(
            Key("matter", doc="事项名称"),
            LEGAL_BASIS,
            Key("conditions", TEXT_LIST, doc="the licence conditions the applicant commits to meet"),
            Key("materials", TEXT_LIST, doc="the materials replaced by the commitment"),
            LEGAL_REPRESENTATIVE,
            Key("signed_on", DATE, required=False, doc="date of signature (blank line when absent)"),
        ),
    )
)

GRANT_DECISION = _register(
    DocType(
        code="grant_decision",
        title="准予行政许可决定书",
        label=gettext_lazy("Licensing decision (granted)"),
        number_prefix="许准",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政许可法 art. 38, 39, 44",
        keys=(
            APPLICATION_KIND,
            APPLICATION_NUMBER,
            RECEIVED_ON,
            ACCEPTED_ON,
            PERMITS,
            Key("licence_number", doc="许可证编号"),
            Key("valid_from", DATE, doc="first day of validity"),
            Key("valid_until", DATE, doc="last day of validity"),
            Key(
                "legal_basis",
                required=False,
                doc="default 《承装（修、试）电力设施许可证管理办法》",
            ),
        ),
    )
)

DENIAL_DECISION = _register(
    DocType(
        code="denial_decision",
        title="不予行政许可决定书",
        label=gettext_lazy("Licensing decision (denied)"),
        number_prefix="许不准",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政许可法 art. 38 第二款",
        keys=(
            APPLICATION_KIND,
            APPLICATION_NUMBER,
            RECEIVED_ON,
            ACCEPTED_ON,
            Key("reasons", TEXT_LIST, doc="each reason for the denial"),
            LEGAL_BASIS,
            APPEAL_BODY,
        ),
    )
)

LICENCE_CERTIFICATE = _register(
    DocType(
        code="licence_certificate",
        title="许可证",
        label=gettext_lazy("Licence certificate"),
        number_prefix="证",
        layout=LAYOUT_CERTIFICATE,
        keys=(
            Key("licence_title", doc="e.g. 承装（修、试）电力设施许可证 / 电力业务许可证"),
            Key("licence_number", doc="许可证编号"),
            LEGAL_REPRESENTATIVE,
            Key("address", doc="住所"),
            PERMITS,
            Key("scope", required=False, doc="许可范围 text, when the licence states one"),
            Key("valid_from", DATE, doc="first day of validity"),
            Key("valid_until", DATE, doc="last day of validity"),
        ),
    )
)

RECTIFICATION_ORDER = _register(
    DocType(
        code="rectification_order",
        title="责令整改通知书",
        label=gettext_lazy("Rectification order"),
        number_prefix="监改",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 000 item (五)(六)",
        keys=(
            Key("inspected_on", DATE, doc="day of the inspection"),
            Key("inspection_kind", doc="e.g. “双随机、一公开”现场检查"),
            Key("findings", TEXT_LIST, doc="each problem found"),
            LEGAL_BASIS,
            Key("rectify_by", DATE, doc="rectification deadline"),
            Key("requirements", TEXT_LIST, required=False, doc="what the enterprise must do"),
            CONTACT_NAME,
            CONTACT_PHONE,
        ),
    )
)

PENALTY_DECISION = _register(
    DocType(
        code="penalty_decision",
        title="行政处罚决定书",
        label=gettext_lazy("Administrative penalty decision"),
        number_prefix="罚",
        layout=LAYOUT_NOTICE,
        fixed_text_source="行政处罚法 arts. 59, 67, 72",
        keys=(
            LEGAL_REPRESENTATIVE,
            Key("address", doc="住所"),
            Key("facts", doc="the facts found (经查……)"),
            Key("evidence", TEXT_LIST, doc="each piece of evidence"),
            Key("statement", required=False, doc="the party's statement / hearing and the agency's view"),
            Key("violated_provisions", doc="违反了……的规定"),
            Key("penalty_basis", doc="依据……的规定"),
            Key(
                "discretion",
                required=False,
                doc="why this amount: credit tier and fine position (seed 003 items 5–12)",
            ),
            Key("penalties", TEXT_LIST, doc="each penalty, e.g. 罚款人民币伍万元整"),
            Key(
                "fine_amount",
                MONEY,
                required=False,
                doc="total fine in yuan (payment clause printed when given)",
            ),
            APPEAL_BODY,
        ),
    )
)

CREDIT_REPAIR_DECISION = _register(
    DocType(
        code="credit_repair_decision",
        title="信用修复决定书",
        label=gettext_lazy("Credit repair decision"),
        number_prefix="信修",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 000 item (八)",
        keys=(
            RECEIVED_ON,
            ACCEPTED_ON,
            Key("record_title", doc="the dishonesty record concerned"),
            Key("record_reference", required=False, doc="its source, e.g. a penalty decision number"),
            Key("outcome", CHOICE, choices=("approved", "denied"), doc="approved | denied"),
            Key("findings", doc="what the review found"),
            LEGAL_BASIS,
            APPEAL_BODY,
        ),
    )
)

DISHONESTY_NOTICE = _register(
    DocType(
        code="dishonesty_notice",
        title="失信告知书",
        label=gettext_lazy("Notice of dishonest behaviour"),
        number_prefix="信告",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 000 item (七)(八)",
        keys=(
            Key("behaviour", doc="the dishonest behaviour found"),
            Key("occurred_on", DATE, doc="when it happened or was found"),
            Key(
                "grade",
                CHOICE,
                choices=("minor", "serious", "severe"),
                doc="credit.Grade: minor | serious | severe",
            ),
            LEGAL_BASIS,
            Key("measures", TEXT_LIST, doc="measures taken: 提醒 / 警示 / 约谈 / 联合惩戒 …"),
            Key("publish_until", DATE, required=False, doc="end of public listing"),
            Key("objection_by", DATE, required=False, doc="last day to file an objection (异议)"),
        ),
    )
)


SUPERVISION_WARNING = _register(
    DocType(
        code="supervision_warning",
        title="监管预警提示函",
        label=gettext_lazy("Supervision warning letter"),
        number_prefix="监预",
        layout=LAYOUT_NOTICE,
        fixed_text_source="seed 000 item (三)(五): 动态监测 and 预警提醒",
        keys=(
            Key("licence_title", doc="e.g. 承装（修、试）电力设施许可证"),
            Key("licence_number", doc="许可证编号"),
            Key("found_on", DATE, doc="day the monthly scan found the condition"),
            Key("warning_kind", doc="what was found, e.g. 人员不满足许可条件"),
            Key("evidence", TEXT_LIST, doc="each fact found (the scan's evidence)"),
            Key("required_action", doc="what the enterprise should do (请你单位……)"),
            Key("respond_by", DATE, required=False, doc="day by which to report back"),
            LEGAL_BASIS,
            CONTACT_NAME,
            CONTACT_PHONE,
        ),
    )
)


def doc_type_get(code: str) -> DocType:
    try:
        return DOC_TYPES[code]
    except KeyError:
        raise DomainError(_("Unknown document type: %s") % code, code="document_type") from None


DOC_TYPE_CHOICES = [(t.code, t.label) for t in DOC_TYPES.values()]
