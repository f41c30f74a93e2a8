"""Excel workbooks (.xlsx), read with openpyxl: visible sheets only, formulas as their cached
values. Only the sheet's real merged ranges inherit: the positions a range covers other than its
top-left cell are covered cells (``None``); any other cell with no value is an empty cell (``""``)."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from . import Layout, Source
from .docx import add_sheet
from .model import LedgerRecord


def _is_workbook(source: Source) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(source.data)).namelist()
    except zipfile.BadZipFile:
        return False


def detect(source: Source) -> float:
    return 0.95 if source.is_zip() and _is_workbook(source) else 0.0


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _covered(sheet) -> set[tuple[int, int]]:
    """(row, column) of every position a merged range covers other than its top-left cell."""
    out: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    out.add((row, col))
    return out


def read(source: Source) -> LedgerRecord:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(source.data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"cannot open the workbook: {exc}", path=source.path,
                         expected="an .xlsx workbook", message_zh="无法打开 Excel 工作簿") from exc
    record = source.record(layout=LAYOUT.name)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        covered = _covered(sheet)
        rows: list[tuple[int, list[str | None]]] = []
        for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((index, [None if (index, col) in covered else _text(v)
                                 for col, v in enumerate(values, start=1)]))
        add_sheet(record, rows, sheet=sheet.title)
    return record


LAYOUT = Layout(
    name="xlsx",
    detect=detect,
    read=read,
    description="Excel workbook (.xlsx), merged ranges read as merged cells / Excel 工作簿",
    magic=(b"PK\x03\x04",),
)
