"""Data as files: CSV for anything, XLSX with one sheet per table (organisers open both in
Excel, so the CSV starts with a byte-order mark and Excel reads the accents), and JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, jsonify

Rows = Sequence[Sequence[Any]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_text(rows: Rows) -> str:
    """The rows as CSV text."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff" + out.getvalue()


def xlsx_bytes(sheets: Mapping[str, Rows]) -> bytes:
    """A workbook with one sheet per name (Excel allows 31 characters)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name[:31])
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(sheets: Mapping[str, Rows], fmt: str, name: str) -> Response:
    """A CSV (the first table) or XLSX (all tables) download named name.<fmt>."""
    if fmt == "csv":
        body, mimetype = csv_text(next(iter(sheets.values()))), "text/csv; charset=utf-8"
    else:
        body, mimetype = xlsx_bytes(sheets), XLSX
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, mimetype=mimetype, headers=headers)


def json_download(data: Any, name: str) -> Response:
    """A JSON document as a download named name.json."""
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
