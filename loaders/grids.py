"""Cells from text: the conventions by which a table arrives when a page is saved or copied.

Each function turns a document's lines into a stream of cells (text and source lines), with no
notion of rows yet: the readers decide rows from the header and the cells' contents, because a
vertically merged cell is printed once and the rows below it simply have fewer cells.

- ``bar_cells``: a ``|`` (or ｜) closes a cell — one cell per line closed by ``|``, a lone ``|``
  line after a cell, ``||`` runs for empty or merged cells, and ``a | b | c |`` rows alike; text
  after the last bar of a line runs on into the next line's first cell.
- ``paragraph_cells``: cells separated by blank lines (a web table printed one cell per
  paragraph); a line of only spaces (often non-breaking ones, from ``&nbsp;``) between blank
  lines is an empty cell.
- ``line_rows``: one row per line split on a delimiter (tab, `` | ``, ｜, ，, runs of spaces),
  for tables whose every row is printed whole."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..analysis.normalise import key
from .page import article_end, is_page_debris
from .table import UNKNOWN, column_role
from .text import strip_html

_BAR = re.compile(r"[|｜]")
_SEPARATOR = re.compile(r"[|｜]?\s*:?-{3,}:?\s*([|｜]\s*:?-{3,}:?\s*)*[|｜]?")
"""The line under a markdown table's header: |---|:---:|."""


@dataclass
class Piece:
    text: str
    line: int
    end_line: int

    @property
    def empty(self) -> bool:
        return not self.text.strip(" \t\u3000\u00a0")


def bar_cells(lines: list[str]) -> list[Piece]:
    lines = lines[: article_end(lines)]
    cells: list[Piece] = []
    buffer: list[str] = []
    first = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            if buffer:
                cells.append(Piece(text=strip_html("\n".join(buffer)), line=first, end_line=number - 1))
                buffer, first = [], 0
            continue
        if (is_page_debris(raw) and not _BAR.search(raw)) or _SEPARATOR.fullmatch(raw.strip()):
            continue
        parts = _BAR.split(raw)
        for index, part in enumerate(parts):
            closed = index < len(parts) - 1
            if part.strip():
                if not buffer:
                    first = number
                buffer.append(part.strip())
            if closed:
                cells.append(Piece(text=strip_html("\n".join(buffer)), line=first or number, end_line=number))
                buffer, first = [], 0
    if buffer:
        cells.append(Piece(text=strip_html("\n".join(buffer)), line=first, end_line=len(lines)))
    return cells


def paragraph_cells(lines: list[str]) -> list[Piece]:
    lines = lines[: article_end(lines)]
    cells: list[Piece] = []
    buffer: list[str] = []
    start = 0
    for number, line in enumerate(lines + [""], start=1):
        if not line.strip():
            if buffer:
                text = "\n".join(b.strip() for b in buffer if b.strip())
                cells.append(Piece(text=strip_html(text), line=start, end_line=number - 1))
                buffer = []
            elif line and number <= len(lines):
                cells.append(Piece(text="", line=number, end_line=number))
            continue
        if is_page_debris(line):
            continue
        if not buffer:
            start = number
        buffer.append(line)
    return cells


DELIMITERS: dict[str, re.Pattern[str]] = {
    "tab": re.compile(r"\t"),
    "bar": re.compile(r"\s*[|｜]\s*"),
    "comma": re.compile(r"\s*，\s*"),
    "spaces": re.compile(r"(?:[ \u00a0]{2,}|\u3000+)"),
}


def line_rows(lines: list[str], *, delimiter: str) -> list[tuple[int, list[str] | None]]:
    """(1-based line, cells) per line; ``None`` for a blank line (a block break). Outer bars of
    a markdown row (``| a | b |``) and its ``---|---`` separator line are not cells."""
    pattern = DELIMITERS[delimiter]
    rows: list[tuple[int, list[str] | None]] = []
    lines = lines[: article_end(lines)]
    header = next(
        (
            line.strip()
            for line in lines
            if _BAR.search(line) and sum(column_role(cell) != UNKNOWN for cell in _BAR.split(line)) >= 2
        ),
        "",
    )
    # A markdown table (| a | b |) has outer bars on its header; a table whose edge cells are
    # empty (｜｜text｜unit｜) does not, and there a leading bar closes an empty cell.
    outer = delimiter == "bar" and bool(_BAR.match(header))
    columns: list[int] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            rows.append((number, None))
            continue
        if is_page_debris(line):
            continue
        if delimiter == "spaces":
            if columns is not None:
                rows.append((number, _aligned(line, columns)))
                continue
            chunks = _chunks(line)
            if sum(column_role(text) != UNKNOWN for _, text in chunks) >= 2:
                columns = [start for start, _ in chunks]
        text = line.strip() if delimiter != "tab" else line.rstrip("\n")
        if delimiter == "bar":
            if re.fullmatch(r"[\s|｜:：\-—]+", key(text)):
                continue
            text = re.sub(r"^[|｜]\s*|\s*[|｜]$", "", text.strip()) if outer else re.sub(r"\s*[|｜]$", "", text.strip())
        rows.append((number, [strip_html(cell) for cell in pattern.split(text)]))
    return rows


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _chunks(line: str) -> list[tuple[int, str]]:
    """(display column where it starts, text) of each run of text between two spaces or more;
    a Chinese character is two columns wide, as a fixed-width layout prints it."""
    line = line.replace("\t", "    ")
    return [
        (sum(_width(ch) for ch in line[: match.start()]), match.group()) for match in re.finditer(r"\S+(?: \S+)*", line)
    ]


def _aligned(line: str, columns: list[int]) -> list[str]:
    """A row of a table whose columns are aligned with spaces (pdftotext -layout, a fixed-width
    export): each run of text goes to the column whose title starts at or before it, so that
    empty cells keep their place."""
    cells = [""] * len(columns)
    for start, text in _chunks(line):
        index = max((i for i, at in enumerate(columns) if at <= start + 1), default=0)
        cells[index] = f"{cells[index]} {text}".strip()
    return cells


def delimiter_share(lines: list[str], delimiter: str) -> float:
    """Share of non-blank lines that a delimiter splits into three cells or more (two for
    aligned columns, whose empty cells leave no mark)."""
    pattern = DELIMITERS[delimiter]
    body = [line for line in lines if line.strip()]
    if not body:
        return 0.0
    least = 2 if delimiter == "spaces" else 3
    return sum(1 for line in body if len(pattern.split(line.strip())) >= least) / len(body)


def row_completeness(lines: list[str], *, delimiter: str, first: int, last: int) -> float:
    """Share of the lines from ``first`` to ``last`` (1-based) that split into the most common
    number of cells: 1 when every row is printed whole, lower when merged cells are left out.
    Columns aligned with spaces are placed by position, so their rows are always whole."""
    if delimiter == "spaces":
        return 1.0 if any(cells for _, cells in line_rows(lines, delimiter=delimiter)) else 0.0
    pattern = DELIMITERS[delimiter]
    counts = [
        len(pattern.findall(lines[n - 1].strip()))
        for n, cells in line_rows(lines, delimiter=delimiter)
        if cells is not None and first <= n <= last and any(c.strip() for c in cells)
    ]
    if not counts:
        return 0.0
    mode = max(set(counts), key=counts.count)
    return counts.count(mode) / len(counts)
