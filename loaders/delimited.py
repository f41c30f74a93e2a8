"""Tab-separated tables (Word or web tables copied as text, PDF tables exported as text).

One line is one row; a blank line separates blocks of vertically merged cells (a heading may be
printed on the middle row of its block, and is repeated after page breaks); cells may be wrapped
in HTML tags; a line with no tab continues the last cell of the row above. Text does not mark
its merges, so an empty cell inherits the value above only where the layout shows a merged
block (``table.mark_text_merges``)."""

from __future__ import annotations

from ..errors import InputError
from ..model import LedgerRecord
from .source import Layout, Source
from .table import Cell, Grid, grid_to_tasks, header_score, mark_text_merges, merged_rows, read_header
from .text import strip_html

DELIMITER = "\t"


def split_row(line: str, delimiter: str = DELIMITER) -> list[str]:
    return [strip_html(cell) for cell in line.split(delimiter)]


def find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """Index into ``rows`` of the header: of the rows that name at least two known column roles,
    the one that names the most (a stray line such as 责任单位\t完成时限 above the table does not
    take the header's place), the first of equals."""
    candidates = [
        (header_score(cells), -index)
        for index, (_, cells) in enumerate(rows[:300])
        if len(cells) >= 2 and header_score(cells) >= 2
    ]
    return -max(candidates)[1] if candidates else None


def header_line(rows: list[tuple[int, list[str] | None]]) -> int | None:
    """The line of the header row among (line, cells) rows, ``None`` when there is none."""
    body = [(n, cells) for n, cells in rows if cells is not None]
    at = find_header(body)
    return body[at][0] if at is not None else None


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    if not lines:
        return 0.0
    tabbed = sum(1 for line in lines if DELIMITER in line.strip(" \u3000"))
    if tabbed < 2:
        return 0.0
    rows = [(i, split_row(l)) for i, l in enumerate(source.lines) if DELIMITER in l]
    if find_header(rows) is None:
        return 0.0
    return min(0.9, 0.4 + tabbed / len(lines))


def merged_grid(rows: list[tuple[int, list[str | None]]]) -> tuple[Grid, int] | None:
    """The grid of a table from a format that marks its merges (office files, PDF), and its
    header line; ``None`` when no row is a ledger header. A ``None`` cell is one a merge covers
    (it inherits), ``""`` an empty cell (it does not); a row with no text and no covered cell
    is a break between blocks (``table.merged_rows``)."""
    plain = [(n, ["" if x is None else x for x in cells]) for n, cells in rows]
    at = find_header(plain)
    if at is None:
        return None
    head, titles = plain[at]
    grid = Grid(header=read_header(titles), block_starts=set(), explicit_merges=True)
    merged_rows(grid, [(n, None if not any(c) and None not in c else c) for n, c in rows if n > head])
    return grid, head


def rows_to_grid(rows: list[tuple[int, list[str] | None]], *, source: Source) -> Grid:
    """A grid from (1-based line, cells) rows of text; ``None`` cells mark a blank line (a
    block break). Which empty cells a merge covers is decided once the rows are known
    (``table.mark_text_merges``): text prints a merged cell and an empty one alike, so an empty
    unit or deadline cell inherits only in a row the layout shows to continue a merged block."""
    body = [(n, cells) for n, cells in rows if cells is not None]
    at = find_header(body)
    if at is None:
        raise InputError(
            "no table header found",
            path=source.path,
            line=1,
            expected="a header row such as 重点任务 / 贯彻举措 / 牵头单位 / 责任单位",
        )
    header_line = body[at][0]
    header = read_header(body[at][1])
    block_starts: set[int] = set()
    grid = Grid(header=header, block_starts=block_starts)
    width = len(header.columns)
    pending_break = False
    for line, cells in rows:
        if line <= header_line:
            continue
        if cells is None:
            pending_break = True
            continue
        if len(cells) == 1:
            if grid.rows and not pending_break and cells[0]:
                last = next((c for c in reversed(grid.rows[-1]) if c is not None and c.text), None)
                if last is not None:
                    last.text += cells[0]
            continue
        if pending_break and grid.rows:
            block_starts.add(len(grid.rows))
        pending_break = False
        row = [Cell(text=text, line=line) for text in cells[:width]]
        if len(cells) > width:
            extra = " ".join(c for c in cells[width:] if c)
            if extra and row:
                row[-1] = Cell(text=((row[-1].text + " ") if row[-1].text else "") + extra, line=line)
        grid.rows.append([*row, *(Cell(text="", line=line) for _ in range(width - len(row)))])
    return mark_text_merges(grid)


def read(source: Source) -> LedgerRecord:
    rows = [(n, split_row(line) if line.strip() else None) for n, line in enumerate(source.lines, start=1)]
    grid = rows_to_grid(rows, source=source)
    record = source.record(layout=LAYOUT.name)
    record.tasks = grid_to_tasks(grid)
    record.warnings.extend(grid.header.warnings(line=header_line(rows)))
    return record


LAYOUT = Layout(
    name="tsv",
    detect=detect,
    read=read,
    description="tab-separated rows, blank lines between merged blocks / 制表符分隔的表格",
    delimiter="tab",
)
