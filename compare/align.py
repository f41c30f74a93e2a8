"""Task alignment across ledgers: which task of one body asks for the same thing as a task of
another (a district carrying out a province's key points, two counties with the same duty), and
which tasks of many ledgers say the same thing (clusters).

The similarity is deliberately plain and explainable: TF-IDF over jieba words with cosine
similarity. Words of the genre's boilerplate (及时, 加强, 进一步, 工作…:
``analysis/data/boilerplate.txt``) are dropped first, so two tasks that share only the set
phrases of every ledger score 0. Each task's nearest heading is added to its words, because
prose key points put the subject in the heading (（一）以权责清单为依托，加强权力配置信息公开)
and the detail in the text. The search runs on scipy's sparse matrices over distinct word bags
(``neighbours``); which links each task keeps and how clusters form is ``index``'s business.

Counties copy their province's template, so near-identical ledgers are the normal case: each
task keeps only its best matches (at most ``per_ledger`` in each other ledger, ``max_links`` in
all), and what many ledgers share is said once, by a ``zw:TaskCluster`` with its members and a
representative text. Stored links grow linearly with tasks, not with pairs of ledgers.

Alignments and clusters live in their own named graph (``ALIGNMENTS_GRAPH``). Beside an
embedded store, an index file (``index.INDEX_FILE`` in the store's folder) keeps every task's
word bag and choices, so that a load aligns only its new tasks and writes only what changed;
the graph and the file carry the same revision, and an index that does not match the store is
rebuilt from the store. A remote store is aligned by ``zwgk align`` only."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..ontology import iris
from ..queries.saved import internal
from ..store.base import internal_query
from .index import (
    INDEX_FILE,
    LOG_SUFFIX,
    AlignIndex,
    Cluster,
    IndexedTask,
    Link,
    Settings,
    Update,
    index_path,
    paused_gc,
    revision_of,
)
from .neighbours import Bag, cosine

if TYPE_CHECKING:
    from ..store.base import Store

Progress = Callable[[int, int], None]
"""Told (done, total) as work proceeds; a new total starts a new step."""

ALIGNMENTS_GRAPH = iris.ID + "graph/alignments"
METHOD = "tfidf-cosine-jieba"
DEFAULT_MIN_SCORE = Settings.min_score
DEFAULT_PER_LEDGER = Settings.per_ledger
DEFAULT_MAX_LINKS = Settings.max_links
DEFAULT_CLUSTER_SCORE = Settings.cluster_score
HEADING_WEIGHT = 0.5
"""A heading word counts half a text word: it frames the task without being what it asks."""
LEVEL_RANK = {"National": 0, "Province": 1, "City": 2, "County": 3, "Township": 4}

_ZW = iris.ZW
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@dataclass(frozen=True)
class TaskDoc:
    """A task as the aligner sees it."""

    iri: str
    ledger_id: str
    position: int
    text: str
    heading: str | None
    level_rank: int
    """Depth of the ledger's jurisdiction (国家 0 … 乡镇 4; unknown counts as 5)."""


@dataclass(frozen=True)
class Alignment:
    source: str
    """The task of the lower-level ledger (zw:source), as the ontology defines it."""
    target: str
    score: float
    method: str = METHOD

    @property
    def iri(self) -> str:
        return f"{iris.ID}alignment/{iris.digest(self.source, self.target, length=16)}"


