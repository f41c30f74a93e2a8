"""SHACL Core (and SHACL-SPARQL SELECT constraints) compiled to SPARQL and run on the pyoxigraph
store, so that a province's ledgers validate in seconds instead of minutes.

Why: pyshacl walks the data one focus node at a time through rdflib; over a whole store that is
slow (and over a pyoxigraph store, through rdflib's store interface, slower still — see
NOTES.md). The same checks written as set-oriented SPARQL run inside Oxigraph in a handful of
queries, one per constraint, whatever the number of ledgers.

Each constraint of each shape becomes one SELECT query returning the focus node and value node
(and, per named graph, the graph) of every failing case; the result carries path, constraint
component, severity, source shape and the shape's messages in every language. A shape that uses
something this compiler does not translate (sh:node, sh:and, sh:or, sh:qualifiedValueShape…) is
validated by pyshacl instead, with a notice, so the answer is always complete.

Two scopes: ``per_graph=True`` validates every named graph on its own (what ``zwgk validate``
does: one ledger, one graph), ``per_graph=False`` validates the union of the graphs as one graph
(what pyshacl over the whole store does). Subclasses come from the ontology graph's
rdfs:subClassOf, as they do for pyshacl, which is given the ontology's class hierarchy.

SHACL-SPARQL constraints are run as a subquery joined with the shape's targets rather than once
per focus node with ``$this`` pre-bound. The two agree for queries whose outermost group binds
``$this`` through a triple pattern and projects it, which is what the shapes here do; a query
that does not project ``$this`` is left to pyshacl."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph, URIRef
    from rdflib.term import Node

    from ..store.base import Store
    from .catalogue import OxTerm
    from .report import ValidationReport

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
XSD = "http://www.w3.org/2001/XMLSchema#"

SUPPORTED = frozenset(
    SH + name
    for name in (
        "minCount",
        "maxCount",
        "class",
        "datatype",
        "in",
        "nodeKind",
        "hasValue",
        "pattern",
        "flags",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "sparql",
    )
)
"""Constraint parameters compiled to SPARQL. Any other sh: parameter on a shape sends it to
pyshacl."""

_IGNORED = frozenset(
    SH + name
    for name in (
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "property",
        "path",
        "name",
        "description",
        "message",
        "severity",
        "deactivated",
        "order",
        "group",
        "defaultValue",
        "declare",
        "prefixes",
    )
)
"""Non-validating or structural sh: properties of a shape."""

_COMPONENT = {
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "class": "ClassConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "in": "InConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent",
    "hasValue": "HasValueConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent",
    "sparql": "SPARQLConstraintComponent",
}

_NODE_KIND_TEST = {
    "IRI": "isIRI(?value)",
    "BlankNode": "isBlank(?value)",
    "Literal": "isLiteral(?value)",
    "BlankNodeOrIRI": "(isBlank(?value) || isIRI(?value))",
    "BlankNodeOrLiteral": "(isBlank(?value) || isLiteral(?value))",
    "IRIOrLiteral": "(isIRI(?value) || isLiteral(?value))",
}

_CASTABLE = frozenset(
    XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "time",
        "duration",
        "gYear",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
)
"""Datatypes whose lexical form Oxigraph checks when a literal is cast to them: an ill-formed
literal (``"abc"^^xsd:integer``) fails sh:datatype, as SHACL requires."""


# Results -----------------------------------------------------------------------------------


Messages = tuple[tuple[str | None, str], ...]
"""(language, text) of every message of a shape or constraint; language ``None`` when untagged."""

ResultKey = tuple[str | None, str, str | None, str, str, str]
"""What two engines must agree on: graph, focus node, path, component, severity, shape."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result. Terms are pyoxigraph terms; ``graph`` is the named graph validated
    (``None`` when the union was validated as one graph)."""

    graph: str | None
    focus: OxTerm | None
    """Always a term for the SPARQL engine; ``None`` only if pyshacl's report lacked sh:focusNode."""
    path: str | None
    """The property shape's path in SPARQL syntax (``<iri>``, ``^<iri>``, ``(<a>/<b>)``…)."""
    value: OxTerm | None
    component: str
    severity: str
    shape: str
    messages: Messages
    """(language, text) of every message; language ``None`` for an untagged one."""

    @property
    def path_iri(self) -> str | None:
        """The path as an IRI when it is a single predicate, else ``None``."""
        if self.path and self.path.startswith("<") and self.path.endswith(">") and " " not in self.path:
            return self.path[1:-1]
        return None

    def key(self) -> ResultKey:
        """What two engines must agree on: graph, focus node, path, constraint component,
        severity, source shape."""
        return (self.graph, str(self.focus), self.path, self.component, self.severity, self.shape)


