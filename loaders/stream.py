"""Tables read from a stream of cells: rows recovered from the header and what the cells hold.

A web table saved as text loses its rows: a vertically merged cell is printed once, so the rows
under it have fewer cells, and a wrapped row continues on the next line. The header still says
which columns there are and in which order, and each cell's words say what it is: an outline
heading (一、… （一）…) or a short title is an indicator, a numbered item or a sentence is the
task, unit names (局, 办, 中心…; 牵头/负责/配合 marked lists) are the units, 年底前/常态化 is a
deadline. A cell that can only sit at or left of the current column starts a new row.

Merged cells are inherited within their indicator block and marked as inherited: downwards from
the row that printed them, and upwards for the rows of a block above the row that printed the
merged unit cell (a cell printed on the middle or last row of its merge). The last row of a text
that stops mid-cell inherits nothing: what it would have said is not on the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..analysis.agencies import unit_words
from ..analysis.normalise import fold
from ..model import LedgerRecord, LedgerWarning, TaskRecord, UnitCell
from .grids import Piece, bar_cells, paragraph_cells
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
    _word_pattern,
    cell_kind,
    column_role,
    is_debris,
    join_cjk,
    read_header,
    unit_patterns,
)

EMPTY, SCORE, HEADER, HEADING, ITEM, SENTENCE, UNITS = (
    "empty",
    "score",
    "header",
    "heading",
    "item",
    "sentence",
    "units",
)
_MAX_HEADING = 40
_MAX_PLAIN_HEADING = 30
_SENTENCE = re.compile(r"[。；;！!？?]")
_SPLIT = re.compile(r"[、，,；;]")
_ENDED = re.compile(r"[。；;！!？?:：）)”」]$")
"""A cell that ends so is whole; one that does not may run on after a page break."""


def split_outside_brackets(text: str) -> list[str]:
    """Pieces of a unit list split on 、，,；; but never inside brackets (各县(市、区)政府)."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(〔【[":
            depth += 1
        elif ch in "）)〕】]" and depth:
            depth -= 1
        if depth == 0 and _SPLIT.match(ch):
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p for p in pieces if p.strip()]


def _unit_piece(piece: str) -> bool:
    bare = re.sub(r"[（(][^（）()]*[）)]", "", fold(piece))
    bare = unit_patterns().verbs.sub("", bare)
    return len(bare) >= 2 and bool(unit_patterns().end.search(bare) or _word_pattern("collective_unit").search(bare))


@lru_cache(maxsize=1)
def _marked() -> re.Pattern[str]:
    """A cell that opens with a body's name and its role marker (区司法局牵头…工作，…负责…;
    办公室具体落实…): bodies' names only, not 单位领导负责."""
    words = unit_words()
    suffix = "|".join(map(re.escape, words.suffixes))
    adverbs = "|".join(map(re.escape, words.adverbs))
    markers = "|".join(re.escape(w) for role_words in words.markers.values() for w in role_words)
    return re.compile(rf"^.{{2,24}}?(?:{suffix})(?:{adverbs})*(?:{markers})")


@lru_cache(maxsize=4096)
def looks_like_units(text: str) -> bool:
    """Every piece names a unit (verbs and 等 taken off), or the cell opens with a unit that a
    role marker follows (区司法局牵头…工作，…负责…) — a unit cell written as a sentence. A cell
    that opens with a task verb (明确工作机构, 建立…中心) is a task however it ends."""
    flat = fold(text)
    if not flat or len(flat) > 400 or _word_pattern("task_verbs").search(flat):
        return False
    pieces = split_outside_brackets(flat)
    if all(_unit_piece(p) for p in pieces):
        return True
    return bool(_marked().match(flat)) and sum(_unit_piece(p) or bool(_marked().match(p)) for p in pieces) * 2 >= len(
        pieces
    )


