"""Score one ledger of the real-document corpus (tests/data/corpus) against its hand-made gold,
through the project's own pipeline: ``read_ledger`` → ``build_ledger`` → an in-memory
``pyoxigraph.Store`` → SPARQL over the ontology's terms.

It measures what the corpus scorer (``../shared/tools/score-corpus``) measures, with the same
matching rules (tests/data/corpus/README.md, "Gold conventions" and "Scoring"):

- text is compared after NFKC normalisation with whitespace, U+3000 and ``|`` removed;
- a gold task matches the first still unmatched loaded task, in source-line order, whose text
  starts with the first 12 normalised characters of the gold ``text_start``;
- lead units and other units: an exact set — every gold unit names a distinct loaded unit (one
  of its labels equals the gold name) and there are as many loaded units as gold units;
- deadline (only where the gold has one): the gold text lies inside a loaded deadline text or
  the other way round;
- path: every gold heading label (number label such as 一、 （一） 1. and a trailing 。 removed)
  is among the labels of the task's indicator and the indicators above it.

A file the readers refuse (any ``ZwgkError``) counts as loaded 0, found 0.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"
CORPORA = ("tables", "prose")
EXPECTED = CORPUS_DIR / "expected.json"

ZW = "https://w3id.org/zwgk/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = f"PREFIX zw: <{ZW}>\nPREFIX skos: <{SKOS}>\nPREFIX rdfs: <{RDFS}>\n"

KEY_CHARS = 12
"""A gold task is found by this many leading characters of its text."""

_SPACE = re.compile(r"[\s\u3000|]+")
_NUMBER_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]"  # 一、  二.
    r"|[(（][一二三四五六七八九十]+[)）][、.．]?"  # （一） (二)、
    r"|\d+[、.．)）]?)"  # 1.  1、  1）  1
)


def norm(text: str | None) -> str:
    """NFKC, without whitespace, ideographic spaces or table bars."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def heading_label(text: str | None) -> str:
    """A heading as a path label: normalised, number label and trailing full stop removed
    (（一）聚焦中心工作。 → 聚焦中心工作)."""
    return _NUMBER_LABEL.sub("", norm(text), count=1).rstrip("。.")


# --- gold ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldTask:
    n: str | None
    text_start: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    deadline: str | None
    path: tuple[str, ...]


def gold_tasks(doc: dict) -> list[GoldTask]:
    """The tasks of a gold file in either shape: ``{"tasks": [...]}`` or, for one-cell-per-line
    tables, ``{"rows": [{l1..l4, units, ...}]}`` whose units are lead units."""
    out = []
    if "rows" in doc:
        for row in doc["rows"]:
            out.append(
                GoldTask(
                    n=row.get("n"),
                    text_start=row.get("text_start") or "",
                    lead=tuple(row.get("units") or ()),
                    responsible=(),
                    deadline=row.get("deadline"),
                    path=tuple(row[k] for k in ("l1", "l2", "l3", "l4") if row.get(k)),
                )
            )
    else:
        for task in doc.get("tasks", []):
            out.append(
                GoldTask(
                    n=task.get("n"),
                    text_start=task.get("text_start") or "",
                    lead=tuple(task.get("lead") or ()),
                    responsible=tuple(task.get("responsible") or ()),
                    deadline=task.get("deadline"),
                    path=tuple(task.get("path") or ()),
                )
            )
    return out


# --- loaded ----------------------------------------------------------------------------------


@dataclass
class LoadedTask:
    iri: str
    text: str = ""
    line: int | None = None
    position: int | None = None
    lead: dict[str, set[str]] = field(default_factory=dict)
    """Lead unit IRI → its normalised labels."""
    other: dict[str, set[str]] = field(default_factory=dict)
    deadlines: list[str] = field(default_factory=list)
    path: set[str] = field(default_factory=set)
    """Labels (as ``heading_label``) of the task's indicators and every indicator above them."""


def _value(term) -> str | None:
    return None if term is None else term.value


