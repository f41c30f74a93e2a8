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

import gzip
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..ontology import iris
from .neighbours import Bag, neighbours, tfidf_matrix

FORMAT = 1
"""Version of the index file's layout: another version is ignored (and the index rebuilt)."""
INDEX_FILE = "zwgk-align-index.json.gz"


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


@dataclass(frozen=True)
class IndexedTask:
    """A task as the index keeps it."""

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
    """What one update changed: tasks aligned, links and clusters before and after (only the
    clusters that span two ledgers or more are stored)."""

    aligned: int
    removed: int
    links_before: dict[str, Link]
    links_after: dict[str, Link]
    clusters_before: dict[str, Cluster]
    clusters_after: dict[str, Cluster]


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

    # What is stored --------------------------------------------------------------------------

    def links(self) -> dict[str, Link]:
        """Every link some task chose, once, by its IRI."""
        out: dict[str, Link] = {}
        for iri, picks in self.chosen.items():
            a = self.tasks[iri]
            for other, score in picks:
                link = _oriented(a, self.tasks[other], score)
                out.setdefault(link.iri, link)
        return out

    def clusters(self) -> dict[str, Cluster]:
        """The clusters worth storing (two ledgers or more), by IRI; a task alone is a cluster
        only in the index, ready for the copies a later load brings."""
        out = {}
        for rep, members in self.members.items():
            ledgers = len({self.tasks[m].ledger for m in members})
            if ledgers >= 2:
                cluster = Cluster(
                    representative=rep, members=tuple(sorted(members)), text=self.tasks[rep].text, ledgers=ledgers
                )
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
        links_before, clusters_before = self.links(), self.clusters()
        new = [t for t in added if t.iri not in self.tasks]
        gone = {iri for iri in removed if iri in self.tasks}
        # Tasks whose choice included a removed task choose again from scratch.
        again = {iri for iri, picks in self.chosen.items() if iri not in gone and any(o in gone for o, _ in picks)}
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
        counted = [t.bag for t in self.tasks.values()] if weights_from is None else list(weights_from)
        for bag in counted:
            df.update(word for word, _ in bag)
        matrix = tfidf_matrix(list(bags), df=df, n=len(counted))

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
                ranked = _ranked(linkable, by_bag)
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
            merged = _ranked_tasks([*self.chosen.get(iri, []), *offered], self.tasks)
            self.chosen[iri] = self._choose(self.tasks[iri], merged)
        self._place(sorted(placing, key=lambda i: self.tasks[i].order), close=close, bags=bags, by_bag=by_bag)
        return Update(
            aligned=len(new),
            removed=len(gone),
            links_before=links_before,
            links_after=self.links(),
            clusters_before=clusters_before,
            clusters_after=self.clusters(),
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

    def _choose(self, task: IndexedTask, ranked: list[tuple[IndexedTask, float]]) -> list[tuple[str, float]]:
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
                self.members[iri] = [iri]
                self.cluster_of[iri] = iri
                reps[bags[task.bag]].append(iri)
            else:
                self.members[best[2]].append(iri)
                self.cluster_of[iri] = best[2]

    # The file ----------------------------------------------------------------------------------

    def save(self, path: Path, *, revision: str) -> None:
        """Write the index atomically (a temporary file, then a rename)."""
        order = sorted(self.tasks)
        number = {iri: k for k, iri in enumerate(order)}
        tasks = [self.tasks[iri] for iri in order]
        document = {
            "format": FORMAT,
            "revision": revision,
            "settings": self.settings.__dict__,
            "tasks": [[t.iri, t.ledger, t.position, t.rank, t.text, [list(p) for p in t.bag]] for t in tasks],
            "chosen": [[[number[o], s] for o, s in self.chosen.get(t.iri, [])] for t in tasks],
            "clusters": [[number[rep], [number[m] for m in members]] for rep, members in sorted(self.members.items())],
        }
        partial = path.with_name(path.name + ".partial")
        # json.dumps encodes in C in one pass; json.dump to a stream goes through the pure-Python
        # chunked encoder, several times slower on an index of national size.
        with gzip.open(partial, "wb", compresslevel=1) as out:
            out.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        os.replace(partial, path)

    @classmethod
    def read(cls, path: Path, *, revision: str) -> AlignIndex | None:
        """The index saved at ``path`` if it is the one of ``revision``, else None (missing,
        damaged, of another layout or another state of the store)."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as source:
                document = json.load(source)
            if document.get("format") != FORMAT or document.get("revision") != revision:
                return None
            index = cls(settings=Settings(**document["settings"]))
            tasks = [
                IndexedTask(
                    iri=iri, ledger=ledger, position=position, rank=rank, text=text, bag=tuple((w, c) for w, c in bag)
                )
                for iri, ledger, position, rank, text, bag in document["tasks"]
            ]
            index.tasks = {t.iri: t for t in tasks}
            index.chosen = {t.iri: [(tasks[o].iri, s) for o, s in picks] for t, picks in zip(tasks, document["chosen"])}
            for rep, members in document["clusters"]:
                index.members[tasks[rep].iri] = [tasks[m].iri for m in members]
                for m in members:
                    index.cluster_of[tasks[m].iri] = tasks[rep].iri
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
            return None
        return index


def _oriented(a: IndexedTask, b: IndexedTask, score: float) -> Link:
    """zw:source is the task of the lower-level (more local) ledger."""
    if (b.rank, a.ledger) > (a.rank, b.ledger):
        a, b = b, a
    return Link(source=a.iri, target=b.iri, score=score)


def _ranked(linkable: list[tuple[int, float]], by_bag: list[list[IndexedTask]]) -> list[tuple[IndexedTask, float]]:
    """The tasks of the neighbouring bags, best score first, then higher-level ledger first."""
    out = [(task, score) for b, score in linkable for task in by_bag[b]]
    out.sort(key=lambda pair: (-round(pair[1], 9), pair[0].order))
    return out


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
