"""Key-points documents in prose (工作要点): numbered sections 一、 with items （一） and 1. .

The outline numbering is the structure: the lowest numbered items are the tasks, each under the
headings that contain it. Unnumbered paragraphs continue the item above them; text before the
first section (the notice, the preamble) is not a task; web-page debris (links, QR-code notes,
copyright lines) is dropped. Units are named only in the text, so the readers record those the
item names with a role marker (秘书处负责…, 信息保障中心配合…)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from . import Layout, Source
from .model import LedgerRecord, Role, TaskRecord, UnitCell
from .outline import heading
from .table import cell_words, is_debris, join_cjk

_ITEM_STYLES = {"cn", "paren-cn", "arabic", "paren-arabic", "circled"}
_MIN_ITEM = 12
"""An item shorter than this is a heading of a table cell, not a paragraph of prose."""


@dataclass
class _Node:
    depth: int
    label: str
    heading_text: str
    line: int
    end_line: int
    text: list[str] = field(default_factory=list)
    children: list["_Node"] = field(default_factory=list)
    parent: "_Node | None" = None


def _outline(lines: list[str]) -> list[_Node]:
    """The numbered paragraphs as a tree (roots returned); unnumbered paragraphs join the item
    above them."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or is_debris(line):
            continue
        found = heading(line)
        if found and found.style in _ITEM_STYLES:
            node = _Node(depth=found.depth, label=found.label, heading_text=join_cjk(line),
                         line=number, end_line=number, text=[found.rest])
            while stack and stack[-1].depth >= node.depth:
                stack.pop()
            if stack:
                node.parent = stack[-1]
                stack[-1].children.append(node)
            else:
                roots.append(node)
            stack.append(node)
        elif stack:
            stack[-1].text.append(line)
            stack[-1].end_line = number
    return roots


def _leaves(nodes: list[_Node]) -> list[_Node]:
    out: list[_Node] = []
    for node in nodes:
        out.extend(_leaves(node.children) if node.children else [node])
    return out


def _body(roots: list[_Node]) -> list[_Node]:
    """The roots that form the key points: from the first section that holds numbered items on.
    A numbered notice paragraph before it (一、请认真抓好落实…) is not a section."""
    start = next((i for i, node in enumerate(roots) if node.children), None)
    return roots[start:] if start is not None else roots


def units_in_text(text: str, *, line: int) -> list[UnitCell]:
    """Units the text names with a role marker: a clause ending in a unit name followed by
    牵头 (lead), 负责 (responsible) or 配合/协助 (co-operating). Prose key points describe who
    takes part in a mechanism far more often than they assign a task, so only an explicit 牵头
    makes a lead unit; the others are recorded with their roles."""
    words = cell_words()
    markers = {Role(role): pattern for role, pattern in words["role_markers"].items()}
    unit_end = re.compile(words["unit_suffix"])
    found: list[UnitCell] = []
    for role, marker in markers.items():
        for match in re.finditer(rf"(?:^|[，,。；;、：:（(\s])(?:由|请)?([^，,。；;、：:（(\s]{{2,20}}?)(?:{marker})", text):
            name = match.group(1)
            if unit_end.search(name) and not any(u.text == name for u in found):
                found.append(UnitCell(text=name, role=role, line=line))
    return sorted(found, key=lambda u: text.find(u.text))


def detect(source: Source) -> float:
    lines = source.nonblank_lines
    if not lines or sum(1 for l in lines if "\t" in l or l.rstrip().endswith("|")) > len(lines) * 0.2:
        return 0.0
    items = [h for l in lines if (h := heading(l)) and h.style in _ITEM_STYLES and len(h.rest) >= _MIN_ITEM]
    sections = [h for h in items if h.style == "cn"]
    deeper = [h for h in items if h.style != "cn"]
    if not sections or len(deeper) < 3:
        return 0.0
    return min(0.6, 0.35 + len(deeper) / 80)


def read(source: Source) -> LedgerRecord:
    roots = _body(_outline(source.lines))
    record = source.record(layout=LAYOUT.name)
    nested = [leaf for leaf in _leaves(roots) if leaf.parent is not None]
    leaves = nested or _leaves(roots)
    if not leaves:
        raise InputError("no numbered key points found", path=source.path, line=1,
                         expected="sections numbered 一、 with items （一） or 1.")
    for leaf in leaves:
        path: list[str] = []
        node = leaf.parent
        while node is not None:
            path.insert(0, node.heading_text)
            node = node.parent
        text = join_cjk(" ".join(t for t in leaf.text if t))
        record.tasks.append(TaskRecord(
            text=text,
            line=leaf.line,
            end_line=leaf.end_line,
            indicators=tuple(path),
            number=leaf.label,
            units=units_in_text(text, line=leaf.line),
        ))
    return record


LAYOUT = Layout(
    name="prose",
    detect=detect,
    read=read,
    description="key points in prose, numbered 一、（一）1. / 以一、（一）1.编号的工作要点正文",
)
