"""A VoID and DCAT 3 description of what ``zwgk export`` writes (``zwgk export --format void``).

The export is an RDF dataset: one named graph per ledger, the alignments, the ontology. The
description says so in the W3C vocabularies made for it, each term as its specification
defines it:

- the whole export is a ``dcat:Catalog`` (DCAT 3: a catalogue is itself a dataset), a
  ``void:Dataset`` and an ``sd:Dataset`` (SPARQL 1.1 Service Description: an RDF dataset of
  named graphs). Its ``void:triples`` is the number of distinct triples in its graphs together
  (a triple stated in two graphs, such as a province's name, counts once), its members are
  ``dcat:dataset`` and ``void:subset``, and ``void:uriSpace``/``void:vocabulary`` say whose IRIs
  and which vocabularies it uses;
- each graph is a ``dcat:Dataset``, ``void:Dataset`` and ``sd:Graph`` with its own
  ``void:triples``; ``sd:namedGraph``/``sd:NamedGraph``/``sd:name`` tie it to the graph's IRI,
  exactly as the Service Description Recommendation ties a named graph's name to its
  description;
- a ledger's dataset has its title and id, the ledger as its ``void:rootResource``, the issuer
  as ``dcterms:publisher`` (a ``foaf:Agent`` with its ``foaf:name``), the year as
  ``dcterms:temporal`` (a ``dcterms:PeriodOfTime`` from ``dcat:startDate`` to ``dcat:endDate``,
  typed ``xsd:gYear`` as DCAT 3 allows), the jurisdiction as ``dcterms:spatial`` (a
  ``dcterms:Location``), and the file it was read from as ``dcterms:source``: an ``spdx:File``
  with its ``spdx:fileName`` and an ``spdx:checksum`` (``spdx:checksumAlgorithm_sha256``, the
  value as ``xsd:hexBinary``, the form DCAT 3 uses for checksums);
- every dataset has a ``dcterms:license``: the ledgers' and the alignments' the one given
  (``--license``, CC0 1.0 by default), the ontology's the one it declares itself (Apache-2.0);
- with a public SPARQL endpoint (``--endpoint-url``), the catalogue has ``void:sparqlEndpoint``
  and a ``dcat:DataService`` (``dcat:endpointURL``, ``dcterms:conformsTo`` the SPARQL 1.1
  Protocol, ``dcat:servesDataset`` each dataset).

Blank nodes carry labels derived from what they describe, so the same store gives the same
description byte for byte."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..ontology.iris import ID, ONTOLOGY_GRAPH
from ..store.base import internal_query

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolution, Triple

    from ..store.base import Store

    _Subject = NamedNode | BlankNode
    _Object = NamedNode | BlankNode | Literal
    _Add = Callable[[_Subject, str, _Object], None]
    """``describe``'s ``add(subject, predicate IRI, object)``: one triple, written once."""

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = {
    "dcat": DCAT,
    "void": VOID,
    "sd": SD,
    "spdx": SPDX,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "zw": "https://w3id.org/zwgk/ontology#",
    "xsd": XSD,
    "zwd": ID + "dataset/",
    "zwg": ID + "graph/",
}

CATALOGUE = ID + "dataset"
"""The IRI of the whole export's description."""
GRAPH_BASE = ID + "graph/"
ALIGNMENTS_GRAPH = GRAPH_BASE + "alignments"
DEFAULT_LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
"""CC0 1.0: the ledgers are official documents of state organs, which China's Copyright Law
(article 5) leaves outside copyright; what zwgk adds are facts read from them."""
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


@dataclass(frozen=True)
class GraphCount:
    """One graph of an export and how many triples (quads) it holds there."""

    graph: str
    triples: int


@dataclass(frozen=True)
class Counts:
    """What an export holds: each graph's triples, and the distinct triples of all of them."""

    graphs: tuple[GraphCount, ...]
    distinct_triples: int
    vocabularies: tuple[str, ...]
    """The namespaces of the properties and classes used (``void:vocabulary``)."""


def dataset_iri(graph: str) -> str:
    """The IRI of the dataset that describes a graph: ``…/id/dataset/{ledger id}`` for
    ``…/id/graph/{ledger id}`` (and ``…/dataset/alignments``), ``…/dataset/ontology`` for the
    ontology, and a digest of the graph's IRI for any other graph."""
    if graph == ONTOLOGY_GRAPH:
        return CATALOGUE + "/ontology"
    if graph == "":
        return CATALOGUE + "/default-graph"
    if graph.startswith(GRAPH_BASE) and re.fullmatch(r"[A-Za-z0-9._-]+", graph[len(GRAPH_BASE) :]):
        return CATALOGUE + "/" + graph[len(GRAPH_BASE) :]
    return CATALOGUE + "/graph-" + hashlib.sha1(graph.encode("utf-8")).hexdigest()[:12]