@dataclass(frozen=True)
class AlignReport:
    index: AlignIndex = field(repr=False, compare=False)
    """The index after the run: the stored links and clusters are read from it when asked."""
    ledgers: int
    tasks: int
    min_score: float
    link_count: int
    """How many links are stored after the run."""
    cluster_count: int
    """How many clusters are stored after the run (tasks of two ledgers or more)."""
    aligned: int = 0
    """Tasks aligned by this run: all of them for a rebuild, the new ones for a load."""
    removed: int = 0
    """Tasks taken out of the alignments by this run (their ledger removed or changed)."""
    links_added: int = 0
    links_removed: int = 0
    rebuilt: bool = True
    method: str = METHOD

    @cached_property
    def alignments(self) -> tuple[Alignment, ...]:
        """Every link stored after the run, best first (listed only when asked: half a million
        at national scale)."""
        return tuple(
            sorted((_alignment(x) for x in self.index.links().values()), key=lambda x: (-x.score, x.source, x.target))
        )

    @cached_property
    def clusters(self) -> tuple[Cluster, ...]:
        """Every stored cluster, by IRI."""
        return tuple(sorted(self.index.clusters().values(), key=lambda c: c.iri))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The genre's boilerplate words (packaged data)."""
    from ..resources import read_text

    lines = read_text("analysis", "data", "boilerplate.txt").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def words(text: str) -> list[str]:
    """The content words of a text: jieba words of two characters or more that contain a letter
    or a Chinese character and are not boilerplate."""
    return list(_words(text))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """Cached: ledgers copied from one template repeat the same texts and headings."""
    from ..analysis.lexicon import cut

    stops = stop_words()
    return tuple(w for w in (t.strip() for t in cut(text)) if len(w) >= 2 and w not in stops and _WORD.search(w))


def bag_of(doc: TaskDoc) -> Bag:
    """A task's words with their counts, its heading's words counting half."""
    bag: dict[str, float] = dict(Counter(_words(doc.text)))
    for w in _words(doc.heading or ""):
        bag[w] = bag.get(w, 0) + HEADING_WEIGHT
    return tuple(sorted(bag.items()))


def task_documents(store: Store) -> list[TaskDoc]:
    """Every task of the store with its nearest heading and its ledger's level."""
    return _documents(store.query(internal_query("align-tasks")))


def _documents(rows: object) -> list[TaskDoc]:
    docs: dict[str, TaskDoc] = {}
    for row in rows:  # type: ignore[attr-defined]
        iri = row["task"].value
        if iri in docs:
            continue
        level = row["level"].value.removeprefix(_ZW) if row["level"] is not None else None
        docs[iri] = TaskDoc(
            iri=iri,
            ledger_id=row["id"].value,
            position=int(row["position"].value),
            text=row["text"].value,
            heading=row["heading"].value if row["heading"] is not None else None,
            level_rank=LEVEL_RANK.get(level, 5) if level is not None else 5,
        )
    return sorted(docs.values(), key=lambda d: (d.ledger_id, d.position))


def _indexed(docs: list[TaskDoc], *, progress: Progress | None = None) -> list[IndexedTask]:
    """The documents with their word bags (jieba, the slow part of a rebuild)."""
    out = []
    if progress is not None and docs:
        progress(0, len(docs))
    for k, d in enumerate(docs, 1):
        out.append(
            IndexedTask(
                iri=d.iri, ledger=d.ledger_id, position=d.position, rank=d.level_rank, text=d.text, bag=bag_of(d)
            )
        )
        if progress is not None and (k % 200 == 0 or k == len(docs)):
            progress(k, len(docs))
    return out


def _alignment(link: Link) -> Alignment:
    return Alignment(source=link.source, target=link.target, score=link.score)


def compute_alignments(
    docs: list[TaskDoc], *, min_score: float = DEFAULT_MIN_SCORE, ledgers: frozenset[str] | None = None
) -> list[Alignment]:
    """Pairs of tasks of different ledgers whose cosine similarity reaches ``min_score`` and of
    which one is the other's best match in its ledger, computed now without storing anything.
    Word weights come from all ``docs`` (the whole store); ``ledgers`` limits the pairs to
    those ledgers."""
    settings = Settings(min_score=min_score, per_ledger=1, max_links=max(1, len({d.ledger_id for d in docs})))
    index = AlignIndex(settings=settings)
    tasks = _indexed(docs)
    chosen = [t for t in tasks if ledgers is None or t.ledger in ledgers]
    index.update(added=chosen, removed=(), weights_from=[t.bag for t in tasks])
    found = [_alignment(link) for link in index.links().values()]
    return sorted(found, key=lambda x: (-x.score, x.source, x.target))


# Writing ------------------------------------------------------------------------------------


