"""The RDF builder on the samples: identifiers, task links, obligations and provenance."""

from __future__ import annotations

from pyoxigraph import NamedNode, Store

from zwgk import iris
from zwgk.loaders import read_ledger
from zwgk.rdf import build_ledger

ZW = iris.ZW
PREFIX = f"PREFIX zw: <{ZW}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def _store(path) -> tuple[Store, object]:
    built = build_ledger(read_ledger(path))
    store = Store()
    store.extend(built.quads)
    return store, built


def _units(store: Store, number: str, prop: str, indicator_label: str | None = None) -> set[str]:
    filt = f'?t zw:indicator/skos:broader*/skos:prefLabel ?ind . FILTER(CONTAINS(STR(?ind), "{indicator_label}"))' if indicator_label else ""
    rows = store.query(
        PREFIX + f'SELECT DISTINCT ?name WHERE {{ ?t zw:number "{number}" ; zw:{prop}/skos:prefLabel ?name . {filt} }}',
        use_default_graph_as_union=True,
    )
    return {row["name"].value for row in rows}


def test_same_record_builds_same_triples(samples):
    first = build_ledger(read_ledger(samples["004"]))
    second = build_ledger(read_ledger(samples["004"]))
    assert first.id == second.id
    assert set(first.quads) == set(second.quads)


def test_every_quad_is_in_the_ledger_graph(samples):
    built = build_ledger(read_ledger(samples["003"]))
    assert {q.graph_name for q in built.quads} == {NamedNode(iris.graph(built.id))}


def test_004_lead_units_are_split_per_unit(samples):
    store, built = _store(samples["004"])
    assert built.tasks == 37
    # 一、（一）1.: two lead units printed in one cell, named canonically within 华龙区
    assert _units(store, "1", "leadUnit", "以权责清单为依托") == {"华龙区委机构编制委员会办公室", "华龙区政务服务和大数据管理局"}
    assert _units(store, "1", "responsibleUnit", "以权责清单为依托") == {"华龙区政府各部门", "各乡镇（街道）"}
    # 二、（二）3.: "区工业和信息化 局" is one unit with a PDF line-wrap space
    assert _units(store, "3", "leadUnit", "助力落实") == {"华龙区市场监督管理局", "华龙区工业和信息化局"}
    # 二、（二）4.: three lead units
    assert _units(store, "4", "leadUnit", "助力落实") == {"华龙区农业农村局", "华龙区粮食局", "华龙区发展和改革委员会"}


def test_003_responsibility_column_names_lead_units(samples):
    store, built = _store(samples["003"])
    assert built.tasks == 22
    assert _units(store, "1", "leadUnit") == {"淮南市残疾人联合会办公室"}
    assert _units(store, "2", "leadUnit") == {"淮南市民生办"}
    # 办公室牵头,各科室配合: lead 办公室, co-operating 各科室
    assert _units(store, "9", "leadUnit") == {"淮南市残疾人联合会办公室"}
    assert _units(store, "9", "responsibleUnit") == {"淮南市残疾人联合会各科室"}
    assert _units(store, "4", "leadUnit") == {"淮南市残疾人联合会办公室", "淮南市残疾人联合会相关业务科室"}


def test_obligations_mirror_unit_links(samples):
    store, _ = _store(samples["004"])
    links = store.query(PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?t zw:leadUnit ?a }", use_default_graph_as_union=True)
    obligations = store.query(
        PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?t zw:obligation ?o . ?o zw:role zw:LeadRole ; zw:bearer ?a ; zw:task ?t }",
        use_default_graph_as_union=True,
    )
    assert int(next(links)["n"].value) == int(next(obligations)["n"].value) > 37


def test_source_line_and_rfc5147_fragment(samples):
    store, built = _store(samples["003"])
    row = next(store.query(
        PREFIX + 'SELECT ?line ?src WHERE { ?t zw:number "1" ; zw:sourceLine ?line ; '
        "<http://www.w3.org/ns/prov#wasDerivedFrom> ?src }",
        use_default_graph_as_union=True,
    ))
    assert row["line"].value == "10"
    assert row["src"].value.endswith("#line=9,10")


def test_ledger_metadata_004(samples):
    store, built = _store(samples["004"])
    row = next(store.query(
        PREFIX + "SELECT ?year ?doc ?place WHERE { ?l a zw:Ledger ; zw:year ?year ; zw:docNumber ?doc ; "
        "zw:jurisdiction/skos:prefLabel ?place }",
        use_default_graph_as_union=True,
    ))
    assert (row["year"].value, row["doc"].value, row["place"].value) == ("2020", "华龙政办〔2020〕37号", "华龙区")


def test_a_task_cut_off_by_the_page_is_marked_truncated_and_gets_no_units():
    """01_qiaocheng's page stops inside the text of its ninth task: that task, and only it,
    carries zw:truncated, and its lead unit (not on the page) is not filled in from above."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "corpus" / "tables" / "ledgers" / "01_qiaocheng-zhen-renwu.txt"
    store, _ = _store(path)
    rows = list(store.query(
        PREFIX + "SELECT ?text ?lead WHERE { ?t zw:truncated true ; zw:text ?text . OPTIONAL { ?t zw:leadUnit ?lead } }",
        use_default_graph_as_union=True,
    ))
    assert len(rows) == 1
    assert rows[0]["text"].value.startswith("畅通政策咨询渠道,整合线上线下资源")
    assert rows[0]["lead"] is None
