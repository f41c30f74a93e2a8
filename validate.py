"""SHACL validation of ledgers: which task of which file fails which rule, in the analyst's language.

The rules are data (``shapes/*.ttl``); pyshacl is the engine. Each ledger is validated on its own
graph (plus the ontology's class hierarchy) so that results group by ledger and a province-wide
run grows linearly with the number of ledgers. pyshacl gets an rdflib ``Graph``, never a
pyoxigraph store: over a store every triple pattern crosses the Python boundary and validation
is some 70 times slower (see NOTES.md).

Results keep every language's name and message; the language is chosen when rendering.
rdflib and pyshacl are imported inside the functions that need them, so importing this module
(and ``zwgk --help``) stays cheap.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .iris import ZW

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

SEVERITIES = ("violation", "warning", "info")
"""Most severe first; the order of the text report."""

FAIL_ON = ("violation", "warning")

_SEVERITY_OF_IRI = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_IRI_OF_SEVERITY = {v: k for k, v in _SEVERITY_OF_IRI.items()}

# Words of the text report. Shape names and messages come from the shapes graph.
_WORDS = {
    "zh": {
        "ledger": "台账", "the_ledger": "台账", "violation": "违规", "warning": "警告", "info": "提示",
        "task": "任务", "task_at": "第 {position} 项任务", "indicator": "指标", "agency": "单位",
        "obligation": "责任分工", "scheme": "指标体系", "conforms": "符合全部规则", "empty": "没有可校验的台账",
        "total": "合计：违规 {violation} 项，警告 {warning} 项，提示 {info} 项",
        "summary": "共 {ledgers} 个台账，{failing} 个有违规；违规 {violation} 项，警告 {warning} 项，提示 {info} 项",
    },
    "en": {
        "ledger": "Ledger", "the_ledger": "ledger", "violation": "Violations", "warning": "Warnings", "info": "Infos",
        "task": "task", "task_at": "task #{position}", "indicator": "indicator", "agency": "agency",
        "obligation": "obligation", "scheme": "indicator scheme", "conforms": "conforms to every rule",
        "empty": "no ledger to validate",
        "total": "total: {violation} violations, {warning} warnings, {info} infos",
        "summary": "{ledgers} ledgers, {failing} with violations; {violation} violations, {warning} warnings, {info} infos",
    },
}
_KIND_OF_CLASS = {
    ZW + "Task": "task", ZW + "Indicator": "indicator", ZW + "Agency": "agency",
    ZW + "Obligation": "obligation", ZW + "Ledger": "ledger", SKOS + "ConceptScheme": "scheme",
}


# Report model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, placed in its ledger, task and source line."""

    ledger_id: str
    source_file: str | None
    focus_node: str
    """The SHACL focus node (the ledger itself for the numbering rules)."""
    subject: str
    """The node the result is about: the task (also for a task's obligation or a numbering
    rule's task), else the value node when it is an indicator, else the focus node."""
    subject_kind: str
    """``task``, ``indicator``, ``agency``, ``obligation``, ``ledger``, ``scheme`` or ``other``."""
    subject_label: str | None
    task_number: str | None
    task_position: int | None
    source_line: int | None
    path: str | None
    value: str | None
    value_nt: str | None
    """``value`` as an N-Triples term, kept for the Turtle report."""
    constraint: str
    """The SHACL constraint component, e.g. ``sh:MinCountConstraintComponent`` as a full IRI."""
    severity: str
    """``violation``, ``warning`` or ``info``."""
    shape: str
    shape_name_zh: str
    shape_name_en: str
    message_zh: str
    message_en: str

    def rule(self, *, lang: str = "zh") -> str:
        return self.shape_name_zh if lang == "zh" else self.shape_name_en

    def message(self, *, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def where(self, *, lang: str = "zh") -> str:
        """``任务 3`` / ``task 3``, or what the result is about when it is not a task."""
        words = _WORDS[lang]
        if self.subject_kind == "task":
            if self.task_number:
                return f"{words['task']} {self.task_number}"
            return words["task_at"].format(position=self.task_position or "?")
        if self.subject_kind == "ledger":
            return words["the_ledger"]
        kind = words.get(self.subject_kind, self.subject_kind)
        return f"{kind} {self.subject_label}" if self.subject_label else kind

    def as_dict(self) -> dict[str, object]:
        return {
            "ledger_id": self.ledger_id, "source_file": self.source_file,
            "focus_node": self.focus_node, "subject": self.subject, "subject_kind": self.subject_kind,
            "subject_label": self.subject_label, "task_number": self.task_number,
            "task_position": self.task_position, "source_line": self.source_line,
            "path": self.path, "value": self.value, "constraint": self.constraint,
            "severity": self.severity, "shape": self.shape,
            "shape_name": {"zh": self.shape_name_zh, "en": self.shape_name_en},
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class LedgerValidation:
    """The results of one ledger."""

    ledger_id: str
    ledger_iri: str | None
    source_file: str | None
    title: str | None
    results: tuple[ValidationResult, ...] = ()

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in SEVERITIES}

    @property
    def conforms(self) -> bool:
        """True when no result is a violation (warnings and infos do not break a ledger)."""
        return self.count("violation") == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "ledger_id": self.ledger_id, "ledger": self.ledger_iri, "source_file": self.source_file,
            "title": self.title, "conforms": self.conforms, "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
        }


