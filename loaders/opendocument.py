"""OpenDocument spreadsheets (.ods) and text documents (.odt), read from ``content.xml`` with
lxml.

Tables: ``table:table-row``/``table:table-cell``; a ``table:covered-table-cell`` (the positions a
cell spanning rows or columns covers) is a covered cell (``None``) and the only kind that
inherits, an empty cell is ``""``. Repeated cells and rows (``number-columns-repeated``,
``number-rows-repeated``) are expanded, but repeated empty cells at the end of a row and repeated
empty rows are not materialised (a sheet's 16 384 empty columns). Paragraphs (``text:p``) and
``text:line-break`` are line breaks in a cell. In a text document the paragraphs outside tables
give the title, and when there is no ledger table they are read as prose (numbered key points)."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from . import Layout, Source
from .docx import add_sheet
from .model import LedgerRecord

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{%s}" % _NS["table"]
_X = "{%s}" % _NS["text"]
_O = "{%s}" % _NS["office"]
SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "application/vnd.oasis.opendocument.text"
MAX_COLUMNS = 1024
"""Columns a row may expand to: a ledger has a dozen; the rest is a sheet's empty width."""
MAX_ROWS = 100_000
_ROW_GROUPS = {f"{_T}table-header-rows", f"{_T}table-rows", f"{_T}table-row-group"}
_SKIP = {f"{_O}annotation", f"{_X}note", f"{_X}tracked-changes", f"{_X}bookmark-start"}


def mimetype(source: Source) -> str | None:
    if not source.is_zip():
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        if "mimetype" not in archive.namelist():
            return None
        return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError):
        return None


def detect(source: Source) -> float:
    return 0.95 if mimetype(source) in (SPREADSHEET, TEXT) else 0.0


def _repeat(element, name: str) -> int:
    try:
        return max(1, int(element.get(f"{_T}{name}", "1")))
    except ValueError:
        return 1


def _inline(element, parts: list[str]) -> None:
    """The text of a paragraph's content: spans, links, spaces (text:s), tabs, line breaks."""
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            pass
        elif tag == f"{_X}s":
            parts.append(" " * max(1, int(child.get(f"{_X}c", "1") or 1)))
        elif tag == f"{_X}tab":
            parts.append(" ")
        elif tag == f"{_X}line-break":
            parts.append("\n")
        else:
            _inline(child, parts)
        if child.tail:
            parts.append(child.tail)


def _block_lines(element) -> list[str]:
    """The lines of a cell or a section: paragraphs and headings, lists, nested tables (a row
    per line, its cells separated by spaces)."""
    lines: list[str] = []
    for child in element:
        tag = child.tag
        if tag in (f"{_X}p", f"{_X}h"):
            parts: list[str] = []
            _inline(child, parts)
            lines.extend("".join(parts).split("\n"))
        elif tag == f"{_T}table":
            for cells in _table_rows(child):
                line = " ".join(c.replace("\n", " ").strip() for c in cells if c)
                if line:
                    lines.append(line)
        elif tag in _SKIP:
            continue
        else:
            lines.extend(_block_lines(child))
    return lines


def _cell_text(cell) -> str:
    return "\n".join(line.strip() for line in _block_lines(cell) if line.strip())


def _rows(table):
    for child in table:
        if child.tag == f"{_T}table-row":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _table_rows(table) -> list[list[str | None]]:
    """A table's rows on its grid: ``None`` for covered cells, repeats expanded (capped)."""
    out: list[list[str | None]] = []
    for tr in _rows(table):
        cells: list[str | None] = []
        pending: list[str | None] = []  # empty cells not yet known to be followed by content
        for tc in tr:
            if tc.tag not in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                continue
            count = _repeat(tc, "number-columns-repeated")
            value = None if tc.tag == f"{_T}covered-table-cell" else _cell_text(tc)
            if value == "":
                pending.extend([""] * min(count, MAX_COLUMNS))
                continue
            cells.extend(pending)
            pending = []
            cells.extend([value] * min(count, MAX_COLUMNS))
            if len(cells) >= MAX_COLUMNS:
                break
        cells = cells[:MAX_COLUMNS]
        repeat = _repeat(tr, "number-rows-repeated")
        if not any(c for c in cells):
            repeat = 1  # repeated empty (or only covered) rows: one stands for all
        out.extend([list(cells) for _ in range(min(repeat, MAX_ROWS - len(out)))])
        if len(out) >= MAX_ROWS:
            break
    return out


def _content(source: Source):
    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        data = archive.read("content.xml")
        return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except Exception as exc:  # a damaged archive or XML
        raise InputError(f"cannot open the OpenDocument file: {exc}", path=source.path,
                         expected="an .ods or .odt document", message_zh="无法打开 OpenDocument 文件") from exc


def _tables(element, *, inside: bool = False):
    """The tables of a document body that are not nested in another table."""
    for child in element:
        if child.tag == f"{_T}table":
            yield child
        elif child.tag not in _SKIP:
            yield from _tables(child)


def _paragraphs(element) -> list[str]:
    """The lines of a text document outside its tables."""
    lines: list[str] = []
    for child in element:
        if child.tag in (f"{_X}p", f"{_X}h"):
            parts: list[str] = []
            _inline(child, parts)
            lines.extend(l.strip() for l in "".join(parts).split("\n"))
        elif child.tag == f"{_T}table" or child.tag in _SKIP:
            continue
        elif child.tag.startswith(_X) or child.tag.startswith(_O):
            lines.extend(_paragraphs(child))
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
    paragraphs = _paragraphs(doc) if kind == TEXT else []
    if paragraphs:
        record.title = next((p for p in paragraphs if is_title(p)), None)
    ordinal = 0
    for table in _tables(doc):
        name = table.get(f"{_T}name", "")
        rows = []
        for cells in _table_rows(table):
            ordinal += 1
            rows.append((ordinal, cells))
        add_sheet(record, rows, sheet=name if kind == SPREADSHEET and name else None)
    if not record.tasks and kind == TEXT and paragraphs:
        return _prose(source, paragraphs, record)
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
