"""The embedded store: an on-disk pyoxigraph store, one named graph per ledger and one for the
ontology.

pyoxigraph has no multi-step transaction, but each ``load``, ``bulk_load`` and ``update`` call
is atomic: new ledgers are written a chunk at a time by one such call, and a ledger is replaced
by a single ``DROP GRAPH …; INSERT DATA {…}`` request, so a failed or killed load leaves the
previous version of each ledger, never half of it. All files of a batch are read and built
before the first write, so a bad file stops the batch with the store unchanged — and every file
is read, so that the refusal names all the bad ones at once."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, StoreError, ZwgkError
from .iris import ONTOLOGY_GRAPH, ZW

if TYPE_CHECKING:
    from .loaders.model import LedgerWarning

DEFAULT_LOCATION = "zwgk-data"
ENV_STORE = "ZWGK_STORE"
LOCK_NAME = "zwgk.lock"

PREFIXES = f"""PREFIX zw: <{ZW}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

_LEDGERS_QUERY = PREFIXES + """
SELECT ?id ?ledger ?g ?title ?jurisdiction ?year ?file ?tasks WHERE {
  GRAPH ?g {
    ?ledger a zw:Ledger ; dcterms:identifier ?id ; zw:sourceFile ?file ; zw:taskCount ?tasks .
    OPTIONAL { ?ledger dcterms:title ?title }
    OPTIONAL { ?ledger zw:year ?year }
    OPTIONAL { ?ledger zw:jurisdiction ?place . ?place skos:prefLabel ?jurisdiction }
  }
} ORDER BY ?id
"""
"""Every ledger with its task count as the builder wrote it (zw:taskCount), so that listing a
province's ledgers does not count their tasks again."""


@dataclass(frozen=True)
class LedgerInfo:
    id: str
    iri: str
    graph: str
    title: str | None
    jurisdiction: str | None
    year: int | None
    source_file: str
    task_count: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "iri": self.iri, "graph": self.graph, "title": self.title,
            "jurisdiction": self.jurisdiction, "year": self.year,
            "source_file": self.source_file, "task_count": self.task_count,
        }


@dataclass(frozen=True)
class LoadSummary:
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

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "source_file": self.source_file, "title": self.title,
            "jurisdiction": self.jurisdiction, "year": self.year, "layout": self.layout,
            "tasks": self.tasks, "indicators": self.indicators, "agencies": self.agencies,
            "status": self.status, "warnings": [warning.as_json() for warning in self.warnings],
        }


@dataclass(frozen=True)
class Refusal:
    """A file of a batch that could not be read: which file, which line (when known) and why,
    in English and Chinese. Plain data, so that it pickles and prints the same everywhere."""

    file: str
    line: int | None
    message: str
    message_zh: str | None = None

    @classmethod
    def from_error(cls, error: ZwgkError, *, file: str | os.PathLike) -> "Refusal":
        if isinstance(error, InputError):
            message = error.reason + (f" (expected {error.expected})" if error.expected else "")
            return cls(file=error.path or str(file), line=error.line, message=message, message_zh=error.reason_zh)
        return cls(file=str(file), line=None, message=error.message, message_zh=error.message_zh)

    def reason(self, *, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" and self.message_zh else self.message

    def render(self, *, lang: str = "en") -> str:
        """``FILE, line N: why`` (``FILE 第N行：why`` in Chinese)."""
        if lang == "zh":
            return f"{self.file}" + (f" 第{self.line}行" if self.line else "") + f"：{self.reason(lang='zh')}"
        return f"{self.file}" + (f", line {self.line}" if self.line else "") + f": {self.message}"

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message,
                "message_zh": self.message_zh or self.message}


class BatchRefused(InputError):
    """Files of a batch that cannot be read; nothing of the batch was written. It reads as the
    first refused file's error (``path``, ``line``), and carries every refusal and how many
    files were read, so that a caller can name them all."""

    def __init__(self, refused: list[Refusal], *, read: int) -> None:
        first = refused[0]
        super().__init__(first.message, path=first.file, line=first.line, message_zh=first.message_zh)
        self.refused = list(refused)
        self.read = read
        more = len(refused) - 1
        if more:
            self.message += f" (and {more} more file{'s' if more > 1 else ''} refused)"
            if self.message_zh:
                self.message_zh += f"（另有 {more} 个文件未能读取）"
            self.args = (self.message,)

    def __reduce__(self):
        return (_batch_refused, (self.refused, self.read))


