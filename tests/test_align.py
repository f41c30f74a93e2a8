"""Task alignment (align.py): 002 (湖北省人防办 2020 要点) and 004 (华龙区 2020 责任分工) both carry
out the State Council's 2020 key points, so their tasks must pair section by section; tasks that
share only the genre's boilerplate must not pair; alignments are stored in their own graph as
zw:Alignment nodes and follow reloads of ledgers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.compare.align import (
    ALIGNMENTS_GRAPH,
    METHOD,
    align_store,
    compare_ledgers,
    compute_alignments,
    stored_alignments,
    task_documents,
    words,
)
from zwgk.ontology import iris
from zwgk.pipeline import load_paths, remove_ledgers
from zwgk.store.embedded import LedgerStore

HUBEI, HUALONG, SHIQUAN, HUAINAN, HENAN = (
    "2020-314af18bf3",
    "2020-4bd17732d6",
    "2021-ab5383965a",
    "2024-e0e5bb0c5e",
    "undated-7c203e772c",
)

# 004 task → the 002 task it carries out (same item of the State Council's 2020 key points).
EXPECTED = {1: 1, 3: 1, 4: 2, 6: 3, 7: 5, 8: 5, 9: 5, 11: 5, 21: 8, 22: 8, 28: 15, 31: 16, 32: 17, 35: 19, 36: 19}
# Sections of the outline: 004 tasks → the 002 tasks of the corresponding section.
SECTIONS = [
    (range(1, 7), range(1, 5)),  # 一、用权公开 / 权力配置、决策、文件
    (range(7, 17), range(5, 8)),  # 二、“六稳”“六保”
    (range(17, 21), range(5, 8)),  # 三、营商环境
    (range(21, 28), range(8, 15)),  # 四、公共卫生 / 重点领域
    (range(28, 33), range(15, 18)),  # 五、政府信息公开条例 / 平台
    (range(33, 38), range(18, 21)),
]  # 六、保障措施


def _same_section(a: int, b: int) -> bool:
    return any(a in left and b in right for left, right in SECTIONS)


@pytest.fixture(scope="module")
def aligned(tmp_path_factory, sample_store):
    import shutil

    location = tmp_path_factory.mktemp("aligned") / "zwgk-data"
    shutil.copytree(sample_store, location)
    with LedgerStore.open(location) as store:
        report = align_store(store)
    return location, report


def _positions(alignments, docs):
    by = {d.iri: d for d in docs}
    out = []
    for x in alignments:
        s, t = by[x.source], by[x.target]
        if {s.ledger_id, t.ledger_id} == {HUBEI, HUALONG}:
            hualong, hubei = (s, t) if s.ledger_id == HUALONG else (t, s)
            out.append((hualong.position, hubei.position, x))
    return out


def test_002_and_004_pair_section_by_section(aligned):
    location, report = aligned
    with LedgerStore.open(location, read_only=True) as store:
        docs = task_documents(store)
        pairs = _positions(stored_alignments(store), docs)
    found = {(a, b) for a, b, _ in pairs}
    assert len(EXPECTED) >= 10
    assert {(a, b) for a, b in EXPECTED.items()} <= found
    correct = sum(1 for a, b in found if _same_section(a, b))
    assert len(found) == 20
    assert correct / len(found) >= 0.9  # measured: 19 of 20 (004#10 稳投资 → 002#4 政策解读 is wrong)
    # the district (县级) task is the source, the province's the target, as zw:source is defined
    assert all(x.source.startswith(iris.ledger(HUALONG)) for _, _, x in pairs)


def test_tasks_sharing_only_boilerplate_are_not_paired(aligned):
    location, _ = aligned
    with LedgerStore.open(location, read_only=True) as store:
        docs = task_documents(store)
        found = {(a, b) for a, b, _ in _positions(stored_alignments(store), docs)}
    hualong = {d.position: d for d in docs if d.ledger_id == HUALONG}
    hubei = {d.position: d for d in docs if d.ledger_id == HUBEI}
    # 004#21 (疫情信息发布) and 002#6 (政务服务信息公开) share 信息, 公开, 及时, 发布, 工作 and nothing else
    content = lambda d: set(words(d.text)) | set(words(d.heading or ""))  # noqa: E731
    assert content(hualong[21]) & content(hubei[6]) == set()
    for word in ("信息", "公开", "及时", "发布", "工作"):
        assert word in hualong[21].text and word in hubei[6].text
    assert (21, 6) not in found and (33, 6) not in found
    boilerplate_only = [(a, b) for a in hualong for b in hubei if not content(hualong[a]) & content(hubei[b])]
    assert len(boilerplate_only) == 421
    assert not set(boilerplate_only) & found


def test_alignments_are_stored_as_zw_alignment_nodes_in_their_graph(aligned):
    location, report = aligned
    assert (report.ledgers, report.tasks, len(report.alignments)) == (5, 297, 276)
    with LedgerStore.open(location, read_only=True) as store:
        rows = list(
            store.raw.query(f"""PREFIX zw: <{iris.ZW}>
            SELECT ?a ?s ?t ?score ?m WHERE {{ GRAPH <{ALIGNMENTS_GRAPH}> {{
              ?a a zw:Alignment ; zw:source ?s ; zw:target ?t ; zw:score ?score ; zw:method ?m }} }}""")
        )
        ledgers_graph = bool(
            store.raw.query(f"""PREFIX zw: <{iris.ZW}>
            ASK {{ GRAPH <{ALIGNMENTS_GRAPH}> {{ ?l a zw:Ledger }} }}""")
        )
    assert len(rows) == 276 and not ledgers_graph
    for row in rows:
        assert row["score"].datatype.value == "http://www.w3.org/2001/XMLSchema#decimal"
        assert Decimal("0.2") <= Decimal(row["score"].value) <= 1
        assert row["m"].value == METHOD
        assert row["s"].value.split("/task/")[0] != row["t"].value.split("/task/")[0]


def test_reloading_a_changed_ledger_recomputes_the_alignments(aligned, samples, tmp_path):
    import shutil

    location = tmp_path / "zwgk-data"
    shutil.copytree(aligned[0], location)
    changed = tmp_path / samples["004"].name
    text = samples["004"].read_text(encoding="utf-8")
    old = "要把政府信息公开条例作为落实领导干部学法制度的重要内容,并列入公务员初任培训必修课程,稳步提升政府工作人员的政务公开意识和能力。"
    assert text.count(old) == 1
    changed.write_text(text.replace(old, "组织开展消防安全演练"), encoding="utf-8")
    with LedgerStore.open(location) as store:
        before = {(a, b) for a, b, _ in _positions(stored_alignments(store), task_documents(store))}
        assert (35, 19) in before
        (summary,) = load_paths(store, [changed]).summaries
        assert (summary.id, summary.status) == (HUALONG, "replaced")
        docs = task_documents(store)
        after = {(a, b) for a, b, _ in _positions(stored_alignments(store), docs)}
        assert (35, 19) not in after and (28, 15) in after
        remove_ledgers(store, [HUBEI])
        assert not any(iris.ledger(HUBEI) in x.source + x.target for x in stored_alignments(store))


def test_compare_lists_pairs_only_a_only_b_and_lead_types(aligned):
    location, _ = aligned
    with LedgerStore.open(location, read_only=True) as store:
        comparison = compare_ledgers(store, a=HUALONG, b=SHIQUAN)
        computed = compare_ledgers(store, a=HUALONG, b=HUBEI)
    assert comparison.stored and len(comparison.pairs) == 54
    first = comparison.pairs[0]
    assert first.a.position == 1
    assert len(comparison.only_a) + len({p.a.iri for p in comparison.pairs}) == 37
    assert len(comparison.only_b) + len({p.b.iri for p in comparison.pairs}) == 150
    # 004#21 (区卫生健康委) ↔ 001#35 (卫健局): both led by the health type
    pair = next(p for p in comparison.pairs if (p.a.position, p.b.position) == (21, 35))
    assert pair.a.lead_types == pair.b.lead_types == ("卫生健康",) and pair.same_lead_type
    assert any(n > 0 for _, _, n in comparison.lead_type_changes)
    assert {(p.a.position, p.b.position) for p in computed.pairs} >= set(EXPECTED.items())
    assert all(p.b.lead_types == () for p in computed.pairs)  # the 2020 key points name no lead units


def test_cli_align_and_compare(aligned, tmp_path):
    import shutil

    location = tmp_path / "zwgk-data"
    shutil.copytree(aligned[0], location)
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(location), "align", "--min-score", "0.5"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("24 alignments among 297 tasks of 5 ledgers (min score 0.5")
    result = runner.invoke(main, ["--store", str(location), "compare", HUALONG, HUBEI])
    assert result.exit_code == 0, result.output
    assert "aligned pairs / 对应任务: 6" in result.output
    assert "0.911  A#28 正确执行关于主动公开的新规定" in result.output
    result = runner.invoke(main, ["--store", str(location), "compare", HUALONG, "no-such-ledger"])
    assert result.exit_code == 2 and "no-such-ledger" in result.output


def test_scores_are_symmetric_in_the_order_of_ledgers(aligned):
    location, _ = aligned
    with LedgerStore.open(location, read_only=True) as store:
        docs = task_documents(store)
    forward = compute_alignments(docs)
    backward = compute_alignments(list(reversed(docs)))
    assert {(x.source, x.target, x.score) for x in forward} == {(x.source, x.target, x.score) for x in backward}
