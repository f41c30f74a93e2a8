"""What every zwgk store is: the ``Store`` protocol that the embedded and the remote store
implement, the small records they exchange with the rest of zwgk, and the logic both share
(listing ledgers, resolving ids, keeping the ontology graph current), written once.

Callers never ask which kind of store they hold; they ask what it can do (``local``: the
``pyoxigraph.Store`` underneath when there is one, for engines that run inside it;
``realigns_on_change``: whether loading recomputes alignments)."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import StoreError
from ..ontology.iris import ONTOLOGY_GRAPH
from ..ontology.iris import ledger as ledger_iri
from ..resources import list_files, read_text

if TYPE_CHECKING:
    from types import TracebackType

    import pyoxigraph

    from ..model import LedgerWarning

DCTERMS_IDENTIFIER = "http://purl.org/dc/terms/identifier"


@dataclass(frozen=True)
class LedgerInfo:
    """One ledger as the store lists it."""

    id: str
    iri: str
    graph: str
    title: str | None
    jurisdiction: str | None
    year: int | None
    source_file: str
    task_count: int
    sha256: str | None = None
    """The sha256 of the file the ledger was read from."""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "iri": self.iri,
            "graph": self.graph,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "source_file": self.source_file,
            "task_count": self.task_count,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class TaskChanges:
    """What a new reading of a ledger changed, task by task (tasks are known by their stable
    IRIs): tasks added, removed, and changed — a different text is a different task; a task is
    changed when its units, deadline, indicator, topics or requirements differ. A task that
    only moved or was renumbered is not changed."""

    added: int
    removed: int
    changed: int

    def render(self, *, lang: str = "en") -> str:
        if lang == "zh":
            return f"新增 {self.added} 项，删除 {self.removed} 项，修改 {self.changed} 项"
        return f"{self.added} added, {self.removed} removed, {self.changed} changed"

    def as_json(self) -> dict[str, int]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}


_WHERE_NOT_WHAT = ("#position>", "#sourceLine>", "#number>", "/prov#wasDerivedFrom>")
"""Predicates of a task that say where it is printed, not what it asks: left out when comparing."""


_DIGEST_MOD = 2**128


def _line_digest(line: str) -> int:
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest(), "little")


@dataclass(frozen=True)
class GraphDigest:
    """A version of a ledger's graph in a few bytes per task, enough to tell whether another
    version is the same and what changed task by task (``task_changes``), without holding
    either version's lines: a 200,000-task ledger is millions of lines.

    A set of lines is summed as the sum of its lines' 128-bit BLAKE2 digests (order does not
    matter; two different sets have the same sum with a chance of 2**-128)."""

    lines: int
    whole: int
    tasks: dict[str, int]
    """Task key → the sum of its lines that say what it asks (``_WHERE_NOT_WHAT`` left out)."""

    @classmethod
    def of(cls, lines: Iterable[str], *, ledger_iri: str) -> GraphDigest:
        """The digest of distinct N-Triples lines: each triple belongs to the task whose IRI its
        subject is or starts with (obligations, deadlines and requirements are named under
        their task)."""
        prefix = f"<{ledger_iri}/task/"
        count = whole = 0
        tasks: dict[str, int] = {}
        for line in lines:
            if not line:
                continue
            count += 1
            digest = _line_digest(line)
            whole += digest
            if not line.startswith(prefix):
                continue
            subject, predicate, _ = line.split(" ", 2)
            key = subject[len(prefix) : -1].split("/", 1)[0]
            kept = tasks.setdefault(key, 0)
            if "/" in subject[len(prefix) :] or not predicate.endswith(_WHERE_NOT_WHAT):
                tasks[key] = (kept + digest) % _DIGEST_MOD
        return cls(lines=count, whole=whole % _DIGEST_MOD, tasks=tasks)

    def same(self, other: GraphDigest) -> bool:
        return self.lines == other.lines and self.whole == other.whole

    def changes_to(self, after: GraphDigest) -> TaskChanges:
        old, new = self.tasks, after.tasks
        return TaskChanges(
            added=len(new.keys() - old.keys()),
            removed=len(old.keys() - new.keys()),
            changed=sum(old[k] != new[k] for k in old.keys() & new.keys()),
        )


def task_changes(before: Iterable[str], after: Iterable[str], *, ledger_iri: str) -> TaskChanges:
    """Compare two versions of a ledger's graph, given as distinct N-Triples lines, task by task
    (``GraphDigest``)."""
    return GraphDigest.of(before, ledger_iri=ledger_iri).changes_to(GraphDigest.of(after, ledger_iri=ledger_iri))


@dataclass(frozen=True)
class LoadSummary:
    """What happened to one ledger of a load."""

    id: str
    source_file: str
    title: str | None
    jurisdiction: str | None
    year: int | None
    layout: str
    tasks: int
    indicators: int
    agencies: int
    warnings: tuple[LedgerWarning, ...]
    """What the reader could not read or had to guess (``LedgerWarning``: code, line, en, zh)."""
    status: str
    """``new``, ``replaced`` or ``unchanged``."""
    sha256: str = ""
    """The sha256 of the file read."""
    changes: TaskChanges | None = None
    """For a ``replaced`` ledger: tasks added, removed and changed."""
    replaces: str | None = None
    """The id under which the store held the same file before (its metadata was corrected)."""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source_file": self.source_file,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "layout": self.layout,
            "tasks": self.tasks,
            "indicators": self.indicators,
            "agencies": self.agencies,
            "status": self.status,
            "sha256": self.sha256,
            "changes": self.changes.as_json() if self.changes else None,
            "replaces": self.replaces,
            "warnings": [warning.as_json() for warning in self.warnings],
        }


@dataclass(frozen=True)
class Interrupted:
    """What an earlier load that was stopped (killed, a power cut) left in the store, found when
    the store is opened. ``ledgers``: the ids of the ledgers it was writing in several calls and
    had not finished, which a writer removes on opening (``removed``) and a reader only sees;
    ``unsettled``: the batch ended before its alignments and rollups were brought up to date, so
    the next load or removal refreshes them whole."""

    ledgers: tuple[str, ...]
    removed: bool
    unsettled: bool

    def render(self, *, lang: str = "en") -> str:
        names = "、".join(self.ledgers) if lang == "zh" else ", ".join(self.ledgers)
        if lang == "zh":
            parts = []
            if self.ledgers and self.removed:
                parts.append(f"上次加载中断，未写完的台账 {names} 已移除，请重新加载其文件")
            elif self.ledgers:
                parts.append(f"上次加载中断，台账 {names} 只写入了一部分；下次写入时将移除，请重新加载其文件")
            if self.unsettled:
                parts.append("比对结果与汇总表尚未更新，下次加载或删除时将全部重算（也可运行 zwgk rollups --rebuild）")
            return "；".join(parts)
        parts = []
        if self.ledgers and self.removed:
            parts.append(
                f"an earlier load was stopped part-way: ledger(s) {names}, not written whole, were removed; load their files again"
            )
        elif self.ledgers:
            parts.append(
                f"an earlier load was stopped part-way: ledger(s) {names} are only partly written; "
                "the next writer removes them; load their files again"
            )
        if self.unsettled:
            parts.append(
                "alignments and rollups were not brought up to date after it: the next load or removal "
                "recomputes them whole (or run zwgk rollups --rebuild)"
            )
        return "; ".join(parts)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class PreparedLedger:
    """A ledger read and built, ready to be written: its summary and its triples as compressed
    N-Triples lines. Compact and picklable, so that worker processes can prepare a province's
    ledgers in parallel and the writer can hold them all before the first write."""

    summary: LoadSummary
    graph: str
    body: bytes
    triples: int

    def lines(self) -> list[str]:
        return zlib.decompress(self.body).decode("utf-8").split("\n")

    def chunks(self) -> Iterator[list[bytes]]:
        """The lines (UTF-8, without their newline) a piece at a time, decompressed as they are
        read: a big ledger's text is never whole in memory."""
        unpacker = zlib.decompressobj()
        tail = b""
        for start in range(0, len(self.body), _PIECE):
            data = tail + unpacker.decompress(self.body[start : start + _PIECE])
            *whole, tail = data.split(b"\n")
            if whole:
                yield whole
        yield (tail + unpacker.flush()).split(b"\n")

    def text_lines(self) -> Iterator[str]:
        """``lines()`` one at a time (``chunks``)."""
        for chunk in self.chunks():
            for line in chunk:
                yield line.decode("utf-8")