def _batch_refused(refused: list[Refusal], read: int) -> BatchRefused:
    return BatchRefused(refused, read=read)


@dataclass(frozen=True)
class LoadReport:
    summaries: list[LoadSummary]
    skipped: list[ZwgkError] = field(default_factory=list)
    """The errors of the files refused (``keep_going``)."""
    refused: list[Refusal] = field(default_factory=list)
    """The same files as ``skipped``, each with its file, line and reason."""
    read: int = 0
    """How many files were read and built (written or not)."""


def store_location(option: str | os.PathLike | None = None) -> Path:
    """``--store``, else ``ZWGK_STORE``, else ``./zwgk-data``."""
    return Path(option or os.environ.get(ENV_STORE) or DEFAULT_LOCATION)


def _term_text(term) -> str | None:
    return None if term is None else term.value


class LedgerStore:
    """A zwgk store on disk. Use ``LedgerStore.open``; close it (or use ``with``) when done."""

    def __init__(self, store, *, location: Path, read_only: bool) -> None:
        self._store = store
        self.location = location
        self.read_only = read_only
        self._bulk_loaded = False

    @classmethod
    def open(
        cls, location: str | os.PathLike | None = None, *, read_only: bool = False, wait: float = 0.0
    ) -> "LedgerStore":
        """Open the store. A writer holds zwgk's lock for as long as the store is open, so a
        second writer or a load during ``zwgk serve`` is told who holds it (after waiting up to
        ``wait`` seconds); readers take no lock."""
        path = store_location(location)
        release = None if read_only else acquire_lock(path, purpose="load", wait=wait)
        try:
            return cls._open(path, read_only=read_only, release=release)
        except BaseException:
            if release is not None:
                release()
            raise

    @classmethod
    def _open(cls, path: Path, *, read_only: bool, release) -> "LedgerStore":
        from pyoxigraph import Store

        try:
            if read_only:
                if not path.exists():
                    raise StoreError(
                        f"no store at {path}: load ledgers first (zwgk load …) or name one with --store",
                        message_zh=f"{path} 处没有数据库：请先加载台账（zwgk load …）或用 --store 指定",
                    )
                store = Store.read_only(str(path))
            else:
                store = Store(str(path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower() or "resource temporarily unavailable" in text.lower():
                raise StoreError(
                    f"the store at {path} is in use by another process (a load in progress or "
                    "zwgk serve); wait for it to finish or stop the server, then try again",
                    message_zh=f"{path} 处的数据库正被另一进程使用（正在加载或 zwgk serve），请稍后再试",
                ) from exc
            raise StoreError(f"cannot open the store at {path}: {text}",
                             message_zh=f"无法打开数据库 {path}") from exc
        opened = cls(store, location=path, read_only=read_only)
        opened._release = release
        if not read_only:
            opened.ensure_ontology()
        return opened

    def __enter__(self) -> "LedgerStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not hasattr(self, "_store"):
            return
        if not self.read_only:
            self._store.flush()
        del self._store
        release = getattr(self, "_release", None)
        if release is not None:
            self._release = None
            release()

    @property
    def raw(self):
        """The underlying ``pyoxigraph.Store``, for code that needs its full API."""
        return self._store

    # Writing -----------------------------------------------------------------------------

    def ensure_ontology(self) -> None:
        """Keep the ontology graph equal to the packaged ontology (replaced in one update when
        the package's version differs)."""
        from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

        from .resources import read_text

        text = "\n".join(read_text("ontology", f) for f in ontology_files())
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        graph = NamedNode(ONTOLOGY_GRAPH)
        marker = Quad(graph, NamedNode("http://purl.org/dc/terms/identifier"), Literal(f"sha256:{digest}"), graph)
        if marker in self._store:
            return
        quads = [Quad(q.subject, q.predicate, q.object, graph)
                 for f in ontology_files()
                 for q in parse(read_text("ontology", f), format=RdfFormat.TURTLE)]
        self._replace_graph(ONTOLOGY_GRAPH, quads + [marker])

    def _replace_graph(self, graph: str, quads: Iterable) -> None:
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        self._store.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def load_records(self, records) -> list[LoadSummary]:
        """Write ledgers, each atomically; all are built before the first write."""
        return self.load_prepared([prepare(record) for record in records])

    def load_prepared(self, prepared: list["PreparedLedger"], *, refresh: bool = True) -> list[LoadSummary]:
        """Write prepared ledgers, each atomically. Ledgers new to the store are written in
        chunks of about ``BULK_TRIPLES`` triples by one ``bulk_load`` call each (atomic, and
        about twice as fast per triple as a transactional load); a ledger already in the store
        is compared and, when it differs, replaced by one ``DROP + INSERT DATA`` update.
        ``refresh=False`` leaves compaction and the alignments to a later ``finish_batch`` (a
        streamed batch runs it once, at its end)."""
        from pyoxigraph import NamedNode

        statuses: dict[int, str] = {}
        chunk: list[int] = []
        chunk_graphs: set[str] = set()
        chunk_size = 0

        def flush() -> None:
            nonlocal chunk_size
            if chunk:
                self._write_new([prepared[i] for i in chunk])
                statuses.update(dict.fromkeys(chunk, "new"))
            chunk.clear()
            chunk_graphs.clear()
            chunk_size = 0

        for index, ledger in enumerate(prepared):
            if ledger.graph in chunk_graphs:
                flush()  # the same ledger twice in one batch: the later file replaces the earlier
            if not self._store.contains_named_graph(NamedNode(ledger.graph)):
                chunk.append(index)
                chunk_graphs.add(ledger.graph)
                chunk_size += ledger.triples
                if chunk_size >= BULK_TRIPLES:
                    flush()
                continue
            flush()
            lines = ledger.lines()
            status = self._status(ledger.graph, lines)
            if status != "unchanged":
                self._store.update(
                    f"DROP SILENT GRAPH <{ledger.graph}> ;\n"
                    f"INSERT DATA {{ GRAPH <{ledger.graph}> {{\n" + "\n".join(lines) + "\n} }"
                )
            statuses[index] = status
        flush()
        summaries = [replace(ledger.summary, status=statuses[i]) for i, ledger in enumerate(prepared)]
        if refresh:
            finish_batch(self, summaries)
        return summaries

    def _write_new(self, ledgers: list["PreparedLedger"]) -> None:
        """Ledgers whose graphs the store does not hold, in one atomic call: small batches by a
        transactional ``load``, large ones by ``bulk_load`` (which writes sorted files directly
        and is still one atomic step)."""
        from pyoxigraph import RdfFormat

        body = "\n".join(line[:-1] + f"<{ledger.graph}> ." for ledger in ledgers for line in ledger.lines() if line)
        data = body.encode("utf-8")
        if sum(ledger.triples for ledger in ledgers) >= BULK_FROM:
            self._store.bulk_load(data, format=RdfFormat.N_QUADS)
            self._bulk_loaded = True
        else:
            self._store.load(data, format=RdfFormat.N_QUADS)

    def compact(self) -> None:
        """After a batch written by ``bulk_load``, merge its files (``Store.optimize``).
        ``bulk_load`` writes sorted files straight into RocksDB's first level and nothing
        compacts them while the store is closed or read-only, so every later query seeks
        through all of them: on 300 synthetic ledgers compaction took 1.9 s and halved every
        saved query's time (bench/README.md)."""
        if self._bulk_loaded:
            self._store.optimize()
            self._bulk_loaded = False

    def refresh_alignments(self) -> None:
        """Alignments point into ledgers: recompute them (when the store keeps any) after a
        ledger changed, so that none points to a task that is gone or different."""
        from .align import refresh_alignments

        refresh_alignments(self)

    def _status(self, graph: str, lines: list[str]) -> str:
        from pyoxigraph import NamedNode

        stored = {f"{q.subject} {q.predicate} {q.object} ." for q in
                  self._store.quads_for_pattern(None, None, None, NamedNode(graph))}
        if not stored:
            return "new"
        return "unchanged" if stored == set(lines) else "replaced"

    def remove(self, ledger_ids: list[str]) -> None:
        infos = self.resolve_ids(ledger_ids)
        self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{info.graph}>" for info in infos))
        self.refresh_alignments()

    # Reading -----------------------------------------------------------------------------

    def ledgers(self) -> list[LedgerInfo]:
        out = []
        for row in self._store.query(_LEDGERS_QUERY):
            year = _term_text(row["year"])
            out.append(
                LedgerInfo(
                    id=row["id"].value, iri=row["ledger"].value, graph=row["g"].value,
                    title=_term_text(row["title"]), jurisdiction=_term_text(row["jurisdiction"]),
                    year=int(year) if year and year.isdigit() else None,
                    source_file=row["file"].value, task_count=int(row["tasks"].value),
                )
            )
        return out

    def resolve_ids(self, ledger_ids: list[str] | None) -> list[LedgerInfo]:
        """The ledgers named (all when ``None``); an unknown id is an error."""
        return select_ledgers(self.ledgers(), ledger_ids, location=self.location)

    def quads(self, *, ledger_ids: list[str] | None = None, include_ontology: bool = True) -> Iterator:
        from pyoxigraph import NamedNode

        graphs = [info.graph for info in self.resolve_ids(ledger_ids)]
        if include_ontology:
            graphs.insert(0, ONTOLOGY_GRAPH)
        for graph in graphs:
            yield from self._store.quads_for_pattern(None, None, None, NamedNode(graph))

    def query(self, sparql: str, *, substitutions=None):
        """Run a SPARQL query with every named graph visible as the default graph."""
        return self._store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions)


def select_ledgers(infos: list[LedgerInfo], ledger_ids: list[str] | None, *, location) -> list[LedgerInfo]:
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


def open_store(
    *,
    location: str | os.PathLike | None = None,
    endpoint: str | None = None,
    read_only: bool = False,
    wait: float = 0.0,
):
    """The store a command works on: a remote SPARQL 1.1 store when an endpoint is given
    (``--endpoint`` / ``ZWGK_ENDPOINT``), else the embedded on-disk store. Both offer the same
    methods (ledgers, resolve_ids, quads, query, load_prepared)."""
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore.open(endpoint, read_only=read_only)
    return LedgerStore.open(location, read_only=read_only, wait=wait)


def ontology_files() -> list[str]:
    """The ontology's Turtle files, zwgk.ttl first (other schemes such as agency types follow)."""
    from .resources import list_files

    names = [f.name for f in list_files("ontology", ".ttl")]
    return sorted(names, key=lambda n: (n != "zwgk.ttl", n))


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
        import zlib

        return zlib.decompress(self.body).decode("utf-8").split("\n")


def prepare(record) -> PreparedLedger:
    import zlib

    from .rdf import build_ledger

    ledger = build_ledger(record)
    text = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in ledger.quads)
    summary = LoadSummary(
        id=ledger.id, source_file=record.source_file, title=record.title,
        jurisdiction=record.jurisdiction, year=record.year, layout=record.layout,
        tasks=ledger.tasks, indicators=ledger.indicators, agencies=ledger.agencies,
        warnings=tuple(record.warnings), status="",
    )
    return PreparedLedger(summary=summary, graph=ledger.graph, body=zlib.compress(text.encode("utf-8"), 3),
                          triples=len(ledger.quads))


