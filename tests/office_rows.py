"""The 004 sample's table as plain rows (header first, ``None`` for a block break), to write
into .csv/.xlsx/.docx files, and the comparison of two loaded ledgers."""

from __future__ import annotations

from conftest import SAMPLE

from zwgk.loaders import Source
from zwgk.loaders.delimited import rows_to_grid, split_row


def sample_rows() -> list[list[str] | None]:
    source = Source(SAMPLE["004"])
    rows = [(n, split_row(l) if l.strip() else None) for n, l in enumerate(source.lines, start=1)]
    grid = rows_to_grid(rows, source=source)
    out: list[list[str] | None] = [[c.title for c in grid.header.columns]]
    for index, row in enumerate(grid.rows):
        if index in (grid.block_starts or ()):
            out.append(None)
        out.append([c.text if c is not None else "" for c in row])
    return out


def same_tasks(left, right) -> None:
    assert len(left.tasks) == len(right.tasks)
    for a, b in zip(left.tasks, right.tasks):
        assert (a.text, a.indicators, a.number, a.deadline) == (b.text, b.indicators, b.number, b.deadline)
        assert [(u.text, u.role) for u in a.units] == [(u.text, u.role) for u in b.units]


def vertical_runs(rows: list[list[str] | None], columns) -> list[tuple[int, int, int, str]]:
    """(column, first row, last row, text) of each filled cell with empty cells around it in its
    block (a block ends at a ``None`` row): what an office table prints as one merged cell. Empty
    cells at the top of a block belong to the first filled cell below them (a heading printed on
    the middle row of its merged cell). Row indexes count the ``None`` rows."""
    runs = []
    for col in columns:
        start, top, text = None, None, ""
        for r in range(1, len(rows) + 1):
            row = rows[r] if r < len(rows) else None
            if row is not None and not row[col] and any(row):
                if start is None and top is None:
                    top = r
                continue
            if start is not None and r - 1 > start:
                runs.append((col, start, r - 1, text))
            start, text = None, ""
            if row is not None and row[col]:
                start, text = (top if top is not None else r), row[col]
            top = None
    return runs


# The 150-row 石泉县 sample as an office table: the text reading's tasks, one row each.
SHIQUAN_HEADER = [
    "序号",
    "一级指标",
    "二级指标",
    "三级指标",
    "四级指标",
    "工作任务",
    "牵头单位",
    "完成时限",
    "公开方式",
]
SHIQUAN_MERGED = (1, 2, 3, 4, 6, 7)
"""Columns whose runs of equal cells are written as vertically merged cells."""


def shiquan_record():
    from conftest import SAMPLE

    from zwgk.loaders import read_ledger

    return read_ledger(SAMPLE["001"])


def shiquan_rows() -> tuple[list[list[str]], list[tuple[int, int, int]]]:
    """The table (header first) and its vertical merges (column, first row, last row): an
    indicator merges over the rows with the same path down to it, a unit or deadline over the
    rows that inherit it in the text reading. Units are separated by line breaks."""
    record = shiquan_record()
    rows = [list(SHIQUAN_HEADER)]
    keys = []
    for task in record.tasks:
        path = list(task.indicators) + [""] * (4 - len(task.indicators))
        unit = "\n".join(u.text for u in task.units)
        rows.append([task.number or "", *path, task.text, unit, task.deadline or "", task.channel or ""])
        keys.append(
            [tuple(task.indicators[: k + 1]) if k < len(task.indicators) else None for k in range(4)]
            + [any(u.inherited for u in task.units), task.deadline_inherited]
        )
    merges = []
    for col in SHIQUAN_MERGED:
        start = 1
        for r in range(2, len(rows) + 1):
            if r < len(rows):
                if col <= 4:
                    same = keys[r - 1][col - 1] is not None and keys[r - 1][col - 1] == keys[r - 2][col - 1]
                else:
                    same = keys[r - 1][4 if col == 6 else 5] and rows[r][col] == rows[r - 1][col]
                if same:
                    continue
            if r - 1 > start:
                merges.append((col, start, r - 1))
            start = r
    return rows, merges


def merged_view(rows, merges) -> list[list[str]]:
    """The rows as an office file shows them: the cells a merge covers emptied."""
    out = [list(r) for r in rows]
    for col, first, last in merges:
        for r in range(first + 1, last + 1):
            out[r][col] = ""
    return out


def same_as_shiquan(record) -> int:
    """Asserts 150 tasks with the text sample's text, deadline and indicator path; returns how
    many lead-unit sets match (names as ``split_units`` reads them)."""
    from zwgk.analysis.agencies import split_units

    expected = shiquan_record()
    assert len(record.tasks) == len(expected.tasks) == 150

    def leads(task):
        return sorted({m.name for u in task.units for m in split_units(u.text, role=u.role)})

    matched = 0
    for a, b in zip(record.tasks, expected.tasks):
        assert (a.text, a.deadline, a.indicators) == (b.text, b.deadline, b.indicators), (a, b)
        matched += leads(a) == leads(b)
    return matched
