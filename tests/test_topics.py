"""Topics of tasks (analysis/topics.py, analysis/data/topic-rules.json, ontology/topics.ttl): the
scheme is complete and bilingual, the rules only name its concepts, and the sample tasks of all
five ledgers get the topics a reader of the ledger would give them — end to end through the store."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pyoxigraph import RdfFormat, parse

from zwgk import resources
from zwgk.analysis.topics import classify, rules
from zwgk.store.embedded import LedgerStore

TP = "https://w3id.org/zwgk/topic#"
SCHEME = "https://w3id.org/zwgk/topic"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HUBEI, HUALONG, SHIQUAN, HUAINAN, HENAN = (
    "2020-314af18bf3",
    "2020-4bd17732d6",
    "2021-ab5383965a",
    "2024-e0e5bb0c5e",
    "undated-7c203e772c",
)

# (ledger, task position) → topics the task must have (local names in ontology/topics.ttl).
EXPECTED = {
    (HENAN, 1): {"Leadership"},
    (HENAN, 4): {"Assessment"},
    (HENAN, 5): {"Training"},
    (HENAN, 7): {"Staffing"},
    (HENAN, 9): {"Funding"},
    (HENAN, 13): {"ReleaseReview"},
    (HENAN, 21): {"OpinionMonitoring"},
    (HENAN, 30): {"NewMedia"},
    (HENAN, 36): {"RequestHandling"},
    (HENAN, 46): {"ServicePlatform"},
    (HENAN, 48): {"PressRelease", "InterpretationForms"},
    (HENAN, 58): {"ConcernResponse"},
    (HENAN, 65): {"Interaction"},
    (HENAN, 67): {"DecisionDisclosure"},
    (HUAINAN, 2): {"Livelihood"},
    (HUAINAN, 4): {"DecisionDisclosure"},
    (HUAINAN, 5): {"Interaction"},
    (HUAINAN, 7): {"PublicEnterprises"},
    (HUAINAN, 8): {"InterpretationSync"},
    (HUAINAN, 12): {"GovernmentWebsite", "NewMedia"},
    (HUAINAN, 15): {"ReleaseReview"},
    (HUAINAN, 19): {"Training"},
    (HUAINAN, 22): {"Assessment"},
    (HUALONG, 1): {"PowersFunctions"},
    (HUALONG, 5): {"Standardisation"},
    (HUALONG, 6): {"RegulationsDocuments"},
    (HUALONG, 7): {"EconomicPolicy"},
    (HUALONG, 17): {"BusinessEnvironment"},
    (HUALONG, 19): {"ServiceItems"},
    (HUALONG, 21): {"PublicHealth"},
    (HUALONG, 27): {"Privacy", "PublicHealth"},
    (HUALONG, 31): {"RequestHandling"},
    (HUALONG, 34): {"Staffing"},
    (HUALONG, 37): {"Assessment"},
    (HUBEI, 1): {"PowersFunctions"},
    (HUBEI, 2): {"DecisionDisclosure"},
    (HUBEI, 9): {"KeyCampaigns"},
    (HUBEI, 11): {"FiscalBudget"},
    (HUBEI, 14): {"DisclosureAnnualReport"},
    (HUBEI, 16): {"RequestHandling"},
    (HUBEI, 17): {"GovernmentWebsite", "NewMedia"},
    (HUBEI, 19): {"Training"},
    (HUBEI, 20): {"Assessment"},
    (SHIQUAN, 2): {"MeetingsDisclosure"},
    (SHIQUAN, 11): {"AuditInspection"},
    (SHIQUAN, 14): {"LawEnforcement"},
    (SHIQUAN, 25): {"ProposalsHandling"},
    (SHIQUAN, 27): {"FiscalBudget"},
    (SHIQUAN, 29): {"MajorProjects"},
    (SHIQUAN, 30): {"PublicResources"},
    (SHIQUAN, 31): {"PublicWelfare"},
    (SHIQUAN, 44): {"GuideCatalogue"},
    (SHIQUAN, 51): {"RequestChannels"},
    (SHIQUAN, 56): {"ReviewLitigation"},
    (SHIQUAN, 63): {"InterpretationSync"},
    (SHIQUAN, 66): {"ConcernResponse"},
    (SHIQUAN, 71): {"Interaction"},
    (SHIQUAN, 106): {"ServiceEvaluation"},
    (SHIQUAN, 115): {"WebsiteAnnualReport"},
    (SHIQUAN, 124): {"GovernmentWebsite"},
    (SHIQUAN, 136): {"NewMedia"},
    (SHIQUAN, 141): {"Staffing"},
    (SHIQUAN, 143): {"Funding"},
    (SHIQUAN, 145): {"Assessment"},
    (SHIQUAN, 148): {"Standardisation"},
}

# Topics a task must NOT get: words that only look like the topic.
NOT_EXPECTED = {
    (SHIQUAN, 39): {"Training"},  # 就业创业…技能培训 is job training, not training of openness staff
    (HUAINAN, 6): {"Livelihood"},  # only its outer heading (…保障民生抓好主动公开) mentions 民生
    (SHIQUAN, 143): {"FiscalBudget"},  # 经费纳入年度财政预算 is funding, not budget disclosure
}

TOPICS_QUERY = """PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?position ?topic ?rule WHERE {
  ?ledger dcterms:identifier ?id ; zw:task ?task . ?task zw:position ?position .
  OPTIONAL { ?task zw:topic ?topic } OPTIONAL { ?task zw:topicRule ?rule }
}"""


@pytest.fixture(scope="module")
def scheme():
    quads = list(parse(resources.read_text("ontology", "topics.ttl"), format=RdfFormat.TURTLE))
    triples: dict[tuple[str, str], list] = {}
    for q in quads:
        triples.setdefault((q.subject.value, q.predicate.value), []).append(q.object)
    return triples


@pytest.fixture(scope="module")
def stored(sample_store):
    topics: dict[tuple[str, int], set[str]] = {}
    rules_fired: dict[tuple[str, int], set[str]] = {}
    with LedgerStore.open(sample_store, read_only=True) as store:
        for row in store.query(TOPICS_QUERY):
            key = (row["id"].value, int(row["position"].value))
            topics.setdefault(key, set())
            rules_fired.setdefault(key, set())
            if row["topic"] is not None:
                topics[key].add(row["topic"].value.removeprefix(TP))
            if row["rule"] is not None:
                rules_fired[key].add(row["rule"].value)
    return topics, rules_fired


def _concepts(scheme) -> set[str]:
    return {s for (s, p), objs in scheme.items() if p == SKOS + "inScheme" and any(o.value == SCHEME for o in objs)}


def test_scheme_has_two_levels_bilingual_labels_and_definitions(scheme):
    concepts = _concepts(scheme)
    tops = {o.value for o in scheme[(SCHEME, SKOS + "hasTopConcept")]}
    assert len(tops) == 11 and len(concepts) == 57
    for concept in concepts:
        labels = scheme[(concept, SKOS + "prefLabel")]
        assert sorted(lbl.language for lbl in labels) == ["en", "zh"], concept
        assert sorted(d.language for d in scheme[(concept, SKOS + "definition")]) == ["en", "zh"], concept
        broader = [o.value for o in scheme.get((concept, SKOS + "broader"), [])]
        assert (concept in tops) != bool(broader), concept
        assert all(b in tops for b in broader), concept  # exactly two levels


def test_scheme_covers_the_areas_of_the_issue(scheme):
    labels = {
        lbl.value for (s, p), objs in scheme.items() if p in (SKOS + "prefLabel", SKOS + "altLabel") for lbl in objs
    }
    for needed in (
        "组织领导",
        "机构队伍",
        "经费保障",
        "考核培训",
        "制度建设",
        "政府网站",
        "政务新媒体",
        "政务服务平台与大厅",
        "主动公开",
        "财政预决算",
        "重大建设项目",
        "公共资源配置",
        "社会公益事业",
        "民生",
        "疫情与公共卫生",
        "执法与双随机",
        "规章与规范性文件",
        "权责清单与机构职能",
        "建议提案办理",
        "依申请公开",
        "政策解读",
        "舆情回应",
        "公众参与",
        "决策公开",
        "政务服务公开",
        "营商环境",
        "年度报告",
        "监督考核",
    ):
        assert needed in labels, needed


def test_rules_name_concepts_of_the_scheme_and_have_unique_ids(scheme):
    concepts = _concepts(scheme)
    ids = [r.id for r in rules()]
    assert len(ids) == len(set(ids)) == 51
    assert {r.topic for r in rules()} <= concepts
    data = json.loads(resources.read_text("analysis", "data", "topic-rules.json"))
    assert all(set(raw) <= {"id", "topic", "in", "any", "all", "none"} for raw in data["rules"])


def test_sample_tasks_get_their_topics(stored):
    topics, _ = stored
    assert len(EXPECTED) >= 40
    assert len({lid for lid, _ in EXPECTED}) == 5
    missing = {
        key: want - topics.get(key, set()) for key, want in EXPECTED.items() if not want <= topics.get(key, set())
    }
    assert missing == {}


def test_look_alike_words_do_not_give_a_topic(stored):
    topics, _ = stored
    for key, unwanted in NOT_EXPECTED.items():
        assert not unwanted & topics[key], (key, topics[key])


def test_the_rule_that_fired_is_recorded(stored):
    topics, fired = stored
    assert "fiscal" in fired[(HUBEI, 11)]
    assert "guide-catalogue" in fired[(SHIQUAN, 44)]
    assert fired[(HENAN, 9)] == {"funding"} and topics[(HENAN, 9)] == {"Funding"}
    # every task with a topic has at least one rule, and no rule without a topic
    assert all(bool(topics[k]) == bool(fired[k]) for k in topics)


def test_nearly_every_sample_task_has_a_topic(stored):
    topics, _ = stored
    assert len(topics) == 297
    assert [k for k, v in topics.items() if not v] == [(SHIQUAN, 60)]  # 提供原文网址链接。


def test_indicator_rules_read_the_nearest_heading_first():
    hits = classify("落实政务公开工作经费", indicators=("组织领导", "加强经费保障"))
    assert [(h.topic.removeprefix(TP), h.rule, h.where) for h in hits] == [("Funding", "funding", "text")]
    hits = classify("设置依申请公开栏目。", indicators=("一、政府信息公开", "(二)依申请公开", "栏目设置"))
    assert {h.topic.removeprefix(TP) for h in hits} == {"RequestHandling"}
    # a term must start or end on a jieba word boundary: 民生 does not fire inside 国民|生产
    assert "Livelihood" not in {h.topic.removeprefix(TP) for h in classify("公开国民生产总值统计")}


def test_importing_topics_does_not_load_jieba():
    code = (
        "import zwgk.analysis.topics, zwgk.ontology.builder, zwgk.compare.align, zwgk.compare.report; "
        "from zwgk.analysis import lexicon; import sys; "
        "print(lexicon.is_loaded(), 'jieba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_word_edges_read_from_runs_are_those_of_the_whole_text():
    """jieba is asked only for the run around a term (``Words.edge``): at every offset the
    answer is the one the words of the whole text give, across punctuation, spaces, Latin
    letters and digits, CR LF, and the terms that hold a 、."""
    from zwgk.analysis.lexicon import cut
    from zwgk.analysis.topics import Words

    texts = [
        "公开国民生产总值统计",
        "按照“谁起草、谁解读”原则，做好政策解读\r\n及时回应关切。",
        "2021年GDP增长6.5%，民生支出占比80%以上 (含 COVID-19 防控)",
        "\r\r\n  加强指导、监督、检查\t督查、审计公开",
        "",
    ]
    for text in texts:
        edges, offset = {0}, 0
        for word in cut(text):
            offset += len(word)
            edges.add(offset)
        words = Words.of(text)
        assert [i for i in range(len(text) + 1) if words.edge(i)] == sorted(edges), text