@dataclass(frozen=True)
class ValidationReport:
    """The results of every ledger validated, in the order they were validated."""

    ledgers: tuple[LedgerValidation, ...] = field(default_factory=tuple)
    refused: tuple = ()
    """Files that could not be read (``store.Refusal``), with ``--keep-going``."""

    @property
    def results(self) -> list[ValidationResult]:
        return [r for ledger in self.ledgers for r in ledger.results]

    @property
    def conforms(self) -> bool:
        return all(ledger.conforms for ledger in self.ledgers)

    def counts(self) -> dict[str, int]:
        return {s: sum(ledger.count(s) for ledger in self.ledgers) for s in SEVERITIES}

    def fails(self, *, fail_on: str = "violation") -> bool:
        """Whether a pipeline should stop: any violation, or with ``fail_on="warning"`` any
        violation or warning."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {FAIL_ON}")
        counts = self.counts()
        return counts["violation"] > 0 or (fail_on == "warning" and counts["warning"] > 0)

    def render(self, *, format: str = "text", lang: str = "zh") -> str:
        if format == "text":
            return self.render_text(lang=lang)
        if format == "summary":
            return self.render_text(lang=lang, details=False)
        if format == "json":
            return self.render_json()
        if format == "turtle":
            return self.render_turtle()
        raise ValueError(f"unknown report format {format!r}")

    def render_text(self, *, lang: str = "zh", details: bool = True) -> str:
        """Grouped by ledger, then by severity; one line per result: where (task number), file and
        line, rule, message; a closing count per ledger. Without ``details``, only the counts (an
        office's overview of many ledgers)."""
        if lang not in _WORDS:
            raise ValueError(f"lang must be one of {tuple(_WORDS)}")
        words = _WORDS[lang]
        if not self.ledgers:
            return words["empty"] + "\n"
        out: list[str] = []
        for ledger in self.ledgers:
            head = f"{words['ledger']} {ledger.ledger_id}  {ledger.source_file or ''}"
            if ledger.title:
                head += f"  {ledger.title}"
            out.append(head.rstrip())
            if not ledger.results:
                out.append(f"  {words['conforms']}")
            for severity in SEVERITIES:
                group = sorted((r for r in ledger.results if r.severity == severity), key=_result_order)
                if not group:
                    continue
                out.append(f"  {words[severity]} ({len(group)})")
                if not details:
                    continue
                rows = [
                    [r.where(lang=lang), _location(r), r.rule(lang=lang), r.message(lang=lang)]
                    for r in group
                ]
                out.extend("    " + line for line in _columns(rows))
            out.append("  " + words["total"].format(**ledger.counts()))
            out.append("")
        if len(self.ledgers) > 1:
            failing = sum(1 for ledger in self.ledgers if not ledger.conforms)
            out.append(words["summary"].format(ledgers=len(self.ledgers), failing=failing, **self.counts()))
        return "\n".join(out).rstrip() + "\n"

    def as_dict(self) -> dict[str, object]:
        return {"conforms": self.conforms, "counts": self.counts(),
                "ledgers": [ledger.as_dict() for ledger in self.ledgers]}

    def render_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def render_turtle(self) -> str:
        """The full SHACL validation report: one ``sh:ValidationReport`` per ledger (its subject
        the ledger), each result with focus node, path, value, severity, source shape, constraint
        component and both languages' messages."""
        from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

        def iri(value: str) -> NamedNode:
            return NamedNode(value)

        triples: list[Triple] = []
        boolean = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
        for ledger in self.ledgers:
            report = BlankNode()
            triples.append(Triple(report, iri(RDF_TYPE), iri(SH + "ValidationReport")))
            triples.append(Triple(report, iri(SH + "conforms"),
                                  Literal("true" if ledger.conforms else "false", datatype=boolean)))
            if ledger.ledger_iri:
                triples.append(Triple(report, iri(DCTERMS + "subject"), iri(ledger.ledger_iri)))
            for r in ledger.results:
                node = BlankNode()
                triples.append(Triple(report, iri(SH + "result"), node))
                triples.append(Triple(node, iri(RDF_TYPE), iri(SH + "ValidationResult")))
                triples.append(Triple(node, iri(SH + "focusNode"), iri(r.focus_node)))
                if r.path:
                    triples.append(Triple(node, iri(SH + "resultPath"), iri(r.path)))
                if r.value_nt:
                    value = next(parse(f"<urn:s> <urn:p> {r.value_nt} .", format=RdfFormat.N_TRIPLES)).object
                    triples.append(Triple(node, iri(SH + "value"), value))
                triples.append(Triple(node, iri(SH + "resultSeverity"), iri(_IRI_OF_SEVERITY[r.severity])))
                triples.append(Triple(node, iri(SH + "sourceShape"), iri(r.shape)))
                triples.append(Triple(node, iri(SH + "sourceConstraintComponent"), iri(r.constraint)))
                triples.append(Triple(node, iri(SH + "resultMessage"), Literal(r.message_zh, language="zh")))
                triples.append(Triple(node, iri(SH + "resultMessage"), Literal(r.message_en, language="en")))
        prefixes = {"sh": SH, "zw": ZW, "zwsh": "https://w3id.org/zwgk/shapes#", "dcterms": DCTERMS,
                    "skos": SKOS, "xsd": "http://www.w3.org/2001/XMLSchema#"}
        return serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def _result_order(result: ValidationResult) -> tuple:
    return (
        result.source_line if result.source_line is not None else 1 << 30,
        result.task_position if result.task_position is not None else 1 << 30,
        result.subject_label or "", result.shape,
    )


def _location(result: ValidationResult) -> str:
    name = result.source_file or ""
    return f"{name}:{result.source_line}" if result.source_line is not None else name


def _columns(rows: list[list[str]]) -> list[str]:
    """Align every column but the last (the message), counting a Chinese character as two."""
    from .textfmt import width

    if not rows:
        return []
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join(cells + [row[-1]]))
    return lines


