"""The reused vocabularies as their specifications define them, checked on everything the
samples' store exports (every ledger graph, the ontology graph, the alignments graph after
``zwgk align``) and on one more ledger that names no jurisdiction:

- RDF Data Cube: the integrity constraints IC-1 to IC-19 of the Recommendation (section 11), as
  its SPARQL ASK queries, run on the normalised cube (section 10, phases 1 and 2; plus the RDFS
  subclass closure, so that a zw:Tally is an observation even where its explicit type were
  missing). IC-20 and IC-21 concern hierarchical code lists, which zwgk does not use (checked).
- SKOS: the integrity conditions that the data can break (S9, S13, S14, S37 with the S4–S8 and
  S31–S32 typing they rest on; labels are literals; notations are typed literals), plus its
  conventions that a notation identifies a concept within its scheme (section 6.5.3) and that
  top concepts are listed from both ends (S8).
- XKOS levels, and W3C ORG for internal divisions (agency groups are not organisations).
- Every class, property and datatype used anywhere is declared in the ontology, of the kind its
  use needs, with a Chinese and an English label.

Each rule is also shown to fire on a copy of the data broken for it, so that a check that
passes is a check that works."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from zwgk.compare.align import ALIGNMENTS_GRAPH, align_store
from zwgk.loaders import read_ledger
from zwgk.loaders.outline import heading
from zwgk.ontology import iris
from zwgk.ontology.builder import build_ledger
from zwgk.ontology.iris import ONTOLOGY_GRAPH
from zwgk.queries.rollups import ROLLUPS_GRAPH
from zwgk.store.embedded import LedgerStore

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ledgers"
ZW = iris.ZW
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
QB = "http://purl.org/linked-data/cube#"
LANGUAGE = (RDF, RDFS, OWL, XSD)
"""RDF, RDFS, OWL and XSD are the language the ontology is written in, not terms it reuses."""

PREFIXES = f"""PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}> PREFIX xsd: <{XSD}>
PREFIX skos: <{SKOS}> PREFIX qb: <{QB}> PREFIX zw: <{ZW}> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xkos: <http://rdf-vocabulary.ddialliance.org/xkos#>
"""

# RDF Data Cube, section 10: the normalisation algorithm (phase 1, type and property closure;
# phase 2, values attached to the data set or a slice pushed down to the observations), and the
# RDFS subclass closure of qb:Observation that zwgk's zw:Tally ⊑ qb:Observation asks for.
NORMALISE = [
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
        ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
        ?obs qb:dataSet ?dataset }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs }""",
    """INSERT { ?obs ?comp ?value } WHERE {
        ?spec qb:componentProperty ?comp . ?comp a qb:DimensionProperty .
        ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
        ?slice ?comp ?value ; qb:observation ?obs }""",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o rdf:type ?c . ?c rdfs:subClassOf+ qb:Observation }",
]