def _link_lines(link: Link) -> list[str]:
    node = f"<{link.iri}>"
    return [
        f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_ZW}Alignment> .",
        f"{node} <{_ZW}source> <{link.source}> .",
        f"{node} <{_ZW}target> <{link.target}> .",
        f'{node} <{_ZW}score> "{link.score:.4f}"^^<{_XSD}decimal> .',
        f'{node} <{_ZW}method> "{METHOD}" .',
    ]


def _cluster_lines(cluster: Cluster) -> list[str]:
    from pyoxigraph import Literal

    node = f"<{cluster.iri}>"
    return [
        f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_ZW}TaskCluster> .",
        f"{node} <{_ZW}representative> <{cluster.representative}> .",
        f"{node} <{_SKOS}prefLabel> {Literal(cluster.text, language='zh')} .",
        *(f"{node} <{_ZW}member> <{m}> ." for m in cluster.members),
    ]


def _revision_line(revision: str) -> str:
    return f'<{ALIGNMENTS_GRAPH}> <{_ZW}alignmentRevision> "{revision}" .'


_DESCRIPTION = (
    f'<{ALIGNMENTS_GRAPH}> <{_DCTERMS}title> "任务对应"@zh .',
    f'<{ALIGNMENTS_GRAPH}> <{_DCTERMS}title> "task alignments"@en .',
)


def _changed_lines(update: Update) -> tuple[list[str], list[str]]:
    """The triples to delete and to insert: only the links and clusters that changed."""
    deleted: list[str] = []
    inserted: list[str] = []
    before, after = update.links_before, update.links_after
    for key in before.keys() - after.keys():
        deleted += _link_lines(before[key])
    for key, link in after.items():
        old = before.get(key)
        if old != link:
            if old is not None:
                deleted += _link_lines(old)
            inserted += _link_lines(link)
    cb, ca = update.clusters_before, update.clusters_after
    for key in cb.keys() | ca.keys():
        if cb.get(key) == ca.get(key):
            continue
        old_lines = set(_cluster_lines(cb[key])) if key in cb else set()
        new_lines = set(_cluster_lines(ca[key])) if key in ca else set()
        deleted += sorted(old_lines - new_lines)
        inserted += sorted(new_lines - old_lines)
    return deleted, inserted


def _check_writable(store: Store) -> None:
    if getattr(store, "read_only", False):
        raise StoreError(
            "the store is open read-only; alignments cannot be written",
            message_zh="数据库以只读方式打开，无法写入任务对应",
        )


def _folder(store: Store) -> Path | None:
    """The embedded store's folder, where the index is kept (None for a remote store)."""
    if store.local is None:
        return None
    folder = Path(store.location)
    return folder if folder.is_dir() else None


def _report(index: AlignIndex, update: Update, *, rebuilt: bool) -> AlignReport:
    return AlignReport(
        index=index,
        ledgers=len({t.ledger for t in index.tasks.values()}),
        tasks=len(index.tasks),
        min_score=index.settings.min_score,
        link_count=update.links,
        cluster_count=update.clusters,
        aligned=update.aligned,
        removed=update.removed,
        links_added=len(update.links_after.keys() - update.links_before.keys()),
        links_removed=len(update.links_before.keys() - update.links_after.keys()),
        rebuilt=rebuilt,
    )


def _save(store: Store, index: AlignIndex, revision: str, *, previous: str | None = None) -> None:
    folder = _folder(store)
    if folder is None:
        return
    try:
        index.save(index_path(folder), revision=revision, previous=previous)
    except OSError:
        # The store holds the alignments; an index of another revision is never used, so the
        # next load rebuilds it.
        with suppress(OSError):
            index_path(folder).unlink(missing_ok=True)
            index_path(folder).with_name(INDEX_FILE + LOG_SUFFIX).unlink(missing_ok=True)


