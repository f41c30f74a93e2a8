"""The alignment index: every aligned task's word bag, the links each task chose, and the
clusters — what a load needs to align only its new tasks against the tasks already there.

Links. Each task *chooses* its best matches: at most ``per_ledger`` in each other ledger and
``max_links`` in all, best score first (ties go to the higher-level ledger, then by ledger id
and position, so that county tasks link to the province's template before their peers). A link
is stored when either task chose it, so the store never holds more than ``max_links`` links per
task however many ledgers copy the same template. With ``per_ledger`` 1 this is the rule zwgk
always had (a pair is kept when one task is the other's best match in that ledger), bounded.

Choosing is a greedy pick on a matroid (at most k per ledger, at most m in all), which is why
a load can be incremental and still give what a rebuild would: adding tasks, a task's new
choice is its old choice merged with the new candidates; removing tasks changes only the
choices of the tasks that had chosen a removed one, and those are chosen again. Scores use the
word weights of the time they are computed; ``zwgk align`` recomputes all of them.

Clusters. Tasks are placed one by one — the higher-level ledgers first, so that a province's
task founds the cluster its counties' copies join: a task joins the cluster whose
representative is its best match at ``cluster_score`` or more in another ledger, or founds a
cluster of its own. Every member is thus close to the representative (no chains of
ever-weaker likeness), and a cluster keeps its IRI, made from its representative's, while
members come and go. A cluster whose representative is removed is dissolved and its members
placed again."""

from __future__ import annotations

import gc
import heapq
import io
import os
import pickle
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..ontology import iris
from .neighbours import Bag, neighbours, tfidf_matrix

FORMAT = 2
"""Version of the index file's layout: another version is ignored (and the index rebuilt)."""
INDEX_FILE = "zwgk-align-index.pickle.z"
LOG_SUFFIX = ".log"
"""The log of changes beside the index (``zwgk-align-index.pickle.z.log``)."""
LOG_SHARE = 0.5
"""The log is folded into the index once it is this share of the index's size."""
LEGACY_INDEX_FILE = "zwgk-align-index.json.gz"
"""The file of the first layout, removed when the index is next written."""


@dataclass(frozen=True)
class Settings:
    """How alignments are made; kept with the index, so that later loads use what
    ``zwgk align`` was asked for."""

    min_score: float = 0.2
    per_ledger: int = 1
    """Links a task chooses in each other ledger (k)."""
    max_links: int = 4
    """Links a task chooses in all (the bound that keeps links linear in tasks): one in each
    of four other ledgers, which on the samples is every ledger, so nothing is lost there."""
    cluster_score: float = 0.5
    """Similarity to a cluster's representative needed to join it."""

    def __post_init__(self) -> None:
        if not 0 <= self.min_score <= 1 or not 0 <= self.cluster_score <= 1:
            raise ValueError("scores must be between 0 and 1")
        if self.per_ledger < 1 or self.max_links < 1:
            raise ValueError("per_ledger and max_links must be at least 1")


class IndexedTask(NamedTuple):
    """A task as the index keeps it (a named tuple: a national index holds 100,000s of them,
    made again from the file on every load)."""

    iri: str
    ledger: str
    position: int
    rank: int
    """Depth of the ledger's jurisdiction (国家 0 … 乡镇 4; unknown 5)."""
    text: str
    bag: Bag

    @property
    def order(self) -> tuple[int, str, int, str]:
        """Higher-level ledgers first, then ledger id and position."""
        return (self.rank, self.ledger, self.position, self.iri)


@dataclass(frozen=True)
class Link:
    source: str
    """The task of the lower-level ledger (zw:source); of the smaller ledger id at one level."""
    target: str
    score: float

    @property
    def iri(self) -> str:
        return f"{iris.ID}alignment/{iris.digest(self.source, self.target, length=16)}"


@dataclass(frozen=True)
class Cluster:
    representative: str
    members: tuple[str, ...]
    """Sorted task IRIs, the representative's included."""
    text: str
    """The representative's text."""
    ledgers: int
    """How many ledgers its members belong to."""

    @property
    def iri(self) -> str:
        return f"{iris.ID}cluster/{iris.digest(self.representative, length=16)}"


