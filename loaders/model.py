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
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Overrides:
    """Metadata given on the command line (``zwgk load --jurisdiction … --year … --issuer …``);
    it fills or replaces what the document prints."""

    title: str | None = None
    issuer: str | None = None
    jurisdiction: str | None = None
    year: int | None = None
    doc_number: str | None = None
