"""OpenDocument spreadsheets (.ods) and text documents (.odt), read from ``content.xml`` with
lxml.

Tables: ``table:table-row``/``table:table-cell``; a ``table:covered-table-cell`` (the positions a
cell spanning rows or columns covers) is a covered cell (``None``) and the only kind that
inherits, an empty cell is ``""``. Repeated cells and rows (``number-columns-repeated``,
``number-rows-repeated``) are expanded, but repeated empty cells at the end of a row and repeated
empty rows are not materialised (a sheet's 16 384 empty columns); cells right of
``limits.MAX_COLUMNS`` are not read, and every cell, repeats included, is counted against
``limits.MAX_CELLS`` before it is materialised (``limits.Tally``). Paragraphs (``text:p``) and
``text:line-break`` are line breaks in a cell; a table nested in a cell gives its text to the
cell, down to ``limits.MAX_TABLE_DEPTH`` tables deep (deeper ones are not read, with a
warning). In a text document the paragraphs outside tables give the title, and when there is
no ledger table they are read as prose (numbered key points).

The file is checked against the ZIP limits before ``content.xml`` is inflated
(``limits.check_archive``) and parsed with libxml2's own limits on depth and node size; entity
references are never resolved (the text around them is kept, with a warning); zero-width and
bidi control characters are removed from every cell and paragraph."""

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
    from lxml.etree import _Element

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{" + _NS["table"] + "}"
_X = "{" + _NS["text"] + "}"
_O = "{" + _NS["office"] + "}"
SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "application/vnd.oasis.opendocument.text"
_ROW_GROUPS = {f"{_T}table-header-rows", f"{_T}table-rows", f"{_T}table-row-group"}
_SKIP = {f"{_O}annotation", f"{_X}note", f"{_X}tracked-changes", f"{_X}bookmark-start"}
_CELLS = (f"{_T}table-cell", f"{_T}covered-table-cell")


MIMETYPE_BYTES = 100
"""The ``mimetype`` member names a media type of a few dozen bytes, stored uncompressed (ODF 1.2
Part 3, 3.3); one that is larger or compressed otherwise is not read at all here, before the
archive is checked (``limits.check_archive``): a few KB of bzip2 inflate to gigabytes."""


def mimetype(source: Source) -> str | None:
    if not source.is_zip():
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        info = archive.getinfo("mimetype")
        if info.compress_type not in limits.ZIP_METHODS or info.file_size > MIMETYPE_BYTES:
            return None
        with archive.open(info) as member:
            return member.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None


def detect(source: Source) -> float:
    return 0.95 if mimetype(source) in (SPREADSHEET, TEXT) else 0.0


def _repeat(element: _Element, name: str) -> int:
    try:
        return max(1, int(element.get(f"{_T}{name}", "1")))
    except ValueError:
        return 1


def _inline(element: _Element, parts: list[str], *, tally: limits.Tally) -> None:
    """The text of a paragraph's content: spans, links, spaces (text:s), tabs, line breaks; an
    entity reference is left out (``tally``) and the text after it kept."""
    from lxml import etree

    if element.text and element.tag is not etree.Entity:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag is etree.Entity:
            tally.entity(child.name)  # type: ignore[attr-defined]  # an _Entity; lxml-stubs have no such class
        elif not isinstance(tag, str) or tag in _SKIP:
            pass
        elif tag == f"{_X}s":
            try:
                spaces = int(child.get(f"{_X}c", "1") or 1)
            except ValueError:
                spaces = 1
            parts.append(" " * min(max(1, spaces), limits.MAX_CELL_CHARS))
        elif tag == f"{_X}tab":
            parts.append(" ")
        elif tag == f"{_X}line-break":
            parts.append("\n")
        else:
            _inline(child, parts, tally=tally)
        if child.tail:
            parts.append(child.tail)


def _paragraph(element: _Element, *, tally: limits.Tally) -> str:
    parts: list[str] = []
    _inline(element, parts, tally=tally)
    return strip_invisible("".join(parts))


def _block_lines(element: _Element, *, depth: int, line: int, tally: limits.Tally) -> list[str]:
    """The lines of a cell (of a table ``depth`` deep) or a section: paragraphs and headings,
    lists, nested tables (a row per line, its cells separated by spaces) down to
    ``limits.MAX_TABLE_DEPTH``."""
    lines: list[str] = []
    for child in element:
        tag = child.tag
        if tag in (f"{_X}p", f"{_X}h"):
            lines.extend(_paragraph(child, tally=tally).split("\n"))
        elif tag == f"{_T}table":
            if depth + 1 > limits.MAX_TABLE_DEPTH:
                _left_out(child, line=line, tally=tally)
                continue
            for _, cells in _table_rows(child, line=line, depth=depth + 1, tally=tally):
                text = " ".join(c.replace("\n", " ").strip() for c in cells if c)
                if text:
                    lines.append(text)
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        else:
            lines.extend(_block_lines(child, depth=depth, line=line, tally=tally))
    return lines


def _left_out(table: _Element, *, line: int, tally: limits.Tally) -> None:
    """``table`` (and the tables inside it) not read, in the row at ``line``."""
    shown = ""
    for text in table.itertext(f"{_X}p", f"{_X}span", f"{_X}h"):
        shown += text  # type: ignore[operator]  # lxml-stubs type itertext as str | bytes; it is str
        if len(shown) >= limits.SHOWN_CHARS:
            break
    tally.left_out(line=line, tables=sum(1 for _ in table.iter(f"{_T}table")), text=strip_invisible(shown))


