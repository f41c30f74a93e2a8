"""Rollups: the national tables kept as data, so that the saved queries that answer them read a
few rows per answer row instead of joining every tally, label and task of the store.

Six saved queries return national-sized tables (18,000–47,000 rows at 3,000 ledgers) and took
1–3.4 s when they joined every ledger's tallies again on each run (bench/README.md). Each table
here has an internal query (``queries/internal/rollup-<table>.rq``) that computes it directly,
in its order; its rows are written into one derived named graph (``ROLLUPS_GRAPH``), each row
a node with one triple per bound column and its position (``rank``), and the saved query reads
them back in that order. The graph is written by zwgk only: it is brought up to date once per
load batch and after a removal (``zwgk.pipeline``), writing only the rows that changed, and
``zwgk rollups --rebuild`` writes it again whole when in doubt. Parameters stay drill-down: a
saved query given one filters the rows.

Columns are properties named after the internal query's variables, in a namespace of their
table (``https://w3id.org/zwgk/ontology/rollup/<table>#<variable>``), so that one table's rows
never join another's and the ledgers' own patterns never meet them in the union default graph.

A batch that only adds ledgers refreshes only the rows they can change (``_refresh_added``):
restricted internal queries (``rollup-*-of.rq``, ``rollup-added-*.rq``) start from the added
ledgers and their groups by ``VALUES`` blocks, so that Oxigraph follows indexes instead of
joining every tally (milliseconds instead of 28 s at 3,000 ledgers). New rows are ranked between
their neighbours, found in the row index kept beside an embedded store (``INDEX_FILE``: each
row's sort key, node and rank), not by reading every row's columns back from the store. Anything
else — a replacement or a removal, a remote store, an index that does not match the store —
refreshes every table, which gives the same rows in the same order."""

from __future__ import annotations

import json
import os
import re
import uuid
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ontology import iris
from .saved import internal

if TYPE_CHECKING:
    from ..store.base import LoadSummary, Store

ROLLUPS_GRAPH = iris.ID + "graph/rollups"
COLUMNS = "https://w3id.org/zwgk/ontology/rollup/"
"""Each table's columns are ``{COLUMNS}{table}#{variable}``; its rows' order is ``…#rank``
(an ``xsd:decimal``)."""
TABLES = ("agency-types", "shared-units", "lead-workload", "tasks-due", "ledgers")
"""The tables kept: ``tasks-due`` holds every dated task, of which the saved query
``tasks-due-before`` keeps those before its date; the others are their saved query's answer."""
CHUNK_TRIPLES = 50_000
"""A remote store is written in updates of about this many triples."""
_DCTERMS_TITLE = "http://purl.org/dc/terms/title"
REVISION = f"{COLUMNS}revision"
"""The property of the rollups graph's revision: a new one on every refresh, written in the
same update as the rows and kept in the row index too, so that an index of another state of
the graph is never used."""
INDEX_FILE = "zwgk-rollups.index"
INDEX_FORMAT = 1
ADDED_AT_MOST = 50
"""A batch adding more ledgers than this refreshes every table: past it the groups it touches
are most of the tables."""
CONCATENATED = {"shared-units": "jurisdictions", "tasks-due": "leads"}
"""Columns joined by ``GROUP_CONCAT``, whose order is the join's and differs between query
plans: kept as their distinct parts sorted, so that a row summed by a restricted query equals
the full query's (sorting in SPARQL cost 15 s more on 3,000 ledgers' tasks)."""
SEPARATOR = "; "


@dataclass(frozen=True)
class RollupTable:
    """One table as kept: its name and how many rows it has."""

    name: str
    rows: int


@dataclass(frozen=True)
class RollupReport:
    tables: tuple[RollupTable, ...]
    triples: int

    def render(self) -> str:
        parts = ", ".join(f"{table.name} {table.rows}" for table in self.tables)
        return f"rollups / 汇总表: {parts} ({self.triples} triples / 三元组)\n"


def column(table: str, name: str) -> str:
    """The property of a table's column (or ``rank``)."""
    return f"{COLUMNS}{table}#{name}"


def row_iri(table: str, cells: tuple[str | None, ...], occurrence: int) -> str:
    """A row by its table and content (and how many identical rows come before it): a row that a
    refresh finds again keeps its node, so only what changed is written."""
    return f"{iris.ID}rollup/{table}/{iris.digest(table, *cells, occurrence, length=16)}"


@dataclass(frozen=True)
class _Rows:
    """One table as computed now: its column properties and each row's node and cells (N-Triples
    terms, None where unbound), in the table's order, with each row's sort key (``_key``; None
    when a value is not of a type the key knows)."""

    table: str
    predicates: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]
    keys: tuple[str, ...] | None = None