@dataclass
class _Row:
    number: Piece | None = None
    headings: list[Piece] = field(default_factory=list)
    task: list[tuple[int, Piece]] = field(default_factory=list)
    numbered: bool = False
    units: list[Piece] = field(default_factory=list)
    deadline: list[Piece] = field(default_factory=list)
    channel: list[Piece] = field(default_factory=list)
    remarks: list[Piece] = field(default_factory=list)
    pos: int = -1
    path: tuple[str, ...] = ()
    unit_columns: dict[int, list[Piece]] = field(default_factory=dict)
    inherited: set[str] = field(default_factory=set)
    cut: bool = False

    @property
    def started(self) -> bool:
        return bool(self.task or self.units or self.deadline)


class _Reader:
    def __init__(self, cells: list[Piece], header_at: tuple[int, int], source: Source, layout: str):
        self.cells = cells
        self.source = source
        titles = [c.text for c in cells[header_at[0] : header_at[1]] if not c.empty]
        self.header = read_header(titles)
        self.titles = {fold(t) for t in titles}
        self.roles = [c.role for c in self.header.columns]
        self.body = cells[header_at[1] :]
        self.styles: dict[str, str] = {}
        self.record = source.record(layout=layout)
        self.record.warnings.extend(self.header.warnings())
        self.task_cols = [i for i, r in enumerate(self.roles) if r == TASK] or [len(self.roles)]
        self.unit_cols = [i for i, r in enumerate(self.roles) if r in UNIT_ROLES]
        self.has_number = NUMBER in self.roles

    def kind(self, piece: Piece) -> str:
        if piece.empty:
            return EMPTY
        flat = fold(piece.text)
        if flat in self.titles and column_role(piece.text) != UNKNOWN:
            return HEADER
        found = heading(piece.text)
        if bare_number(piece.text) or (self.has_number and found and not fold(found.rest)):
            return NUMBER
        if re.fullmatch(r"[\d.]+分?", flat):
            return SCORE
        if found and found.style in ("arabic", "paren-arabic", "circled"):
            return ITEM
        if found and found.style in ("chapter", "cn") and len(flat) <= _MAX_HEADING:
            return HEADING
        if found and found.style == "paren-cn":
            style = self.styles.get("paren-cn")
            if style is None:
                short = len(flat) <= _MAX_HEADING and not _SENTENCE.search(flat[:-1])
                style = self.styles["paren-cn"] = (
                    HEADING if short and (not flat.endswith("。") or len(self.header.index(INDICATOR)) >= 2) else ITEM
                )
            return style
        kind = cell_kind(piece.text)
        if kind == CHANNEL and CHANNEL in self.roles:
            return CHANNEL
        if looks_like_units(piece.text) and len(flat) <= 200:
            return UNITS
        if kind == DEADLINE and DEADLINE in self.roles and not re.search(r"[、，,]$", flat):
            return DEADLINE
        if kind == CHANNEL and CHANNEL in self.roles:
            return CHANNEL
        if is_debris(piece.text):
            return EMPTY
        if len(flat) <= _MAX_PLAIN_HEADING and not _SENTENCE.search(flat) and not found:
            return HEADING
        return SENTENCE

    def rows(self) -> list[_Row]:
        rows: list[_Row] = [_Row()]
        kinds = [self.kind(piece) for piece in self.body]
        for index, (piece, kind) in enumerate(zip(self.body, kinds)):
            following = next((k for k in kinds[index + 1 :] if k not in (EMPTY, SCORE)), None)
            found = heading(piece.text) if kind == ITEM else None
            if found and found.style == "paren-cn" and following == NUMBER:
                kinds[index] = HEADING  # a numbered heading right before a row's 序号 heads that row
        expected = 1
        for index, (piece, kind) in enumerate(zip(self.body, kinds)):
            row = rows[-1]
            if kind == NUMBER:
                following = next((k for k in kinds[index + 1 :] if k not in (EMPTY, SCORE)), None)
                value = int(bare_number(piece.text) or expected)
                if (self.has_number and following not in (NUMBER, None)) or (
                    following in (ITEM, SENTENCE, DEADLINE) and expected <= value <= expected + 3
                ):
                    expected = value + 1
                else:
                    kind = SCORE
            if kind == EMPTY and row.headings and not row.started:
                row.headings.append(piece)
                continue
            if kind in (EMPTY, HEADER, SCORE):
                continue
            if (
                kind == DEADLINE
                and row.number is not None
                and not row.task
                and not row.headings
                and index
                and kinds[index - 1] == NUMBER
            ):
                kind = SENTENCE  # the cell right after a row's 序号 is its task, not a deadline
            if kind == NUMBER:
                if row.started or row.number is not None:
                    rows.append(row := _Row())
                row.number = piece
            elif kind == HEADING:
                if (
                    row.task
                    and not row.units
                    and not row.deadline
                    and not heading(piece.text)
                    and not _ENDED.search(fold(row.task[-1][1].text))
                ):
                    row.task.append((row.pos, piece))
                    continue
                if piece is self.body[-1] and not heading(piece.text) and not _ENDED.search(fold(piece.text)):
                    self._task(rows, piece, numbered=False)
                    continue
                if row.started:
                    rows.append(row := _Row())
                row.headings.append(piece)
            elif kind in (ITEM, SENTENCE):
                self._task(rows, piece, numbered=kind == ITEM)
            elif (
                kind == UNITS
                and not row.task
                and not row.headings
                and row.number is None
                and (len(rows) == 1 or rows[-2].units)
                and INDICATOR in self.roles
                and self._plain_heading(piece)
            ):
                if row.started:
                    rows.append(row := _Row())
                row.headings.append(piece)
            elif kind == UNITS:
                target = row
                while row.headings and row.headings[-1].empty:
                    row.headings.pop()
                if not row.task and row.headings:
                    row.task.append((self.task_cols[0], row.headings.pop()))
                    row.pos = self.task_cols[0]
                elif not row.task and len(rows) > 1 and row.number is None:
                    target = rows[-2]
                target.units.append(piece)
                target.pos = max(target.pos, self.unit_cols[0] if self.unit_cols else target.pos)
            elif kind == DEADLINE:
                row.deadline.append(piece)
            elif kind == CHANNEL:
                row.channel.append(piece)
        return [r for r in rows if r.task]

    @staticmethod
    def _plain_heading(piece: Piece) -> bool:
        """Short, no sentence, no separator: a title that ends as a unit name does (组织领导,
        工作机构) and sits where a new row's heading begins."""
        flat = fold(piece.text)
        return len(flat) <= _MAX_PLAIN_HEADING and not _SENTENCE.search(flat) and not re.search(r"[、，,]", flat)

    def _task(self, rows: list[_Row], piece: Piece, *, numbered: bool) -> None:
        row = rows[-1]
        if not row.task:
            row.task.append((self.task_cols[0], piece))
            row.numbered = numbered
            row.pos = self.task_cols[0]
            return
        later = [c for c in self.task_cols if c > row.pos]
        if later and not row.units and not row.deadline:
            row.task.append((later[0], piece))
            row.pos = later[0]
            return
        if (
            not numbered
            and not row.units
            and not row.deadline
            and (row.numbered or not _ENDED.search(fold(row.task[-1][1].text)))
        ):
            row.task.append((row.pos, piece))
            return
        rows.append(new := _Row())
        new.task.append((self.task_cols[0], piece))
        new.numbered = numbered
        new.pos = self.task_cols[0]

    def paths(self, rows: list[_Row]) -> None:
        depths = sorted(
            {
                h.depth
                for r in rows
                for p in r.headings
                if (h := heading(p.text)) and h.style in ("chapter", "cn", "paren-cn")
            }
        )
        run = max((sum(not p.empty for p in r.headings) for r in rows), default=0)
        levels = max(len(self.header.index(INDICATOR)) - (1 if TASK not in self.roles else 0), run, len(depths))
        hierarchy = Hierarchy(levels=max(levels, 1), numbered=depths)
        for row in rows:
            cells = [HeadingCell(text=p.text, line=p.line, explicit_empty=p.empty) for p in row.headings]
            row.path = _dedupe(hierarchy.update(cells)) if (cells or row.path == ()) else row.path

    def distribute(self, rows: list[_Row]) -> None:
        """Unit pieces into unit columns: one column takes them all; with several columns a
        piece goes where the column's last value named the same units (a merged cell dropped
        out), else left to right, the last column taking the rest."""
        last: dict[int, set[str]] = {}
        for row in rows:
            cols = self.unit_cols
            pieces = row.units
            if not cols or not pieces:
                continue
            if len(cols) == 1:
                row.unit_columns = {cols[0]: pieces}
            elif len(pieces) < len(cols):
                free = list(cols)
                for piece in pieces:
                    names = {fold(p) for p in split_outside_brackets(piece.text)}
                    best = max(free, key=lambda c: (len(names & last.get(c, set())), -free.index(c)))
                    row.unit_columns[best] = [piece]
                    free.remove(best)
            else:
                first = max(1, len(pieces) // len(cols)) if len(cols) == 2 else 1
                row.unit_columns[cols[0]] = pieces[:first]
                rest = pieces[first:]
                for col in cols[1:-1]:
                    row.unit_columns[col], rest = rest[:1], rest[1:]
                row.unit_columns[cols[-1]] = rest
            for col, ps in row.unit_columns.items():
                last[col] = {fold(p) for piece in ps for p in split_outside_brackets(piece.text)}

    def inherit(self, rows: list[_Row]) -> None:
        """Merged unit and deadline cells within each indicator block (see the module doc)."""
        blocks: list[list[_Row]] = []
        for row in rows:
            if blocks and blocks[-1][-1].path == row.path:
                blocks[-1].append(row)
            else:
                blocks.append([row])
        for col in self.unit_cols:

            def get(r: _Row, c: int = col) -> list[Piece] | None:
                return r.unit_columns.get(c)

            def put(r: _Row, v: list[Piece], c: int = col) -> None:
                r.unit_columns[c] = v

            self._fill(blocks, get, put, "leadUnit")
        self._fill(blocks, lambda r: r.deadline or None, lambda r, v: setattr(r, "deadline", v), "deadline")

    @staticmethod
    def _fill(
        blocks: list[list[_Row]],
        get: Callable[[_Row], list[Piece] | None],
        put: Callable[[_Row, list[Piece]], None],
        name: str,
    ) -> None:
        """Within a block: downwards from a printed value, upwards above the first one. A block
        that prints no value at all continues the merge of the block above (a merged cell that
        runs on into the next section)."""
        above = None
        for block in blocks:
            printed = [bool(get(r)) for r in block]
            first = next((get(r) for r in block if get(r)), None)
            for at, row in enumerate(block):
                value = get(row)
                if printed[at]:
                    above = value
                    continue
                fill = first if first is not None and not any(printed[:at]) else above
                merging = any(name in r.inherited for r in block if r is not row)
                if fill is None or (row.cut and not merging):
                    continue
                put(row, fill)
                row.inherited.add(name)

    def read(self) -> LedgerRecord:
        rows = self.rows()
        if rows:
            last = rows[-1]
            if not last.units and not last.deadline and self.unit_cols:
                last.cut = True
                self.record.warnings.append(
                    LedgerWarning(
                        code="truncated",
                        line=last.task[0][1].line,
                        en="the table stops after this row's task: the task is kept, its units and "
                        "deadline are not on the page",
                        zh="表格在此行任务之后中断：保留该任务，其责任单位和时限不在文本中",
                    )
                )
        self.paths(rows)
        self.distribute(rows)
        self.inherit(rows)
        for row in rows:
            self.record.tasks.append(self._task_record(row))
        return self.record

    def _task_record(self, row: _Row) -> TaskRecord:
        first = row.task[0][1]
        text = "".join(join_cjk(p.text) for _, p in row.task)
        number = None
        if row.number is not None:
            number = fold(row.number.text).rstrip(".、")
        else:
            found = heading(text)
            if found and found.style in ("arabic", "paren-arabic", "circled", "paren-cn") and found.rest:
                number, text = found.label, found.rest
        units = []
        for col, pieces in sorted(row.unit_columns.items()):
            if not pieces:
                continue
            inherited = "leadUnit" in row.inherited and not any(p in row.units for p in pieces)
            units.append(
                UnitCell(
                    text="\n".join(p.text for p in pieces),
                    role=UNIT_ROLES[self.roles[col]],
                    line=pieces[0].line,
                    inherited=inherited,
                )
            )
        deadline = "".join(join_cjk(p.text) for p in row.deadline) or None
        fields = set()
        if any(u.inherited for u in units):
            fields.add("leadUnit")
        if "deadline" in row.inherited:
            fields.add("deadline")
        return TaskRecord(
            text=text,
            line=first.line,
            end_line=max(p.end_line for _, p in row.task),
            indicators=row.path,
            number=number,
            units=units,
            deadline=deadline,
            deadline_inherited="deadline" in row.inherited,
            channel="、".join(join_cjk(p.text) for p in row.channel) or None,
            remarks=[join_cjk(p.text) for p in row.remarks],
            inherited=frozenset(fields),
            truncated=row.cut,
        )


def _dedupe(path: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for item in path:
        if not out or out[-1] != item:
            out.append(item)
    return tuple(out)


def find_header(cells: list[Piece]) -> tuple[int, int] | None:
    """(start, stop) of the first run of cells that name two known column roles or more, one of
    them a task, indicator or unit column."""
    i = 0
    while i < len(cells):
        j, roles = i, []
        while j < len(cells) and (cells[j].empty or column_role(cells[j].text) != UNKNOWN):
            if not cells[j].empty:
                roles.append(column_role(cells[j].text))
            j += 1
        if (
            len(roles) >= 2
            and ({TASK, INDICATOR} | set(UNIT_ROLES)) & set(roles)
            and (TASK in roles or set(UNIT_ROLES) & set(roles))
        ):
            return i, j
        i = j + 1 if j > i else i + 1
    return None


def _read(source: Source, cells: list[Piece], layout: str) -> LedgerRecord:
    from ..errors import InputError

    found = find_header(cells)
    if found is None:
        raise InputError(
            "no table header found",
            path=source.path,
            line=1,
            expected="header cells such as 工作任务 / 具体要求 / 责任单位 / 完成时限",
            message_zh="未找到表头",
        )
    return _Reader(cells, found, source, layout).read()


def _whole_rows(source: Source, cells: list[Piece], layout: str) -> LedgerRecord:
    """The cells after the header taken as whole rows of the header's width, as a table prints
    when every cell, empty or merged, is written out; the rows then go through the grid rules
    of every table (merged cells are the empty ones)."""
    from ..errors import InputError
    from .delimited import rows_to_grid
    from .table import grid_to_tasks

    found = find_header(cells)
    if found is None:
        raise InputError(
            "no table header found",
            path=source.path,
            line=1,
            expected="header cells such as 工作任务 / 具体要求 / 责任单位 / 完成时限",
            message_zh="未找到表头",
        )
    titles = [c for c in cells[found[0] : found[1]] if not c.empty]
    body = cells[found[1] :]
    width = len(titles)
    while body and body[0].empty and len(body) % width:
        body = body[1:]
    if len(body) < width or (len(body) % width and _ENDED.search(fold(body[-1].text))):
        raise InputError(
            "the cells do not fill whole rows",
            path=source.path,
            line=found[0] + 1,
            expected=f"rows of {width} cells",
            message_zh="单元格数与表头列数不符",
        )
    rows: list[tuple[int, list[str] | None]] = [(titles[0].line, [c.text for c in titles])]
    for at in range(0, len(body), width):
        row = body[at : at + width]
        rows.append((row[0].line, [c.text for c in row] + [""] * (width - len(row))))
    grid = rows_to_grid(rows, source=source)
    record = source.record(layout=layout)
    record.tasks = grid_to_tasks(grid)
    record.warnings.extend(grid.header.warnings())
    last_line = next((line.strip() for line in reversed(source.lines) if line.strip()), "")
    open_cell = layout == "bar-cell-rows" and not re.search(r"[|｜]$", last_line) and not _ENDED.search(fold(last_line))
    if (len(body) % width or open_cell) and record.tasks:
        record.tasks[-1].cut_off()
        record.warnings.append(
            LedgerWarning(
                code="truncated",
                line=body[-1].line,
                en="the table stops in the middle of a row: the cells after the cut are not on the page",
                zh="表格在行中中断：中断处之后的单元格不在文本中",
            )
        )
    return record


def _bars(source: Source) -> list[Piece]:
    """The file's ``|``-closed cells, split once for the four readers and detectors that use them
    (the cells are read, never changed)."""
    if "bar_cells" not in source.__dict__:
        source.__dict__["bar_cells"] = bar_cells(source.lines)
    cells: list[Piece] = source.__dict__["bar_cells"]
    return cells


def _paragraphs(source: Source) -> list[Piece]:
    """The file's paragraph cells, split once (see ``_bars``)."""
    if "paragraph_cells" not in source.__dict__:
        source.__dict__["paragraph_cells"] = paragraph_cells(source.lines)
    cells: list[Piece] = source.__dict__["paragraph_cells"]
    return cells


def read_bar_rows(source: Source) -> LedgerRecord:
    return _whole_rows(source, _bars(source), "bar-cell-rows")


def read_paragraph_rows(source: Source) -> LedgerRecord:
    return _whole_rows(source, _paragraphs(source), "paragraph-cell-rows")


def _fits(cells: list[Piece]) -> bool:
    found = find_header(cells)
    if found is None:
        return False
    width = sum(1 for c in cells[found[0] : found[1]] if not c.empty)
    return width >= 2 and len(cells) - found[1] >= width


def read_bars(source: Source) -> LedgerRecord:
    return _read(source, _bars(source), "bar-cells")


def read_paragraphs(source: Source) -> LedgerRecord:
    return _read(source, _paragraphs(source), "paragraph-cells")


def _detect_bars(source: Source) -> float:
    lines = source.nonblank_lines
    share = sum(1 for line in lines if "|" in line or "｜" in line) / max(len(lines), 1)
    return 0.5 if share >= 0.2 and find_header(_bars(source)) else 0.0


def _detect_paragraphs(source: Source) -> float:
    return 0.4 if find_header(_paragraphs(source)) else 0.0


BAR_LAYOUT = Layout(
    name="bar-cells",
    detect=_detect_bars,
    read=read_bars,
    description="cells closed by '|' (one per line, lone bars, or rows with merged cells left out) / 以“|”分隔的单元格流",
)
PARAGRAPH_LAYOUT = Layout(
    name="paragraph-cells",
    detect=_detect_paragraphs,
    read=read_paragraphs,
    description="one cell per paragraph, blank lines between / 每段一个单元格",
)
BAR_ROW_LAYOUT = Layout(
    name="bar-cell-rows",
    detect=lambda source: 0.5 if _detect_bars(source) and _fits(_bars(source)) else 0.0,
    read=read_bar_rows,
    whole_rows=True,
    description="cells closed by '|', every cell of every row printed / 以“|”结束的单元格，逐行完整",
)
PARAGRAPH_ROW_LAYOUT = Layout(
    name="paragraph-cell-rows",
    detect=lambda source: 0.4 if _fits(_paragraphs(source)) else 0.0,
    read=read_paragraph_rows,
    whole_rows=True,
    description="one cell per paragraph, every cell of every row printed / 每段一个单元格，逐行完整",
)
LAYOUT = BAR_LAYOUT
