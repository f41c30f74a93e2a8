"""Key-points documents in prose (工作要点, 实施方案, 通知): an outline numbered 第一部分, 一、,
（一）, 1. / 1、 / 1﹒, （1）, ①.

The outline numbering is the structure: the lowest numbered items are the tasks, each under the
headings that contain it; a numbered section with content but no items under it is a task too.
The document is found in the page first: debris lines are skipped, and reading starts after the
last title (…工作要点, 关于印发…的通知) before the first numbered item, so the notice's own
paragraphs are not tasks. Sections that frame the work (总体要求, 指导思想, 工作目标, 基本原则)
are not tasks. Unnumbered paragraphs continue the item above them until the notice ends
(特此通知, a signature, a date). Items numbered inline on one line (1、…。2、…。3、…) are split.

Units come from brackets after an item — labelled (（牵头单位：…；责任单位：…）, 〔责任单位：…〕),
marked ((X牵头，Y负责)) or a bare list of unit names — and from a heading's bracket for the items
under it; and, as before, from clauses with a role marker (秘书处负责…, 信息保障中心配合…)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..analysis.normalise import fold, key
from ..errors import InputError
from ..model import LedgerRecord, LedgerWarning, Role, TaskRecord, UnitCell
from .outline import heading
from .page import article_end, ends_notice, is_not_task_heading, is_page_debris, is_title
from .source import Layout, Source
from .stream import looks_like_units
from .table import cell_words, is_debris, join_cjk, unit_patterns

_ITEM_STYLES = {"chapter", "cn", "paren-cn", "arabic", "paren-arabic", "circled"}
_SECTION_STYLES = {"chapter", "cn"}
_SIGNATURE = 24


@dataclass
class _Node:
    depth: int
    label: str
    style: str
    heading_text: str
    line: int
    end_line: int
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None
    framing: bool = False


def _split_inline(line: str) -> list[str]:
    """A line holding several consecutive items (1、…。2、…。3、…) as one line per item."""
    found = heading(line)
    if not found or found.style not in ("arabic", "paren-arabic") or not found.label.isdigit():
        return [line]
    pieces, rest, number = [], line.strip(), int(found.label)
    while True:
        k = key(rest)
        pattern = (
            rf"(?<=[。；;！!？?])\s*(?:{number + 1}\s*[、.．](?!\d)|[（(]{number + 1}[）)])"
            if found.style == "arabic"
            else rf"(?<=[。；;！!？?])\s*[（(]{number + 1}[）)]"
        )
        match = re.search(pattern, k)
        if not match:
            pieces.append(rest)
            return pieces
        pieces.append(rest[: match.start()])
        rest = rest[match.start() :].strip()
        number += 1


_RUN_ON = 300
"""A line this long holding several outline numbers is a table flattened into running text."""
_PAGE_MARKER = re.compile(r"^\s*(\d{1,3})、")
_PAREN_CN = re.compile(r"(?<![条款项第])[（(][一二三四五六七八九十]{1,3}[）)](?=[\u4e00-\u9fff])")


def _join_page_markers(lines: list[str]) -> list[str]:
    """Document-sharing sites print a page number (1、 2、 3、…) at the start of each page of a
    converted document, cutting the text mid-word: the numbers are taken off and each page
    joined to the one before (the joined line is left empty, so line numbers stay)."""
    marked = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _PAGE_MARKER.match(line))]
    pages = [i for k, (i, n) in enumerate(marked) if n == k + 1]
    if len(pages) < 2 or len(pages) != len(marked) or any(len(fold(lines[i])) < 100 for i in pages[:-1]):
        return lines
    out = list(lines)
    for i in pages:
        out[i] = _PAGE_MARKER.sub("", out[i], count=1)
    for i in pages[1:]:
        previous = max(j for j in range(i) if out[j].strip())
        out[previous] = out[previous].rstrip() + out[i].strip()
        out[i] = ""
    return out


def _split_run_on(line: str, expected: list[int]) -> list[str]:
    """A flattened table's running text cut before each （一） and before the next item number
    in sequence (``expected`` holds it, across lines), so that the outline can be read."""
    if len(fold(line)) < _RUN_ON:
        return [line]
    cuts = {m.start() for m in _PAREN_CN.finditer(line) if m.start() > 0}
    at = 0
    while True:
        match = re.compile(rf"(?<![\d.．]){expected[0]}[.．、](?!\d)").search(line, at)
        if not match:
            break
        cuts.add(match.start())
        at = match.end()
        expected[0] += 1
    if len(cuts) < 2:
        return [line]
    bounds = [0] + sorted(c for c in cuts if c > 0) + [len(line)]
    return [line[a:b] for a, b in zip(bounds, bounds[1:]) if line[a:b].strip()]


def _signature(line: str) -> bool:
    """A signature line: a short unit name alone (国务院办公厅, 上海市地方税务局)."""
    folded = fold(line)
    return (
        len(folded) <= _SIGNATURE
        and not re.search(r"[，,。；;：:、]", folded)
        and bool(unit_patterns().end.search(folded))
    )


def _start(lines: list[str]) -> int:
    """Index of the first line of the body: after the last title before the first item."""
    first_item = next(
        (
            i
            for i, line in enumerate(lines)
            if (h := heading(line)) and h.style in _ITEM_STYLES and not is_page_debris(line)
        ),
        None,
    )
    if first_item is None:
        return 0
    titles = [i for i in range(first_item) if is_title(lines[i]) and not is_page_debris(lines[i])]
    return titles[-1] + 1 if titles else 0


def _outline(lines: list[str]) -> list[_Node]:
    """The numbered paragraphs as a tree (roots returned); unnumbered paragraphs join the item
    above them until the notice ends."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    open_item = True
    lines = _join_page_markers(lines)
    expected = [1]
    for number in range(_start(lines), article_end(lines)):
        raw = lines[number]
        stripped = raw.strip()
        if not stripped or is_debris(stripped) or is_page_debris(stripped):
            continue
        for line in (piece for run in _split_run_on(stripped, expected) for piece in _split_inline(run)):
            found = heading(line)
            if found and found.style in _ITEM_STYLES:
                node = _Node(
                    depth=found.depth,
                    label=found.label,
                    style=found.style,
                    heading_text=join_cjk(line),
                    line=number + 1,
                    end_line=number + 1,
                    text=[found.rest],
                )
                while stack and stack[-1].depth >= node.depth:
                    stack.pop()
                if stack:
                    node.parent = stack[-1]
                    node.framing = stack[-1].framing
                    stack[-1].children.append(node)
                else:
                    roots.append(node)
                node.framing = node.framing or (found.style in _SECTION_STYLES and is_not_task_heading(found.rest))
                stack.append(node)
                open_item = True
            elif ends_notice(line) or _signature(line):
                open_item = False
            elif stack and open_item:
                stack[-1].text.append(line)
                stack[-1].end_line = number + 1
    return roots