@dataclass(frozen=True)
class ShaclReport:
    results: tuple[ShaclResult, ...]
    compiled_shapes: tuple[str, ...]
    fallback_shapes: tuple[str, ...] = ()
    """Shapes validated by pyshacl because they use a constraint the compiler lacks."""
    notices: tuple[str, ...] = ()

    @property
    def conforms(self) -> bool:
        return not any(r.severity == SH + "Violation" for r in self.results)

    def keys(self) -> set[ResultKey]:
        return {r.key() for r in self.results}


# Compiling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT returning ``?this`` and ``?value`` (and ``?g`` per graph,
    and a SPARQL constraint's own variables)."""

    shape: str
    component: str
    severity: str
    path: str | None
    messages: Messages
    query: str
    message_vars: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledShapes:
    checks: tuple[Check, ...]
    compiled: tuple[str, ...]
    fallback: tuple[str, ...]
    fallback_graph: Graph | None = None
    """rdflib Graph holding only the fallback shapes (with their prefixes), for pyshacl."""
    notices: tuple[str, ...] = ()


def _sparql_term(term: Node | None) -> str:
    """An rdflib term in SPARQL syntax."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and str(term.datatype) != XSD + "string":
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        raise _Unsupported("a blank node as a constraint value")
    raise _Unsupported(f"term {term!r}")


class _Unsupported(Exception):
    """Raised while compiling a shape that needs pyshacl."""


def _list(graph: Graph, node: Node | None) -> list[Node | None]:
    from rdflib import URIRef

    items: list[Node | None] = []
    while node is not None and node != URIRef(RDF_NIL):
        items.append(graph.value(node, URIRef(RDF_FIRST)))
        node = graph.value(node, URIRef(RDF_REST))
    return items


def path_text(graph: Graph, node: Node | None) -> str:
    """A SHACL path (from an rdflib graph: shapes or pyshacl's report) in SPARQL path syntax; the
    canonical form in which results of both engines are compared."""
    from rdflib import BNode, URIRef

    if isinstance(node, URIRef):
        return f"<{node}>"
    if not isinstance(node, BNode):
        raise _Unsupported(f"path {node!r}")
    if graph.value(node, URIRef(RDF_FIRST)) is not None:
        return "(" + "/".join(path_text(graph, item) for item in _list(graph, node)) + ")"
    for prop, fmt in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "({})*"),
        ("oneOrMorePath", "({})+"),
        ("zeroOrOnePath", "({})?"),
    ):
        inner = graph.value(node, URIRef(SH + prop))
        if inner is not None:
            return fmt.format(path_text(graph, inner))
    alternatives = graph.value(node, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, item) for item in _list(graph, alternatives)) + ")"
    raise _Unsupported("an unknown path form")


def _messages(graph: Graph, node: Node) -> Messages:
    from rdflib import Literal, URIRef

    return tuple(
        sorted(
            ((o.language, str(o)) for o in graph.objects(node, URIRef(SH + "message")) if isinstance(o, Literal)),
            key=lambda m: (m[0] or "", m[1]),
        )
    )


def _prefixes(graph: Graph, constraint: Node) -> str:
    """PREFIX lines from the sh:declare of every sh:prefixes of a SPARQL constraint."""
    from rdflib import URIRef

    lines = []
    for owner in graph.objects(constraint, URIRef(SH + "prefixes")):
        for decl in graph.objects(owner, URIRef(SH + "declare")):
            prefix = graph.value(decl, URIRef(SH + "prefix"))
            namespace = graph.value(decl, URIRef(SH + "namespace"))
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)


def compile_shapes(
    graph: Graph, *, subclasses: dict[str, set[str]] | None = None, per_graph: bool = True
) -> CompiledShapes:
    """Compile every active shape with a target in an rdflib shapes graph (property shapes are
    reached through ``sh:property``). ``subclasses`` maps a class to itself and every subclass."""
    from rdflib import Graph, Literal, URIRef

    subclasses = subclasses or {}

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    targets = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
    roots = sorted({s for t in targets for s in graph.subjects(sh(t), None)}, key=str)
    checks: list[Check] = []
    compiled: list[str] = []
    fallback: list[str] = []
    notices: list[str] = []
    for root in roots:
        if graph.value(root, sh("deactivated")) == Literal(True):
            continue
        try:
            target = _target_pattern(graph, root, subclasses=subclasses, per_graph=per_graph)
            own_path = graph.value(root, sh("path")) is not None
            shape_checks = list(
                _shape_checks(
                    graph, root, target=target, subclasses=subclasses, per_graph=per_graph, node_level=not own_path
                )
            )
            if own_path and graph.value(root, sh("property")) is not None:
                raise _Unsupported("sh:property inside a property shape")
            for prop in sorted(graph.objects(root, sh("property")), key=str):
                if graph.value(prop, sh("deactivated")) == Literal(True):
                    continue
                shape_checks.extend(
                    _shape_checks(
                        graph, prop, target=target, subclasses=subclasses, per_graph=per_graph, node_level=False
                    )
                )
        except _Unsupported as exc:
            fallback.append(str(root))
            notices.append(
                f"shape {root} uses {exc}, which the SPARQL engine does not compile; it is validated by pyshacl"
            )
            continue
        checks.extend(shape_checks)
        compiled.append(str(root))
    fallback_graph: Graph | None = None
    if fallback:
        fallback_graph = Graph()
        keep: set[Node] = set()
        stack: list[Node] = [URIRef(f) for f in fallback]
        stack += [s for s in graph.subjects(sh("declare"), None)]
        while stack:
            node = stack.pop()
            if node in keep:
                continue
            keep.add(node)
            for p, o in graph.predicate_objects(node):
                fallback_graph.add((node, p, o))
                if (o, None, None) in graph:
                    stack.append(o)
    return CompiledShapes(
        checks=tuple(checks),
        compiled=tuple(compiled),
        fallback=tuple(fallback),
        fallback_graph=fallback_graph,
        notices=tuple(notices),
    )


def _target_pattern(graph: Graph, shape: Node, *, subclasses: dict[str, set[str]], per_graph: bool) -> str:
    from rdflib import URIRef

    parts = []
    for cls in graph.objects(shape, URIRef(SH + "targetClass")):
        classes = sorted(subclasses.get(str(cls), set()) | {str(cls)})
        parts.append("?this a ?__class . VALUES ?__class { " + " ".join(f"<{c}>" for c in classes) + " }")
    for node in graph.objects(shape, URIRef(SH + "targetNode")):
        if per_graph:
            raise _Unsupported("sh:targetNode (per-graph validation)")
        parts.append(f"VALUES ?this {{ {_sparql_term(node)} }}")
    for prop in graph.objects(shape, URIRef(SH + "targetSubjectsOf")):
        parts.append(f"?this {_sparql_term(prop)} ?__t .")
    for prop in graph.objects(shape, URIRef(SH + "targetObjectsOf")):
        parts.append(f"?__t {_sparql_term(prop)} ?this .")
    if not parts:
        raise _Unsupported("no target")
    if len(parts) == 1:
        return parts[0]
    return " UNION ".join("{ " + p + " }" for p in parts)


def _shape_checks(
    graph: Graph, shape: Node, *, target: str, subclasses: dict[str, set[str]], per_graph: bool, node_level: bool
) -> Iterator[Check]:
    from rdflib import Literal, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    params = {str(p) for p in graph.predicates(shape, None) if str(p).startswith(SH)}
    unknown = params - SUPPORTED - _IGNORED
    if unknown:
        raise _Unsupported(", ".join(sorted("sh:" + u[len(SH) :] for u in unknown)))
    path_node = graph.value(shape, sh("path"))
    if not node_level and path_node is None:
        raise _Unsupported("a property shape without sh:path")
    path = path_text(graph, path_node) if path_node is not None else None
    severity = str(graph.value(shape, sh("severity")) or SH + "Violation")
    messages = _messages(graph, shape)
    gvar = "?g " if per_graph else ""

    def wrap(pattern: str) -> str:
        return f"GRAPH ?g {{ {pattern} }}" if per_graph else pattern

    # Oxigraph joins two triple patterns as a nested loop, one index seek per row; it joins two
    # subqueries by hashing, about twenty times faster on a province's store. So each check is
    # written as set operations on subqueries that each hold a single pattern: the targets, the
    # value rows of the path, and MINUS (also hashed) for what is missing.
    targets = f"{{ SELECT {gvar}?this WHERE {{ {wrap(target)} }} }}"
    # Whether the path's rows can be read on their own (a one-or-more-step path): a path that
    # can match zero steps (p*, p?) also relates nodes absent from the data to themselves, so it
    # is only evaluated from the bound focus nodes.
    free = path is not None and not re.search(r"\)[*?]", path)

    def path_rows(var: str, having: str = "", condition: str = "") -> str:
        """The (graph,) focus node, value rows of the path, filtered or grouped."""
        if having:
            return (
                f"{{ SELECT {gvar}?this WHERE {{ {wrap(f'?this {path} {var} .')} }} "
                f"GROUP BY {gvar}?this HAVING ({having}) }}"
            )
        select = f"{gvar}?this {var}" if var.startswith("?") else f"{gvar}?this"
        where = wrap(f"?this {path} {var} .") + (f" FILTER ({condition})" if condition else "")
        return f"{{ SELECT {select} WHERE {{ {where} }} }}"

    def count(var: str, path: str) -> str:
        """Distinct values; a single predicate (or its inverse) cannot repeat a value."""
        return "COUNT(*)" if re.fullmatch(r"\^?<[^<>\s]*>", path) else f"COUNT(DISTINCT {var})"

    def check(
        name: str, query: str, *, check_messages: Messages | None = None, message_vars: Iterable[str] = ()
    ) -> Check:
        return Check(
            shape=str(shape),
            component=SH + _COMPONENT[name],
            severity=severity,
            path=path,
            messages=check_messages if check_messages is not None else messages,
            query=query,
            message_vars=tuple(message_vars),
        )

    def per_value(name: str, condition: str, *, absent: str = "") -> Check:
        """Every (focus node, value) whose value fails ``condition``, or, with ``absent``, is
        not among the rows of that pattern (``?value`` and, per graph, ``?g`` shared)."""
        minus = f"MINUS {{ SELECT {gvar}?value WHERE {{ {wrap(absent)} }} }}"
        if not free:
            rows = f"{target} " + (f"?this {path} ?value ." if path else "BIND (?this AS ?value)")
            where = (
                f"{{ SELECT {gvar}?this ?value WHERE {{ {wrap(rows)} }} }} {minus}"
                if absent
                else wrap(f"{rows} FILTER ({condition})")
            )
        elif absent:
            where = f"{path_rows('?value')} {minus} {targets}"
        else:
            where = f"{path_rows('?value', condition=condition)} {targets}"
        return check(name, f"SELECT DISTINCT {gvar}?this ?value WHERE {{ {where} }}")

    def missing(name: str, having: str, var: str = "?__v") -> Check:
        """The focus nodes without path rows (grouped by ``having`` when given)."""
        if free:
            where = f"{targets} MINUS {path_rows(var, having=having)}"
        elif having:
            return check(
                name,
                f"SELECT DISTINCT {gvar}?this WHERE {{ "
                + wrap(f"{target} OPTIONAL {{ ?this {path} {var} }}")
                + f" }} GROUP BY {gvar}?this HAVING (!({having}))",
            )
        else:
            where = wrap(f"{target} FILTER NOT EXISTS {{ ?this {path} {var} }}")
        return check(name, f"SELECT DISTINCT {gvar}?this WHERE {{ {where} }}")

    for o in graph.objects(shape, sh("minCount")):
        n = int(str(o))
        if path is None:
            raise _Unsupported("sh:minCount on a node shape")
        if n <= 0:
            continue
        yield missing("minCount", "" if n == 1 else f"{count('?__v', path)} >= {n}")
    for o in graph.objects(shape, sh("maxCount")):
        if path is None:
            raise _Unsupported("sh:maxCount on a node shape")
        if free:
            yield check(
                "maxCount",
                f"SELECT DISTINCT {gvar}?this WHERE {{ "
                + path_rows("?__v", having=f"{count('?__v', path)} > {int(str(o))}")
                + f" {targets} }}",
            )
        else:
            yield check(
                "maxCount",
                f"SELECT {gvar}?this WHERE {{ "
                + wrap(f"{target} ?this {path} ?__v .")
                + f" }} GROUP BY {gvar}?this HAVING (COUNT(DISTINCT ?__v) > {int(str(o))})",
            )
    for o in graph.objects(shape, sh("class")):
        classes = sorted(subclasses.get(str(o), set()) | {str(o)})
        yield per_value(
            "class", "", absent="?value a ?__c . VALUES ?__c { " + " ".join(f"<{c}>" for c in classes) + " }"
        )
    for o in graph.objects(shape, sh("datatype")):
        dt = str(o)
        if dt == "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString":
            ok = 'isLiteral(?value) && LANG(?value) != ""'
        else:
            ok = f"isLiteral(?value) && DATATYPE(?value) = <{dt}>"
            if dt in _CASTABLE:
                ok += f" && DATATYPE(<{dt}>(STR(?value))) = <{dt}>"
        yield per_value("datatype", f"!COALESCE({ok}, false)")
    for o in graph.objects(shape, sh("in")):
        members = [_sparql_term(m) for m in _list(graph, o)]
        test = " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"
        yield per_value("in", f"!({test})")
    for o in graph.objects(shape, sh("nodeKind")):
        kind = str(o)[len(SH) :]
        if kind not in _NODE_KIND_TEST:
            raise _Unsupported(f"sh:nodeKind {o}")
        yield per_value("nodeKind", f"!{_NODE_KIND_TEST[kind]}")
    for o in graph.objects(shape, sh("hasValue")):
        term = _sparql_term(o)
        if path is None:
            yield per_value("hasValue", f"!sameTerm(?value, {term})")
        else:
            yield missing("hasValue", "", var=term)
    flags = graph.value(shape, sh("flags"))
    for o in graph.objects(shape, sh("pattern")):
        args = _sparql_term(Literal(str(o))) + (", " + _sparql_term(Literal(str(flags))) if flags else "")
        yield per_value("pattern", f"isBlank(?value) || !COALESCE(REGEX(STR(?value), {args}), false)")
    for name, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
        for o in graph.objects(shape, sh(name)):
            yield per_value(name, f"!COALESCE(?value {op} {_sparql_term(o)}, false)")
    for name, op in (("minLength", ">="), ("maxLength", "<=")):
        for o in graph.objects(shape, sh(name)):
            yield per_value(name, f"isBlank(?value) || !COALESCE(STRLEN(STR(?value)) {op} {int(str(o))}, false)")
    for constraint in graph.objects(shape, sh("sparql")):
        if graph.value(constraint, sh("deactivated")) == Literal(True):
            continue
        select = graph.value(constraint, sh("select"))
        if select is None:
            raise _Unsupported("a SPARQL constraint without sh:select")
        text = str(select)
        opening = _PROLOGUE.match(text)  # always matches, if only the empty string
        prologue = opening.group(0) if opening else ""
        body = text[len(prologue) :]
        head = body[: body.upper().find("WHERE")] if "WHERE" in body.upper() else body
        if not re.search(r"[?$]this\b", head) or re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", head, re.I):
            raise _Unsupported("a SPARQL constraint that does not project $this")
        own = _messages(graph, constraint) or messages
        wanted = sorted({v for _, m in own for v in re.findall(r"\{[?$](\w+)\}", m)} - {"this", "value", "path"})
        projected = set(re.findall(r"[?$](\w+)", head))
        extra = [v for v in wanted if v in projected]
        path_var = " ?path" if "path" in projected else ""
        query = (
            _prefixes(graph, constraint)
            + "\n"
            + prologue
            + "\n"
            + f"SELECT DISTINCT {gvar}?this ?value{path_var} "
            + " ".join("?" + v for v in extra)
            + " WHERE { "
            + wrap(f"{{ {target} }} {{ {body} }}")
            + " }"
        )
        yield check("sparql", query, check_messages=own, message_vars=tuple(extra))


# Running -----------------------------------------------------------------------------------


def _select(store: pyoxigraph.Store, query: str, *, union: bool = False) -> pyoxigraph.QuerySolutions:
    """The solutions of a SELECT query (``Store.query`` answers every query form)."""
    from pyoxigraph import QuerySolutions

    rows = store.query(query, use_default_graph_as_union=union)
    if not isinstance(rows, QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]}")
    return rows


def class_closure(store: pyoxigraph.Store, *, ontology_graph: str | None) -> dict[str, set[str]]:
    """Every class of the ontology graph mapped to its subclasses (itself included)."""
    query = "SELECT ?sub ?super WHERE { %s }" % (
        f"GRAPH <{ontology_graph}> {{ ?sub <{RDFS_SUBCLASS}>+ ?super }}"
        if ontology_graph
        else f"?sub <{RDFS_SUBCLASS}>+ ?super"
    )
    out: dict[str, set[str]] = {}
    for row in _select(store, query):
        if type(row["sub"]).__name__ == "NamedNode" and type(row["super"]).__name__ == "NamedNode":
            out.setdefault(row["super"].value, {row["super"].value}).add(row["sub"].value)
    return out


def _fill(template: str, row: pyoxigraph.QuerySolution, variables: Iterable[str]) -> str:
    for name in variables:
        term = row[name]
        if term is not None:
            template = re.sub(r"\{[?$]" + name + r"\}", _verbatim(term.value), template)
    return template


def _verbatim(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``text`` as it is (no backslash escapes)."""
    return lambda _match: text


def run_checks(
    store: pyoxigraph.Store,
    compiled: CompiledShapes,
    *,
    graphs: Sequence[str],
    per_graph: bool,
    workers: int | None = None,
) -> list[ShaclResult]:
    """Run every compiled check on a ``pyoxigraph.Store`` over the named ``graphs``.

    Oxigraph releases the GIL while it evaluates, so checks run on every core at once, the
    SHACL-SPARQL ones (the costly kind: they relate a ledger's tasks to one another) first.
    Splitting one check by graphs does not pay: Oxigraph evaluates ``GRAPH ?g`` over every graph
    and joins a ``VALUES ?g`` list afterwards, and a query per graph costs more in total."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    if not graphs:
        return []
    workers = workers or os.cpu_count() or 1
    wanted = set(graphs)
    ordered = sorted(compiled.checks, key=lambda c: c.component != SH + "SPARQLConstraintComponent")
    # Per graph, every named graph is queried and the graphs not asked for are dropped below: a
    # VALUES list of thousands of graphs only slows Oxigraph's joins. As one graph, the union
    # default graph when every graph is asked for; otherwise the graphs are copied into one
    # in-memory graph, because a dataset whose default graph lists N graphs makes each lookup
    # N lookups (TaskNumberGap: 10 s instead of 0.5 s on 30 ledgers, and no end in sight on 300).
    union = False
    if not per_graph:
        if wanted == {g.value for g in store.named_graphs()}:
            union = True
        else:
            store = _merged(store, graphs)

    def run(check: Check) -> list[ShaclResult]:
        rows = _select(store, check.query, union=union)
        variables = [v.value for v in rows.variables]
        has_value = "value" in variables
        fill = [v for v in check.message_vars + ("this", "value", "path") if v in variables]
        out = []
        for row in rows:
            graph: str | None = row["g"].value if per_graph else None
            if per_graph and graph not in wanted:
                continue
            messages = check.messages
            if check.component == SH + "SPARQLConstraintComponent":
                messages = tuple((lang, _fill(text, row, fill)) for lang, text in messages)
            path = check.path
            if "path" in variables and row["path"] is not None:
                path = f"<{row['path'].value}>"
            out.append(
                ShaclResult(
                    graph=graph,
                    focus=row["this"],
                    path=path,
                    value=row["value"] if has_value else None,
                    component=check.component,
                    severity=check.severity,
                    shape=check.shape,
                    messages=messages,
                )
            )
        return out

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [result for part in pool.map(run, ordered) for result in part]


def _merged(store: pyoxigraph.Store, graphs: Sequence[str]) -> pyoxigraph.Store:
    """The named ``graphs`` of ``store`` merged into the default graph of an in-memory store
    (written out and parsed back by Oxigraph, which is faster than copying quad by quad). One
    document, so that a blank node shared by two graphs stays one node, as in the union."""
    from pyoxigraph import NamedNode, RdfFormat, Store

    merged = Store()
    # Without an output, dump returns the bytes; its stub says ``bytes | None`` for both cases.
    text = b"".join(cast(bytes, store.dump(format=RdfFormat.N_TRIPLES, from_graph=NamedNode(g))) for g in graphs)
    merged.load(text, format=RdfFormat.N_TRIPLES)
    return merged


def _to_oxigraph(term: Node | None) -> OxTerm | None:
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if not isinstance(term, Literal):
        raise TypeError(f"no pyoxigraph term for {term!r}")
    if term.language:
        return OxLiteral(str(term), language=term.language)
    if term.datatype:
        return OxLiteral(str(term), datatype=NamedNode(str(term.datatype)))
    return OxLiteral(str(term))


def pyshacl_results(data_graph: Graph, shapes_graph: Graph, *, graph: str | None = None) -> list[ShaclResult]:
    """pyshacl's results on an rdflib data graph, in this module's form (the reference engine,
    and the fallback for shapes the compiler does not translate)."""
    from pyshacl import validate as shacl_validate

    _, report, _ = shacl_validate(
        data_graph, shacl_graph=shapes_graph, inference="none", advanced=False, allow_infos=True, allow_warnings=True
    )
    return report_results(report, graph=graph)


def report_results(report: Graph, *, graph: str | None = None) -> list[ShaclResult]:
    """The results of a SHACL validation report graph (rdflib), in this module's form."""
    from rdflib import Literal, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    out: list[ShaclResult] = []
    for node in report.subjects(URIRef(RDF_TYPE), sh("ValidationResult")):
        path = report.value(node, sh("resultPath"))
        messages = tuple(
            sorted(
                ((m.language, str(m)) for m in report.objects(node, sh("resultMessage")) if isinstance(m, Literal)),
                key=lambda m: (m[0] or "", m[1]),
            )
        )
        out.append(
            ShaclResult(
                graph=graph,
                focus=_to_oxigraph(report.value(node, sh("focusNode"))),
                path=path_text(report, path) if path is not None else None,
                value=_to_oxigraph(report.value(node, sh("value"))),
                component=str(report.value(node, sh("sourceConstraintComponent"))),
                severity=str(report.value(node, sh("resultSeverity"))),
                shape=str(report.value(node, sh("sourceShape"))),
                messages=messages,
            )
        )
    return out


def rdflib_graph(
    quads: Iterable[pyoxigraph.Quad | pyoxigraph.Triple], *, extra: Iterable[pyoxigraph.Triple] = ()
) -> Graph:
    """An rdflib Graph of pyoxigraph quads or triples (graph names dropped) plus ``extra``
    pyoxigraph triples."""
    from rdflib import Graph

    from .catalogue import convert_triples

    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in convert_triples(quads))
    graph.addN((s, p, o, graph) for s, p, o in convert_triples(extra))
    return graph


