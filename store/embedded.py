"""The embedded store: an on-disk pyoxigraph store, one named graph per ledger and one for the
ontology.

pyoxigraph has no multi-step transaction, but each ``load``, ``bulk_load`` and ``update`` call
is atomic: new ledgers are written a chunk at a time by one such call, and a ledger is replaced
by a single ``DROP GRAPH …; INSERT DATA {…}`` request, so a failed or killed load leaves the
previous version of each ledger, never half of it. All files of a batch are read and built
before the first write, so a bad file stops the batch with the store unchanged — and every file
is read, so that the refusal names all the bad ones at once.

What one call cannot hold — a ledger of millions of triples, written in several ``bulk_load``
calls to bound memory — is covered by a journal (``JOURNAL``) written before the first call and
cleared after the last: a writer that opens the store and finds it names the ledgers a killed
load had begun and removes them, so no ledger is ever left in part. The journal also says that
a batch has begun and not yet brought its alignments and rollups up to date
(``Interrupted.unsettled``), so that the next batch refreshes them whole."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import StoreError, os_errno, store_os_error
from ..ontology.iris import ONTOLOGY_GRAPH
from ..ontology.iris import ledger as ledger_iri
from .base import (
    GraphDigest,
    Interrupted,
    LedgerInfo,
    LoadSummary,
    PreparedLedger,
    TaskChanges,
    internal_query,
    ledger_infos,
    named_ledgers_query,
    ontology_graph,
    select_ledgers,
)
from .lock import acquire_lock, held

DEFAULT_LOCATION = "zwgk-data"
ENV_STORE = "ZWGK_STORE"

BULK_TRIPLES = 250_000
"""New ledgers are written in chunks of about this many triples (a few MB of N-Quads)."""
BULK_FROM = 20_000
"""Chunks from this size on go through ``bulk_load``; below it a transactional ``load`` avoids
writing many tiny files to disk."""
BULK_FILES = "bulk-*.sst"
"""The name of the files Oxigraph's bulk loader writes into the store folder before moving
them into RocksDB (``rocksdb_wrapper.rs``: ``bulk-{random}.sst``). One that a full disk cut
short stays behind, unread, taking the space that was missing; a failed load removes it."""
JOURNAL = "zwgk-journal.json"
"""The journal of a batch in progress, in the store folder: ``{"partial": [{"id", "graph"}…]}``,
the ledgers being written in several calls (empty between them). Present from a batch's first
write until ``settle``."""


def store_location(option: str | os.PathLike[str] | None = None) -> Path:
    """``--store``, else ``ZWGK_STORE``, else ``./zwgk-data``."""
    return Path(option or os.environ.get(ENV_STORE) or DEFAULT_LOCATION)


class LedgerStore:
    """A zwgk store on disk. Use ``LedgerStore.open``; close it (or use ``with``) when done."""

    def __init__(self, store: Any, *, location: Path, read_only: bool) -> None:
        self._store = store
        self.location = location
        self.read_only = read_only
        self._bulk_loaded = False
        self._release: Callable[[], None] | None = None
        self._interrupted: Interrupted | None = None
        self._journaled = False
        self._partial: list[PreparedLedger] = []

    @classmethod
    def open(
        cls, location: str | os.PathLike[str] | None = None, *, read_only: bool = False, wait: float = 0.0
    ) -> LedgerStore:
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
    def _open(cls, path: Path, *, read_only: bool, release: Callable[[], None] | None) -> LedgerStore:
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
            raise store_os_error(exc, location=path, doing="open the store", doing_zh="打开数据库") from None
        opened = cls(store, location=path, read_only=read_only)
        opened._release = release
        try:
            opened._recover()
            if not read_only:
                opened.ensure_ontology()
        except BaseException:
            opened._close(quiet=True)
            raise
        return opened

    def _recover(self) -> None:
        """Read the journal a stopped batch left (``JOURNAL``); as a writer, remove the ledgers
        it had begun and not finished, so that none stays in part."""
        entry = _read_journal(self.location)
        if entry is None or (self.read_only and held(self.location)):
            return  # nothing was stopped, or the journal is a batch under way in a writer
        listed = entry.get("partial")
        partial = [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []
        ids = tuple(str(item.get("id", "")) for item in partial)
        if partial and not self.read_only:
            graphs = [str(item["graph"]) for item in partial if "graph" in item]
            try:
                self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
                self._write_journal(partial=[])
            except OSError as exc:
                raise self._os_error(
                    exc, doing="remove a ledger an earlier load left in part", doing_zh="移除上次加载未写完的台账"
                ) from None
        self._journaled = True
        self._interrupted = Interrupted(ledgers=ids, removed=bool(ids) and not self.read_only, unsettled=True)

    @property
    def interrupted(self) -> Interrupted | None:
        return self._interrupted

    def settle(self) -> None:
        """Remove the journal: the batch and its derived data are complete (and so is whatever
        an earlier, stopped batch had left: ``interrupted`` is None from here on)."""
        if self.read_only or not self._journaled:
            return
        try:
            (self.location / JOURNAL).unlink(missing_ok=True)
            _sync_folder(self.location)
        except OSError as exc:
            raise self._os_error(exc, doing="finish the load", doing_zh="完成加载") from None
        self._journaled = False
        self._interrupted = None

    def _write_journal(self, *, partial: list[PreparedLedger]) -> None:
        """Write the journal whole (a new file renamed over the old, synced), before the write
        it announces."""
        items = [{"id": ledger.summary.id, "graph": ledger.graph} for ledger in partial]
        path = self.location / JOURNAL
        fresh = path.with_name(JOURNAL + ".new")
        with open(fresh, "w", encoding="utf-8") as handle:
            json.dump({"partial": items}, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(fresh, path)
        _sync_folder(self.location)
        self._journaled = True

    def _begin(self) -> None:
        """Before a batch's first write: the journal says a batch is under way."""
        if not self._journaled:
            self._write_journal(partial=[])

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self._close(quiet=exc_type is not None)

    def close(self) -> None:
        self._close(quiet=False)

    def _close(self, *, quiet: bool) -> None:
        """Flush and release the lock. A flush that fails (a full disk) is reported unless
        another error is already on its way out (``quiet``): one message, not two."""
        if not hasattr(self, "_store"):
            return
        failed: OSError | None = None
        try:
            if not self.read_only:
                self._store.flush()
        except OSError as exc:
            failed = exc
        finally:
            del self._store
            release = getattr(self, "_release", None)
            if release is not None:
                self._release = None
                release()
        if failed is not None and not quiet:
            raise self._os_error(failed, doing="write to the store", doing_zh="写入数据库")

    def _os_error(self, exc: OSError, *, doing: str, doing_zh: str, unchanged: bool = True) -> StoreError:
        return store_os_error(exc, location=self.location, doing=doing, doing_zh=doing_zh, unchanged=unchanged)

    @property
    def raw(self) -> Any:
        """The underlying ``pyoxigraph.Store``, for code that needs its full API."""
        return self._store

    @property
    def local(self) -> Any:
        """The ``pyoxigraph.Store`` itself: engines may run inside it."""
        return self._store

    @property
    def realigns_on_change(self) -> bool:
        return True

    # Writing -----------------------------------------------------------------------------

    def ensure_ontology(self) -> None:
        """Keep the ontology graph equal to the packaged ontology (replaced in one update when
        the package's version differs)."""
        from pyoxigraph import Literal, NamedNode, Quad

        ontology = ontology_graph()
        graph = NamedNode(ONTOLOGY_GRAPH)
        marker = Quad(graph, NamedNode("http://purl.org/dc/terms/identifier"), Literal(ontology.marker), graph)
        if marker in self._store:
            return
        body = "\n".join((*ontology.lines, ontology.marker_triple))
        try:
            self._store.update(
                f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}> ;\nINSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{\n{body}\n}} }}"
            )
        except OSError as exc:
            raise self._os_error(exc, doing="write the ontology to the store", doing_zh="写入本体") from None

    def load_prepared(self, prepared: list[PreparedLedger]) -> list[LoadSummary]:
        """Write prepared ledgers, each atomically up to ``BULK_TRIPLES`` triples. Ledgers new
        to the store are written in chunks of about ``BULK_TRIPLES`` triples by one
        ``bulk_load`` call each (atomic, and about twice as fast per triple as a transactional
        load); a ledger already in the store is compared (by digests, ``GraphDigest``) and, when
        it differs, replaced by one ``DROP + INSERT DATA`` update. A ledger larger than a chunk
        (a 200,000-row sheet is millions of triples) is written in chunks of its own, named in
        the journal meanwhile, and replaced by dropping it first: a load stopped in the middle of
        it removes what it wrote of it (a kill: the next writer to open the store does), so the
        ledger is absent — its previous version gone — until its file is loaded again.
        Compaction and alignments are the caller's (``zwgk.pipeline`` runs them once per batch,
        then ``settle``).

        A write that fails for the system's reasons (a full disk, a file size limit, a folder
        that became read-only) raises one ``StoreError`` (``DiskFull`` for space): the files
        the failed ``bulk_load`` had begun are removed, and the ledgers this call had already
        added as new are dropped again, so that the store holds what it held before the call
        (a ledger it replaced cannot be put back, and the message then says to run the load
        again, which completes it since loads are idempotent)."""
        written: list[tuple[str, bool]] = []
        bulk_files = self._bulk_files()
        journaled = self._journaled
        try:
            return self._load_prepared(prepared, written=written)
        except BaseException as exc:
            # Whatever stopped the write (a full disk, Ctrl-C while ``bulk_load`` read its
            # stream), what it had begun to write beside the store is never read again.
            for leftover in self._bulk_files() - bulk_files:
                with suppress(OSError):
                    leftover.unlink()
            if not isinstance(exc, OSError):
                # Ctrl-C or a signal in the middle of a ledger written in several calls: its
                # first calls are taken back now (a kill leaves that to the next writer).
                self._take_back_partial()
                raise
            # Only the graphs the failed call had begun are dropped: dropping one that is not
            # there writes to the disk too, and the disk may be the one that is full.
            fresh = list(dict.fromkeys(graph for graph, new in written if new))
            added = [graph for graph in fresh if self._holds(graph)]
            replaced = {graph for graph, new in written if not new} - set(fresh)
            undone = self._drop_quietly(added)
            self._take_back_partial()
            if undone and not replaced and not journaled and not self._partial:
                with suppress(StoreError):
                    self.settle()  # the store is as it was, with nothing left to refresh
            raise self._os_error(
                exc,
                doing=f"write {len(prepared)} ledger(s) to the store",
                doing_zh=f"写入 {len(prepared)} 份台账",
                unchanged=undone and not replaced,
            ) from None

    def _holds(self, graph: str) -> bool:
        from pyoxigraph import NamedNode

        try:
            return bool(self._store.contains_named_graph(NamedNode(graph)))
        except OSError:
            return True

    def _bulk_files(self) -> set[Path]:
        """The files a ``bulk_load`` writes beside the store before moving them in (``bulk-N.sst``):
        one left by a failed bulk load is never read, only taking space."""
        try:
            return set(Path(self.location).glob(BULK_FILES))
        except OSError:
            return set()

    def _drop_quietly(self, graphs: list[str]) -> bool:
        """Drop graphs written by a call that then failed; False if that failed too."""
        if not graphs:
            return True
        try:
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
        except OSError:
            return False
        return True

    def _take_back_partial(self) -> None:
        """Drop the ledgers the journal names as being written in several calls, and say so in
        the journal; left to the next writer if that fails too."""
        if self._partial and self._drop_quietly([ledger.graph for ledger in self._partial]):
            with suppress(OSError):
                self._write_journal(partial=[])
                self._partial = []

    def _load_prepared(self, prepared: list[PreparedLedger], *, written: list[tuple[str, bool]]) -> list[LoadSummary]:
        """``load_prepared``'s work; ``written`` collects each graph written, with whether it
        was new to the store."""
        from pyoxigraph import NamedNode

        statuses: dict[int, str] = {}
        chunk: list[int] = []
        chunk_graphs: set[str] = set()
        chunk_size = 0

        def flush() -> None:
            nonlocal chunk_size
            if chunk:
                self._begin()
                # Named before the write: a write that fails half-way is taken back whole.
                written.extend((prepared[i].graph, True) for i in chunk)
                self._write_new([prepared[i] for i in chunk])
                statuses.update(dict.fromkeys(chunk, "new"))
            chunk.clear()
            chunk_graphs.clear()
            chunk_size = 0

        changes: dict[int, TaskChanges | None] = {}
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
            status, changes[index] = self._status(ledger)
            if status != "unchanged":
                self._begin()
            if status != "unchanged" and ledger.triples > BULK_TRIPLES:
                # Too big for one update in bounded memory: dropped, then written as a new one.
                written.append((ledger.graph, False))
                self._store.update(f"DROP SILENT GRAPH <{ledger.graph}>")
                self._write_new([ledger])
            elif status != "unchanged":
                self._store.update(
                    f"DROP SILENT GRAPH <{ledger.graph}> ;\n"
                    f"INSERT DATA {{ GRAPH <{ledger.graph}> {{\n" + "\n".join(ledger.lines()) + "\n} }"
                )
                written.append((ledger.graph, False))
            statuses[index] = status
        flush()
        return [
            replace(ledger.summary, status=statuses[i], changes=changes.get(i)) for i, ledger in enumerate(prepared)
        ]

    def _write_new(self, ledgers: list[PreparedLedger]) -> None:
        """Ledgers whose graphs the store does not hold: small batches by one transactional
        ``load``, large ones by ``bulk_load`` (which writes sorted files directly), reading the
        N-Quads from a stream made as it reads (``_NQuads``) so that a ledger of millions of
        triples is never one string. Oxigraph's bulk loader keeps what one call gives it in
        memory in batches of a million triples (a 200,000-row sheet in one call peaked at 2 GB,
        in calls of ``BULK_TRIPLES`` at 0.7 GB): a ledger larger than ``BULK_TRIPLES`` is given
        to it in calls of that size, each atomic, so that memory stays bounded. Those ledgers
        are named in the journal (``JOURNAL``) for as long as the calls last, so that a load
        killed between two of them leaves no ledger in part once the store is opened again."""
        from pyoxigraph import RdfFormat

        if sum(ledger.triples for ledger in ledgers) < BULK_FROM:
            self._store.load(b"".join(block for block, _ in _nquads(ledgers)), format=RdfFormat.N_QUADS)
            return
        several = sum(ledger.triples for ledger in ledgers) > BULK_TRIPLES
        if several:
            # More than one call: until the last, a kill would leave these ledgers in part.
            self._write_journal(partial=ledgers)
            self._partial = list(ledgers)
        blocks = _Blocks(_nquads(ledgers))
        while blocks.more():
            self._store.bulk_load(io.BufferedReader(_NQuads(blocks, lines=BULK_TRIPLES)), format=RdfFormat.N_QUADS)
            self._bulk_loaded = True
        if several:
            self._write_journal(partial=[])
            self._partial = []

    def compact(self) -> None:
        """After a batch written by ``bulk_load``, merge its files (``Store.optimize``).
        ``bulk_load`` writes sorted files straight into RocksDB's first level and nothing
        compacts them while the store is closed or read-only, so every later query seeks
        through all of them: on 300 synthetic ledgers compaction took 1.9 s and halved every
        saved query's time (bench/README.md)."""
        if self._bulk_loaded:
            try:
                self._store.optimize()
            except OSError as exc:
                raise self._os_error(
                    exc,
                    doing="compact the store (the ledgers themselves were written)",
                    doing_zh="整理数据库文件（台账本身已写入）",
                    unchanged=False,
                ) from None
            self._bulk_loaded = False

    def _status(self, ledger: PreparedLedger) -> tuple[str, TaskChanges | None]:
        """``new``, ``unchanged`` or ``replaced`` (with what changed, task by task). Both
        versions are compared by their digests (``GraphDigest``), streamed from the store and
        from the prepared text: neither is held whole."""
        from pyoxigraph import NamedNode

        iri = ledger_iri(ledger.summary.id)
        stored = GraphDigest.of(
            (
                f"{q.subject} {q.predicate} {q.object} ."
                for q in self._store.quads_for_pattern(None, None, None, NamedNode(ledger.graph))
            ),
            ledger_iri=iri,
        )
        if not stored.lines:
            return "new", None
        new = GraphDigest.of(ledger.text_lines(), ledger_iri=iri)
        if stored.same(new):
            return "unchanged", None
        return "replaced", stored.changes_to(new)

    def remove(self, ledger_ids: list[str]) -> None:
        infos = self.resolve_ids(ledger_ids)
        try:
            self._begin()
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{info.graph}>" for info in infos))
        except OSError as exc:
            raise self._os_error(exc, doing="remove ledgers from the store", doing_zh="删除台账") from None

    # Reading -----------------------------------------------------------------------------

    def ledgers(self) -> list[LedgerInfo]:
        return ledger_infos(self._store.query(internal_query("ledgers")))

    def resolve_ids(self, ledger_ids: list[str] | None) -> list[LedgerInfo]:
        """The ledgers named (all when ``None``); an unknown id is an error."""
        named = named_ledgers_query(ledger_ids) if ledger_ids is not None else None
        infos = ledger_infos(self._store.query(named)) if named is not None else self.ledgers()
        return select_ledgers(infos, ledger_ids, location=self.location)

    def quads(self, *, ledger_ids: list[str] | None = None, include_ontology: bool = True) -> Iterator[Any]:
        from pyoxigraph import NamedNode

        graphs = [info.graph for info in self.resolve_ids(ledger_ids)]
        if include_ontology:
            graphs.insert(0, ONTOLOGY_GRAPH)
        for graph in graphs:
            yield from self._store.quads_for_pattern(None, None, None, NamedNode(graph))

    def query(self, sparql: str) -> Any:
        """Run a SPARQL query with every named graph visible as the default graph."""
        return self._store.query(sparql, use_default_graph_as_union=True)

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} was opened read-only", message_zh="数据库以只读方式打开")
        try:
            self._store.update(sparql)
        except OSError as exc:
            if os_errno(exc) is None:
                raise  # not the disk's: a SERVICE call, for the caller to name
            raise self._os_error(exc, doing="write to the store", doing_zh="写入数据库") from None

    def graph_names(self) -> list[str]:
        return sorted(str(graph.value) for graph in self._store.named_graphs())


