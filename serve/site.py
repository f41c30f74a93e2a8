"""What the web application shows, read from the store: the ledgers table, one ledger with its
tasks and validation results, an agency, a jurisdiction, a topic.

The store cannot change while it is served (``zwgk serve`` holds zwgk's lock, so a load is
refused), so what every page needs — the ledgers with their metadata, completeness counts and
validation results, the topic scheme — is read once when the server starts and kept. The
ledgers page then filters and pages a list in memory (no query per request, whatever the
number of ledgers), and a ledger page runs only the few queries that concern that one ledger.
Validation of the whole store takes seconds at national scale (13 s for 3,000 ledgers), so it
runs in a thread of its own after start-up; until it is done a ledger page validates its own
ledger (half a second) and the ledgers table says the counts are still being computed.

Every query here is a ``queries/internal/web-*.rq`` file, its parameters bound as typed terms."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..ontology.iris import ID, ZW
from ..queries.saved import internal

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

    from ..export.tasks import TaskRow
    from ..shapes.report import LedgerValidation, ValidationResult
    from ..store.base import Interrupted, LedgerInfo, LoadSummary, PreparedLedger, Store

AGENCY_BASE = ID + "agency/"
PLACE_BASE = ID + "jurisdiction/"
TOPIC_BASE = "https://w3id.org/zwgk/topic#"
LEVELS = ("National", "Province", "City", "County", "Township")
"""Administrative levels, highest first (the ontology's zw:AdminLevelScheme)."""


def _v(term: Any) -> str | None:
    return None if term is None else str(term.value)


def local_key(iri: str | None, base: str) -> str | None:
    """The part of an IRI after ``base`` (what a page's URL holds), or None for another IRI."""
    if iri and iri.startswith(base):
        return iri[len(base) :]
    return None


@dataclass(frozen=True)
class LedgerRow:
    """One ledger as the ledgers table shows it."""

    id: str
    iri: str
    title: str | None
    place: str | None
    """The jurisdiction's IRI."""
    jurisdiction: str | None
    level: str | None
    """``Province``, ``City``, ``County``… (the local name of zw:adminLevel)."""
    province: str | None
    year: int | None
    issuer: str | None
    """The issuing agency's IRI."""
    issuer_name: str | None
    doc_number: str | None
    source_file: str
    sha256: str | None
    tasks: int

    @property
    def place_key(self) -> str | None:
        return local_key(self.place, PLACE_BASE)

    @property
    def issuer_key(self) -> str | None:
        return local_key(self.issuer, AGENCY_BASE)

    def matches(self, text: str) -> bool:
        """Whether the text occurs in the ledger's id, title, jurisdiction, issuer, 文号 or file."""
        fields = (self.id, self.title, self.jurisdiction, self.province, self.issuer_name, self.doc_number)
        needle = text.casefold()
        return any(needle in value.casefold() for value in (*fields, self.source_file) if value)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "iri": self.iri,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_iri": self.place,
            "level": self.level,
            "province": self.province,
            "year": self.year,
            "issuer": self.issuer_name,
            "issuer_iri": self.issuer,
            "doc_number": self.doc_number,
            "source_file": self.source_file,
            "sha256": self.sha256,
            "tasks": self.tasks,
        }


@dataclass(frozen=True)
class Completeness:
    """How many of a ledger's tasks have a lead unit, a deadline, an indicator, a topic."""

    tasks: int
    with_lead: int
    with_deadline: int
    with_indicator: int
    with_topic: int


@dataclass(frozen=True)
class LedgerFilter:
    """The ledgers table's filters (each empty when not set)."""

    province: str = ""
    level: str = ""
    year: str = ""
    violations: bool = False
    text: str = ""


@dataclass(frozen=True)
class Unit:
    """An agency named on a task, with the key of its page."""

    name: str
    key: str | None


@dataclass(frozen=True)
class Topic:
    iri: str
    zh: str
    en: str
    broader: str | None
    notation: str

    @property
    def key(self) -> str:
        return local_key(self.iri, TOPIC_BASE) or self.iri

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class TaskView:
    """A task as the ledger page shows it: the row ``zwgk tasks`` gives, the units with their
    pages, its topics and requirements, and the validation results that concern it."""

    row: TaskRow
    lead: tuple[Unit, ...]
    other: tuple[Unit, ...]
    topics: tuple[Topic, ...]
    requirements: tuple[str, ...]
    results: tuple[ValidationResult, ...] = ()

    @property
    def worst(self) -> str | None:
        for severity in ("violation", "warning", "info"):
            if any(r.severity == severity for r in self.results):
                return severity
        return None