def align_store(
    store: Store,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    per_ledger: int = DEFAULT_PER_LEDGER,
    max_links: int = DEFAULT_MAX_LINKS,
    cluster_score: float = DEFAULT_CLUSTER_SCORE,
    progress: Progress | None = None,
) -> AlignReport:
    """Recompute every alignment and cluster of the store and replace the alignments graph in
    one update (and the index beside an embedded store)."""
    settings = Settings(min_score=min_score, per_ledger=per_ledger, max_links=max_links, cluster_score=cluster_score)
    return _rebuild(store, settings=settings, progress=progress)


def _rebuild(store: Store, *, settings: Settings, progress: Progress | None) -> AlignReport:
    _check_writable(store)
    previous = _current_index(store)
    index = AlignIndex(settings=settings, ledgers=ledger_state(store))
    with paused_gc():
        update = index.update(added=_indexed(task_documents(store), progress=progress), removed=(), progress=progress)
    revision = revision_of(index.tasks, update.links, update.clusters, settings)
    if previous is not None:
        # What is stored is known: write only the difference (nothing, when nothing changed).
        old, old_revision = previous
        update = replace(update, removed=0, links_before=old.links(), clusters_before=old.clusters())
        _write_changes(store, update, old_revision=old_revision, revision=revision)
    else:
        _write_all(store, update, revision=revision)
    _save(store, index, revision)
    return _report(index, update, rebuilt=True)


def _write_all(store: Store, update: Update, *, revision: str) -> None:
    """Replace the alignments graph. An embedded store takes the triples by ``bulk_load``
    (several times faster than an update of the same triples, which matters at 100 000 of
    them), in calls of ``BULK_TRIPLES`` made as they are written, so that the millions of
    triples of a national store are never one list or one string; a remote store by one
    SPARQL update. The store is not compacted afterwards: two bulk files do not slow queries
    (measured on 600 bench ledgers: the saved queries took the same time either way), and
    compacting rewrites the whole store — the longest step of a national ``zwgk align``."""
    # The description keeps the graph present when no pair was found, so that later loads
    # know alignments were asked for and keep them current.
    drop = f"DROP SILENT GRAPH <{ALIGNMENTS_GRAPH}>"
    local = store.local
    if local is None:
        body = "\n".join(_all_lines(update, revision=revision))
        store.update(f"{drop} ;\nINSERT DATA {{ GRAPH <{ALIGNMENTS_GRAPH}> {{\n{body}\n}} }}")
        return
    from pyoxigraph import RdfFormat

    from ..store.embedded import BULK_TRIPLES

    store.update(drop)
    graph = f"<{ALIGNMENTS_GRAPH}> ."
    chunk: list[str] = []
    try:
        for line in _all_lines(update, revision=revision):
            chunk.append(line[:-1] + graph)
            if len(chunk) >= BULK_TRIPLES:
                local.bulk_load("\n".join(chunk).encode("utf-8"), format=RdfFormat.N_QUADS)
                chunk.clear()
        local.bulk_load("\n".join(chunk).encode("utf-8"), format=RdfFormat.N_QUADS)
    except OSError as exc:
        raise StoreError(
            f"cannot write the alignments to {store.location}: {exc.strerror or exc} (run zwgk align again)",
            message_zh=f"无法写入任务对应：{exc.strerror or exc}（请重新运行 zwgk align）",
        ) from None


def _all_lines(update: Update, *, revision: str) -> Iterator[str]:
    yield from _DESCRIPTION
    yield _revision_line(revision)
    for link in update.links_after.values():
        yield from _link_lines(link)
    for cluster in update.clusters_after.values():
        yield from _cluster_lines(cluster)


def _write_changes(store: Store, update: Update, *, old_revision: str, revision: str) -> None:
    """Delete and insert only the links and cluster triples that changed, and the revision."""
    deleted, inserted = _changed_lines(update)
    deleted.append(_revision_line(old_revision))
    inserted.append(_revision_line(revision))
    graph = f"GRAPH <{ALIGNMENTS_GRAPH}>"
    store.update(
        f"DELETE DATA {{ {graph} {{\n" + "\n".join(deleted) + "\n} } ;\n"
        f"INSERT DATA {{ {graph} {{\n" + "\n".join(inserted) + "\n} }"
    )


