"""SHACL Core and SHACL-SPARQL compiled to SPARQL and run on the pyoxigraph store, so that a
province's ledgers validate in seconds instead of minutes.

Why: pyshacl walks the data one focus node at a time through rdflib; over a whole store that is
slow (and over a pyoxigraph store, through rdflib's store interface, slower still — see
NOTES.md). The same checks written as set-oriented SPARQL run inside Oxigraph in a handful of
queries, one per constraint, whatever the number of ledgers.

Each constraint of each shape becomes one SELECT query returning the focus node and value node
(and, per named graph, the graph) of every failing case; the result carries path, constraint
component, severity, source shape and the shape's messages in every language.

The compiler decides per shape, before anything runs, whether every construct in the shape
(and in the shapes it refers to) is known to compile exactly; a shape with anything else is
validated by pyshacl instead, with one notice saying why, so that no shape is ever dropped and
no answer is approximate. SPARQL the SHACL specification forbids in a constraint (``SERVICE``,
``MINUS``, ``VALUES``, ``BIND (… AS $this)``) and a regular expression Oxigraph cannot compile
are errors (``ShapesError``), raised before any query runs, so validation never reaches the
network.

Two scopes: ``per_graph=True`` validates every named graph on its own (what ``zwgk validate``
does: one ledger, one graph), ``per_graph=False`` validates the union of the graphs as one graph
(what pyshacl over the whole store does). Subclasses come from the ontology graph's
rdfs:subClassOf, as they do for pyshacl, which is given the ontology's class hierarchy, and from
the data's own rdfs:subClassOf when the data has any.

Core constraints are written with ``GRAPH ?g`` and run once over the whole store. Checks that
need a subquery inside the graph they read (nested shapes, SPARQL constraints) are written for
the default graph and, per graph, rewritten with ``?g`` threaded through every subquery
(``graph_aware``): Oxigraph does not correlate a subquery with an enclosing ``GRAPH ?g``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from ..errors import ZwgkError
from .catalogue import rdflib_term
from .report import Notice, ResultKey, ShaclResult

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph, URIRef
    from rdflib.term import Node

    from ..store.base import Store
    from .catalogue import OxTerm, Shapes
    from .report import ValidationReport

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
XSD = "http://www.w3.org/2001/XMLSchema#"


class ShapesError(ZwgkError):
    """A shapes graph that cannot be validated with: forbidden SPARQL, a bad regular expression,
    a SPARQL query that does not parse. Names the shape (and, for a user's file, the file and
    line)."""


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
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "closed",
        "ignoredProperties",
        "node",
        "not",
        "and",
        "or",
        "xone",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
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
        "select",
    )
)
"""Non-validating or structural sh: properties of a shape (a shape may be its own SPARQL
constraint, so sh:select on it is read through sh:sparql)."""

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
    "languageIn": "LanguageInConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent",
    "equals": "EqualsConstraintComponent",
    "disjoint": "DisjointConstraintComponent",
    "lessThan": "LessThanConstraintComponent",
    "lessThanOrEquals": "LessThanOrEqualsConstraintComponent",
    "closed": "ClosedConstraintComponent",
    "node": "NodeConstraintComponent",
    "not": "NotConstraintComponent",
    "and": "AndConstraintComponent",
    "or": "OrConstraintComponent",
    "xone": "XoneConstraintComponent",
    "qualifiedMinCount": "QualifiedMinCountConstraintComponent",
    "qualifiedMaxCount": "QualifiedMaxCountConstraintComponent",
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
        "dayTimeDuration",
        "yearMonthDuration",
        "gYear",
        "gYearMonth",
    )
)
"""Datatypes whose lexical form Oxigraph checks when a literal is cast to them: an ill-formed
literal (``"abc"^^xsd:integer``) fails sh:datatype, as SHACL requires."""

_ANY_LEXICAL = frozenset({XSD + "string", XSD + "anyURI"})
"""XSD datatypes every string is a lexical form of (as rdflib, and so pyshacl, reads them)."""

INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "long": (-(2**63), 2**63 - 1),
    XSD + "int": (-(2**31), 2**31 - 1),
    XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "byte": (-(2**7), 2**7 - 1),
    XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "unsignedInt": (0, 2**32 - 1),
    XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedByte": (0, 2**8 - 1),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "positiveInteger": (1, None),
    XSD + "nonPositiveInteger": (None, 0),
    XSD + "negativeInteger": (None, -1),
}
"""The integer types Oxigraph stores as xsd:integer (``"5"^^xsd:int`` is kept as
``"5"^^xsd:integer``; only an ill-formed literal keeps its datatype). On stored data a value
of such a type is therefore an xsd:integer within the type's range; the original datatype is
gone, so an xsd:integer within range also passes."""


# Results -----------------------------------------------------------------------------------


Messages = tuple[tuple[str | None, str], ...]
"""(language, text) of every message of a shape or constraint; language ``None`` when untagged."""


@dataclass(frozen=True)
class ShaclReport:
    results: tuple[ShaclResult, ...]
    compiled_shapes: tuple[str, ...]
    fallback_shapes: tuple[str, ...] = ()
    """Shapes validated by pyshacl because they use a construct the compiler does not translate
    exactly."""
    notices: tuple[Notice, ...] = ()

    @property
    def conforms(self) -> bool:
        """As the SHACL specification defines ``sh:conforms``: no result of any severity."""
        return not self.results

    def keys(self) -> set[ResultKey]:
        return {r.key() for r in self.results}


# Compiling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT returning ``?this`` and ``?value`` (and ``?g`` per graph
    unless ``local``, and a SPARQL constraint's own variables). A ``local`` check reads the
    default graph: per graph it is rewritten by ``graph_aware``."""

    shape: str
    component: str
    severity: str
    path: str | None
    messages: Messages
    query: str
    message_vars: tuple[str, ...] = ()
    local: bool = False
    prologue: str = ""
    value_is_focus: bool = False
    """A SPARQL constraint of a node shape: a solution without ?value reports the focus node."""
    where: str = ""
    """The shape as an error names it (file and line of a user's shape)."""


@dataclass(frozen=True)
class CompiledShapes:
    checks: tuple[Check, ...]
    compiled: tuple[str, ...]
    fallback: tuple[str, ...]
    fallback_graph: Graph | None = None
    """The shapes graph for pyshacl: every triple, but only the fallback shapes keep targets."""
    notices: tuple[Notice, ...] = ()


