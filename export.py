"""Linked-data export of the store or of some ledgers, with the ontology.

TriG and N-Quads keep each ledger in its named graph; Turtle merges the graphs (Turtle has no
graphs); JSON-LD is compacted with a context of the vocabularies used (through rdflib, the only
library here that compacts), so it reads as plain JSON."""

from __future__ import annotations

import io
from collections.abc import Iterable

from .errors import ZwgkError
from .iris import ZW

FORMATS = ("turtle", "trig", "nquads", "jsonld")

CONTEXT = {
    "zw": ZW,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "https://w3id.org/zwgk/id/",
}


def serialize(quads: Iterable, *, format: str) -> bytes:
    """Quads in one of ``FORMATS``."""
    from pyoxigraph import RdfFormat, serialize as ox_serialize

    if format not in FORMATS:
        raise ZwgkError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}",
                        message_zh=f"未知导出格式 {format!r}")
    prefixes = {k: v for k, v in CONTEXT.items() if k != "id"}
    if format == "trig":
        return ox_serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes)
    if format == "nquads":
        return ox_serialize(quads, format=RdfFormat.N_QUADS)
    triples = {q.triple for q in quads}
    if format == "turtle":
        return ox_serialize(sorted(triples, key=str), format=RdfFormat.TURTLE, prefixes=prefixes)
    return _jsonld(triples)


def _jsonld(triples) -> bytes:
    import rdflib
    from pyoxigraph import RdfFormat, serialize as ox_serialize

    graph = rdflib.Graph()
    graph.parse(data=ox_serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    out = io.BytesIO()
    graph.serialize(out, format="json-ld", context=CONTEXT, auto_compact=True)
    return out.getvalue()


def export_store(store, *, format: str, ledger_ids: list[str] | None = None) -> bytes:
    """The store's ledgers (all, or those named) and the ontology, serialized."""
    return serialize(list(store.quads(ledger_ids=ledger_ids, include_ontology=True)), format=format)