def _tasks(nodes: list[_Node]) -> list[_Node]:
    """The leaves that are tasks: the lowest items, and sections with content but no items."""
    out: list[_Node] = []
    for node in nodes:
        if node.framing:
            continue
        if node.children:
            out.extend(_tasks(node.children))
        elif node.style not in _SECTION_STYLES or len(node.text) > 1 or node.parent is not None:
            out.append(node)
    return out


_OPEN = "（(〔【["
_CLOSE = {"（": "）", "(": ")", "〔": "〕", "【": "】", "[": "]"}


def _brackets(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the outermost bracket groups' contents, in the text's key; an
    unclosed bracket runs to the end of the text (a cut page)."""
    k = key(text)
    spans: list[tuple[int, int]] = []
    depth, start, opener = 0, 0, ""
    for i, ch in enumerate(k):
        if ch in _OPEN and (depth == 0 or ch == opener):
            if depth == 0:
                start, opener = i + 1, ch
            depth += 1
        elif depth and ch == _CLOSE.get(opener):
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    if depth:
        spans.append((start, len(k)))
    return spans


_ENDS = "。；;！!？?，,"
"""A bracket of units follows a sentence or closes one: (X牵头，Y负责)。 — never mid-sentence."""
_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{1,6}?)[:：]")
_CLAUSES = re.compile(r"[；;]")


def _label_role(label: str) -> str | None:
    words: dict[str, str] = cell_words()["prose_labels"]
    for role, pattern in words.items():
        if re.fullmatch(pattern, label):
            return role
    return None


def _unit_list(text: str) -> bool:
    """Every piece of the text names a unit once role markers, verbs and 等 are taken off."""
    pieces = [p for p in re.split(r"[、，,；;]", fold(text)) if p]
    patterns = unit_patterns()
    return bool(pieces) and all(bool(patterns.end.search(patterns.verbs.sub("", p))) for p in pieces)


def units_in_brackets(text: str, *, line: int) -> tuple[list[UnitCell], str | None]:
    """Units and a deadline named in the text's brackets: labelled clauses (牵头单位：…；
    完成时限：…), marked units ((X牵头，Y负责)) or a bare list of unit names. Labels decide
    roles; with only a 责任单位 list (or a bare list) the units are lead."""
    units: list[UnitCell] = []
    deadline: str | None = None
    k = key(text)
    for start, end in _brackets(text):
        before, after = fold(k[: start - 1])[-1:], fold(k[end + 1 :])[:1]
        if before and before not in _ENDS and after and after not in _ENDS:
            continue
        content, content_key = text[start:end], k[start:end]
        clauses, offset = [], 0
        for part in _CLAUSES.split(content_key):
            clauses.append((content[offset : offset + len(part)], part))
            offset += len(part) + 1
        labelled = [(c, ck, _LABEL.match(ck.strip())) for c, ck in clauses]
        if any(m and _label_role(m.group("label")) for _, _, m in labelled):
            found: list[tuple[str, str]] = []
            for printed, _, match in labelled:
                role = _label_role(match.group("label")) if match else None
                if match is None or role is None:
                    continue
                lead_at = len(printed) - len(printed.lstrip()) + match.end()
                value = printed[lead_at:].strip()
                if role == "deadline":
                    deadline = deadline or value
                elif value:
                    found.append((role, value))
            has_lead = any(role == "lead" for role, _ in found)
            for role, value in found:
                if role == "responsible" and not has_lead:
                    role = "lead"
                units.append(UnitCell(text=value, role=Role(role), line=line))
        elif _unit_list(content):
            units.append(UnitCell(text=content.strip(), role=Role.LEAD, line=line))
    return units, deadline


def units_in_text(text: str, *, line: int) -> list[UnitCell]:
    """Units the text names with a role marker (``analysis/data/agencies.json``): a clause
    ending in a unit name followed by 牵头/主办/主责 (lead), 负责 (responsible) or 配合/协助
    (co-operating). Prose key points describe who takes part in a mechanism far more often than
    they assign a task, so only an explicit lead marker makes a lead unit; the others are
    recorded with their roles. Markers that are ordinary verbs in prose (落实, 协同) mark
    nothing here."""
    patterns = unit_patterns()
    unit_end = patterns.end
    found: list[UnitCell] = []
    for role, marker in patterns.prose_markers.items():
        for match in re.finditer(
            rf"(?:^|[，,。；;、：:（(\s])(?:由|请)?([^，,。；;、：:（(\s]{{2,20}}?)(?:{marker})", text
        ):
            name = match.group(1)
            if unit_end.search(name) and not any(u.text == name for u in found):
                found.append(UnitCell(text=name, role=role, line=line))
    return sorted(found, key=lambda u: text.find(u.text))


def _item_units(text: str, *, last: str, line: int) -> tuple[list[UnitCell], str | None]:
    """Units of an item: in brackets; else, in a flattened table, the unit cell that runs on
    after the item's last sentence on the same line (…做好相关工作。产业政策与法制科牵头，…);
    else clauses with a role marker."""
    units, deadline = units_in_brackets(text, line=line)
    if units:
        return units, deadline
    tail = re.split(r"[。；;！!？?]", last)[-1].strip()
    if tail and tail != last.strip() and looks_like_units(tail):
        return [UnitCell(text=tail, role=Role.LEAD, line=line)], deadline
    return units_in_text(text, line=line), deadline


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    cells = sum(1 for line in lines if "\t" in line.strip() or re.search(r"[|｜]\s*$", line))
    if not lines or cells > len(lines) * 0.3:
        return 0.0
    items = [h for line in lines if (h := heading(line)) and h.style in _ITEM_STYLES]
    return min(0.6, 0.3 + len(items) / 40) if items else 0.0


def read(source: Source) -> LedgerRecord:
    roots = _outline(source.lines)
    record = source.record(layout=LAYOUT.name)
    leaves = _tasks(roots)
    if not leaves:
        raise InputError(
            "no numbered key points found",
            path=source.path,
            line=1,
            expected="sections numbered 一、 with items （一） or 1.",
            message_zh="未找到编号的工作要点",
        )
    for leaf in leaves:
        path: list[str] = []
        inherited_units: list[UnitCell] = []
        node = leaf.parent
        while node is not None:
            path.insert(0, node.heading_text)
            if not inherited_units:
                inherited_units = units_in_brackets(" ".join(node.text), line=node.line)[0]
            node = node.parent
        text = join_cjk(" ".join(t for t in leaf.text if t))
        if not text:
            text = leaf.heading_text
        units, deadline = _item_units(text, last=leaf.text[-1] if leaf.text else "", line=leaf.line)
        inherited: frozenset[str] = frozenset()
        if not units and inherited_units:
            units = [UnitCell(text=u.text, role=u.role, line=u.line, inherited=True) for u in inherited_units]
            inherited = frozenset({"leadUnit"})
        record.tasks.append(
            TaskRecord(
                text=text,
                line=leaf.line,
                end_line=leaf.end_line,
                indicators=tuple(path),
                number=leaf.label,
                units=units,
                deadline=deadline,
                inherited=inherited,
            )
        )
    _warn_if_cut(source, record, leaves[-1])
    return record


def _warn_if_cut(source: Source, record: LedgerRecord, last: _Node) -> None:
    """A page that stops mid-sentence: the last task is kept and marked as possibly cut."""
    tail = fold("".join(source.lines[last.end_line - 1 :]))
    if tail and not re.search(r"[。；;！!？?）)”」]$", tail):
        record.tasks[-1].truncated = True
        record.warnings.append(
            LedgerWarning(
                code="truncated",
                line=last.end_line,
                en="the text stops mid-sentence: the last task may be cut off",
                zh="文本在句中结束：最后一项任务可能不完整",
            )
        )


LAYOUT = Layout(
    name="prose",
    detect=detect,
    read=read,
    description="key points in prose, numbered 一、（一）1. / 以一、（一）1.编号的工作要点正文",
)
