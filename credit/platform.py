"""Adapter to the energy-sector credit platform (信用能源): records arrive as rows of one shape.

Today the rows come from a CSV or Excel export uploaded in the admin (`FileFeed`); a live feed only
has to implement `CreditFeed.rows()` and be named in the setting `CREDIT_PLATFORM_FEED` (a dotted
path), and the periodic task `credit.platform_sync` stores what it yields through the same service,
idempotently on source + source reference.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.credit_code import validate_credit_code
from credit.models import Grade, RecordCategory

PLATFORM_SOURCE = "credit_energy"

# Column → accepted headers (the platform's Chinese export, or our own English codes).
COLUMNS = {
    "credit_code": ("credit_code", "统一社会信用代码"),
    "category": ("category", "类别", "信息类别"),
    "grade": ("grade", "等级", "失信等级"),
    "title": ("title", "标题", "事项"),
    "description": ("description", "说明", "内容"),
    "source_ref": ("source_ref", "来源编号", "编号", "信息编号"),
    "occurred_on": ("occurred_on", "日期", "发生日期", "决定日期"),
    "counts_until": ("counts_until", "有效期至"),
    "published": ("published", "是否公示", "公示"),
    "publish_until": ("publish_until", "公示截止", "公示期至"),
}
REQUIRED = ("credit_code", "category", "title", "source_ref", "occurred_on")

CATEGORY_WORDS = {
    "penalty": RecordCategory.PENALTY,
    "行政处罚": RecordCategory.PENALTY,
    "inspection": RecordCategory.INSPECTION,
    "行政检查": RecordCategory.INSPECTION,
    "dishonest": RecordCategory.DISHONEST,
    "失信行为": RecordCategory.DISHONEST,
    "commendation": RecordCategory.COMMENDATION,
    "表彰": RecordCategory.COMMENDATION,
    "表彰奖励": RecordCategory.COMMENDATION,
}
GRADE_WORDS = {
    "": "",
    "minor": Grade.MINOR,
    "轻微": Grade.MINOR,
    "serious": Grade.SERIOUS,
    "较重": Grade.SERIOUS,
    "severe": Grade.SEVERE,
    "严重": Grade.SEVERE,
}
YES = {"1", "true", "yes", "y", "是"}
NO = {"", "0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class PlatformRow:
    line: int
    credit_code: str
    category: str
    grade: str
    title: str
    description: str
    source_ref: str
    occurred_on: dt.date
    counts_until: dt.date | None
    published: bool
    publish_until: dt.date | None


class CreditFeed(Protocol):
    """What the platform adapter needs from any feed: a source name and rows of plain values."""

    source: str

    def rows(self) -> Iterable[dict]: ...


class FileFeed:
    """A CSV (UTF-8, with or without BOM) or Excel (.xlsx) export of the platform."""

    source = PLATFORM_SOURCE

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def rows(self) -> list[dict]:
        if self.name.lower().endswith(".xlsx"):
            return _xlsx_rows(self.data)
        if self.name.lower().endswith(".csv"):
            return _csv_rows(self.data)
        raise ValueError(_("Upload a .csv or .xlsx file."))


def configured_feed() -> CreditFeed | None:
    path = getattr(settings, "CREDIT_PLATFORM_FEED", "")
    return import_string(path)() if path else None


def _csv_rows(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("The CSV file is not UTF-8 encoded.")) from None
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx_rows(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many types for a damaged or foreign file
        raise ValueError(_("The Excel file cannot be read.")) from None
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(h or "").strip() for h in values[0]]
    return [
        {header[i]: cell for i, cell in enumerate(row) if i < len(header)}
        for row in values[1:]
        if any(cell not in (None, "") for cell in row)
    ]


def _normalise_keys(raw: dict) -> dict:
    lookup = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    return {lookup[str(k).strip()]: v for k, v in raw.items() if k is not None and str(k).strip() in lookup}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, column: str, errors: list[str], line: int) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(
            _("Row %(line)d: %(column)s is not a date (YYYY-MM-DD): %(value)s")
            % {"line": line, "column": column, "value": text}
        )
        return None


def parse_rows(rows: Iterable[dict]) -> tuple[list[PlatformRow], list[str]]:
    """Validate every row; return the rows and every error (line numbers as in the file)."""
    parsed, errors = [], []
    seen_refs: set[str] = set()
    for line, raw in enumerate(rows, start=2):
        row = _normalise_keys(raw)
        before = len(errors)
        for column in REQUIRED:
            if not _text(row.get(column)):
                errors.append(_("Row %(line)d: %(column)s is missing.") % {"line": line, "column": column})
        if len(errors) > before:
            continue
        code = _text(row["credit_code"]).upper()
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors.append(_("Row %(line)d: %(error)s") % {"line": line, "error": " ".join(exc.messages)})
        category = CATEGORY_WORDS.get(_text(row["category"]).lower())
        if category is None:
            errors.append(
                _("Row %(line)d: unknown category %(value)s.")
                % {"line": line, "value": _text(row["category"])}
            )
        grade = GRADE_WORDS.get(_text(row.get("grade")).lower())
        if grade is None:
            errors.append(
                _("Row %(line)d: unknown grade %(value)s.") % {"line": line, "value": _text(row.get("grade"))}
            )
        published_text = _text(row.get("published")).lower()
        if published_text not in YES | NO:
            errors.append(
                _("Row %(line)d: published must be yes or no, not %(value)s.")
                % {"line": line, "value": published_text}
            )
        ref = _text(row["source_ref"])
        if ref in seen_refs:
            errors.append(
                _("Row %(line)d: source reference %(value)s appears twice in the file.")
                % {"line": line, "value": ref}
            )
        seen_refs.add(ref)
        occurred_on = _date(row["occurred_on"], "occurred_on", errors, line)
        counts_until = _date(row.get("counts_until"), "counts_until", errors, line)
        publish_until = _date(row.get("publish_until"), "publish_until", errors, line)
        if len(errors) > before:
            continue
        parsed.append(
            PlatformRow(
                line=line,
                credit_code=code,
                category=category,
                grade=grade,
                title=_text(row["title"])[:200],
                description=_text(row.get("description")),
                source_ref=ref[:100],
                occurred_on=occurred_on,
                counts_until=counts_until,
                published=published_text in YES,
                publish_until=publish_until,
            )
        )
    return parsed, errors
