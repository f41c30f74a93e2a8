"""Tables printed one cell per line (web pages copied as text, PDF tables extracted as text).

A blank line ends a cell; a line of only non-breaking spaces is an empty cell (``&nbsp;`` in an
empty ``<td>``). Each row starts with its 序号 (1, 2, 3 …), and a vertically merged cell is
printed only in the first row of its merge and again after each page break, so the number of
cells varies from row to row. Which cell belongs to which column is decided from the header's
order and the vocabulary of each column (outline numbers for the hierarchy, sentences for the
task, unit names, channel words and deadline words for the columns after it), never from fixed
positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning
from .hierarchy import HeadingCell, Hierarchy
from .outline import bare_number, heading
from .source import Layout, Source
from .table import (
    CHANNEL,
    DEADLINE,
    INDICATOR,
    NUMBER,
    TASK,
    UNIT_ROLES,
    UNKNOWN,
    Cell,
    Column,
    Grid,
    Header,
    cell_kind,
    column_role,
    grid_to_tasks,
    is_debris,
    join_cjk,
    read_header,
)

_NUMBERED = {"chapter", "cn", "paren-cn"}
_SENTENCE_END = re.compile(r"[。；;！？!?.]$")
_MAX_HEADING = 40
_MAX_CONTINUATION = 10
_MAX_GAP = 3
"""A row number may skip at most this many numbers (a row lost in the export); a bare number
further away is a cell, not a row key."""


def split_cells(lines: list[str]) -> list[HeadingCell]:
    """Cells separated by blank lines; a line of only non-breaking or ideographic spaces is an
    empty cell."""
    cells: list[HeadingCell] = []
    buffer: list[str] = []
    start = 0
    for number, line in enumerate(lines + [""], start=1):
        if not line.strip(" \t"):
            if buffer:
                text = "\n".join(b.strip() for b in buffer if b.strip())
                cells.append(HeadingCell(text=text, line=start, explicit_empty=not text))
                buffer = []
            continue
        if not buffer:
            start = number
        buffer.append(line)
    return cells


def _find_header(cells: list[HeadingCell]) -> tuple[int, int] | None:
    """(start, stop) of the header cells: the run of column titles right before the cell ``1``."""
    for k, cell in enumerate(cells):
        if bare_number(cell.text) != "1" or k == 0:
            continue
        start = k
        while start > 0 and k - start < 20 and column_role(cells[start - 1].text) != UNKNOWN:
            start -= 1
        titles = [c.text for c in cells[start:k]]
        if len(titles) >= 3 and sum(column_role(t) != UNKNOWN for t in titles) >= 3:
            return start, k
    return None


def _rows(cells: list[HeadingCell]) -> list[tuple[HeadingCell, list[HeadingCell]]]:
    """(number cell, cells) per row: a row starts at the next row number in sequence."""
    rows: list[tuple[HeadingCell, list[HeadingCell]]] = []
    expected = 1
    for cell in cells:
        number = bare_number(cell.text) if not cell.explicit_empty else None
        if number is not None and expected <= int(number) <= expected + _MAX_GAP:
            rows.append((cell, []))
            expected = int(number) + 1
        elif rows:
            rows[-1][1].append(cell)
    return rows


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    if not lines or sum(1 for l in lines if "\t" in l or l.rstrip().endswith("|")) > len(lines) * 0.2:
        return 0.0
    cells = split_cells(source.lines)
    found = _find_header(cells)
    if found is None:
        return 0.0
    rows = _rows(cells[found[1] :])
    if len(rows) < 3:
        return 0.0
    return min(0.9, 0.6 + len(rows) / 100)


@dataclass
class _Row:
    number: HeadingCell
    pre: list[HeadingCell] = field(default_factory=list)
    task: list[HeadingCell] = field(default_factory=list)
    tail: dict[int, list[tuple[HeadingCell, bool]]] = field(default_factory=dict)
    """Tail column index → (cell, continues the previous piece)."""
    dropped: list[HeadingCell] = field(default_factory=list)


def _is_heading(cell: HeadingCell) -> bool:
    if cell.explicit_empty:
        return True
    found = heading(cell.flat)
    if found and found.style in _NUMBERED:
        return True
    return len(cell.flat) <= _MAX_HEADING and not _SENTENCE_END.search(cell.flat)


def _split_row(number: HeadingCell, cells: list[HeadingCell], tail_roles: list[str]) -> _Row:
    row = _Row(number=number)
    i = next((k for k, cell in enumerate(cells) if not _is_heading(cell)), None)
    if i is None:
        # No sentence-like cell: the hierarchy runs up to the first cell with tail words, and
        # its last cell is the task (a terse task such as 新媒体).
        i = next((k for k, cell in enumerate(cells) if cell_kind(cell.text) != UNKNOWN), len(cells))
        row.pre = cells[:i]
        while row.pre and row.pre[-1].explicit_empty:
            row.pre.pop()
        if row.pre:
            row.task.append(row.pre.pop())
    else:
        row.pre = cells[:i]
        row.task.append(cells[i])
        i += 1
    current: int | None = None
    for cell in cells[i:]:
        if cell.explicit_empty:
            continue
        kind = cell_kind(cell.text)
        if kind != UNKNOWN:
            target = _column_for(kind, tail_roles, current)
            if target is None:
                target = current
            if target is None:
                row.dropped.append(cell)
                continue
            continues = target == current and kind == DEADLINE
            row.tail.setdefault(target, []).append((cell, continues))
            current = target
        elif current is None and not is_debris(cell.text):
            row.task.append(cell)
        elif (
            current is not None
            and len(cell.flat) <= _MAX_CONTINUATION
            and not is_debris(cell.text)
            and not re.search(r"[:：]", cell.flat)
        ):
            row.tail[current].append((cell, True))
        else:
            row.dropped.append(cell)
    return row


def _column_for(kind: str, tail_roles: list[str], current: int | None) -> int | None:
    """The first tail column at or after the current one whose role the cell's words suggest."""
    wanted = set(UNIT_ROLES) if kind in UNIT_ROLES else {kind}
    for index, role in enumerate(tail_roles):
        if role in wanted and (current is None or index >= current):
            return index
    return None