def namespace(iri: str) -> str:
    """An IRI's namespace: up to and including its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def describe(
    store: Store, *, counts: Counts, endpoint_url: str | None = None, license: str = DEFAULT_LICENSE
) -> list[Triple]:
    """The description's triples (pyoxigraph ``Triple``s) for an export of ``counts.graphs``."""
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    out: list[Triple] = []
    seen: set[Triple] = set()

    def add(s: _Subject, p: str, o: _Object) -> None:
        triple = Triple(s, NamedNode(p), o)
        if triple not in seen:
            seen.add(triple)
            out.append(triple)

    def text(value: str, lang: str) -> Literal:
        return Literal(value, language=lang)

    def integer(value: int) -> Literal:
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))

    catalogue = NamedNode(CATALOGUE)
    licence = NamedNode(license)
    for kind in (DCAT + "Catalog", VOID + "Dataset", SD + "Dataset"):
        add(catalogue, RDF_TYPE, NamedNode(kind))
    add(catalogue, DCTERMS + "title", text("政务公开台账知识图谱", "zh"))
    add(catalogue, DCTERMS + "title", text("zwgk: a knowledge graph of 政务公开 task ledgers", "en"))
    add(
        catalogue,
        DCTERMS + "description",
        text(
            "各级政府及部门政务公开工作要点、任务分解表、工作台账和责任分工表的知识图谱：每份台账一个命名图，"
            "另有跨台账的任务对应和本体。",
            "zh",
        ),
    )
    add(
        catalogue,
        DCTERMS + "description",
        text(
            "China's 政务公开 (government affairs openness) task ledgers as one RDF dataset: a named "
            "graph per ledger, the alignments of tasks across ledgers, and the ontology.",
            "en",
        ),
    )
    add(catalogue, DCTERMS + "license", licence)
    add(catalogue, VOID + "triples", integer(counts.distinct_triples))
    add(catalogue, VOID + "uriSpace", Literal(ID))
    for vocabulary in counts.vocabularies:
        add(catalogue, VOID + "vocabulary", NamedNode(vocabulary))

    ledgers: dict[str, QuerySolution] = {}
    for row in store.query(internal_query("describe-ledgers")):
        ledgers.setdefault(row["g"].value, row)  # one row per graph (the first of any repeats)
    ontology = list(store.query(internal_query("describe-ontology")))
    ledger_datasets = [NamedNode(dataset_iri(c.graph)) for c in counts.graphs if c.graph in ledgers]
    datasets = []
    for count in counts.graphs:
        dataset = NamedNode(dataset_iri(count.graph))
        datasets.append(dataset)
        key = re.sub(r"[^A-Za-z0-9_-]", "-", dataset.value.rsplit("/", 1)[-1])
        for kind in (DCAT + "Dataset", VOID + "Dataset", SD + "Graph"):
            add(dataset, RDF_TYPE, NamedNode(kind))
        add(catalogue, DCAT + "dataset", dataset)
        add(catalogue, VOID + "subset", dataset)
        if count.graph:
            named = BlankNode(f"named-graph-{key}")
            add(catalogue, SD + "namedGraph", named)
            add(named, RDF_TYPE, NamedNode(SD + "NamedGraph"))
            add(named, SD + "name", NamedNode(count.graph))
            add(named, SD + "graph", dataset)
        else:
            add(catalogue, SD + "defaultGraph", dataset)
        add(dataset, VOID + "triples", integer(count.triples))
        if not count.graph:
            add(dataset, DCTERMS + "title", text("默认图", "zh"))
            add(dataset, DCTERMS + "title", text("default graph", "en"))
            add(dataset, DCTERMS + "license", licence)
        elif count.graph in ledgers:
            _ledger(add, dataset, ledgers[count.graph], key=key, licence=licence)
        elif count.graph == ONTOLOGY_GRAPH:
            _ontology(add, dataset, ontology, licence=licence)
        elif count.graph == ALIGNMENTS_GRAPH:
            add(dataset, DCTERMS + "title", text("跨台账任务对应", "zh"))
            add(dataset, DCTERMS + "title", text("alignments of tasks across ledgers", "en"))
            add(
                dataset,
                DCTERMS + "description",
                text("不同台账中要求相同事项的任务对（zw:Alignment，附相似度和方法），由 zwgk align 计算。", "zh"),
            )
            add(
                dataset,
                DCTERMS + "description",
                text(
                    "Pairs of tasks of different ledgers that ask for the same thing (zw:Alignment, with "
                    "their score and method), computed by zwgk align.",
                    "en",
                ),
            )
            add(dataset, DCTERMS + "license", licence)
            for source in ledger_datasets:
                add(dataset, DCTERMS + "source", source)
        else:
            add(dataset, DCTERMS + "title", Literal(count.graph))
            add(dataset, DCTERMS + "license", licence)
    if endpoint_url:
        endpoint = NamedNode(endpoint_url)
        add(catalogue, VOID + "sparqlEndpoint", endpoint)
        service = BlankNode("sparql-service")
        add(catalogue, DCAT + "service", service)
        add(service, RDF_TYPE, NamedNode(DCAT + "DataService"))
        add(service, DCTERMS + "title", text("SPARQL 查询服务", "zh"))
        add(service, DCTERMS + "title", text("SPARQL endpoint", "en"))
        add(service, DCAT + "endpointURL", endpoint)
        add(service, DCTERMS + "conformsTo", NamedNode(SPARQL_PROTOCOL))
        add(service, DCAT + "servesDataset", catalogue)
        for dataset in datasets:
            add(service, DCAT + "servesDataset", dataset)
    return out