# RDF Data Cube, section 11.1: each constraint is an ASK query that is true when it is broken.
DATA_CUBE = {
    "IC-1 unique data set": """ASK {
        { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 } }
        UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1 , ?dataset2 . FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2 unique DSD": """ASK {
        { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd } }
        UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1 , ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3 DSD includes measure": """ASK {
        ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4 dimensions have range": """ASK {
        ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5 concept dimensions have code lists": """ASK {
        ?dim a qb:DimensionProperty ; rdfs:range skos:Concept . FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6 only attributes may be optional": """ASK {
        ?dsd qb:component ?componentSpec .
        ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
        FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-7 slice keys must be declared": """ASK {
        ?sliceKey a qb:SliceKey . FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?sliceKey } }""",
    "IC-8 slice keys consistent with DSD": """ASK {
        ?slicekey a qb:SliceKey ; qb:componentProperty ?prop .
        ?dsd qb:sliceKey ?slicekey .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?prop ] } }""",
    "IC-9 unique slice structure": """ASK {
        { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
        UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1 , ?key2 . FILTER (?key1 != ?key2) } }""",
    "IC-10 slice dimensions complete": """ASK {
        ?slice qb:sliceStructure [ qb:componentProperty ?dim ] . FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11 all dimensions required": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty .
        FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12 no duplicate observations": """ASK {
        FILTER (?allEqual)
        { SELECT (MIN(?equal) AS ?allEqual) WHERE {
            ?obs1 qb:dataSet ?dataset . ?obs2 qb:dataSet ?dataset . FILTER (?obs1 != ?obs2)
            ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty .
            ?obs1 ?dim ?value1 . ?obs2 ?dim ?value2 .
            BIND (?value1 = ?value2 AS ?equal)
          } GROUP BY ?obs1 ?obs2 } }""",
    "IC-13 required attributes": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component ?component .
        ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
        FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14 all measures present": """ASK {
        ?obs qb:dataSet/qb:structure ?dsd .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
        ?dsd qb:component/qb:componentProperty ?measure .
        ?measure a qb:MeasureProperty .
        FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-15 measure dimension consistent": """ASK {
        ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
        ?dsd qb:component/qb:componentProperty qb:measureType .
        FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-16 single measure on measure dimension observation": """ASK {
        ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
        ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?omeasure .
        ?omeasure a qb:MeasureProperty .
        FILTER (?omeasure != ?measure) }""",
    "IC-17 all measures present in measures dimension cube": """ASK {
        { SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
            { SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                ?dsd qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty } GROUP BY ?dsd }
            ?obs1 qb:dataSet/qb:structure ?dsd ; qb:dataSet ?dataset ; qb:measureType ?m1 .
            ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
            FILTER NOT EXISTS {
                ?dsd qb:component/qb:componentProperty ?dim . FILTER (?dim != qb:measureType)
                ?dim a qb:DimensionProperty .
                ?obs1 ?dim ?v1 . ?obs2 ?dim ?v2 . FILTER (?v1 != ?v2) }
          } GROUP BY ?obs1 ?numMeasures HAVING (COUNT(?obs2) != ?numMeasures) } }""",
    "IC-18 consistent data set links": """ASK {
        ?dataset qb:slice ?slice . ?slice qb:observation ?obs .
        FILTER NOT EXISTS { ?obs qb:dataSet ?dataset } }""",
    "IC-19 codes from code list (scheme)": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
        ?obs ?dim ?v .
        FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }""",
    "IC-19 codes from code list (collection)": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:Collection .
        FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
        ?obs ?dim ?v }""",
    "IC-20, IC-21 not applicable: no hierarchical code list": """ASK {
        { ?list a qb:HierarchicalCodeList } UNION { ?list qb:parentChildProperty ?p } }""",
}

# SKOS: the typing the integrity conditions rest on (S1–S8, S18–S21, S28–S32, and the subclass
# closure of the ontology), inserted before the conditions are asked.
SKOS_TYPING = [
    "INSERT { ?x a ?super } WHERE { ?x a ?c . ?c rdfs:subClassOf+ ?super }",
    "INSERT { ?s a skos:ConceptScheme } WHERE { ?c skos:inScheme ?s }",
    "INSERT { ?s a skos:ConceptScheme } WHERE { ?c skos:topConceptOf ?s }",
    "INSERT { ?s a skos:ConceptScheme . ?c a skos:Concept } WHERE { ?s skos:hasTopConcept ?c }",
    "INSERT { ?a a skos:Concept . ?b a skos:Concept } WHERE { ?a skos:broader|skos:narrower|skos:related ?b }",
    "INSERT { ?c a skos:Collection } WHERE { ?c skos:member ?m }",
]
SKOS_RULES = {
    "S9 concept schemes are not concepts": "ASK { ?x a skos:ConceptScheme , skos:Concept }",
    "S37 collections are neither concepts nor schemes": """ASK {
        ?x a skos:Collection . { ?x a skos:Concept } UNION { ?x a skos:ConceptScheme } }""",
    "S32 members of a collection are concepts or collections": """ASK {
        ?c skos:member ?m . FILTER NOT EXISTS { ?m a skos:Concept } FILTER NOT EXISTS { ?m a skos:Collection } }""",
    "S13 preferred, alternative and hidden labels are disjoint": """ASK {
        { ?x skos:prefLabel ?l ; skos:altLabel ?l } UNION { ?x skos:prefLabel ?l ; skos:hiddenLabel ?l }
        UNION { ?x skos:altLabel ?l ; skos:hiddenLabel ?l } }""",
    "S14 one preferred label per language": """ASK {
        ?x skos:prefLabel ?a , ?b . FILTER (?a != ?b && LANG(?a) = LANG(?b)) }""",
    "S11/S12 labels are literals": """ASK {
        ?x skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l . FILTER (!isLITERAL(?l)) }""",
    "6.5 notations are typed literals": """ASK {
        ?x skos:notation ?n . FILTER (!isLITERAL(?n) || LANG(?n) != "" || DATATYPE(?n) = xsd:string) }""",
    "6.5.3 a notation identifies one concept in its scheme": """ASK {
        ?a skos:notation ?n ; skos:inScheme ?s . ?b skos:notation ?n ; skos:inScheme ?s . FILTER (?a != ?b) }""",
    "S8 top concepts are listed from both ends": """ASK {
        { ?s skos:hasTopConcept ?c . FILTER NOT EXISTS { ?c skos:topConceptOf ?s } }
        UNION { ?c skos:topConceptOf ?s . FILTER NOT EXISTS { ?s skos:hasTopConcept ?c } } }""",
    "S4 concepts are in declared schemes": """ASK {
        ?c skos:inScheme ?s . FILTER NOT EXISTS { GRAPH <urn:asserted> { ?s a skos:ConceptScheme } } }""",
}

# A copy of the data broken for each rule: the rule must fire on it.
BREAKS = {
    "IC-1 unique data set": "DELETE { ?o qb:dataSet ?d } WHERE { { SELECT ?o ?d WHERE { ?o a zw:Tally ; qb:dataSet ?d } LIMIT 1 } }",
    "IC-2 unique DSD": "INSERT { ?d qb:structure zw:MonthTallyStructure } WHERE { ?d qb:structure zw:TopicTallyStructure }",
    "IC-11 all dimensions required": "DELETE { ?o zw:tallyTopic ?t } WHERE { { SELECT ?o ?t WHERE { ?o zw:tallyTopic ?t } LIMIT 1 } }",
    "IC-12 no duplicate observations": """INSERT { <urn:twin> a qb:Observation ; qb:dataSet ?d ; zw:tallyOf ?l ; zw:tallyMonth ?m ; zw:taskCount 1 }
        WHERE { { SELECT ?d ?l ?m WHERE { ?o qb:dataSet ?d ; zw:tallyOf ?l ; zw:tallyMonth ?m } LIMIT 1 } }""",
    "IC-14 all measures present": "DELETE { ?o zw:leadTaskCount ?n } WHERE { { SELECT ?o ?n WHERE { ?o zw:leadTaskCount ?n } LIMIT 1 } }",
    "IC-19 codes from code list (scheme)": """DELETE { ?o zw:tallyTopic ?t } INSERT { ?o zw:tallyTopic zw:LeadRole }
        WHERE { { SELECT ?o ?t WHERE { ?o zw:tallyTopic ?t } LIMIT 1 } }""",
    "S9 concept schemes are not concepts": "INSERT { ?s a zw:Indicator } WHERE { ?l zw:indicatorScheme ?s }",
    "S37 collections are neither concepts nor schemes": "INSERT { ?c a skos:ConceptScheme } WHERE { ?c a xkos:ClassificationLevel }",
    "S13 preferred, alternative and hidden labels are disjoint": "INSERT { ?i skos:altLabel ?l } WHERE { ?i a zw:Indicator ; skos:prefLabel ?l }",
    "S14 one preferred label per language": """INSERT { ?i skos:prefLabel ?other } WHERE {
        ?i a zw:Indicator ; skos:altLabel ?printed BIND (STRLANG(CONCAT("另", STR(?printed)), "zh") AS ?other) }""",
    "6.5 notations are typed literals": 'INSERT { ?i skos:notation "一" } WHERE { ?i a zw:Indicator }',
    "6.5.3 a notation identifies one concept in its scheme": """INSERT { ?i skos:notation ?n } WHERE {
        ?i a zw:Indicator ; zw:level 2 ; skos:inScheme ?s . ?j skos:inScheme ?s ; zw:level 1 ; skos:notation ?n }""",
}


def _ledger_graph(quad: ox.Quad) -> bool:
    return quad.graph_name.value.startswith(iris.graph("")) and quad.graph_name.value != ALIGNMENTS_GRAPH


def _flat(quads) -> ox.Store:
    """The quads as one graph (the default graph): the rules do not depend on named graphs."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample_store) -> list[ox.Quad]:
    """Every quad of the samples' store after ``zwgk align`` (ledgers, ontology, alignments; the
    rollups graph is zwgk's cache, never exported),
    and the graph of 石泉县's ledger read as if it named no jurisdiction: its agencies' places
    are unknown, so its agency-type tallies form the data set without a jurisdiction dimension."""
    location = tmp_path_factory.mktemp("vocabularies") / "zwgk-data"
    shutil.copytree(sample_store, location)
    for lock in location.glob("LOCK"):
        lock.unlink()
    with LedgerStore.open(location) as store:
        align_store(store)
        quads = [q for q in store.raw if q.graph_name.value != ROLLUPS_GRAPH]
    record = read_ledger(SAMPLES / "shiquan-2021-renwu-fenjie.txt")
    quads += build_ledger(dataclasses.replace(record, jurisdiction=None)).quads
    return quads


@pytest.fixture(scope="module")
def cube(exported) -> ox.Store:
    store = _flat(exported)
    for update in NORMALISE:
        store.update(PREFIXES + update)
    return store


@pytest.fixture(scope="module")
def skos(exported) -> ox.Store:
    store = _flat(exported)
    asserted = ox.NamedNode("urn:asserted")
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, asserted) for q in exported if q.predicate.value == RDF + "type"
    )
    for update in SKOS_TYPING:
        store.update(PREFIXES + update)
    return store