@dataclass(frozen=True)
class _Job:
    path: Path
    layout: str | None
    overrides: object


def _prepare_job(job: _Job) -> PreparedLedger | ZwgkError:
    from .loaders import read_ledger

    try:
        return prepare(read_ledger(job.path, layout=job.layout, overrides=job.overrides))
    except ZwgkError as exc:
        return exc


PARALLEL_FROM = 8
"""Batches of at least this many files are prepared in worker processes."""
BULK_TRIPLES = 250_000
"""New ledgers are written in chunks of about this many triples (a few MB of N-Quads)."""
BULK_FROM = 20_000
"""Chunks from this size on go through ``bulk_load``; below it a transactional ``load`` avoids
writing many tiny files to disk."""


def finish_batch(store, summaries: list[LoadSummary]) -> None:
    """After a batch is written, on an embedded or a remote store: compact what ``bulk_load``
    wrote, then recompute the alignments if any ledger changed."""
    store.compact()
    if any(summary.status != "unchanged" for summary in summaries):
        store.refresh_alignments()


def load_paths(
    store: LedgerStore,
    paths: list[str | os.PathLike],
    *,
    layout: str | None = None,
    overrides=None,
    keep_going: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    replace: bool = False,
) -> LoadReport:
    """Read the ledger files (folders are searched) and load them.

    Every file is read, whatever happens. Without ``keep_going`` nothing is written until all
    of them are read and built; if any is refused, nothing at all is written and
    ``BatchRefused`` (an ``InputError``) names every refused file and says how many were read.
    With ``keep_going`` the readable files are written — chunk by chunk as workers prepare
    them, so that the single writer overlaps the workers instead of waiting for them — and the
    refused ones are listed in the report (``skipped``, ``refused``). The store is compacted and
    alignments refreshed once, at the end. Large batches are read and built on every core
    (``workers``, default: all of them).

    A file that would replace a ledger already in the store with a reading that has lost a
    quarter of its tasks or more (a page saved only in part, a different export of the same
    document) is refused, naming both counts, unless ``replace`` says to replace it anyway."""
    from .loaders import ledger_files

    files = ledger_files(list(paths))
    if not files:
        raise StoreError("no ledger files found in " + ", ".join(map(str, paths)),
                         message_zh="未找到台账文件")
    jobs = [_Job(path=path, layout=layout, overrides=overrides) for path in files]
    workers = workers or os.cpu_count() or 1
    prepared, summaries, skipped, refused = [], [], [], []
    buffered = read = 0
    results = _run_jobs(jobs, workers=workers if len(jobs) >= PARALLEL_FROM else 1)
    stored = {} if replace else {info.graph: info.task_count for info in store.ledgers()}
    for job, result in zip(jobs, results):
        if not isinstance(result, ZwgkError) and _shrinks(result, stored):
            result = _shrink_error(result, stored[result.graph], path=job.path)
        if isinstance(result, ZwgkError):
            skipped.append(result)
            refused.append(Refusal.from_error(result, file=job.path))
            if not keep_going:
                prepared.clear()  # nothing of this batch will be written: read on, keep nothing
        else:
            read += 1
            if keep_going or not refused:
                prepared.append(result)
                buffered += result.triples
                if keep_going and buffered >= BULK_TRIPLES:
                    summaries.extend(store.load_prepared(prepared, refresh=False))
                    prepared, buffered = [], 0
        if progress is not None:
            progress(1)
    if refused and not keep_going:
        raise BatchRefused(refused, read=read)
    summaries.extend(store.load_prepared(prepared, refresh=False))
    finish_batch(store, summaries)
    return LoadReport(summaries=summaries, skipped=skipped, refused=refused, read=read)