def _ledger(add: _Add, dataset: NamedNode, row: QuerySolution, *, key: str, licence: NamedNode) -> None:
    from pyoxigraph import BlankNode, Literal, NamedNode

    def value(name: str) -> str | None:
        term = row[name]
        return None if term is None else term.value

    lid, file = row["id"].value, row["file"].value  # always bound (queries/internal/describe-ledgers.rq)
    title = value("title")
    year, place, tasks = value("year"), value("placeName"), value("tasks")
    add(dataset, DCTERMS + "identifier", Literal(lid))
    add(dataset, DCTERMS + "title", Literal(title or file, language="zh"))
    about_zh = (
        (place or "") + (f"{year}年" if year else "") + "政务公开任务台账" + (f"（{tasks} 项任务）" if tasks else "")
    )
    about_en = (
        "A 政务公开 task ledger"
        + (f" of {place}" if place else "")
        + (f" for {year}" if year else "")
        + (f" ({tasks} tasks)" if tasks else "")
    )
    add(dataset, DCTERMS + "description", Literal(f"{about_zh}，读自 {file}。", language="zh"))
    add(dataset, DCTERMS + "description", Literal(f"{about_en}, read from {file}.", language="en"))
    add(dataset, VOID + "rootResource", row["ledger"])
    add(dataset, DCTERMS + "license", licence)
    if row["issuer"] is not None:
        issuer = row["issuer"]
        add(dataset, DCTERMS + "publisher", issuer)
        add(issuer, RDF_TYPE, NamedNode(FOAF + "Agent"))
        if row["issuerName"] is not None:
            add(issuer, FOAF + "name", row["issuerName"])
    if year:
        period = BlankNode(f"period-{key}")
        add(dataset, DCTERMS + "temporal", period)
        add(period, RDF_TYPE, NamedNode(DCTERMS + "PeriodOfTime"))
        add(period, DCAT + "startDate", row["year"])
        add(period, DCAT + "endDate", row["year"])
    if row["place"] is not None:
        location = row["place"]
        add(dataset, DCTERMS + "spatial", location)
        add(location, RDF_TYPE, NamedNode(DCTERMS + "Location"))
        if row["placeName"] is not None:
            add(location, "http://www.w3.org/2004/02/skos/core#prefLabel", row["placeName"])
        if row["code"] is not None:
            add(location, DCTERMS + "identifier", Literal(row["code"].value))
    sha256 = value("sha256")
    if sha256:
        source = row["source"] if row["source"] is not None else NamedNode(f"{ID}source/{sha256}")
        add(dataset, DCTERMS + "source", source)
        add(source, RDF_TYPE, NamedNode(SPDX + "File"))
        add(source, SPDX + "fileName", Literal(file))
        checksum = BlankNode(f"sha256-{sha256[:16]}")
        add(source, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", Literal(sha256, datatype=NamedNode(XSD + "hexBinary")))


def _ontology(add: _Add, dataset: NamedNode, rows: list[QuerySolution], *, licence: NamedNode) -> None:
    """The ontology graph's dataset: its titles, licence and version as the ontology states them
    (the licence given for the data when it states none)."""
    from pyoxigraph import Literal

    def values(name: str) -> list[Any]:
        return list(dict.fromkeys(row[name] for row in rows if row[name] is not None))

    titles = values("title") or [
        Literal("政务公开任务台账本体", language="zh"),
        Literal("zwgk ontology", language="en"),
    ]
    for title in titles:
        add(dataset, DCTERMS + "title", title)
    for licensed in values("license") or [licence]:
        add(dataset, DCTERMS + "license", licensed)
    for version in values("version"):
        add(dataset, "http://www.w3.org/2002/07/owl#versionInfo", version)


def turtle(triples: Sequence[Triple]) -> bytes:
    """The description as Turtle, with the vocabularies' usual prefixes: each subject's triples
    together, the subjects in the order they were first described (the catalogue first)."""
    from pyoxigraph import RdfFormat, serialize

    by_subject: dict[object, list[Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    ordered = [triple for group in by_subject.values() for triple in group]
    # Without an output pyoxigraph returns the bytes; its stub (no overloads) says bytes | None.
    return cast(bytes, serialize(ordered, format=RdfFormat.TURTLE, prefixes=PREFIXES))
