"""An analyst's own shapes (``--shapes``): the eight examples in ``examples/shapes`` on the
samples with both engines, ``zwgk shapes``, the notices of shapes left to pyshacl, and the
defects of issue 18, each on a graph small enough to say what the answer must be."""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.cli import main
from zwgk.errors import InputError, ZwgkError
from zwgk.ontology.iris import ONTOLOGY_GRAPH
from zwgk.shapes import compiled as ss
from zwgk.shapes import load
from zwgk.store.embedded import LedgerStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "shapes"
ANA = "https://w3id.org/zwgk/examples/shapes#"
SH = ss.SH
PREFIXES = """
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix zw:   <https://w3id.org/zwgk/ontology#> .
@prefix ex:   <urn:ex:> .
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _pyshacl_per_graph(store: LedgerStore, shapes) -> set:
    from pyoxigraph import NamedNode

    extra = ss.hierarchy_triples(store.raw, ontology_graph=ONTOLOGY_GRAPH)
    keys = set()
    for info in store.ledgers():
        data = ss.rdflib_graph(store.raw.quads_for_pattern(None, None, None, NamedNode(info.graph)), extra=extra)
        keys |= {r.key() for r in ss.pyshacl_results(data, shapes, graph=info.graph)}
    return keys


def _shapes_file(tmp_path: Path, text: str, name: str = "mine.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


# The eight examples ----------------------------------------------------------------------------


def test_the_eight_example_shapes_compile_and_give_pyshacls_results(sample_store):
    shapes = load([EXAMPLES], only=True)
    with LedgerStore.open(sample_store, read_only=True) as store:
        ours = ss.validate_ledger_store(store, shapes=shapes.graph)
        expected = _pyshacl_per_graph(store, shapes.graph)
        union = ss.validate_ledger_store(store, shapes=shapes.graph, per_graph=False)
    assert ours.fallback_shapes == () and ours.notices == ()
    assert len(ours.compiled_shapes) == 8
    assert ours.keys() == expected
    assert {k[1:] for k in ours.keys()} == {k[1:] for k in union.keys()}
    by_shape = Counter(r.shape.removeprefix(ANA) for r in ours.results)
    # real figures of the samples: three 次年1月底前 deadlines of 石泉县 2021 and one 2021-01-31 of
    # 湖北 2020; six task texts shorter than eight characters; the 20 tasks of 湖北 2020 without
    # any lead unit; no lead unit of another jurisdiction
    assert by_shape["DeadlineInYear"] == 4
    assert by_shape["TaskTextLength"] == 6
    assert by_shape["LeadUnitBody"] >= 20
    assert by_shape["LeadUnitJurisdiction"] == 0
    years = sorted(dict(r.messages)["en"] for r in ours.results if r.shape == ANA + "DeadlineInYear")
    assert years[0].startswith("Deadline 2021-01-31 falls outside the ledger's year 2020")


def test_cli_adds_shapes_to_a_store_validation_with_file_and_line(sample_store):
    result = run(
        "--store",
        str(sample_store),
        "validate",
        "--lang",
        "en",
        "--only-shapes",
        "--shapes",
        str(EXAMPLES / "deadline-in-year.ttl"),
    )
    assert result.exit_code == 0, result.output  # warnings only
    lines = [line for line in result.output.splitlines() if "deadline within the ledger's year" in line]
    assert len(lines) == 4
    assert any("shiquan-2021-renwu-fenjie.txt:" in line and "outside the ledger's year 2021" in line for line in lines)


def test_cli_validates_a_file_with_shapes_added_to_zwgks():
    result = run("validate", "--format", "json", "--shapes", str(EXAMPLES), str(SAMPLE["000"]))
    data = json.loads(result.output)
    results = [r for ledger in data["ledgers"] for r in ledger["results"]]
    shapes = Counter(r["shape"].rsplit("#", 1)[1] for r in results)
    assert shapes["TaskDeadline"] > 0  # zwgk's own rules are still there
    short = [r for r in results if r["shape"] == ANA + "TaskTextLength"]
    assert [r["source_line"] for r in short] == [59, 225, 379]
    assert {r["message"]["zh"] for r in short} == {"任务内容过短（少于 8 个字），可能是标题或残句"}


def test_zwgk_shapes_lists_every_rule_with_engine_and_place():
    result = run("shapes", "--lang", "en", "--format", "json", "--shapes", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    rules = {r["shape"]: r for r in json.loads(result.output)}
    assert rules["zwsh:TaskLeadUnit"]["origin"] is None and rules["zwsh:TaskLeadUnit"]["engine"] == "sparql"
    body = rules["ana:LeadUnitBody"]
    assert body["name_zh"] == "牵头单位中至少有一个具体单位" and body["target_en"] == "zw:Task"
    assert body["origin"].endswith("lead-unit-body.ttl:12") and body["engine"] == "sparql"
    assert len([r for r in rules.values() if r["origin"]]) == 8


# Notices and errors -------------------------------------------------------------------------


def test_a_shape_the_compiler_cannot_translate_runs_on_pyshacl_with_one_notice(sample_store, tmp_path):
    path = _shapes_file(
        tmp_path,
        """
        ex:TokenNumbers a sh:NodeShape ; sh:targetClass zw:Task ;
            sh:property [ sh:path zw:number ; sh:datatype xsd:token ] ;
            sh:property [ sh:path zw:text ; sh:datatype xsd:token ] .
        """,
    )
    result = run("--store", str(sample_store), "validate", "--lang", "en", "--only-shapes", "--shapes", str(path))
    notices = [line for line in result.stderr.splitlines() if line.startswith("zwgk: notice:")]
    assert notices == [
        "zwgk: notice: shape urn:ex:TokenNumbers uses sh:datatype http://www.w3.org/2001/XMLSchema#token "
        "(its lexical form cannot be checked in SPARQL), which the SPARQL engine does not compile exactly; "
        "pyshacl validates it"
    ]
    assert result.exit_code == 1  # every zw:number is an xsd:string, not an xsd:token


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("SELECT $this WHERE { $this ?p ?o . MINUS { $this zw:text ?t } }", "MINUS"),
        ("SELECT $this WHERE { $this ?p ?o . VALUES ?o { 1 } }", "VALUES"),
        ("SELECT $this WHERE { BIND (zw:x AS $this) }", "AS $this"),
    ],
)
def test_forbidden_sparql_is_an_error_naming_the_file_and_line(tmp_path, query, word):
    path = _shapes_file(
        tmp_path,
        f'''
        ex:Bad a sh:NodeShape ; sh:targetClass zw:Task ;
            sh:sparql [ sh:select """PREFIX zw: <https://w3id.org/zwgk/ontology#> {query}""" ] .
        ''',
    )
    result = run("shapes", "--only-shapes", "--shapes", str(path))
    assert result.exit_code == 2
    assert f"{path}:9: shape urn:ex:Bad" in result.stderr and word in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("where", ["store", "file"])
def test_service_is_refused_before_any_query_runs(sample_store, tmp_path, where):
    """A SERVICE clause pointing at a server of the test's own: validation of the store (SPARQL
    engine) or of a file (pyshacl, whose rdflib would fetch it) refuses the shape and never
    connects to it. The shape has a construct the compiler leaves to pyshacl, too."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections = []

    def accept() -> None:
        try:
            connections.append(server.accept())
        except OSError:
            pass

    listener = threading.Thread(target=accept)
    listener.start()
    port = server.getsockname()[1]
    path = _shapes_file(
        tmp_path,
        f'''
        ex:Remote a sh:NodeShape ; sh:targetClass zw:Task ;
            sh:property [ sh:path zw:number ; sh:datatype xsd:token ] ;
            sh:sparql [ sh:select """SELECT $this WHERE {{ $this ?p ?o .
                SERVICE <http://127.0.0.1:{port}/sparql> {{ ?o ?q ?r }} }}""" ] .
        ''',
    )
    target = [] if where == "store" else [str(SAMPLE["003"])]
    result = run("--store", str(sample_store), "validate", "--shapes", str(path), *target)
    listener.join()
    server.close()
    assert result.exit_code == 2 and "SERVICE" in result.stderr
    assert connections == []


def test_a_regular_expression_oxigraph_cannot_compile_is_an_error(tmp_path):
    path = _shapes_file(
        tmp_path, 'ex:P a sh:PropertyShape ; sh:targetClass zw:Task ; sh:path zw:text ; sh:pattern "(" .'
    )
    with pytest.raises(ZwgkError, match=r"mine\.ttl:8: shape urn:ex:P: sh:pattern '\(' is not a valid regular"):
        from zwgk.shapes.rules import rules

        rules(load([path], only=True))


def test_a_shapes_file_that_is_not_turtle_names_its_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <urn:ex:> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load([path])
    assert caught.value.path == str(path) and caught.value.line == 3


# The defects of issue 18, each on a small graph ---------------------------------------------------


def _store(turtle: str, graphs: tuple[str, ...] = ("urn:g:1",)):
    from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

    store = Store()
    triples = list(parse((PREFIXES + turtle).encode(), format=RdfFormat.TURTLE))
    store.extend(Quad(t.subject, t.predicate, t.object, NamedNode(g)) for g in graphs for t in triples)
    return store


def _shapes(turtle: str):
    from rdflib import Graph

    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _both(store, shapes, graphs=("urn:g:1",), per_graph=True) -> tuple[set, set]:
    from pyoxigraph import NamedNode

    ours = ss.validate_graphs(store, graphs=list(graphs), shapes=shapes, per_graph=per_graph)
    data = ss.rdflib_graph(q for g in graphs for q in store.quads_for_pattern(None, None, None, NamedNode(g)))
    theirs = ss.pyshacl_results(data, shapes, graph=graphs[0] if per_graph else None)
    assert ours.notices == ()
    return {r.key() for r in ours.results}, {r.key() for r in theirs}


def test_a_shape_that_is_a_class_targets_its_instances():
    store = _store("ex:t1 a ex:Item ; ex:label 'x' . ex:t2 a ex:Item ; ex:label 'long enough' .")
    shapes = _shapes("ex:Item a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:label ; sh:minLength 3 ] .")
    ours, theirs = _both(store, shapes)
    assert ours == theirs and [k[1] for k in ours] == ["<urn:ex:t1>"]


def test_path_is_substituted_in_a_property_shapes_sparql():
    """Only the lead unit of another jurisdiction is reported, not every unit of the ledger."""
    store = _store(
        """
        ex:task zw:ledger ex:ledger ; zw:leadUnit ex:home , ex:away ; zw:responsibleUnit ex:away2 .
        ex:ledger zw:jurisdiction ex:county .
        ex:home zw:jurisdiction ex:county . ex:away zw:jurisdiction ex:elsewhere . ex:away2 zw:jurisdiction ex:x .
        """
    )
    shapes = _shapes(
        '''
        ex:S a sh:NodeShape ; sh:targetSubjectsOf zw:ledger ; sh:property ex:Lead .
        ex:Lead sh:path zw:leadUnit ; sh:sparql [ sh:select """
            PREFIX zw: <https://w3id.org/zwgk/ontology#>
            SELECT $this ?value WHERE { $this $PATH ?value ; zw:ledger/zw:jurisdiction ?j .
                ?value zw:jurisdiction ?vj FILTER (?vj != ?j) }""" ] .
        '''
    )
    ours, theirs = _both(store, shapes)
    assert ours == theirs and [k[3] for k in ours] == ["<urn:ex:away>"]


def test_this_only_in_a_filter_is_put_before_the_query():
    store = _store("ex:a ex:p 1 . ex:b ex:p 2 .")
    shapes = _shapes(
        """ex:S sh:targetNode ex:a , ex:b ;
            sh:sparql [ sh:select "SELECT $this WHERE { FILTER ($this = <urn:ex:a>) }" ] ."""
    )
    ours, theirs = _both(store, shapes)
    assert ours == theirs and [k[1] for k in ours] == ["<urn:ex:a>"]


def test_integer_types_pass_on_stored_data_by_their_range():
    """Oxigraph keeps "5"^^xsd:positiveInteger as xsd:integer: a stored integer in the type's
    range passes, one outside fails, and none crashes the run."""
    store = _store('ex:a ex:n "5"^^xsd:positiveInteger . ex:b ex:n "-3"^^xsd:int . ex:c ex:n "300"^^xsd:byte .')
    shapes = _shapes(
        """
        ex:Pos sh:targetSubjectsOf ex:n ; sh:path ex:n ; sh:datatype xsd:positiveInteger .
        ex:Byte sh:targetSubjectsOf ex:n ; sh:path ex:n ; sh:datatype xsd:byte .
        """
    )
    report = ss.validate_graphs(store, graphs=["urn:g:1"], shapes=shapes)
    failing = sorted((r.shape.removeprefix("urn:ex:"), r.focus.value) for r in report.results)
    assert failing == [("Byte", "urn:ex:c"), ("Pos", "urn:ex:b")]


def test_a_triple_held_in_two_graphs_counts_once_over_their_union():
    store = _store("ex:a ex:p ex:b .", graphs=("urn:g:1", "urn:g:2"))
    shapes = _shapes("ex:S sh:targetSubjectsOf ex:p ; sh:path ex:p ; sh:maxCount 1 ; sh:minCount 1 .")
    report = ss.validate_graphs(store, graphs=["urn:g:1", "urn:g:2"], shapes=shapes, per_graph=False)
    assert report.results == () and report.conforms


def test_a_fallback_shape_reaching_a_compiled_one_adds_neither_details_nor_duplicates():
    """pyshacl's sh:node result carries the nested result as sh:detail: only the sh:node
    result is reported for the fallback shape, and the compiled shape's own result once."""
    store = _store("ex:a a ex:Item ; ex:label 'x' .")
    shapes = _shapes(
        """
        ex:Short a sh:NodeShape ; sh:targetClass ex:Item ; sh:property [ sh:path ex:label ; sh:minLength 3 ] .
        ex:Wrapper a sh:NodeShape ; sh:targetClass ex:Item ; sh:node ex:Short ;
            sh:property [ sh:path ex:label ; sh:datatype xsd:token ] .
        """
    )
    report = ss.validate_graphs(store, graphs=["urn:g:1"], shapes=shapes)
    assert report.fallback_shapes == ("urn:ex:Wrapper",) and len(report.notices) == 1
    components = sorted(r.component.removeprefix(SH) for r in report.results)
    assert components == ["DatatypeConstraintComponent", "MinLengthConstraintComponent", "NodeConstraintComponent"]
