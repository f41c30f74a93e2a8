"""Tables printed one cell per line, each cell closed by a ``|`` (web pages exported as text).

The header's cells name the columns. A data row is: outline headings (一、… ／（一）…) and an
empty cell for each merged heading, an optional row number, then one cell for each of the
remaining header columns. Cells may span several lines; the ``|`` closes them."""

from __future__ import annotations

import re

from ..errors import InputError
from . import Layout, Source
from .model import LedgerRecord
from .outline import bare_number, heading
from .table import INDICATOR, NUMBER, Cell, Column, Grid, Header, grid_to_tasks, header_score, read_header
from .text import strip_html

_CLOSER = re.compile(r"\s*\|\s*$")
_HEADING_STYLES = {"chapter", "cn", "paren-cn"}


def _cells(lines: list[str], start: int) -> list[Cell]:
    """Cells from line index ``start`` on; a line ending in ``|`` closes the open cell, and a
    line of bare bars (``||``) is one empty cell per bar."""
    cells: list[Cell] = []
    buffer: list[str] = []
    first_line = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if not _CLOSER.search(line):
            if line.strip():
                if not buffer:
                    first_line = index + 1
                buffer.append(line.strip())
            continue
        content = _CLOSER.sub("", line)
        if re.fullmatch(r"[\s|]+", line) and not buffer:
            cells.extend(Cell(text="", line=index + 1) for _ in range(line.count("|")))
            continue
        if content.strip():
            if not buffer:
                first_line = index + 1
            buffer.append(content.strip())
        cells.append(Cell(text=strip_html("\n".join(buffer)), line=first_line or index + 1))
        buffer = []
        first_line = 0
    return cells


def _header_start(lines: list[str]) -> int | None:
    """Index of the first line of the header: the first run of closed cells that name known
    column roles."""
    for index, line in enumerate(lines[:200]):
        if _CLOSER.search(line):
            run = [_CLOSER.sub("", l) for l in lines[index:index + 8] if _CLOSER.search(l)]
            if header_score(run) >= 2:
                return index
    return None


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    if not lines:
        return 0.0
    closed = sum(1 for l in lines if _CLOSER.search(l))
    share = closed / len(lines)
    if share < 0.3 or _header_start(source.lines) is None:
        return 0.0
    return min(1.0, 0.5 + share / 2)


def read(source: Source) -> LedgerRecord:
    lines = source.lines
    start = _header_start(lines)
    if start is None:
        raise InputError("no table header found", path=source.path, line=1,
                         expected="header cells such as 工作任务 | 具体要求 | 责任科室 | 时限要求 |")
    cells = _cells(lines, start)
    titles: list[Cell] = []
    while cells and not cells[0].text:
        cells.pop(0)
    while cells and (cells[0].text or not titles) and header_score([cells[0].text]) > 0:
        titles.append(cells.pop(0))
    while cells and not cells[0].text:
        cells.pop(0)
    header = read_header([c.text for c in titles])
    # The hierarchy columns (indicators, number) are printed as separate cells before the values.
    values = [c for c in header.columns if c.role not in (INDICATOR, NUMBER)]
    if not values:
        raise InputError("the table header names no task, unit or deadline column", path=source.path,
                         line=titles[0].line if titles else 1,
                         expected="header cells such as 具体要求 | 责任科室 | 时限要求 |",
                         message_zh="表头中没有任务、单位或时限列")
    rows, depths = _rows(cells, width=len(values), source=source)
    levels = sorted(depths)
    columns = tuple(
        [Column(role=INDICATOR, title=f"L{i + 1}", level=i + 1) for i in range(len(levels))]
        + [Column(role=NUMBER, title="序号")]
        + values
    )
    grid = Grid(header=Header(columns=columns, unknown=header.unknown))
    for pre, number, row_values in rows:
        row: list[Cell | None] = [None] * len(levels)
        for cell in pre:
            found = heading(cell.text)
            if found and found.style in _HEADING_STYLES:
                row[levels.index(found.depth)] = cell
        grid.rows.append(row + [number] + row_values)
    record = source.record(layout=LAYOUT.name)
    record.tasks = grid_to_tasks(grid)
    record.warnings.extend(header.warnings(line=titles[0].line if titles else None))
    return record


def _rows(cells: list[Cell], *, width: int, source: Source):
    rows = []
    depths: set[int] = set()
    i = 0
    while i < len(cells):
        pre: list[Cell] = []
        number = None
        while i < len(cells):
            text = cells[i].text
            found = heading(text) if text else None
            if not text or (found and found.style in _HEADING_STYLES and len(text) <= 80):
                if text:
                    depths.add(found.depth)
                    pre.append(cells[i])
                i += 1
                continue
            if bare_number(text):
                number = cells[i]
                i += 1
            break
        if i >= len(cells):
            break
        row_values = cells[i:i + width]
        i += width
        rows.append((pre, number, row_values + [None] * (width - len(row_values))))
    return rows, depths


LAYOUT = Layout(
    name="pipe-cells",
    detect=detect,
    read=read,
    description="one cell per line, each closed by '|' / 每行一个单元格，以“|”结束",
)
