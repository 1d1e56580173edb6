"""Excel export of dashboard figures: one sheet per figure, the same table the page shows."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from oversight.figures import CHANGE, DAYS, PCT, YUAN, Figure

_BAD_SHEET_CHARS = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", str(title))[:28].strip() or "sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]}({n})", n + 1
    used.add(name)
    return name


def _cell_value(figure: Figure, column, row: dict):
    """Numbers stay numbers (a percentage as a fraction, formatted 0.0 %); codes become their labels."""
    value = row.get(column.code)
    if column.labels is not None:
        return column.display(value)
    if value is None or value == "":
        return None
    if figure.kind_of(column, row) in (PCT, CHANGE):
        return value / 100.0
    return value


def workbook(figures: list[Figure], *, heading: str, filters_text: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for figure in figures:
        sheet = book.create_sheet(_sheet_title(figure.title, used))
        sheet.append([heading])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([str(figure.title)])
        sheet.append([filters_text])
        if figure.note:
            sheet.append([str(figure.note)])
        sheet.append([])
        sheet.append([str(c.label) for c in figure.columns])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in figure.rows:
            sheet.append([_cell_value(figure, c, row) for c in figure.columns])
            for index, column in enumerate(figure.columns, start=1):
                kind = figure.kind_of(column, row)
                cell = sheet.cell(row=sheet.max_row, column=index)
                if kind in (PCT, CHANGE) and isinstance(cell.value, float):
                    cell.number_format = "0.0%"
                elif kind == DAYS and isinstance(cell.value, float):
                    cell.number_format = "0.0"
                elif kind == YUAN and isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
                elif hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
        for index, column in enumerate(figure.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, min(40, len(str(column.label)) * 2 + 2)
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
