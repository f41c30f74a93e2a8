"""Writers for the variant tests: a ledger's task table written back out as text in each common
way of writing a table, so that a reader can be checked against every convention at once.

``table_of(record)`` takes the tasks a ledger was read into and lays them out as the table they
form (序号, 一级指标/二级指标…, 主要任务, 牵头单位, 责任单位, 完成时限; only the columns that have
any value). ``render(table, convention)`` writes it in one convention of ``CONVENTIONS`` and says
where each data row lies in the text (for the cut variant). ``expected_tasks`` and ``compare`` say
what reading the text back must give: the original tasks, compared after normalising."""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from zwgk.model import LedgerRecord, TaskRecord

# Readable names of the samples (conftest.SAMPLE keys), for test ids.
SAMPLE_NAMES = {"000": "henan", "001": "shiquan", "002": "hubei", "003": "huainan", "004": "hualong"}

LEVEL_NAMES = "一二三四五六七八九"
NUMBER, TASK, LEAD, OTHER, DEADLINE = "序号", "主要任务", "牵头单位", "责任单位", "完成时限"


# --- the table ---------------------------------------------------------------------------------

_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_MARKER_LINE = re.compile(r"(配合|牵头|协助|协办|参与|负责)")


def flat(text: str | None) -> str:
    """A cell's text on one line: a line break between two Chinese characters is a wrap (gone),
    other runs of whitespace become one space."""
    text = _CJK_GAP.sub("", (text or "").strip())
    return re.sub(r"\s+", " ", text)


def flat_units(texts: list[str]) -> str:
    """Unit cells on one line: the units of a cell printed one per line are joined with 、 (a role
    marker alone on its line, 配合, stays with the unit before it); cells are joined with 、."""
    names: list[str] = []
    for text in texts:
        for line in text.split("\n"):
            line = re.sub(r"\s+", " ", line).strip()
            if not line:
                continue
            if names and _MARKER_LINE.fullmatch(line):
                names[-1] += line
            else:
                names.append(line)
    return "、".join(names)


@dataclass(frozen=True)
class Table:
    title: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """One row per task, every cell printed."""
    indicator_columns: tuple[int, ...]

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def cells(self, merged: bool) -> list[list[str | None]]:
        """The rows as printed. ``merged``: each indicator level only on the first row of its
        group (the rows sharing the path down to that level), as vertically merged cells come
        out of Word, Excel or a web page; otherwise on every row. A cell covered by the merged
        cell above is ``None``; a cell with nothing in it is ``""`` (most conventions print
        both alike; a paragraph dump prints the empty cell and not the covered one)."""
        if not merged:
            return [list(row) for row in self.rows]
        out: list[list[str | None]] = []
        previous: tuple[str, ...] | None = None
        for row in self.rows:
            printed: list[str | None] = list(row)
            if previous is not None:
                for k, col in enumerate(self.indicator_columns):
                    path = [row[c] for c in self.indicator_columns[: k + 1]]
                    if row[col] and path == [previous[c] for c in self.indicator_columns[: k + 1]]:
                        printed[col] = None
            out.append(printed)
            previous = row
        return out


def _lead(task: TaskRecord) -> list[str]:
    return [u.text for u in task.units if u.role.value == "lead"]


def _other(task: TaskRecord) -> list[str]:
    return [u.text for u in task.units if u.role.value != "lead"]


def table_of(record: LedgerRecord) -> Table:
    """The table the record's tasks form, with only the columns that have any value."""
    tasks = record.tasks
    depth = max((len(t.indicators) for t in tasks), default=0)
    columns: list[tuple[str, Callable[[TaskRecord], str]]] = [(NUMBER, lambda t: flat(t.number))]
    for level in range(depth):
        columns.append(
            (
                f"{LEVEL_NAMES[level]}级指标",
                lambda t, level=level: flat(t.indicators[level]) if level < len(t.indicators) else "",
            )
        )
    columns += [
        (TASK, lambda t: flat(t.text)),
        (LEAD, lambda t: flat_units(_lead(t))),
        (OTHER, lambda t: flat_units(_other(t))),
        (DEADLINE, lambda t: flat(t.deadline)),
    ]
    values = [[get(t) for _, get in columns] for t in tasks]
    keep = [i for i, (name, _) in enumerate(columns) if name == TASK or any(row[i] for row in values)]
    header = tuple(columns[i][0] for i in keep)
    rows = tuple(tuple(row[i] for i in keep) for row in values)
    indicators = tuple(i for i, name in enumerate(header) if name.endswith("级指标"))
    return Table(title=flat(record.title) or None, header=header, rows=rows, indicator_columns=indicators)


