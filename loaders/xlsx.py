"""Excel workbooks (.xlsx), read with openpyxl in read-only (streaming) mode: visible sheets
only, formulas as their cached values. Only the sheet's real merged ranges inherit: the
positions a range covers other than its top-left cell are covered cells (``None``); any other
cell with no value is an empty cell (``""``).

A sheet is read from the cells it holds, never from the dimension it declares (one stray cell
at XFD1048576 declares a million rows by 16,384 columns): rows are streamed, cells right of
``limits.MAX_COLUMNS`` are not read (a warning says how many held text), trailing empty cells are
dropped, a run of empty rows is one break between blocks, and every cell is counted against
``limits.MAX_CELLS`` as it is read. Merged ranges, which read-only mode does not give, are read
from the sheet's ``<mergeCell>`` elements in a second streaming pass, and clipped to the rows
and columns read. Zero-width and bidi control characters are removed from every cell."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..analysis.normalise import strip_invisible
from ..errors import InputError
from ..model import LedgerRecord
from . import limits
from .docx import add_sheet
from .source import Layout, Source

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


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
    return strip_invisible(str(value)).strip()


def _merges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of every merged range of the sheet in
    ``member``, read by streaming the sheet's XML (rows are dropped as they are passed)."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    out: list[tuple[int, int, int, int]] = []
    with archive.open(member) as stream:
        for _, element in etree.iterparse(
            stream, events=("end",), tag=(f"{_MAIN}row", f"{_MAIN}mergeCell"), resolve_entities=False, no_network=True
        ):
            if element.tag == f"{_MAIN}mergeCell":
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref") or "")
                except (TypeError, ValueError):
                    min_col = None
                if min_col is not None and min_row is not None:
                    out.append((min_row, min_col, max_row or min_row, max_col or min_col))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return out


def _present_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, values) of the rows the sheet's XML holds, as openpyxl's read-only
    ``iter_rows`` gives them but without the empty rows it makes up for the gaps: one stray cell
    at row 1,048,576 would have it yield a million empty rows. A row that comes after a later
    one is dropped, as ``iter_rows`` drops it. openpyxl's own parser, through the read-only
    sheet's private parts (openpyxl 3.1)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    following = 1
    with sheet._get_source() as source:  # type: ignore[attr-defined]  # private, not in the stubs
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,  # type: ignore[attr-defined]
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,  # type: ignore[attr-defined]
            timedelta_formats=book._timedelta_formats,  # type: ignore[attr-defined]
        )
        for index, cells in parser.parse():
            if index < following:
                continue
            following = index + 1
            yield index, sheet._get_row(cells, 1, None, True)  # type: ignore[attr-defined]


def _sheet_rows(
    sheet: ReadOnlyWorksheet, merges: list[tuple[int, int, int, int]], *, tally: limits.Tally
) -> list[tuple[int, list[str | None]]]:
    """The (row number, cells) of a sheet: the cells it holds, ``None`` where a merged range
    covers a position, an empty row between two runs of rows (a break)."""
    width = limits.MAX_COLUMNS
    held: dict[int, list[str | None]] = {}
    for index, values in _present_rows(sheet):
        if len(values) > width and any(v not in (None, "") for v in values[width:]):
            tally.far_cell(line=index)
        cells: list[str | None] = [_text(v) for v in values[:width]]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            held[index] = tally.row(cells, line=index)
    last = max(held, default=0)
    for first_row, first_col, last_row, last_col in merges:
        rows = range(first_row, min(last_row, last) + 1)
        cols = range(first_col, min(last_col, width) + 1)
        tally.covered(len(rows) * len(cols), line=first_row)
        for row in rows:
            cells = held.setdefault(row, [])
            for col in cols:
                if (row, col) != (first_row, first_col):
                    cells.extend([""] * (col - len(cells)))
                    cells[col - 1] = None
    out: list[tuple[int, list[str | None]]] = []
    for index in sorted(held):
        if out and index > out[-1][0] + 1:
            out.append((index - 1, []))  # the empty rows before it: one break
        out.append((index, held[index]))
    return out


def read(source: Source) -> LedgerRecord:
    from openpyxl import load_workbook

    source.check_archive()
    try:
        book = load_workbook(io.BytesIO(source.data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(
            f"cannot open the workbook: {exc}",
            path=source.path,
            expected="an .xlsx workbook",
            message_zh="无法打开 Excel 工作簿",
        ) from exc
    record = source.record(layout=LAYOUT.name)
    tally = limits.Tally(path=source.path)
    archive = zipfile.ZipFile(io.BytesIO(source.data))
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            try:
                # Read-only sheets keep their member's name in ``_worksheet_path`` (openpyxl 3.1).
                rows = _sheet_rows(
                    sheet,
                    _merges(archive, sheet._worksheet_path),  # type: ignore[attr-defined]  # private, not in the stubs
                    tally=tally,
                )
            except InputError:
                raise
            except Exception as exc:  # a sheet's XML is read only now, as it is streamed
                raise InputError(
                    f"cannot read sheet {sheet.title}: {exc}",
                    path=source.path,
                    expected="an .xlsx workbook",
                    message_zh=f"无法读取工作表 {sheet.title}",
                ) from exc
            add_sheet(record, rows, sheet=sheet.title)
            record.warnings.extend(tally.finish(sheet=sheet.title))
    finally:
        book.close()
    return record


LAYOUT = Layout(
    name="xlsx",
    detect=detect,
    read=read,
    description="Excel workbook (.xlsx), merged ranges read as merged cells / Excel 工作簿",
    magic=(b"PK\x03\x04",),
)
