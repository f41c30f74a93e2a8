"""The shapes zwgk validates with (``shapes/*.ttl``, parsed once per process) and the bridges
both engines need: the ontology's class hierarchy and pyoxigraph terms as rdflib terms.
rdflib is imported inside the functions, so importing this module stays cheap."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .report import RDF_TYPE, RDFS, SH

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
    templates: tuple[tuple[str | None, re.Pattern[str]], ...] = ()
    """(language, pattern) of each sh:message: pyshacl fills a SPARQL message's ``{?var}`` but
    drops its language tag, so a filled message is told apart by the template it matches."""

    has_messages: bool = False
    """The shape (or its SPARQL constraint) has an sh:message: pyshacl's own wording is used
    only then, so that both engines say the same."""

    def language_of(self, message: str) -> str | None:
        for lang, pattern in self.templates:
            if lang and pattern.fullmatch(message):
                return lang
        return None


def template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("(?s)" + ".*?".join(re.escape(part) for part in parts))


@dataclass(frozen=True)
class Origin:
    """Where a user's shape is written: the file and the 1-based line of its first statement."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Shapes:
    graph: Graph
    """The rdflib Graph of the shapes validated with: zwgk's ``shapes/*.ttl`` and/or a user's."""
    info: dict[str, ShapeInfo]
    origins: dict[str, Origin] = field(default_factory=dict)
    """The file and line of each shape of a user's file (zwgk's own are not listed)."""
    files: tuple[str, ...] = ()
    """The user's files, in the order given."""

    def where(self, node: Node) -> str:
        """A shape as an error message names it: its file and line when a user wrote it."""
        from rdflib import BNode

        name = f"_:{node}" if isinstance(node, BNode) else str(node)
        origin = self.origins.get(name)
        return f"{origin}: shape {name}" if origin else f"shape {name}"


def shape_files() -> list[str]:
    from ..resources import list_files

    return [f.name for f in list_files("shapes", ".ttl")]


@functools.cache
def packaged() -> Shapes:
    """The shapes graph, parsed once per process."""
    from rdflib import Graph

    from ..resources import read_text

    graph = Graph()
    for name in shape_files():
        graph.parse(data=read_text("shapes", name), format="turtle", publicID=f"urn:zwgk:shapes:{name}")
    return Shapes(graph=graph, info=shape_info(graph))


def shape_info(graph: Graph) -> dict[str, ShapeInfo]:
    """Names and message templates of every shape of a shapes graph (a shape without sh:name is
    named by its IRI)."""
    from rdflib import BNode, Literal, URIRef

    def literals(node: Node, prop: str) -> list[Literal]:
        return [o for o in graph.objects(node, URIRef(SH + prop)) if isinstance(o, Literal)]

    shapes = set(graph.subjects(URIRef(SH + "name"), None)) | set(graph.subjects(URIRef(SH + "message"), None))
    for kind in ("NodeShape", "PropertyShape"):
        shapes |= set(graph.subjects(URIRef(RDF_TYPE), URIRef(SH + kind)))
    for prop in ("property", "path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
        shapes |= {s for s in graph.subjects(URIRef(SH + prop), None)}
    info: dict[str, ShapeInfo] = {}
    for shape in shapes:
        key = f"_:{shape}" if isinstance(shape, BNode) else str(shape)
        names = {o.language: str(o) for o in literals(shape, "name")}
        messages = literals(shape, "message") + [
            m for c in graph.objects(shape, URIRef(SH + "sparql")) for m in literals(c, "message")
        ]
        info[key] = ShapeInfo(
            name_zh=names.get("zh") or names.get("en") or names.get(None) or key,
            name_en=names.get("en") or names.get(None) or names.get("zh") or key,
            templates=tuple((m.language, template_pattern(str(m))) for m in messages),
            has_messages=bool(messages),
        )
    return info


def load(paths: Sequence[str | os.PathLike[str]] = (), *, only: bool = False) -> Shapes:
    """zwgk's shapes plus the shapes in ``paths`` (Turtle files, or folders of ``*.ttl``), or,
    with ``only``, those alone. A file that cannot be read or parsed raises ``InputError`` naming
    it and the line."""
    from rdflib import Graph

    from ..errors import InputError, ZwgkError

    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ttl") if p.is_file())
            if not found:
                raise InputError(
                    "the folder holds no shapes file (*.ttl)", path=path, message_zh="该目录中没有规则文件（*.ttl）"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such shapes file or folder", path=path, message_zh="规则文件或目录不存在")
    if only and not files:
        raise ZwgkError(
            "--only-shapes needs at least one --shapes file", message_zh="--only-shapes 须与 --shapes 一起使用"
        )
    if not files:
        return packaged()
    graph = Graph()
    if not only:
        for triple in packaged().graph:
            graph.add(triple)
        for prefix, namespace in packaged().graph.namespaces():
            graph.bind(prefix, namespace)
    origins: dict[str, Origin] = {}
    for path in files:
        text = _read(path)
        own = _parse(text, path=path)
        for triple in own:
            graph.add(triple)
        for prefix, namespace in own.namespaces():
            graph.bind(prefix, namespace, override=False)
        origins.update(_origins(own, text, path=path))
    return Shapes(graph=graph, info=shape_info(graph), origins=origins, files=tuple(str(p) for p in files))


def _read(path: Path) -> str:
    from ..errors import InputError

    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "a shapes file must be UTF-8 Turtle", path=path, message_zh="规则文件须为 UTF-8 编码的 Turtle"
        ) from exc
    except OSError as exc:
        raise InputError(
            f"cannot read the shapes file: {exc.strerror}", path=path, message_zh="无法读取规则文件"
        ) from exc


def _parse(text: str, *, path: Path) -> Graph:
    """The file as an rdflib Graph; a syntax error is an ``InputError`` at its line (Oxigraph's
    parser says where, rdflib's does not reliably)."""
    from pyoxigraph import RdfFormat, parse
    from rdflib import Graph

    from ..errors import InputError

    try:
        for _ in parse(text.encode("utf-8"), format=RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        message = re.sub(r"\s*\([^()]*, line \d+\)$", "", str(exc))
        raise InputError(
            f"not valid Turtle: {message}", path=path, line=exc.lineno, message_zh=f"不是有效的 Turtle：{message}"
        ) from exc
    return Graph().parse(data=text, format="turtle", publicID=path.resolve().as_uri())


def _origins(graph: Graph, text: str, *, path: Path) -> dict[str, Origin]:
    """The line where each named shape of a file is first written as a subject."""
    lines = text.splitlines()
    out: dict[str, Origin] = {}
    for shape in shape_info(graph):
        if shape.startswith("_:"):
            continue
        spellings = [f"<{shape}>"]
        for prefix, namespace in graph.namespaces():
            if shape.startswith(str(namespace)) and prefix:
                spellings.append(f"{prefix}:{shape[len(str(namespace)) :]}")
            elif shape.startswith(str(namespace)):
                spellings.append(f":{shape[len(str(namespace)) :]}")
        line = next(
            (i for i, text_line in enumerate(lines, 1) if any(text_line.lstrip().startswith(s) for s in spellings)),
            None,
        )
        out[shape] = Origin(file=str(path), line=line)
    return out


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


def rdflib_term(term: OxTerm | pyoxigraph.Triple | None) -> Node | None:
    """A pyoxigraph term as an rdflib term (``None`` stays ``None``)."""
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if not isinstance(term, OxLiteral):
        raise TypeError(f"an RDF-star triple term has no rdflib form: {term}")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


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