def _count(store: ox.Store, where: str) -> int:
    return int(next(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))["n"].value)


def _ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def test_the_export_holds_every_kind_of_graph(exported):
    graphs = {q.graph_name.value for q in exported}
    ledgers = {q.graph_name.value for q in exported if _ledger_graph(q)}
    assert len(ledgers) == 6  # the five samples and 石泉县's ledger without a jurisdiction
    assert {ONTOLOGY_GRAPH, ALIGNMENTS_GRAPH} <= graphs


def test_the_tallies_are_observations_of_their_ledgers_data_sets(cube):
    """Every tally is a qb:Observation of exactly one of its ledger's data sets, whose IRI its own
    extends (…/tally/month and …/tally/month/2020-10). Each ledger has a topic and an agency data
    set, a month data set when a task is dated, and its agency-type tallies in the data set with
    a jurisdiction dimension, or in the one without when the agencies' places are unknown."""
    tallies = _count(cube, "?o a zw:Tally")
    assert tallies == _count(cube, "?o a qb:Observation") > 200
    assert _count(cube, "?o a zw:Tally ; qb:dataSet ?d . FILTER (STRSTARTS(STR(?o), CONCAT(STR(?d), '/')))") == tallies
    rows = cube.query(
        PREFIXES
        + """SELECT ?structure (GROUP_CONCAT(STRAFTER(STR(?d), "/ledger/"); separator=" ") AS ?sets)
                                    WHERE { ?d a qb:DataSet ; qb:structure ?structure } GROUP BY ?structure"""
    )
    ledgers = {r["structure"].value.removeprefix(ZW): {s.split("/")[0] for s in r["sets"].value.split()} for r in rows}
    samples = {"undated-7c203e772c", "2024-e0e5bb0c5e", "2020-4bd17732d6", "2020-314af18bf3", "2021-ab5383965a"}
    unplaced = "2021-69aeb4b4ae"  # 石泉县's ledger read without a jurisdiction
    assert ledgers["TopicTallyStructure"] == ledgers["AgencyTallyStructure"] == samples | {unplaced}
    assert ledgers["MonthTallyStructure"] == {"2020-4bd17732d6", "2020-314af18bf3", "2021-ab5383965a", unplaced}
    assert ledgers["AgencyTypeTallyStructure"] >= samples
    assert ledgers["UnplacedAgencyTypeTallyStructure"] == {unplaced}
    # The unplaced data set counts the agencies that have no jurisdiction, and only them.
    members = f"?o qb:dataSet <{iris.ledger(unplaced)}/tally/agency-type-unplaced> ; zw:tallyMember ?a ."
    assert _count(cube, members) > 20
    assert _count(cube, members + " ?a zw:jurisdiction ?place") == 0
    assert _count(cube, "?o qb:dataSet/qb:structure zw:UnplacedAgencyTypeTallyStructure ; zw:tallyJurisdiction ?j") == 0