def _current_index(store: Store) -> tuple[AlignIndex, str] | None:
    """The index beside the store and the stored revision, if the index is the store's."""
    folder = _folder(store)
    revision = _stored_revision(store) if folder is not None else None
    if folder is None or revision is None:
        return None
    index = AlignIndex.read(index_path(folder), revision=revision)
    return None if index is None else (index, revision)


def has_alignments(store: Store) -> bool:
    return bool(store.query(internal_query("alignments-exist")))


def _stored_revision(store: Store) -> str | None:
    rows = list(store.query(internal_query("alignment-revision")))
    return rows[0]["revision"].value if rows else None


def refresh_alignments(
    store: Store, *, progress: Progress | None = None, added: Sequence[str] = ()
) -> AlignReport | None:
    """After ledgers changed: if the store keeps alignments (``zwgk align`` was run once),
    align the tasks that are new and drop those that are gone — against the index beside an
    embedded store, writing only the links and clusters that changed — so that no alignment
    points to a task that is gone or changed. Without a current index (a remote store, a
    store copied without it, an interrupted write) everything is recomputed.

    ``added``: the ids of the ledgers a batch added, when it did nothing else. The index knows
    the ledgers (and their files' sha256) it was made from: when the store holds exactly those
    and the added ones, only the added ledgers' tasks are read, instead of listing every task
    of the store to find what is new or gone."""
    if not has_alignments(store):
        return None
    current_index = _current_index(store)
    if current_index is None:
        return _rebuild(store, settings=_saved_settings(_folder(store)), progress=progress)
    index, revision = current_index
    state = ledger_state(store)
    added_graphs = {iris.ledger(ledger_id): ledger_id for ledger_id in added}
    if added_graphs and _only_added(index.ledgers, state, added_graphs):
        gone: set[str] = set()
        new_ledgers = sorted(added_graphs.values())
    else:
        current: dict[str, str] = {}
        for row in store.query(internal_query("align-task-ids")):
            current[row["task"].value] = row["id"].value
        gone = index.tasks.keys() - current.keys()
        new_ledgers = sorted({current[iri] for iri in current.keys() - index.tasks.keys()})
    index.ledgers = state
    docs: list[TaskDoc] = []
    for ledger_id in new_ledgers:
        docs += _documents(store.query(internal("align-ledger-tasks", ledger=iris.ledger(ledger_id))))
    docs = [d for d in docs if d.iri not in index.tasks]
    if not docs and not gone:
        unchanged = Update(
            aligned=0,
            removed=0,
            links_before={},
            links_after={},
            clusters_before={},
            clusters_after={},
            links=index.link_count,
            clusters=index.cluster_count,
        )
        return _report(index, unchanged, rebuilt=False)
    _check_writable(store)
    with paused_gc():
        update = index.update(added=_indexed(docs, progress=progress), removed=gone, progress=progress)
    new_revision = revision_of(index.tasks, update.links, update.clusters, index.settings)
    _write_changes(store, update, old_revision=revision, revision=new_revision)
    _save(store, index, new_revision, previous=revision)
    return _report(index, update, rebuilt=False)


def ledger_state(store: Store) -> dict[str, str]:
    """Every ledger of the store (its IRI) with the sha256 of its file."""
    return {
        row["ledger"].value: "" if row["sha"] is None else row["sha"].value
        for row in store.query(internal_query("ledger-state"))
    }


def _only_added(known: dict[str, str], state: dict[str, str], added: dict[str, str]) -> bool:
    """Whether the store's ledgers are the index's, unchanged, and the added ones."""
    if not known or state.keys() != known.keys() | added.keys() or known.keys() & added.keys():
        return False
    return all(state[ledger] == sha for ledger, sha in known.items())


def _saved_settings(folder: Path | None) -> Settings:
    """The settings ``zwgk align`` was last run with, read from an index even if it is stale;
    the defaults when there is none."""
    if folder is not None:
        import gzip
        import json

        try:
            with gzip.open(index_path(folder), "rt", encoding="utf-8") as source:
                return Settings(**json.load(source)["settings"])
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            pass
    return Settings()


