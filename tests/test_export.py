"""Exports of a real on-disk store of the five samples after ``zwgk align``: every graph with
every quad, JSON-LD with its named graphs, the VoID/DCAT description and its counts, one
ledger's tasks as a table, and the spreadsheet files (CSV with a BOM, .xlsx)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.export.graphs import CONTEXT, graph_quads, serialize
from zwgk.ontology.iris import ONTOLOGY_GRAPH
from zwgk.queries.rollups import ROLLUPS_GRAPH
from zwgk.store.embedded import LedgerStore

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ledgers"
GRAPH = "https://w3id.org/zwgk/id/graph/"
ALIGNMENTS = GRAPH + "alignments"
SHIQUAN, HUALONG, HUAINAN = "2021-ab5383965a", "2020-4bd17732d6", "2024-e0e5bb0c5e"
LEDGERS = {SHIQUAN, HUALONG, HUAINAN, "2020-314af18bf3", "undated-7c203e772c"}
BOM = "\ufeff"
XSD = "http://www.w3.org/2001/XMLSchema#"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def aligned_store(sample_store, tmp_path_factory) -> Path:
    """The samples' store, copied, after ``zwgk align`` (so that it has an alignments graph)."""
    location = tmp_path_factory.mktemp("aligned") / "zwgk-data"
    shutil.copytree(sample_store, location)
    for lock in location.glob("LOCK"):
        lock.unlink()
    aligned = run("--store", str(location), "align")
    assert aligned.exit_code == 0, aligned.output
    return location


def _store_quads(location: Path) -> list:
    """Every quad an export of the whole store holds: all of it but the rollups, zwgk's cache."""
    store = ox.Store.read_only(str(location))
    return [q for q in store if q.graph_name != ox.NamedNode(ROLLUPS_GRAPH)]


def _per_graph(quads) -> Counter:
    return Counter("" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value for q in quads)


