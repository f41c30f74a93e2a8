"""Comma-separated tables (.csv saved from Excel or WPS), read with the csv module into the same
grid as every other table: one record is one row, an empty record separates blocks of merges.
A .csv keeps no merged ranges, so an empty cell inherits the one above only in a row that shows
itself a continuation of a merged block (``table.mark_text_merges``); a row with its own number
or indicator, or one printing cells of its own, keeps its empty cells empty."""

from __future__ import annotations

import csv
import io

from ..model import LedgerRecord
from .delimited import find_header, header_line, rows_to_grid
from .source import Layout, Source
from .table import grid_to_tasks
from .text import strip_html

_DELIMITERS = ",;"


def _dialect(text: str) -> str:
    """The delimiter that splits the most lines into two or more cells."""
    lines = [l for l in text.split("\n")[:200] if l.strip()]
    return max(_DELIMITERS, key=lambda d: sum(1 for l in lines if l.count(d) >= 1))


def records(text: str) -> list[tuple[int, list[str] | None]]:
    """(1-based line where the record starts, cells) per record; ``None`` for an empty record."""
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text))
    out: list[tuple[int, list[str] | None]] = []
    line = 1
    for cells in reader:
        cells = [strip_html(c) for c in cells]
        out.append((line, cells if any(c.strip() for c in cells) else None))
        line = reader.line_num + 1
    return out


def detect(source: Source) -> float:
    """A header row of short column titles, and records of that many cells (prose with commas
    gives records of every length)."""
    lines = source.nonblank_lines
    if not lines or sum(1 for l in lines if "\t" in l) > len(lines) * 0.2:
        return 0.0
    body = [(n, c) for n, c in records(source.text) if c is not None]
    at = find_header(body)
    if at is None or any(len(c) > 12 for c in body[at][1]):
        return 0.0
    width = len(body[at][1])
    after = body[at + 1 :]
    aligned = sum(1 for _, cells in after if len(cells) == width)
    if len(after) < 2 or aligned < 0.8 * len(after):
        return 0.0
    return 0.85


def read(source: Source) -> LedgerRecord:
    rows = records(source.text)
    grid = rows_to_grid(rows, source=source)
    record = source.record(layout=LAYOUT.name)
    record.tasks = grid_to_tasks(grid)
    record.warnings.extend(grid.header.warnings(line=header_line(rows)))
    return record


LAYOUT = Layout(
    name="csv",
    detect=detect,
    read=read,
    description="comma-separated table (.csv) / 逗号分隔的表格",
)