class _Unsupported(Exception):
    """Raised while compiling a shape that needs pyshacl: the construct, in English and Chinese."""

    def __init__(self, reason: str, reason_zh: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_zh = reason_zh or reason


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
        raise _Unsupported("a blank node as a constraint value", "以空白节点作为约束值")
    raise _Unsupported(f"term {term!r}")


def shape_name(node: Node) -> str:
    """A shape as ``ShaclResult.shape`` names it: the IRI, or ``_:label`` for a blank node."""
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _list(graph: Graph, node: Node | None) -> list[Node | None]:
    from rdflib import URIRef

    items: list[Node | None] = []
    seen: set[Node] = set()
    while node is not None and node != URIRef(RDF_NIL) and node not in seen:
        seen.add(node)
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
        raise _Unsupported(f"path {node!r}", f"路径 {node!r}")
    if graph.value(node, URIRef(RDF_FIRST)) is not None:
        items = _list(graph, node)
        if len(items) < 2:
            raise _Unsupported("a sequence path of fewer than two steps", "少于两步的序列路径")
        return "(" + "/".join(path_text(graph, item) for item in items) + ")"
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
        items = _list(graph, alternatives)
        if len(items) < 2:
            raise _Unsupported("an alternative path of fewer than two paths", "少于两项的可选路径")
        return "(" + "|".join(path_text(graph, item) for item in items) + ")"
    raise _Unsupported("an unknown path form", "未知的路径形式")


def _messages(graph: Graph, node: Node) -> Messages:
    from rdflib import Literal, URIRef

    return tuple(
        sorted(
            ((o.language, str(o)) for o in graph.objects(node, URIRef(SH + "message")) if isinstance(o, Literal)),
            key=lambda m: (m[0] or "", m[1]),
        )
    )


def _prefixes(graph: Graph, constraint: Node) -> str:
    """PREFIX lines from the sh:declare of every sh:prefixes of a SPARQL constraint (and of the
    ontologies those owl:imports)."""
    from rdflib import URIRef

    lines = []
    owners = list(graph.objects(constraint, URIRef(SH + "prefixes")))
    seen: set[Node] = set()
    while owners:
        owner = owners.pop()
        if owner in seen:
            continue
        seen.add(owner)
        owners.extend(graph.objects(owner, URIRef("http://www.w3.org/2002/07/owl#imports")))
        for decl in graph.objects(owner, URIRef(SH + "declare")):
            prefix = graph.value(decl, URIRef(SH + "prefix"))
            namespace = graph.value(decl, URIRef(SH + "namespace"))
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_TOKENS = re.compile(
    r"""(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)|(?P<comment>\#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z_0-9]+)|(?P<word>[A-Za-z_][\w-]*(?::[\w.-]*)?|:[\w.-]*)|(?P<punct>[{}().;,]|\S)",
    re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """SPARQL tokens enough to see structure: strings, IRIs and comments are one token each."""
    out = []
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or "punct"
        if kind != "comment":
            out.append(_Token(kind, match.group(), match.start(), match.end()))
    return out


_FORBIDDEN = (
    (
        "SERVICE",
        "a SERVICE clause (validation never fetches another server's data)",
        "SERVICE 子句（校验不访问其他服务器）",
    ),
    ("MINUS", "MINUS", "MINUS"),
    ("VALUES", "a VALUES clause", "VALUES 子句"),
)


def check_sparql(text: str, *, where: str) -> None:
    """Refuse what SHACL-SPARQL forbids in a constraint's query (SERVICE first: it would make
    validation fetch a URL), and a ``BIND``/``AS`` that binds a pre-bound variable."""
    tokens = _tokens(text)
    words = [t.text.upper() if t.kind == "word" else t.text for t in tokens]
    for keyword, en, zh in _FORBIDDEN:
        if keyword in words:
            raise ShapesError(
                f"{where}: its SPARQL query uses {en}, which SHACL does not allow in a constraint",
                message_zh=f"{where}：其 SPARQL 查询使用了 {zh}，SHACL 不允许在约束中使用",
            )
    if re.search(r"[?$]shapesGraph\b", text):
        raise ShapesError(
            f"{where}: its SPARQL query reads $shapesGraph, which zwgk does not support",
            message_zh=f"{where}：其 SPARQL 查询使用了 $shapesGraph，zwgk 不支持",
        )
    for i, token in enumerate(tokens[:-1]):
        if (
            token.text == "{"
            and words[i + 1] == "SELECT"
            and i > _where_brace(tokens)
            and not _projects_this(tokens, i + 1)
        ):
            raise ShapesError(
                f"{where}: a subquery of its SPARQL query does not return $this, which SHACL requires",
                message_zh=f"{where}：其 SPARQL 查询的子查询没有返回 $this，SHACL 要求子查询返回预绑定变量",
            )
        if words[i] == "AS" and token.kind == "word" and tokens[i + 1].kind == "var":
            name = tokens[i + 1].text[1:]
            if name in ("this", "value", "PATH", "currentShape", "shapesGraph"):
                raise ShapesError(
                    f"{where}: its SPARQL query binds the pre-bound variable ${name} (AS ${name})",
                    message_zh=f"{where}：其 SPARQL 查询对预绑定变量 ${name} 重新赋值（AS ${name}）",
                )


def _projects_this(tokens: list[_Token], select: int) -> bool:
    """Whether the subquery whose SELECT is ``tokens[select]`` returns ``$this``: named in its
    projection, or ``*`` with ``$this`` in a triple pattern of its body."""
    head: list[str] = []
    i = select + 1
    while i < len(tokens) and tokens[i].text != "{" and tokens[i].text.upper() != "WHERE":
        head.append(tokens[i].text)
        i += 1
    if "$this" in head or "?this" in head:
        return True
    if "*" not in head:
        return False
    depth, paren = 0, 0
    for token in tokens[i:]:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                return False
        elif token.text == "(":
            paren += 1
        elif token.text == ")":
            paren -= 1
        elif token.kind == "var" and token.text[1:] == "this" and paren == 0:
            return True
    return False


def _where_brace(tokens: list[_Token]) -> int:
    """Index of the token opening the outermost WHERE group of a SELECT or ASK."""
    for i, token in enumerate(tokens):
        if token.text == "{":
            return i
    raise _Unsupported("a SPARQL query without a WHERE group", "没有 WHERE 子句的 SPARQL 查询")


def _this_binding(text: str) -> str:
    """How ``$this`` is used by a constraint's query, so that joining the query with the targets
    gives what pre-binding ``$this`` would (SHACL's semantics):

    ``"joined"``: a triple pattern of the outermost group (or of a plain group inside it) binds
    it, so the query may run on its own and be joined with the focus nodes; ``"inserted"``: it is bound nowhere but used in the
    outermost group's FILTER/BIND/EXISTS or in an OPTIONAL directly under it, so the focus nodes
    are put first in the outermost group. Anything else (a nested group or UNION branch that
    only filters on it, a subquery that uses it without projecting it) raises ``_Unsupported``."""
    tokens = _tokens(text)
    start = _where_brace(tokens)
    # A group whose closing brace is followed by UNION is a union branch, like the one after it.
    opened: list[int] = []
    union_branches: set[int] = set()
    for k, token in enumerate(tokens):
        if token.text == "{":
            opened.append(k)
        elif token.text == "}" and opened:
            first = opened.pop()
            if k + 1 < len(tokens) and tokens[k + 1].text.upper() == "UNION":
                union_branches.add(first)
    # frames: (kind, projects_this) from the outermost group inwards
    frames: list[tuple[str, bool]] = []
    in_expression: list[int] = []  # paren depths of FILTER/BIND expressions, per frame
    bound_top = False
    pending = "group"
    paren = 0
    expr_paren: int | None = None
    expr_kind = ""
    i = start
    while i < len(tokens):
        token = tokens[i]
        upper = token.text.upper() if token.kind == "word" else token.text
        if upper in ("OPTIONAL", "EXISTS", "GRAPH", "UNION"):
            pending = upper.lower()
        elif upper in ("FILTER", "BIND") and expr_paren is None:
            expr_kind, expr_paren = upper, paren
        elif upper == "(":
            paren += 1
        elif upper == ")":
            paren -= 1
            if expr_paren is not None and paren == expr_paren:
                expr_paren = None
        elif upper == "{":
            kind = "union" if i in union_branches else pending
            if kind == "graph":
                raise _Unsupported("GRAPH in a SPARQL constraint", "SPARQL 约束中的 GRAPH")
            if i + 1 < len(tokens) and tokens[i + 1].text.upper() == "SELECT":
                head = []
                for t in tokens[i + 2 :]:
                    if t.text == "{" or t.text.upper() == "WHERE":
                        break
                    head.append(t.text)
                kind = "select"
                frames.append((kind, "$this" in head or "?this" in head or "*" in head))
            else:
                frames.append((kind, False))
            in_expression.append(expr_paren if expr_paren is not None else -1)
            pending = "group"
        elif upper == "}":
            frames.pop()
            in_expression.pop()
            if not frames:
                break
        elif token.kind == "var" and token.text[1:] == "this":
            depth = len(frames)
            kinds = [k for k, _ in frames]
            inside_expr = expr_paren is not None
            if "exists" in kinds[1:]:
                pass  # EXISTS sees the solution's bindings
            elif any(k == "select" for k in kinds[1:]):
                selects = [(k, p) for k, p in frames[1:] if k == "select"]
                if not all(p for _, p in selects):
                    raise _Unsupported(
                        "$this in a subquery that does not project it", "子查询中使用 $this 却未将其投影"
                    )
                if inside_expr:
                    raise _Unsupported("$this in an expression inside a subquery", "子查询的表达式中使用 $this")
            elif all(k == "group" for k in kinds[1:]):
                if not inside_expr:
                    bound_top = True  # a triple pattern of the outermost group or of a plain group in it
                elif depth > 1:
                    raise _Unsupported(
                        "$this only in an expression of a nested group", "$this 仅出现在嵌套组的表达式中"
                    )
            elif depth == 2 and kinds[1] == "optional":
                if inside_expr and expr_kind == "BIND":
                    raise _Unsupported("$this in a BIND inside OPTIONAL", "OPTIONAL 中的 BIND 使用 $this")
            elif inside_expr:
                raise _Unsupported("$this only in an expression of a nested group", "$this 仅出现在嵌套组的表达式中")
        i += 1
    return "joined" if bound_top else "inserted"


def _substitute(text: str, values: dict[str, str]) -> str:
    """Replace variables (``$name`` or ``?name``) outside strings and IRIs by SPARQL terms."""
    out, last = [], 0
    for token in _tokens(text):
        if token.kind == "var" and token.text[1:] in values:
            out.append(text[last : token.start])
            out.append(values[token.text[1:]])
            last = token.end
    out.append(text[last:])
    return "".join(out)


_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


def graph_aware(query: str) -> str:
    """A query that reads the default graph, rewritten to read every named graph on its own and
    return it as ``?g``: each SELECT (the query's and every subquery's) projects ``?g``, reads its
    group inside ``GRAPH ?g`` and groups by ``?g``. Oxigraph evaluates a subquery inside
    ``GRAPH ?g`` without the graph, so the graph has to be threaded through each one; run once,
    this is what running the query once per graph with that graph as the default graph gives."""
    tokens = _tokens(query)
    match: dict[int, int] = {}
    opened: list[int] = []
    for k, token in enumerate(tokens):
        if token.text == "{":
            opened.append(k)
        elif token.text == "}" and opened:
            match[opened.pop()] = k
    inserts: list[tuple[int, str]] = []  # (character offset, text)
    for k, token in enumerate(tokens):
        if token.kind != "word" or token.text.upper() != "SELECT":
            continue
        j = k + 1
        if j < len(tokens) and tokens[j].text.upper() in ("DISTINCT", "REDUCED"):
            j += 1
        star = tokens[j].text == "*"
        head_end = j
        while tokens[head_end].text != "{" and tokens[head_end].text.upper() != "WHERE":
            head_end += 1
        brace = head_end if tokens[head_end].text == "{" else head_end + 1
        words = {t.text.upper() for t in tokens[j:head_end] if t.kind == "word"}
        close = match[brace]
        if not star:
            inserts.append((tokens[j].start, "?g "))
        inserts.append((tokens[brace].end, " GRAPH ?g {"))
        inserts.append((tokens[close].start, "} "))
        after = close + 1
        if after + 1 < len(tokens) and tokens[after].text.upper() == "GROUP" and tokens[after + 1].text.upper() == "BY":
            inserts.append((tokens[after + 1].end, " ?g"))
        elif words & _AGGREGATES:
            inserts.append((tokens[close].end, " GROUP BY ?g"))
    out, last = [], 0
    for offset, text in sorted(inserts, key=lambda x: x[0]):
        out.append(query[last:offset])
        out.append(text)
        last = offset
    out.append(query[last:])
    return "".join(out)


def refuse_forbidden(graph: Graph, *, where: Callable[[Node], str] | None = None) -> None:
    """Check every SPARQL query and regular expression of a shapes graph before anything runs,
    whichever engine will run it: pyshacl would run a SERVICE clause too (rdflib fetches it)."""
    from rdflib import Literal, URIRef

    where = where or (lambda node: f"shape {shape_name(node)}")
    for prop in ("select", "ask"):
        for owner, text in graph.subject_objects(URIRef(SH + prop)):
            shapes = list(graph.subjects(URIRef(SH + "sparql"), owner)) or [owner]
            check_sparql(str(text), where=where(shapes[0]))
    for shape, pattern in graph.subject_objects(URIRef(SH + "pattern")):
        flags = graph.value(shape, URIRef(SH + "flags"))
        if isinstance(pattern, Literal):
            check_regex(str(pattern), str(flags) if flags is not None else None, where=where(shape))


def check_regex(pattern: str, flags: str | None, *, where: str) -> None:
    """A regular expression Oxigraph cannot compile is an error, not a failure of every value."""
    from pyoxigraph import Literal, Store

    args = _sparql_term_text(pattern) + (", " + _sparql_term_text(flags) if flags else "")
    rows = list(Store().query(f'SELECT (REGEX("", {args}) AS ?ok) WHERE {{}}'))  # type: ignore[arg-type]
    if not rows or not isinstance(rows[0]["ok"], Literal):
        raise ShapesError(
            f"{where}: sh:pattern {pattern!r}"
            + (f" with flags {flags!r}" if flags else "")
            + " is not a valid regular expression",
            message_zh=f"{where}：sh:pattern {pattern!r} 不是有效的正则表达式",
        )


def _sparql_term_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


@dataclass(frozen=True)
class _Scope:
    """How a check reads the data: ``per_graph`` with ``GRAPH ?g`` (run once over the store), or
    ``local``: the default graph (run per graph, or on the union)."""

    per_graph: bool

    @property
    def gvar(self) -> str:
        return "?g " if self.per_graph else ""

    def wrap(self, pattern: str) -> str:
        return f"GRAPH ?g {{ {pattern} }}" if self.per_graph else pattern


LOCAL = _Scope(per_graph=False)

_EVERY_GRAPH = "GRAPH ?g { } "
"""Put in front of a target node inside ``GRAPH ?g``: the node is a focus node in every graph
(it need not occur in the data), and ``GRAPH ?g { }`` is what binds ``?g`` to each graph."""


class _Compiler:
    """Compiles the shapes of one rdflib shapes graph."""

    def __init__(
        self,
        graph: Graph,
        *,
        subclasses: dict[str, set[str]],
        per_graph: bool,
        data_subclasses: bool,
        where: Callable[[Node], str],
    ) -> None:
        from rdflib import URIRef

        self.graph = graph
        self.subclasses = subclasses
        self.per_graph = per_graph
        self.data_subclasses = data_subclasses
        self.where = where
        self.URIRef = URIRef
        self.components = self._components()

    def sh(self, name: str) -> URIRef:
        return self.URIRef(SH + name)

    def value(self, node: Node, name: str) -> Node | None:
        return self.graph.value(node, self.sh(name))

    def objects(self, node: Node, name: str) -> list[Node]:
        return sorted(self.graph.objects(node, self.sh(name)), key=str)

    def deactivated(self, node: Node) -> bool:
        from rdflib import Literal

        return self.value(node, "deactivated") == Literal(True)

    # Shapes and targets ----------------------------------------------------------------------

    def roots(self) -> list[Node]:
        """Every shape with a target: explicit (sh:target*) or implicit (a shape that is also an
        rdfs:Class or owl:Class)."""
        targets = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
        found = {s for t in targets for s in self.graph.subjects(self.sh(t), None)}
        shapes = set(self.graph.subjects(self.URIRef(RDF_TYPE), self.sh("NodeShape"))) | set(
            self.graph.subjects(self.URIRef(RDF_TYPE), self.sh("PropertyShape"))
        )
        for cls in (RDFS_CLASS, OWL_CLASS):
            found |= shapes & set(self.graph.subjects(self.URIRef(RDF_TYPE), self.URIRef(cls)))
        return sorted(found, key=str)

    def instance(self, var: str, classes: Iterable[str], scratch: str) -> str:
        """``var`` is a SHACL instance of one of ``classes`` (with their ontology subclasses;
        through the data's own rdfs:subClassOf too when the data has any)."""
        closure = sorted({c for cls in classes for c in self.subclasses.get(cls, set()) | {cls}})
        step = f"<{RDF_TYPE}>/(<{RDFS_SUBCLASS}>)*" if self.data_subclasses else f"<{RDF_TYPE}>"
        return f"{var} {step} {scratch} . VALUES {scratch} {{ " + " ".join(f"<{c}>" for c in closure) + " }"

    def target(self, shape: Node, scope: _Scope) -> str:
        """A pattern binding ``?this`` to each focus node, to be placed inside ``scope.wrap``."""
        from rdflib import Literal

        parts = []
        classes = [str(c) for c in self.objects(shape, "targetClass")]
        if (shape, self.URIRef(RDF_TYPE), self.URIRef(RDFS_CLASS)) in self.graph or (
            shape,
            self.URIRef(RDF_TYPE),
            self.URIRef(OWL_CLASS),
        ) in self.graph:
            classes.append(str(shape))
        if classes:
            parts.append(self.instance("?this", classes, "?__class"))
        nodes = self.objects(shape, "targetNode")
        if nodes:
            terms = []
            for node in nodes:
                if not isinstance(node, (self.URIRef, Literal)):
                    raise _Unsupported("a blank node as sh:targetNode", "以空白节点作为 sh:targetNode")
                terms.append(_sparql_term(node))
            graphs = _EVERY_GRAPH if scope.per_graph else ""
            parts.append(graphs + "VALUES ?this { " + " ".join(terms) + " }")
        for prop in self.objects(shape, "targetSubjectsOf"):
            parts.append(f"?this {_sparql_term(prop)} ?__t .")
        for prop in self.objects(shape, "targetObjectsOf"):
            parts.append(f"?__t {_sparql_term(prop)} ?this .")
        if self.value(shape, "target") is not None:
            raise _Unsupported("a SPARQL-based target (sh:target)", "基于 SPARQL 的目标（sh:target）")
        if not parts:
            raise _Unsupported("no target", "没有目标")
        if len(parts) == 1:
            return parts[0]
        return " UNION ".join("{ " + p + " }" for p in parts)

    # Custom SPARQL-based constraint components ----------------------------------------------

    def _components(self) -> list[tuple[Node, list[tuple[Node, bool]]]]:
        out = []
        validators = (self.sh("validator"), self.sh("nodeValidator"), self.sh("propertyValidator"))
        found = {s for v in validators for s in self.graph.subjects(v, None)}
        for component in sorted(found & set(self.graph.subjects(self.sh("parameter"), None)), key=str):
            params = []
            for param in self.objects(component, "parameter"):
                path = self.value(param, "path")
                if path is None:
                    continue
                optional = str(self.value(param, "optional") or "").lower() == "true"
                params.append((path, optional))
            out.append((component, params))
        return out

    def custom(self, shape: Node) -> list[tuple[Node, dict[str, Node]]]:
        """The custom components a shape uses (every required parameter has a value), with the
        values of its parameters by local name."""
        used = []
        for component, params in self.components:
            required = [p for p, optional in params if not optional]
            if not required or any(self.graph.value(shape, p) is None for p in required):
                continue
            values = {}
            for path, _ in params:
                value = self.graph.value(shape, path)
                if value is not None:
                    values[re.split(r"[#/:]", str(path))[-1]] = value
            used.append((component, values))
        return used

    # Shapes ----------------------------------------------------------------------------------

    def shape_checks(self, shape: Node, *, target: str, scope: _Scope, stack: tuple[Node, ...] = ()) -> list[Check]:
        """Every check of a shape (and of its property shapes) whose focus nodes ``target``
        binds to ``?this``."""
        if shape in stack:
            raise _Unsupported("a recursive shape", "递归引用的规则")
        if self.deactivated(shape):
            return []
        stack = stack + (shape,)
        checks = list(self.constraints(shape, target=target, scope=scope, stack=stack))
        path_node = self.value(shape, "path")
        for prop in self.objects(shape, "property"):
            if self.deactivated(prop):
                continue
            if path_node is None:
                checks.extend(self.shape_checks(prop, target=target, scope=scope, stack=stack))
            else:
                values = self.candidates(target, path_text(self.graph, path_node))
                checks.extend(self.shape_checks(prop, target=values, scope=LOCAL, stack=stack))
        return checks

    def candidates(self, target: str, path: str | None) -> str:
        """A pattern binding ``?this`` to the value nodes of ``path`` from the focus nodes of
        ``target`` (both read in the default graph): the focus nodes of a nested shape."""
        if path is None:
            return target
        return f"{{ SELECT DISTINCT (?__n AS ?this) WHERE {{ {{ SELECT DISTINCT ?__n WHERE {{ {target} ?this {path} ?__n . }} }} }} }}"

    def failing(self, shape: Node, *, target: str, as_var: str, stack: tuple[Node, ...]) -> str:
        """A subquery binding ``as_var`` to each focus node of ``target`` that does not conform to
        ``shape`` (read in the default graph)."""
        checks = self.shape_checks(shape, target=target, scope=LOCAL, stack=stack)
        if any(c.prologue for c in checks):
            raise _Unsupported("a SPARQL constraint inside a nested shape", "嵌套规则中的 SPARQL 约束")
        if not checks:
            return f"{{ SELECT {as_var} WHERE {{ FILTER (false) }} }}"
        union = " UNION ".join(f"{{ {{ {c.query} }} }}" for c in checks)
        return f"{{ SELECT DISTINCT (?__f AS {as_var}) WHERE {{ {{ SELECT DISTINCT (?this AS ?__f) WHERE {{ {union} }} }} }} }}"

    def constraints(self, shape: Node, *, target: str, scope: _Scope, stack: tuple[Node, ...]) -> Iterator[Check]:
        from rdflib import Literal

        graph = self.graph
        params = {str(p) for p in graph.predicates(shape, None) if str(p).startswith(SH)}
        unknown = params - SUPPORTED - _IGNORED
        if unknown:
            names = ", ".join(sorted("sh:" + u[len(SH) :] for u in unknown))
            raise _Unsupported(names, names)
        path_node = self.value(shape, "path")
        path = path_text(graph, path_node) if path_node is not None else None
        severity = str(self.value(shape, "severity") or SH + "Violation")
        messages = _messages(graph, shape)
        gvar, wrap = scope.gvar, scope.wrap
        name_of_shape = shape_name(shape)
        local_target = target
        free = path is not None and not re.search(r"\)[*?]", path) and path.count("<") == 1

        def rows_in(sc: _Scope, tgt: str) -> tuple[str, Callable[..., str]]:
            """The focus nodes subquery, and the (graph,) focus node, value rows of ``sc``."""
            targets = f"{{ SELECT DISTINCT {sc.gvar}?this WHERE {{ {sc.wrap(tgt)} }} }}"

            def rows(var: str, condition: str = "") -> str:
                filt = f" FILTER ({condition})" if condition else ""
                if path is None:
                    return f"{{ SELECT DISTINCT {sc.gvar}?this (?this AS {var}) WHERE {{ {sc.wrap(tgt)} }} }}{filt}"
                if free:
                    return f"{{ SELECT DISTINCT {sc.gvar}?this {var} WHERE {{ {sc.wrap(f'?this {path} {var} .')}{filt} }} }} {targets}"
                return f"{{ SELECT DISTINCT {sc.gvar}?this {var} WHERE {{ {sc.wrap(f'{tgt} ?this {path} {var} .')}{filt} }} }}"

            return targets, rows

        targets, value_rows = rows_in(scope, target)
        local_targets, local_rows = rows_in(LOCAL, local_target)

        def check(name: str, query: str, *, local: bool = not scope.per_graph) -> Check:
            return Check(
                shape=name_of_shape,
                component=SH + _COMPONENT[name],
                severity=severity,
                path=path,
                messages=messages,
                query=query,
                local=local,
            )

        def per_value(name: str, condition: str, *, absent: str = "") -> Check:
            if absent:
                where = f"{value_rows('?value')} MINUS {{ SELECT {gvar}?value WHERE {{ {wrap(absent)} }} }}"
            else:
                where = value_rows("?value", condition)
            return check(name, f"SELECT DISTINCT {gvar}?this ?value WHERE {{ {where} }}")

        # A single predicate cannot repeat a value within one graph: per graph, its rows are
        # counted as they come; over a union of graphs a triple held in two counts once.
        single = path is not None and re.fullmatch(r"\^?<[^<>\s]*>", path) is not None
        count = "COUNT(*)" if single and self.per_graph else "COUNT(DISTINCT ?__v)"

        def path_rows(having: str = "") -> str:
            """(graph,) focus node (and value) rows of the path, read on their own (a path of
            one or more steps) or from the focus nodes (a path that may take zero steps)."""
            pattern = f"?this {path} ?__v ." if free else f"{target} ?this {path} ?__v ."
            if having:
                return f"{{ SELECT {gvar}?this WHERE {{ {wrap(pattern)} }} GROUP BY {gvar}?this HAVING ({having}) }}"
            return f"{{ SELECT DISTINCT {gvar}?this WHERE {{ {wrap(pattern)} }} }}"

        for o in self.objects(shape, "minCount"):
            n = int(str(o))
            if path is None:
                raise _Unsupported("sh:minCount on a node shape", "节点规则上的 sh:minCount")
            if n > 0:
                having = "" if n == 1 else f"{count} >= {n}"
                yield check("minCount", f"SELECT DISTINCT {gvar}?this WHERE {{ {targets} MINUS {path_rows(having)} }}")
        for o in self.objects(shape, "maxCount"):
            if path is None:
                raise _Unsupported("sh:maxCount on a node shape", "节点规则上的 sh:maxCount")
            yield check(
                "maxCount",
                f"SELECT DISTINCT {gvar}?this WHERE {{ {path_rows(f'{count} > {int(str(o))}')} {targets} }}",
            )
        for o in self.objects(shape, "class"):
            yield per_value("class", "", absent=self.instance("?value", [str(o)], "?__c"))
        for o in self.objects(shape, "datatype"):
            yield per_value("datatype", f"!COALESCE({self.datatype_test(str(o))}, false)")
        for o in self.objects(shape, "in"):
            members = [_sparql_term(m) for m in _list(graph, o)]
            test = " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"
            yield per_value("in", f"!({test})")
        for o in self.objects(shape, "nodeKind"):
            kind = str(o)[len(SH) :]
            if kind not in _NODE_KIND_TEST:
                raise _Unsupported(f"sh:nodeKind {o}")
            yield per_value("nodeKind", f"!{_NODE_KIND_TEST[kind]}")
        for o in self.objects(shape, "hasValue"):
            term = _sparql_term(o)
            if path is None:
                yield check(
                    "hasValue",
                    f"SELECT DISTINCT {gvar}?this WHERE {{ {value_rows('?value', f'!sameTerm(?value, {term})')} }}",
                )
            else:
                yield check(
                    "hasValue",
                    f"SELECT DISTINCT {gvar}?this WHERE {{ {targets} MINUS {{ SELECT DISTINCT {gvar}?this WHERE {{ {value_rows('?__v', f'sameTerm(?__v, {term})')} }} }} }}",
                )
        flags = self.value(shape, "flags")
        for o in self.objects(shape, "pattern"):
            check_regex(str(o), str(flags) if flags else None, where=self.where(shape))
            args = _sparql_term(Literal(str(o))) + (", " + _sparql_term(Literal(str(flags))) if flags else "")
            yield per_value("pattern", f"isBlank(?value) || !COALESCE(REGEX(STR(?value), {args}), false)")
        for name, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
            for o in self.objects(shape, name):
                yield per_value(name, f"!COALESCE(?value {op} {_sparql_term(o)}, false)")
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            for o in self.objects(shape, name):
                yield per_value(name, f"isBlank(?value) || !COALESCE(STRLEN(STR(?value)) {op} {int(str(o))}, false)")
        for o in self.objects(shape, "languageIn"):
            tags = [str(t) for t in _list(graph, o)]
            test = " || ".join(f"langMatches(LANG(?value), {_sparql_term_text(t)})" for t in tags) or "false"
            yield per_value("languageIn", f"!(isLiteral(?value) && ({test}))")
        if self.value(shape, "uniqueLang") == Literal(True):
            if path is None:
                raise _Unsupported("sh:uniqueLang on a node shape", "节点规则上的 sh:uniqueLang")
            yield check(
                "uniqueLang",
                f"SELECT DISTINCT {gvar}?this WHERE {{ {value_rows('?__a')} {value_rows('?__b')} "
                f'FILTER (!sameTerm(?__a, ?__b) && LANG(?__a) != "" && LCASE(LANG(?__a)) = LCASE(LANG(?__b))) }}',
            )
        for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for o in self.objects(shape, name):
                other = _sparql_term(o)
                theirs = f"{{ SELECT DISTINCT {gvar}?this ?__w WHERE {{ {wrap(f'?this {other} ?__w .')} }} }}"
                if name == "equals":
                    mine = f"{{ SELECT DISTINCT {gvar}?this ?__w WHERE {{ {value_rows('?__w')} }} }}"
                    yield check(
                        name,
                        f"SELECT DISTINCT {gvar}?this ?value WHERE {{ {{ {value_rows('?value')} MINUS {{ SELECT {gvar}?this (?__w AS ?value) WHERE {{ {theirs} }} }} }} "
                        f"UNION {{ {{ SELECT {gvar}?this (?__w AS ?value) WHERE {{ {theirs} {targets} }} }} MINUS {{ SELECT {gvar}?this (?__w AS ?value) WHERE {{ {mine} }} }} }} }}",
                    )
                elif name == "disjoint":
                    yield check(
                        name,
                        f"SELECT DISTINCT {gvar}?this ?value WHERE {{ {value_rows('?value')} {theirs} FILTER (sameTerm(?value, ?__w)) }}",
                    )
                else:
                    op = "<" if name == "lessThan" else "<="
                    yield check(
                        name,
                        f"SELECT DISTINCT {gvar}?this ?value WHERE {{ {value_rows('?value')} {theirs} FILTER (!COALESCE(?value {op} ?__w, false)) }}",
                    )
        if self.value(shape, "closed") == Literal(True):
            if path is not None:
                raise _Unsupported("sh:closed on a property shape", "属性规则上的 sh:closed")
            allowed = {
                str(p)
                for prop in self.objects(shape, "property")
                for p in [self.value(prop, "path")]
                if isinstance(p, self.URIRef)
            }
            for ignored in self.objects(shape, "ignoredProperties"):
                allowed |= {str(p) for p in _list(graph, ignored)}
            test = " && ".join(f"?path != <{p}>" for p in sorted(allowed)) or "true"
            yield check(
                "closed",
                f"SELECT DISTINCT {gvar}?this ?value ?path WHERE {{ {targets} {wrap('?this ?path ?value .')} FILTER ({test}) }}",
            )
        # Nested shapes: each value node against another shape, read in the default graph.
        values = self.candidates(local_target, path)

        def fails(inner: Node, var: str) -> str:
            return self.failing(inner, target=values, as_var=var, stack=stack)

        for o in self.objects(shape, "node"):
            yield check(
                "node",
                f"SELECT DISTINCT ?this ?value WHERE {{ {local_rows('?value')} {fails(o, '?value')} }}",
                local=True,
            )
        for o in self.objects(shape, "not"):
            inner = fails(o, "?value")
            yield check(
                "not", f"SELECT DISTINCT ?this ?value WHERE {{ {local_rows('?value')} MINUS {inner} }}", local=True
            )
        for o in self.objects(shape, "and"):
            operands = _list(graph, o)
            union = " UNION ".join(fails(m, "?value") for m in operands if m is not None) or "{ FILTER (false) }"
            yield check(
                "and", f"SELECT DISTINCT ?this ?value WHERE {{ {local_rows('?value')} {{ {union} }} }}", local=True
            )
        for o in self.objects(shape, "or"):
            operands = _list(graph, o)
            joined = " ".join(fails(m, "?value") for m in operands if m is not None)
            yield check("or", f"SELECT DISTINCT ?this ?value WHERE {{ {local_rows('?value')} {joined} }}", local=True)
        for o in self.objects(shape, "xone"):
            exclusive = [m for m in _list(graph, o) if m is not None]
            optionals = " ".join(
                f"OPTIONAL {{ {fails(m, '?value')} BIND (1 AS ?__x{i}) }}"
                for i, m in enumerate(exclusive)
                if m is not None
            )
            conforming = " + ".join(f"IF(BOUND(?__x{i}), 0, 1)" for i in range(len(exclusive))) or "0"
            yield check(
                "xone",
                f"SELECT DISTINCT ?this ?value WHERE {{ {local_rows('?value')} {optionals} FILTER (({conforming}) != 1) }}",
                local=True,
            )
        qualified = self.value(shape, "qualifiedValueShape")
        if qualified is not None:
            if path is None:
                raise _Unsupported("sh:qualifiedValueShape on a node shape", "节点规则上的 sh:qualifiedValueShape")
            rows = f"{local_rows('?__q')} MINUS {fails(qualified, '?__q')}"
            if self.value(shape, "qualifiedValueShapesDisjoint") == Literal(True):
                for sibling in self.siblings(shape, qualified):
                    rows += f" {fails(sibling, '?__q')}"
            conforming = f"{{ SELECT ?this (COUNT(DISTINCT ?__q) AS ?__k) WHERE {{ {rows} }} GROUP BY ?this }}"
            for o in self.objects(shape, "qualifiedMinCount"):
                n = int(str(o))
                if n > 0:
                    yield check(
                        "qualifiedMinCount",
                        f"SELECT DISTINCT ?this WHERE {{ {local_targets} OPTIONAL {conforming} FILTER (COALESCE(?__k, 0) < {n}) }}",
                        local=True,
                    )
            for o in self.objects(shape, "qualifiedMaxCount"):
                yield check(
                    "qualifiedMaxCount",
                    f"SELECT DISTINCT ?this WHERE {{ {local_targets} {conforming} FILTER (?__k > {int(str(o))}) }}",
                    local=True,
                )
        yield from self.sparql_checks(shape, path=path, target=local_target, severity=severity, messages=messages)

    def siblings(self, shape: Node, qualified: Node) -> list[Node]:
        out = []
        for parent in self.graph.subjects(self.sh("property"), shape):
            for prop in self.objects(parent, "property"):
                for q in self.objects(prop, "qualifiedValueShape"):
                    if q != qualified and q not in out:
                        out.append(q)
        return out

    def datatype_test(self, dt: str) -> str:
        if dt == RDF + "langString":
            return 'isLiteral(?value) && LANG(?value) != ""'
        if dt in INTEGER_RANGES:
            low, high = INTEGER_RANGES[dt]
            test = f"isLiteral(?value) && DATATYPE(?value) = <{XSD}integer>"
            test += f" && DATATYPE(<{XSD}integer>(STR(?value))) = <{XSD}integer>"
            if low is not None:
                test += f" && ?value >= {low}"
            if high is not None:
                test += f" && ?value <= {high}"
            return test
        test = f"isLiteral(?value) && DATATYPE(?value) = <{dt}>"
        if dt in _CASTABLE:
            return test + f" && DATATYPE(<{dt}>(STR(?value))) = <{dt}>"
        if dt.startswith(XSD) and dt not in _ANY_LEXICAL:
            raise _Unsupported(
                f"sh:datatype {dt} (its lexical form cannot be checked in SPARQL)",
                f"sh:datatype {dt}（无法在 SPARQL 中检查其词法形式）",
            )
        return test

    def sparql_checks(
        self, shape: Node, *, path: str | None, target: str, severity: str, messages: Messages
    ) -> Iterator[Check]:
        """SHACL-SPARQL constraints and custom SPARQL-based constraint components, run locally
        (per graph) with the focus nodes joined or put first, as ``_this_binding`` decides."""
        graph = self.graph
        jobs: list[tuple[Node, str, dict[str, str], str, Messages, str]] = []
        for constraint in self.objects(shape, "sparql"):
            if self.deactivated(constraint):
                continue
            select = self.value(constraint, "select")
            if select is None:
                raise _Unsupported("a SPARQL constraint without sh:select", "没有 sh:select 的 SPARQL 约束")
            own = _messages(graph, constraint) or messages
            jobs.append((constraint, str(select), {}, SH + _COMPONENT["sparql"], own, "select"))
        for component, parameters in self.custom(shape):
            validator = None
            for name in ("propertyValidator" if path is not None else "nodeValidator", "validator"):
                validator = self.value(component, name)
                if validator is not None:
                    break
            if validator is None:
                raise _Unsupported(
                    f"the constraint component {component} without a validator for this shape",
                    f"约束组件 {component}（无适用的验证器）",
                )
            query_node = self.value(validator, "select")
            kind = "select"
            if query_node is None:
                query_node = self.value(validator, "ask")
                kind = "ask"
            if query_node is None:
                raise _Unsupported(f"the constraint component {component}", f"约束组件 {component}")
            own = _messages(graph, validator) or _messages(graph, component) or messages
            terms = {k: _sparql_term(v) for k, v in parameters.items()}
            jobs.append((validator, str(query_node), terms, str(component), own, kind))
        for owner, text, terms, component_iri, own, kind in jobs:
            where = self.where(shape)
            check_sparql(text, where=where)
            if not isinstance(shape, self.URIRef):
                raise _Unsupported("$currentShape of a blank-node shape", "空白节点规则的 $currentShape")
            bindings = dict(terms)
            bindings["currentShape"] = _sparql_term(shape)
            if path is not None:
                bindings["PATH"] = path
            elif re.search(r"\$PATH\b", text):
                raise _Unsupported("$PATH in a node shape", "节点规则中的 $PATH")
            text = _substitute(text, bindings)
            prefixes = _prefixes(graph, owner)
            opening = _PROLOGUE.match(text)  # always matches, if only the empty string
            prologue = "\n".join(p for p in (prefixes, opening.group(0).strip() if opening else "") if p)
            body = text[opening.end() if opening else 0 :]
            if kind == "ask":
                tokens = _tokens(body)
                brace = _where_brace(tokens)
                group = body[tokens[brace].start :]
                value_var = "?value"
                rows_target = f"{{ SELECT DISTINCT ?this {value_var} WHERE {{ {target} "
                rows_target += f"?this {path} ?value . }} }}" if path is not None else "BIND (?this AS ?value) } }"
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {rows_target} FILTER NOT EXISTS {group} }}"
                yield Check(
                    shape=shape_name(shape),
                    component=component_iri,
                    severity=severity,
                    path=path,
                    messages=own,
                    query=query,
                    local=True,
                    prologue=prologue or " ",
                    where=where,
                )
                continue
            binding = _this_binding(body)
            tokens = _tokens(body)
            head_end = _where_brace(tokens)
            head = body[: tokens[head_end].start]
            if re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", head, re.I):
                raise _Unsupported("SELECT * in a SPARQL constraint", "SPARQL 约束中的 SELECT *")
            projected = set(re.findall(r"[?$](\w+)", re.sub(r"\(.*?\bAS\b", " ", head, flags=re.S | re.I)))
            projected |= set(re.findall(r"\bAS\s+[?$](\w+)", head, re.I))
            if "this" not in projected:
                body = re.sub(
                    r"\bSELECT(\s+(DISTINCT|REDUCED))?", lambda m: m.group(0) + " $this", body, count=1, flags=re.I
                )
            if binding == "inserted":
                tokens = _tokens(body)
                opening_brace = tokens[_where_brace(tokens)]
                body = (
                    body[: opening_brace.end]
                    + f" {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} "
                    + body[opening_brace.end :]
                )
                where_part = f"{{ {body} }}"
            else:
                where_part = f"{{ SELECT DISTINCT ?this WHERE {{ {target} }} }} {{ {body} }}"
            wanted = sorted({v for _, m in own for v in re.findall(r"\{[?$](\w+)\}", m)} - {"this", "value", "path"})
            extra = [v for v in wanted if v in projected]
            value = " ?value" if "value" in projected else ""
            path_var = " ?path" if "path" in projected else ""
            query = (
                f"SELECT DISTINCT ?this{value}{path_var} "
                + " ".join("?" + v for v in extra)
                + f" WHERE {{ {where_part} }}"
            )
            yield Check(
                shape=shape_name(shape),
                component=component_iri,
                severity=severity,
                path=path,
                messages=own,
                query=query,
                message_vars=tuple(extra),
                local=True,
                prologue=prologue or " ",
                value_is_focus=path is None,
                where=where,
            )


def compile_shapes(
    graph: Graph,
    *,
    subclasses: dict[str, set[str]] | None = None,
    per_graph: bool = True,
    data_subclasses: bool = False,
    where: Callable[[Node], str] | None = None,
) -> CompiledShapes:
    """Compile every active shape with a target in an rdflib shapes graph: its own constraints,
    its property shapes and every shape it refers to. A shape with any construct the compiler
    does not translate exactly is left to pyshacl whole, with one notice. ``subclasses`` maps a
    class to itself and every subclass; ``data_subclasses`` says the data has rdfs:subClassOf
    triples of its own; ``where`` names a shape in error messages (its file and line)."""
    from rdflib import Graph, URIRef

    compiler = _Compiler(
        graph,
        subclasses=subclasses or {},
        per_graph=per_graph,
        data_subclasses=data_subclasses,
        where=where or (lambda node: f"shape {shape_name(node)}"),
    )
    scope = _Scope(per_graph=per_graph)
    checks: list[Check] = []
    compiled: list[str] = []
    fallback: list[Node] = []
    notices: list[Notice] = []
    for root in compiler.roots():
        if compiler.deactivated(root):
            continue
        try:
            shape_checks = compiler.shape_checks(root, target=compiler.target(root, scope), scope=scope)
        except _Unsupported as exc:
            fallback.append(root)
            notices.append(Notice(shape=shape_name(root), reason=exc.reason, reason_zh=exc.reason_zh))
            continue
        checks.extend(shape_checks)
        compiled.append(shape_name(root))
    fallback_graph: Graph | None = None
    if fallback:
        # pyshacl gets the whole shapes graph, so that what a fallback shape refers to (other
        # shapes, constraint components, prefix declarations) is there, but only the fallback
        # shapes keep their targets: the compiled ones are not validated twice.
        fallback_graph = Graph()
        for prefix, namespace in graph.namespaces():
            fallback_graph.bind(prefix, namespace)
        keep = set(fallback)
        target_props = {
            URIRef(SH + t) for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
        }
        class_types = {URIRef(RDFS_CLASS), URIRef(OWL_CLASS)}
        for s, p, o in graph:
            if s not in keep and (
                p in target_props or (p == URIRef(RDF_TYPE) and o in class_types and shape_name(s) in compiled)
            ):
                continue
            fallback_graph.add((s, p, o))
    return CompiledShapes(
        checks=tuple(checks),
        compiled=tuple(compiled),
        fallback=tuple(shape_name(f) for f in fallback),
        fallback_graph=fallback_graph,
        notices=tuple(notices),
    )


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
    Splitting a check by graphs does not pay: a query per graph (with that graph as the default
    graph) costs four times more over 300 ledgers than one query with ``GRAPH ?g``."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    if not graphs:
        return []
    workers = workers or os.cpu_count() or 1
    wanted = set(graphs)
    ordered = sorted(compiled.checks, key=lambda c: not c.prologue)
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
        query = (check.prologue.strip() + "\n" + check.query) if check.prologue.strip() else check.query
        try:
            rows = _select(store, query, union=union)
        except SyntaxError as exc:
            raise ShapesError(
                f"{check.where or check.shape}: its SPARQL query does not parse: {exc}",
                message_zh=f"{check.where or check.shape}：其 SPARQL 查询有语法错误：{exc}",
            ) from exc
        variables = [v.value for v in rows.variables]
        out = []
        for row in rows:
            g: str | None = row["g"].value if per_graph else None
            if per_graph and g not in wanted:
                continue
            messages = check.messages
            if check.prologue:
                fill = [v for v in check.message_vars + ("this", "value", "path") if v in variables]
                messages = tuple((lang, _fill(text, row, fill)) for lang, text in messages)
            path = check.path
            if "path" in variables and row["path"] is not None:
                path = f"<{row['path'].value}>"
            value = row["value"] if "value" in variables else None
            if value is None and check.value_is_focus:
                value = row["this"]
            out.append(
                ShaclResult(
                    graph=g,
                    focus=row["this"],
                    path=path,
                    value=value,
                    component=check.component,
                    severity=check.severity,
                    shape=check.shape,
                    messages=messages,
                )
            )
        return out

    # A local check reads the default graph; per graph it is rewritten to read each graph with
    # ``GRAPH ?g`` threaded through its subqueries, and run once like the others.
    jobs = [replace(c, query=graph_aware(c.query)) if per_graph and c.local else c for c in ordered]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(dict.fromkeys(result for part in pool.map(run, jobs) for result in part))


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


def oxigraph_term(term: Node | None) -> OxTerm | None:
    """An rdflib term as a pyoxigraph term (a blank node keeps its label)."""
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


def pyshacl_results(
    data_graph: Graph, shapes_graph: Graph, *, graph: str | None = None, inplace: bool = False
) -> list[ShaclResult]:
    """pyshacl's results on an rdflib data graph, in this module's form (the reference engine,
    and the fallback for shapes the compiler does not translate)."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph

    try:
        _, report, text = shacl_validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=False,
            inplace=inplace,
            allow_infos=True,
            allow_warnings=True,
        )
    except Exception as exc:  # pyshacl's own errors have no common base class
        raise ShapesError(
            f"pyshacl cannot validate with these shapes: {exc}", message_zh=f"pyshacl 无法使用这些规则校验：{exc}"
        ) from exc
    if not isinstance(report, Graph):
        raise ShapesError(
            f"pyshacl cannot validate with these shapes: {text}", message_zh=f"pyshacl 无法使用这些规则校验：{text}"
        )
    return report_results(report, graph=graph)


def report_results(report: Graph, *, graph: str | None = None) -> list[ShaclResult]:
    """The results of a SHACL validation report graph (rdflib), in this module's form: the
    report's own ``sh:result`` values only, not the ``sh:detail`` nested under them."""
    from rdflib import Literal, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    out: list[ShaclResult] = []
    for report_node in report.subjects(URIRef(RDF_TYPE), sh("ValidationReport")):
        for node in report.objects(report_node, sh("result")):
            path = report.value(node, sh("resultPath"))
            messages = tuple(
                sorted(
                    ((m.language, str(m)) for m in report.objects(node, sh("resultMessage")) if isinstance(m, Literal)),
                    key=lambda m: (m[0] or "", m[1]),
                )
            )
            shape = report.value(node, sh("sourceShape"))
            out.append(
                ShaclResult(
                    graph=graph,
                    focus=oxigraph_term(report.value(node, sh("focusNode"))),
                    path=path_text(report, path) if path is not None else None,
                    value=oxigraph_term(report.value(node, sh("value"))),
                    component=str(report.value(node, sh("sourceConstraintComponent"))),
                    severity=str(report.value(node, sh("resultSeverity"))),
                    shape=shape_name(shape) if shape is not None else "",
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
    where: Callable[[Node], str] | None = None,
) -> ShaclReport:
    """Validate named graphs of a ``pyoxigraph.Store`` against an rdflib shapes graph (default:
    zwgk's shapes). Shapes the compiler cannot translate exactly are run by pyshacl, each with a
    notice; ``where`` names a shape (its file and line) in errors."""
    from ..ontology.iris import ONTOLOGY_GRAPH

    ontology_graph = ontology_graph or ONTOLOGY_GRAPH
    shapes = shapes if shapes is not None else packaged_shapes()
    refuse_forbidden(shapes, where=where)
    compiled = compile_shapes(
        shapes,
        subclasses=class_closure(store, ontology_graph=ontology_graph),
        per_graph=per_graph,
        data_subclasses=_has_subclasses(store, graphs),
        where=where,
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
        results=tuple(dict.fromkeys(results)),
        compiled_shapes=compiled.compiled,
        fallback_shapes=compiled.fallback,
        notices=compiled.notices,
    )


def _has_subclasses(store: pyoxigraph.Store, graphs: Sequence[str]) -> bool:
    """Whether any of the graphs states rdfs:subClassOf itself (ledgers do not: their classes
    are the ontology's), so that sh:class must follow the data's hierarchy too."""
    from pyoxigraph import NamedNode

    predicate = NamedNode(RDFS_SUBCLASS)
    return any(next(iter(store.quads_for_pattern(None, predicate, None, NamedNode(g))), None) for g in graphs)


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

        p = oxigraph_term(predicate)
        if not isinstance(p, NamedNode):
            return  # only an IRI is a predicate: an rdflib graph finds nothing either
        for q in self._store.quads_for_pattern(None, p, oxigraph_term(obj), self._graph):
            yield cast("Node", rdflib_term(q.subject))

    def objects(self, subject: Node, predicate: Node, /) -> Iterator[Node]:
        from pyoxigraph import Literal, NamedNode

        s, p = oxigraph_term(subject), oxigraph_term(predicate)
        if isinstance(s, Literal) or not isinstance(p, NamedNode):
            return  # a literal has no properties (Oxigraph refuses one as a subject; rdflib finds nothing)
        for q in self._store.quads_for_pattern(s, p, None, self._graph):
            yield cast("Node", rdflib_term(q.object))


def validation_report(
    store: Store, *, ledger_ids: Sequence[str] | None = None, shapes: Shapes | None = None
) -> ValidationReport:
    """``zwgk.shapes.validate_store``'s report (grouped by ledger, placed in task, file and
    line) computed with this module's engine on the store, with one notice per shape left to
    pyshacl."""
    from .catalogue import packaged
    from .placement import ledger_validation
    from .report import ValidationReport

    shapes = shapes or packaged()
    infos = store.resolve_ids(list(ledger_ids) if ledger_ids is not None else None)
    local = _local(store)
    report = validate_graphs(local, graphs=[info.graph for info in infos], shapes=shapes.graph, where=shapes.where)
    by_graph: dict[str | None, list[ShaclResult]] = {}
    for result in report.results:
        by_graph.setdefault(result.graph, []).append(result)
    ledgers = tuple(
        ledger_validation(
            by_graph.get(info.graph, ()),
            graph=_GraphView(local, info.graph),
            info=shapes.info,
            ledger_id=info.id,
            source_file=info.source_file,
        )
        for info in infos
    )
    return ValidationReport(ledgers=ledgers, notices=report.notices)