def _int(term) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def read_tasks(path: Path) -> list[LoadedTask]:
    """The tasks of one ledger file as the store holds them, in source-line order. Raises the
    readers' ``ZwgkError`` for a file they refuse."""
    import pyoxigraph as ox

    from zwgk.loaders import read_ledger
    from zwgk.ontology.builder import build_ledger

    built = build_ledger(read_ledger(path))
    store = ox.Store()
    store.extend(built.quads)

    def select(query: str):
        return store.query(PREFIXES + query, use_default_graph_as_union=True)

    tasks: dict[str, LoadedTask] = {}
    for row in select("""SELECT ?t ?text ?line ?pos WHERE { ?t a zw:Task .
            OPTIONAL { ?t zw:text ?text } OPTIONAL { ?t zw:sourceLine ?line }
            OPTIONAL { ?t zw:position ?pos } }"""):
        task = tasks.setdefault(row["t"].value, LoadedTask(row["t"].value))
        task.text = task.text or _value(row["text"]) or ""
        task.line = task.line if task.line is not None else _int(row["line"])
        task.position = task.position if task.position is not None else _int(row["pos"])
    for prop, attr in (("leadUnit", "lead"), ("responsibleUnit", "other")):
        for row in select(f"""SELECT ?t ?unit ?label WHERE {{ ?t a zw:Task ; zw:{prop} ?unit .
                OPTIONAL {{ ?unit skos:prefLabel|skos:altLabel|rdfs:label ?label }} }}"""):
            labels = getattr(tasks[row["t"].value], attr).setdefault(row["unit"].value, set())
            if row["label"] is not None and norm(row["label"].value):
                labels.add(norm(row["label"].value))
    for row in select("""SELECT ?t ?text WHERE { ?t a zw:Task ; zw:deadline ?d .
            OPTIONAL { ?d zw:deadlineText ?text } }"""):
        tasks[row["t"].value].deadlines.append(_value(row["text"]) or "")
    for row in select("""SELECT DISTINCT ?t ?label WHERE { ?t a zw:Task ; zw:indicator ?i .
            ?i skos:broader* ?above . ?above skos:prefLabel ?label }"""):
        tasks[row["t"].value].path.add(heading_label(row["label"].value))
    # tasks without a source line sort first, as in the corpus scorer; ties keep reading order
    return sorted(tasks.values(), key=lambda t: (t.line or 0, t.position or 0, t.iri))


# --- matching --------------------------------------------------------------------------------


def units_ok(gold: Iterable[str], loaded: dict[str, set[str]]) -> bool:
    """Exact set: as many loaded units as gold units, and each gold unit names a different
    loaded unit (a bipartite matching over the units' labels)."""
    names = [norm(name) for name in gold if norm(name)]
    if len(names) != len(loaded):
        return False
    units = list(loaded.values())
    taken: dict[int, int] = {}
    """Loaded unit index → the gold name index it is matched to."""

    def assign(g: int, seen: set[int]) -> bool:
        for u, labels in enumerate(units):
            if names[g] in labels and u not in seen:
                seen.add(u)
                if u not in taken or assign(taken[u], seen):
                    taken[u] = g
                    return True
        return False

    return all(assign(g, set()) for g in range(len(names)))


def deadline_ok(gold: str, loaded: Iterable[str]) -> bool:
    want = norm(gold)
    return any(want in norm(text) or (norm(text) and norm(text) in want) for text in loaded)


def path_ok(gold: Iterable[str], loaded: set[str]) -> bool:
    return all(label in loaded for label in map(heading_label, gold) if label)


@dataclass
class FileScore:
    corpus: str
    file: str
    """The ledger's file name."""
    gold: int = 0
    loaded: int = 0
    found: int = 0
    lead_ok: int = 0
    other_ok: int = 0
    deadline_ok: int = 0
    deadline_n: int = 0
    """Found tasks whose gold names a deadline."""
    path_ok: int = 0
    missing: list[str] = field(default_factory=list)
    """The ``text_start`` of the gold tasks not found."""
    refused: str | None = None
    """The readers' message for a refused file."""

    @property
    def key(self) -> str:
        return f"{self.corpus}/{Path(self.file).stem}"

    def line(self) -> str:
        f = max(self.found, 1)
        text = (
            f"{self.key}: gold {self.gold} loaded {self.loaded} found {self.found} "
            f"lead {self.lead_ok / f:.2f} other {self.other_ok / f:.2f} "
            f"deadline {self.deadline_ok}/{self.deadline_n} path {self.path_ok / f:.2f}"
        )
        if self.refused:
            text += f"  [refused: {self.refused}]"
        return text


def score_tasks(score: FileScore, gold: list[GoldTask], loaded: list[LoadedTask]) -> FileScore:
    score.gold, score.loaded = len(gold), len(loaded)
    pool = list(loaded)
    for g in gold:
        key = norm(g.text_start)[:KEY_CHARS]
        hit = next((t for t in pool if key and norm(t.text).startswith(key)), None)
        if hit is None:
            score.missing.append(g.text_start)
            continue
        pool.remove(hit)
        score.found += 1
        score.lead_ok += units_ok(g.lead, hit.lead)
        score.other_ok += units_ok(g.responsible, hit.other)
        if g.deadline:
            score.deadline_n += 1
            score.deadline_ok += deadline_ok(g.deadline, hit.deadlines)
        score.path_ok += path_ok(g.path, hit.path)
    return score