# --- writers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    text: str
    row_spans: tuple[tuple[int, int], ...]
    """(start, stop) character offsets of each data row in ``text``."""

    def wrapped(self, before: str, after: str) -> Rendered:
        shift = len(before)
        return Rendered(before + self.text + after, tuple((s + shift, e + shift) for s, e in self.row_spans))


def _assemble(head: str, rows: list[str], separator: str, tail: str = "") -> Rendered:
    parts, spans, at = [head], [], len(head)
    for i, row in enumerate(rows):
        if i:
            parts.append(separator)
            at += len(separator)
        spans.append((at, at + len(row)))
        parts.append(row)
        at += len(row)
    parts.append(tail)
    return Rendered("".join(parts), tuple(spans))


def _title(table: Table) -> str:
    return f"{table.title}\n\n" if table.title else ""


def _printed(table: Table, merged: bool) -> list[list[str]]:
    """The rows with covered and empty cells alike empty."""
    return [[c or "" for c in row] for row in table.cells(merged)]


def _line_table(table: Table, merged: bool, join: Callable[[list[str]], str], after_header: str = "") -> Rendered:
    """One row per line, the cells joined by ``join``."""
    head = _title(table) + join(list(table.header)) + "\n" + after_header
    rows = [join(row) for row in _printed(table, merged)]
    return _assemble(head, rows, "\n", "\n")


def write_tab(table: Table, merged: bool) -> Rendered:
    return _line_table(table, merged, lambda cells: "\t".join(c.replace("\t", " ") for c in cells))


def _markdown(outer: bool, separator: bool) -> Callable[[Table, bool], Rendered]:
    def join(cells: list[str]) -> str:
        inner = " | ".join(c.replace("|", "\\|") for c in cells)
        return f"| {inner} |" if outer else inner

    def write(table: Table, merged: bool) -> Rendered:
        rule = ""
        if separator:
            dashes = ["---"] * len(table.header)
            rule = ("|" + "|".join(dashes) + "|" if outer else "|".join(dashes)) + "\n"
        return _line_table(table, merged, join, after_header=rule)

    return write


def write_fullwidth_bar(table: Table, merged: bool) -> Rendered:
    return _line_table(table, merged, lambda cells: "｜".join(c.replace("｜", "|") for c in cells))


def write_fullwidth_comma(table: Table, merged: bool) -> Rendered:
    """Cells separated by ，; a ， inside a cell is written half-width (as such documents do, and
    as NFKC reads it), so that the separator is not ambiguous."""
    return _line_table(table, merged, lambda cells: "，".join(c.replace("，", ",") for c in cells))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_spaces(table: Table, merged: bool) -> Rendered:
    """Columns aligned with spaces (as pdftotext -layout or a fixed-width export prints them):
    each column padded to its widest cell, counting a Chinese character as two, plus a gap of
    at least two spaces."""
    rows = _printed(table, merged)
    clean = [[re.sub(r"\s+", " ", c) for c in row] for row in [list(table.header), *rows]]
    widths = [max(display_width(row[i]) for row in clean) for i in range(len(table.header))]

    def join(cells: list[str]) -> str:
        cells = [re.sub(r"\s+", " ", c) for c in cells]
        return "".join(c + " " * (widths[i] - display_width(c) + 3) for i, c in enumerate(cells)).rstrip()

    return _line_table(table, merged, join)


