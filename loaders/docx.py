"""Word documents (.docx), read with python-docx/lxml: the tables' real cells.

Only what the document marks as merged inherits: a vertically merged cell's continuation
(``vMerge`` without ``restart``) and the grid positions a cell spanning several columns covers
(``gridSpan``) are covered cells (``None``); a cell with no text is an empty cell (``""``). Line
breaks inside a cell (``<w:br/>``, paragraphs) are kept as ``\\n`` — they may separate units. A
table nested in a cell gives its text to that cell. Paragraphs before the first table give the
title."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from . import Layout, Source
from .delimited import merged_grid
from .metadata import extract_metadata
from .model import LedgerRecord, LedgerWarning
from .table import grid_to_tasks

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}

Row = tuple[int, "list[str | None] | None"]


def _is_document(source: Source) -> bool:
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(source.data)).namelist()
    except zipfile.BadZipFile:
        return False


def detect(source: Source) -> float:
    return 0.95 if source.is_zip() and _is_document(source) else 0.0


def _children(element, tag: str):
    """Direct children with ``tag``, looking through content controls and custom XML wrappers
    (never into nested tables)."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for el in p.iter():
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
        elif el.tag == f"{_W}delText":
            continue
    return "".join(parts)


def _block_text(element) -> str:
    """The text of a cell (or of the document body): paragraphs and nested tables in order,
    one line each; a nested table's rows are lines, its cells separated by spaces."""
    lines: list[str] = []
    for child in element:
        if child.tag in _WRAPPERS:
            text = _block_text(child)
            if text:
                lines.append(text)
        elif child.tag == f"{_W}p":
            lines.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            for tr in _children(child, f"{_W}tr"):
                cells = [_block_text(tc).replace("\n", " ").strip() for tc in _children(tr, f"{_W}tc")]
                line = " ".join(c for c in cells if c)
                if line:
                    lines.append(line)
    return "\n".join(line.strip() for line in "\n".join(lines).split("\n") if line.strip())


def _int(element, default: int = 0) -> int:
    try:
        return int(element.get(f"{_W}val", default)) if element is not None else default
    except ValueError:
        return default


def _row_cells(tr) -> list[str | None]:
    """A row's cells on the table grid: ``None`` where a merge covers the position."""
    cells: list[str | None] = []
    props = tr.find(f"{_W}trPr")
    if props is not None:
        cells.extend([""] * _int(props.find(f"{_W}gridBefore")))
    for tc in _children(tr, f"{_W}tc"):
        tc_props = tc.find(f"{_W}tcPr")
        span, continued = 1, False
        if tc_props is not None:
            span = max(1, _int(tc_props.find(f"{_W}gridSpan"), 1))
            merge = tc_props.find(f"{_W}vMerge")
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            if tc_props.find(f"{_W}hMerge") is not None and \
                    tc_props.find(f"{_W}hMerge").get(f"{_W}val", "continue") != "restart":
                cells.append(None)
                continue
        cells.append(None if continued else _block_text(tc))
        cells.extend([None] * (span - 1))
    return cells


def add_sheet(record: LedgerRecord, rows: list[tuple[int, list[str | None]]], *,
              sheet: str | None = None) -> None:
    """The tasks of one office table (a sheet, a Word or OpenDocument table) added to the record,
    with its header's warnings (prefixed by the sheet's name); the rows above the header give
    the title when the record has none. A table without a ledger header adds nothing."""
    built = merged_grid(rows)
    if built is None:
        return
    grid, head = built
    if record.title is None:
        found = extract_metadata([" ".join(c for c in cells if c) for n, cells in rows if n < head])
        record.title = str(found["title"]) if found.get("title") else None
    record.tasks.extend(grid_to_tasks(grid))
    record.warnings.extend(
        LedgerWarning(code=w.code, en=f"sheet {sheet}: {w.en}" if sheet else w.en,
                      zh=f"工作表 {sheet}：{w.zh}" if sheet else w.zh, line=w.line)
        for w in grid.header.warnings(line=head)
    )


def read(source: Source) -> LedgerRecord:
    import docx

    try:
        document = docx.Document(io.BytesIO(source.data))
    except Exception as exc:  # python-docx raises many types for a damaged file
        raise InputError(f"cannot open the document: {exc}", path=source.path,
                         expected="a .docx document", message_zh="无法打开 Word 文档") from exc
    record = source.record(layout=LAYOUT.name)
    found = extract_metadata([p.text for p in document.paragraphs[:60]])
    record.title = str(found["title"]) if found.get("title") else None
    ordinal = 0
    for tbl in _children(document.element.body, f"{_W}tbl"):
        rows: list[tuple[int, list[str | None]]] = []
        for tr in _children(tbl, f"{_W}tr"):
            ordinal += 1
            rows.append((ordinal, _row_cells(tr)))
        add_sheet(record, rows)
    return record


LAYOUT = Layout(
    name="docx",
    detect=detect,
    read=read,
    description="Word document (.docx), real merged cells / Word 文档中的表格",
    magic=(b"PK\x03\x04",),
)
