"""Linked-data export of the store: every graph by default, or the graphs and ledgers chosen.

An export writes every named graph of the store — each ledger's, the alignments that
``zwgk align`` keeps (``…/id/graph/alignments``), the ontology, and any other graph a user put
there — and the default graph when it holds anything, so that an N-Quads or TriG export holds
every quad of the store's data. The rollups graph (``queries/rollups.py``) is left out unless
named: it is zwgk's cache of national tables, recomputed from the ledgers, not data to publish. ``graphs`` (``--graph``) names graphs by IRI, by ledger id, or as
``alignments`` / ``ontology``; ``ledger_ids`` (``--ledger``) names ledgers, and alone it brings
the ontology with them as before.

TriG, N-Quads and JSON-LD keep each graph's name; Turtle has no graphs, so it merges them. JSON-LD
is one document whose ``@graph`` holds a node per named graph (its ``@id`` and its own
``@graph``), compacted with ``CONTEXT`` by PyLD, the JSON-LD 1.1 API's Python implementation:
pyoxigraph writes the graphs as expanded JSON-LD (fast, lossless) and PyLD's compaction, which
follows the Recommendation's algorithm, only shortens IRIs and unwraps one-element arrays, so the
document reads back to exactly the same quads. (rdflib's serializer also writes named graphs,
but with a context it turns every xsd:integer, xsd:double and xsd:boolean into a JSON native
value, which reads back as a different literal when the lexical form was not canonical —
``"20.0"^^xsd:double`` comes back as ``"20"^^xsd:integer``.)

``void`` writes no data but its description (``describe.py``): VoID and DCAT 3 in Turtle, with
each graph's triple count as the export of the same choice would write it. The description is
not added to the data exports: an export is exactly the store, and the description, which
counts the export's triples, is published beside it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

from ..errors import StoreError, ZwgkError
from ..ontology.iris import ID, ONTOLOGY_GRAPH, ZW
from ..queries.rollups import ROLLUPS_GRAPH
from ..queries.saved import internal
from .describe import DEFAULT_LICENSE, GRAPH_BASE, Counts, GraphCount, describe, namespace, turtle

if TYPE_CHECKING:
    from pyoxigraph import Quad, Triple

    from ..store.base import Store

FORMATS = ("turtle", "trig", "nquads", "jsonld", "void")
DEFAULT_GRAPH = ""
"""How the default graph is named among an export's graphs (it has no IRI)."""

