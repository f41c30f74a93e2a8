"""The reference engine: pyshacl on each ledger's graph (plus the ontology's class hierarchy), so
that results group by ledger and a province-wide run grows linearly with the number of ledgers.
pyshacl gets an rdflib ``Graph``, never a pyoxigraph store: over a store every triple pattern
crosses the Python boundary and validation is some 70 times slower (see NOTES.md).
rdflib and pyshacl are imported inside the functions that need them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .catalogue import Shapes, convert_triples, graph_class, ontology_hierarchy, packaged
from .compiled import pyshacl_results, refuse_forbidden
from .placement import ledger_validation
from .report import LedgerValidation

if TYPE_CHECKING:
    import pyoxigraph


def validate_quads(
    quads: Iterable[pyoxigraph.Quad | pyoxigraph.Triple],
    *,
    ledger_id: str | None = None,
    source_file: str | None = None,
    shapes: Shapes | None = None,
) -> LedgerValidation:
    """Validate one ledger given as pyoxigraph quads or triples (its named graph) against zwgk's
    shapes or ``shapes``. The ledger's id, file and title are read from the graph when not
    given."""
    shapes = shapes or packaged()
    if shapes is not packaged():
        refuse_forbidden(shapes.graph, where=shapes.where)
    graph = graph_class()()
    graph.addN((s, p, o, graph) for s, p, o in convert_triples(quads))
    for s, p, o in ontology_hierarchy():
        graph.add((s, p, o))
    results = pyshacl_results(graph, shapes.graph, inplace=True)
    return ledger_validation(results, graph=graph, info=shapes.info, ledger_id=ledger_id, source_file=source_file)