SHRINK = 0.75
"""A new reading with fewer than this share of the stored ledger's tasks is not a correction."""


def _shrinks(ledger: PreparedLedger, stored: dict[str, int]) -> bool:
    before = stored.get(ledger.graph)
    return before is not None and ledger.summary.tasks < SHRINK * before


def _shrink_error(ledger: PreparedLedger, before: int, *, path: os.PathLike) -> InputError:
    after = ledger.summary.tasks
    return InputError(
        f"this reading has {after} tasks where the ledger {ledger.summary.id} in the store has {before}: "
        "it would lose most of the ledger, so it was not loaded (use --replace to replace it anyway)",
        path=path, line=None,
        message_zh=f"本次读取仅有 {after} 项任务，库中同一台账 {ledger.summary.id} 有 {before} 项；"
                   "为免丢失数据未予加载（确需替换请加 --replace）",
    )


def _run_jobs(jobs: list[_Job], *, workers: int) -> Iterator[PreparedLedger | ZwgkError]:
    if workers <= 1:
        yield from map(_prepare_job, jobs)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=workers) as pool:
        yield from pool.imap(_prepare_job, jobs, chunksize=4)


def acquire_lock(location: str | os.PathLike, *, purpose: str, wait: float = 0.0) -> Callable[[], None]:
    """Take zwgk's exclusive lock on a store folder and return the function that releases it.

    RocksDB's own lock does not see read-only openers such as ``oxigraph serve-read-only``, so
    zwgk keeps its own: ``zwgk serve`` and every writer hold it. The holder's purpose and pid are
    written into the lock file so that the refusal can say who holds it."""
    import fcntl

    path = Path(location)
    path.mkdir(parents=True, exist_ok=True)
    handle = open(path / LOCK_NAME, "a+", encoding="utf-8")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() >= deadline:
                holder = _lock_holder(handle)
                handle.close()
                raise StoreError(
                    f"the store at {path} is in use by {holder}; wait for it to finish"
                    + (" or stop the server" if "serve" in holder else "")
                    + " (or use --wait SECONDS), then try again",
                    message_zh=f"{path} 处的数据库正被占用（{holder}），请稍后再试",
                ) from None
            time.sleep(0.1)
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "purpose": purpose}))
    handle.flush()

    def release() -> None:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    return release


def _lock_holder(handle) -> str:
    try:
        handle.seek(0)
        info = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        info = {}
    purpose = {"serve": "zwgk serve", "load": "another zwgk process writing to it"}.get(
        info.get("purpose", ""), "another zwgk process"
    )
    return f"{purpose} (pid {info['pid']})" if "pid" in info else purpose


@contextmanager
def locked(location: str | os.PathLike, *, purpose: str, wait: float = 0.0) -> Iterator[None]:
    """``acquire_lock`` as a context manager (``zwgk serve`` holds it while the server runs)."""
    release = acquire_lock(location, purpose=purpose, wait=wait)
    try:
        yield
    finally:
        release()
