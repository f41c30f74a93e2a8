"""Tables printed one row per line with a delimiter other than TAB: markdown or plain bars
(`` | `` and full-width ｜), full-width commas ，, and columns aligned with runs of spaces.

The rows go through the same grid rules as every table (``table.py``: header roles, merged cells
within blocks, a line with one cell continuing the cell above), so these readers only split
lines. Which delimiter a file uses is not asked: each is a candidate reading, and the reading
the document supports best is kept (``loaders.choose``)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import LedgerRecord
from .delimited import find_header, rows_to_grid
from .grids import delimiter_share, line_rows
from .source import Layout, Source
from .table import grid_to_tasks

_MIN_SHARE = 0.3


def _reader(delimiter: str, name: str) -> tuple[Callable[[Source], float], Callable[[Source], LedgerRecord]]:
    def detect(source: Source) -> float:
        share = delimiter_share(source.lines, delimiter)
        if share < _MIN_SHARE:
            return 0.0
        rows = [(n, c) for n, c in line_rows(source.lines, delimiter=delimiter) if c is not None]
        return 0.5 if find_header(rows) is not None else 0.0

    def read(source: Source) -> LedgerRecord:
        grid = rows_to_grid(line_rows(source.lines, delimiter=delimiter), source=source)
        record = source.record(layout=name)
        record.tasks = grid_to_tasks(grid)
        record.warnings.extend(grid.header.warnings())
        return record

    return detect, read


def _layout(delimiter: str, name: str, description: str) -> Layout:
    detect, read = _reader(delimiter, name)
    return Layout(name=name, detect=detect, read=read, description=description, delimiter=delimiter)


BAR_ROWS = _layout("bar", "bar-rows", "one row per line, cells split by ' | ' or ｜ (markdown tables) / 以“|”分列的行")
COMMA_ROWS = _layout("comma", "comma-rows", "one row per line, cells split by ，/ 以全角逗号分列的行")
SPACE_ROWS = _layout("spaces", "space-rows", "one row per line, columns aligned with spaces / 以空格对齐的列")
LAYOUT = BAR_ROWS
