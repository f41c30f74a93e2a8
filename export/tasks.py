"""One ledger's tasks as a table, for colleagues who do not write SPARQL (``zwgk tasks``).

Each task is one row: its printed number, the indicator path above it, its text, its lead units
and its other units (responsible and co-operating), the deadline as printed and its due date,
and the line of the source file where it starts. The rows are read by two internal queries
(``queries/internal/ledger-tasks.rq`` and ``ledger-indicators.rq``) and come out as a text table,
CSV (with the UTF-8 byte-order mark Excel needs), an Excel workbook (a sheet per ledger) or
JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import ZwgkError
from ..queries.saved import internal
from ..sheets import Sheet, csv_bytes, xlsx_bytes
from ..store.base import LedgerInfo

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Literal, NamedNode

    from ..sheets import Value
    from ..store.base import Store

TASK_FORMATS = ("table", "csv", "xlsx", "json")
UNIT_SEPARATOR = "、"
"""Between unit names in one cell (the Chinese enumeration comma, as ledgers print them)."""
PATH_SEPARATOR = " > "
"""Between the levels of an indicator path in one cell."""

COLUMNS = (
    ("number", "序号", "number"),
    ("indicators", "指标", "indicator"),
    ("text", "任务内容", "task"),
    ("lead_units", "牵头单位", "lead units"),
    ("other_units", "责任/配合单位", "other units"),
    ("deadline", "完成时限", "deadline"),
    ("due_date", "截止日期", "due date"),
    ("source_line", "原文行号", "source line"),
)
"""Each column: its JSON key, its Chinese and its English heading."""


@dataclass(frozen=True)
class TaskRow:
    """One task as ``zwgk tasks`` shows it."""

    position: int
    """Its place in the document, 1-based."""
    number: str | None
    indicators: tuple[str, ...]
    """The indicator path, outermost first."""
    text: str
    lead_units: tuple[str, ...]
    other_units: tuple[str, ...]
    deadline: str | None
    """As printed (several deadlines joined by ；)."""
    due_date: str | None
    """ISO date, when the deadline gives one."""
    source_line: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "number": self.number,
            "indicators": list(self.indicators),
            "text": self.text,
            "lead_units": list(self.lead_units),
            "other_units": list(self.other_units),
            "deadline": self.deadline,
            "due_date": self.due_date,
            "source_line": self.source_line,
        }

    def cells(self) -> tuple[Value, ...]:
        """The row's cells in ``COLUMNS`` order, lists joined for a spreadsheet."""
        return (
            self.number,
            PATH_SEPARATOR.join(self.indicators),
            self.text,
            UNIT_SEPARATOR.join(self.lead_units),
            UNIT_SEPARATOR.join(self.other_units),
            self.deadline,
            self.due_date,
            self.source_line,
        )


@dataclass(frozen=True)
class LedgerTasks:
    """A ledger and its tasks in document order."""

    ledger: LedgerInfo
    tasks: tuple[TaskRow, ...]


def ledger_tasks(store: Store, *, ledger_ids: Sequence[str]) -> list[LedgerTasks]:
    """The tasks of each ledger named (an unknown id is an error naming the store)."""
    return [LedgerTasks(ledger=info, tasks=_tasks(store, info)) for info in store.resolve_ids(list(ledger_ids))]


def _tasks(store: Store, info: LedgerInfo) -> tuple[TaskRow, ...]:
    paths = _indicator_paths(store, info.iri)
    tasks: dict[str, dict[str, Any]] = {}
    for row in store.query(internal("ledger-tasks", ledger=info.iri)):
        task = tasks.get(row["task"].value)
        if task is None:
            task = tasks[row["task"].value] = {
                "position": int(row["position"].value),
                "number": _value(row["number"]),
                "indicator": _value(row["indicator"]),
                "text": row["text"].value,
                "line": _value(row["line"]),
                "deadlines": {},
                "due": {},
                "lead": {},
                "other": {},
            }
        if row["deadline"] is not None:
            task["deadlines"][row["deadline"].value] = None
        if row["due"] is not None:
            task["due"][row["due"].value] = None
        for role in ("lead", "other"):
            if row[role] is not None:
                task[role][row[role].value] = None
    out = []
    for task in sorted(tasks.values(), key=lambda t: t["position"]):
        out.append(
            TaskRow(
                position=task["position"],
                number=task["number"],
                indicators=paths.get(task["indicator"], ()) if task["indicator"] else (),
                text=task["text"],
                lead_units=tuple(sorted(task["lead"])),
                other_units=tuple(sorted(u for u in task["other"] if u not in task["lead"])),
                deadline="；".join(task["deadlines"]) or None,
                due_date=min(task["due"], default=None),
                source_line=int(task["line"]) if task["line"] else None,
            )
        )
    return tuple(out)


