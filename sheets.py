"""Tables for people as files: CSV with a UTF-8 byte-order mark, and Excel workbooks.

Excel on Chinese Windows opens a CSV file that has no byte-order mark in the system's code page
(GBK), so every CSV that zwgk writes starts with the UTF-8 BOM (U+FEFF, bytes EF BB BF), which
Excel, WPS, LibreOffice, pandas, R and Python's ``csv`` module (``encoding="utf-8-sig"``) read as
the encoding's signature, not as text.

Workbooks (.xlsx) are written by openpyxl in write-only mode: one sheet per table, the column
names in bold on a frozen first row. A text cell is always a text cell — a value that starts
with ``=`` is never turned into a formula — and what Excel cannot hold is made to fit: the
control characters that the file format forbids are dropped, and a cell longer than Excel's
32,767 characters is cut there with a closing …."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

BOM = "\ufeff"
EXCEL_CELL_LIMIT = 32_767
"""The most characters an Excel cell holds."""
_SHEET_TITLE_LIMIT = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
"""The control characters that an .xlsx file cannot hold (openpyxl refuses them)."""

Value = str | int | float | Decimal | bool | datetime.date | None


@dataclass(frozen=True)
class Sheet:
    """One table: its title (the sheet's name in a workbook), column names and rows."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """A CSV document (RFC 4180: comma separated, CRLF line ends, quoted where needed) in UTF-8
    with a byte-order mark. ``None`` is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return with_bom(out.getvalue().encode("utf-8"))


def with_bom(data: bytes) -> bytes:
    """UTF-8 text with the byte-order mark in front (once)."""
    mark = BOM.encode("utf-8")
    return data if data.startswith(mark) else mark + data


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An Excel workbook with one sheet per table (at least one sheet, even if empty)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    titles: set[str] = set()
    for sheet in sheets or [Sheet(title="Sheet1", columns=(), rows=())]:
        page = book.create_sheet(_sheet_title(sheet.title, taken=titles))
        page.freeze_panes = "A2"
        for index, width in enumerate(_widths(sheet), start=1):
            page.column_dimensions[get_column_letter(index)].width = width
        header = []
        for name in sheet.columns:
            cell = WriteOnlyCell(page, value=_fit(name))
            cell.font = bold
            header.append(cell)
        page.append(header)
        for row in sheet.rows:
            page.append([_cell(page, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(page: WriteOnlyWorksheet, value: Value, cell_type: Callable[..., Cell]) -> Value | Cell:
    if not isinstance(value, str):
        return value
    cell = cell_type(page, value=_fit(value))
    cell.data_type = "s"  # text stays text: "=…" is not a formula
    return cell


def _fit(text: str) -> str:
    text = _ILLEGAL.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def _sheet_title(title: str, *, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    base = base[:_SHEET_TITLE_LIMIT]
    name, k = base, 1
    while name.lower() in taken:
        k += 1
        suffix = f" ({k})"
        name = base[: _SHEET_TITLE_LIMIT - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _widths(sheet: Sheet) -> list[float]:
    """Column widths from the first rows' contents (a Chinese character is two columns wide),
    between 6 and 60."""
    from .textfmt import width

    out = []
    for k, name in enumerate(sheet.columns):
        sample = [name] + [str(row[k]) for row in sheet.rows[:200] if k < len(row) and row[k] is not None]
        out.append(float(min(60, max(6, max(width(text[:80]) for text in sample) + 2))))
    return out