def hierarchy_triples(store: pyoxigraph.Store, *, ontology_graph: str) -> list[pyoxigraph.Triple]:
    """The ontology's rdfs:subClassOf and rdfs:subPropertyOf triples: the part of the ontology
    pyshacl is given next to the data."""
    from pyoxigraph import NamedNode

    keep = ("http://www.w3.org/2000/01/rdf-schema#subClassOf", "http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
    return [
        q.triple
        for p in keep
        for q in store.quads_for_pattern(None, NamedNode(p), None, NamedNode(ontology_graph))
        if isinstance(q.object, NamedNode)
    ]


@functools.cache
def packaged_shapes() -> Graph:
    """The rdflib graph of every packaged ``shapes/*.ttl`` (the one zwgk.validate uses)."""
    from .catalogue import packaged

    return packaged().graph


def validate_graphs(
    store: pyoxigraph.Store,
    *,
    graphs: Sequence[str],
    shapes: Graph | None = None,
    per_graph: bool = True,
    ontology_graph: str | None = None,
) -> ShaclReport:
    """Validate named graphs of a ``pyoxigraph.Store`` against an rdflib shapes graph (default:
    zwgk's shapes). Shapes the compiler cannot translate are run by pyshacl, with a notice."""
    from ..ontology.iris import ONTOLOGY_GRAPH

    ontology_graph = ontology_graph or ONTOLOGY_GRAPH
    shapes = shapes if shapes is not None else packaged_shapes()
    compiled = compile_shapes(
        shapes, subclasses=class_closure(store, ontology_graph=ontology_graph), per_graph=per_graph
    )
    results = run_checks(store, compiled, graphs=graphs, per_graph=per_graph)
    fallback_shapes = compiled.fallback_graph  # set when, and only when, ``compiled.fallback`` is not empty
    if fallback_shapes is not None:
        from pyoxigraph import NamedNode

        extra = hierarchy_triples(store, ontology_graph=ontology_graph)
        if per_graph:
            for g in graphs:
                data = rdflib_graph(store.quads_for_pattern(None, None, None, NamedNode(g)), extra=extra)
                results.extend(pyshacl_results(data, fallback_shapes, graph=g))
        else:
            quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, NamedNode(g)))
            results.extend(pyshacl_results(rdflib_graph(quads, extra=extra), fallback_shapes))
    return ShaclReport(
        results=tuple(results),
        compiled_shapes=compiled.compiled,
        fallback_shapes=compiled.fallback,
        notices=compiled.notices,
    )


