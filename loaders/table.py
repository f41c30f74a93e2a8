"""Table recovery shared by every tabular layout.

A layout reader only finds the header and the cells; this module decides what each column means
(from the header's words, looked up in ``columns.json``), fills vertically merged cells, and turns
rows into task records. Keeping these rules in one place is what makes a new layout cheap and
lets the rules be tested once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..analysis.agencies import unit_words
from ..analysis.normalise import fold
from ..model import LedgerWarning, Role, TaskRecord, UnitCell
from ..resources import read_text
from .outline import heading

INDICATOR = "indicator"
TASK = "task"
NUMBER = "number"
LEAD = "lead"
RESPONSIBLE = "responsible"
COOPERATING = "cooperating"
DEADLINE = "deadline"
CHANNEL = "channel"
REMARK = "remark"
UNKNOWN = "unknown"

UNIT_ROLES = {LEAD: Role.LEAD, RESPONSIBLE: Role.RESPONSIBLE, COOPERATING: Role.COOPERATING}
# Columns whose empty cells may be vertically merged with the cell above (where the format marks
# the merge, or a text layout shows it: ``mark_text_merges``).
INHERITABLE = {INDICATOR, LEAD, RESPONSIBLE, COOPERATING, DEADLINE, CHANNEL, REMARK}

_WS = re.compile(r"\s+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def join_cjk(text: str) -> str:
    """Join the pieces of a cell that Word, PDF or a web page split: whitespace between two
    Chinese characters is a line-wrap artefact, other runs of whitespace become one space."""
    text = _CJK_GAP.sub("", text.strip())
    return _WS.sub(" ", text)


@dataclass(frozen=True)
class Column:
    role: str
    title: str
    level: int | None = None
    """For indicator columns, 1 for the outermost."""


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, str], ...]:
    """(title, role) pairs, longest title first so that 牵头责任单位 wins over 责任单位."""
    meta = json.loads(read_text("loaders", "columns.json"))
    pairs = [(title, column["name"]) for column in meta["tableSchema"]["columns"] for title in column["titles"]["zh"]]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_MAX_TITLE = 16


@lru_cache(maxsize=8192)
def column_role(title: str) -> str:
    """The role a header title names, ``unknown`` when no synonym fits. Cached: every reader of
    a file looks for the header among the same cells."""
    if len(title) > 3 * _MAX_TITLE:
        return UNKNOWN
    key = re.sub(r"\([^()]{0,8}\)$", "", fold(title)).strip("*:：")
    if not key or len(key) > _MAX_TITLE:
        return UNKNOWN
    exact, endings = _synonym_lookup()
    if key in exact:
        return exact[key]
    for synonym, role in endings:
        if key.endswith(synonym):
            return role
    return UNKNOWN


@lru_cache(maxsize=1)
def _synonym_lookup() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Exact titles as a dict (the longest synonym's role where two share a title), and the
    synonyms of two characters or more, longest first, for titles that end with one."""
    exact: dict[str, str] = {}
    for synonym, role in _synonyms():
        exact.setdefault(synonym, role)
    return exact, tuple((synonym, role) for synonym, role in _synonyms() if len(synonym) >= 2)


def header_score(cells: list[str]) -> int:
    """How many cells of a candidate header row name a known column role."""
    return sum(1 for cell in cells if cell and column_role(cell) != UNKNOWN)


@dataclass(frozen=True)
class Header:
    columns: tuple[Column, ...]
    unknown: tuple[str, ...]

    def index(self, role: str) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.role == role]

    def warnings(self, *, line: int | None = None) -> list[LedgerWarning]:
        """The warning a ledger carries when its header has words no synonym knows: it still
        loads, and the user learns which words to add to ``columns.json``. ``line`` is the
        header's line when the reader knows it."""
        if not self.unknown:
            return []
        return [
            LedgerWarning(
                code="unknown-header",
                en="unknown header words: " + ", ".join(self.unknown),
                zh="未识别的表头：" + "、".join(self.unknown),
                line=line,
            )
        ]