# Engine ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ShapeInfo:
    name_zh: str
    name_en: str
    templates: tuple[tuple[str, re.Pattern], ...] = ()
    """(language, pattern) of each sh:message: pyshacl fills a SPARQL message's ``{?var}`` but
    drops its language tag, so a filled message is told apart by the template it matches."""

    def language_of(self, message: str) -> str | None:
        for lang, pattern in self.templates:
            if pattern.fullmatch(message):
                return lang
        return None


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("(?s)" + ".*?".join(re.escape(part) for part in parts))


@dataclass(frozen=True)
class _Shapes:
    graph: object
    """The rdflib Graph of every ``shapes/*.ttl``."""
    info: dict[str, _ShapeInfo]


def shape_files() -> list[str]:
    from .resources import list_files

    return [f.name for f in list_files("shapes", ".ttl")]


@functools.cache
def _shapes() -> _Shapes:
    """The shapes graph, parsed once per process."""
    from rdflib import Graph, Literal, URIRef

    from .resources import read_text

    graph = Graph()
    for name in shape_files():
        graph.parse(data=read_text("shapes", name), format="turtle", publicID=f"urn:zwgk:shapes:{name}")
    info: dict[str, _ShapeInfo] = {}
    for shape in set(graph.subjects(URIRef(SH + "name"), None)):
        names = {o.language: str(o) for o in graph.objects(shape, URIRef(SH + "name")) if isinstance(o, Literal)}
        templates = tuple(
            (o.language, _template_pattern(str(o)))
            for o in graph.objects(shape, URIRef(SH + "message")) if isinstance(o, Literal) and o.language
        )
        info[str(shape)] = _ShapeInfo(name_zh=names.get("zh") or names.get("en") or str(shape),
                                      name_en=names.get("en") or names.get("zh") or str(shape),
                                      templates=templates)
    return _Shapes(graph=graph, info=info)


