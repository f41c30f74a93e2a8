"""Units and agencies: splitting real unit cells of the samples, reading role markers, resolving
short names within the jurisdiction, groups and functional types; and the graph after loading
the 003 and 004 samples end to end."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import RdfFormat, parse

from zwgk.analysis.agencies import agency_type, resolve_agency, split_units
from zwgk.model import Role
from zwgk.resources import package_file, read_text

AT = "https://w3id.org/zwgk/agency-type#"


def units(cell: str, role: Role = Role.LEAD) -> list[tuple[str, str]]:
    return [(m.name, m.role.value) for m in split_units(cell, role=role)]


# Real cells (004 华龙区, 001 石泉县, 000 河南人防, 003 淮南残联) and what they name.
CELLS = [
    ("区委编办 区政务服务和大数据管理局", ["区委编办", "区政务服务和大数据管理局"]),  # space between names
    ("区工业和信息化 局", ["区工业和信息化局"]),  # PDF line wrap inside a name
    ("区人力资源和 社会保障局", ["区人力资源和社会保障局"]),
    ("区市场监管局 区工业和信息化 局", ["区市场监管局", "区工业和信息化局"]),
    ("区农业农村局 区粮食局 区发展改革委", ["区农业农村局", "区粮食局", "区发展改革委"]),
    ("区政府各部门 各乡镇(街道)", ["区政府各部门", "各乡镇（街道）"]),
    ("民政局司法局", ["民政局", "司法局"]),  # no separator at all
    ("教体科技局 公安局 民政局司法局 财政局", ["教体科技局", "公安局", "民政局", "司法局", "财政局"]),
    ("县政府各部门  直属机构", ["县政府各部门", "直属机构"]),
    ("各镇\n政府各工作部  门\n\n直属机构", ["各镇", "政府各工作部门", "直属机构"]),
    ("考核办 政府办", ["考核办", "政府办"]),
    ("指挥通信处\n指挥信息保障中心", ["指挥通信处", "指挥信息保障中心"]),
    ("各涉事\n处室（单位）", ["各涉事处室（单位）"]),
    ("会议承办处室\n（单位）", ["会议承办处室（单位）"]),
    ("相关业务科室、办公室", ["相关业务科室", "办公室"]),
    ("区委编办", ["区委编办"]),
]


@pytest.mark.parametrize(("cell", "names"), CELLS)
def test_split_real_cells(cell, names):
    assert [name for name, _ in units(cell)] == names


def test_role_markers_override_the_column():
    assert units("办公室牵头,各科室配合") == [("办公室", "lead"), ("各科室", "cooperating")]
    assert units("秘书处配合") == [("秘书处", "cooperating")]
    assert units("相关处室（单位）\n\n配合") == [("相关处室（单位）", "cooperating")]
    assert units("指挥通信处\n配合") == [("指挥通信处", "cooperating")]
    assert units("财政局（牵头）", Role.RESPONSIBLE) == [("财政局", "lead")]
    assert units("区卫生健康委 各乡镇（街道）", Role.RESPONSIBLE) == [
        ("区卫生健康委", "responsible"),
        ("各乡镇（街道）", "responsible"),
    ]


# Cells of the real ledgers in ../shared/corpus (gold conventions: 牵头/主办 units lead, the other
# units of such a cell responsible, 配合/协办 co-operating; no 牵头 in the cell: the column's role;
# never split inside brackets; verbs, 等 and what follows a marker are not part of names).
L, R, C = "lead", "responsible", "cooperating"
CORPUS_CELLS = [
    ("财政所、便民综合服务中心、土管所等", Role.LEAD, [("财政所", L), ("便民综合服务中心", L), ("土管所", L)]),
    (
        "市政府办公室、市有关单位(见附件1,下同),各县(市、区)人民政府(管委会)负责",
        Role.LEAD,
        [("市政府办公室", L), ("市有关单位（见附件1,下同）", L), ("各县（市、区）人民政府（管委会）", L)],
    ),
    (
        "市政府办公室、市有关单位(见附件1,下同),各县(市、区)人民政府(管委会)负责",
        Role.RESPONSIBLE,
        [("市政府办公室", R), ("市有关单位（见附件1,下同）", R), ("各县（市、区）人民政府（管委会）", R)],
    ),
    (
        "市法制局牵头,市有关单位,各县(市、区)人民政府(管委会)负责",
        Role.LEAD,
        [("市法制局", L), ("市有关单位", R), ("各县（市、区）人民政府（管委会）", R)],
    ),
    (
        "市发改委、市税务局等市有关单位,各县(市、区)政府",
        Role.LEAD,
        [("市发改委", L), ("市税务局", L), ("市有关单位", L), ("各县（市、区）政府", L)],
    ),
    ("各县（市、区）政府", Role.LEAD, [("各县（市、区）政府", L)]),
    ("办公室牵头,其他股室及属下单位配合", Role.LEAD, [("办公室", L), ("其他股室及属下单位", C)]),
    ("其他股室及属下单位", Role.LEAD, [("其他股室及属下单位", L)]),
    (
        "区司法局牵头区级规范性文件集中公开工作,区各行政规范性文件制定主体具体落实;"
        "各成员单位负责做好本单位行政规范性文件集中公开工作",
        Role.LEAD,
        [("区司法局", L), ("区各行政规范性文件制定主体", R), ("各成员单位", R)],
    ),
    ("各科室、医疗保障事业管理中心按职责分工落实", Role.LEAD, [("各科室", L), ("医疗保障事业管理中心", L)]),
    (
        "办公室、法规和基金监管科、医保中心按职责分工落",
        Role.LEAD,  # cut off mid-verb
        [("办公室", L), ("法规和基金监管科", L), ("医保中心", L)],
    ),
    ("海事局等按职责分工负责", Role.RESPONSIBLE, [("海事局", R)]),
    ("市税务局等市有关单位", Role.LEAD, [("市税务局", L), ("市有关单位", L)]),
    ("市财政局等部门", Role.LEAD, [("市财政局", L)]),
    ("局防控办主办、各工作组协办", Role.LEAD, [("局防控办", L), ("各工作组", C)]),
    ("局主办科室", Role.LEAD, [("局主办科室", L)]),
    ("省编办 (省审改办)", Role.LEAD, [("省编办（省审改办）", L)]),
    (
        "广电旅游和公共服务股(行政审批服务股)牵头,办公室配合",
        Role.LEAD,
        [("广电旅游和公共服务股（行政审批服务股）", L), ("办公室", C)],
    ),
    (
        "綜合規(guī)劃司牽頭,各有關(guān)司局按職責分工負責",
        Role.LEAD,
        [("綜合規(guī)劃司", L), ("各有關(guān)司局", R)],
    ),
    (
        "政策研究室牽頭,綜合規(guī)劃司、公路局、海事局等按職責分工負責",
        Role.LEAD,
        [("政策研究室", L), ("綜合規(guī)劃司", R), ("公路局", R), ("海事局", R)],
    ),
    ("辦公室負責、各科室協辦", Role.LEAD, [("辦公室", L), ("各科室", C)]),
    ("財務科配合", Role.LEAD, [("財務科", C)]),
    ("办公室 财务科 人事科", Role.LEAD, [("办公室", L), ("财务科", L), ("人事科", L)]),
    ("区工业和信息 化局", Role.LEAD, [("区工业和信息化局", L)]),
    ("区司法局牵头区级规范性文件清理结果公开工作,有", Role.LEAD, [("区司法局", L)]),  # cut off
    ("各单位负责人", Role.LEAD, [("各单位负责人", L)]),
]


@pytest.mark.parametrize(("cell", "column", "expected"), CORPUS_CELLS)
def test_split_corpus_cells(cell, column, expected):
    assert units(cell, column) == expected


def test_names_as_printed():
    """``name`` writes structural brackets full-width; ``raw`` is the name exactly as printed
    (brackets, glosses, traditional characters), whitespace and markers removed."""
    [mention] = split_units("省编办 (省审改办)", role=Role.LEAD)
    assert (mention.name, mention.raw, mention.note) == ("省编办（省审改办）", "省编办(省审改办)", None)
    [mention] = split_units("綜合規(guī)劃司牽頭", role=Role.RESPONSIBLE)
    assert (mention.name, mention.raw, mention.role) == ("綜合規(guī)劃司", "綜合規(guī)劃司", Role.LEAD)
    [mention] = split_units("各县（市、区）人民政府", role=Role.LEAD)
    assert mention.raw == "各县（市、区）人民政府" and mention.is_group
    assert split_units("各有關(guān)司局按職責分工負責", role=Role.LEAD)[0].is_group


def test_the_printed_name_is_a_label_of_the_agency():
    from zwgk.model import LedgerRecord, TaskRecord, UnitCell
    from zwgk.ontology.builder import build_ledger

    cells = [
        UnitCell(text="省编办 (省审改办)", role=Role.LEAD, line=2),
        UnitCell(text="省直各部门,各设区市", role=Role.RESPONSIBLE, line=2),
    ]
    record = LedgerRecord(
        source_path=package_file("analysis", "data", "agencies.json"),
        source_file="fujian.txt",
        sha256="0" * 64,
        layout="test",
        title="2015年政府信息公开工作主要任务分解表",
        issuer="福建省人民政府办公厅",
        jurisdiction="福建省",
        year=2015,
        tasks=[TaskRecord(text="政府工作部门行政审批项目取消、下放信息公开", line=2, units=cells)],
    )
    labels = {}
    for quad in build_ledger(record).quads:
        if quad.predicate.value.endswith(("#prefLabel", "#altLabel")):
            labels.setdefault(quad.subject.value, set()).add(quad.object.value)
    [edit] = [found for found in labels.values() if "省编办(省审改办)" in found]
    assert {"省编办（省审改办）", "福建省机构编制委员会办公室（省审改办）"} <= edit


def test_parenthesised_notes():
    [mention] = split_units("区财政局（负责资金保障）", role=Role.LEAD)
    assert (mention.name, mention.note) == ("区财政局", "负责资金保障")
    [mention] = split_units("各处室（单位）", role=Role.LEAD)
    assert (mention.name, mention.note) == ("各处室（单位）", None)


@pytest.mark.parametrize(
    "name",
    [
        "各镇",
        "县政府各部门",
        "直属机构",
        "各乡镇（街道）",
        "区政府有关部门",
        "各处室",
        "相关业务科室",
        "各涉事处室（单位）",
    ],
)
def test_collective_designations_are_groups(name):
    assert split_units(name, role=Role.LEAD)[0].is_group
    assert resolve_agency(name, jurisdiction="石泉县", issuer="石泉县人民政府办公室").is_group


@pytest.mark.parametrize("name", ["区财政局", "秘书处", "办公室", "政府办", "指挥信息保障中心", "区委编办"])
def test_single_bodies_are_not_groups(name):
    assert not split_units(name, role=Role.LEAD)[0].is_group


SHIQUAN = {"jurisdiction": "石泉县", "issuer": "石泉县人民政府办公室"}
HUALONG = {"jurisdiction": "华龙区", "issuer": "濮阳市华龙区人民政府办公室"}
HENAN_RF = {"jurisdiction": "河南省", "issuer": "河南省人民防空办公室"}
HUAINAN_CL = {"jurisdiction": "淮南市", "issuer": "淮南市残疾人联合会"}

RESOLVED = [
    ("政府办", SHIQUAN, "石泉县人民政府办公室", "GeneralOffice"),
    ("县政府办", SHIQUAN, "石泉县人民政府办公室", "GeneralOffice"),
    ("财政局", SHIQUAN, "石泉县财政局", "Finance"),
    ("县财政局", SHIQUAN, "石泉县财政局", "Finance"),
    ("石泉县财政局", SHIQUAN, "石泉县财政局", "Finance"),
    ("人社局", SHIQUAN, "石泉县人力资源和社会保障局", "HumanResourcesSocialSecurity"),
    ("卫健局", SHIQUAN, "石泉县卫生健康局", "Health"),
    ("市场监管局", SHIQUAN, "石泉县市场监督管理局", "MarketRegulation"),
    ("发改局", SHIQUAN, "石泉县发展和改革局", "DevelopmentReform"),
    ("司法局", SHIQUAN, "石泉县司法局", "Justice"),
    ("民政局", SHIQUAN, "石泉县民政局", "CivilAffairs"),
    ("应急管理局", SHIQUAN, "石泉县应急管理局", "EmergencyManagement"),
    ("行政审批服务局", SHIQUAN, "石泉县行政审批服务局", "GovernmentServicesBigData"),
    ("教体科技局", SHIQUAN, "石泉县教育体育和科技局", "Education"),
    ("文旅广电局", SHIQUAN, "石泉县文旅广电局", "CultureTourism"),
    ("退役军人事务局", SHIQUAN, "石泉县退役军人事务局", "Veterans"),
    ("生态环境分局", SHIQUAN, "石泉县生态环境分局", "EcologyEnvironment"),
    ("各镇", SHIQUAN, "各镇", "Township"),
    ("区财政局", HUALONG, "华龙区财政局", "Finance"),
    ("区委编办", HUALONG, "华龙区委机构编制委员会办公室", "Establishment"),
    ("区委组织部", HUALONG, "华龙区委组织部", "Organisation"),
    ("区政府办公室", HUALONG, "华龙区人民政府办公室", "GeneralOffice"),
    ("濮阳市华龙区人民政府办公室", HUALONG, "华龙区人民政府办公室", "GeneralOffice"),
    ("区政务服务和大数据管理局", HUALONG, "华龙区政务服务和大数据管理局", "GovernmentServicesBigData"),
    ("区卫生健康委", HUALONG, "华龙区卫生健康委员会", "Health"),
    ("省财政厅", HUALONG, "河南省财政厅", "Finance"),
    ("秘书处", HENAN_RF, "河南省人民防空办公室秘书处", "InternalDivision"),
    ("人事处", HENAN_RF, "河南省人民防空办公室人事处", "InternalDivision"),
    ("河南省人民防空办公室", HENAN_RF, "河南省人民防空办公室", "CivilAirDefence"),
    ("办公室", HUAINAN_CL, "淮南市残疾人联合会办公室", "InternalDivision"),
    ("淮南市残疾人联合会", HUAINAN_CL, "淮南市残疾人联合会", "DisabledPersonsFederation"),
]


@pytest.mark.parametrize(("name", "where", "label", "kind"), RESOLVED)
def test_resolve_within_the_jurisdiction(name, where, label, kind):
    resolved = resolve_agency(name, **where)
    assert (resolved.label, resolved.agency_type) == (label, AT + kind)


def test_住建局_is_a_body_of_its_county_under_every_spelling():
    """住房和城乡建设局 ends in 乡 after the county's name, which once read as a township
    住房和城乡: the full name then lost its county, split from the short form's key, and was
    typed from 建设局 alone."""
    spellings = ["住建局", "县住建局", "石泉县住建局", "石泉县住房和城乡建设局", "住房和城乡建设局"]
    resolved = {resolve_agency(s, **SHIQUAN) for s in spellings}
    assert {(r.key, r.label, r.agency_type) for r in resolved} == {
        ("石泉县住房和城乡建设局", "石泉县住房和城乡建设局", AT + "HousingUrbanRural")
    }


def test_every_spelling_meets_on_one_key():
    spellings = ["政府办", "县政府办", "政府办公室", "石泉县政府办", "石泉县人民政府办公室"]
    assert {resolve_agency(s, **SHIQUAN).key for s in spellings} == {"石泉县人民政府办公室"}


def test_two_bodies_divisions_never_merge():
    henan = resolve_agency("秘书处", jurisdiction="河南省", issuer="河南省人民防空办公室")
    other = resolve_agency("秘书处", jurisdiction="河南省", issuer="河南省财政厅")
    assert henan.key != other.key


def test_every_type_is_a_concept_of_the_shipped_scheme():
    triples = list(parse(package_file("ontology", "agency-types.ttl").read_bytes(), format=RdfFormat.TURTLE))
    labels = {}
    for t in triples:
        if t.predicate.value.endswith("prefLabel"):
            labels.setdefault(t.subject.value, set()).add(t.object.language)
    table = json.loads(read_text("analysis", "data", "agency-types.json"))
    for entry in table["types"]:
        assert labels[AT + entry["type"]] == {"zh", "en"}
    assert len(table["types"]) >= 30
    assert agency_type("石泉县城关镇") == AT + "Township"
    assert agency_type("某某联络站") == AT + "Other"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, samples):
    from zwgk.pipeline import load_paths
    from zwgk.store.embedded import LedgerStore

    location = tmp_path_factory.mktemp("agencies") / "store"
    with LedgerStore.open(location) as store:
        load_paths(store, [samples["003"], samples["004"]])
    store = LedgerStore.open(location, read_only=True)
    yield store
    store.close()


PREFIXES = """PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def test_agencies_by_type_across_jurisdictions(loaded):
    rows = loaded.query(
        PREFIXES
        + """
        SELECT ?type ?jur ?label WHERE {
          VALUES ?kind { zw:Agency zw:AgencyGroup }  # a group (各乡镇) is a set of bodies, not one
          ?a a ?kind ; skos:prefLabel ?label ; zw:agencyType ?t ; zw:jurisdiction/skos:prefLabel ?jur .
          ?t skos:prefLabel ?type . FILTER(lang(?type) = "en")
        }"""
    )
    found = {(r["type"].value, r["jur"].value, r["label"].value) for r in rows}
    assert ("finance", "华龙区", "华龙区财政局") in found
    assert ("establishment office", "华龙区", "华龙区委机构编制委员会办公室") in found
    assert ("internal division", "淮南市", "淮南市残疾人联合会办公室") in found
    assert ("disabled persons' federation", "淮南市", "淮南市残疾人联合会") in found
    assert ("township or street", "华龙区", "各乡镇（街道）") in found
    assert len({label for _, jur, label in found if jur == "华龙区"}) == 19