@dataclass(frozen=True)
class Update:
    """What one update changed: tasks aligned and removed, and the links and clusters that
    changed, as they were and as they are (a rebuild of an empty index: all of them, after).
    Only the clusters that span two ledgers or more are stored, so only those are listed."""

    aligned: int
    removed: int
    links_before: dict[str, Link]
    links_after: dict[str, Link]
    clusters_before: dict[str, Cluster]
    clusters_after: dict[str, Cluster]
    links: int = 0
    """How many links the index holds after the update."""
    clusters: int = 0
    """How many clusters of two ledgers or more it holds after the update."""


@dataclass
class AlignIndex:
    settings: Settings
    tasks: dict[str, IndexedTask] = field(default_factory=dict)
    chosen: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    """task → the links it chose, best first, with their scores."""
    cluster_of: dict[str, str] = field(default_factory=dict)
    """task → its cluster's representative."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """representative → the cluster's members."""
    link_count: int = 0
    """How many links the index holds (``len(links())``, kept as the index changes)."""
    cluster_count: int = 0
    """How many clusters span two ledgers or more (``len(clusters())``)."""
    ledgers: dict[str, str] = field(default_factory=dict)
    """The ledgers (IRI → sha256 of the file) the index was made from: a load that only adds
    ledgers to these reads just the added ones (``compare.align.refresh_alignments``)."""
    _change: _Change | None = field(default=None, repr=False)
    """What the last update changed, until it is saved."""
    _saved_ledgers: dict[str, str] = field(default_factory=dict, repr=False)
    """The ledgers as last read or saved (the log records the difference)."""

    # What is stored --------------------------------------------------------------------------

    def links(self) -> dict[str, Link]:
        """Every link some task chose, once, by its IRI."""
        out: dict[str, Link] = {}
        for iri, picks in self.chosen.items():
            a = self.tasks[iri]
            for other, score in picks:
                link = _oriented(a, self.tasks[other], score)
                # When both tasks chose each other, the source's score is the link's.
                if link.source == iri:
                    out[link.iri] = link
                else:
                    out.setdefault(link.iri, link)
        return out

    def clusters(self) -> dict[str, Cluster]:
        """The clusters worth storing (two ledgers or more), by IRI; a task alone is a cluster
        only in the index, ready for the copies a later load brings."""
        out = {}
        for rep, members in self.members.items():
            cluster = _cluster(rep, members, self.tasks)
            if cluster is not None:
                out[cluster.iri] = cluster
        return out

    # Updating ----------------------------------------------------------------------------------

    def update(
        self,
        *,
        added: Iterable[IndexedTask],
        removed: Iterable[str],
        progress: Callable[[int, int], None] | None = None,
        weights_from: Iterable[Bag] | None = None,
    ) -> Update:
        """Take ``removed`` tasks out and align ``added`` ones against all the others (a
        rebuild is an update of an empty index); ``progress`` hears (tasks done, tasks to do).
        Word weights are counted over the index's tasks, or over ``weights_from`` (the whole
        store, when only some ledgers are indexed to compare them)."""
        new = [t for t in added if t.iri not in self.tasks]
        gone = {iri for iri in removed if iri in self.tasks}
        # Tasks whose choice included a removed task choose again from scratch.
        again = (
            {iri for iri, picks in self.chosen.items() if iri not in gone and any(o in gone for o, _ in picks)}
            if gone
            else set()
        )
        # What the update may change, as it was: the choices of the tasks that choose again or
        # leave (and of those offered new tasks, below) and the clusters they touch. The links
        # and clusters that changed are found from these alone, not by listing the whole index
        # twice — which was most of a one-ledger load into a national store.
        was = _Before(picks={iri: list(self.chosen.get(iri, [])) for iri in gone | again})
        was.tasks.update((iri, self.tasks[iri]) for iri in gone)
        for iri in gone:
            rep = self.cluster_of.get(iri)
            if rep is not None:
                was.members.setdefault(rep, list(self.members.get(rep, [])))
        homeless = self._remove(gone)
        for task in new:
            self.tasks[task.iri] = task
        new_iris = {t.iri for t in new}

        bags: dict[Bag, int] = {}
        by_bag: list[list[IndexedTask]] = []
        for task in sorted(self.tasks.values(), key=lambda t: t.order):
            b = bags.setdefault(task.bag, len(bags))
            if b == len(by_bag):
                by_bag.append([])
            by_bag[b].append(task)
        df: Counter[str] = Counter()
        if weights_from is None:
            # Counted over tasks, copies included: each distinct bag counts as many times as
            # it has tasks (a national index has a fifth as many bags as tasks).
            for bag, b in bags.items():
                copies = len(by_bag[b])
                for word, _ in bag:
                    df[word] += copies
            n = len(self.tasks)
        else:
            counted = list(weights_from)
            for bag in counted:
                df.update(word for word, _ in bag)
            n = len(counted)
        matrix = tfidf_matrix(list(bags), df=df, n=n)

        settings = self.settings
        placing = {t.iri for t in new} | homeless
        asked = sorted({bags[self.tasks[iri].bag] for iri in new_iris | again | placing})
        total = sum(len(by_bag[b]) for b in asked)
        close: dict[int, list[tuple[int, float]]] = {}
        """bag → the bags at cluster_score or more (for placing tasks in clusters)."""
        offers: dict[str, list[tuple[str, float]]] = defaultdict(list)
        """task already aligned → new tasks it may now choose."""
        done = 0

        def tick(rows: list[int]) -> None:
            nonlocal done
            done += sum(len(by_bag[b]) for b in rows)
            if progress is not None:
                progress(done, total)

        if progress is not None:
            progress(0, total)
        floor = min(settings.min_score, settings.cluster_score)
        for found in neighbours(matrix, asked, min_score=floor, progress=tick):
            pairs = list(zip(found.others.tolist(), found.scores.tolist()))
            close[found.bag] = [(b, s) for b, s in pairs if s >= settings.cluster_score - 1e-12]
            linkable = [(b, s) for b, s in pairs if s >= settings.min_score - 1e-12]
            choosers = [t for t in by_bag[found.bag] if t.iri in new_iris or t.iri in again]
            if choosers:
                ranked = _Ranked(linkable, by_bag)
                for task in choosers:
                    self.chosen[task.iri] = self._choose(task, ranked)
            fresh = [t for t in by_bag[found.bag] if t.iri in new_iris] if len(new) < len(self.tasks) else []
            if fresh:
                for b, s in linkable:
                    for old in by_bag[b]:
                        if old.iri in new_iris or old.iri in again:
                            continue
                        offers[old.iri].extend((t.iri, s) for t in fresh if t.ledger != old.ledger)
        for iri, offered in offers.items():
            picks = self.chosen.get(iri, [])
            if not _may_change(picks, offered, self.tasks, settings=settings):
                continue
            was.picks.setdefault(iri, list(picks))
            merged = _ranked_tasks([*picks, *offered], self.tasks)
            self.chosen[iri] = self._choose(self.tasks[iri], merged)
        for iri in new_iris:
            was.picks.setdefault(iri, [])
        self._place(sorted(placing, key=lambda i: self.tasks[i].order), close=close, bags=bags, by_bag=by_bag, was=was)
        previous = self._change
        self._change = _Change(
            added=new_iris | (previous.added if previous else set()),
            removed=gone | (previous.removed if previous else set()),
            chosen=set(was.picks) | (previous.chosen if previous else set()),
            members=set(was.members) | (previous.members if previous else set()),
        )
        return self._changes(was, aligned=len(new), removed=len(gone))

    def _changes(self, was: _Before, *, aligned: int, removed: int) -> Update:
        """The links and clusters that differ from what ``was`` recorded, and the new totals."""
        links_before: dict[str, Link] = {}
        links_after: dict[str, Link] = {}
        pairs: set[tuple[str, str]] = set()
        for iri, old_picks in was.picks.items():
            for other, _ in (*old_picks, *self.chosen.get(iri, [])):
                pairs.add((iri, other) if iri < other else (other, iri))

        def task(iri: str) -> IndexedTask:
            found = self.tasks.get(iri)
            return found if found is not None else was.tasks[iri]

        def before(iri: str) -> list[tuple[str, float]]:
            old = was.picks.get(iri)
            return old if old is not None else self.chosen.get(iri, [])

        for a, b in pairs:
            old_link = _link(task(a), task(b), before(a), before(b))
            new_link = _link(task(a), task(b), self.chosen.get(a, []), self.chosen.get(b, []))
            if old_link != new_link:
                if old_link is not None:
                    links_before[old_link.iri] = old_link
                if new_link is not None:
                    links_after[new_link.iri] = new_link
        self.link_count += len(links_after.keys() - links_before.keys()) - len(links_before.keys() - links_after.keys())
        clusters_before: dict[str, Cluster] = {}
        clusters_after: dict[str, Cluster] = {}
        for rep, old_members in was.members.items():
            old_cluster = _cluster(rep, old_members, self.tasks, gone=was.tasks) if old_members else None
            new_cluster = _cluster(rep, self.members.get(rep, []), self.tasks)
            if old_cluster != new_cluster:
                if old_cluster is not None:
                    clusters_before[old_cluster.iri] = old_cluster
                if new_cluster is not None:
                    clusters_after[new_cluster.iri] = new_cluster
        self.cluster_count += len(clusters_after.keys() - clusters_before.keys()) - len(
            clusters_before.keys() - clusters_after.keys()
        )
        return Update(
            aligned=aligned,
            removed=removed,
            links_before=links_before,
            links_after=links_after,
            clusters_before=clusters_before,
            clusters_after=clusters_after,
            links=self.link_count,
            clusters=self.cluster_count,
        )

    def _remove(self, gone: set[str]) -> set[str]:
        """Drop tasks, their choices and memberships; the members of dissolved clusters, to be
        placed again."""
        homeless: set[str] = set()
        for iri in gone:
            self.tasks.pop(iri)
            self.chosen.pop(iri, None)
            rep = self.cluster_of.pop(iri, None)
            if rep is None:
                continue
            if rep == iri:
                homeless.update(self.members.pop(rep, []))
            elif rep in self.members:
                self.members[rep].remove(iri)
        homeless -= gone
        for iri in homeless:
            self.cluster_of.pop(iri, None)
        for iri in list(self.chosen):
            if any(o in gone for o, _ in self.chosen[iri]):
                self.chosen[iri] = [(o, s) for o, s in self.chosen[iri] if o not in gone]
        return homeless

    def _choose(self, task: IndexedTask, ranked: Iterable[tuple[IndexedTask, float]]) -> list[tuple[str, float]]:
        """The greedy pick: best first, at most ``per_ledger`` per other ledger and
        ``max_links`` in all."""
        per: Counter[str] = Counter()
        out: list[tuple[str, float]] = []
        for other, score in ranked:
            if other.ledger == task.ledger or per[other.ledger] >= self.settings.per_ledger:
                continue
            per[other.ledger] += 1
            out.append((other.iri, round(score, 4)))
            if len(out) >= self.settings.max_links:
                break
        return out

    def _place(
        self,
        order: list[str],
        *,
        close: dict[int, list[tuple[int, float]]],
        bags: dict[Bag, int],
        by_bag: list[list[IndexedTask]],
        was: _Before,
    ) -> None:
        reps: dict[int, list[str]] = defaultdict(list)
        for rep in self.members:
            reps[bags[self.tasks[rep].bag]].append(rep)
        for iri in order:
            task = self.tasks[iri]
            best: tuple[float, tuple[int, str, int, str], str] | None = None
            for b, score in close.get(bags[task.bag], []):
                for rep in reps.get(b, []):
                    other = self.tasks[rep]
                    if other.ledger == task.ledger:
                        continue
                    key = (-round(score, 9), other.order, rep)
                    if best is None or key < best:
                        best = key
            if best is None:
                was.members.setdefault(iri, list(self.members.get(iri, [])))
                self.members[iri] = [iri]
                self.cluster_of[iri] = iri
                reps[bags[task.bag]].append(iri)
            else:
                was.members.setdefault(best[2], list(self.members[best[2]]))
                self.members[best[2]].append(iri)
                self.cluster_of[iri] = best[2]

    # The file ----------------------------------------------------------------------------------

    def save(self, path: Path, *, revision: str, previous: str | None = None) -> None:
        """Write the index. After an update of the index read at revision ``previous``, what
        the update changed is appended to the log beside the index (``LOG_SUFFIX``): a
        one-ledger load into a national store writes kilobytes instead of the whole index.
        Otherwise, or once the log has grown to ``LOG_SHARE`` of the index, the whole index is
        written again — atomically, a temporary file and a rename — and the log emptied.
        Pickled plain data (tuples, lists, strings, numbers), compressed: at 3,000 ledgers the
        JSON this once was took 14 s to write and 8 s to read back; ``read`` refuses anything
        but plain data."""
        log = _log_path(path)
        change = self._change
        self._change = None
        if previous is not None and change is not None and path.exists():
            size = log.stat().st_size if log.exists() else 0
            if size < LOG_SHARE * path.stat().st_size:
                record = zlib.compress(pickle.dumps(self._record(change, previous, revision), protocol=5), 1)
                with log.open("ab") as out:
                    out.write(len(record).to_bytes(8, "big") + record)
                self._saved_ledgers = dict(self.ledgers)
                return
        with paused_gc():
            order = sorted(self.tasks)
            number = {iri: k for k, iri in enumerate(order)}
            tasks = [self.tasks[iri] for iri in order]
        document = {
            "format": FORMAT,
            "revision": revision,
            "settings": dict(self.settings.__dict__),
            "links": self.link_count,
            "stored_clusters": self.cluster_count,
            "ledgers": self.ledgers,
            "tasks": _shared_rows(tasks),
            "chosen": [[(number[o], s) for o, s in self.chosen.get(t.iri, ())] for t in tasks],
            "clusters": [(number[rep], [number[m] for m in members]) for rep, members in sorted(self.members.items())],
        }
        partial = path.with_name(path.name + ".partial")
        with paused_gc():
            data = zlib.compress(pickle.dumps(document, protocol=5), 1)
        partial.write_bytes(data)
        log.unlink(missing_ok=True)
        os.replace(partial, path)
        path.with_name(LEGACY_INDEX_FILE).unlink(missing_ok=True)
        self._saved_ledgers = dict(self.ledgers)

    def _record(self, change: _Change, previous: str, revision: str) -> dict[str, Any]:
        """One entry of the log: the state it applies to and the one it makes, and every task,
        choice and cluster the update changed, as they are now (None: gone)."""
        before = self._saved_ledgers
        return {
            "from": previous,
            "to": revision,
            "removed": sorted(change.removed),
            "added": _shared_rows([self.tasks[iri] for iri in sorted(change.added) if iri in self.tasks]),
            "chosen": [(iri, self.chosen.get(iri)) for iri in sorted(change.chosen)],
            "members": [(rep, self.members.get(rep)) for rep in sorted(change.members)],
            "links": self.link_count,
            "stored_clusters": self.cluster_count,
            "ledgers": {k: v for k, v in self.ledgers.items() if before.get(k) != v},
            "ledgers_gone": sorted(before.keys() - self.ledgers.keys()),
        }

    def _replay(self, record: dict[str, Any]) -> None:
        for iri in record["removed"]:
            self.tasks.pop(iri, None)
            self.chosen.pop(iri, None)
            self.cluster_of.pop(iri, None)
        for task in map(IndexedTask._make, record["added"]):
            self.tasks[task.iri] = task
        for iri, picks in record["chosen"]:
            if picks is None:
                self.chosen.pop(iri, None)
            else:
                self.chosen[iri] = [(other, score) for other, score in picks]
        changed = record["members"]
        for rep, _ in changed:
            for member in self.members.get(rep, ()):
                if self.cluster_of.get(member) == rep:
                    del self.cluster_of[member]
        for rep, members in changed:
            if members is None:
                self.members.pop(rep, None)
                continue
            self.members[rep] = list(members)
            for member in members:
                self.cluster_of[member] = rep
        self.link_count, self.cluster_count = record["links"], record["stored_clusters"]
        self.ledgers.update(record["ledgers"])
        for ledger in record["ledgers_gone"]:
            self.ledgers.pop(ledger, None)

    @classmethod
    def read(cls, path: Path, *, revision: str) -> AlignIndex | None:
        """The index saved at ``path`` with its log replayed, if that is the index of
        ``revision``; else None (missing, damaged, of another layout or another state of the
        store)."""
        with paused_gc():
            try:
                document = _PlainData(io.BytesIO(zlib.decompress(path.read_bytes()))).load()
                if document.get("format") != FORMAT:
                    return None
                index = cls(
                    settings=Settings(**document["settings"]),
                    link_count=document["links"],
                    cluster_count=document["stored_clusters"],
                    ledgers=document["ledgers"],
                )
                tasks = list(map(IndexedTask._make, document["tasks"]))
                index.tasks = {t.iri: t for t in tasks}
                index.chosen = {
                    t.iri: [(tasks[o].iri, s) for o, s in picks] for t, picks in zip(tasks, document["chosen"])
                }
                for rep, members in document["clusters"]:
                    index.members[tasks[rep].iri] = [tasks[m].iri for m in members]
                    for m in members:
                        index.cluster_of[tasks[m].iri] = tasks[rep].iri
                at = document["revision"]
                for record in _log_records(_log_path(path)):
                    if record["from"] != at:
                        break
                    index._replay(record)
                    at = record["to"]
            except (
                OSError,
                ValueError,
                KeyError,
                TypeError,
                IndexError,
                EOFError,
                AttributeError,
                pickle.UnpicklingError,
                zlib.error,
            ):
                return None
            if at != revision:
                return None
            index._saved_ledgers = dict(index.ledgers)
            return index