@functools.cache
def _ontology_hierarchy() -> tuple:
    """The ontology's class and property hierarchy (rdfs:subClassOf, rdfs:subPropertyOf), the only
    part of the ontology SHACL needs: ``sh:targetClass``/``sh:class`` follow subclasses in the
    data graph. Adding the whole ontology would put its own resources in front of the shapes."""
    from pyoxigraph import NamedNode, RdfFormat, parse

    from .resources import read_text
    from .store import ontology_files

    keep = {RDFS + "subClassOf", RDFS + "subPropertyOf"}
    triples = [
        triple
        for name in ontology_files()
        for triple in parse(read_text("ontology", name), format=RdfFormat.TURTLE)
        if triple.predicate.value in keep and isinstance(triple.object, NamedNode)
    ]
    return tuple(_convert_triples(triples))


def _convert_triples(triples: Iterable) -> Iterable[tuple]:
    """pyoxigraph triples or quads → rdflib triples (the graph name is dropped)."""
    from rdflib import BNode, Literal, URIRef

    cache: dict = {}

    def term(t):
        found = cache.get(t)
        if found is not None:
            return found
        kind = type(t).__name__
        if kind == "NamedNode":
            out = URIRef(t.value)
        elif kind == "BlankNode":
            out = BNode(t.value)
        elif t.language:
            out = Literal(t.value, lang=t.language)
        elif t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            out = Literal(t.value)
        else:
            out = Literal(t.value, datatype=URIRef(t.datatype.value))
        cache[t] = out
        return out

    for q in triples:
        yield term(q.subject), term(q.predicate), term(q.object)


@functools.cache
def _graph_class() -> type:
    """An rdflib Graph that parses each SPARQL text once per process.

    pyshacl hands every SPARQL-based constraint to ``Graph.query`` as text, once per focus
    node and per ledger; rdflib's parser then spends ~40 ms per call, more than the evaluation
    itself. Caching the parsed query on the data graph's class keeps a province-wide run linear
    in its data, not in its number of ledgers times parse time."""
    from rdflib import Graph
    from rdflib.plugins.sparql import prepareQuery

    prepared = functools.lru_cache(maxsize=128)(prepareQuery)

    class LedgerGraph(Graph):
        def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
                  initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
            if isinstance(query_object, str) and not initNs and processor == "sparql":
                query_object = prepared(query_object)
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided, **kwargs)

    return LedgerGraph


def validate_quads(
    quads: Iterable,
    *,
    ledger_id: str | None = None,
    source_file: str | None = None,
) -> LedgerValidation:
    """Validate one ledger given as pyoxigraph quads or triples (its named graph). The ledger's
    id, file and title are read from the graph when not given."""
    graph = _graph_class()()
    graph.addN((s, p, o, graph) for s, p, o in _convert_triples(quads))
    for s, p, o in _ontology_hierarchy():
        graph.add((s, p, o))
    return _validate_graph(graph, ledger_id=ledger_id, source_file=source_file)