CONTEXT = {
    "zw": ZW,
    "tp": "https://w3id.org/zwgk/topic#",
    "at": "https://w3id.org/zwgk/agency-type#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "vann": "http://purl.org/vocab/vann/",
    "freq": "http://purl.org/cld/freq/",
    "id": ID,
}
"""The JSON-LD context (and the Turtle/TriG prefixes, less ``id``): the prefixes of the
vocabularies zwgk uses, as ``ontology/*.ttl`` names them."""

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: its format, each graph with its quads, and the bytes."""

    format: str
    graphs: tuple[GraphCount, ...]
    bytes: int

    @property
    def quads(self) -> int:
        return sum(count.triples for count in self.graphs)

    def render(self, *, lang: str = "en") -> str:
        graphs, quads = len(self.graphs), self.quads
        if self.format == "void":
            if lang == "zh":
                return f"数据集描述：{graphs} 个图，共 {quads:,} 个四元组"
            return f"described {graphs} graph{'s' if graphs != 1 else ''} holding {quads:,} quads"
        if lang == "zh":
            return f"已导出 {graphs} 个图，{quads:,} 个四元组，{self.bytes:,} 字节（{self.format}）"
        return f"exported {graphs} graph{'s' if graphs != 1 else ''}, {quads:,} quads, {self.bytes:,} bytes ({self.format})"


def select_graphs(store: Store, *, ledger_ids: list[str] | None = None, graphs: list[str] | None = None) -> list[str]:
    """The graphs an export writes, in order: the ontology, the ledgers (by id), then the other
    graphs (alignments…; not the rollups, a cache) and the default graph when it holds anything. With ``ledger_ids`` or
    ``graphs``, only those (and, for ``ledger_ids`` alone, the ontology)."""
    names = store.graph_names()
    present = set(names)
    if not ledger_ids and not graphs:
        ledger_graphs = [info.graph for info in store.ledgers() if info.graph in present]
        first = ([ONTOLOGY_GRAPH] if ONTOLOGY_GRAPH in present else []) + ledger_graphs
        chosen = first + sorted(present - set(first) - {ROLLUPS_GRAPH})
        if _has_default_graph(store):
            chosen.append(DEFAULT_GRAPH)
        return chosen
    chosen = [_graph_name(value, present=present, location=store.location) for value in graphs or []]
    if ledger_ids:
        ledger_graphs = [info.graph for info in store.resolve_ids(ledger_ids)]
        chosen += ([ONTOLOGY_GRAPH] if not graphs and ONTOLOGY_GRAPH in present else []) + ledger_graphs
    return list(dict.fromkeys(chosen))


def _graph_name(value: str, *, present: set[str], location: object) -> str:
    """A graph named on the command line: its IRI, a ledger id, ``alignments`` or ``ontology``."""
    if value == "ontology":
        iri = ONTOLOGY_GRAPH
    elif ":" in value:
        iri = value.strip("<>")
    else:
        iri = GRAPH_BASE + value
    if iri in present:
        return iri
    others = sorted(name for name in present if not name.startswith(GRAPH_BASE) or name.endswith("/alignments"))
    shown = ", ".join(others) or "none"
    raise StoreError(
        f"no graph {value!r} in {location} (a graph is named by its IRI, a ledger id, 'alignments' or "
        f"'ontology'; graphs besides the ledgers': {shown})",
        message_zh=f"数据库 {location} 中没有图 {value}（可用图的 IRI、台账 id、alignments 或 ontology 指定）",
    )


def _has_default_graph(store: Store) -> bool:
    from pyoxigraph import DefaultGraph

    local = store.local
    return local is not None and next(iter(local.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None


def graph_quads(store: Store, graph: str) -> Iterator[Quad]:
    """A graph's quads: straight from an embedded store, through a CONSTRUCT query
    (``queries/internal/graph-triples.rq``) from any other."""
    from pyoxigraph import DefaultGraph, NamedNode, Quad

    local = store.local
    name = DefaultGraph() if graph == DEFAULT_GRAPH else NamedNode(graph)
    if local is not None:
        yield from local.quads_for_pattern(None, None, None, name)
        return
    if graph == DEFAULT_GRAPH:
        return
    for triple in store.query(internal("graph-triples", graph=graph)):
        yield Quad(triple.subject, triple.predicate, triple.object, name)


class _Tally:
    """Counts the quads of each graph as they are written (and, for a description, the
    distinct triples and the vocabularies)."""

    def __init__(self, *, distinct: bool = False) -> None:
        self.counts: dict[str, int] = {}
        self.distinct = distinct
        self.triples: set[Triple] = set()
        self.vocabularies: set[str] = set()

    def through(self, graph: str, quads: Iterable[Quad]) -> Iterator[Quad]:
        from pyoxigraph import NamedNode

        n = 0
        for quad in quads:
            n += 1
            if self.distinct:
                self.triples.add(quad.triple)
                self.vocabularies.add(namespace(quad.predicate.value))
                if quad.predicate.value == _RDF_TYPE and isinstance(quad.object, NamedNode):
                    self.vocabularies.add(namespace(quad.object.value))
            yield quad
        self.counts[graph] = self.counts.get(graph, 0) + n

    def graphs(self, order: list[str]) -> tuple[GraphCount, ...]:
        return tuple(GraphCount(graph=g, triples=self.counts.get(g, 0)) for g in order)


class _Sink:
    """A binary output that counts what goes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()


def write_export(
    store: Store,
    *,
    out: BinaryIO,
    format: str = "trig",
    ledger_ids: list[str] | None = None,
    graphs: list[str] | None = None,
    endpoint_url: str | None = None,
    license: str = DEFAULT_LICENSE,
) -> ExportSummary:
    """Write the chosen graphs (every graph by default) to ``out`` in one of ``FORMATS``; the
    description (``void``) also takes the public SPARQL endpoint and the data's licence."""
    from pyoxigraph import RdfFormat
    from pyoxigraph import serialize as ox_serialize

    if format not in FORMATS:
        raise ZwgkError(
            f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}",
            message_zh=f"未知导出格式 {format!r}；可选 {'、'.join(FORMATS)}",
        )
    if endpoint_url is not None:
        _check_iri(endpoint_url, what="--endpoint-url")
    _check_iri(license, what="--license")
    order = select_graphs(store, ledger_ids=ledger_ids, graphs=graphs)
    tally = _Tally(distinct=format == "void")
    sink = _Sink(out)
    # pyoxigraph only writes to (and flushes) its output; its stub asks for a whole IO[bytes].
    output = cast("IO[bytes]", sink)
    prefixes = {k: v for k, v in CONTEXT.items() if k != "id"}

    def each() -> Iterator[Quad]:
        for graph in order:
            yield from tally.through(graph, graph_quads(store, graph))

    if format == "void":
        for _ in each():
            pass
        counts = Counts(
            graphs=tally.graphs(order),
            distinct_triples=len(tally.triples),
            vocabularies=tuple(sorted(v for v in tally.vocabularies if not v.startswith(ID))),
        )
        sink.write(turtle(describe(store, counts=counts, endpoint_url=endpoint_url, license=license)))
    elif format == "nquads":
        ox_serialize(each(), output, format=RdfFormat.N_QUADS)
    elif format == "trig":
        ox_serialize(each(), output, format=RdfFormat.TRIG, prefixes=prefixes)
    elif format == "turtle":
        triples = {quad.triple for quad in each()}
        ox_serialize(sorted(triples, key=str), output, format=RdfFormat.TURTLE, prefixes=prefixes)
    else:
        _write_jsonld(sink, ((graph, tally.through(graph, graph_quads(store, graph))) for graph in order))
    return ExportSummary(format=format, graphs=tally.graphs(order), bytes=sink.bytes)