def stored_alignments(store: Store, *, ledger_ids: tuple[str, ...] = ()) -> list[Alignment]:
    """The alignments in the store (between the given ledgers when named)."""
    rows = store.query(internal_query("alignments"))
    prefixes = tuple(iris.ledger(lid) + "/" for lid in ledger_ids)
    out = []
    for row in rows:
        source, target = row["source"].value, row["target"].value
        if prefixes and not (source.startswith(prefixes) and target.startswith(prefixes)):
            continue
        out.append(Alignment(source=source, target=target, score=float(row["score"].value), method=row["method"].value))
    return sorted(out, key=lambda x: (-x.score, x.source, x.target))


@dataclass(frozen=True)
class StoredCluster:
    iri: str
    representative: str
    text: str
    members: tuple[str, ...]


def stored_clusters(store: Store) -> list[StoredCluster]:
    """The clusters in the store, each with its sorted members."""
    found: dict[str, tuple[str, str]] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for row in store.query(internal_query("clusters")):
        iri = row["cluster"].value
        found[iri] = (row["representative"].value, row["text"].value)
        members[iri].append(row["member"].value)
    return [
        StoredCluster(iri=iri, representative=rep, text=text, members=tuple(sorted(members[iri])))
        for iri, (rep, text) in sorted(found.items())
    ]


# Comparing two ledgers ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRef:
    iri: str
    position: int
    text: str
    lead_types: tuple[str, ...]
    """Functional types (zw:agencyType, Chinese labels) of the task's lead units."""


@dataclass(frozen=True)
class PairRow:
    a: TaskRef
    b: TaskRef
    score: float

    @property
    def same_lead_type(self) -> bool | None:
        """Whether the lead units are of the same functional types (None when a side has none)."""
        if not self.a.lead_types or not self.b.lead_types:
            return None
        return set(self.a.lead_types) == set(self.b.lead_types)


@dataclass(frozen=True)
class Comparison:
    a: str
    b: str
    pairs: tuple[PairRow, ...]
    only_a: tuple[TaskRef, ...]
    only_b: tuple[TaskRef, ...]
    lead_type_changes: tuple[tuple[str, str, int], ...]
    """(lead types in A, lead types in B, number of aligned pairs) where they differ."""
    stored: bool
    """True when the pairs were read from the store's alignments, False when computed now."""

    def render(self, *, width: int = 48) -> str:
        def cut(text: str) -> str:
            text = " ".join(text.split())
            return text if len(text) <= width else text[: width - 1] + "…"

        same = sum(1 for p in self.pairs if p.same_lead_type)
        differ = sum(1 for p in self.pairs if p.same_lead_type is False)
        lines = [
            f"A = {self.a}   B = {self.b}",
            f"aligned pairs / 对应任务: {len(self.pairs)}"
            + ("" if self.stored else " (computed now; run zwgk align to store them / 未存储，现场计算)"),
        ]
        for p in self.pairs:
            lines.append(f"  {p.score:.3f}  A#{p.a.position} {cut(p.a.text)}")
            lines.append(f"         B#{p.b.position} {cut(p.b.text)}")
        lines.append(f"only in A / 仅见于 A: {len(self.only_a)}")
        lines += [f"  A#{t.position} {cut(t.text)}" for t in self.only_a]
        lines.append(f"only in B / 仅见于 B: {len(self.only_b)}")
        lines += [f"  B#{t.position} {cut(t.text)}" for t in self.only_b]
        lines.append(
            f"lead units of aligned tasks / 对应任务的牵头单位类型: same 相同 {same}, "
            f"different 不同 {differ}, unknown 无法比较 {len(self.pairs) - same - differ}"
        )
        lines += [f"  {ta or '—'}  →  {tb or '—'}: {n}" for ta, tb, n in self.lead_type_changes]
        return "\n".join(lines) + "\n"