_JOINERS = {CHANNEL: "、", DEADLINE: ""}


def _join(pieces: list[tuple[HeadingCell, bool]], role: str) -> str:
    out = ""
    for cell, continues in pieces:
        text = cell.text if role in UNIT_ROLES else join_cjk(cell.text)
        if not out:
            out = text
        elif continues:
            out += ("\n" if role in UNIT_ROLES and cell_kind(cell.text) != UNKNOWN else "") + text
        else:
            out += _JOINERS.get(role, "\n") + text
    return out


def read(source: Source) -> LedgerRecord:
    cells = split_cells(source.lines)
    found = _find_header(cells)
    if found is None:
        raise InputError(
            "no table header found",
            path=source.path,
            line=1,
            expected="header cells on their own lines (序号 / 一级指标 / 主要任务 / 责任单位 / "
            "完成时限) followed by the row number 1",
        )
    start, stop = found
    header = read_header([c.text for c in cells[start:stop]])
    record = source.record(layout=LAYOUT.name)
    indicator_levels = len(header.index(INDICATOR))
    task_roles = [c.role for c in header.columns if c.role not in (INDICATOR, NUMBER)]
    if TASK not in task_roles:
        task_roles.insert(0, TASK)
    tail_roles = task_roles[task_roles.index(TASK) + 1 :]
    raw_rows = _rows(cells[stop:])
    rows = [_split_row(number, body, tail_roles) for number, body in raw_rows]
    depths = sorted(
        {
            h.depth
            for row in rows
            for c in row.pre
            if not c.explicit_empty
            for h in (heading(c.flat),)
            if h and h.style in _NUMBERED
        }
    )
    hierarchy = Hierarchy(levels=max(indicator_levels, len(depths)), numbered=depths)
    columns = (Column(role=NUMBER, title="序号"), Column(role=TASK, title="任务")) + tuple(
        Column(role=role, title=role) for role in tail_roles
    )
    # One merge scope for the whole table: such tables reprint every merged cell after a page
    # break, and a merged unit or deadline cell may run on into the next section.
    grid = Grid(header=Header(columns=columns, unknown=header.unknown), block_starts=set())
    paths: list[tuple[str, ...]] = []
    for row in rows:
        path = hierarchy.update(row.pre)
        task = Cell(text="\n".join(c.text for c in row.task), line=row.task[0].line) if row.task else None
        tail = [
            Cell(text=_join(row.tail[i], role), line=row.tail[i][0][0].line) if i in row.tail else None
            for i, role in enumerate(tail_roles)
        ]
        grid.rows.append([Cell(text=row.number.text, line=row.number.line), task] + tail)
        if task is not None:
            paths.append(path)
        else:
            record.warnings.append(
                LedgerWarning(
                    code="row-without-task",
                    en=f"row {row.number.text} has no task text",
                    zh=f"第{row.number.text}行没有任务内容",
                    line=row.number.line,
                )
            )
        for cell in (c for c in row.dropped if not is_debris(c.text)):
            record.warnings.append(
                LedgerWarning(
                    code="cell-not-placed",
                    en=f"cell not placed in any column: {cell.flat[:30]}",
                    zh=f"无法归入任何列：{cell.flat[:30]}",
                    line=cell.line,
                )
            )
    record.tasks = grid_to_tasks(grid)
    for task_record, path in zip(record.tasks, paths):
        task_record.indicators = _dedupe(path)
    record.warnings.extend(header.warnings(line=cells[start].line))
    return record


def _dedupe(path: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for item in path:
        if not out or out[-1] != item:
            out.append(item)
    return tuple(out)


LAYOUT = Layout(
    name="cell-per-line",
    detect=detect,
    read=read,
    description="one cell per line, rows keyed by 序号 / 每行一个单元格，以序号分行",
)