def write_csv(table: Table, merged: bool) -> Rendered:
    def join(cells: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()[:-1]

    return _line_table(table, merged, join)


def write_blank_lines(table: Table, merged: bool) -> Rendered:
    """One cell per paragraph, paragraphs separated by blank lines, as a table copied out of Word
    or a web page comes (the shiquan sample): a cell covered by a merged cell above writes
    nothing, an empty cell writes a paragraph of one space."""

    def join(cells: list[str | None]) -> str:
        return "\n\n".join(c or " " for c in cells if c is not None)

    head = _title(table) + join(list(table.header)) + "\n\n"
    return _assemble(head, [join(row) for row in table.cells(merged)], "\n\n", "\n")


def write_cell_pipe(table: Table, merged: bool) -> Rendered:
    """One cell per line, each closed by `` |`` (an empty cell is a lone ``|``), as some sites'
    text export writes a table; rows follow each other with no mark between them."""

    def join(cells: list[str]) -> str:
        return "\n".join(f"{c} |" if c else "|" for c in cells)

    head = _title(table) + join(list(table.header)) + "\n"
    return _assemble(head, [join(row) for row in _printed(table, merged)], "\n", "\n")


WRITERS: dict[str, Callable[[Table, bool], Rendered]] = {
    "tab": write_tab,
    "markdown": _markdown(outer=True, separator=True),
    "markdown-no-separator": _markdown(outer=True, separator=False),
    "markdown-no-outer-bars": _markdown(outer=False, separator=True),
    "markdown-bare": _markdown(outer=False, separator=False),
    "fullwidth-bar": write_fullwidth_bar,
    "fullwidth-comma": write_fullwidth_comma,
    "spaces": write_spaces,
    "csv": write_csv,
    "blank-lines": write_blank_lines,
    "cell-pipe": write_cell_pipe,
}


# --- wrappers: traditional characters, a saved web page, a cut-off text -------------------------


def to_traditional(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-tw")


def to_simplified(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-cn")


def page_debris(record: LedgerRecord) -> tuple[str, str]:
    """The lines a saved web page puts around its article: navigation, the 索引号 block, the
    来源/浏览量/分享/字号 lines before; related links, previous/next and the site footer after."""
    issuer = record.issuer or "县人民政府办公室"
    year = record.year or 2021
    title = flat(record.title) or "政务公开工作任务分解表"
    before = "\n".join(
        [
            "无障碍浏览  长者模式  登录  注册",
            "首页 > 政务公开 > 政策文件",
            "",
            "索引号：11410900MB0000000X/2024-00123",
            f"发文字号：{record.doc_number or '无'}",
            f"发布机构：{issuer}",
            f"发布日期：{year}-04-23",
            "主题分类：政务公开",
            "",
            title,
            "",
            f"来源：{issuer}    浏览量：1286    发布时间：{year}-04-23 09:30",
            "分享到：微信  微博  QQ空间",
            "【字号：大 中 小】  【打印本页】  【关闭窗口】",
            "",
            "",
        ]
    )
    after = "\n".join(
        [
            "",
            "附件下载：",
            f"{title}.docx",
            "",
            "【打印本页】  【关闭窗口】",
            "扫一扫在手机打开当前页",
            "",
            "相关链接：",
            f"国务院办公厅关于印发{year}年政务公开工作要点的通知",
            f"省人民政府办公厅关于印发{year}年政务公开工作要点的通知",
            f"关于{year}年第一季度政府网站检查情况的通报",
            "上一篇：关于公布政务服务事项清单的通知",
            "下一篇：关于开展政府开放日活动的公告",
            "",
            "网站地图  |  联系我们  |  使用帮助",
            f"主办单位：{issuer}    承办单位：政务服务和大数据管理局",
            "版权所有 © 政府门户网站    网站标识码：4109020001",
            "ICP备案号：豫ICP备12345678号-1    公安机关备案号：41090202000123",
            "联系电话：0393-1234567    建议使用1920×1080分辨率浏览",
            "",
        ]
    )
    return before, after


@dataclass(frozen=True)
class Convention:
    """A way of writing the table: a writer, whether indicators are printed as merged cells, and
    at most one wrapper (``traditional``, ``page`` or ``cut``)."""

    writer: str
    merged: bool
    wrapper: str | None = None


CONVENTIONS: dict[str, Convention] = {}
# Indicators on every row, and (``-merged``) only on the first row of their group.
for _name in ("tab", "markdown", "fullwidth-bar", "fullwidth-comma", "spaces", "csv"):
    CONVENTIONS[_name] = Convention(_name, merged=False)
    CONVENTIONS[f"{_name}-merged"] = Convention(_name, merged=True)
for _name in ("markdown-no-separator", "markdown-no-outer-bars", "markdown-bare"):
    CONVENTIONS[_name] = Convention(_name, merged=False)
# Paragraph and cell-per-line dumps: merged cells are how they come; every row too.
for _name in ("blank-lines", "cell-pipe"):
    CONVENTIONS[f"{_name}-merged"] = Convention(_name, merged=True)
    CONVENTIONS[_name] = Convention(_name, merged=False)
CONVENTIONS["traditional-tab"] = Convention("tab", merged=False, wrapper="traditional")
CONVENTIONS["traditional-cell-pipe-merged"] = Convention("cell-pipe", merged=True, wrapper="traditional")
CONVENTIONS["page-tab"] = Convention("tab", merged=False, wrapper="page")
CONVENTIONS["page-blank-lines-merged"] = Convention("blank-lines", merged=True, wrapper="page")
CONVENTIONS["cut-tab"] = Convention("tab", merged=False, wrapper="cut")
CONVENTIONS["cut-cell-pipe-merged"] = Convention("cell-pipe", merged=True, wrapper="cut")


@dataclass(frozen=True)
class Variant:
    text: str
    suffix: str
    cut_row: int | None = None
    """For the cut variant: the index of the data row the text stops in."""


def render(record: LedgerRecord, name: str, *, seed: str = "") -> Variant:
    """The record's table written in convention ``name``. ``seed`` seeds the cut position."""
    convention = CONVENTIONS[name]
    table = table_of(record)
    rendered = WRITERS[convention.writer](table, convention.merged)
    suffix = ".csv" if convention.writer == "csv" else ".txt"
    if convention.wrapper == "traditional":
        return Variant(to_traditional(rendered.text), suffix)
    if convention.wrapper == "page":
        return Variant(rendered.wrapped(*page_debris(record)).text, suffix)
    if convention.wrapper == "cut":
        rng = random.Random(f"{seed}/{name}")
        row = rng.randrange(1, len(rendered.row_spans))
        start, stop = rendered.row_spans[row]
        at = rng.randrange(start + 1, stop) if stop - start > 1 else stop
        return Variant(rendered.text[:at], suffix, cut_row=row)
    return Variant(rendered.text, suffix)


# --- what reading a variant back must give -------------------------------------------------------


def norm(text: str | None) -> str:
    """NFKC, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def norm_units(texts: list[str]) -> str:
    """Unit cells as one string of names: normalised, list separators removed (a reader may keep
    、-joined units as one cell or split them; the names and their order are what count)."""
    return re.sub(r"[、,;/]", "", norm("".join(texts)))


@dataclass(frozen=True)
class Expected:
    text: str
    lead: str
    deadline: str
    indicators: tuple[str, ...]


def expected_tasks(record: LedgerRecord, fold: Callable[[str], str] = lambda s: s) -> list[Expected]:
    """The original tasks as the variant must give them back, normalised (``fold`` is applied to
    every value first: the traditional variant compares after converting both sides to simplified).

    The lead units are those of the 牵头单位 column; a table with no lead column has its 责任单位
    column read as the lead (the table rule of ``loaders.table.read_header``)."""
    table = table_of(record)
    no_lead_column = table.column(LEAD) is None and table.column(OTHER) is not None
    out = []
    for task in record.tasks:
        lead = _other(task) if no_lead_column else _lead(task)
        out.append(
            Expected(
                text=norm(fold(task.text)),
                lead=norm_units([fold(u) for u in lead]),
                deadline=norm(fold(task.deadline or "")),
                indicators=tuple(norm(fold(i)) for i in task.indicators),
            )
        )
    return out


def as_read(task: TaskRecord, fold: Callable[[str], str] = lambda s: s) -> Expected:
    return Expected(
        text=norm(fold(task.text)),
        lead=norm_units([fold(u) for u in _lead(task)]),
        deadline=norm(fold(task.deadline or "")),
        indicators=tuple(norm(fold(i)) for i in task.indicators),
    )


def compare(
    read: list[TaskRecord],
    expected: list[Expected],
    fold: Callable[[str], str] = lambda s: s,
) -> list[str]:
    """The differences between the tasks read back and the expected ones, task by task.

    An expected empty lead or deadline may come back as the value of the task above: in a text
    table an empty cell under a filled one cannot be told from a vertically merged cell."""
    problems: list[str] = []
    got = [as_read(t, fold) for t in read]
    for i, (g, e) in enumerate(zip(got, expected)):
        for name in ("text", "lead", "deadline", "indicators"):
            have, want = getattr(g, name), getattr(e, name)
            if have == want:
                continue
            if name in ("lead", "deadline") and not want and i and have == getattr(got[i - 1], name):
                continue
            problems.append(f"task {i} {name}: read {_short(have)!r}, expected {_short(want)!r}")
    return problems


def _short(value):
    if isinstance(value, str) and len(value) > 40:
        return value[:40] + "…"
    return value
