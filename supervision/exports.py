"""Excel exports of the officer lists (openpyxl, write-only: rows stream, memory stays flat)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


def xlsx_response(filename: str, sheet: str, headers: list[str], rows: Iterable[list]) -> HttpResponse:
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append([str(h) for h in headers])
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            break
        ws.append(["" if value is None else value for value in row])
    buffer = BytesIO()
    book.save(buffer)
    name = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