def export_store(
    store: Store,
    *,
    format: str,
    ledger_ids: list[str] | None = None,
    graphs: list[str] | None = None,
    endpoint_url: str | None = None,
    license: str = DEFAULT_LICENSE,
) -> bytes:
    """``write_export`` into bytes."""
    out = io.BytesIO()
    write_export(
        store, out=out, format=format, ledger_ids=ledger_ids, graphs=graphs, endpoint_url=endpoint_url, license=license
    )
    return out.getvalue()


def serialize(quads: Iterable[Quad], *, format: str) -> bytes:
    """Quads in one of the data formats (``turtle``, ``trig``, ``nquads``, ``jsonld``)."""
    from pyoxigraph import DefaultGraph, RdfFormat
    from pyoxigraph import serialize as ox_serialize

    if format not in FORMATS or format == "void":
        raise ZwgkError(f"unknown export format {format!r}", message_zh=f"未知导出格式 {format!r}")
    quads = list(quads)
    prefixes = {k: v for k, v in CONTEXT.items() if k != "id"}
    # Without an output pyoxigraph returns the bytes; its stub (no overloads) says bytes | None.
    if format == "nquads":
        return cast(bytes, ox_serialize(quads, format=RdfFormat.N_QUADS))
    if format == "trig":
        return cast(bytes, ox_serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes))
    if format == "turtle":
        return cast(
            bytes, ox_serialize(sorted({q.triple for q in quads}, key=str), format=RdfFormat.TURTLE, prefixes=prefixes)
        )
    by_graph: dict[str, list[Quad]] = {}
    for quad in quads:
        key = DEFAULT_GRAPH if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
        by_graph.setdefault(key, []).append(quad)
    out = io.BytesIO()
    _write_jsonld(out, by_graph.items())
    return out.getvalue()


# JSON-LD --------------------------------------------------------------------------------------


def _write_jsonld(out: BinaryIO | _Sink, groups: Iterable[tuple[str, Iterable[Quad]]]) -> None:
    """One JSON-LD document: the context, then a ``@graph`` array with a node per named graph
    (``@id`` and ``@graph``) and the default graph's nodes, each graph compacted on its own so
    that a large store never needs one document in memory."""
    from pyld import jsonld
    from pyoxigraph import RdfFormat
    from pyoxigraph import serialize as ox_serialize

    context = {"@context": CONTEXT}
    head = json.dumps(context, ensure_ascii=False, indent=2)[:-2]  # the object left open
    out.write((head + ',\n  "@graph": [').encode("utf-8"))
    first = True
    for graph, quads in groups:
        quads = list(quads)
        if not quads:
            continue
        expanded = json.loads(cast(bytes, ox_serialize(quads, format=RdfFormat.JSON_LD)))  # no output: bytes
        for node in expanded:
            _types_as_keyword(node)
        compacted = jsonld.compact(expanded, context, {"skipExpansion": True})
        compacted.pop("@context", None)
        if graph == DEFAULT_GRAPH:
            items = compacted["@graph"] if set(compacted) == {"@graph"} else [compacted]
        else:
            items = [compacted]
        for item in items:
            text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write((("\n    " if first else ",\n    ") + text).encode("utf-8"))
            first = False
    out.write(b"\n  ]\n}\n")


def _types_as_keyword(node: dict[str, Any]) -> None:
    """``rdf:type`` objects that are IRIs or blank nodes as ``@type``, as the JSON-LD 1.1
    "Serialize RDF as JSON-LD" algorithm writes them (``useRdfType`` false); pyoxigraph keeps
    them as a property. Literal values of ``rdf:type`` stay a property."""
    values = node.get(_RDF_TYPE)
    if values:
        nodes = [value["@id"] for value in values if set(value) == {"@id"}]
        rest = [value for value in values if set(value) != {"@id"}]
        if nodes:
            node["@type"] = nodes
            if rest:
                node[_RDF_TYPE] = rest
            else:
                del node[_RDF_TYPE]
    for inner in node.get("@graph", ()):
        _types_as_keyword(inner)


def _check_iri(value: str, *, what: str) -> None:
    from pyoxigraph import NamedNode

    try:
        NamedNode(value)
    except ValueError as exc:
        raise ZwgkError(
            f"{what} expects an absolute IRI, got {value!r}: {exc}", message_zh=f"{what} 应为绝对 IRI：{value}"
        ) from None
    if ":" not in value:
        raise ZwgkError(f"{what} expects an absolute IRI, got {value!r}", message_zh=f"{what} 应为绝对 IRI：{value}")
