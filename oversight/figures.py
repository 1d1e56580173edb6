"""What a dashboard figure is: a table (columns with stable codes, rows of codes and numbers), an
optional chart drawn from that same table, and how it renders — as HTML, as JSON for ECharts and the
API, and as an Excel sheet. Every chart therefore has its table and its export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Column kinds: how a value is shown. "pct" and "change" hold percentages (93.3 means 93.3 %);
# "yuan" an amount of money (a float with two decimals).
TEXT, INT, PCT, CHANGE, DAYS, DATE, YUAN = "text", "int", "pct", "change", "days", "date", "yuan"
# A column whose rows each say their own kind in row["_kind"] (a table of mixed figures).
AUTO = "auto"


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: str = INT
    labels: dict | None = None  # code → label, for a dimension column holding codes

    def display(self, value, kind: str | None = None) -> str:
        kind = kind or self.kind
        if value is None or (value == "" and kind != TEXT):
            return "—"
        if self.labels is not None:
            return str(self.labels.get(value, value if value != "" else _("Not recorded")))
        if kind == PCT:
            return f"{value:.1f}%"
        if kind == CHANGE:
            return f"{value:+.1f}%"
        if kind == DAYS:
            return f"{value:.1f}"
        if kind == YUAN:
            return f"{value:,.2f}"
        if kind == DATE:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return str(value)

    def plain(self, value):
        """The value for the API: codes and numbers, never labels."""
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


@dataclass(frozen=True)
class Chart:
    """`type`: bar | pie | gauge. Bars plot `values` per row labelled by `category`; series with the
    same `stack` name are stacked. A pie plots `values[0]` per row; a gauge shows `values[0]` of the
    first row as a percentage."""

    type: str
    category: str
    values: tuple[str, ...]
    stack: dict = field(default_factory=dict)
    unit: str = ""
    horizontal: bool = False


@dataclass
class Figure:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart: Chart | None = None
    note: str = ""

    @property
    def wide(self) -> bool:
        """A table too wide to sit beside another figure: the page gives it the full width."""
        return len(self.columns) > 7

    @property
    def dom_id(self) -> str:
        return f"figure-{self.key}"

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    def display_rows(self) -> list[list[str]]:
        return [[c.display(row.get(c.code), self.kind_of(c, row)) for c in self.columns] for row in self.rows]

    @staticmethod
    def kind_of(column: Column, row: dict) -> str:
        return row.get("_kind", INT) if column.kind == AUTO else column.kind

    def chart_data(self) -> dict | None:
        """Labels resolved here, so the chart script only lays them out."""
        if self.chart is None:
            return None
        chart = self.chart
        category = self.column(chart.category)
        names = [category.display(row.get(chart.category)) for row in self.rows]
        series = []
        for code in chart.values:
            column = self.column(code)
            data = [row.get(code) for row in self.rows]
            series.append({"name": str(column.label), "data": data, "stack": chart.stack.get(code, "")})
        return {
            "type": chart.type,
            "categories": names,
            "series": series,
            "unit": chart.unit,
            "horizontal": chart.horizontal,
            "title": str(self.title),
        }

    def as_api(self) -> dict:
        return {
            "key": self.key,
            "title": str(self.title),
            "note": str(self.note),
            "columns": [{"code": c.code, "label": str(c.label), "kind": c.kind} for c in self.columns],
            "rows": [{c.code: c.plain(row.get(c.code)) for c in self.columns} for row in self.rows],
            "chart": self.chart_data(),
        }


def gauge_figure(*, key: str, title, labels: dict, values: dict, percent: tuple[str, ...], note="") -> Figure:
    """A table of single figures (one row per code of `labels`, in order) with a gauge of the first —
    the rate a target is judged by — then the figures behind it. The codes in `percent` are
    percentages, the others whole numbers."""
    rows = [
        {"metric": code, "value": values[code], "_kind": PCT if code in percent else INT} for code in labels
    ]
    return Figure(
        key=key,
        title=title,
        columns=[Column("metric", _("Figure"), TEXT, labels), Column("value", _("Value"), AUTO)],
        rows=rows,
        chart=Chart("gauge", "metric", ("value",), unit="%"),
        note=note,
    )


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole as a percentage with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def change(current, previous) -> float | None:
    """Change from `previous` to `current` in % ("applications +100 %, time −50 %")."""
    if current is None or not previous:
        return None
    current, previous = float(current), float(previous)
    return round(100.0 * (current - previous) / previous, 1)


def one_decimal(value) -> float | None:
    return None if value is None else round(float(value), 1)


def money(value) -> float:
    """A Decimal sum (None when nothing was summed) as yuan with two decimals."""
    return 0.0 if value is None else round(float(value), 2)
