"""The reference engine: pyshacl on each ledger's graph (plus the ontology's class hierarchy), so
that results group by ledger and a province-wide run grows linearly with the number of ledgers.
pyshacl gets an rdflib ``Graph``, never a pyoxigraph store: over a store every triple pattern
crosses the Python boundary and validation is some 70 times slower (see NOTES.md).
rdflib and pyshacl are imported inside the functions that need them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..ontology.iris import ZW
from .catalogue import ShapeInfo, convert_triples, graph_class, ontology_hierarchy, packaged
from .placement import Context
from .report import DCTERMS, RDF_TYPE, SEVERITIES, SEVERITY_OF_IRI, SH, LedgerValidation, ValidationResult, result_order

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph
    from rdflib.term import Node


def validate_quads(
    quads: Iterable[pyoxigraph.Quad | pyoxigraph.Triple],
    *,
    ledger_id: str | None = None,
    source_file: str | None = None,
) -> LedgerValidation:
    """Validate one ledger given as pyoxigraph quads or triples (its named graph). The ledger's
    id, file and title are read from the graph when not given."""
    graph = graph_class()()
    graph.addN((s, p, o, graph) for s, p, o in convert_triples(quads))
    for s, p, o in ontology_hierarchy():
        graph.add((s, p, o))
    return _validate_graph(graph, ledger_id=ledger_id, source_file=source_file)


def _validate_graph(graph: Graph, *, ledger_id: str | None, source_file: str | None) -> LedgerValidation:
    from pyshacl import validate as shacl_validate
    from rdflib import Literal, URIRef

    shapes = packaged()
    # pyshacl returns (conforms, the report graph, the report text); its return is not annotated.
    results_graph: Graph = shacl_validate(
        graph,
        shacl_graph=shapes.graph,
        inference="none",
        advanced=False,
        inplace=True,
        allow_infos=True,
        allow_warnings=True,
    )[1]
    ctx = Context(graph)
    ledger = ctx.ledger
    lid = ledger_id or ctx.text(ledger, DCTERMS + "identifier") or "?"
    file_name = source_file or ctx.text(ledger, ZW + "sourceFile")
    title = ctx.text(ledger, DCTERMS + "title")

    def one(node: Node, prop: str) -> Node | None:
        return next(iter(results_graph.objects(node, URIRef(SH + prop))), None)

    results = []
    for node in results_graph.subjects(URIRef(RDF_TYPE), URIRef(SH + "ValidationResult")):
        focus, value, path = one(node, "focusNode"), one(node, "value"), one(node, "resultPath")
        shape = str(one(node, "sourceShape"))
        info = shapes.info.get(shape) or ShapeInfo(name_zh=shape, name_en=shape)
        messages = {
            m.language or info.language_of(str(m)): str(m)
            for m in results_graph.objects(node, URIRef(SH + "resultMessage"))
            if isinstance(m, Literal)
        }
        subject, kind = ctx.subject(focus, value)
        task = subject if kind == "task" else None
        results.append(
            ValidationResult(
                ledger_id=lid,
                source_file=file_name,
                focus_node=str(focus),
                subject=str(subject),
                subject_kind=kind,
                subject_label=ctx.label(subject),
                task_number=ctx.text(task, ZW + "number") if task is not None else None,
                task_position=ctx.integer(task, ZW + "position") if task is not None else None,
                source_line=ctx.line(subject, kind),
                path=str(path) if isinstance(path, URIRef) else None,
                value=str(value) if value is not None else None,
                value_nt=value.n3() if value is not None else None,
                constraint=str(one(node, "sourceConstraintComponent")),
                severity=SEVERITY_OF_IRI.get(str(one(node, "resultSeverity")), "violation"),
                shape=shape,
                shape_name_zh=info.name_zh,
                shape_name_en=info.name_en,
                message_zh=messages.get("zh") or messages.get("en") or messages.get(None) or "",
                message_en=messages.get("en") or messages.get(None) or messages.get("zh") or "",
            )
        )
    results.sort(key=lambda r: (SEVERITIES.index(r.severity), result_order(r)))
    return LedgerValidation(
        ledger_id=lid,
        ledger_iri=str(ledger) if ledger is not None else None,
        source_file=file_name,
        title=title,
        results=tuple(results),
    )