def _log_path(path: Path) -> Path:
    return path.with_name(path.name + LOG_SUFFIX)


def _log_records(log: Path) -> Iterator[dict[str, Any]]:
    """The log's entries in order, up to the first that is cut off (a write interrupted: the
    revision it would have reached is then not reached, and the index is rebuilt)."""
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return
    at = 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 8], "big")
        if at + 8 + size > len(data):
            return
        yield _PlainData(io.BytesIO(zlib.decompress(data[at + 8 : at + 8 + size]))).load()
        at += 8 + size


@dataclass
class _Change:
    """What an update changed in the index, for the log: tasks added and removed, tasks whose
    choice changed, representatives whose members changed."""

    added: set[str]
    removed: set[str]
    chosen: set[str]
    members: set[str]


def _shared_rows(tasks: list[IndexedTask]) -> list[tuple[str, str, int, int, str, Bag]]:
    """The tasks as rows in which equal ledger ids, texts, bags and words are one object each:
    pickle writes an object it has seen as a reference, so the copies of a template's tasks
    cost a few bytes each in the file, and once read they share their strings in memory."""
    strings: dict[str, str] = {}
    bags: dict[Bag, Bag] = {}
    by_id: dict[int, Bag] = {}
    """Bags read from an index are shared already: found by identity, they are not hashed again
    (a tuple's hash is computed anew on every lookup)."""

    def bag_of(bag: Bag) -> Bag:
        shared = by_id.get(id(bag))
        if shared is None:
            shared = bags.get(bag)
            if shared is None:
                shared = bags[bag] = tuple((strings.setdefault(word, word), count) for word, count in bag)
            by_id[id(bag)] = shared
        return shared

    return [
        (
            t.iri,
            strings.setdefault(t.ledger, t.ledger),
            t.position,
            t.rank,
            strings.setdefault(t.text, t.text),
            bag_of(t.bag),
        )
        for t in tasks
    ]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector paused while an index of national size is read, updated or
    written: it makes millions of small tuples that hold no cycles, and the collector's repeated
    passes over them took a third of the time (measured at 3,000 ledgers)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _PlainData(pickle.Unpickler):
    """Reads pickled plain data only: any class or function named in the file is refused, so a
    damaged or planted index cannot make the reader build objects or run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an alignment index")


@dataclass
class _Before:
    """What an update found before changing it (see ``AlignIndex.update``)."""

    picks: dict[str, list[tuple[str, float]]]
    """task → its choice before the update ([] for a new task)."""
    tasks: dict[str, IndexedTask] = field(default_factory=dict)
    """The removed tasks, which links and clusters of before still name."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """representative → its members before the update ([] for a cluster that did not exist)."""


def _link(
    a: IndexedTask, b: IndexedTask, picks_a: list[tuple[str, float]], picks_b: list[tuple[str, float]]
) -> Link | None:
    """The link between two tasks given their choices, as ``links`` makes it: stored when either
    chose the other, with the source's score when the source chose."""
    score_a = next((score for other, score in picks_a if other == b.iri), None)
    score_b = next((score for other, score in picks_b if other == a.iri), None)
    if score_a is None and score_b is None:
        return None
    link = _oriented(a, b, 0.0)
    source_score, target_score = (score_a, score_b) if link.source == a.iri else (score_b, score_a)
    score = source_score if source_score is not None else target_score
    assert score is not None
    return Link(source=link.source, target=link.target, score=score)