def _validate_graph(graph, *, ledger_id: str | None, source_file: str | None) -> LedgerValidation:
    from pyshacl import validate as shacl_validate
    from rdflib import Literal, URIRef

    shapes = _shapes()
    _, results_graph, _ = shacl_validate(
        graph, shacl_graph=shapes.graph, inference="none", advanced=False, inplace=True,
        allow_infos=True, allow_warnings=True,
    )
    ctx = _Context(graph)
    ledger = ctx.ledger
    lid = ledger_id or ctx.text(ledger, DCTERMS + "identifier") or "?"
    file_name = source_file or ctx.text(ledger, ZW + "sourceFile")
    title = ctx.text(ledger, DCTERMS + "title")

    def one(node, prop):
        return next(iter(results_graph.objects(node, URIRef(SH + prop))), None)

    results = []
    for node in results_graph.subjects(URIRef(RDF_TYPE), URIRef(SH + "ValidationResult")):
        focus, value, path = one(node, "focusNode"), one(node, "value"), one(node, "resultPath")
        shape = str(one(node, "sourceShape"))
        info = shapes.info.get(shape) or _ShapeInfo(name_zh=shape, name_en=shape)
        messages = {m.language or info.language_of(str(m)): str(m)
                    for m in results_graph.objects(node, URIRef(SH + "resultMessage")) if isinstance(m, Literal)}
        subject, kind = ctx.subject(focus, value)
        task = subject if kind == "task" else None
        results.append(ValidationResult(
            ledger_id=lid, source_file=file_name,
            focus_node=str(focus), subject=str(subject), subject_kind=kind,
            subject_label=ctx.label(subject),
            task_number=ctx.text(task, ZW + "number") if task is not None else None,
            task_position=ctx.integer(task, ZW + "position") if task is not None else None,
            source_line=ctx.line(subject, kind),
            path=str(path) if isinstance(path, URIRef) else None,
            value=str(value) if value is not None else None,
            value_nt=value.n3() if value is not None else None,
            constraint=str(one(node, "sourceConstraintComponent")),
            severity=_SEVERITY_OF_IRI.get(str(one(node, "resultSeverity")), "violation"),
            shape=shape, shape_name_zh=info.name_zh, shape_name_en=info.name_en,
            message_zh=messages.get("zh") or messages.get("en") or messages.get(None) or "",
            message_en=messages.get("en") or messages.get(None) or messages.get("zh") or "",
        ))
    results.sort(key=lambda r: (SEVERITIES.index(r.severity), _result_order(r)))
    return LedgerValidation(ledger_id=lid, ledger_iri=str(ledger) if ledger is not None else None,
                            source_file=file_name, title=title, results=tuple(results))


class _Context:
    """Reads, from a ledger's data graph, what places a result: kind, task, label, line."""

    def __init__(self, graph) -> None:
        from rdflib import URIRef

        self.graph = graph
        self.URIRef = URIRef
        self.ledger = next(iter(graph.subjects(URIRef(RDF_TYPE), URIRef(ZW + "Ledger"))), None)
        self._indicator_lines: dict | None = None

    def _value(self, node, prop: str):
        if node is None:
            return None
        return next(iter(self.graph.objects(node, self.URIRef(prop))), None)

    def text(self, node, prop: str) -> str | None:
        value = self._value(node, prop)
        return str(value) if value is not None else None

    def integer(self, node, prop: str) -> int | None:
        value = self._value(node, prop)
        try:
            return int(str(value)) if value is not None else None
        except ValueError:
            return None

    def kind(self, node) -> str:
        if node is None:
            return "other"
        types = {str(t) for t in self.graph.objects(node, self.URIRef(RDF_TYPE))}
        for cls, kind in _KIND_OF_CLASS.items():
            if cls in types:
                return kind
        return "other"

    def subject(self, focus, value) -> tuple:
        """The task a result is about, else an indicator value, else the focus node."""
        focus_kind = self.kind(focus)
        if focus_kind == "task":
            return focus, "task"
        value_kind = self.kind(value) if isinstance(value, self.URIRef) else "other"
        if value_kind in ("task", "indicator"):
            return value, value_kind
        if focus_kind == "obligation":
            task = self._value(focus, ZW + "task")
            if task is not None:
                return task, "task"
        return focus, focus_kind

    def label(self, node) -> str | None:
        for prop in (SKOS + "prefLabel", DCTERMS + "title", SKOS + "altLabel"):
            text = self.text(node, prop)
            if text:
                return text
        return None

    def line(self, node, kind: str) -> int | None:
        if kind == "task":
            return self.integer(node, ZW + "sourceLine")
        if kind == "indicator":
            return self.indicator_lines().get(str(node))
        return None

    def indicator_lines(self) -> dict[str, int]:
        """The first source line of a task filed under each indicator or below it."""
        if self._indicator_lines is None:
            lines: dict[str, int] = {}
            for task in self.graph.subjects(self.URIRef(RDF_TYPE), self.URIRef(ZW + "Task")):
                line = self.integer(task, ZW + "sourceLine")
                if line is None:
                    continue
                seen = set()
                indicator = self._value(task, ZW + "indicator")
                while indicator is not None and indicator not in seen:
                    seen.add(indicator)
                    key = str(indicator)
                    lines[key] = min(line, lines.get(key, line))
                    indicator = self._value(indicator, SKOS + "broader")
            self._indicator_lines = lines
        return self._indicator_lines


