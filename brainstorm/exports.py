"""Data as files: CSV for anything, XLSX with one sheet per table (organisers open both in
Excel, so the CSV starts with a byte-order mark and Excel reads the accents), and JSON.

Every CSV and XLSX the app hands out is written here, so text that participants typed is
never run as a formula (OWASP CSV injection): in XLSX it is a text cell, in CSV a field that
a spreadsheet would read as a formula gets a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, jsonify

Rows = Sequence[Sequence[Any]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The first characters that make Excel or LibreOffice read a field as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Text that a spreadsheet would run as a formula; numbers and dates we wrote never are."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(rows: Rows) -> str:
    """The rows as CSV text, with an apostrophe before every text that looks like a formula."""
    out = io.StringIO()
    # Text always in quotes: Dutch Excel splits on ";", and "a;=1+2" must stay one field.
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow(f"'{value}" if looks_like_formula(value) else value for value in row)
    return "\ufeff" + out.getvalue()


def xlsx_bytes(sheets: Mapping[str, Rows]) -> bytes:
    """A workbook with one sheet per name (Excel allows 31 characters)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name[:31])
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(number, column, value)
                if isinstance(value, str):
                    # openpyxl makes text starting with "=" a formula and "#N/A" an error.
                    cell.data_type = "s"
                if looks_like_formula(value):
                    cell.quotePrefix = True  # stays text when someone edits the cell in Excel
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