@pytest.mark.parametrize("rule", sorted(DATA_CUBE))
def test_data_cube_integrity_constraint(cube, rule):
    assert not _ask(cube, DATA_CUBE[rule]), rule


@pytest.mark.parametrize("rule", sorted(SKOS_RULES))
def test_skos_integrity_condition(skos, rule):
    assert not _ask(skos, SKOS_RULES[rule]), rule


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_each_rule_fires_on_data_broken_for_it(exported, rule):
    """The checks above are not vacuous: breaking the data as the rule forbids makes it fire."""
    data = [
        q for q in exported if not _ledger_graph(q) or q.graph_name.value == iris.graph("2020-4bd17732d6")
    ]  # 华龙区: every kind of tally
    if rule in DATA_CUBE:
        store = _flat(data)
        store.update(PREFIXES + BREAKS[rule])
        for update in NORMALISE:
            store.update(PREFIXES + update)
        assert _ask(store, DATA_CUBE[rule]), rule
    else:
        store = _flat(data)
        store.update(PREFIXES + BREAKS[rule])
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:asserted"))
            for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, ox.DefaultGraph())
        )
        for update in SKOS_TYPING:
            store.update(PREFIXES + update)
        assert _ask(store, SKOS_RULES[rule]), rule


def _pattern(store: ox.Store, datatype: str) -> re.Pattern[str]:
    row = next(
        store.query(
            PREFIXES
            + f"""SELECT ?p WHERE {{
        <{datatype}> owl:equivalentClass/owl:withRestrictions/rdf:rest*/rdf:first/xsd:pattern ?p }}"""
        )
    )
    return re.compile(row["p"].value)