def _cell_text(cell: _Element, *, depth: int, line: int, tally: limits.Tally) -> str:
    return "\n".join(text.strip() for text in _block_lines(cell, depth=depth, line=line, tally=tally) if text.strip())


def _rows(table: _Element) -> Iterator[_Element]:
    for child in table:
        if child.tag == f"{_T}table-row":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _table_rows(
    table: _Element, *, line: int, tally: limits.Tally, depth: int = 1
) -> list[tuple[int, list[str | None]]]:
    """(line, cells) per row of a table on its grid: ``None`` for covered cells, repeats
    expanded once counted (``tally``), at most ``limits.MAX_COLUMNS`` cells a row. The rows of a
    ledger's table (``depth`` 1) are numbered from ``line``; the rows of a nested table all
    have ``line``, the line of the row it is nested in."""
    width = limits.MAX_COLUMNS
    out: list[tuple[int, list[str | None]]] = []
    for tr in _rows(table):
        here = line + len(out) if depth == 1 else line
        cells: list[str | None] = []
        pending = 0  # empty cells not yet known to be followed by content
        for tc in tr:
            if tc.tag not in _CELLS:
                continue
            count = _repeat(tc, "number-columns-repeated")
            value = None if tc.tag == f"{_T}covered-table-cell" else _cell_text(tc, depth=depth, line=here, tally=tally)
            if value == "":
                pending = min(pending + count, width)
                continue
            if len(cells) + pending >= width:
                if value:
                    tally.far_cell(line=here)
                continue
            cells.extend([""] * pending)
            pending = 0
            cells.extend([value] * min(count, width - len(cells)))
        repeat = _repeat(tr, "number-rows-repeated")
        if not any(c for c in cells):
            repeat = 1  # repeated empty (or only covered) rows: one stands for all
        cells = tally.row(cells, line=here, repeat=repeat)
        for _ in range(repeat):
            out.append((line + len(out) if depth == 1 else line, list(cells)))
    return out


def _content(source: Source) -> _Element:
    from lxml import etree

    source.check_archive()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        data = archive.read("content.xml")
        return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception as exc:  # a damaged archive or XML
        raise InputError(
            f"cannot open the OpenDocument file: {exc}",
            path=source.path,
            expected="an .ods or .odt document",
            message_zh="无法打开 OpenDocument 文件",
        ) from exc


def _tables(element: _Element, *, inside: bool = False) -> Iterator[_Element]:
    """The tables of a document body that are not nested in another table."""
    for child in element:
        if child.tag == f"{_T}table":
            yield child
        elif child.tag not in _SKIP:
            yield from _tables(child)


def _paragraphs(element: _Element, *, tally: limits.Tally) -> list[str]:
    """The lines of a text document outside its tables."""
    lines: list[str] = []
    for child in element:
        if child.tag in (f"{_X}p", f"{_X}h"):
            lines.extend(line.strip() for line in _paragraph(child, tally=tally).split("\n"))
        elif child.tag == f"{_T}table" or child.tag in _SKIP or not isinstance(child.tag, str):
            continue
        elif child.tag.startswith(_X) or child.tag.startswith(_O):
            lines.extend(_paragraphs(child, tally=tally))
    return lines


def read(source: Source) -> LedgerRecord:
    from .page import is_title

    kind = mimetype(source)
    root = _content(source)
    body = root.find(f"{_O}body")
    doc = None if body is None else (body.find(f"{_O}spreadsheet") if kind == SPREADSHEET else body.find(f"{_O}text"))
    record = source.record(layout=LAYOUT.name)
    if doc is None:
        return record
    tally = limits.Tally(path=source.path)
    paragraphs = _paragraphs(doc, tally=tally) if kind == TEXT else []
    if paragraphs:
        record.title = next((p for p in paragraphs if is_title(p)), None)
    ordinal = 1
    for table in _tables(doc):
        name = table.get(f"{_T}name", "")
        sheet = name if kind == SPREADSHEET and name else None
        rows = _table_rows(table, line=ordinal, tally=tally)
        ordinal += len(rows)
        add_sheet(record, rows, sheet=sheet)
        record.warnings.extend(tally.finish(sheet=sheet))
    if not record.tasks and kind == TEXT and paragraphs:
        prose = _prose(source, paragraphs, record)
        prose.warnings.extend(tally.finish())
        return prose
    record.warnings.extend(tally.finish())
    return record


def _prose(source: Source, paragraphs: list[str], record: LedgerRecord) -> LedgerRecord:
    """A text document with no ledger table: its paragraphs read as numbered key points."""
    from . import prose

    text_source = Source(source.path)
    text_source.__dict__["data"] = source.data
    text_source.__dict__["text"] = "\n".join(paragraphs)
    text_source.__dict__["lines"] = list(paragraphs)
    read_record = prose.read(text_source)
    read_record.layout = LAYOUT.name
    read_record.title = read_record.title or record.title
    return read_record


LAYOUT = Layout(
    name="opendocument",
    detect=detect,
    read=read,
    description="OpenDocument spreadsheet or text (.ods/.odt), real merged cells / OpenDocument 表格或文档",
    magic=(b"PK\x03\x04",),
)