def test_one_agency_per_body_with_its_spellings(loaded):
    rows = loaded.query(
        PREFIXES
        + """
        SELECT ?alt WHERE { ?a skos:prefLabel "华龙区人民政府办公室"@zh ; skos:altLabel ?alt }"""
    )
    assert {r["alt"].value for r in rows} == {"区政府办公室", "濮阳市华龙区人民政府办公室"}
    rows = list(
        loaded.query(
            PREFIXES
            + """
        SELECT ?a WHERE { ?a skos:prefLabel "华龙区工业和信息化局"@zh }"""
        )
    )
    assert len(rows) == 1


def test_groups_and_roles_from_markers(loaded):
    rows = loaded.query(
        PREFIXES
        + """
        SELECT ?label ?role WHERE {
          ?o a zw:Obligation ; zw:bearer ?a ; zw:role ?role . ?a a zw:AgencyGroup ; skos:prefLabel ?label }"""
    )
    found = {(r["label"].value, r["role"].value.split("#")[1]) for r in rows}
    assert ("淮南市残疾人联合会各科室", "CooperatingRole") in found
    assert ("华龙区政府各部门", "ResponsibleRole") in found


def test_requirements_and_in_text_deadlines_in_the_graph(loaded):
    rows = list(
        loaded.query(
            PREFIXES
            + """
        SELECT ?jur ?number ?kind ?value ?unit ?per WHERE {
          ?task zw:requirement ?r ; zw:number ?number ; zw:ledger/zw:jurisdiction/skos:prefLabel ?jur .
          ?r zw:requirementKind ?kind ; zw:value ?value ; zw:unit ?unit ; zw:per ?per }"""
        )
    )
    assert [
        (
            r["jur"].value,
            r["number"].value,
            r["kind"].value.split("#")[1],
            r["value"].value,
            r["unit"].value,
            r["per"].value,
        )
        for r in rows
    ] == [("淮南市", "26", "Frequency", "1", "次", "年")]
    rows = loaded.query(
        PREFIXES
        + """
        SELECT ?text ?due WHERE { ?d a zw:Deadline ; zw:inText true ; zw:deadlineText ?text ; zw:dueDate ?due }"""
    )
    assert sorted((r["text"].value, r["due"].value) for r in rows) == [
        ("10月底前", "2020-10-31"),
        ("2020年11月底前", "2020-11-30"),
        ("2020年9月底前", "2020-09-30"),
        ("2020年底前", "2020-12-31"),
    ]