def test_every_notation_is_of_its_schemes_notation_system(cube):
    """Each notation is a typed literal whose datatype (declared in the ontology) restricts
    strings by a pattern; the value matches it."""
    rows = list(cube.query(PREFIXES + "SELECT ?x ?n WHERE { ?x skos:notation ?n }"))
    by_type: dict[str, list[str]] = {}
    for row in rows:
        by_type.setdefault(row["n"].datatype.value, []).append(row["n"].value)
    assert {k.removeprefix(ZW): len(v) for k, v in by_type.items()} == {
        "IndicatorNotation": 59 + 18,
        "TopicNotation": 57,
        "AgencyTypeNotation": 43,
        "AdminLevelNotation": 5,
    }
    for datatype, values in by_type.items():
        pattern = _pattern(cube, datatype)
        assert [v for v in values if not pattern.fullmatch(v)] == [], datatype


def test_indicators_are_labelled_without_their_number(cube):
    """A numbered heading: its words as skos:prefLabel, the heading as printed as skos:altLabel,
    the numbers of its path as skos:notation. An unnumbered heading keeps its label, no notation."""
    rows = list(
        cube.query(
            PREFIXES
            + """SELECT ?i ?label ?printed ?notation WHERE {
        ?i a zw:Indicator ; skos:prefLabel ?label
        OPTIONAL { ?i skos:altLabel ?printed } OPTIONAL { ?i skos:notation ?notation } }"""
        )
    )
    assert len(rows) == 235 + 159  # the five samples and 石泉县's ledger again
    for row in rows:
        printed = (row["printed"] or row["label"]).value
        numbered = heading(printed)
        if numbered is None:
            assert row["notation"] is None and row["printed"] is None, printed
        else:
            assert row["notation"].value.split(".")[-1] == numbered.label, printed
            assert row["label"].value == numbered.rest.strip(), printed
    hualong = {
        (r["notation"].value, r["label"].value, r["printed"].value)
        for r in rows
        if r["notation"] is not None and "2020-4bd17732d6" in r["i"].value
    }
    assert ("三.（二）", "提高政务服务透明度便利度。", "(二)提高政务服务透明度便利度。") in hualong
    assert (
        "五",
        "围绕落实新修订的《政府信息公开条例》加强制度执行",
        "五、围绕落实新修订的《政府信息公开条例》加强制度执行",
    ) in hualong


