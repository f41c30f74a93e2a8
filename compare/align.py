"""Task alignment across ledgers: which task of one body asks for the same thing as a task of
another (a district carrying out a province's key points, two counties with the same duty).

The method is deliberately plain and explainable: TF-IDF over jieba words with cosine similarity.
Words of the genre's boilerplate (及时, 加强, 进一步, 工作…: ``analysis/data/boilerplate.txt``)
are dropped first, so two tasks that share only the set phrases of every ledger score 0. Each
task's nearest heading is added to its words, because prose key points put the subject in the
heading (（一）以权责清单为依托，加强权力配置信息公开) and the detail in the text. A pair is
kept when its score reaches ``min_score`` and one task is the other's best match in that ledger.

Alignments live in their own named graph (``ALIGNMENTS_GRAPH``), written in one SPARQL update, so
that SPARQL can filter by score and a reload of any ledger can replace them whole."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..ontology import iris
from ..queries.saved import internal
from ..store.base import internal_query

if TYPE_CHECKING:
    from ..store.base import Store

ALIGNMENTS_GRAPH = iris.ID + "graph/alignments"
METHOD = "tfidf-cosine-jieba"
DEFAULT_MIN_SCORE = 0.2
HEADING_WEIGHT = 0.5
"""A heading word counts half a text word: it frames the task without being what it asks."""
LEVEL_RANK = {"National": 0, "Province": 1, "City": 2, "County": 3, "Township": 4}

_ZW = iris.ZW
_XSD = "http://www.w3.org/2001/XMLSchema#"
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
    alignments: tuple[Alignment, ...]
    ledgers: int
    tasks: int
    min_score: float
    method: str = METHOD


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The genre's boilerplate words (packaged data)."""
    from ..resources import read_text

    lines = read_text("analysis", "data", "boilerplate.txt").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def words(text: str) -> list[str]:
    """The content words of a text: jieba words of two characters or more that contain a letter
    or a Chinese character and are not boilerplate."""
    from ..analysis.lexicon import cut

    stops = stop_words()
    return [w for w in (t.strip() for t in cut(text)) if len(w) >= 2 and w not in stops and _WORD.search(w)]


def task_documents(store: Store) -> list[TaskDoc]:
    """Every task of the store with its nearest heading and its ledger's level."""
    docs: dict[str, TaskDoc] = {}
    for row in store.query(internal_query("align-tasks")):
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


def _vectors(docs: list[TaskDoc]) -> list[dict[str, float]]:
    bags: list[dict[str, float]] = []
    for d in docs:
        bag: dict[str, float] = dict(Counter(words(d.text)))
        for w in words(d.heading or ""):
            bag[w] = bag.get(w, 0) + HEADING_WEIGHT
        bags.append(bag)
    df = Counter(w for bag in bags for w in bag)
    n = len(docs)
    vectors = []
    for bag in bags:
        vec = {w: (1 + math.log(c) if c >= 1 else c) * (math.log((n + 1) / (df[w] + 1)) + 1) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    return vectors


def compute_alignments(
    docs: list[TaskDoc], *, min_score: float = DEFAULT_MIN_SCORE, ledgers: frozenset[str] | None = None
) -> list[Alignment]:
    """Pairs of tasks of different ledgers whose cosine similarity reaches ``min_score`` and of
    which one is the other's best match in its ledger. Word weights come from all ``docs`` (the
    whole store); ``ledgers`` limits the pairs to those ledgers."""
    if not 0 <= min_score <= 1:
        raise ValueError("min_score must be between 0 and 1")
    vectors = _vectors(docs)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for w, v in vec.items():
            postings[w].append((i, v))
    scores: dict[tuple[int, int], float] = {}
    for i, vec in enumerate(vectors):
        if ledgers is not None and docs[i].ledger_id not in ledgers:
            continue
        acc: dict[int, float] = defaultdict(float)
        for w, v in vec.items():
            for j, u in postings[w]:
                if j > i and docs[j].ledger_id != docs[i].ledger_id:
                    acc[j] += v * u
        for j, s in acc.items():
            if ledgers is None or docs[j].ledger_id in ledgers:
                scores[(i, j)] = s
    best: dict[tuple[int, str], float] = {}
    for (i, j), s in scores.items():
        for m, k in ((i, j), (j, i)):
            key = (m, docs[k].ledger_id)
            best[key] = max(best.get(key, 0.0), s)
    out = []
    for (i, j), s in scores.items():
        s = min(1.0, s)
        if s < min_score:
            continue
        if s < best[(i, docs[j].ledger_id)] - 1e-12 and s < best[(j, docs[i].ledger_id)] - 1e-12:
            continue
        a, b = docs[i], docs[j]
        # zw:source is the task of the lower-level (more local) ledger.
        if (b.level_rank, a.ledger_id) > (a.level_rank, b.ledger_id):
            a, b = b, a
        out.append(Alignment(source=a.iri, target=b.iri, score=round(s, 4)))
    return sorted(out, key=lambda x: (-x.score, x.source, x.target))


def _insert_body(alignments: list[Alignment]) -> str:
    lines = []
    for x in alignments:
        node = f"<{x.iri}>"
        lines.append(
            f"{node} a <{_ZW}Alignment> ; <{_ZW}source> <{x.source}> ; <{_ZW}target> <{x.target}> ; "
            f'<{_ZW}score> "{x.score:.4f}"^^<{_XSD}decimal> ; <{_ZW}method> "{x.method}" .'
        )
    return "\n".join(lines)


def align_store(store: Store, *, min_score: float = DEFAULT_MIN_SCORE) -> AlignReport:
    """Recompute every alignment of the store and replace the alignments graph in one update."""
    if getattr(store, "read_only", False):
        raise StoreError(
            "the store is open read-only; alignments cannot be written",
            message_zh="数据库以只读方式打开，无法写入任务对应",
        )
    docs = task_documents(store)
    alignments = compute_alignments(docs, min_score=min_score)
    body = _insert_body(alignments)
    update = f"DROP SILENT GRAPH <{ALIGNMENTS_GRAPH}>"
    # A description of the graph keeps it present when no pair was found, so that later loads
    # know alignments were asked for and keep them current.
    update += (
        f" ;\nINSERT DATA {{ GRAPH <{ALIGNMENTS_GRAPH}> {{\n<{ALIGNMENTS_GRAPH}> "
        f'<http://purl.org/dc/terms/title> "任务对应"@zh , "task alignments"@en .\n{body}\n}} }}'
    )
    store.update(update)
    return AlignReport(
        alignments=tuple(alignments), ledgers=len({d.ledger_id for d in docs}), tasks=len(docs), min_score=min_score
    )


def has_alignments(store: Store) -> bool:
    return bool(store.query(internal_query("alignments-exist")))


def refresh_alignments(store: Store) -> AlignReport | None:
    """After ledgers changed: recompute the alignments if the store keeps them (``zwgk align``
    was run once), so that no alignment points to a task that is gone or changed."""
    if not has_alignments(store):
        return None
    return align_store(store)


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


def compare_ledgers(store: Store, *, a: str, b: str, min_score: float = DEFAULT_MIN_SCORE) -> Comparison:
    """Aligned pairs of ledgers A and B with scores, tasks found only in A or only in B, and how
    the functional types of the lead units differ between aligned tasks. Stored alignments are
    used when the store keeps them (and ``min_score`` filters them), else they are computed."""
    store.resolve_ids([a, b])
    docs = task_documents(store)
    stored = has_alignments(store)
    if stored:
        found = [x for x in stored_alignments(store, ledger_ids=(a, b)) if x.score >= min_score]
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