def gold_path(ledger: Path) -> Path:
    return ledger.parent.parent / "gold" / (ledger.stem + ".json")


@cache
def score_file(ledger: Path) -> FileScore:
    """The figures of one corpus ledger (``<corpus>/ledgers/<name>``) against its gold file."""
    from zwgk.errors import ZwgkError

    ledger = Path(ledger)
    doc = json.loads(gold_path(ledger).read_text(encoding="utf-8"))
    score = FileScore(corpus=ledger.parent.parent.name, file=ledger.name)
    try:
        loaded = read_tasks(ledger)
    except ZwgkError as exc:
        loaded = []
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        score.refused = message.replace(str(ledger), ledger.name)
    return score_tasks(score, gold_tasks(doc), loaded)


def ledgers(corpus: str, root: Path = CORPUS_DIR) -> list[Path]:
    return sorted(p for p in (root / corpus / "ledgers").iterdir() if p.is_file())


def all_ledgers(root: Path = CORPUS_DIR) -> Iterator[Path]:
    for corpus in CORPORA:
        yield from ledgers(corpus, root)


# --- totals ----------------------------------------------------------------------------------

TOTAL_FIGURES = ("recall", "precision", "lead", "other", "deadline", "path")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def totals(scores: list[FileScore]) -> dict[str, float]:
    """The corpus figures: recall = found / gold, precision = found / loaded, and the shares of
    found tasks whose lead units, other units and path are right (deadline: of those whose
    gold has a deadline). A ratio over nothing is 0."""
    g = sum(s.gold for s in scores)
    f = sum(s.found for s in scores)
    return {
        "recall": _ratio(f, g),
        "precision": _ratio(f, sum(s.loaded for s in scores)),
        "lead": _ratio(sum(s.lead_ok for s in scores), f),
        "other": _ratio(sum(s.other_ok for s in scores), f),
        "deadline": _ratio(sum(s.deadline_ok for s in scores), sum(s.deadline_n for s in scores)),
        "path": _ratio(sum(s.path_ok for s in scores), f),
    }


def summary(scores: list[FileScore]) -> str:
    """One line of totals in the corpus scorer's words."""
    g = sum(s.gold for s in scores)
    f = sum(s.found for s in scores)
    n = sum(s.loaded for s in scores)
    dn = sum(s.deadline_n for s in scores)
    read = sum(1 for s in scores if s.loaded)
    macro = sum(s.found / s.gold for s in scores if s.gold) / max(len(scores), 1)
    pct = lambda a, b: f"{a / b:.2f}" if b else "-"  # noqa: E731
    return (
        f"TOTAL files read {read}/{len(scores)}; recall {pct(f, g)} ({f}/{g}), per-file mean {macro:.2f}; "
        f"precision {pct(f, n)}; lead {pct(sum(s.lead_ok for s in scores), f)}; "
        f"other units {pct(sum(s.other_ok for s in scores), f)}; "
        f"deadline {pct(sum(s.deadline_ok for s in scores), dn)}; "
        f"path {pct(sum(s.path_ok for s in scores), f)}"
    )


# --- expectations ----------------------------------------------------------------------------

FILE_FIGURES = ("found", "loaded", "lead_ok", "other_ok", "deadline_ok", "path_ok")


def bound(figure: str) -> str:
    """The name of a file figure's bound in expected.json: ``max_loaded`` (more tasks than
    that are spurious rows), ``min_…`` for the others."""
    return ("max_" if figure == "loaded" else "min_") + figure


def expectations(scores: list[FileScore]) -> dict:
    """expected.json's content for these figures (totals floored to 4 decimals)."""
    import math

    by_corpus: dict[str, list[FileScore]] = {}
    for s in scores:
        by_corpus.setdefault(s.corpus, []).append(s)
    return {
        "about": "Figures the current readers reach on tests/data/corpus, asserted by "
        "tests/test_corpus.py: per file the bounds named; per corpus the minimum totals "
        "(shares 0-1, floored to 4 decimals). Regenerate from the current figures with "
        "`.venv/bin/python tests/corpus_report.py --write-expected`.",
        "files": {s.key: {bound(name): getattr(s, name) for name in FILE_FIGURES} for s in scores},
        "totals": {
            corpus: {name: math.floor(value * 10_000) / 10_000 for name, value in totals(group).items()}
            for corpus, group in by_corpus.items()
        },
    }


def read_expected(path: Path = EXPECTED) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"files": {}, "totals": {}}


def write_expected(scores: list[FileScore], path: Path = EXPECTED) -> dict:
    data = expectations(scores)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data