@dataclass(frozen=True)
class IndicatorNode:
    label: str
    children: tuple[IndicatorNode, ...] = ()


TASK_FILTERS = (
    "with-lead",
    "without-lead",
    "with-deadline",
    "without-deadline",
    "with-indicator",
    "without-indicator",
    "with-topic",
    "without-topic",
    "violation",
    "warning",
    "info",
)
"""What ``/ledgers/ID?filter=…`` keeps: the report's counts link to these."""


def keep_task(task: TaskView, name: str) -> bool:
    if name in ("violation", "warning", "info"):
        return any(r.severity == name for r in task.results)
    wanted, _, what = name.partition("-")
    has = {
        "lead": bool(task.row.lead_units),
        "deadline": bool(task.row.deadline or task.row.due_date),
        "indicator": bool(task.row.indicators),
        "topic": bool(task.topics),
    }.get(what)
    if has is None:
        return True
    return has if wanted == "with" else not has


@dataclass(frozen=True)
class LedgerPage:
    ledger: LedgerRow
    tasks: tuple[TaskView, ...]
    indicators: tuple[IndicatorNode, ...]
    validation: LedgerValidation
    completeness: Completeness | None


@dataclass
class Site:
    """The store as the web application reads it: what is kept from start-up, and the queries
    of one page."""

    store: Store
    ledgers: list[LedgerRow] = field(default_factory=list)
    completeness: dict[str, Completeness] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    _validation: dict[str, LedgerValidation] | None = None
    _validation_error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _by_id: dict[str, LedgerRow] = field(default_factory=dict)
    _report_html: str | None = None
    _topic_counts: dict[tuple[str, str], int] | None = None

    @classmethod
    def open(cls, store: Store, *, validate_in_background: bool = True) -> Site:
        site = cls(store=store)
        site._read()
        if validate_in_background:
            threading.Thread(target=site._validate_all, name="zwgk-validate", daemon=True).start()
        return site

    def _read(self) -> None:
        places: dict[str, tuple[str, str | None, str | None]] = {}
        for r in self.store.query(internal("web-places")):
            level = _v(r["level"])
            places.setdefault(
                str(r["place"].value),
                (str(r["name"].value), level.removeprefix(ZW) if level else None, _v(r["within"])),
            )

        def province(place: str | None) -> str | None:
            seen: set[str] = set()
            while place in places and place not in seen:
                seen.add(place)
                name, level, place = places[place]
                if level == "Province":
                    return name
            return None

        rows: dict[str, LedgerRow] = {}
        for r in self.store.query(internal("web-ledgers")):
            lid = str(r["id"].value)
            if lid in rows:
                continue
            year = _v(r["year"])
            place = _v(r["place"])
            rows[lid] = LedgerRow(
                id=lid,
                iri=str(r["ledger"].value),
                title=_v(r["title"]),
                place=place,
                jurisdiction=_v(r["jurisdiction"]),
                level=places[place][1] if place in places else None,
                province=province(place),
                year=int(year) if year and year.isdigit() else None,
                issuer=_v(r["issuer"]),
                issuer_name=_v(r["issuerName"]),
                doc_number=_v(r["docNumber"]),
                source_file=str(r["file"].value),
                sha256=_v(r["sha"]),
                tasks=int(r["tasks"].value),
            )
        self.ledgers = sorted(rows.values(), key=_ledger_order)
        self._by_id = {row.id: row for row in self.ledgers}
        for r in self.store.query(internal("web-completeness")):
            self.completeness[str(r["id"].value)] = Completeness(
                tasks=int(r["tasks"].value),
                with_lead=int(r["withLead"].value),
                with_deadline=int(r["withDeadline"].value),
                with_indicator=int(r["withIndicator"].value),
                with_topic=int(r["withTopic"].value),
            )
        for r in self.store.query(internal("web-topics")):
            iri = str(r["topic"].value)
            if iri not in self.topics:
                self.topics[iri] = Topic(
                    iri=iri,
                    zh=_v(r["zh"]) or iri,
                    en=_v(r["en"]) or _v(r["zh"]) or iri,
                    broader=_v(r["broader"]),
                    notation=_v(r["notation"]) or "",
                )

    # Validation ---------------------------------------------------------------------------

    def _validate_all(self) -> None:
        from ..shapes import validate_store

        try:
            report = validate_store(self.store)
        except Exception as exc:  # shown on the pages instead of counts; the server keeps running
            self._validation_error = str(exc)
            return
        self._validation = {part.ledger_id: part for part in report.ledgers}

    @property
    def validation_ready(self) -> bool:
        return self._validation is not None

    @property
    def validation_error(self) -> str | None:
        return self._validation_error

    def counts(self, ledger_id: str) -> dict[str, int] | None:
        """Violations, warnings and infos of a ledger, or None while validation runs."""
        if self._validation is None:
            return None
        part = self._validation.get(ledger_id)
        return part.counts() if part is not None else {"violation": 0, "warning": 0, "info": 0}

    def validation(self, ledger_id: str) -> LedgerValidation:
        """One ledger's results: kept from the start-up validation, or computed now."""
        if self._validation is not None and ledger_id in self._validation:
            return self._validation[ledger_id]
        from ..shapes import LedgerValidation, validate_store

        info = self.ledger(ledger_id)
        empty = LedgerValidation(
            ledger_id=ledger_id, ledger_iri=info.iri, source_file=info.source_file, title=info.title
        )
        if self._validation is not None or self._validation_error is not None:
            return empty
        with self._lock:
            try:
                return validate_store(self.store, ledger_ids=[ledger_id]).ledgers[0]
            except Exception as exc:  # the page shows the tasks and says validation failed
                self._validation_error = str(exc)
                return empty

    def all_results(self) -> list[ValidationResult]:
        if self._validation is None:
            return []
        return [r for part in self._validation.values() for r in part.results]

    # The ledgers table --------------------------------------------------------------------

    def known(self, ledger_id: str) -> LedgerRow | None:
        """The ledger with this id, or None (a value of a query's result may or may not be one)."""
        return self._by_id.get(ledger_id)

    def ledger(self, ledger_id: str) -> LedgerRow:
        row = self._by_id.get(ledger_id)
        if row is None:
            raise StoreError(f"no ledger with id {ledger_id} in the store", message_zh=f"数据库中没有台账 {ledger_id}")
        return row

    def select(self, wanted: LedgerFilter) -> list[LedgerRow]:
        out = []
        for row in self.ledgers:
            if wanted.province and row.province != wanted.province:
                continue
            if wanted.level and row.level != wanted.level:
                continue
            if wanted.year and str(row.year or "") != wanted.year:
                continue
            if wanted.violations:
                counts = self.counts(row.id)
                if not counts or not counts["violation"]:
                    continue
            if wanted.text and not row.matches(wanted.text):
                continue
            out.append(row)
        return out

    def facets(self) -> dict[str, list[str]]:
        """The values the ledgers table's selects offer."""
        return {
            "province": sorted({r.province for r in self.ledgers if r.province}),
            "level": [level for level in LEVELS if any(r.level == level for r in self.ledgers)],
            "year": sorted({str(r.year) for r in self.ledgers if r.year}, reverse=True),
        }

    # One ledger ---------------------------------------------------------------------------

    def ledger_page(self, ledger_id: str) -> LedgerPage:
        from ..export.tasks import ledger_tasks

        info = self.ledger(ledger_id)
        rows = ledger_tasks(self.store, ledger_ids=[ledger_id])[0].tasks
        units: dict[int, dict[str, dict[str, Unit]]] = defaultdict(lambda: {"lead": {}, "other": {}})
        for r in self.store.query(internal("web-task-units", ledger=info.iri)):
            role = "lead" if str(r["role"].value) == ZW + "LeadRole" else "other"
            name = str(r["name"].value)
            units[int(r["position"].value)][role][name] = Unit(
                name=name, key=local_key(str(r["agency"].value), AGENCY_BASE)
            )
        topics: dict[int, dict[str, Topic]] = defaultdict(dict)
        requirements: dict[int, dict[str, None]] = defaultdict(dict)
        for r in self.store.query(internal("web-task-details", ledger=info.iri)):
            position = int(r["position"].value)
            if r["topic"] is not None:
                iri = str(r["topic"].value)
                topics[position][iri] = self.topics.get(
                    iri,
                    Topic(iri=iri, zh=_v(r["topicZh"]) or iri, en=_v(r["topicEn"]) or iri, broader=None, notation=""),
                )
            if r["requirement"] is not None:
                requirements[position][str(r["requirement"].value)] = None
        validation = self.validation(ledger_id)
        by_task: dict[int, list[ValidationResult]] = defaultdict(list)
        for result in validation.results:
            if result.subject_kind == "task" and result.task_position is not None:
                by_task[result.task_position].append(result)
        tasks = []
        for row in rows:
            named = units.get(row.position, {"lead": {}, "other": {}})
            lead = tuple(named["lead"].get(name, Unit(name=name, key=None)) for name in row.lead_units)
            other = tuple(named["other"].get(name, Unit(name=name, key=None)) for name in row.other_units)
            tasks.append(
                TaskView(
                    row=row,
                    lead=lead,
                    other=other,
                    topics=tuple(sorted(topics[row.position].values(), key=lambda t: t.notation)),
                    requirements=tuple(requirements[row.position]),
                    results=tuple(by_task.get(row.position, ())),
                )
            )
        return LedgerPage(
            ledger=info,
            tasks=tuple(tasks),
            indicators=self._indicator_tree(info.iri),
            validation=validation,
            completeness=self.completeness.get(ledger_id),
        )

    def _indicator_tree(self, ledger_iri: str) -> tuple[IndicatorNode, ...]:
        """The ledger's indicators as a tree, in the order of the tasks under them."""
        labels: dict[str, str] = {}
        parents: dict[str, str | None] = {}
        order: dict[str, int] = {}
        for r in self.store.query(internal("web-indicators", ledger=ledger_iri)):
            node = str(r["indicator"].value)
            labels.setdefault(node, str(r["label"].value))
            parents[node] = parents.get(node) or _v(r["parent"])
            if r["first"] is not None:
                order[node] = min(order.get(node, 1 << 30), int(r["first"].value))

        def first(node: str) -> int:
            below = [first(child) for child in children.get(node, ())]
            return min([order.get(node, 1 << 30), *below])

        children: dict[str | None, list[str]] = defaultdict(list)
        for node, parent in parents.items():
            children[parent if parent in labels else None].append(node)

        def build(node: str, seen: frozenset[str]) -> IndicatorNode:
            kids = sorted((c for c in children.get(node, ()) if c not in seen), key=first)
            return IndicatorNode(label=labels[node], children=tuple(build(c, seen | {c}) for c in kids))

        return tuple(build(node, frozenset({node})) for node in sorted(children.get(None, ()), key=first))

    # Agencies, jurisdictions, topics ---------------------------------------------------------

    def agency(self, key: str) -> dict[str, Any]:
        iri = AGENCY_BASE + key
        rows = list(self.store.query(internal("web-agency", agency=iri)))
        if not rows:
            raise StoreError(f"no agency {key} in the store", message_zh=f"数据库中没有单位 {key}")
        first = rows[0]
        tasks = []
        for r in rows:
            if r["id"] is None:
                continue
            tasks.append(
                {
                    "role": str(r["role"].value).removeprefix(ZW),
                    "ledger": self._by_id.get(str(r["id"].value)),
                    "id": str(r["id"].value),
                    "position": int(r["position"].value),
                    "number": _v(r["number"]),
                    "text": str(r["text"].value),
                    "deadline": _v(r["deadline"]),
                }
            )
        return {
            "iri": iri,
            "name": str(first["name"].value),
            "place_key": local_key(_v(first["place"]), PLACE_BASE),
            "jurisdiction": _v(first["jurisdiction"]),
            "type": _v(first["typeName"]),
            "tasks": tasks,
        }

    def jurisdiction(self, key: str) -> dict[str, Any]:
        iri = PLACE_BASE + key
        rows = list(self.store.query(internal("web-jurisdiction", place=iri)))
        if not rows:
            raise StoreError(f"no jurisdiction {key} in the store", message_zh=f"数据库中没有行政区域 {key}")
        first = rows[0]
        agencies: dict[str, Unit] = {}
        for r in rows:
            if r["agency"] is not None:
                agencies.setdefault(
                    str(r["agency"].value),
                    Unit(name=str(r["agencyName"].value), key=local_key(str(r["agency"].value), AGENCY_BASE)),
                )
        counts = {str(r["agency"].value): int(r["tasks"].value) for r in rows if r["agency"] is not None}
        level = _v(first["level"])
        return {
            "iri": iri,
            "name": str(first["name"].value),
            "level": level.removeprefix(ZW) if level else None,
            "code": _v(first["code"]),
            "parent_key": local_key(_v(first["parent"]), PLACE_BASE),
            "parent": _v(first["parentName"]),
            "ledgers": [row for row in self.ledgers if row.place == iri],
            "agencies": [(unit, counts[a]) for a, unit in agencies.items()],
        }

    def topic(self, key: str, *, ledger_id: str | None = None) -> dict[str, Any]:
        """A topic, its neighbours in the scheme, and the first tasks under it (of one ledger
        when ``ledger_id`` is given)."""
        iri = TOPIC_BASE + key
        topic = self.topics.get(iri)
        if topic is None:
            raise StoreError(f"no topic {key} in the topic scheme", message_zh=f"主题表中没有主题 {key}")
        values = {"topic": iri}
        if ledger_id:
            values["ledger"] = self.ledger(ledger_id).iri
        tasks = []
        for r in self.store.query(internal("web-topic", **values)):
            tasks.append(
                {
                    "id": str(r["id"].value),
                    "ledger": self._by_id.get(str(r["id"].value)),
                    "position": int(r["position"].value),
                    "number": _v(r["number"]),
                    "text": str(r["text"].value),
                    "topic": self.topics.get(str(r["sub"].value)),
                    "leads": _v(r["leads"]) or "",
                }
            )
        return {
            "topic": topic,
            "broader": self.topics.get(topic.broader or ""),
            "narrower": sorted((t for t in self.topics.values() if t.broader == iri), key=lambda t: t.notation),
            "tasks": tasks,
        }

    def top_topics(self) -> list[Topic]:
        return sorted((t for t in self.topics.values() if t.broader is None), key=_notation_order)

    def narrower(self, topic: Topic) -> list[Topic]:
        return sorted((t for t in self.topics.values() if t.broader == topic.iri), key=_notation_order)

    # The report ---------------------------------------------------------------------------

    def report_html(self) -> str:
        """compare/report.py's self-contained report, built once (the store does not change)."""
        if self._report_html is None:
            from ..compare.report import build_report

            self._report_html = build_report(self.store)[0]
        return self._report_html

    def topic_counts(self) -> dict[tuple[str, str], int]:
        """Tasks per ledger and top-level topic (the report's heat map), read once."""
        if self._topic_counts is None:
            from ..store.base import internal_query

            self._topic_counts = {
                (str(r["id"].value), str(r["top"].value)): int(r["n"].value)
                for r in self.store.query(internal_query("report-topics"))
            }
        return self._topic_counts