class _Unsure(Exception):
    """The incremental refresh cannot vouch that its rows would equal a full refresh's: the
    caller refreshes every table instead."""


def _table_rows(store: Store, table: str) -> _Rows:
    """A table computed by its internal query."""
    return _rows_of(table, store.query(internal(f"rollup-{table}")))


def _rows_of(table: str, answer: Any) -> _Rows:
    """A table's rows from an answer of its internal query or of a restricted one."""
    variables = [variable.value for variable in answer.variables]
    predicates = tuple(f"<{column(table, name)}>" for name in variables)
    joined = CONCATENATED.get(table)
    seen: dict[tuple[str | None, ...], int] = {}
    rows = []
    keys: list[str] | None = []
    for solution in answer:
        terms = dict(zip(variables, solution, strict=True))
        if joined is not None and terms[joined] is not None:
            terms[joined] = _sorted_parts(terms[joined].value)
        cells = tuple(None if terms[name] is None else str(terms[name]) for name in variables)
        seen[cells] = seen.get(cells, 0) + 1
        rows.append((row_iri(table, cells, seen[cells]), cells))
        if keys is not None:
            try:
                keys.append(_key(table, terms))
            except _Unsure:
                keys = None
    return _Rows(table=table, predicates=predicates, rows=tuple(rows), keys=None if keys is None else tuple(keys))


def _sorted_parts(value: str) -> Any:
    """A concatenated cell as its distinct parts in code point order (``CONCATENATED``)."""
    from pyoxigraph import Literal

    return Literal(SEPARATOR.join(sorted(set(value.split(SEPARATOR)))))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRINGS = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


_PART = "\x01"
"""Between the parts of a key (``_FIELD`` before the node and the rank of an index line): both
lower than any character a part holds, so that a key orders as the tuple of its parts."""
_FIELD = "\x00"
_BOUND = "\x02"
_OFFSET = 10**15
_CONTROL = re.compile(r"[\x00-\x1f]")


def _text(term: Any) -> str:
    """A string as a key part: empty when unbound, which orders before any bound value (marked
    by ``_BOUND``), as Oxigraph orders an unbound value first; strings by code point in both."""
    if term is None:
        return ""
    if getattr(term, "datatype", None) is None or term.datatype.value not in _STRINGS:
        raise _Unsure(f"not a string: {term}")
    return _bound(term.value)


def _bound(value: str) -> str:
    if _CONTROL.search(value):
        raise _Unsure(f"a control character in {value!r}")
    return _BOUND + value


def _integer(term: Any) -> int:
    if getattr(term, "datatype", None) is None or term.datatype.value != _XSD + "integer":
        raise _Unsure(f"not an integer: {term}")
    return int(term.value)


def _number(value: int) -> str:
    """An integer as a key part: digits of fixed width, which order as the numbers."""
    if not -_OFFSET <= value < _OFFSET:
        raise _Unsure(f"{value} is out of the keys' range")
    return f"{value + _OFFSET:016d}"


def _date(term: Any) -> str:
    """An ``xsd:date`` of four-digit year without time zone: its text orders as its day."""
    if (
        getattr(term, "datatype", None) is None
        or term.datatype.value != _XSD + "date"
        or not _DATE.fullmatch(term.value)
    ):
        raise _Unsure(f"not a plain date: {term}")
    return str(term.value)


def _key(table: str, terms: dict[str, Any]) -> str:
    """A row's sort key: a string that Python orders as the table's internal query's ORDER BY
    orders the row (DESC as a negated number). ``tasks-due`` keys by due date and ledger only:
    the rows of one ledger are added together, in the query's order."""
    if table == "agency-types":
        parts = [_text(terms["type"]), _text(terms["jurisdiction"])]
    elif table == "lead-workload":
        parts = [_text(terms["jurisdiction"]), _number(-_integer(terms["tasks"])), _text(terms["unit"])]
    elif table == "shared-units":
        parts = [_number(-_integer(terms["ledgers"])), _number(-_integer(terms["tasks"])), _text(terms["name"])]
    elif table == "tasks-due":
        parts = [_date(terms["due"]), _text(terms["id"])]
    else:
        parts = [_text(terms["id"])]
    return _PART.join(parts)


RANK_DIGITS = 18
"""Fractional digits of a rank: an ``xsd:decimal`` in Oxigraph keeps 18."""


