"""The ontology (ontology/zwgk.ttl): it parses, every term is labelled in Chinese and English, the
public-contract names exist with their W3C alignments, and the builder uses no zw: term the
ontology does not declare. tests/test_vocabularies.py checks the samples' graphs against the
reused vocabularies' own rules (SKOS, RDF Data Cube) and every term against its declaration."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.collection import Collection

from zwgk import resources

ZW = rdflib.Namespace("https://w3id.org/zwgk/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ODRL = rdflib.Namespace("http://www.w3.org/ns/odrl/2/")
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
# An open namespace: pytest probes module attributes, and rdflib's closed XSD warns on the probe.
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY = URIRef("https://w3id.org/zwgk/ontology")
SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ledgers"

CLASSES = {
    "Ledger",
    "Task",
    "Indicator",
    "Agency",
    "AgencyGroup",
    "Obligation",
    "Deadline",
    "Requirement",
    "Jurisdiction",
    "Alignment",
    "Tally",
    "TaskCluster",
}
OBJECT_PROPERTIES = {
    "member",
    "representative",
    "jurisdiction",
    "issuer",
    "task",
    "indicatorScheme",
    "ledger",
    "indicator",
    "leadUnit",
    "responsibleUnit",
    "deadline",
    "obligation",
    "requirement",
    "inheritedField",
    "topic",
    "agencyType",
    "bearer",
    "role",
    "recurrence",
    "requirementKind",
    "adminLevel",
    "within",
    "source",
    "target",
    "tallyOf",
    "tallyTopic",
    "tallyAgency",
    "tallyAgencyType",
    "tallyJurisdiction",
    "tallyMember",
}
DATATYPE_PROPERTIES = {
    "alignmentRevision",
    "year",
    "docNumber",
    "sourceFile",
    "sourceSha256",
    "layout",
    "number",
    "position",
    "text",
    "remark",
    "channel",
    "sourceLine",
    "topicRule",
    "level",
    "inherited",
    "deadlineText",
    "dueDate",
    "inText",
    "truncated",
    "requirementText",
    "value",
    "unit",
    "comparator",
    "per",
    "divisionCode",
    "score",
    "method",
    "statistic",
    "taskCount",
    "indicatorCount",
    "leadUnitCount",
    "tasksWithLead",
    "tasksWithDeadline",
    "tasksWithIndicator",
    "tasksDated",
    "tasksOngoing",
    "tasksRecurring",
    "leadTaskCount",
    "tallyMonth",
}
DATATYPES = {"IndicatorNotation", "TopicNotation", "AgencyTypeNotation", "AdminLevelNotation"}
STRUCTURES = {
    "TopicTallyStructure": ({"tallyOf", "tallyTopic"}, {"taskCount"}),
    "MonthTallyStructure": ({"tallyOf", "tallyMonth"}, {"taskCount"}),
    "AgencyTallyStructure": ({"tallyOf", "tallyAgency"}, {"taskCount", "leadTaskCount"}),
    "AgencyTypeTallyStructure": ({"tallyOf", "tallyAgencyType", "tallyJurisdiction"}, {"taskCount"}),
    "UnplacedAgencyTypeTallyStructure": ({"tallyOf", "tallyAgencyType"}, {"taskCount"}),
}
SCHEMES = {
    "RoleScheme": {"LeadRole", "ResponsibleRole", "CooperatingRole"},
    "RecurrenceScheme": {"Ongoing", "Daily", "Weekly", "Monthly", "Quarterly", "HalfYearly", "Yearly"},
    "RequirementKindScheme": {"TimeLimit", "Minimum", "Maximum", "Frequency", "Ratio"},
    "AdminLevelScheme": {"National", "Province", "City", "County", "Township"},
}


@pytest.fixture(scope="module")
def text() -> str:
    return resources.read_text("ontology", "zwgk.ttl")


@pytest.fixture(scope="module")
def onto(text) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    return graph


def _langs(graph: rdflib.Graph, subject, predicate) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _zw_terms(graph: rdflib.Graph, kind) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and s.startswith(str(ZW))}


def test_parses_alike_with_rdflib_and_pyoxigraph(text, onto):
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(onto) > 700


def test_header_has_version_titles_license_and_no_imports(onto):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionInfo) is not None
    assert _langs(onto, ONTOLOGY, DCTERMS.title) == {"zh", "en"}
    assert _langs(onto, ONTOLOGY, DCTERMS.description) == {"zh", "en"}
    assert isinstance(onto.value(ONTOLOGY, DCTERMS.license), URIRef)
    assert not list(onto.objects(None, OWL.imports))


def test_every_zw_class_and_property_is_labelled_in_zh_and_en(onto):
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        terms |= _zw_terms(onto, kind)
    assert len(terms) == len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    assert _zw_terms(onto, RDFS.Datatype) == {ZW[n] for n in DATATYPES}
    assert _zw_terms(onto, QB.DataStructureDefinition) == {ZW[n] for n in STRUCTURES}
    terms |= _zw_terms(onto, RDFS.Datatype) | _zw_terms(onto, QB.DataStructureDefinition)
    for term in sorted(terms):
        assert {"zh", "en"} <= _langs(onto, term, RDFS.label), term
        assert {"zh", "en"} <= _langs(onto, term, RDFS.comment), term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto, term


def test_public_contract_names_exist_with_their_kind(onto):
    assert {ZW[n] for n in CLASSES} == _zw_terms(onto, OWL.Class)
    assert {ZW[n] for n in OBJECT_PROPERTIES} == _zw_terms(onto, OWL.ObjectProperty)
    assert {ZW[n] for n in DATATYPE_PROPERTIES} == _zw_terms(onto, OWL.DatatypeProperty)
    for prop in OBJECT_PROPERTIES | DATATYPE_PROPERTIES:
        assert onto.value(ZW[prop], RDFS.range) is not None, prop
        assert onto.value(ZW[prop], RDFS.domain) is not None, prop


def test_w3c_alignments(onto):
    subclass = {
        "Ledger": {PROV.Entity},
        "Task": {PROV.Plan},
        "Indicator": {SKOS.Concept},
        "Agency": {ORG.Organization, PROV.Agent},
        "AgencyGroup": {PROV.Agent},
        "Obligation": {PROV.Association},
        "Requirement": set(),
        "Jurisdiction": {DCTERMS.Jurisdiction},
        "Tally": {QB.Observation},
    }
    for name, parents in subclass.items():
        assert set(onto.objects(ZW[name], RDFS.subClassOf)) == parents, name
    assert (PROV.Plan, RDFS.subClassOf, PROV.Entity) in onto
    # An agency group (各有关处室, 各乡镇) is a set of bodies, not one organisation.
    assert (ZW.AgencyGroup, OWL.disjointWith, ORG.Organization) in onto
    assert set(onto.objects(ZW.bearer, RDFS.subPropertyOf)) == {PROV.agent}
    # ODRL is not used (docs/ontology.md says why): no ODRL class or property is declared, and
    # no zw: term is a sub-class or sub-property of one.
    assert not [s for s in onto.subjects() if isinstance(s, URIRef) and s.startswith(str(ODRL))]
    for axiom in (RDFS.subClassOf, RDFS.subPropertyOf):
        assert not [o for o in onto.objects(None, axiom) if o.startswith(str(ODRL))]
    assert set(onto.objects(ZW.role, RDFS.subPropertyOf)) == {PROV.hadRole}
    assert (ZW.within, RDF.type, OWL.TransitiveProperty) in onto
    # zw:task runs from ledgers and from obligations: a union domain, and no axiom that would
    # make a ledger a prov:Association (prov:hadPlan) or an obligation a ledger (owl:inverseOf).
    domain = onto.value(ZW.task, RDFS.domain)
    assert set(Collection(onto, onto.value(domain, OWL.unionOf))) == {ZW.Ledger, ZW.Obligation}
    assert not list(onto.objects(ZW.task, RDFS.subPropertyOf))
    assert not list(onto.triples((None, OWL.inverseOf, None)))


def test_tally_structures_are_data_cube_definitions(onto):
    """Each tally data set's structure lists its dimensions (in order, zw:tallyOf first) and its
    measures; the dimensions are qb:DimensionProperty with a range, and those whose values are
    concepts name their code list (Data Cube IC-4, IC-5)."""
    for name, (dimensions, measures) in STRUCTURES.items():
        components = list(onto.objects(ZW[name], QB.component))
        found_dimensions = {
            onto.value(c, QB.dimension): onto.value(c, QB.order)
            for c in components
            if onto.value(c, QB.dimension) is not None
        }
        found_measures = {onto.value(c, QB.measure) for c in components if onto.value(c, QB.measure) is not None}
        assert set(found_dimensions) == {ZW[d] for d in dimensions}, name
        assert found_dimensions[ZW.tallyOf].toPython() == 1, name
        assert sorted(o.toPython() for o in found_dimensions.values()) == list(range(1, len(dimensions) + 1))
        assert found_measures == {ZW[m] for m in measures}, name
    for dimension in ("tallyOf", "tallyTopic", "tallyMonth", "tallyAgency", "tallyAgencyType", "tallyJurisdiction"):
        assert (ZW[dimension], RDF.type, QB.DimensionProperty) in onto, dimension
        assert onto.value(ZW[dimension], RDFS.range) is not None, dimension
    assert onto.value(ZW.tallyTopic, QB.codeList) == URIRef("https://w3id.org/zwgk/topic")
    assert onto.value(ZW.tallyAgencyType, QB.codeList) == URIRef("https://w3id.org/zwgk/agency-type")
    assert {s for s in onto.subjects(RDF.type, QB.MeasureProperty)} == {ZW.taskCount, ZW.leadTaskCount}


def test_notation_datatypes_restrict_strings_by_a_pattern(onto):
    """skos:notation is a datatype property (SKOS), and each of zwgk's notation systems is a
    declared datatype: a string restricted by an XSD pattern."""
    assert (URIRef(str(SKOS) + "notation"), RDF.type, OWL.DatatypeProperty) in onto
    assert (URIRef(str(SKOS) + "notation"), RDF.type, OWL.AnnotationProperty) not in onto
    for name in DATATYPES:
        restriction = onto.value(ZW[name], OWL.equivalentClass)
        assert onto.value(restriction, OWL.onDatatype) == XSD.string, name
        facets = list(Collection(onto, onto.value(restriction, OWL.withRestrictions)))
        assert [str(onto.value(f, XSD.pattern)) for f in facets if onto.value(f, XSD.pattern)], name


def test_datatype_ranges(onto):
    ranges = {
        "year": XSD.gYear,
        "position": XSD.integer,
        "sourceLine": XSD.integer,
        "level": XSD.integer,
        "text": RDF.langString,
        "dueDate": XSD.date,
        "inText": XSD.boolean,
        "truncated": XSD.boolean,
        "inherited": XSD.boolean,
        "value": XSD.decimal,
        "score": XSD.decimal,
        "divisionCode": XSD.string,
        "inheritedField": RDF.Property,
    }
    for name, datatype in ranges.items():
        assert onto.value(ZW[name], RDFS.range) == datatype, name


def test_every_concept_has_zh_en_labels_and_definition_in_its_scheme(onto):
    concepts = _zw_terms(onto, SKOS.Concept)
    assert concepts == {ZW[c] for members in SCHEMES.values() for c in members}
    for scheme, members in SCHEMES.items():
        assert (ZW[scheme], RDF.type, SKOS.ConceptScheme) in onto
        assert {"zh", "en"} <= _langs(onto, ZW[scheme], SKOS.prefLabel), scheme
        assert set(onto.objects(ZW[scheme], SKOS.hasTopConcept)) == {ZW[m] for m in members}
        for member in members:
            concept = ZW[member]
            assert set(onto.objects(concept, SKOS.inScheme)) == {ZW[scheme]}, member
            assert {"zh", "en"} <= _langs(onto, concept, SKOS.prefLabel), member
            # SKOS: at most one prefLabel per language
            assert len(_langs(onto, concept, SKOS.prefLabel)) == len(list(onto.objects(concept, SKOS.prefLabel)))
            assert "en" in _langs(onto, concept, SKOS.definition), member
    for role in SCHEMES["RoleScheme"]:
        assert (ZW[role], RDF.type, PROV.Role) in onto
    assert {str(o) for o in onto.objects(ZW.LeadRole, SKOS.prefLabel)} == {"牵头", "lead"}


def _sample_quads(path: Path):
    from zwgk.errors import InputError
    from zwgk.loaders import read_ledger
    from zwgk.ontology import builder as rdf

    try:
        record = read_ledger(path)
    except InputError as error:
        pytest.skip(f"no layout reader reads this sample yet: {error}")
    return rdf.ledger_quads(record)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_builder_uses_only_declared_terms(onto, path):
    """Every zw: predicate and class the builder writes is declared, with the right kind; every
    zw: concept or property it writes as a value is declared too."""
    quads = _sample_quads(path)
    assert quads
    declared_props = _zw_terms(onto, OWL.ObjectProperty) | _zw_terms(onto, OWL.DatatypeProperty)
    declared_classes = _zw_terms(onto, OWL.Class)
    declared_concepts = _zw_terms(onto, SKOS.Concept)
    rdf_type = str(RDF.type)
    predicates = {q.predicate.value for q in quads if q.predicate.value.startswith(str(ZW))}
    classes = {q.object.value for q in quads if q.predicate.value == rdf_type and q.object.value.startswith(str(ZW))}
    values = {
        (q.predicate.value, q.object.value)
        for q in quads
        if q.predicate.value != rdf_type
        and isinstance(q.object.value, str)
        and q.object.value.startswith(str(ZW))
        and type(q.object).__name__ == "NamedNode"
    }
    datatypes = {
        q.object.datatype.value
        for q in quads
        if type(q.object).__name__ == "Literal" and q.object.datatype.value.startswith(str(ZW))
    }
    assert predicates and classes
    assert predicates <= {str(p) for p in declared_props}, predicates - {str(p) for p in declared_props}
    assert classes <= {str(c) for c in declared_classes}, classes - {str(c) for c in declared_classes}
    assert datatypes <= {str(d) for d in _zw_terms(onto, RDFS.Datatype)}, datatypes
    wanted_for = {
        str(ZW.inheritedField): declared_props,
        "http://purl.org/linked-data/cube#structure": _zw_terms(onto, QB.DataStructureDefinition),
    }
    for predicate, value in values:
        assert URIRef(value) in wanted_for.get(predicate, declared_concepts), (predicate, value)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_builder_literals_match_declared_ranges(onto, path):
    """A zw: datatype property's literals carry the datatype its rdfs:range declares (a @zh
    literal for rdf:langString), so SPARQL filters and SHACL shapes written from the ontology
    match the data."""
    quads = _sample_quads(path)
    ranges = {str(p): str(onto.value(p, RDFS.range)) for p in _zw_terms(onto, OWL.DatatypeProperty)}
    wrong = set()
    for q in quads:
        expected = ranges.get(q.predicate.value)
        if expected is None:
            continue
        actual = str(RDF.langString) if q.object.language else q.object.datatype.value
        if actual != expected:
            wrong.add((q.predicate.value, actual))
    assert not wrong


def _domain_classes(onto: rdflib.Graph, prop: URIRef, axiom=RDFS.domain) -> set[str]:
    """The classes of a domain (or range): one class, or the members of an owl:unionOf."""
    domain = onto.value(prop, axiom)
    if isinstance(domain, URIRef):
        return {str(domain)}
    return {str(c) for c in Collection(onto, onto.value(domain, OWL.unionOf))}


def _superclasses(onto: rdflib.Graph, cls: str) -> set[str]:
    return {str(c) for c in onto.transitive_objects(URIRef(cls), RDFS.subClassOf)}


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_builder_respects_domains_ranges_and_functional_properties(onto, path):
    """Read with the ontology, the builder's triples never entail a wrong type: each zw:
    property's subject is typed with (a subclass of) its domain, each object of a zw:-class range
    is typed with that class, and a functional property has one value per subject."""
    quads = _sample_quads(path)
    rdf_type = str(RDF.type)
    types: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate.value == rdf_type:
            types.setdefault(q.subject.value, set()).update(_superclasses(onto, q.object.value))
    props = _zw_terms(onto, OWL.ObjectProperty) | _zw_terms(onto, OWL.DatatypeProperty)
    domains = {str(p): _domain_classes(onto, p) for p in props}
    ranges = {str(p): _domain_classes(onto, p, RDFS.range) for p in _zw_terms(onto, OWL.ObjectProperty)}
    functional = {str(p) for p in _zw_terms(onto, OWL.FunctionalProperty)}
    wrong, values = set(), {}
    for q in quads:
        predicate = q.predicate.value
        if predicate not in domains:
            continue
        if not types.get(q.subject.value, set()) & domains[predicate]:
            wrong.add(("domain", predicate))
        expected = {c for c in ranges.get(predicate, set()) if c.startswith(str(ZW))}
        if expected and not expected & types.get(q.object.value, set()):
            wrong.add(("range", predicate))
        if predicate in functional:
            values.setdefault((q.subject.value, predicate), set()).add(q.object)
    assert not wrong
    assert not {p for (_, p), objects in values.items() if len(objects) > 1}