def validate_ledger_store(
    store: Store, *, ledger_ids: Sequence[str] | None = None, shapes: Graph | None = None, per_graph: bool = True
) -> ShaclReport:
    """Validate the ledgers of an open ``LedgerStore`` (all, or those named), each in its own
    graph (``per_graph``) or all as one graph."""
    infos = store.resolve_ids(list(ledger_ids) if ledger_ids is not None else None)
    return validate_graphs(_local(store), graphs=[info.graph for info in infos], shapes=shapes, per_graph=per_graph)


def _local(store: Store) -> pyoxigraph.Store:
    """The ``pyoxigraph.Store`` the compiled checks run in, which only an embedded store has."""
    local = store.local
    if local is None:
        from ..errors import StoreError

        raise StoreError(
            f"the SPARQL engine runs inside an embedded store, not at {store.location}; "
            "validate a remote store with the pyshacl engine",
            message_zh="SPARQL 校验引擎只能在本地数据库中运行；远程数据库请用 pyshacl 引擎校验",
        )
    return local


# The analyst's report -------------------------------------------------------------------------


class _GraphView:
    """The two reads ``zwgk.validate``'s result placement makes (``subjects``/``objects``) served
    from one named graph of the store, in rdflib terms, so that a store-wide report needs no
    rdflib copy of the data."""

    def __init__(self, store: pyoxigraph.Store, graph: str) -> None:
        from pyoxigraph import NamedNode

        self._store = store
        self._graph = NamedNode(graph)

    def subjects(self, predicate: Node, obj: Node, /) -> Iterator[Node]:
        from pyoxigraph import NamedNode

        p = _to_oxigraph(predicate)
        if not isinstance(p, NamedNode):
            return  # only an IRI is a predicate: an rdflib graph finds nothing either
        for q in self._store.quads_for_pattern(None, p, _to_oxigraph(obj), self._graph):
            yield _to_rdflib(q.subject)

    def objects(self, subject: Node, predicate: Node, /) -> Iterator[Node]:
        from pyoxigraph import Literal, NamedNode

        s, p = _to_oxigraph(subject), _to_oxigraph(predicate)
        if isinstance(s, Literal) or not isinstance(p, NamedNode):
            return  # a literal has no properties (Oxigraph refuses one as a subject; rdflib finds nothing)
        for q in self._store.quads_for_pattern(s, p, None, self._graph):
            yield _to_rdflib(q.object)


