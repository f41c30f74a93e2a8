"""The shapes zwgk validates with (``shapes/*.ttl``, parsed once per process) and the bridges
both engines need: the ontology's class hierarchy and pyoxigraph terms as rdflib terms.
rdflib is imported inside the functions, so importing this module stays cheap."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .report import RDFS, SH

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.query import Processor, Result
    from rdflib.term import Identifier, Node

    OxTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
    """A pyoxigraph RDF term (RDF-star triple terms aside)."""
    RdflibTriple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class ShapeInfo:
    name_zh: str
    name_en: str
    templates: tuple[tuple[str, re.Pattern[str]], ...] = ()
    """(language, pattern) of each sh:message: pyshacl fills a SPARQL message's ``{?var}`` but
    drops its language tag, so a filled message is told apart by the template it matches."""

    def language_of(self, message: str) -> str | None:
        for lang, pattern in self.templates:
            if pattern.fullmatch(message):
                return lang
        return None


def template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("(?s)" + ".*?".join(re.escape(part) for part in parts))


@dataclass(frozen=True)
class Shapes:
    graph: Graph
    """The rdflib Graph of every ``shapes/*.ttl``."""
    info: dict[str, ShapeInfo]


def shape_files() -> list[str]:
    from ..resources import list_files

    return [f.name for f in list_files("shapes", ".ttl")]


@functools.cache
def packaged() -> Shapes:
    """The shapes graph, parsed once per process."""
    from rdflib import Graph, Literal, URIRef

    from ..resources import read_text

    graph = Graph()
    for name in shape_files():
        graph.parse(data=read_text("shapes", name), format="turtle", publicID=f"urn:zwgk:shapes:{name}")
    info: dict[str, ShapeInfo] = {}
    for shape in set(graph.subjects(URIRef(SH + "name"), None)):
        names = {o.language: str(o) for o in graph.objects(shape, URIRef(SH + "name")) if isinstance(o, Literal)}
        templates = tuple(
            (o.language, template_pattern(str(o)))
            for o in graph.objects(shape, URIRef(SH + "message"))
            if isinstance(o, Literal) and o.language
        )
        info[str(shape)] = ShapeInfo(
            name_zh=names.get("zh") or names.get("en") or str(shape),
            name_en=names.get("en") or names.get("zh") or str(shape),
            templates=templates,
        )
    return Shapes(graph=graph, info=info)


@functools.cache
def ontology_hierarchy() -> tuple[RdflibTriple, ...]:
    """The ontology's class and property hierarchy (rdfs:subClassOf, rdfs:subPropertyOf), the only
    part of the ontology SHACL needs: ``sh:targetClass``/``sh:class`` follow subclasses in the
    data graph. Adding the whole ontology would put its own resources in front of the shapes."""
    from pyoxigraph import NamedNode, RdfFormat, parse

    from ..resources import read_text
    from ..store.base import ontology_files

    keep = {RDFS + "subClassOf", RDFS + "subPropertyOf"}
    triples = [
        triple
        for name in ontology_files()
        for triple in parse(read_text("ontology", name), format=RdfFormat.TURTLE)
        if triple.predicate.value in keep and isinstance(triple.object, NamedNode)
    ]
    return tuple(convert_triples(triples))


def convert_triples(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad]) -> Iterator[RdflibTriple]:
    """pyoxigraph triples or quads → rdflib triples (the graph name is dropped)."""
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    cache: dict[OxTerm | pyoxigraph.Triple, Node] = {}

    def term(t: OxTerm | pyoxigraph.Triple) -> Node:
        found = cache.get(t)
        if found is not None:
            return found
        out: Node
        if isinstance(t, NamedNode):
            out = URIRef(t.value)
        elif isinstance(t, BlankNode):
            out = BNode(t.value)
        elif isinstance(t, OxLiteral):
            if t.language:
                out = Literal(t.value, lang=t.language)
            elif t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                out = Literal(t.value)
            else:
                out = Literal(t.value, datatype=URIRef(t.datatype.value))
        else:
            raise TypeError(f"an RDF-star triple term has no rdflib form: {t}")
        cache[t] = out
        return out

    for q in triples:
        yield term(q.subject), term(q.predicate), term(q.object)


@functools.cache
def graph_class() -> type[Graph]:
    """An rdflib Graph that parses each SPARQL text once per process.

    pyshacl hands every SPARQL-based constraint to ``Graph.query`` as text, once per focus
    node and per ledger; rdflib's parser then spends ~40 ms per call, more than the evaluation
    itself. Caching the parsed query on the data graph's class keeps a province-wide run linear
    in its data, not in its number of ledgers times parse time."""
    from rdflib import Graph
    from rdflib.plugins.sparql import prepareQuery

    prepared = functools.lru_cache(maxsize=128)(prepareQuery)

    class LedgerGraph(Graph):
        def query(
            self,
            query_object: str | Query,
            processor: str | Processor = "sparql",
            result: str | type[Result] = "sparql",
            initNs: Mapping[str, Any] | None = None,  # noqa: N803
            initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
            use_store_provided: bool = True,
            **kwargs: Any,
        ) -> Result:
            if isinstance(query_object, str) and not initNs and processor == "sparql":
                query_object = prepared(query_object)
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    return LedgerGraph