_PIECE = 2**16
"""Compressed bytes decompressed at a time (a few MB of N-Triples)."""


@runtime_checkable
class Store(Protocol):
    """A zwgk store: one named graph per ledger and one for the ontology, read with SPARQL.

    ``LedgerStore`` (embedded, on disk) and ``RemoteStore`` (any SPARQL 1.1 server) implement it;
    open one with ``zwgk.store.open_store``."""

    location: Any
    """Where the store is: a folder or an endpoint, as given (used in messages)."""
    read_only: bool

    @property
    def local(self) -> pyoxigraph.Store | None:
        """The ``pyoxigraph.Store`` holding the data when it is in this process, else None."""

    @property
    def realigns_on_change(self) -> bool:
        """Whether a load recomputes the alignments when a ledger changed (an embedded store
        does; a remote store's alignments are recomputed by ``zwgk align`` only, because it
        means reading every task over HTTP)."""

    def query(self, sparql: str) -> Any:
        """Run a query with every named graph visible as the default graph; pyoxigraph's
        result objects (solutions, a boolean, or triples)."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""

    def ledgers(self) -> list[LedgerInfo]:
        """Every ledger in the store, by id."""

    def resolve_ids(self, ledger_ids: list[str] | None) -> list[LedgerInfo]:
        """The ledgers named (all when None); an unknown id is a ``StoreError``."""

    def quads(self, *, ledger_ids: list[str] | None = None, include_ontology: bool = True) -> Iterator[Any]:
        """The quads of the ledgers named (all when None), the ontology's first."""

    def graph_names(self) -> list[str]:
        """Every named graph in the store (ledgers, the ontology, derived graphs)."""

    def ensure_ontology(self) -> None:
        """Keep the ontology graph equal to the packaged ontology."""

    def load_prepared(self, prepared: list[PreparedLedger]) -> list[LoadSummary]:
        """Write prepared ledgers, each atomically; a summary of each with its status."""

    def remove(self, ledger_ids: list[str]) -> None:
        """Drop the named ledgers' graphs."""

    def compact(self) -> None:
        """Merge what bulk writes left behind (a no-op where the server manages storage)."""

    @property
    def interrupted(self) -> Interrupted | None:
        """What an earlier, stopped load left, as found when the store was opened (None when
        nothing was; always None where the server keeps no journal)."""

    def settle(self) -> None:
        """Record that a batch's derived data (alignments, rollups) are up to date: the load
        that wrote it is over (``zwgk.pipeline`` calls it last)."""

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None, /
    ) -> None: ...