def read_header(titles: list[str]) -> Header:
    """Column roles for a header row.

    An empty title right of a known one is the second half of a horizontally merged header cell
    (重点任务 spanning two columns) and continues its role. When no column holds the task text,
    the innermost indicator column does (a 二级指标 that reads as the task itself). When there
    is no lead column, the responsibility column names the lead units."""
    roles: list[str] = []
    unknown: list[str] = []
    for i, title in enumerate(titles):
        role = column_role(title)
        if role == UNKNOWN and not title.strip() and i > 0 and roles[i - 1] == INDICATOR:
            role = INDICATOR
        if role == UNKNOWN and title.strip():
            unknown.append(title.strip())
        roles.append(role)
    if TASK not in roles and INDICATOR in roles:
        last = max(i for i, role in enumerate(roles) if role == INDICATOR)
        roles[last] = TASK
    if LEAD not in roles and RESPONSIBLE in roles:
        roles = [LEAD if role == RESPONSIBLE else role for role in roles]
    level = 0
    columns = []
    for title, role in zip(titles, roles):
        if role == INDICATOR:
            level += 1
            columns.append(Column(role=role, title=join_cjk(title), level=level))
        else:
            columns.append(Column(role=role, title=join_cjk(title)))
    return Header(columns=tuple(columns), unknown=tuple(unknown))


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class Grid:
    """Rows of cells aligned to a header. ``None`` or an empty cell is read as merged, unless
    ``explicit_merges`` (text grids get it from ``mark_text_merges``).

    ``block_starts`` are the row indexes where a merge cannot continue from above (a page break
    in a dump, a blank line between the sections of a table); row 0 always starts a block."""

    header: Header
    rows: list[list[Cell | None]] = field(default_factory=list)
    block_starts: set[int] | None = None
    explicit_merges: bool = False
    """The format says which cells a merge covers (``None``) and which are empty (a cell with
    no text): only covered cells inherit. Office files and HTML say it; text dumps do not."""


def _text(cell: Cell | None, role: str = TASK) -> str:
    """A cell's text. Unit cells keep their line breaks and spaces (squashed) because there they
    may separate two units; ``analysis.agencies`` tells a separator from a line-wrap artefact."""
    if cell is None:
        return ""
    if role in UNIT_ROLES:
        return "\n".join(_SPACE_RUN.sub(" ", l).strip() for l in cell.text.split("\n") if l.strip())
    return join_cjk(cell.text)


_SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]+")


def _blocks(grid: Grid) -> list[tuple[int, int]]:
    """Merge scopes as (start, stop) row ranges. Without layout hints a block starts wherever the
    outermost indicator column is filled: a merged cell does not cross that boundary."""
    starts = set(grid.block_starts or ())
    starts.add(0)
    if grid.block_starts is None:
        first = next(iter(grid.header.index(INDICATOR)), None)
        if first is not None:
            starts |= {i for i, row in enumerate(grid.rows) if _text(row[first])}
    ordered = sorted(s for s in starts if s < len(grid.rows))
    return [(s, e) for s, e in zip(ordered, ordered[1:] + [len(grid.rows)])]


def _line(cell: Cell | None) -> int:
    return cell.line if cell else 0


def fill_merged(grid: Grid) -> list[list[tuple[str, int, bool]]]:
    """Each cell as (text, line, inherited). Empty inheritable cells take the value above within
    their block; an indicator cell empty at the top of its block takes the first value below it
    (a heading printed on the middle row of its merged block)."""
    width = len(grid.header.columns)
    roles = [column.role for column in grid.header.columns]
    out = [
        [
            (_text(row[i], roles[i]) if i < len(row) else "", _line(row[i]) if i < len(row) else 0, False)
            for i in range(width)
        ]
        for row in grid.rows
    ]
    for start, stop in _blocks(grid):
        for col, column in enumerate(grid.header.columns):
            if column.role not in INHERITABLE:
                continue
            if column.role == INDICATOR:
                below = next((out[r][col] for r in range(start, stop) if out[r][col][0]), None)
                for r in range(start, stop):
                    if out[r][col][0] or not _covered(grid, r, col):
                        break
                    if below is not None:
                        out[r][col] = (below[0], below[1], True)
            above = None
            for r in range(start, stop):
                if out[r][col][0]:
                    above = out[r][col]
                elif not _covered(grid, r, col):
                    continue
                elif (
                    above is not None
                    and not (column.role == INDICATOR and _outer_changed(grid, out, r, column.level or 0, above))
                    and not (column.role == REMARK and _units_printed(grid, r))
                ):
                    out[r][col] = (above[0], above[1], True)
                else:
                    above = None
    return out