def _ranks(order: list[str], kept: dict[str, Decimal]) -> dict[str, Decimal]:
    """Ranks for rows in their new order, keeping the rank a row already has wherever the order
    allows (rows kept in the same relative order), so that a refresh that adds one row rewrites
    one row, not every row after it. New rows take evenly spaced decimals between the ranks
    around them; when the decimals run out every row is numbered again 1, 2, 3…"""
    keep: dict[int, Decimal] = {}
    last = Decimal(0)
    for position, node in enumerate(order):
        rank = kept.get(node)
        if rank is not None and rank > last:
            keep[position] = last = rank
    out: dict[str, Decimal] = {}
    low, start = Decimal(0), 0
    for position in [*sorted(keep), len(order)]:
        high = keep.get(position, max(low, Decimal(len(order))) + 1)
        gap = position - start
        for k in range(gap):
            rank = (low + (high - low) * (k + 1) / (gap + 1)).quantize(Decimal(1).scaleb(-RANK_DIGITS))
            if not low < rank < high:
                return {node: Decimal(k + 1) for k, node in enumerate(order)}
            out[order[start + k]] = rank
        if position < len(order):
            out[order[position]] = low = keep[position]
        start = position + 1
    return out


def _decimal(rank: Decimal) -> str:
    text = format(rank.normalize(), "f")
    return f'"{text}"^^<http://www.w3.org/2001/XMLSchema#decimal>'


def _description() -> list[str]:
    graph = f"<{ROLLUPS_GRAPH}>"
    return [
        f'{graph} <{_DCTERMS_TITLE}> "全国汇总表（由台账派生，zwgk 维护）"@zh .',
        f'{graph} <{_DCTERMS_TITLE}> "national rollups (derived from the ledgers, kept by zwgk)"@en .',
    ]


REWRITE_SHARE = 0.5
"""When more than this share of the rows changed, the graph is written again whole."""


def refresh_rollups(store: Store, *, rebuild: bool = False) -> RollupReport:
    """Compute every table from the ledgers and bring the rollups graph to them: after a load
    batch, a removal, or ``zwgk rollups --rebuild`` (``rebuild``: the graph is written again
    whole). Rows found again keep their node and rank, so a refresh deletes and writes only
    what changed — deleting is what costs (the 115,000 triples of 300 ledgers' rollups took
    35 s to drop on a busy machine, 8–11 s to bulk-load). Every table is computed before the
    graph is touched, and the changes are one update, so a failing query or write leaves the
    previous rollups in place. The ranks kept are read from the row index when it matches the
    graph (reading every row's rank took 3.7 s at 3,000 ledgers), and the index is written
    again for the next batch."""
    computed = [_table_rows(store, table) for table in TABLES]
    tables = tuple(RollupTable(name=rows.table, rows=len(rows.rows)) for rows in computed)
    exists = not rebuild and has_rollups(store)
    index = _current_index(store) if exists else None
    kept = {} if not exists else (index.ranks() if index is not None else _kept_ranks(store))
    total = sum(len(rows.rows) for rows in computed)
    changed = sum(1 for rows in computed for node, _ in rows.rows if node not in kept.get(rows.table, {}))
    revision = uuid.uuid4().hex
    ranked: dict[str, dict[str, Decimal]] = {}
    if not kept or changed > REWRITE_SHARE * max(total, 1):
        lines = [*_description(), _revision_line(revision)]
        for rows in computed:
            ranked[rows.table] = ranks = _ranks([node for node, _ in rows.rows], {})
            lines.extend(_row_lines(rows, ranks, new=None))
        _replace_graph(store, lines)
        triples = len(lines)
    else:
        gone: list[str] = []
        moved: list[str] = []
        inserted: list[str] = []
        for rows in computed:
            before = kept.get(rows.table, {})
            ranked[rows.table] = ranks = _ranks([node for node, _ in rows.rows], before)
            rank = f"<{column(rows.table, 'rank')}>"
            present = {node for node, _ in rows.rows}
            gone += [node for node in before if node not in present]
            inserted += _row_lines(rows, ranks, new=present - before.keys())
            for node, value in ranks.items():
                if node in before and before[node] != value:
                    moved.append(f"<{node}> {rank} {_decimal(before[node])} .")
                    inserted.append(f"<{node}> {rank} {_decimal(value)} .")
        _apply(store, gone=gone, moved=moved, inserted=inserted, revision=revision)
        triples = _size(store)
    entries: dict[str, list[str]] | None = {}
    for rows in computed:
        if rows.keys is None or entries is None:
            entries = None
            continue
        ranks = ranked[rows.table]
        entries[rows.table] = [
            _line(key, node, ranks[node]) for (node, _), key in zip(rows.rows, rows.keys, strict=True)
        ]
    _save_index(store, entries, revision=revision, triples=triples)
    return RollupReport(tables=tables, triples=triples)


def _revision_line(revision: str) -> str:
    return f'<{ROLLUPS_GRAPH}> <{REVISION}> "{revision}" .'


