"""Excel 97-2003 workbooks (.xls) and WPS spreadsheets (.et, the same BIFF format), read with
xlrd: visible sheets only, values as displayed (whole numbers without ``.0``, dates as
年月日), merged ranges (``formatting_info``) as covered cells — only they inherit, as in .xlsx.

Rows are read as long as their last cell (``ragged_rows``), not padded to the widest row, merged
ranges are clipped to the rows read, and every cell is counted against ``limits.MAX_CELLS``
(``limits.Tally``); zero-width and bidi control characters are removed from every cell."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ..analysis.normalise import strip_invisible
from ..errors import InputError
from ..model import LedgerRecord
from . import limits
from .docx import add_sheet
from .source import Layout, Source

if TYPE_CHECKING:
    from xlrd.book import Book
    from xlrd.sheet import Cell, Sheet

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


def streams(source: Source) -> list[str]:
    """The names in an OLE2 file's directory (``[]`` when it is not one or is damaged)."""
    if not source.data.startswith(OLE2):
        return []
    try:
        from xlrd.compdoc import CompDoc

        return [entry.name for entry in CompDoc(source.data, logfile=io.StringIO()).dirlist]
    except Exception:  # noqa: BLE001 — a damaged directory is simply not a workbook
        return []


def detect(source: Source) -> float:
    return 0.95 if any(name in BOOK_STREAMS for name in streams(source)) else 0.0


def _text(book: Book, cell: Cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    value = cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate_as_datetime(value, book.datemode)
            return f"{when.year}年{when.month}月{when.day}日"
        except Exception:  # noqa: BLE001 — an impossible date reads as its number
            pass
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return strip_invisible(str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()


def open_book(source: Source) -> Book:
    import xlrd

    try:
        return xlrd.open_workbook(
            file_contents=source.data, formatting_info=True, ragged_rows=True, logfile=io.StringIO()
        )
    except Exception as exc:  # xlrd raises many types for a damaged or foreign file
        raise InputError(
            f"cannot open the workbook: {exc}",
            path=source.path,
            expected="an Excel 97-2003 (.xls) or WPS (.et) workbook",
            message_zh="无法打开 Excel 97-2003 工作簿",
        ) from exc


def _sheet_rows(book: Book, sheet: Sheet, *, tally: limits.Tally) -> list[tuple[int, list[str | None]]]:
    """(row number, cells) of a sheet: ``None`` where a merged range covers a position."""
    width = limits.MAX_COLUMNS
    covered: dict[int, set[int]] = {}
    for rlo, rhi, clo, chi in sheet.merged_cells:
        rows, cols = range(rlo, min(rhi, sheet.nrows)), range(clo, min(chi, width))
        tally.covered(len(rows) * len(cols), line=rlo + 1)
        for r in rows:
            covered.setdefault(r, set()).update(c for c in cols if (r, c) != (rlo, clo))
    out: list[tuple[int, list[str | None]]] = []
    for r in range(sheet.nrows):
        found = sheet.row(r)
        if len(found) > width and any(_text(book, cell) for cell in found[width:]):
            tally.far_cell(line=r + 1)
        here = covered.get(r, set())
        cells: list[str | None] = [None if c in here else _text(book, cell) for c, cell in enumerate(found[:width])]
        cells.extend(None if c in here else "" for c in range(len(cells), max(here, default=-1) + 1))
        out.append((r + 1, tally.row(cells, line=r + 1)))
    return out


def read(source: Source) -> LedgerRecord:
    book = open_book(source)
    record = source.record(layout=LAYOUT.name)
    tally = limits.Tally(path=source.path)
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue
        add_sheet(record, _sheet_rows(book, sheet, tally=tally), sheet=sheet.name)
        record.warnings.extend(tally.finish(sheet=sheet.name))
    return record


LAYOUT = Layout(
    name="xls",
    detect=detect,
    read=read,
    description="Excel 97-2003 / WPS workbook (.xls/.et), merged ranges read as merged cells / "
    "Excel 97-2003 或 WPS 表格",
    magic=(OLE2,),
)