def merged_rows(grid: Grid, rows: list[tuple[int, list[str | None] | None]]) -> Grid:
    """Rows of a format that marks its merges (office files, HTML, PDF) added to ``grid``: a
    ``None`` cell is covered by a merge, ``""`` is empty, a ``None`` row is a break between
    blocks; cells beyond the header's width join the last column. A row of one cell is a row
    (a cell spanning the table), never the continuation of the cell above as in text."""
    width = len(grid.header.columns)
    pending_break = False
    for line, cells in rows:
        if cells is None:
            pending_break = True
            continue
        if pending_break and grid.rows:
            grid.block_starts = (grid.block_starts or set()) | {len(grid.rows)}
        pending_break = False
        row: list[Cell | None] = [None if text is None else Cell(text=text, line=line) for text in cells[:width]]
        extra = " ".join(c for c in cells[width:] if c)
        if extra and row:
            last = row[-1]
            row[-1] = Cell(text=((last.text + " ") if last and last.text else "") + extra, line=line)
        grid.rows.append(row + [Cell(text="", line=line) for _ in range(width - len(row))])
    return grid


def mark_text_merges(grid: Grid) -> Grid:
    """Which empty cells of a table read from text a merge covers. Text prints a cell covered
    by a merge and a cell left empty alike, so the layout has to show the merge:

    * an empty indicator cell is always covered: the genre prints a heading only on the first
      row of its group, and the path (not a unit) is all it carries;
    * an empty unit, deadline, channel or remark cell is covered only in a row that continues a
      merged block: not the first row of a block, no number (序号, or 1. opening its task text)
      or indicator of its own (such a row starts its own block), and either inside a block the
      layout sets off with blank lines or printing nothing but task text.

    Any other empty cell stays empty, so a row that leaves its 牵头单位 empty has no lead unit
    (and ``zwgk validate`` says so) instead of the lead unit of the row above. The grid is then
    read as one that marks its merges (``None`` covered, ``""`` empty)."""
    columns = grid.header.columns
    starts = set(grid.block_starts or ()) | {0}
    blocks_shown = bool(grid.block_starts)
    for r, row in enumerate(grid.rows):
        continuation = r not in starts and _continues_block(row, columns, blocks_shown=blocks_shown)
        line = next((cell.line for cell in row if cell is not None), 0)
        for i, column in enumerate(columns[: len(row)]):
            cell = row[i]
            if cell is not None and cell.text.strip():
                continue
            if column.role == INDICATOR or (continuation and column.role in INHERITABLE):
                row[i] = None
            elif cell is None:
                row[i] = Cell(text="", line=line)
    grid.explicit_merges = True
    return grid


def _continues_block(row: list[Cell | None], columns: tuple[Column, ...], *, blocks_shown: bool) -> bool:
    """Whether a text row (not the first of its block) is a continuation row of a merged block:
    it prints no number (in a 序号 column, or as the outline number its task text opens with,
    which becomes the task's number) and no indicator, and either the layout sets its blocks off
    with blank lines or the row prints nothing but task text."""
    printed = {column.role for column, cell in zip(columns, row) if cell is not None and cell.text.strip()}
    if printed & {NUMBER, INDICATOR}:
        return False
    if any(
        column.role == TASK and cell is not None and _split_number(None, join_cjk(cell.text))[0]
        for column, cell in zip(columns, row)
    ):
        return False
    return blocks_shown or printed <= {TASK}


def _covered(grid: Grid, r: int, col: int) -> bool:
    """Whether an empty cell may be a merged one: always in text, only a covered cell
    (``None``) where the format marks its merges."""
    return not grid.explicit_merges or col >= len(grid.rows[r]) or grid.rows[r][col] is None


def _units_printed(grid: Grid, r: int) -> bool:
    """A remark is merged down only over rows whose unit cells are merged too: an empty remark
    beside a newly printed unit is an empty remark, not the remark of other units."""
    row = grid.rows[r]
    return any(
        column.role in UNIT_ROLES and i < len(row) and (cell := row[i]) is not None and cell.text.strip()
        for i, column in enumerate(grid.header.columns)
    )


def _outer_changed(
    grid: Grid, out: list[list[tuple[str, int, bool]]], r: int, level: int, above: tuple[str, int, bool]
) -> bool:
    """An outer heading that differs from the one above closes the inner headings' merges:
    a new section starts with no sub-section until one is printed. A reprint of the same outer
    heading (at a page break) does not."""
    for col, column in enumerate(grid.header.columns):
        if column.role != INDICATOR or (column.level or 0) >= level:
            continue
        text, _, inherited = out[r][col]
        if text and not inherited and r > 0 and out[r - 1][col][0] != text:
            return True
    return False