def _canonical(quads) -> set:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _export(location: Path, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "export.out"
    result = run("--store", str(location), "export", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_nquads_export_holds_every_quad_of_the_store_graph_by_graph(aligned_store, tmp_path):
    data = _export(aligned_store, tmp_path, "--format", "nquads")
    exported = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    stored = _store_quads(aligned_store)
    by_graph, expected = _per_graph(exported), _per_graph(stored)
    assert by_graph == expected
    assert set(by_graph) == {ONTOLOGY_GRAPH, ALIGNMENTS} | {GRAPH + lid for lid in LEDGERS}
    assert by_graph[ALIGNMENTS] > 0 and by_graph[GRAPH + SHIQUAN] > by_graph[GRAPH + HUAINAN] > 0
    assert len(exported) == len(stored) == sum(expected.values())
    assert _canonical(exported) == _canonical(stored)


def test_export_names_what_it_wrote_on_standard_error(aligned_store, tmp_path):
    out = tmp_path / "all.trig"
    result = CliRunner().invoke(main, ["--store", str(aligned_store), "export", "-o", str(out)])
    assert result.exit_code == 0
    assert f"{out}: exported 7 graphs, {len(_store_quads(aligned_store)):,} quads" in result.stderr
    assert _canonical(ox.parse(out.read_bytes(), format=ox.RdfFormat.TRIG)) == _canonical(_store_quads(aligned_store))


def test_turtle_merges_the_graphs_into_their_distinct_triples(aligned_store, tmp_path):
    data = _export(aligned_store, tmp_path, "--format", "turtle")
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    stored = _store_quads(aligned_store)
    assert len(triples) == len({q.triple for q in stored})


def test_jsonld_keeps_each_named_graph_and_reads_back_to_the_same_quads(aligned_store, tmp_path):
    data = _export(aligned_store, tmp_path, "--format", "jsonld")
    document = json.loads(data)
    assert document["@context"] == CONTEXT
    graphs = document["@graph"]
    assert all(set(node) == {"@id", "@graph"} for node in graphs)
    names = {node["@id"] for node in graphs}
    assert f"id:graph/{SHIQUAN}" in names and "id:graph/alignments" in names and ONTOLOGY_GRAPH in names
    assert len(names) == 7
    (shiquan,) = [node for node in graphs if node["@id"] == f"id:graph/{SHIQUAN}"]
    (ledger,) = [n for n in shiquan["@graph"] if n["@id"] == f"id:ledger/{SHIQUAN}"]
    assert "zw:Ledger" in ledger["@type"]
    assert ledger["dcterms:identifier"] == SHIQUAN
    assert ledger["zw:taskCount"] == {"@type": "xsd:integer", "@value": "150"}
    read_back = list(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    stored = _store_quads(aligned_store)
    assert _per_graph(read_back) == _per_graph(stored)
    assert _canonical(read_back) == _canonical(stored)


def test_jsonld_keeps_literals_exactly_as_they_are():
    """The reason for PyLD over rdflib's serializer: no literal becomes a JSON number on the way."""
    graph = ox.NamedNode("https://w3id.org/zwgk/id/graph/test")
    subject, value = ox.NamedNode("https://w3id.org/zwgk/id/x"), ox.NamedNode("https://w3id.org/zwgk/ontology#value")
    literals = [
        ox.Literal("20.0", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("任务", language="zh"),
        ox.Literal("plain"),
    ]
    quads = [ox.Quad(subject, value, literal, graph) for literal in literals]
    quads.append(
        ox.Quad(
            subject,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/zwgk/ontology#Task"),
            ox.DefaultGraph(),
        )
    )
    data = serialize(quads, format="jsonld")
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(quads)
    document = json.loads(data)
    assert {"@id": "id:x", "@type": "zw:Task"} in document["@graph"]


def test_graph_and_ledger_choose_what_is_exported(aligned_store, tmp_path):
    def graphs(*args: str) -> Counter:
        return _per_graph(
            ox.parse(_export(aligned_store, tmp_path, "--format", "nquads", *args), format=ox.RdfFormat.N_QUADS)
        )

    stored = _per_graph(_store_quads(aligned_store))
    assert graphs("--graph", "alignments") == {ALIGNMENTS: stored[ALIGNMENTS]}
    assert graphs("--graph", ALIGNMENTS, "--graph", SHIQUAN) == {
        ALIGNMENTS: stored[ALIGNMENTS],
        GRAPH + SHIQUAN: stored[GRAPH + SHIQUAN],
    }
    assert set(graphs("--ledger", HUAINAN)) == {ONTOLOGY_GRAPH, GRAPH + HUAINAN}
    assert set(graphs("--ledger", HUAINAN, "--graph", "ontology")) == {ONTOLOGY_GRAPH, GRAPH + HUAINAN}
    missing = CliRunner().invoke(main, ["--store", str(aligned_store), "export", "--graph", "nope"])
    assert missing.exit_code == 2
    assert missing.output.count("\n") == 1 and "no graph 'nope'" in missing.output


def test_a_failed_export_leaves_the_file_as_it_was(aligned_store, tmp_path):
    out = tmp_path / "keep.nq"
    out.write_bytes(b"before")
    result = CliRunner().invoke(main, ["--store", str(aligned_store), "export", "--graph", "nope", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.nq"]


def test_a_store_in_another_process_exports_the_same_graphs(aligned_store):
    """Without a local pyoxigraph store (a remote one), a graph is read by CONSTRUCT."""

    class Remote:
        local = None

        def __init__(self, store):
            self.store = store

        def query(self, sparql):
            return list(self.store.query(sparql))

    with LedgerStore.open(aligned_store, read_only=True) as store:
        for graph in (ALIGNMENTS, GRAPH + HUAINAN):
            local = set(graph_quads(store, graph))
            remote = set(graph_quads(Remote(store), graph))
            assert remote == local and len(local) > 100


# The VoID / DCAT description -----------------------------------------------------------------

DESCRIBE = """
PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX spdx: <http://spdx.org/rdf/terms#>
"""


def _describe(aligned_store, tmp_path, *args: str) -> ox.Store:
    data = _export(aligned_store, tmp_path, "--format", "void", *args)
    described = ox.Store()
    described.load(data, format=ox.RdfFormat.TURTLE)
    return described


def test_description_counts_each_graph_and_the_whole(aligned_store, tmp_path):
    described = _describe(aligned_store, tmp_path)
    counts = {
        row["name"].value: int(row["n"].value)
        for row in described.query(
            DESCRIBE
            + """
        SELECT ?name ?n WHERE {
          ?catalogue a dcat:Catalog , void:Dataset , sd:Dataset ; sd:namedGraph ?ng ; void:subset ?d ; dcat:dataset ?d .
          ?ng a sd:NamedGraph ; sd:name ?name ; sd:graph ?d .
          ?d a dcat:Dataset , void:Dataset , sd:Graph ; void:triples ?n }"""
        )
    }
    stored = _store_quads(aligned_store)
    assert counts == dict(_per_graph(stored))
    (total,) = described.query(DESCRIBE + "SELECT ?n WHERE { ?c a dcat:Catalog ; void:triples ?n }")
    assert int(total["n"].value) == len({q.triple for q in stored})
    (kind,) = described.query(DESCRIBE + "SELECT (DATATYPE(?n) AS ?t) WHERE { ?c a dcat:Catalog ; void:triples ?n }")
    assert kind["t"].value == XSD + "integer"


def test_description_of_a_ledger_names_its_source_publisher_coverage_and_licence(aligned_store, tmp_path):
    described = _describe(aligned_store, tmp_path, "--endpoint-url", "https://data.example.org/zwgk/query")
    (row,) = described.query(
        DESCRIBE
        + f"""
        SELECT ?title ?file ?algorithm ?checksum ?publisher ?start ?end ?place ?code ?licence ?root WHERE {{
          ?d dcterms:identifier "{SHIQUAN}" ; dcterms:title ?title ; dcterms:license ?licence ;
             void:rootResource ?root ;
             dcterms:source [ a spdx:File ; spdx:fileName ?file ;
                              spdx:checksum [ a spdx:Checksum ; spdx:algorithm ?algorithm ; spdx:checksumValue ?checksum ] ] ;
             dcterms:publisher [ a foaf:Agent ; foaf:name ?publisher ] ;
             dcterms:temporal [ a dcterms:PeriodOfTime ; dcat:startDate ?start ; dcat:endDate ?end ] ;
             dcterms:spatial ?place .
          ?place a dcterms:Location ; dcterms:identifier ?code }}"""
    )
    sample = SAMPLES / "shiquan-2021-renwu-fenjie.txt"
    assert row["file"].value == sample.name
    assert row["algorithm"].value == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
    assert row["checksum"] == ox.Literal(
        hashlib.sha256(sample.read_bytes()).hexdigest(), datatype=ox.NamedNode(XSD + "hexBinary")
    )
    assert row["publisher"] == ox.Literal("石泉县人民政府办公室", language="zh")
    assert row["start"] == row["end"] == ox.Literal("2021", datatype=ox.NamedNode(XSD + "gYear"))
    assert row["code"].value == "610922"
    assert "石泉县2021年政务公开工作任务分解一览表" in row["title"].value and row["title"].language == "zh"
    assert row["licence"].value == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert row["root"].value == f"https://w3id.org/zwgk/id/ledger/{SHIQUAN}"
    (ontology,) = described.query(
        DESCRIBE
        + f"""
        SELECT ?licence WHERE {{ ?ng sd:name <{ONTOLOGY_GRAPH}> ; sd:graph ?d . ?d dcterms:license ?licence }}"""
    )
    assert ontology["licence"].value == "https://www.apache.org/licenses/LICENSE-2.0"
    (service,) = described.query(
        DESCRIBE
        + """
        SELECT ?endpoint ?url (COUNT(?served) AS ?n) WHERE {
          ?c a dcat:Catalog ; void:sparqlEndpoint ?endpoint ; dcat:service ?s .
          ?s a dcat:DataService ; dcat:endpointURL ?url ; dcat:servesDataset ?served } GROUP BY ?endpoint ?url"""
    )
    assert service["endpoint"].value == service["url"].value == "https://data.example.org/zwgk/query"
    assert int(service["n"].value) == 8  # the catalogue and its seven graphs


def test_description_follows_the_choice_and_the_licence(aligned_store, tmp_path):
    described = _describe(
        aligned_store, tmp_path, "--ledger", HUAINAN, "--license", "https://creativecommons.org/licenses/by/4.0/"
    )
    names = {row["name"].value for row in described.query(DESCRIBE + "SELECT ?name WHERE { ?ng sd:name ?name }")}
    assert names == {ONTOLOGY_GRAPH, GRAPH + HUAINAN}
    licences = {
        row["l"].value
        for row in described.query(
            DESCRIBE
            + """
        SELECT ?l WHERE { ?d dcterms:identifier ?id ; dcterms:license ?l }"""
        )
    }
    assert licences == {"https://creativecommons.org/licenses/by/4.0/"}
    assert not list(described.query(DESCRIBE + "SELECT ?e WHERE { ?c void:sparqlEndpoint ?e }"))
    bad = CliRunner().invoke(main, ["--store", str(aligned_store), "export", "--format", "void", "--license", "CC0"])
    assert bad.exit_code == 2 and "--license expects an absolute IRI" in bad.output


# zwgk tasks ----------------------------------------------------------------------------------


def test_tasks_table_shows_a_ledgers_tasks(sample_store):
    result = run("--store", str(sample_store), "tasks", SHIQUAN)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{SHIQUAN}  石泉县 2021 ")
    assert lines[1].split()[:4] == ["序号", "指标", "任务内容", "牵头单位"]
    assert lines[-1] == "（150 项任务）"
    assert sum(1 for line in lines if "石泉县人民政府办公室" in line) > 10
    english = run("--store", str(sample_store), "tasks", HUAINAN, "--lang", "en")
    assert english.output.splitlines()[1].split()[:3] == ["number", "indicator", "task"]
    assert english.output.splitlines()[-1] == "(22 tasks)"


def test_tasks_csv_is_for_excel(sample_store):
    result = run("--store", str(sample_store), "tasks", HUALONG, HUAINAN, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    import csv

    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0] == [
        "台账",
        "序号",
        "指标",
        "任务内容",
        "牵头单位",
        "责任/配合单位",
        "完成时限",
        "截止日期",
        "原文行号",
    ]
    assert Counter(row[0] for row in rows[1:]) == {HUALONG: 37, HUAINAN: 22}
    first = rows[1]
    assert first[1] == "1" and first[8] == "22"
    assert first[4] == "华龙区委机构编制委员会办公室、华龙区政务服务和大数据管理局"
    assert "各乡镇（街道）" in first[5].split("、")
    assert first[3].startswith("对照法律法规规章，全面梳理本机关依法行使的行政权力")
    (third,) = [row for row in rows[1:] if row[0] == HUALONG and "组织编写本级政府行政机关机构职能目录" in row[3]]
    assert (third[1], third[6], third[7]) == ("3", "10月底前", "2020-10-31")


def test_tasks_json_and_xlsx(sample_store, tmp_path):
    document = json.loads(run("--store", str(sample_store), "tasks", HUAINAN, "--format", "json").output)
    (ledger,) = document
    assert ledger["ledger"]["id"] == HUAINAN and len(ledger["tasks"]) == 22
    first = ledger["tasks"][0]
    assert first["lead_units"] == ["淮南市残疾人联合会办公室"] and first["source_line"] == 10
    assert first["indicators"][0] == "围绕服务经济和保障民生抓好主动公开"

    refused = CliRunner().invoke(main, ["--store", str(sample_store), "tasks", HUALONG, "--format", "xlsx"])
    assert refused.exit_code == 2 and "-o FILE.xlsx" in refused.output
    out = tmp_path / "tasks.xlsx"
    assert run("--store", str(sample_store), "tasks", HUALONG, "--format", "xlsx", "-o", str(out)).exit_code == 0
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [HUALONG]
    sheet = book[HUALONG]
    assert [cell.value for cell in sheet[1]][:3] == ["序号", "指标", "任务内容"]
    assert sheet.max_row == 38
    (third,) = [row for row in sheet.iter_rows(min_row=2, values_only=True) if "机构职能目录" in row[2]]
    assert third[6].date() == date(2020, 10, 31)
    unknown = CliRunner().invoke(main, ["--store", str(sample_store), "tasks", "2020-0000000000"])
    assert unknown.exit_code == 2 and "no ledger with id 2020-0000000000" in unknown.output


# zwgk query: CSV with a BOM, .xlsx ---------------------------------------------------------------


def test_query_csv_has_a_bom_and_xlsx_has_the_column_names(sample_store, tmp_path):
    csv_out = run("--store", str(sample_store), "query", "ledgers", "--format", "csv")
    assert csv_out.stdout_bytes.startswith(b"\xef\xbb\xbf")
    header = csv_out.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    out = tmp_path / "ledgers.xlsx"
    done = run("--store", str(sample_store), "query", "ledgers", "--format", "xlsx", "-o", str(out))
    assert done.exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(out)["results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header.split(",")
    by_id = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_id) == LEDGERS
    assert by_id[SHIQUAN]["tasks"] == 150 and by_id[SHIQUAN]["jurisdiction"] == "石泉县"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    refused = CliRunner().invoke(main, ["--store", str(sample_store), "query", "ledgers", "--format", "xlsx"])
    assert refused.exit_code == 2 and refused.output.count("\n") == 1


# Spreadsheet files -------------------------------------------------------------------------------


def test_workbook_cells_stay_text_and_fit_excel():
    import openpyxl

    from zwgk.sheets import EXCEL_CELL_LIMIT, Sheet, csv_bytes, xlsx_bytes

    long = "政" * (EXCEL_CELL_LIMIT + 10)
    data = xlsx_bytes(
        [
            Sheet(
                title="a/b:c*[d]?",
                columns=("text", "n"),
                rows=(('=HYPERLINK("http://x")', 1), ("bell\x07here", 2.5), (long, None)),
            )
        ]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "a_b_c__d__"
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "bellhere" and sheet["B3"].value == 2.5
    assert len(sheet["A4"].value) == EXCEL_CELL_LIMIT and sheet["A4"].value.endswith("…")
    assert csv_bytes(("a", "b"), [("x,y", None)]) == BOM.encode("utf-8") + b'a,b\r\n"x,y",\r\n'


def test_the_default_graph_is_exported_and_described_when_it_holds_anything(writable_store, tmp_path):
    """A user's own update without GRAPH writes to the default graph: it is part of the store."""
    added = run(
        "--store",
        str(writable_store),
        "query",
        "--allow-update",
        "-e",
        'INSERT DATA { <https://example.org/note> <http://www.w3.org/2000/01/rdf-schema#comment> "核对"@zh }',
    )
    assert added.exit_code == 0, added.output
    exported = list(ox.parse(_export(writable_store, tmp_path, "--format", "nquads"), format=ox.RdfFormat.N_QUADS))
    assert _per_graph(exported) == _per_graph(_store_quads(writable_store))
    assert _per_graph(exported)[""] == 1
    read_back = list(ox.parse(_export(writable_store, tmp_path, "--format", "jsonld"), format=ox.RdfFormat.JSON_LD))
    assert _canonical(read_back) == _canonical(_store_quads(writable_store))
    described = _describe(writable_store, tmp_path)
    (row,) = described.query(DESCRIBE + "SELECT ?n WHERE { ?c a dcat:Catalog ; sd:defaultGraph [ void:triples ?n ] }")
    assert int(row["n"].value) == 1