def _apply(
    store: Store, *, gone: list[str], moved: list[str], inserted: list[str], revision: str | None = None
) -> None:
    """One update: the rows that are gone deleted whole, the ranks that moved deleted, the new
    rows and ranks inserted, and the graph's revision replaced by ``revision``."""
    graph = f"<{ROLLUPS_GRAPH}>"
    parts = []
    if gone:
        nodes = " ".join(f"<{node}>" for node in gone)
        parts.append(
            f"DELETE {{ GRAPH {graph} {{ ?row ?p ?o }} }} WHERE {{ VALUES ?row {{ {nodes} }} GRAPH {graph} {{ ?row ?p ?o }} }}"
        )
    if moved:
        parts.append(f"DELETE DATA {{ GRAPH {graph} {{\n" + "\n".join(moved) + "\n} }")
    if revision is not None:
        parts.append(f"DELETE WHERE {{ GRAPH {graph} {{ {graph} <{REVISION}> ?revision }} }}")
        inserted = [*inserted, _revision_line(revision)]
    if inserted:
        parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(inserted) + "\n} }")
    if parts:
        store.update(" ;\n".join(parts))


def _size(store: Store) -> int:
    return sum(int(_value(row[0])) for row in store.query(internal("rollup-size")))


def _row_lines(rows: _Rows, ranks: dict[str, Decimal], *, new: set[str] | None) -> list[str]:
    """The triples of a table's rows (of the ``new`` ones only, when given)."""
    rank = f"<{column(rows.table, 'rank')}>"
    lines = []
    for node, cells in rows.rows:
        if new is not None and node not in new:
            continue
        lines.append(f"<{node}> {rank} {_decimal(ranks[node])} .")
        lines.extend(
            f"<{node}> {p} {cell} ." for p, cell in zip(rows.predicates, cells, strict=True) if cell is not None
        )
    return lines


def _kept_ranks(store: Store) -> dict[str, dict[str, Decimal]]:
    """The rows the rollups graph holds now, table by table: node → rank."""
    out: dict[str, dict[str, Decimal]] = {}
    for node, predicate, rank in store.query(internal("rollup-ranks")):
        table = _value(predicate).removeprefix(COLUMNS).partition("#")[0]
        out.setdefault(table, {})[_value(node)] = Decimal(_value(rank))
    return out


def keep_rollups(store: Store, *, changed: bool, loaded: Sequence[LoadSummary] = ()) -> RollupReport | None:
    """The pipeline's one call after a load batch or a removal: refresh the rollups when a
    ledger changed, or when the store has none yet (a store loaded before zwgk kept them).
    ``loaded``: the batch's summaries; when every ledger written is new, only the rows they can
    change are refreshed (``_refresh_added``), unless that cannot vouch for its result."""
    if not changed and has_rollups(store):
        return None
    added = _added_only(loaded)
    if added and has_rollups(store):
        try:
            return _refresh_added(store, added)
        except _Unsure:
            pass
    return refresh_rollups(store)


def _added_only(loaded: Sequence[LoadSummary]) -> list[str]:
    """The ids of the ledgers a batch added, if it only added some (none replaced or retired,
    and not more than ``ADDED_AT_MOST``); else none."""
    if any(summary.status not in ("new", "unchanged") or summary.replaces for summary in loaded):
        return []
    added = list(dict.fromkeys(summary.id for summary in loaded if summary.status == "new"))
    return added if len(added) <= ADDED_AT_MOST else []


# The row index beside an embedded store -------------------------------------------------------