def test_the_shiquan_cell_of_nineteen_departments():
    # Task 148 of examples/ledgers/shiquan-2021-renwu-fenjie.txt: one cell, spaces, line breaks
    # and one pair written together (民政局司法局).
    cell = "发改局\n教体科技局 公安局 民政局司法局 财政局\n人社局 住建局\n自然资源局\n水利局 卫健局\n 应急管理局\n文旅广电局\n扶贫局 林业局\n市场监管局\n农业农村局\n生态环境分局\n税务局"
    labels = [resolve_agency(m.name, **SHIQUAN).label for m in split_units(cell, role=Role.RESPONSIBLE)]
    assert len(labels) == 19 and len(set(labels)) == 19
    assert labels[:6] == [
        "石泉县发展和改革局",
        "石泉县教育体育和科技局",
        "石泉县公安局",
        "石泉县民政局",
        "石泉县司法局",
        "石泉县财政局",
    ]


def _ledger_files():
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    corpus = sorted((tests / "data" / "corpus").glob("*/ledgers/*"))
    return sorted((tests.parent / "examples" / "ledgers").iterdir()) + corpus


@pytest.mark.parametrize("path", _ledger_files(), ids=lambda p: p.name)
def test_agency_jurisdictions_are_gazetteer_divisions_or_the_ledgers_own(path):
    """Every agency of the five samples and the development corpus belongs to a GB/T 2260
    division (its code in the gazetteer) or to the ledger's own jurisdiction: never a place made
    from the front of an agency name (住房和城乡 of 石泉县住房和城乡建设局)."""
    from zwgk.analysis.jurisdictions import division
    from zwgk.loaders import read_ledger
    from zwgk.ontology.builder import build_ledger

    zw = "https://w3id.org/zwgk/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    quads = build_ledger(read_ledger(path)).quads
    types: dict[str, set[str]] = {}
    jurisdiction: dict[str, str] = {}
    codes: dict[str, str] = {}
    for q in quads:
        subject, predicate, value = q.subject.value, q.predicate.value, q.object.value
        if predicate == rdf_type:
            types.setdefault(subject, set()).add(value)
        elif predicate == zw + "jurisdiction":
            jurisdiction[subject] = value
        elif predicate == zw + "divisionCode":
            codes[subject] = value
    (ledger,) = [s for s, t in types.items() if zw + "Ledger" in t]
    own = jurisdiction.get(ledger)
    agencies = [s for s, t in types.items() if t & {zw + "Agency", zw + "AgencyGroup"}]
    outside = {
        a: jurisdiction.get(a)
        for a in agencies
        if jurisdiction.get(a) != own and division(codes.get(jurisdiction.get(a), "")) is None
    }
    assert outside == {}