def select_ledgers(infos: list[LedgerInfo], ledger_ids: list[str] | None, *, location: object) -> list[LedgerInfo]:
    """The ledgers named, in the order named (all when ``None``); an unknown id is an error
    naming the store."""
    if ledger_ids is None:
        return infos
    by_id = {info.id: info for info in infos}
    missing = [lid for lid in ledger_ids if lid not in by_id]
    if missing:
        raise StoreError(
            f"no ledger with id {', '.join(missing)} in {location} (see zwgk ledgers)",
            message_zh=f"数据库中没有台账 {', '.join(missing)}（见 zwgk ledgers）",
        )
    return [by_id[lid] for lid in ledger_ids]


_ID = re.compile(r"[0-9A-Za-z_-]+")
"""What a ledger id is made of (``2021-3f2a9c1b0d``, ``undated-…``)."""


def named_ledgers_query(ledger_ids: list[str]) -> str | None:
    """``queries/internal/ledgers.rq`` for the ledgers of these ids only, found by their IRIs
    (an index lookup each, where listing every ledger to pick a few costs 0.4 s at 3,000
    ledgers); None when an id cannot be one, to be reported by ``select_ledgers``."""
    if not ledger_ids or not all(_ID.fullmatch(lid) for lid in ledger_ids):
        return None
    values = " ".join(f"<{ledger_iri(lid)}>" for lid in dict.fromkeys(ledger_ids))
    return internal_query("ledgers").replace("GRAPH ?g {", f"VALUES ?ledger {{ {values} }}\n  GRAPH ?g {{", 1)


@cache
def internal_query(name: str) -> str:
    """A query zwgk itself runs, kept as ``queries/internal/<name>.rq`` (read once)."""
    return read_text("queries", "internal", f"{name}.rq")


def _text(term: Any) -> str | None:
    return None if term is None else str(term.value)


def ledger_infos(rows: Iterable[Any]) -> list[LedgerInfo]:
    """``LedgerInfo``s from the rows of ``queries/internal/ledgers.rq``, on any store."""
    out = []
    for row in rows:
        year = _text(row["year"])
        out.append(
            LedgerInfo(
                id=row["id"].value,
                iri=row["ledger"].value,
                graph=row["g"].value,
                title=_text(row["title"]),
                jurisdiction=_text(row["jurisdiction"]),
                year=int(year) if year and year.isdigit() else None,
                source_file=row["file"].value,
                task_count=int(row["tasks"].value),
                sha256=_text(row["sha"]),
            )
        )
    return out


def ontology_files() -> list[str]:
    """The ontology's Turtle files, zwgk.ttl first (other schemes such as agency types follow)."""
    names = [f.name for f in list_files("ontology", ".ttl")]
    return sorted(names, key=lambda n: (n != "zwgk.ttl", n))


@dataclass(frozen=True)
class OntologyGraph:
    """The packaged ontology as one graph's N-Triples lines, and the marker triple (the sha256
    of the Turtle text) by which a store sees whether it already holds this version."""

    lines: tuple[str, ...]
    marker: str

    @property
    def marker_triple(self) -> str:
        return f'<{ONTOLOGY_GRAPH}> <{DCTERMS_IDENTIFIER}> "{self.marker}" .'


@lru_cache(maxsize=1)
def ontology_graph() -> OntologyGraph:
    from pyoxigraph import RdfFormat, parse

    texts = [read_text("ontology", f) for f in ontology_files()]
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    lines = tuple(
        f"{q.subject} {q.predicate} {q.object} ." for text in texts for q in parse(text, format=RdfFormat.TURTLE)
    )
    return OntologyGraph(lines=lines, marker=f"sha256:{digest}")