def _to_rdflib(term: OxTerm | pyoxigraph.Triple) -> Node:
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if not isinstance(term, OxLiteral):
        raise TypeError(f"an RDF-star triple term has no rdflib form: {term}")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def validation_report(store: Store, *, ledger_ids: Sequence[str] | None = None) -> ValidationReport:
    """``zwgk.shapes.validate_store``'s report (grouped by ledger, placed in task, file and
    line) computed with this module's engine on the store."""
    from ..ontology.iris import ZW
    from .catalogue import ShapeInfo, packaged
    from .placement import Context
    from .report import (
        DCTERMS,
        SEVERITIES,
        SEVERITY_OF_IRI,
        LedgerValidation,
        ValidationReport,
        ValidationResult,
        result_order,
    )

    infos = store.resolve_ids(list(ledger_ids) if ledger_ids is not None else None)
    local = _local(store)
    report = validate_graphs(local, graphs=[info.graph for info in infos], shapes=packaged().graph)
    by_graph: dict[str | None, list[ShaclResult]] = {}
    for result in report.results:
        by_graph.setdefault(result.graph, []).append(result)
    shape_info = packaged().info
    ledgers = []
    for info in infos:
        ctx = Context(_GraphView(local, info.graph))
        ledger = ctx.ledger
        title = ctx.text(ledger, DCTERMS + "title") if ledger is not None else None
        results = []
        for r in by_graph.get(info.graph, ()):
            focus = _to_rdflib(r.focus) if r.focus is not None else None
            value = _to_rdflib(r.value) if r.value is not None else None
            shape = shape_info.get(r.shape) or ShapeInfo(name_zh=r.shape, name_en=r.shape)
            messages = dict(r.messages)
            subject, kind = ctx.subject(focus, value)
            task = subject if kind == "task" else None
            results.append(
                ValidationResult(
                    ledger_id=info.id,
                    source_file=info.source_file,
                    focus_node=str(focus),
                    subject=str(subject),
                    subject_kind=kind,
                    subject_label=ctx.label(subject),
                    task_number=ctx.text(task, ZW + "number") if task is not None else None,
                    task_position=ctx.integer(task, ZW + "position") if task is not None else None,
                    source_line=ctx.line(subject, kind),
                    path=r.path_iri,
                    value=str(value) if value is not None else None,
                    value_nt=value.n3() if value is not None else None,
                    constraint=r.component,
                    severity=SEVERITY_OF_IRI.get(r.severity, "violation"),
                    shape=r.shape,
                    shape_name_zh=shape.name_zh,
                    shape_name_en=shape.name_en,
                    message_zh=messages.get("zh") or messages.get("en") or messages.get(None) or "",
                    message_en=messages.get("en") or messages.get(None) or messages.get("zh") or "",
                )
            )
        results.sort(key=lambda x: (SEVERITIES.index(x.severity), result_order(x)))
        ledgers.append(
            LedgerValidation(
                ledger_id=info.id,
                ledger_iri=str(ledger) if ledger is not None else None,
                source_file=info.source_file,
                title=title,
                results=tuple(results),
            )
        )
    return ValidationReport(ledgers=tuple(ledgers))
