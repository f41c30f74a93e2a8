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
never join another's and the ledgers' own patterns never meet them in the union default graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..ontology import iris
from .saved import internal

if TYPE_CHECKING:
    from ..store.base import Store

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
    terms, None where unbound), in the table's order."""

    table: str
    predicates: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]


def _table_rows(store: Store, table: str) -> _Rows:
    """A table computed by its internal query."""
    answer = store.query(internal(f"rollup-{table}"))
    predicates = tuple(f"<{column(table, variable.value)}>" for variable in answer.variables)
    seen: dict[tuple[str | None, ...], int] = {}
    rows = []
    for solution in answer:
        cells = tuple(None if term is None else str(term) for term in solution)
        seen[cells] = seen.get(cells, 0) + 1
        rows.append((row_iri(table, cells, seen[cells]), cells))
    return _Rows(table=table, predicates=predicates, rows=tuple(rows))


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
    previous rollups in place."""
    computed = [_table_rows(store, table) for table in TABLES]
    tables = tuple(RollupTable(name=rows.table, rows=len(rows.rows)) for rows in computed)
    kept = {} if rebuild or not has_rollups(store) else _kept_ranks(store)
    total = sum(len(rows.rows) for rows in computed)
    changed = sum(1 for rows in computed for node, _ in rows.rows if node not in kept.get(rows.table, {}))
    if not kept or changed > REWRITE_SHARE * max(total, 1):
        lines = _description()
        for rows in computed:
            ranks = _ranks([node for node, _ in rows.rows], {})
            lines.extend(_row_lines(rows, ranks, new=None))
        _replace_graph(store, lines)
        return RollupReport(tables=tables, triples=len(lines))
    gone: list[str] = []
    moved: list[str] = []
    inserted: list[str] = []
    for rows in computed:
        before = kept.get(rows.table, {})
        ranks = _ranks([node for node, _ in rows.rows], before)
        rank = f"<{column(rows.table, 'rank')}>"
        present = {node for node, _ in rows.rows}
        gone += [node for node in before if node not in present]
        inserted += _row_lines(rows, ranks, new=present - before.keys())
        for node, value in ranks.items():
            if node in before and before[node] != value:
                moved.append(f"<{node}> {rank} {_decimal(before[node])} .")
                inserted.append(f"<{node}> {rank} {_decimal(value)} .")
    _apply(store, gone=gone, moved=moved, inserted=inserted)
    return RollupReport(tables=tables, triples=_size(store))


def _apply(store: Store, *, gone: list[str], moved: list[str], inserted: list[str]) -> None:
    """One update: the rows that are gone deleted whole, the ranks that moved deleted, the new
    rows and ranks inserted."""
    graph = f"<{ROLLUPS_GRAPH}>"
    parts = []
    if gone:
        nodes = " ".join(f"<{node}>" for node in gone)
        parts.append(
            f"DELETE {{ GRAPH {graph} {{ ?row ?p ?o }} }} WHERE {{ VALUES ?row {{ {nodes} }} GRAPH {graph} {{ ?row ?p ?o }} }}"
        )
    if moved:
        parts.append(f"DELETE DATA {{ GRAPH {graph} {{\n" + "\n".join(moved) + "\n} }")
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


def keep_rollups(store: Store, *, changed: bool) -> RollupReport | None:
    """The pipeline's one call after a load batch or a removal: refresh the rollups when a
    ledger changed, or when the store has none yet (a store loaded before zwgk kept them)."""
    if changed or not has_rollups(store):
        return refresh_rollups(store)
    return None


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
