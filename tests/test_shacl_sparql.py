"""The SPARQL engine against pyshacl, the reference: the same results (graph, focus node, path,
constraint component, severity, source shape) on the samples, on a generated corpus and with a
shapes file exercising every constraint the compiler translates."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from zwgk.ontology.iris import ONTOLOGY_GRAPH
from zwgk.pipeline import load_paths
from zwgk.shapes import compiled as ss
from zwgk.store.embedded import LedgerStore

ROOT = Path(__file__).resolve().parent.parent
CORE_SHAPES = Path(__file__).parent / "data" / "shacl_sparql" / "core.ttl"
SH = ss.SH
ZWSH = "https://w3id.org/zwgk/shapes#"


def _pyshacl_per_graph(store: LedgerStore, shapes) -> set[tuple]:
    """pyshacl on each ledger's graph with the ontology's class hierarchy, as zwgk.validate runs it."""
    from pyoxigraph import NamedNode

    extra = ss.hierarchy_triples(store.raw, ontology_graph=ONTOLOGY_GRAPH)
    keys = set()
    for info in store.ledgers():
        data = ss.rdflib_graph(store.raw.quads_for_pattern(None, None, None, NamedNode(info.graph)), extra=extra)
        keys |= {r.key() for r in ss.pyshacl_results(data, shapes, graph=info.graph)}
    return keys


def _whole_graph(store: LedgerStore):
    from pyoxigraph import NamedNode

    quads = (
        q for info in store.ledgers() for q in store.raw.quads_for_pattern(None, None, None, NamedNode(info.graph))
    )
    return ss.rdflib_graph(quads, extra=ss.hierarchy_triples(store.raw, ontology_graph=ONTOLOGY_GRAPH))


def _ungraphed(keys: set[tuple]) -> set[tuple]:
    return {k[1:] for k in keys}


def _core_shapes():
    from rdflib import Graph

    return Graph().parse(CORE_SHAPES, format="turtle")


def test_every_project_shape_compiles_without_fallback(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        report = ss.validate_ledger_store(store)
    assert report.fallback_shapes == () and report.notices == ()
    assert {s.rsplit("#", 1)[1] for s in report.compiled_shapes} == {
        "AgencyShape",
        "IndicatorShape",
        "IndicatorTreeShape",
        "LedgerShape",
        "NumberingShape",
        "ObligationShape",
        "TaskShape",
    }


def test_samples_give_pyshacls_results_ledger_by_ledger(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        ours = ss.validate_ledger_store(store)
        expected = _pyshacl_per_graph(store, ss.packaged_shapes())
        ids = {info.graph: info.id for info in store.ledgers()}
    assert ours.keys() == expected
    # real numbers: 002 has no unit at all, so every one of its 20 tasks lacks a lead unit
    leads = Counter(ids[r.graph] for r in ours.results if r.shape == ZWSH + "TaskLeadUnit")
    by_file = {i: n for i, n in leads.items() if i.startswith("2020")}
    assert 20 in by_file.values()
    gaps = [r for r in ours.results if r.shape == ZWSH + "TaskNumberGap"]
    assert sorted(dict(r.messages)["en"] for r in gaps if ids[r.graph].startswith("2024")) == [
        "Numbering gap: 13、14、15 missing before number 16",
        "Numbering gap: 18、19 missing before number 20",
        "Numbering gap: 24 missing before number 25",
        "Numbering gap: 5 missing before number 6",
    ]


def test_union_mode_gives_pyshacls_results_over_the_whole_graph(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        ours = ss.validate_ledger_store(store, per_graph=False)
        expected = {r.key() for r in ss.pyshacl_results(_whole_graph(store), ss.packaged_shapes())}
    assert ours.keys() == expected


def test_union_mode_over_every_graph_reads_the_union_default_graph_and_agrees(sample_store):
    """Asked for every named graph, union mode queries the store's union default graph; asked
    for some, it validates an in-memory merge of them. The ontology graph adds no results, so
    both give the ledgers' results."""
    with LedgerStore.open(sample_store, read_only=True) as store:
        ledgers = [info.graph for info in store.ledgers()]
        every = [g.value for g in store.raw.named_graphs()]
        assert len(every) > len(ledgers)
        merged = ss.validate_graphs(store.raw, graphs=ledgers, per_graph=False)
        union = ss.validate_graphs(store.raw, graphs=every, per_graph=False)
    assert merged.keys() == union.keys()
    assert Counter(r.shape for r in union.results)[ZWSH + "TaskNumberGap"] == 4


def test_merging_graphs_keeps_a_blank_node_shared_by_two_graphs_one_node():
    from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

    store, shared = Store(), BlankNode()
    store.add(Quad(NamedNode("urn:a"), NamedNode("urn:p"), shared, NamedNode("urn:g1")))
    store.add(Quad(shared, NamedNode("urn:q"), Literal("x"), NamedNode("urn:g2")))
    merged = ss._merged(store, ["urn:g1", "urn:g2"])
    rows = list(merged.query("SELECT ?x WHERE { <urn:a> <urn:p> ?b . ?b <urn:q> ?x }"))
    assert [row["x"].value for row in rows] == ["x"]