# Entry points ------------------------------------------------------------------------------


def validate_files(paths: Sequence[str | os.PathLike], *, layout: str | None = None,
                   keep_going: bool = False) -> ValidationReport:
    """Validate ledger files (folders are searched) without touching any store: an office checks
    a draft before publishing it. Every file is read; files that cannot be read raise one
    ``BatchRefused`` naming them all, or, with ``keep_going``, are listed in the report's
    ``refused`` while the others are validated."""
    from .errors import ZwgkError
    from .loaders import ledger_files, read_ledger
    from .rdf import build_ledger
    from .store import BatchRefused, Refusal

    ledgers, refused = [], []
    files = ledger_files(list(paths))
    for path in files:
        try:
            record = read_ledger(path, layout=layout)
        except ZwgkError as exc:
            if len(files) == 1:
                raise
            refused.append(Refusal.from_error(exc, file=path))
            continue
        built = build_ledger(record)
        ledgers.append(validate_quads(built.quads, ledger_id=built.id, source_file=record.source_file))
    if refused and not keep_going:
        raise BatchRefused(refused, read=len(ledgers))
    return ValidationReport(ledgers=tuple(ledgers), refused=tuple(refused))


ENGINES = ("sparql", "pyshacl")
"""``sparql``: the shapes compiled to SPARQL and run inside the store (zwgk.shacl_sparql, the
default: seconds for a province); ``pyshacl``: the reference engine, one ledger at a time."""


def validate_store(store, *, ledger_ids: Sequence[str] | None = None, engine: str = "sparql") -> ValidationReport:
    """Validate the ledgers of an open ``LedgerStore`` (all, or those named; an unknown id raises
    ``StoreError``) with either engine; both give the same report."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    from .store import LedgerStore

    if engine == "sparql" and isinstance(store, LedgerStore):
        from .shacl_sparql import validation_report

        return validation_report(store, ledger_ids=ledger_ids)
    # A remote store is validated by pyshacl over each ledger's quads, fetched through the
    # Graph Store Protocol: the compiled engine needs the embedded store's query engine.
    infos = store.resolve_ids(list(ledger_ids) if ledger_ids is not None else None)
    ledgers = []
    for info in infos:
        quads = store.quads(ledger_ids=[info.id], include_ontology=False)
        ledgers.append(validate_quads(quads, ledger_id=info.id, source_file=info.source_file))
    return ValidationReport(ledgers=tuple(ledgers))


def validate_targets(
    targets: Sequence[str],
    *,
    store: str | os.PathLike | None = None,
    endpoint: str | None = None,
    layout: str | None = None,
    engine: str = "sparql",
    keep_going: bool = False,
) -> ValidationReport:
    """What ``zwgk validate`` does: no target → every ledger in the store; targets that exist on
    disk or carry a ledger file suffix → those files, read directly (the store is not opened);
    other targets → ledger ids in the store."""
    from .loaders import SUFFIXES
    from .store import open_store

    files = [t for t in targets if Path(t).exists() or Path(t).suffix.lower() in SUFFIXES]
    ids = [t for t in targets if t not in files]
    parts: list[LedgerValidation] = []
    refused: tuple = ()
    if files:
        checked = validate_files(files, layout=layout, keep_going=keep_going)
        parts.extend(checked.ledgers)
        refused = checked.refused
    if ids or not targets:
        with open_store(location=store, endpoint=endpoint, read_only=True) as opened:
            parts.extend(validate_store(opened, ledger_ids=ids or None, engine=engine).ledgers)
    return ValidationReport(ledgers=tuple(parts), refused=refused)