@dataclass
class _Index:
    """What a refresh needs of the rows kept, without reading them from the store: each table's
    rows in order as lines ``sort key, node digest, rank`` (``_line``), the ledgers they were
    computed from (IRI → sha256 of the file) and the graph's revision and size. A text file of
    one line per row: at 3,000 ledgers (211,000 rows, 14 MB) the same rows as gzipped JSON took
    0.9 s to read and 0.7 s to write, a third of a refresh."""

    revision: str
    ledgers: dict[str, str]
    tables: dict[str, list[str]]
    triples: int = 0

    def ranks(self) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for table, lines in self.tables.items():
            ranks = out[table] = {}
            for line in lines:
                _, digest, rank = line.split(_FIELD)
                ranks[_node(table, digest)] = Decimal(rank)
        return out

    def save(self, path: Path) -> None:
        """Written atomically (a temporary file, then a rename): a header of JSON, then each
        table's lines."""
        header = {
            "format": INDEX_FORMAT,
            "revision": self.revision,
            "triples": self.triples,
            "ledgers": self.ledgers,
            "rows": {table: len(self.tables[table]) for table in TABLES},
        }
        partial = path.with_name(path.name + ".partial")
        text = "\n".join([json.dumps(header, ensure_ascii=False), *(line for t in TABLES for line in self.tables[t])])
        partial.write_bytes(text.encode("utf-8"))
        os.replace(partial, path)

    @classmethod
    def read(cls, path: Path, *, revision: str | None) -> _Index | None:
        """The index at ``path`` if it is the one of ``revision``, else None (missing, damaged,
        of another layout or another state of the graph)."""
        if revision is None:
            return None
        try:
            lines = path.read_bytes().decode("utf-8").split("\n")
            header = json.loads(lines[0])
            if header.get("format") != INDEX_FORMAT or header.get("revision") != revision:
                return None
            tables, start = {}, 1
            for table in TABLES:
                end = start + int(header["rows"][table])
                tables[table] = lines[start:end]
                start = end
            if start != len(lines):
                return None
            return cls(
                revision=revision, ledgers=dict(header["ledgers"]), tables=tables, triples=int(header["triples"])
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _line(key: str, node: str, rank: Decimal) -> str:
    return f"{key}{_FIELD}{_digest(node)}{_FIELD}{_rank_text(rank)}"


def _folder(store: Store) -> Path | None:
    """The embedded store's folder, where the index is kept (None for a remote store)."""
    if store.local is None:
        return None
    folder = Path(store.location)
    return folder if folder.is_dir() else None


def _current_index(store: Store) -> _Index | None:
    folder = _folder(store)
    if folder is None:
        return None
    rows = list(store.query(internal("rollup-revision")))
    return _Index.read(folder / INDEX_FILE, revision=_value(rows[0][0]) if rows else None)


def _save_index(
    store: Store,
    tables: dict[str, list[str]] | None,
    *,
    revision: str,
    triples: int,
    ledgers: dict[str, str] | None = None,
) -> None:
    """Write the index of the graph just written (computed from ``ledgers``, by default those
    of the store now), or remove a stale one when the rows have no index (a value the sort keys
    do not know). A failed write leaves no index: the next refresh is a full one."""
    folder = _folder(store)
    if folder is None:
        return
    path = folder / INDEX_FILE
    try:
        if tables is None:
            path.unlink(missing_ok=True)
            return
        state = _ledger_state(store) if ledgers is None else ledgers
        _Index(revision=revision, ledgers=state, tables=tables, triples=triples).save(path)
    except OSError:
        # The graph holds another revision than any index left behind: it is never used.
        with suppress(OSError):
            path.unlink(missing_ok=True)


def _ledger_state(store: Store) -> dict[str, str]:
    return {_value(ledger): _value(sha) for ledger, sha in store.query(internal("ledger-state"))}


def _digest(node: str) -> str:
    return node.rpartition("/")[2]


def _node(table: str, digest: str) -> str:
    return f"{iris.ID}rollup/{table}/{digest}"


def _rank_text(rank: Decimal) -> str:
    return format(rank.normalize(), "f")


# Refreshing the rows of added ledgers ----------------------------------------------------------


def _restricted(name: str, **blocks: Sequence[tuple[Any, ...]]) -> str:
    """An internal query with its empty ``VALUES`` blocks filled: ``blocks`` maps each block's
    variables (``ledger``, or ``type_jurisdiction`` for ``(?type ?jurisdiction)``) to rows of
    pyoxigraph terms (None: UNDEF), written as N-Triples terms by pyoxigraph."""
    from ..store.base import internal_query

    text = internal_query(name)
    for names, rows in blocks.items():
        head = " ".join(f"?{var}" for var in names.split("_"))
        head = head if " " not in head else f"({head})"
        empty = f"VALUES {head} {{ }}"
        if empty not in text:
            raise _Unsure(f"queries/internal/{name}.rq has no {empty}")
        body = " ".join(_values_row(row) for row in rows)
        text = text.replace(empty, f"VALUES {head} {{ {body} }}")
    return text


def _values_row(row: tuple[Any, ...]) -> str:
    cells = ["UNDEF" if term is None else str(term) for term in row]
    return cells[0] if len(cells) == 1 else "(" + " ".join(cells) + ")"


@dataclass
class _Change:
    """What an incremental refresh writes: the rows deleted and the triples inserted."""

    gone: list[str] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)