def _notation_order(topic: Topic) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 99 for part in topic.notation.split(".")) or (99,)


def _ledger_order(row: LedgerRow) -> tuple[str, int, str, str]:
    """Province, then level (higher first), then jurisdiction, then id."""
    level = LEVELS.index(row.level) if row.level in LEVELS else len(LEVELS)
    return (row.province or "~", level, row.jurisdiction or "~", row.id)


class ServedStore:
    """The store as ``zwgk serve`` holds it: read-only and unchanging (the lock refuses loads),
    so the list of ledgers is read once. Every other step (the tasks table, validation, the
    exports) asks the store to resolve ledger ids, which on the embedded store lists every
    ledger each time (0.4 s at 3,000 ledgers): here that is a lookup."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.location = inner.location
        self.read_only = True
        self._ledgers: list[LedgerInfo] | None = None

    @property
    def local(self) -> Any:
        return self._inner.local

    @property
    def realigns_on_change(self) -> bool:
        return False

    def query(self, sparql: str) -> Any:
        return self._inner.query(sparql)

    def update(self, sparql: str) -> None:
        raise StoreError("the served store is read-only", message_zh="提供服务的数据库只读")

    def ledgers(self) -> list[LedgerInfo]:
        if self._ledgers is None:
            self._ledgers = self._inner.ledgers()
        return self._ledgers

    def resolve_ids(self, ledger_ids: list[str] | None) -> list[LedgerInfo]:
        from ..store.base import select_ledgers

        return select_ledgers(self.ledgers(), ledger_ids, location=self.location)

    def quads(self, *, ledger_ids: list[str] | None = None, include_ontology: bool = True) -> Iterator[Any]:
        from pyoxigraph import NamedNode

        from ..ontology.iris import ONTOLOGY_GRAPH

        local = self._inner.local
        if local is None:
            yield from self._inner.quads(ledger_ids=ledger_ids, include_ontology=include_ontology)
            return
        graphs = [info.graph for info in self.resolve_ids(ledger_ids)]
        if include_ontology:
            graphs.insert(0, ONTOLOGY_GRAPH)
        for graph in graphs:
            yield from local.quads_for_pattern(None, None, None, NamedNode(graph))

    def graph_names(self) -> list[str]:
        return self._inner.graph_names()

    def ensure_ontology(self) -> None:
        """Nothing to do: the store is read as it is."""

    def load_prepared(self, prepared: list[PreparedLedger]) -> list[LoadSummary]:
        raise StoreError("the served store is read-only", message_zh="提供服务的数据库只读")

    def remove(self, ledger_ids: list[str]) -> None:
        raise StoreError("the served store is read-only", message_zh="提供服务的数据库只读")

    def compact(self) -> None:
        """Nothing to do: the store is read-only."""

    @property
    def interrupted(self) -> Interrupted | None:
        return self._inner.interrupted

    def settle(self) -> None:
        """Nothing to do: the store is read-only."""

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> ServedStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None, /
    ) -> None:
        self.close()
