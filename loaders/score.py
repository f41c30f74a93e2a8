"""How plausible a reading of a document is, on one scale for every reader.

A file is read by every reader whose conventions it shows; the readings are then compared by
what they made of the text, never by which reader made them:

- coverage: the share of the document's text (debris left out) that the reading placed in a
  task, a unit, a deadline or an indicator — a reading that explains more of the page wins;
- task text: the share of tasks whose text reads as a task (not a unit name, a number or a
  date) — a misaligned table puts unit names in the task column;
- unit cells: the share of the names in unit cells that read as unit names;
- numbering: the share of numbered tasks that follow the one before (n+1, or a restart at 1).

The product of these, to two decimals, is the reading's plausibility: 0 when it found no task.
Readings within a hundredth are equally plausible, and the registry's order (tables before
prose) decides between them."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.normalise import fold
from ..model import LedgerRecord
from .page import is_page_debris


@dataclass(frozen=True)
class Plausibility:
    value: float
    coverage: float
    task_text: float
    unit_cells: float
    numbering: float

    def __str__(self) -> str:
        return (
            f"{self.value:.3f} (coverage {self.coverage:.2f}, task text {self.task_text:.2f}, "
            f"unit cells {self.unit_cells:.2f}, numbering {self.numbering:.2f})"
        )


def _weight(text: str) -> int:
    """Letters, digits and characters of a text: what a reading can explain (punctuation and
    cell separators are the same in every reading)."""
    return sum(map(str.isalnum, fold(text)))


@dataclass(frozen=True)
class Page:
    """What every reading of one text is measured against: its lines folded, and the weight of
    its content (debris left out). It depends on the text alone, so a file read by several
    readers has it made once (``plausibility``'s ``page``), not once per reading."""

    folded: list[str]
    total: int

    @classmethod
    def of(cls, lines: list[str]) -> Page:
        return cls(
            folded=[fold(line) for line in lines],
            total=sum(_weight(line) for line in lines if line.strip() and not is_page_debris(line)) or 1,
        )


def _task_like(text: str) -> bool:
    from .stream import looks_like_units

    flat = fold(text)
    return (
        len(flat) >= 2
        and not flat.isdigit()
        and not looks_like_units(text)
        and any("\u4e00" <= ch <= "\u9fff" for ch in flat)
    )


def _numbering(record: LedgerRecord) -> float:
    numbers = [t.number for t in record.tasks]
    pairs = [(a, b) for a, b in zip(numbers, numbers[1:]) if a and b and a.isdigit() and b.isdigit()]
    if not pairs:
        return 1.0
    return sum(1 for a, b in pairs if int(a) < int(b) <= int(a) + 3 or int(b) == 1) / len(pairs)


def plausibility(record: LedgerRecord, *, lines: list[str], page: Page | None = None) -> Plausibility:
    """How plausible a reading of ``lines`` is (``page``: ``Page.of(lines)``, when the caller
    measures several readings of them)."""
    from .stream import looks_like_units, split_outside_brackets

    if not record.tasks:
        return Plausibility(0.0, 0.0, 0.0, 0.0, 0.0)
    if page is None:
        page = Page.of(lines)
    folded, total = page.folded, page.total
    used = 0
    seen_units: set[str] = set()
    seen_paths: set[str] = set()
    unit_cells = unit_ok = 0
    for task in record.tasks:
        used += _weight(task.text) + _weight(task.number or "")
        if not task.deadline_inherited:
            used += _weight(task.deadline or "")
        for unit in task.units:
            if unit.inherited:
                continue
            key = f"{unit.line}:{unit.text}"
            if key not in seen_units:
                seen_units.add(key)
                used += _weight(unit.text)
                pieces = split_outside_brackets(fold(unit.text)) or [unit.text]
                unit_cells += len(pieces)
                unit_ok += sum(looks_like_units(piece) for piece in pieces)
        row = "".join(folded[max(task.line - 1, 0) : max(task.end_line or task.line, task.line)])
        for label in task.indicators:
            if label not in seen_paths or (len(label) > 1 and fold(label) in row):
                seen_paths.add(label)
                used += _weight(label)
    coverage = min(1.0, used / total)
    task_text = sum(_task_like(t.text) for t in record.tasks) / len(record.tasks)
    units = unit_ok / unit_cells if unit_cells else 1.0
    numbering = _numbering(record)
    value = coverage * task_text * (0.5 + 0.5 * units) * (0.7 + 0.3 * numbering)
    return Plausibility(round(value, 2), coverage, task_text, units, numbering)
