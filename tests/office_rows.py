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