def _refresh_added(store: Store, added: list[str]) -> RollupReport:
    """Refresh the rows that adding the ledgers ``added`` (ids) can change, as a full refresh
    would give them, reading and writing only those; ``_Unsure`` when that cannot be vouched
    for: no index matching the graph, ledgers other than the index's and the added ones, or an
    added ledger that names a unit or place of other ledgers otherwise than they do."""
    from pyoxigraph import NamedNode

    index = _current_index(store)
    if index is None:
        raise _Unsure("no row index of this state of the rollups")
    ledgers = [iris.ledger(lid) for lid in added]
    state = _ledger_state(store)
    if (
        any(ledger in index.ledgers or ledger not in state for ledger in ledgers)
        or {ledger: sha for ledger, sha in state.items() if ledger not in ledgers} != index.ledgers
    ):
        raise _Unsure("the ledgers are not the index's and the added ones")
    graphs = [(NamedNode(iris.graph(lid)),) for lid in added]
    renamed: set[str] = set()
    for _, prop, label in store.query(_restricted("rollup-added-labels", graph=graphs, other=graphs, another=graphs)):
        if prop.value.endswith("prefLabel"):
            raise _Unsure(f"an added ledger names a unit or place of other ledgers otherwise: {label}")
        renamed.add(label.value)
    keys = [(NamedNode(ledger),) for ledger in ledgers]
    fresh: dict[str, tuple[_Rows, _Groups | None]] = {
        "agency-types": _agency_types(store, keys),
        "lead-workload": _lead_workload(store, keys),
        "tasks-due": (_rows_of("tasks-due", store.query(_restricted("rollup-tasks-due-of", ledger=keys))), None),
        "ledgers": (_rows_of("ledgers", store.query(_restricted("rollup-ledgers-of", ledger=keys))), None),
    }
    fresh["shared-units"] = _shared_units(store, keys, index.tables["shared-units"], renamed=renamed)
    change = _Change()
    tables = dict(index.tables)
    for table in TABLES:
        rows, groups = fresh[table]
        tables[table] = _merge(table, index.tables[table], rows, groups=groups, change=change)
    revision = uuid.uuid4().hex
    removed = _triples_of(store, change.gone)
    _apply(store, gone=change.gone, moved=[], inserted=change.inserted, revision=revision)
    triples = index.triples - removed + len(change.inserted)
    _save_index(store, tables, revision=revision, triples=triples, ledgers=state)
    return RollupReport(
        tables=tuple(RollupTable(name=table, rows=len(tables[table])) for table in TABLES), triples=triples
    )


def _triples_of(store: Store, nodes: list[str]) -> int:
    if not nodes:
        return 0
    from pyoxigraph import NamedNode

    return len(list(store.query(_restricted("rollup-cells", row=[(NamedNode(node),) for node in nodes]))))


@dataclass(frozen=True)
class _Groups:
    """The groups of a table's rows that are refreshed: those whose key starts with one of
    ``prefixes`` (rows of a group are together in the table's order), or whose name is one of
    ``names`` (``shared-units``, ordered by counts)."""

    prefixes: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    def rows(self, lines: list[str]) -> list[int]:
        """The positions of the lines of these groups."""
        found = []
        for prefix in sorted(self.prefixes):
            at = bisect_left(lines, prefix)
            while at < len(lines) and lines[at].startswith(prefix):
                found.append(at)
                at += 1
        if self.names:
            found += [at for at, line in enumerate(lines) if _name_of(line) in self.names]
        return found


def _name_of(line: str) -> str | None:
    """The name of a ``shared-units`` line."""
    name = line.partition(_FIELD)[0].split(_PART)[2]
    return name[1:] if name else None


def _agency_types(store: Store, ledgers: list[tuple[Any, ...]]) -> tuple[_Rows, _Groups]:
    """The groups (type, jurisdiction) the added ledgers' tallies fall in, summed again over
    every ledger; those without a jurisdiction from the tallies of their types that have none."""
    groups = [
        (row["type"], row["jurisdiction"])
        for row in store.query(_restricted("rollup-added-agency-types", ledger=ledgers))
    ]
    placed = [group for group in groups if group[1] is not None]
    unplaced = sorted({str(group[0]): (group[0],) for group in groups if group[1] is None}.items())
    answers = []
    if placed:
        answers.append(store.query(_restricted("rollup-agency-types-of", type_jurisdiction=placed)))
    if unplaced:
        tallies = [
            (row["type"], row["t"])
            for row in store.query(_restricted("rollup-unplaced-tallies", type=[t for _, t in unplaced]))
        ]
        if tallies:
            answers.append(store.query(_restricted("rollup-agency-types-of-tallies", type_t=tallies)))
    prefixes = frozenset(_text(t) + _PART + _text(j) + _FIELD for t, j in groups)
    return _joined("agency-types", answers), _Groups(prefixes=prefixes)


def _lead_workload(store: Store, ledgers: list[tuple[Any, ...]]) -> tuple[_Rows, _Groups]:
    """The groups of the added ledgers' jurisdictions, summed again over every ledger of each;
    that of the ledgers without one from those ledgers."""
    places = [row["jurisdiction"] for row in store.query(_restricted("rollup-added-jurisdictions", ledger=ledgers))]
    answers = []
    named = [(place,) for place in places if place is not None]
    if named:
        answers.append(store.query(_restricted("rollup-lead-workload-of", jurisdiction=named)))
    if any(place is None for place in places):
        unplaced = [(row["ledger"],) for row in store.query(internal("rollup-unplaced-ledgers"))]
        answers.append(store.query(_restricted("rollup-lead-workload-of-ledgers", ledger=unplaced)))
    prefixes = frozenset(_text(place) + _PART for place in places)
    return _joined("lead-workload", answers), _Groups(prefixes=prefixes)


