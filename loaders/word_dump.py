"""Word tables dumped to text (Word's "save as plain text" or a copy of the table).

Each cell opens with a TAB at the start of a line; a paragraph inside a cell is printed after a
blank line without a TAB (which is how a column printed one character per line, 组/织/领/导,
comes out); a blank line followed by a TAB line starts the next row. A vertically merged cell is
printed only in its first row. Rows have as many cells as the header."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning, Role, UnitCell
from .source import Layout, Source
from .table import REMARK, Cell, Grid, grid_to_tasks, header_score, join_cjk, read_header, unit_patterns

_TAB = "\t"


def _rows(lines: list[str]) -> list[list[Cell]]:
    """Rows of cells: a TAB line opens a cell, a TAB line right after a blank line opens a row,
    a non-TAB line after a blank line continues the open cell with a new paragraph."""
    rows: list[list[Cell]] = []
    blank_before = True
    for number, line in enumerate(lines, start=1):
        if not line.strip(" \u3000"):
            if line.startswith(_TAB) and rows:
                rows[-1].append(Cell(text="", line=number))
                blank_before = False
            else:
                blank_before = True
            continue
        if line.startswith(_TAB):
            if blank_before or not rows:
                rows.append([])
            rows[-1].append(Cell(text=line[1:].strip(), line=number))
        elif rows and rows[-1] and blank_before and rows[-1][-1] is not None:
            cell = rows[-1][-1]
            cell.text = (cell.text + "\n" + line.strip()) if cell.text else line.strip()
            if not cell.line:
                cell.line = number
        else:
            rows.append([])  # text outside the table (a title): it closes the row above
        blank_before = False
    return [row for row in rows if row]


def _header_at(rows: list[list[Cell]]) -> int | None:
    for index, row in enumerate(rows[:50]):
        if len(row) >= 2 and header_score([c.text for c in row]) >= 2:
            return index
    return None


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    if not lines:
        return 0.0
    led = sum(1 for l in lines if l.startswith(_TAB) and l.count(_TAB) == 1)
    share = led / len(lines)
    if share < 0.3:
        return 0.0
    if _header_at(_rows(source.lines)) is None:
        return 0.0
    return min(0.95, 0.5 + share / 2)


def cooperating_remark(text: str) -> bool:
    """A remark that names units and marks them 配合 (相关处室（单位）配合): those units are the
    task's co-operating units."""
    flat = join_cjk(text)
    patterns = unit_patterns()
    marker = re.search(rf"(?:{patterns.markers[Role.COOPERATING]})$", flat)
    if not marker:
        return False
    names = flat[: marker.start()]
    return bool(names) and bool(patterns.end.search(names))


def read(source: Source) -> LedgerRecord:
    rows = _rows(source.lines)
    at = _header_at(rows)
    if at is None:
        raise InputError(
            "no table header found",
            path=source.path,
            line=1,
            expected="TAB-led header cells such as 内容 / 一级指标 / 二级指标 / 牵头处室 / 备注",
        )
    header = read_header([c.text for c in rows[at]])
    width = len(header.columns)
    grid = Grid(header=header)
    record = source.record(layout=LAYOUT.name)
    remark_cells: dict[str, Cell] = {}
    for row in rows[at + 1 :]:
        if len(row) != width:
            record.warnings.append(
                LedgerWarning(
                    code="row-width",
                    en=f"a row of {len(row)} cells under a header of {width}",
                    zh=f"该行有 {len(row)} 个单元格，表头有 {width} 个",
                    line=row[0].line,
                )
            )
        cells: list[Cell | None] = [c if c.text else None for c in row[:width]]
        grid.rows.append(cells + [None] * (width - len(cells)))
        for i in header.index(REMARK):
            if i < len(row) and row[i].text:
                remark_cells.setdefault(join_cjk(row[i].text), row[i])
    record.tasks = grid_to_tasks(grid)
    for task in record.tasks:
        for remark in task.remarks:
            cell = remark_cells.get(remark)
            if cell is not None and cooperating_remark(remark):
                task.units.append(
                    UnitCell(
                        text=cell.text, role=Role.COOPERATING, line=cell.line, inherited="remark" in task.inherited
                    )
                )
    record.warnings.extend(header.warnings(line=rows[at][0].line))
    return record


LAYOUT = Layout(
    name="word-dump",
    detect=detect,
    read=read,
    description="Word table dumped to text, a TAB opening each cell / Word 表格导出的文本，每个单元格以制表符开头",
)