def _task_refs(store: Store, ledger_id: str, docs: list[TaskDoc]) -> dict[str, TaskRef]:
    types: dict[str, set[str]] = defaultdict(set)
    # The ledger id was checked against the store (resolve_ids), so its IRI is safe to inline.
    for row in store.query(internal("ledger-lead-types", ledger=iris.ledger(ledger_id))):
        types[row["task"].value].add(row["type"].value if row["type"] is not None else "未分类")
    return {
        d.iri: TaskRef(iri=d.iri, position=d.position, text=d.text, lead_types=tuple(sorted(types[d.iri])))
        for d in docs
        if d.ledger_id == ledger_id
    }


def _cluster_pairs(
    store: Store, *, a: str, b: str, docs: list[TaskDoc], linked: list[Alignment], min_score: float
) -> list[Alignment]:
    """Tasks of A and B that share a cluster without a stored link between them (each task
    keeps links to its best matches only, so two copies of a template's task may have none),
    scored now: with the word bags of the index when it is current, else from the texts."""
    have = {(x.source, x.target) for x in linked} | {(x.target, x.source) for x in linked}
    rows = store.query(internal("ledger-pair-clusters", a=iris.ledger(a), b=iris.ledger(b)))
    wanted = sorted({(r["taskA"].value, r["taskB"].value) for r in rows} - have)
    if not wanted:
        return []
    current = _current_index(store)
    if current is not None:
        tasks = current[0].tasks
        bags = {iri: task.bag for iri, task in tasks.items()}
        counted = list(bags.values())
    else:
        indexed = _indexed(docs)
        bags = {task.iri: task.bag for task in indexed}
        counted = [task.bag for task in indexed]
    df: Counter[str] = Counter()
    for bag in counted:
        df.update(word for word, _ in bag)
    out = []
    for ta, tb in wanted:
        if ta in bags and tb in bags:
            score = round(cosine(bags[ta], bags[tb], df=df, n=len(counted)), 4)
            if score >= min_score:
                out.append(Alignment(source=ta, target=tb, score=score, method="cluster"))
    return out


def compare_ledgers(store: Store, *, a: str, b: str, min_score: float = DEFAULT_MIN_SCORE) -> Comparison:
    """Aligned pairs of ledgers A and B with scores, tasks found only in A or only in B, and how
    the functional types of the lead units differ between aligned tasks. Stored alignments are
    used when the store keeps them (and ``min_score`` filters them), with the pairs their
    clusters imply; else they are computed."""
    store.resolve_ids([a, b])
    docs = task_documents(store)
    stored = has_alignments(store)
    if stored:
        found = [x for x in stored_alignments(store, ledger_ids=(a, b)) if x.score >= min_score]
        found += _cluster_pairs(store, a=a, b=b, docs=docs, linked=found, min_score=min_score)
    else:
        found = compute_alignments(docs, min_score=min_score, ledgers=frozenset({a, b}))
    refs_a, refs_b = _task_refs(store, a, docs), _task_refs(store, b, docs)
    pairs = []
    for x in found:
        if x.source in refs_a and x.target in refs_b:
            pairs.append(PairRow(a=refs_a[x.source], b=refs_b[x.target], score=x.score))
        elif x.target in refs_a and x.source in refs_b:
            pairs.append(PairRow(a=refs_a[x.target], b=refs_b[x.source], score=x.score))
    pairs.sort(key=lambda p: (p.a.position, -p.score, p.b.position))
    paired_a = {p.a.iri for p in pairs}
    paired_b = {p.b.iri for p in pairs}
    changes = Counter(
        ("、".join(p.a.lead_types), "、".join(p.b.lead_types)) for p in pairs if p.same_lead_type is not True
    )
    return Comparison(
        a=a,
        b=b,
        pairs=tuple(pairs),
        only_a=tuple(sorted((t for t in refs_a.values() if t.iri not in paired_a), key=lambda t: t.position)),
        only_b=tuple(sorted((t for t in refs_b.values() if t.iri not in paired_b), key=lambda t: t.position)),
        lead_type_changes=tuple((ta, tb, n) for (ta, tb), n in sorted(changes.items(), key=lambda kv: (-kv[1], kv[0]))),
        stored=stored,
    )
