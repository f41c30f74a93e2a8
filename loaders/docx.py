"""Word documents (.docx), read with python-docx/lxml: the tables' real cells.

Only what the document marks as merged inherits: a vertically merged cell's continuation
(``vMerge`` without ``restart``) and the grid positions a cell spanning several columns covers
(``gridSpan``) are covered cells (``None``); a cell with no text is an empty cell (``""``). Line
breaks inside a cell (``<w:br/>``, paragraphs) are kept as ``\\n`` — they may separate units. A
table nested in a cell gives its text to that cell, down to ``limits.MAX_TABLE_DEPTH`` tables
deep; tables nested deeper are not read, with a warning (``nested-tables-not-read``) naming the
row and the text left out. Paragraphs before the first table give the title.

The file is checked against the ZIP limits before python-docx opens it
(``limits.check_archive``), its cells are counted as they are read (``limits.Tally``), and
zero-width and bidi control characters are removed from every cell (``strip_invisible``), so
that 县\\u200b财政局 is 县财政局. An entity reference (``&name;``, declared in a DOCTYPE Word
never writes) is never resolved — an external one may name any file —; the text around it is
kept and a warning (``unresolved-entity``) names it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..analysis.normalise import strip_invisible
from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning
from . import limits
from .delimited import merged_grid
from .metadata import extract_metadata
from .source import Layout, Source
from .table import grid_to_tasks

if TYPE_CHECKING:
    from lxml.etree import _Element

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


def _children(element: _Element, tag: str) -> Iterator[_Element]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers
    (never into nested tables)."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _paragraph_text(p: _Element, *, tally: limits.Tally) -> str:
    from lxml import etree

    parts: list[str] = []
    for el in p.iter():
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
            for child in el:  # an entity reference (never resolved) or a comment: the text after it
                parts.append(child.tail or "")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
        elif el.tag is etree.Entity:
            tally.entity(el.name)  # type: ignore[attr-defined]  # an _Entity; lxml-stubs have no such class
    return strip_invisible("".join(parts))


def _block_text(element: _Element, *, depth: int, line: int, tally: limits.Tally) -> str:
    """The text of a cell (or of the document body) of a table ``depth`` deep: paragraphs and
    nested tables in order, one line each; a nested table's rows are lines, its cells separated
    by spaces. A nested table deeper than ``limits.MAX_TABLE_DEPTH`` is left out (``tally``)."""
    lines: list[str] = []
    for child in element:
        if child.tag in _WRAPPERS:
            text = _block_text(child, depth=depth, line=line, tally=tally)
            if text:
                lines.append(text)
        elif child.tag == f"{_W}p":
            lines.append(_paragraph_text(child, tally=tally))
        elif child.tag == f"{_W}tbl":
            if depth + 1 > limits.MAX_TABLE_DEPTH:
                _left_out(child, line=line, tally=tally)
                continue
            for tr in _children(child, f"{_W}tr"):
                cells = [
                    _block_text(tc, depth=depth + 1, line=line, tally=tally).replace("\n", " ").strip()
                    for tc in _children(tr, f"{_W}tc")
                ]
                text = " ".join(c for c in cells if c)
                if text:
                    lines.append(text)
    return "\n".join(text.strip() for text in "\n".join(lines).split("\n") if text.strip())


def _left_out(table: _Element, *, line: int, tally: limits.Tally) -> None:
    """``table`` (and the tables inside it) not read, in the row at ``line``."""
    shown = ""
    for el in table.iter(f"{_W}t"):
        shown += el.text or ""
        if len(shown) >= limits.SHOWN_CHARS:
            break
    tally.left_out(line=line, tables=sum(1 for _ in table.iter(f"{_W}tbl")), text=strip_invisible(shown))


def _int(element: _Element | None, default: int = 0) -> int:
    try:
        return int(element.get(f"{_W}val", default)) if element is not None else default
    except ValueError:
        return default


def _row_cells(tr: _Element, *, line: int, tally: limits.Tally) -> list[str | None]:
    """A row's cells on the table grid: ``None`` where a merge covers the position; at most
    ``limits.MAX_COLUMNS`` positions (a span or a cell beyond them is not read)."""
    width = limits.MAX_COLUMNS
    cells: list[str | None] = []
    props = tr.find(f"{_W}trPr")
    if props is not None:
        cells.extend([""] * min(max(0, _int(props.find(f"{_W}gridBefore"))), width))
    for tc in _children(tr, f"{_W}tc"):
        if len(cells) >= width:
            if _block_text(tc, depth=1, line=line, tally=tally):
                tally.far_cell(line=line)
            continue
        tc_props = tc.find(f"{_W}tcPr")
        span, continued = 1, False
        if tc_props is not None:
            span = min(max(1, _int(tc_props.find(f"{_W}gridSpan"), 1)), width)
            merge = tc_props.find(f"{_W}vMerge")
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            h_merge = tc_props.find(f"{_W}hMerge")
            if h_merge is not None and h_merge.get(f"{_W}val", "continue") != "restart":
                cells.append(None)
                continue
        cells.append(None if continued else _block_text(tc, depth=1, line=line, tally=tally))
        cells.extend([None] * (span - 1))
    return cells[:width]


def add_sheet(record: LedgerRecord, rows: list[tuple[int, list[str | None]]], *, sheet: str | None = None) -> None:
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
        LedgerWarning(
            code=w.code,
            en=f"sheet {sheet}: {w.en}" if sheet else w.en,
            zh=f"工作表 {sheet}：{w.zh}" if sheet else w.zh,
            line=w.line,
        )
        for w in grid.header.warnings(line=head)
    )


def read(source: Source) -> LedgerRecord:
    import docx

    source.check_archive()
    try:
        document = docx.Document(io.BytesIO(source.data))
    except Exception as exc:  # python-docx raises many types for a damaged file
        raise InputError(
            f"cannot open the document: {exc}",
            path=source.path,
            expected="a .docx document",
            message_zh="无法打开 Word 文档",
        ) from exc
    record = source.record(layout=LAYOUT.name)
    tally = limits.Tally(path=source.path)
    body = document.element.body
    paragraphs = [_paragraph_text(p, tally=tally) for _, p in zip(range(60), _children(body, f"{_W}p"))]
    found = extract_metadata(paragraphs)
    record.title = str(found["title"]) if found.get("title") else None
    ordinal = 0
    for tbl in _children(body, f"{_W}tbl"):
        rows: list[tuple[int, list[str | None]]] = []
        for tr in _children(tbl, f"{_W}tr"):
            ordinal += 1
            rows.append((ordinal, tally.row(_row_cells(tr, line=ordinal, tally=tally), line=ordinal)))
        add_sheet(record, rows)
    record.warnings.extend(tally.finish())
    return record


LAYOUT = Layout(
    name="docx",
    detect=detect,
    read=read,
    description="Word document (.docx), real merged cells / Word 文档中的表格",
    magic=(b"PK\x03\x04",),
)
