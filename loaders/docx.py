"""Word documents (.docx), read with python-docx: the tables' real cells. A vertically merged
cell's continuation (``vMerge`` without ``restart``) is read as an empty, merged cell; a cell
spanning several grid columns is followed by empty cells so that rows stay aligned with the
header. Paragraphs before the first table give the title."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from . import Layout, Source
from .delimited import header_line, rows_to_grid
from .metadata import extract_metadata
from .model import LedgerRecord
from .table import grid_to_tasks

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _is_document(source: Source) -> bool:
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(source.data)).namelist()
    except zipfile.BadZipFile:
        return False


def detect(source: Source) -> float:
    return 0.95 if source.is_zip() and _is_document(source) else 0.0


def _row_cells(tr) -> list[str]:
    cells: list[str] = []
    for tc in tr.iter(f"{_W}tc"):
        props = tc.find(f"{_W}tcPr")
        span, continued = 1, False
        if props is not None:
            grid_span = props.find(f"{_W}gridSpan")
            if grid_span is not None:
                span = int(grid_span.get(f"{_W}val", "1"))
            merge = props.find(f"{_W}vMerge")
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.iter(f"{_W}p")]
        text = "" if continued else "\n".join(p for p in paragraphs if p.strip()).strip()
        cells.append(text)
        cells.extend([""] * (span - 1))
    return cells


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
    for table in document.tables:
        rows: list[tuple[int, list[str] | None]] = []
        for tr in table._tbl.tr_lst:
            ordinal += 1
            cells = _row_cells(tr)
            rows.append((ordinal, cells if any(c.strip() for c in cells) else None))
        head = header_line(rows)
        if head is None:
            continue
        grid = rows_to_grid(rows, source=source)
        record.tasks.extend(grid_to_tasks(grid))
        record.warnings.extend(grid.header.warnings(line=head))
    return record


LAYOUT = Layout(
    name="docx",
    detect=detect,
    read=read,
    description="Word document (.docx), real merged cells / Word 文档中的表格",
    magic=(b"PK\x03\x04",),
)