def test_xkos_levels_list_the_depths_of_each_scheme(cube):
    """xkos:numberOfLevels is the length of the scheme's xkos:levels list, which holds its
    xkos:ClassificationLevel nodes by depth (1, 2 …); each level's members are the indicators
    of that zw:level."""
    schemes = list(cube.query(PREFIXES + "SELECT ?s ?n WHERE { ?s xkos:numberOfLevels ?n }"))
    assert sorted(int(r["n"].value) for r in schemes) == [1, 2, 2, 2, 4, 4]
    for row in schemes:
        scheme, levels = row["s"], int(row["n"].value)
        depths = [
            int(r["d"].value)
            for r in cube.query(
                PREFIXES
                + f"""SELECT ?d WHERE {{
            <{scheme.value}> xkos:levels/rdf:rest*/rdf:first ?level . ?level a xkos:ClassificationLevel ; xkos:depth ?d }}"""
            )
        ]
        assert sorted(depths) == list(range(1, levels + 1)), scheme
    assert not _ask(cube, "ASK { ?level xkos:depth ?d ; skos:member ?i . ?i zw:level ?l FILTER (?l != ?d) }")
    assert not _ask(cube, "ASK { ?level xkos:depth ?d FILTER (?d < 1) }")


def test_internal_divisions_are_sub_organisations_and_groups_are_not_organisations(cube):
    rows = cube.query(
        PREFIXES
        + """SELECT ?unit ?body WHERE {
        ?u org:subOrganizationOf ?b . ?u skos:prefLabel ?unit . ?b skos:prefLabel ?body }"""
    )
    found = {(r["unit"].value, r["body"].value) for r in rows}
    assert ("淮南市残疾人联合会办公室", "淮南市残疾人联合会") in found
    assert ("湖北省人民防空办公室秘书处", "湖北省人民防空办公室") in found
    assert len({unit for unit, body in found if body == "河南省人民防空办公室"}) == 8
    assert not _ask(cube, "ASK { ?u org:subOrganizationOf ?b . { ?u a zw:AgencyGroup } UNION { ?b a zw:AgencyGroup } }")
    assert not _ask(cube, "ASK { ?g a zw:AgencyGroup , zw:Agency }")
    assert _count(cube, "?g a zw:AgencyGroup") > 0


def _declarations(store: ox.Store) -> dict[str, set[str]]:
    rows = store.query(
        PREFIXES
        + """SELECT ?t ?kind WHERE { ?t a ?kind
        VALUES ?kind { owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                       rdf:Property rdfs:Datatype } }"""
    )
    kinds: dict[str, set[str]] = {}
    for row in rows:
        if isinstance(row["t"], ox.NamedNode):
            kinds.setdefault(row["t"].value, set()).add(row["kind"].value.rsplit("#", 1)[-1])
    return kinds


def test_every_term_used_is_declared_with_zh_and_en_labels(exported):
    """Every class (object of rdf:type), property and literal datatype used in any graph is
    declared in the ontology graph, with rdfs:label in Chinese and English."""
    ontology = _flat(q for q in exported if q.graph_name.value == ONTOLOGY_GRAPH)
    declared = _declarations(ontology)
    classes, properties, datatypes = set(), set(), set()
    for q in exported:
        properties.add(q.predicate.value)
        if q.predicate.value == RDF + "type" and isinstance(q.object, ox.NamedNode):
            classes.add(q.object.value)
        if isinstance(q.object, ox.Literal) and not q.object.language:
            datatypes.add(q.object.datatype.value)
    used = {t for t in classes | properties | datatypes if not t.startswith(LANGUAGE)}
    assert len(used) > 80
    assert sorted(used - set(declared)) == []
    for term in sorted(used):
        labels = {r["l"].language for r in ontology.query(f"SELECT ?l WHERE {{ <{term}> <{RDFS}label> ?l }}")}
        assert {"zh", "en"} <= labels, term
    assert {c for c in classes if c in declared and not declared[c] & {"Class"}} == set()
    assert {d for d in datatypes if d in declared and declared[d] != {"Datatype"}} == set()


def test_properties_are_used_as_their_kind_says(exported):
    """An owl:ObjectProperty never has a literal value, an owl:DatatypeProperty never a resource
    (skos:notation among them: SKOS declares it a datatype property)."""
    ontology = _flat(q for q in exported if q.graph_name.value == ONTOLOGY_GRAPH)
    declared = _declarations(ontology)
    wrong = set()
    for q in exported:
        kinds = declared.get(q.predicate.value, set())
        literal = isinstance(q.object, ox.Literal)
        if ("ObjectProperty" in kinds and literal) or ("DatatypeProperty" in kinds and not literal):
            wrong.add(q.predicate.value)
    assert wrong == set()
    assert declared[SKOS + "notation"] == {"DatatypeProperty"}