def grid_to_tasks(grid: Grid) -> list[TaskRecord]:
    """One task per row that has task text; a row with no task text but with units continues the
    task above (a cell that spans two rows is one task with both rows' units)."""
    filled = fill_merged(grid)
    columns = grid.header.columns
    tasks: list[TaskRecord] = []
    for raw, row in zip(grid.rows, filled):
        task_cells = [row[i] for i, c in enumerate(columns) if c.role == TASK and not _merged(raw, i)]
        text = "".join(t for t, _, _ in task_cells if t)
        units = [
            UnitCell(text=t, role=UNIT_ROLES[c.role], line=line or 0, inherited=inh)
            for (t, line, inh), c in zip(row, columns)
            if c.role in UNIT_ROLES and t
        ]
        if not text:
            if tasks and units:
                _add_units(tasks[-1], [u for u in units if not u.inherited])
            continue
        line = min((ln for t, ln, _ in task_cells if t and ln), default=0)
        indicators = tuple(_indicator_label(t) for (t, _, _), c in zip(row, columns) if c.role == INDICATOR and t)
        number = next((t for (t, _, _), c in zip(row, columns) if c.role == NUMBER and t), None)
        deadline = next(((t, inh) for (t, _, inh), c in zip(row, columns) if c.role == DEADLINE and t), None)
        channel = next((t for (t, _, _), c in zip(row, columns) if c.role == CHANNEL and t), None)
        remarks = [t for (t, _, _), c in zip(row, columns) if c.role == REMARK and t]
        inherited = {
            field_name
            for (t, _, inh), c in zip(row, columns)
            if inh and t
            for field_name in (_FIELD_OF_ROLE.get(c.role, ()),)
            if field_name
        }
        task_number, text = _split_number(number, text)
        tasks.append(
            TaskRecord(
                text=text,
                line=line,
                end_line=max((ln for t, ln, _ in task_cells if t and ln), default=line),
                indicators=_dedupe_path(indicators),
                number=task_number,
                units=units,
                deadline=deadline[0] if deadline else None,
                deadline_inherited=bool(deadline and deadline[1]),
                remarks=remarks,
                channel=channel,
                inherited=frozenset(inherited),
            )
        )
    return tasks


_FIELD_OF_ROLE = {
    LEAD: "leadUnit",
    RESPONSIBLE: "responsibleUnit",
    COOPERATING: "responsibleUnit",
    DEADLINE: "deadline",
    CHANNEL: "channel",
    REMARK: "remark",
}


def _merged(raw: list[Cell | None], i: int) -> bool:
    cell = raw[i] if i < len(raw) else None
    return cell is None or not cell.text.strip()


def _add_units(task: TaskRecord, units: list[UnitCell]) -> None:
    seen = {(u.text, u.role) for u in task.units}
    task.units.extend(u for u in units if (u.text, u.role) not in seen)


def _indicator_label(text: str) -> str:
    """A heading as printed, without the wrap space after its number: ``(一) 助力`` → ``(一)助力``."""
    return re.sub(r"^([（(][^）)]{1,4}[）)])\s+", r"\1", text.strip())


def _dedupe_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """A heading repeated in two adjacent indicator columns (a merged header cell printed twice)
    is one level."""
    out: list[str] = []
    for label in path:
        if not out or out[-1] != label:
            out.append(label)
    return tuple(out)


def _split_number(number: str | None, text: str) -> tuple[str | None, str]:
    """The task's number: the 序号 column when there is one, else an outline number printed at
    the start of the text (``1. 对照…``), which is then taken off the text."""
    if number:
        return number.strip().rstrip(".．、"), text
    found = heading(text)
    if found and found.style in ("arabic", "paren-arabic", "circled") and found.rest:
        return found.label, found.rest
    return None, text


@lru_cache(maxsize=1)
def cell_words() -> dict[str, Any]:
    """The cell vocabulary of the loaders (``cell_words.json``): channel words, deadline words,
    task verbs, the labels of prose brackets and web-page debris. Unit endings and role markers
    are the analysis layer's (``unit_patterns``)."""
    words: dict[str, Any] = json.loads(read_text("loaders", "cell_words.json"))
    return words