def _joined(table: str, answers: list[Any]) -> _Rows:
    """The rows of several answers of a table's restricted queries, in the table's order."""
    parts = [_rows_of(table, answer) for answer in answers]
    rows = [(row, key) for part in parts for row, key in zip(part.rows, _keys(part), strict=True)]
    rows.sort(key=lambda pair: pair[1])
    predicates = parts[0].predicates if parts else ()
    return _Rows(table=table, predicates=predicates, rows=tuple(r for r, _ in rows), keys=tuple(k for _, k in rows))


def _keys(rows: _Rows) -> tuple[str, ...]:
    if rows.keys is None:
        raise _Unsure(f"a value of {rows.table} the sort keys do not know")
    return rows.keys


def _shared_units(
    store: Store, ledgers: list[tuple[Any, ...]], lines: list[str], *, renamed: set[str]
) -> tuple[_Rows, _Groups]:
    """The names of the added ledgers' units. A name already kept as a row gets the added
    ledgers' tallies added to it (its other ledgers' are unchanged, unless an added ledger gave
    one of their units that name: ``renamed``); the others are summed again over every ledger
    (none of them was in two ledgers before)."""
    from pyoxigraph import Literal, NamedNode

    names = {row["name"].value for row in store.query(_restricted("rollup-added-names", ledger=ledgers))}
    kept: dict[str, tuple[int, int, str]] = {}
    for line in lines:
        name = _name_of(line)
        if name is not None and name in names and name not in renamed:
            key, digest, _ = line.split(_FIELD)
            ledgers_part, tasks_part, _ = key.split(_PART)
            kept[name] = (_OFFSET - int(ledgers_part), _OFFSET - int(tasks_part), digest)
    answers = []
    again = sorted(names - kept.keys())
    if again:
        labels = [(term,) for name in again for term in (Literal(name, language="zh"), Literal(name))]
        answers.append(store.query(_restricted("rollup-shared-units-of", label=labels)))
    rows = _joined("shared-units", answers)
    if kept:
        nodes = {_node("shared-units", digest): name for name, (_, _, digest) in kept.items()}
        old = {
            nodes[_value(row["row"])]: row["value"].value
            for row in store.query(_restricted("rollup-cells", row=[(NamedNode(node),) for node in sorted(nodes)]))
            if row["column"].value == column("shared-units", "jurisdictions")
        }
        sums: dict[str, tuple[set[str], int, set[str]]] = {name: (set(), 0, set()) for name in kept}
        for row in store.query(_restricted("rollup-added-shared-units", ledger=ledgers)):
            name = row["name"].value
            if name in sums:
                seen, tasks, places = sums[name]
                seen.add(row["ledger"].value)
                places.update(row["jurisdiction"].value.split(SEPARATOR))
                sums[name] = (seen, tasks + _integer(row["n"]), places)
        summed = []
        for name, (seen, tasks, places) in sums.items():
            if name not in old:
                raise _Unsure(f"the kept row of {name} has no jurisdictions")
            places.update(old[name].split(SEPARATOR))
            summed.append((name, kept[name][0] + len(seen), kept[name][1] + tasks, SEPARATOR.join(sorted(places))))
        rows = _with_sums(rows, summed)
    return rows, _Groups(names=frozenset(names))


def _with_sums(rows: _Rows, summed: list[tuple[str, int, int, str]]) -> _Rows:
    """``rows`` and the rows summed in Python, as the full query would write them, in order."""
    from pyoxigraph import Literal, NamedNode

    integer = NamedNode(_XSD + "integer")
    predicates = rows.predicates or tuple(
        f"<{column('shared-units', name)}>" for name in ("name", "ledgers", "tasks", "jurisdictions")
    )
    pairs = list(zip(rows.rows, _keys(rows), strict=True))
    for name, ledgers, tasks, places in summed:
        cells = (
            str(Literal(name)),
            str(Literal(str(ledgers), datatype=integer)),
            str(Literal(str(tasks), datatype=integer)),
            str(Literal(places)),
        )
        key = _PART.join([_number(-ledgers), _number(-tasks), _bound(name)])
        pairs.append(((row_iri("shared-units", cells, 1), cells), key))
    pairs.sort(key=lambda pair: pair[1])
    return _Rows(
        table="shared-units", predicates=predicates, rows=tuple(r for r, _ in pairs), keys=tuple(k for _, k in pairs)
    )