def test_every_core_constraint_agrees_with_pyshacl_and_compiles(sample_store):
    shapes = _core_shapes()
    with LedgerStore.open(sample_store, read_only=True) as store:
        ours = ss.validate_ledger_store(store, shapes=shapes)
        expected = _pyshacl_per_graph(store, shapes)
        union = ss.validate_ledger_store(store, shapes=shapes, per_graph=False)
        whole = {r.key() for r in ss.pyshacl_results(_whole_graph(store), shapes)}
    assert ours.fallback_shapes == () and ours.notices == ()
    assert "urn:zwgk:test:DeadlineEither" in ours.compiled_shapes  # sh:or compiles
    assert ours.keys() == expected
    assert union.keys() == whole
    components = Counter(r.component[len(SH) :] for r in ours.results)
    # every compiled component fires on the samples, so agreement is not vacuous
    for name in (
        "Class",
        "Datatype",
        "MaxLength",
        "MinCount",
        "MaxCount",
        "HasValue",
        "MaxExclusive",
        "MinInclusive",
        "MaxInclusive",
        "In",
        "MinLength",
        "Pattern",
    ):
        assert components[name + "ConstraintComponent"] > 0, name


def _generated_store(tmp_path: Path, n: int) -> Path:
    """A store of ``n`` ledgers from bench/generate.py (seed 0)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    corpus = tmp_path / "ledgers"
    generate(n, corpus, seed=0)
    with LedgerStore.open(tmp_path / "store") as store:
        load_paths(store, [corpus])
    return tmp_path / "store"


def _agrees_with_pyshacl_over_the_whole_graph(location: Path) -> Counter:
    """Our per-ledger results, graph names dropped, against pyshacl over the union of every
    ledger's graph; returns the count of our results by severity."""
    with LedgerStore.open(location, read_only=True) as store:
        ours = ss.validate_ledger_store(store)
        expected = {r.key() for r in ss.pyshacl_results(_whole_graph(store), ss.packaged_shapes())}
    assert _ungraphed(ours.keys()) == _ungraphed(expected)
    return Counter(r.severity[len(SH) :] for r in ours.results)


def test_generated_corpus_agrees_with_pyshacl_over_the_whole_graph(tmp_path):
    """Eight generated ledgers, results across ledgers; the 30- and 300-ledger runs are the slow
    tests' (pyshacl over the whole graph grows fast). The first eight ledgers of the generator
    (issue 21's: a province's template and its counties' copies) have warnings only."""
    severities = _agrees_with_pyshacl_over_the_whole_graph(_generated_store(tmp_path, 8))
    assert severities["Warning"] > 0


@pytest.mark.slow
def test_corpus_of_30_ledgers_agrees_with_pyshacl_over_the_whole_graph(tmp_path):
    severities = _agrees_with_pyshacl_over_the_whole_graph(_generated_store(tmp_path, 30))
    assert severities["Violation"] and severities["Warning"] and severities["Info"]


@pytest.mark.slow
def test_corpus_of_300_ledgers_agrees_with_pyshacl_over_the_whole_graph(tmp_path):
    """Issue 8's reference corpus (N = 300), where the engines must agree exactly. Slow: pyshacl
    over the whole graph (~840k triples) runs for more than 15 minutes on 2 cores."""
    severities = _agrees_with_pyshacl_over_the_whole_graph(_generated_store(tmp_path, 300))
    assert severities["Violation"] and severities["Warning"] and severities["Info"]


def test_pyrudof_as_a_third_opinion_on_the_samples(sample_store):
    """pyrudof (rudof's native SHACL engine, independent of both) on the Core part of the
    shapes: the same focus nodes fail the same components."""
    pyrudof = pytest.importorskip("pyrudof")
    from rdflib import Graph

    with LedgerStore.open(sample_store, read_only=True) as store:
        whole = _whole_graph(store)
        ours = ss.validate_ledger_store(store, per_graph=False)
    core = Graph()
    sparql_shapes = {s for s, _, _ in ss.packaged_shapes().triples((None, ss_uri(SH + "sparql"), None))}
    for s, p, o in ss.packaged_shapes():
        if s not in sparql_shapes and o not in sparql_shapes:
            core.add((s, p, o))
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(whole.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(core.serialize(format="turtle"))
    report = rudof.validate_shacl()
    theirs = {
        (str(r.focus_node).strip("<>"), str(r.constraint_component).strip("<>").replace("sh:", SH))
        for r in report.violations
    }
    expected = {(k[1].strip("<>"), k[4]) for k in ours.keys() if not k[4].endswith("SPARQLConstraintComponent")}
    assert theirs == expected


def ss_uri(value: str):
    from rdflib import URIRef

    return URIRef(value)


def test_cli_engines_print_the_same_report(sample_store):
    from click.testing import CliRunner

    from zwgk.cli import main

    runner = CliRunner()
    outputs = [
        runner.invoke(main, ["--store", str(sample_store), "validate", "--format", "json", "--engine", engine])
        for engine in ("sparql", "pyshacl")
    ]
    assert [o.exit_code for o in outputs] == [1, 1]
    assert outputs[0].output == outputs[1].output


def test_report_of_the_engine_equals_pyshacls_on_the_samples(sample_store):
    from zwgk.shapes import validate_store

    with LedgerStore.open(sample_store, read_only=True) as store:
        ours = validate_store(store, engine="sparql")
        reference = validate_store(store, engine="pyshacl")
    assert ours.as_dict() == reference.as_dict()
    assert ours.render_text(lang="en") == reference.render_text(lang="en")
    assert ours.counts() == reference.counts()


def test_paths_of_every_form_compile_to_sparql_paths():
    from rdflib import Graph

    graph = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix e: <urn:e:> .
        e:s sh:path ( e:a [ sh:inversePath e:b ] [ sh:zeroOrMorePath e:c ] [ sh:alternativePath ( e:d e:e ) ] ) .
    """,
        format="turtle",
    )
    from rdflib import URIRef

    path = graph.value(URIRef("urn:e:s"), URIRef(SH + "path"))
    assert ss.path_text(graph, path) == "(<urn:e:a>/^<urn:e:b>/(<urn:e:c>)*/(<urn:e:d>|<urn:e:e>))"
