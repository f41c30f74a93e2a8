"""The RDF builder on the samples: identifiers, task links, obligations and provenance."""

from __future__ import annotations

from pyoxigraph import NamedNode, Store

from zwgk.loaders import read_ledger
from zwgk.ontology import iris
from zwgk.ontology.builder import build_ledger

ZW = iris.ZW
PREFIX = f"PREFIX zw: <{ZW}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def _store(path) -> tuple[Store, object]:
    built = build_ledger(read_ledger(path))
    store = Store()
    store.extend(built.quads)
    return store, built


def _units(store: Store, number: str, prop: str, indicator_label: str | None = None) -> set[str]:
    filt = (
        f'?t zw:indicator/skos:broader*/skos:prefLabel ?ind . FILTER(CONTAINS(STR(?ind), "{indicator_label}"))'
        if indicator_label
        else ""
    )
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
    assert _units(store, "1", "leadUnit", "以权责清单为依托") == {
        "华龙区委机构编制委员会办公室",
        "华龙区政务服务和大数据管理局",
    }
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
        PREFIX
        + "SELECT (COUNT(*) AS ?n) WHERE { ?t zw:obligation ?o . ?o zw:role zw:LeadRole ; zw:bearer ?a ; zw:task ?t }",
        use_default_graph_as_union=True,
    )
    assert int(next(links)["n"].value) == int(next(obligations)["n"].value) > 37


def test_source_line_and_rfc5147_fragment(samples):
    store, built = _store(samples["003"])
    row = next(
        store.query(
            PREFIX + 'SELECT ?line ?src WHERE { ?t zw:number "1" ; zw:sourceLine ?line ; '
            "<http://www.w3.org/ns/prov#wasDerivedFrom> ?src }",
            use_default_graph_as_union=True,
        )
    )
    assert row["line"].value == "10"
    assert row["src"].value.endswith("#line=9,10")


def test_ledger_metadata_004(samples):
    store, built = _store(samples["004"])
    row = next(
        store.query(
            PREFIX + "SELECT ?year ?doc ?place WHERE { ?l a zw:Ledger ; zw:year ?year ; zw:docNumber ?doc ; "
            "zw:jurisdiction/skos:prefLabel ?place }",
            use_default_graph_as_union=True,
        )
    )
    assert (row["year"].value, row["doc"].value, row["place"].value) == ("2020", "华龙政办〔2020〕37号", "华龙区")


def test_a_task_cut_off_by_the_page_is_marked_truncated_and_gets_no_units():
    """01_qiaocheng's page stops inside the text of its ninth task: that task, and only it,
    carries zw:truncated, and its lead unit (not on the page) is not filled in from above."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "corpus" / "tables" / "ledgers" / "01_qiaocheng-zhen-renwu.txt"
    store, _ = _store(path)
    rows = list(
        store.query(
            PREFIX
            + "SELECT ?text ?lead WHERE { ?t zw:truncated true ; zw:text ?text . OPTIONAL { ?t zw:leadUnit ?lead } }",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) == 1
    assert rows[0]["text"].value.startswith("畅通政策咨询渠道,整合线上线下资源")
    assert rows[0]["lead"] is None


SKOS = "http://www.w3.org/2004/02/skos/core#"
QB = "http://purl.org/linked-data/cube#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG_SUB = NamedNode("http://www.w3.org/ns/org#subOrganizationOf")


def _objects(store: Store, subject: str, predicate: str) -> set:
    return {q.object for q in store.quads_for_pattern(NamedNode(subject), NamedNode(predicate), None)}


def _named(store: Store, label: str) -> str:
    found = {
        q.subject.value
        for q in store.quads_for_pattern(None, NamedNode(SKOS + "prefLabel"), None)
        if q.object.value == label
    }
    assert len(found) == 1, label
    return found.pop()


def test_003_indicators_have_their_words_as_label_and_their_path_as_typed_notation(samples):
    """(一)聚焦中心工作 under 一、围绕服务经济…: labelled 聚焦中心工作, with the notation 一.（一） in
    zwgk's indicator notation system and the heading as printed as its alternative label."""
    from pyoxigraph import Literal

    store, built = _store(samples["003"])
    inner = _named(store, "聚焦中心工作")
    assert _objects(store, inner, SKOS + "notation") == {
        Literal("一.（一）", datatype=NamedNode(ZW + "IndicatorNotation"))
    }
    assert _objects(store, inner, SKOS + "altLabel") == {Literal("(一)聚焦中心工作", language="zh")}
    outer = _named(store, "围绕服务经济和保障民生抓好主动公开")
    assert _objects(store, outer, SKOS + "notation") == {Literal("一", datatype=NamedNode(ZW + "IndicatorNotation"))}
    assert _objects(store, inner, SKOS + "broader") == {NamedNode(outer)}
    # 000's indicators print no numbers: their labels stay as printed, with no notation.
    store, _ = _store(samples["000"])
    plain = _named(store, "政务公开协调机制")
    assert not _objects(store, plain, SKOS + "notation") and not _objects(store, plain, SKOS + "altLabel")