def _cluster(
    rep: str, members: list[str], tasks: dict[str, IndexedTask], *, gone: dict[str, IndexedTask] | None = None
) -> Cluster | None:
    """A cluster as stored, or None when its members are all of one ledger."""

    def task(iri: str) -> IndexedTask:
        found = tasks.get(iri)
        if found is None and gone is not None:
            found = gone.get(iri)
        assert found is not None, "a cluster's members are in the index or among the removed tasks"
        return found

    ledgers = len({task(m).ledger for m in members})
    if ledgers < 2:
        return None
    return Cluster(representative=rep, members=tuple(sorted(members)), text=task(rep).text, ledgers=ledgers)


def _may_change(
    picks: list[tuple[str, float]],
    offered: list[tuple[str, float]],
    tasks: dict[str, IndexedTask],
    *,
    settings: Settings,
) -> bool:
    """Whether new tasks offered to a task can enter its choice. A task that has chosen its
    ``max_links`` links keeps them when every offer ranks after its weakest pick (a template's
    text copied by every county of a province is offered to every earlier copy, each of which
    has chosen its links already)."""
    if len(picks) < settings.max_links:
        return True
    weakest_iri, weakest = picks[-1]
    floor = (-round(weakest, 9), tasks[weakest_iri].order)
    return any((-round(score, 9), tasks[iri].order) < floor for iri, score in offered)