def _indicator_paths(store: Store, ledger_iri: str) -> dict[str, tuple[str, ...]]:
    """Each indicator's path of labels, outermost first."""
    labels: dict[str, str] = {}
    parents: dict[str, str] = {}
    for row in store.query(internal("ledger-indicators", ledger=ledger_iri)):
        node = row["indicator"].value
        labels.setdefault(node, row["label"].value)
        if row["parent"] is not None:
            parents.setdefault(node, row["parent"].value)
    paths: dict[str, tuple[str, ...]] = {}
    for node in labels:
        path: list[str] = []
        seen: set[str] = set()
        at: str | None = node
        while at in labels and at not in seen:
            seen.add(at)
            path.append(labels[at])
            at = parents.get(at)
        paths[node] = tuple(reversed(path))
    return paths


def _value(term: NamedNode | BlankNode | Literal | None) -> str | None:
    return None if term is None else term.value


def render_tasks(ledgers: Sequence[LedgerTasks], *, format: str = "table", lang: str = "zh") -> bytes:
    """``table`` (for the terminal), ``csv`` (one table, the ledger's id in the first column),
    ``xlsx`` (a sheet per ledger) or ``json``; column headings in ``lang`` (zh or en)."""
    if format not in TASK_FORMATS:
        raise ZwgkError(
            f"unknown format {format!r}; choose one of {', '.join(TASK_FORMATS)}",
            message_zh=f"未知格式 {format!r}；可选 {'、'.join(TASK_FORMATS)}",
        )
    headings = tuple(zh if lang == "zh" else en for _, zh, en in COLUMNS)
    if format == "json":
        document = [
            {"ledger": item.ledger.as_dict(), "tasks": [task.as_json() for task in item.tasks]} for item in ledgers
        ]
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if format == "csv":
        ledger_heading = "台账" if lang == "zh" else "ledger"
        rows = [(item.ledger.id, *task.cells()) for item in ledgers for task in item.tasks]
        return csv_bytes((ledger_heading, *headings), rows)
    if format == "xlsx":
        return xlsx_bytes(
            [
                Sheet(title=item.ledger.id, columns=headings, rows=tuple(_typed(task.cells()) for task in item.tasks))
                for item in ledgers
            ]
        )
    return "\n\n".join(_text_table(item, headings=headings, lang=lang) for item in ledgers).encode("utf-8") + b"\n"


def _typed(cells: tuple[Value, ...]) -> tuple[Value, ...]:
    """Cells for a workbook: the due date as a date, so that a spreadsheet sorts and filters it."""
    due = COLUMNS.index(next(c for c in COLUMNS if c[0] == "due_date"))
    due_date = cells[due]  # an ISO date (str) or None
    if due_date and isinstance(due_date, str):
        try:
            cells = cells[:due] + (date.fromisoformat(due_date),) + cells[due + 1 :]
        except ValueError:
            pass
    return cells


def _text_table(item: LedgerTasks, *, headings: tuple[str, ...], lang: str) -> str:
    from ..textfmt import table

    info = item.ledger
    about = " ".join(str(part) for part in (info.jurisdiction, info.year, info.title) if part)
    count = len(item.tasks)
    footer = f"（{count} 项任务）" if lang == "zh" else f"({count} task{'s' if count != 1 else ''})"
    rows = [["" if cell is None else str(cell) for cell in task.cells()] for task in item.tasks]
    return f"{info.id}  {about}\n" + table(list(headings), rows, max_width=40) + "\n" + footer
