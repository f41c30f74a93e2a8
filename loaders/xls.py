"""Excel 97-2003 workbooks (.xls) and WPS spreadsheets (.et, the same BIFF format), read with
xlrd: visible sheets only, values as displayed (whole numbers without ``.0``, dates as
年月日), merged ranges (``formatting_info``) as covered cells — only they inherit, as in .xlsx."""

from __future__ import annotations

import io

from ..errors import InputError
from . import Layout, Source
from .docx import add_sheet
from .model import LedgerRecord

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


def _text(book, cell) -> str:
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
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def open_book(source: Source):
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=source.data, formatting_info=True,
                                  logfile=io.StringIO())
    except Exception as exc:  # xlrd raises many types for a damaged or foreign file
        raise InputError(f"cannot open the workbook: {exc}", path=source.path,
                         expected="an Excel 97-2003 (.xls) or WPS (.et) workbook",
                         message_zh="无法打开 Excel 97-2003 工作簿") from exc


def read(source: Source) -> LedgerRecord:
    book = open_book(source)
    record = source.record(layout=LAYOUT.name)
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue
        covered: set[tuple[int, int]] = set()
        for rlo, rhi, clo, chi in sheet.merged_cells:
            covered.update((r, c) for r in range(rlo, rhi) for c in range(clo, chi) if (r, c) != (rlo, clo))
        rows: list[tuple[int, list[str | None]]] = []
        for r in range(sheet.nrows):
            rows.append((r + 1, [None if (r, c) in covered else _text(book, cell)
                                 for c, cell in enumerate(sheet.row(r))]))
        add_sheet(record, rows, sheet=sheet.name)
    return record


LAYOUT = Layout(
    name="xls",
    detect=detect,
    read=read,
    description="Excel 97-2003 / WPS workbook (.xls/.et), merged ranges read as merged cells / "
                "Excel 97-2003 或 WPS 表格",
    magic=(OLE2,),
)