@cache
def _word_pattern(name: str) -> re.Pattern[str]:
    return re.compile(cell_words()[name])


@dataclass(frozen=True)
class UnitPatterns:
    """The patterns by which the loaders tell a unit cell, built from the unit endings and role
    markers of ``analysis/data/agencies.json`` (``analysis.agencies.unit_words``), which lists
    them once for the loaders and for the splitting of unit cells alike."""

    end: re.Pattern[str]
    """A unit name's ending at the end of the text (局, 办公室, 街道, 分管领导), possibly
    followed by one bracketed part as ``analysis.agencies`` reads it (科室（单位）, 各乡镇（街道）,
    省编办（省审改办）); or a bracketed ending alone, the wrapped second line of 处室 / （单位）."""
    verbs: re.Pattern[str]
    """What may close a unit cell after the names: 等, then role markers, each possibly after
    an adverb and a short verb (按职责分工负责, 分别牵头, 具体落实)."""
    any_marker: re.Pattern[str]
    """Any role marker (牵头, 负责, 配合…), anywhere."""
    markers: dict[Role, str]
    """Each role's markers as a regular expression (an alternation, longest first) to put in a
    larger one; lead first, then responsible, then co-operating."""
    prose_markers: dict[Role, str]
    """The same without the markers that are ordinary verbs in running prose (落实, 协同)."""


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def unit_patterns() -> UnitPatterns:
    """The loaders' unit-cell patterns (see ``UnitPatterns``)."""
    words = unit_words()
    suffix = _alternation(words.suffixes + words.cell_only_suffixes)
    every = _alternation([w for role_words in words.markers.values() for w in role_words])
    return UnitPatterns(
        end=re.compile(rf"(?:(?:{suffix})(?:[（(][^（）()]*[）)])?|^[（(](?:{suffix})[）)])$"),
        verbs=re.compile(
            rf"(?:{_alternation(words.etc_words)})?"
            rf"(?:(?:{_alternation(words.adverbs)})[\u4e00-\u9fff]{{0,3}}|{every})*$"
        ),
        any_marker=re.compile(every),
        markers={role: _alternation(role_words) for role, role_words in words.markers.items()},
        prose_markers={
            role: _alternation(prose_words)
            for role, role_words in words.markers.items()
            if (prose_words := [w for w in role_words if w not in words.cell_only_markers])
        },
    )


def _is_channel_line(line: str) -> bool:
    return len(line) <= 24 and bool(_word_pattern("channel").search(line))


def is_units(text: str) -> bool:
    """Every line of the cell names a unit (ends as unit names end: 局, 办, 中心, 街道…, once a
    role marker such as 牵头/配合 is taken off) and none is a channel (政府网站 ends in 站 but is
    where a task is checked, not who does it)."""
    lines = [join_cjk(line) for line in text.split("\n") if line.strip()]
    patterns = unit_patterns()

    def unit(line: str) -> bool:
        bare = patterns.verbs.sub("", fold(line)) if patterns.any_marker.search(fold(line)) else line
        end = patterns.end.search(bare)
        return (
            end is not None
            and not (end.group() == "站" and _is_channel_line(line))
            and all(
                patterns.end.search(patterns.verbs.sub("", piece))
                for piece in re.split(r"[，,；;]", fold(line))
                if piece
            )
        )

    return bool(lines) and all(unit(line) for line in lines)


def cell_kind(text: str) -> str:
    """The column role a free-standing cell's words suggest: ``deadline``, ``lead`` (units),
    ``channel``, or ``unknown``. Only short cells qualify: a sentence is task text whatever
    words it contains."""
    flat = join_cjk(text)
    if not flat or re.search(r"[。；;]$", flat):
        return UNKNOWN
    if is_units(text):
        return LEAD
    if len(flat) <= 16 and _word_pattern("deadline").search(fold(text)):
        return DEADLINE
    if all(_is_channel_line(join_cjk(line)) for line in text.split("\n") if line.strip()):
        return CHANNEL
    return UNKNOWN


def is_debris(text: str) -> bool:
    """Web-page furniture around a ledger: links, QR-code notes, copyright lines."""
    flat = text.strip()
    return len(flat) <= _MAX_DEBRIS and bool(_word_pattern("debris").search(flat))


_MAX_DEBRIS = 60
"""Debris is a line of furniture; a paragraph that mentions 二维码 in passing is text."""
