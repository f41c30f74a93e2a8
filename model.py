"""The intermediate model: what every layout reader produces and the one RDF builder consumes.

Keeping it small and format-free is what lets a new layout be added as one module: it only has
to say which cells hold which role, never how the graph looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Role(str, Enum):
    """The part a unit plays in a task, as the ledger's columns and markers say."""

    LEAD = "lead"
    RESPONSIBLE = "responsible"
    COOPERATING = "cooperating"


@dataclass(frozen=True)
class UnitCell:
    """One cell (or one line of a cell) naming units, with the role its column gives it.

    ``analysis.agencies.split_units`` splits it into units and lets 牵头/配合 markers in the text
    override ``role``."""

    text: str
    role: Role
    line: int
    inherited: bool = False


@dataclass(frozen=True)
class LedgerWarning:
    """Something a reader could not read or had to guess, said once in English and Chinese.

    ``code`` is stable (tools and tests match on it, e.g. ``truncated``, ``unknown-header``);
    ``line`` is the 1-based line of the source it concerns, or ``None`` for the whole file."""

    code: str
    en: str
    zh: str
    line: int | None = None

    def render(self, *, lang: str = "en") -> str:
        where_en = f"line {self.line}: " if self.line else ""
        where_zh = f"第{self.line}行：" if self.line else ""
        if lang == "zh":
            return f"{where_zh}{self.zh}"
        if lang == "en":
            return f"{where_en}{self.en}"
        return f"{where_en}{self.en} / {where_zh}{self.zh}"

    def __str__(self) -> str:
        return self.render(lang="both")

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "line": self.line, "en": self.en, "zh": self.zh}


@dataclass
class TaskRecord:
    text: str
    line: int
    end_line: int | None = None
    indicators: tuple[str, ...] = ()
    number: str | None = None
    units: list[UnitCell] = field(default_factory=list)
    deadline: str | None = None
    deadline_inherited: bool = False
    remarks: list[str] = field(default_factory=list)
    channel: str | None = None
    inherited: frozenset[str] = frozenset()
    truncated: bool = False
    """The source text stops inside this task: what would follow it is not on the page."""

    def cut_off(self) -> None:
        """Mark the task as cut off by the end of the text, and take back what its empty cells
        inherited from the rows above: its own cells are not on the page, and a merged cell's
        value would be a guess."""
        self.units = [u for u in self.units if not u.inherited]
        if self.deadline_inherited:
            self.deadline, self.deadline_inherited = None, False
        self.inherited = frozenset()
        self.truncated = True


@dataclass
class LedgerRecord:
    source_path: Path
    source_file: str
    sha256: str
    layout: str
    tasks: list[TaskRecord] = field(default_factory=list)
    title: str | None = None
    issuer: str | None = None
    jurisdiction: str | None = None
    year: int | None = None
    doc_number: str | None = None
    warnings: list[LedgerWarning] = field(default_factory=list)


@dataclass(frozen=True)
class Overrides:
    """Metadata given on the command line (``zwgk load --jurisdiction … --year … --issuer …``);
    it fills or replaces what the document prints."""

    title: str | None = None
    issuer: str | None = None
    jurisdiction: str | None = None
    year: int | None = None
    doc_number: str | None = None