def _oriented(a: IndexedTask, b: IndexedTask, score: float) -> Link:
    """zw:source is the task of the lower-level (more local) ledger."""
    if (b.rank, a.ledger) > (a.rank, b.ledger):
        a, b = b, a
    return Link(source=a.iri, target=b.iri, score=score)


class _Ranked:
    """The tasks of the neighbouring bags, best score first, then higher-level ledger first —
    produced only as far as some task reads them and remembered for the next reader. A task
    chooses at most ``max_links`` links, so it reads a few entries, while a template's text has
    as many copies as the province has counties: sorting every copy of every neighbouring bag,
    as this once did, was a quarter of a national ``zwgk align``."""

    def __init__(self, linkable: list[tuple[int, float]], by_bag: list[list[IndexedTask]]) -> None:
        self._source = self._produce(linkable, by_bag)
        self._seen: list[tuple[IndexedTask, float]] = []

    @staticmethod
    def _produce(
        linkable: list[tuple[int, float]], by_bag: list[list[IndexedTask]]
    ) -> Iterator[tuple[IndexedTask, float]]:
        groups: dict[float, list[tuple[int, float]]] = defaultdict(list)
        for b, score in linkable:
            groups[round(score, 9)].append((b, score))
        for rounded in sorted(groups, reverse=True):
            tied = groups[rounded]
            # Each bag's tasks are in order already (``update`` fills them so): equal scores
            # merge them, as one sort by (score, order) would.
            streams = [_scored(by_bag[b], score) for b, score in tied]
            yield from streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_pair_order)

    def __iter__(self) -> Iterator[tuple[IndexedTask, float]]:
        k = 0
        while True:
            if k == len(self._seen):
                item = next(self._source, None)
                if item is None:
                    return
                self._seen.append(item)
            yield self._seen[k]
            k += 1


def _scored(tasks: list[IndexedTask], score: float) -> Iterator[tuple[IndexedTask, float]]:
    for task in tasks:
        yield task, score


def _pair_order(pair: tuple[IndexedTask, float]) -> tuple[int, str, int, str]:
    return pair[0].order


def _ranked_tasks(pairs: list[tuple[str, float]], tasks: dict[str, IndexedTask]) -> list[tuple[IndexedTask, float]]:
    best: dict[str, float] = {}
    for iri, score in pairs:
        best[iri] = max(best.get(iri, 0.0), score)
    out = [(tasks[iri], score) for iri, score in best.items()]
    out.sort(key=lambda pair: (-round(pair[1], 9), pair[0].order))
    return out


def index_path(store_folder: str | os.PathLike[str]) -> Path:
    return Path(store_folder) / INDEX_FILE


def revision_of(tasks: Iterable[str], links: int, clusters: int, settings: Settings) -> str:
    """A digest naming one state of the alignments: recorded in the store's alignments graph
    and in the index, so that an index that does not match the store is never used."""
    return iris.digest(*sorted(tasks), str(links), str(clusters), repr(settings), length=16)