def _nquads(ledgers: list[PreparedLedger]) -> Iterator[tuple[bytes, int]]:
    """The ledgers' N-Triples lines as N-Quads in their graphs, a block of whole lines at a time,
    with the number of lines in each."""
    for ledger in ledgers:
        graph = f"<{ledger.graph}> .\n".encode()
        for chunk in ledger.chunks():
            lines = [line[:-1] + graph for line in chunk if line]
            if lines:
                yield b"".join(lines), len(lines)


class _Blocks:
    """The blocks of ``_nquads``, one looked at ahead: whether another ``bulk_load`` call is due."""

    def __init__(self, blocks: Iterator[tuple[bytes, int]]) -> None:
        self._blocks = blocks
        self._head = next(blocks, None)

    def more(self) -> bool:
        return self._head is not None

    def take(self) -> tuple[bytes, int] | None:
        head = self._head
        if head is not None:
            self._head = next(self._blocks, None)
        return head


class _NQuads(io.RawIOBase):
    """Blocks of N-Quads as a binary file that ``bulk_load`` reads from, each made when the
    reader gets to it; the file ends after the block that brings it to ``lines`` lines (whole
    lines always) or when the blocks run out."""

    def __init__(self, blocks: _Blocks, *, lines: int) -> None:
        super().__init__()
        self._blocks = blocks
        self._lines = lines
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            if self._lines <= 0:
                return 0
            block = self._blocks.take()
            if block is None:
                return 0
            self._left = memoryview(block[0])
            self._lines -= block[1]
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def _read_journal(folder: Path) -> dict[str, Any] | None:
    """The journal a batch left in ``folder``, or None. One that cannot be read (cut off by a
    crash before its rename, which ``_write_journal`` rules out, or edited by hand) still says
    that a batch was stopped, with no ledger named."""
    try:
        text = (folder / JOURNAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        entry = json.loads(text)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}


def _sync_folder(folder: Path) -> None:
    """Make a rename or a removal in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
