"""Filters for the printed documents: dates, numerals and amounts the way Chinese official
documents write them (GB/T 9704-2012: Arabic numerals in dates, 一、（一） for list levels)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

DIGITS = "零一二三四五六七八九"
UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
GRADE_LABELS = {"minor": "轻微", "serious": "较重", "severe": "严重"}


@register.filter
def cn_date(value) -> str:
    """2026-03-02 → 2026年3月2日 (no leading zeros, as GB/T 9704 writes the date of issue)."""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_numeral(value) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (list numbering up to 99)."""
    n = int(value)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones:
        text += DIGITS[ones]
    return text


@register.filter
def cn_money(value) -> str:
    """Decimal('50000') → 50,000.00"""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


def _section(n: int) -> str:
    """Upper-case digits of 0 < n < 10000 with 仟佰拾, zeros collapsed (e.g. 1005 → 壹仟零伍)."""
    units = ["仟", "佰", "拾", ""]
    digits = f"{n:04d}"
    out = ""
    zero = False
    for digit, unit in zip(digits, units, strict=True):
        d = int(digit)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += UPPER_DIGITS[d] + unit
    return out


@register.filter
def cn_money_upper(value) -> str:
    """Decimal('50000') → 伍万元整; Decimal('12345.60') → 壹万贰仟叁佰肆拾伍元陆角整 (大写金额)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    fen_total = int(amount * 100)
    yuan, fen_part = divmod(fen_total, 100)
    jiao, fen = divmod(fen_part, 10)
    if yuan == 0 and fen_part == 0:
        return "零元整"
    text = ""
    if yuan:
        groups = []
        while yuan:
            yuan, group = divmod(yuan, 10000)
            groups.append(group)
        parts = []
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            unit = ["", "万", "亿", "万亿"][index]
            if group == 0:
                if parts and parts[-1] != "零":
                    parts.append("零")
                continue
            if parts and group < 1000 and parts[-1] != "零":
                parts.append("零")
            parts.append(_section(group) + unit)
        text = "".join(parts).rstrip("零") + "元"
    if fen_part == 0:
        return text + "整"
    if jiao:
        text += UPPER_DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += UPPER_DIGITS[fen] + "分"
    else:
        text += "整"
    return text


@register.filter
def as_application(kind: str) -> str:
    """承装（修、试）电力设施许可证新申请 stays; …许可事项变更 → …许可事项变更申请."""
    return kind if kind.endswith("申请") else kind + "申请"


@register.filter
def grade_label(value) -> str:
    return GRADE_LABELS.get(value, "")
