"""Data as files: CSV for anything, XLSX with one sheet per table (organisers open both in
Excel, so the CSV starts with a byte-order mark and Excel reads the accents), and JSON.

The CSV is written for Dutch Excel, whose list separator is ";": UTF-8 with a byte-order
mark, fields separated by ";", text in double quotes (so a newline inside a vraagstuk stays
inside its field). Other programs read it with delimiter ";" (Python: csv.reader(f,
delimiter=";") after decoding "utf-8-sig"). The XLSX has a bold, frozen header row, column
widths that fit the text and the organisation as its creator.

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
CSV_DELIMITER = ";"  # Dutch Excel's list separator
CREATOR = "Samen Opleiden & Professionaliseren"  # the organisation, in the XLSX's properties
MAX_WIDTH = 60  # characters; longer text wraps


def looks_like_formula(value: Any) -> bool:
    """Text that a spreadsheet would run as a formula; numbers and dates we wrote never are."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(rows: Rows) -> str:
    """The rows as CSV text, with an apostrophe before every text that looks like a formula."""
    out = io.StringIO()
    # Text always in quotes: Dutch Excel splits on ";", and "a;=1+2" must stay one field.
    writer = csv.writer(out, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow(_csv_field(value) for value in row)
    return "\ufeff" + out.getvalue()


def _csv_field(value: Any) -> Any:
    """A text that looks like a formula gets an apostrophe; a fraction a decimal comma
    (2.5 -> "2,5", which Dutch Excel reads as a number); whole numbers stay as they are."""
    if looks_like_formula(value):
        return f"'{value}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return value


def xlsx_bytes(sheets: Mapping[str, Rows], title: str = "") -> bytes:
    """A workbook with one sheet per name (Excel allows 31 characters): the first row is
    the header (bold, frozen), columns as wide as their text (up to MAX_WIDTH, then wrapped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = book.properties.lastModifiedBy = CREATOR
    book.properties.language = "nl-NL"
    if title:
        book.properties.title = title
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for name, rows in sheets.items():
        sheet = book.create_sheet(name[:31])
        widths: dict[int, int] = {}
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(number, column, value)
                if isinstance(value, str):
                    # openpyxl makes text starting with "=" a formula and "#N/A" an error.
                    cell.data_type = "s"
                    longest = max((len(line) for line in value.splitlines()), default=0)
                    if longest > MAX_WIDTH or "\n" in value:
                        cell.alignment = wrap
                else:
                    longest = len(str(value)) if value is not None else 0
                if number == 1:
                    cell.font = bold
                widths[column] = max(widths.get(column, 0), min(longest, MAX_WIDTH))
                if looks_like_formula(value):
                    cell.quotePrefix = True  # stays text when someone edits the cell in Excel
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = max(width, 6) + 2
        if rows:
            sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(sheets: Mapping[str, Rows], fmt: str, name: str) -> Response:
    """A CSV (the first table) or XLSX (all tables) download named name.<fmt>."""
    if fmt == "csv":
        # Werkzeug adds "; charset=utf-8" to a text/* mimetype itself: named here it came twice.
        body, mimetype = csv_text(next(iter(sheets.values()))), "text/csv"
    else:
        body, mimetype = xlsx_bytes(sheets), XLSX
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, mimetype=mimetype, headers=headers)


def json_download(data: Any, name: str) -> Response:
    """A JSON document as a download named name.json."""
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