def test_003_internal_divisions_are_sub_organisations_of_the_issuer_and_groups_are_not_agencies(samples):
    store, _ = _store(samples["003"])
    body = _named(store, "淮南市残疾人联合会")
    office = _named(store, "淮南市残疾人联合会办公室")
    assert _objects(store, office, ORG_SUB.value) == {NamedNode(body)}
    assert _objects(store, office, RDF_TYPE) == {NamedNode(ZW + "Agency")}
    sections = _named(store, "淮南市残疾人联合会各科室")  # 各科室配合: a group, not one organisation
    assert _objects(store, sections, RDF_TYPE) == {NamedNode(ZW + "AgencyGroup")}
    assert not _objects(store, sections, ORG_SUB.value)
    # 淮南市民生办 is another body: not a part of the issuer.
    assert not _objects(store, _named(store, "淮南市民生办"), ORG_SUB.value)
    assert not _objects(store, body, ORG_SUB.value)


def test_004_tallies_are_observations_of_the_ledgers_data_sets(samples):
    from pyoxigraph import Literal

    store, built = _store(samples["004"])
    month = f"{built.iri}/tally/month"
    october = month + "/2020-10"
    assert _objects(store, october, QB + "dataSet") == {NamedNode(month)}
    assert _objects(store, october, RDF_TYPE) == {NamedNode(ZW + "Tally"), NamedNode(QB + "Observation")}
    assert _objects(store, october, ZW + "taskCount") == {
        Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    }
    assert _objects(store, month, QB + "structure") == {NamedNode(ZW + "MonthTallyStructure")}
    assert _objects(store, month, RDF_TYPE) == {NamedNode(QB + "DataSet")}
    sets = {
        q.object.value.removeprefix(f"{built.iri}/tally/")
        for q in store.quads_for_pattern(None, NamedNode(QB + "dataSet"), None)
    }
    assert sets == {"topic", "month", "agency", "agency-type"}


def test_a_ledger_without_jurisdiction_tallies_agency_types_without_that_dimension(samples):
    """Data Cube wants every dimension on every observation: where the agencies' places are
    unknown, their agency-type tallies go to a data set whose structure has no jurisdiction."""
    import dataclasses

    record = dataclasses.replace(read_ledger(samples["001"]), jurisdiction=None)
    built = build_ledger(record)
    store = Store()
    store.extend(built.quads)
    unplaced = f"{built.iri}/tally/agency-type-unplaced"
    assert _objects(store, unplaced, QB + "structure") == {NamedNode(ZW + "UnplacedAgencyTypeTallyStructure")}
    finance = {
        q.subject
        for q in store.quads_for_pattern(
            None, NamedNode(ZW + "tallyAgencyType"), NamedNode("https://w3id.org/zwgk/agency-type#Finance")
        )
    }
    assert len(finance) == 1
    (tally,) = finance
    assert tally.value.startswith(unplaced + "/")
    assert not _objects(store, tally.value, ZW + "tallyJurisdiction")


def _corpus_and_samples(samples) -> list:
    from pathlib import Path

    corpus = Path(__file__).parent / "data" / "corpus"
    return [*samples.values(), *sorted(corpus.glob("*/ledgers/*"))]


def test_remembered_units_and_paths_build_what_building_every_mention_builds(samples, monkeypatch):
    """The builder builds a unit name and an indicator path once per ledger: the same quads,
    in the same order, with the same counts, as building them at every mention. Two spellings
    of one body, named in turn (A, B, A), leave the facets of the last one named."""
    from pathlib import Path

    from zwgk.model import LedgerRecord, Role, TaskRecord, UnitCell
    from zwgk.ontology import builder

    # 秘书处 of this issuer and 河南省人民防空办公室秘书处 are one body, typed by each spelling
    # differently (an internal division, a civil air defence body).
    spellings = LedgerRecord(
        source_path=Path("x.txt"),
        source_file="x.txt",
        sha256="0" * 64,
        layout="tsv",
        jurisdiction="河南省",
        issuer="河南省人民防空办公室",
        year=2021,
        tasks=[
            TaskRecord(
                text=f"任务{n}",
                line=n,
                indicators=("一、公开", heading),
                units=[UnitCell(text=unit, role=role, line=n)],
            )
            for n, (heading, unit, role) in enumerate(
                [
                    ("（一）预算", "秘书处", Role.LEAD),
                    ("（一）预算", "河南省人民防空办公室秘书处、各处室", Role.RESPONSIBLE),
                    ("（二）社保", "秘书处（牵头）、指挥处", Role.LEAD),
                ],
                start=1,
            )
        ],
    )
    records = [read_ledger(path) for path in _corpus_and_samples(samples)] + [spellings]
    remembered = [build_ledger(record) for record in records]
    monkeypatch.setattr(
        builder._Builder,
        "agency",
        lambda self, name, *, is_group=False, printed=None: self._agency(name, is_group=is_group, printed=printed),
    )
    monkeypatch.setattr(builder._Builder, "indicator", builder._Builder._indicator)
    for record, built in zip(records, remembered, strict=True):
        each = build_ledger(record)
        assert (each.quads, each.tasks, each.indicators, each.agencies) == (
            built.quads,
            built.tasks,
            built.indicators,
            built.agencies,
        ), record.source_file


def test_streamed_lines_are_the_quads_as_n_triples(samples):
    """What a loading worker writes (``lines``) is ``build_ledger``'s quads, in order."""
    from zwgk.ontology.builder import stream_ledger

    for path in _corpus_and_samples(samples):
        record = read_ledger(path)
        lines = [line for chunk in stream_ledger(record).lines() for line in chunk]
        assert lines == [f"{q.subject} {q.predicate} {q.object} ." for q in build_ledger(record).quads], path.name