def _merge(table: str, lines: list[str], rows: _Rows, *, groups: _Groups | None, change: _Change) -> list[str]:
    """A table's index lines after its rows of the refreshed ``groups`` are replaced by ``rows``
    (in the table's order): rows found again keep their node and rank, rows gone are deleted,
    new rows are inserted with ranks between their neighbours'. ``groups`` None: no kept row is
    in them (the rows of the added ledgers themselves)."""
    fresh = {_digest(node) for node, _ in rows.rows}
    old: set[str] = set()
    if groups is not None:
        at = groups.rows(lines)
        old = {lines[k].split(_FIELD)[1] for k in at}
        gone = old - fresh
        if gone:
            change.gone += [_node(table, digest) for digest in sorted(gone)]
            drop = {k for k in at if lines[k].split(_FIELD)[1] in gone}
            lines = [line for k, line in enumerate(lines) if k not in drop]
    runs: dict[int, list[tuple[str, tuple[str | None, ...], str]]] = {}
    for (node, cells), key in zip(rows.rows, _keys(rows), strict=True):
        if _digest(node) in old:
            continue
        position = bisect_left(lines, key)
        if runs and position < max(runs):
            raise _Unsure(f"the rows of {table} are not in the order of their keys")
        runs.setdefault(position, []).append((node, cells, key))
    rank = f"<{column(table, 'rank')}>"
    lines = list(lines)
    for position in sorted(runs, reverse=True):
        run = runs[position]
        low = Decimal(lines[position - 1].rpartition(_FIELD)[2]) if position else Decimal(0)
        high = Decimal(lines[position].rpartition(_FIELD)[2]) if position < len(lines) else None
        inserted = []
        for (node, cells, key), value in zip(run, _between(low, high, len(run)), strict=True):
            change.inserted.append(f"<{node}> {rank} {_decimal(value)} .")
            change.inserted.extend(
                f"<{node}> {p} {cell} ." for p, cell in zip(rows.predicates, cells, strict=True) if cell is not None
            )
            inserted.append(_line(key, node, value))
        lines[position:position] = inserted
    return lines


def _between(low: Decimal, high: Decimal | None, count: int) -> list[Decimal]:
    """``count`` ranks evenly spaced between two neighbours' (after the last: whole steps)."""
    if high is None:
        return [low + k + 1 for k in range(count)]
    step = Decimal(1).scaleb(-RANK_DIGITS)
    out = [(low + (high - low) * (k + 1) / (count + 1)).quantize(step) for k in range(count)]
    if not all(a < b for a, b in zip([low, *out], [*out, high], strict=True)):
        raise _Unsure("no decimal left between two ranks")
    return out


def _replace_graph(store: Store, lines: list[str]) -> None:
    """Drop the rollups graph and write ``lines`` into it: on an embedded store by pyoxigraph's
    loaders, on a remote store by updates of ``CHUNK_TRIPLES``. On a busy machine (load average
    10), the 130,000 triples of 300 ledgers' rollups took 79 s by a transactional ``load`` and
    11 s by the bulk loader (used from ``BULK_FROM`` triples, as for ledgers); an ``INSERT
    DATA`` spends most of its time in the SPARQL parser."""
    local = store.local
    store.update(f"DROP SILENT GRAPH <{ROLLUPS_GRAPH}>")
    if local is not None:
        from pyoxigraph import NamedNode, RdfFormat

        from ..store.embedded import BULK_FROM

        data = "\n".join(lines).encode("utf-8")
        write = local.bulk_load if len(lines) >= BULK_FROM else local.load
        try:
            write(data, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(ROLLUPS_GRAPH))
        except OSError as exc:
            from ..errors import store_os_error

            raise store_os_error(
                exc, location=store.location, doing="write the rollups", doing_zh="写入汇总表", unchanged=False
            ) from None
        return
    for chunk in _chunks(lines):
        store.update(f"INSERT DATA {{ GRAPH <{ROLLUPS_GRAPH}> {{\n" + "\n".join(chunk) + "\n} }")


def _chunks(lines: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(lines), CHUNK_TRIPLES):
        yield lines[start : start + CHUNK_TRIPLES]


def rollup_tables(store: Store) -> RollupReport:
    """What the rollups graph holds now: each table's rows and the graph's triples (``zwgk
    rollups``)."""
    counts: dict[str, int] = {}
    for predicate, rows in store.query(internal("rollup-counts")):
        counts[_value(predicate).removeprefix(COLUMNS).partition("#")[0]] = int(_value(rows))
    return RollupReport(tables=tuple(RollupTable(name=t, rows=counts.get(t, 0)) for t in TABLES), triples=_size(store))


def has_rollups(store: Store) -> bool:
    """Whether the store holds the rollups graph at all (a store loaded before zwgk kept them
    answers the national tables empty until ``zwgk rollups --rebuild``)."""
    return bool(store.query(internal("rollups-exist")))


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)
