"""Alignment at the scale of a province (compare/align.py, compare/index.py): counties copy their
province's template, so near-identical ledgers are the normal case. Made here from a real sample
(tests/county_ledgers.py: 石泉县's first 40 tasks, renamed to 20 counties of 河南省, and 河南省's
own copy as the template): aligning them stores links linear in the number of tasks, one
cluster per template task holding every copy; one more county loaded into the aligned store is
aligned alone, against the index, and a removed county takes its links and memberships with it.
On the samples, clusters group the implementations of the same 2020 national key point."""

from __future__ import annotations

import shutil

import pytest
from county_ledgers import henan_counties, template_rows, write_counties, write_ledger

from zwgk.compare.align import (
    DEFAULT_MAX_LINKS,
    align_store,
    compare_ledgers,
    refresh_alignments,
    stored_alignments,
    stored_clusters,
    task_documents,
)
from zwgk.compare.index import INDEX_FILE
from zwgk.ontology import iris
from zwgk.pipeline import load_paths, remove_ledgers
from zwgk.queries import saved as sparql
from zwgk.store.embedded import LedgerStore

COUNTIES = 20
TASKS = 40
SKIPS = {0: frozenset({5}), 1: frozenset({5, 12})}
"""The first county leaves out the template's row 5, the second rows 5 and 12."""
HUBEI, HUALONG, SHIQUAN = "2020-314af18bf3", "2020-4bd17732d6", "2021-ab5383965a"


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The template, 20 counties, aligned; and a 21st county's file, not loaded."""
    folder = tmp_path_factory.mktemp("counties")
    template, counties = write_counties(folder / "ledgers", counties=COUNTIES, tasks=TASKS, skips=SKIPS)
    (folder / "extra").mkdir()
    extra = write_ledger(
        folder / "extra" / "county-extra.csv", place=henan_counties()[COUNTIES], rows=template_rows(TASKS)
    )
    location = folder / "zwgk-data"
    with LedgerStore.open(location) as store:
        load_paths(store, [template, *counties])
        report = align_store(store)
    return location, report, extra


def _triples(links) -> set[tuple[str, str, float]]:
    return {(x.source, x.target, round(float(x.score), 4)) for x in links}


def _ledger_of(iri: str) -> str:
    return iri.split("/ledger/")[1].split("/")[0]


def _ledgers(location):
    with LedgerStore.open(location, read_only=True) as store:
        return {info.source_file: info.id for info in store.ledgers()}


def test_links_grow_linearly_and_clusters_hold_every_copy(province):
    location, report, _ = province
    tasks = TASKS * (COUNTIES + 1) - 3
    assert (report.ledgers, report.tasks, report.aligned) == (COUNTIES + 1, tasks, tasks)
    # Every task keeps at most max_links links: all pairs of copies would be 40 × 21 × 20 / 2.
    assert len(report.alignments) <= DEFAULT_MAX_LINKS * report.tasks
    assert len(report.alignments) < TASKS * (COUNTIES + 1) * COUNTIES / 2 / 2
    ids = _ledgers(location)
    template = ids["province.csv"]
    with LedgerStore.open(location, read_only=True) as store:
        clusters = stored_clusters(store)
        docs = {d.iri: d for d in task_documents(store)}
        links = stored_alignments(store)
    assert len(links) == len(report.alignments)
    # One cluster per template task, founded by it (the province is placed first).
    assert len(clusters) == TASKS
    assert {_ledger_of(c.representative) for c in clusters} == {template}
    sizes = sorted(len(c.members) for c in clusters)
    assert sizes == [COUNTIES - 1] + [COUNTIES] + [COUNTIES + 1] * (TASKS - 2)
    for cluster in clusters:
        rep = docs[cluster.representative]
        members = [docs[m] for m in cluster.members]
        assert {m.position for m in members if m.ledger_id == template} == {rep.position}
        # every member is the same row of the template, renamed: one per ledger
        assert len({m.ledger_id for m in members}) == len(members)
        assert cluster.text == rep.text
    # The counties' copies link to the province's task before their peers' (ties go up).
    county_links = [x for x in links if _ledger_of(x.source) != template]
    to_template = {x.source for x in county_links if _ledger_of(x.target) == template}
    assert len(to_template) == TASKS * COUNTIES - 3


def test_coverage_queries_find_the_missing_rows_and_the_template_share(province):
    location, _, _ = province
    names = henan_counties()
    template = _ledgers(location)["province.csv"]
    with LedgerStore.open(location, read_only=True) as store:
        gaps = sparql.run(store, sparql.find_query("coverage-gaps"), values={"province": "河南省"}).values()
        following = sparql.run(store, sparql.find_query("template-following"), values={"province": "河南省"}).values()
        rows = {d.position: d.text for d in task_documents(store) if d.ledger_id == template}
    # Row 5 is missing in two counties of 20, row 12 in one.
    assert sorted((row[0], row[2], row[3]) for row in gaps) == sorted(
        [(names[0], "18", "20"), (names[1], "18", "20"), (names[1], "19", "20")]
    )
    assert {row[1] for row in gaps} == {rows[5], rows[12]}
    assert len(following) == COUNTIES
    by_county = {row[1]: row[3:] for row in following}
    assert by_county[names[0]] == (str(TASKS - 1), str(TASKS - 1), "100")
    assert by_county[names[2]] == (str(TASKS), str(TASKS), "100")


def test_two_copies_compare_through_their_clusters(province):
    """Two counties' tasks seldom link to each other (each task keeps its best few links, to the
    province first), but each pair of copies shares a cluster: compare and aligned-tasks pair
    all of them, with the score computed from the index."""
    location, _, _ = province
    ids = _ledgers(location)
    a, b = ids["county-005.csv"], ids["county-006.csv"]
    with LedgerStore.open(location, read_only=True) as store:
        comparison = compare_ledgers(store, a=a, b=b)
        listed = sparql.run(store, sparql.find_query("aligned-tasks"), values={"a": a, "b": b}).values()
    assert len(comparison.pairs) == TASKS and not comparison.only_a and not comparison.only_b
    assert all(p.a.position == p.b.position and p.score == 1.0 for p in comparison.pairs)
    assert sorted((row[1], row[3]) for row in listed) == sorted((str(k), str(k)) for k in range(1, TASKS + 1))
    assert all(row[6] for row in listed)  # every pair names its cluster


def test_one_more_county_is_aligned_alone(province, tmp_path):
    location = tmp_path / "zwgk-data"
    shutil.copytree(province[0], location)
    assert (location / INDEX_FILE).exists()
    extra = province[2]
    with LedgerStore.open(location) as store:
        before_links = {x.iri: x for x in stored_alignments(store)}
        before_clusters = {c.iri: c for c in stored_clusters(store)}
        load_paths(store, [extra])
        new_id = next(info.id for info in store.ledgers() if info.source_file == extra.name)
        new_tasks = {d.iri for d in task_documents(store) if d.ledger_id == new_id}
        after_links = {x.iri: x for x in stored_alignments(store)}
        after_clusters = {c.iri: c for c in stored_clusters(store)}
        report = refresh_alignments(store)
    assert len(new_tasks) == TASKS
    # Nothing left to align after the load: the index matches the store.
    assert report is not None and (report.aligned, report.removed, report.rebuilt) == (0, 0, False)
    # The load wrote only what changed, and what is stored is the index's every link and
    # cluster (the counts kept with the index included).
    assert _triples(after_links.values()) == _triples(report.alignments)
    assert report.link_count == len(after_links) and report.cluster_count == len(after_clusters)
    assert {c.iri: set(c.members) for c in report.clusters} == {k: set(c.members) for k, c in after_clusters.items()}
    # Every link made by the load touches the new county; no link between two old tasks is new.
    added = after_links.keys() - before_links.keys()
    assert added and all(after_links[k].source in new_tasks or after_links[k].target in new_tasks for k in added)
    for key in after_links.keys() & before_links.keys():
        assert after_links[key] == before_links[key]
    assert len(after_links) <= DEFAULT_MAX_LINKS * (TASKS * (COUNTIES + 2) - 3)
    # The clusters are the same ones, each with the new county's copy added.
    assert after_clusters.keys() == before_clusters.keys()
    for key, cluster in after_clusters.items():
        gained = set(cluster.members) - set(before_clusters[key].members)
        assert len(gained) == 1 and gained <= new_tasks
        assert set(before_clusters[key].members) <= set(cluster.members)


def test_a_ledger_written_without_its_refresh_is_aligned_by_the_next_load(province, tmp_path):
    """A load that only adds ledgers reads just those — unless the store holds a ledger the
    index does not know (here one written without the refresh a load does, as a load killed
    in between would leave it): then every task is listed, and both counties are aligned."""
    from zwgk.loaders import read_ledger
    from zwgk.pipeline import prepare

    location = tmp_path / "zwgk-data"
    shutil.copytree(province[0], location)
    places = henan_counties()[COUNTIES + 1 : COUNTIES + 3]
    quiet, loud = (
        write_ledger(tmp_path / f"late-{k}.csv", place=place, rows=template_rows(TASKS))
        for k, place in enumerate(places)
    )
    with LedgerStore.open(location) as store:
        store.load_prepared([prepare(read_ledger(quiet))])
        load_paths(store, [loud])
        ids = {info.source_file: info.id for info in store.ledgers()}
        linked = {_ledger_of(x.source) for x in stored_alignments(store)} | {
            _ledger_of(x.target) for x in stored_alignments(store)
        }
        report = refresh_alignments(store)
    assert {ids["late-0.csv"], ids["late-1.csv"]} <= linked
    assert report is not None and (report.aligned, report.tasks) == (0, TASKS * (COUNTIES + 3) - 3)


def test_a_load_appends_its_changes_to_the_index_log_and_reading_replays_them(province, tmp_path, monkeypatch):
    """A one-ledger load writes what it changed beside the index instead of the whole index;
    the index read back (base and log) is the one the loads left, and a rebuild folds the log.
    (The log is folded once it is half the index's size, which a province this small reaches
    at its second load: the limit is raised here so that two entries are replayed.)"""
    from zwgk.compare import index as index_module
    from zwgk.compare.align import _stored_revision
    from zwgk.compare.index import LOG_SUFFIX, AlignIndex, index_path

    monkeypatch.setattr(index_module, "LOG_SHARE", 100.0)

    location = tmp_path / "zwgk-data"
    shutil.copytree(province[0], location)
    log = location / (INDEX_FILE + LOG_SUFFIX)
    base = (location / INDEX_FILE).read_bytes()
    places = henan_counties()[COUNTIES + 1 : COUNTIES + 3]
    with LedgerStore.open(location) as store:
        for k, place in enumerate(places):
            load_paths(store, [write_ledger(tmp_path / f"more-{k}.csv", place=place, rows=template_rows(TASKS))])
        assert log.exists() and (location / INDEX_FILE).read_bytes() == base
        revision = _stored_revision(store)
        assert revision is not None
        replayed = AlignIndex.read(index_path(location), revision=revision)
        assert replayed is not None
        replayed.save(tmp_path / "whole.pickle.z", revision=revision)
        whole = AlignIndex.read(tmp_path / "whole.pickle.z", revision=revision)
        # A log whose last entry was cut off (a write interrupted) does not reach the store's
        # revision: the index is not used, and the next load rebuilds it.
        log.write_bytes(log.read_bytes()[:-5])
        assert AlignIndex.read(index_path(location), revision=revision) is None
        report = align_store(store)
    assert whole is not None and replayed.tasks == whole.tasks and len(replayed.tasks) == TASKS * (COUNTIES + 3) - 3
    assert (replayed.chosen, replayed.members, replayed.cluster_of) == (whole.chosen, whole.members, whole.cluster_of)
    assert (replayed.link_count, replayed.cluster_count) == (len(whole.links()), len(whole.clusters()))
    assert (report.link_count, report.rebuilt) == (replayed.link_count, True) and not log.exists()


def test_removing_a_county_drops_its_links_and_memberships(province, tmp_path):
    location = tmp_path / "zwgk-data"
    shutil.copytree(province[0], location)
    county = _ledgers(location)["county-003.csv"]
    prefix = iris.ledger(county) + "/"
    with LedgerStore.open(location) as store:
        before = stored_clusters(store)
        remove_ledgers(store, [county])
        links = stored_alignments(store)
        clusters = stored_clusters(store)
        report = refresh_alignments(store)
    assert not any(x.source.startswith(prefix) or x.target.startswith(prefix) for x in links)
    assert report is not None and _triples(links) == _triples(report.alignments)
    assert (report.link_count, report.cluster_count) == (len(links), len(clusters))
    assert [c.iri for c in clusters] == [c.iri for c in before]
    for old, new in zip(before, clusters):
        assert set(new.members) == {m for m in old.members if not m.startswith(prefix)}


def test_a_stale_index_is_rebuilt_from_the_store(province, tmp_path):
    """An index that does not match the store (damaged, or left by another state of it) is
    never used: the load aligns everything again, and writes a good index."""
    location = tmp_path / "zwgk-data"
    shutil.copytree(province[0], location)
    (location / INDEX_FILE).write_bytes(b"not an index")
    with LedgerStore.open(location) as store:
        load_paths(store, [province[2]])
        report = refresh_alignments(store)
        links = stored_alignments(store)
    assert report is not None and (report.aligned, report.rebuilt) == (0, False)
    assert len(links) == len(report.alignments) <= DEFAULT_MAX_LINKS * report.tasks
    assert report.tasks == TASKS * (COUNTIES + 2) - 3 and len(report.clusters) == TASKS


# The samples -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples_aligned(tmp_path_factory, sample_store):
    location = tmp_path_factory.mktemp("aligned") / "zwgk-data"
    shutil.copytree(sample_store, location)
    with LedgerStore.open(location) as store:
        report = align_store(store)
        docs = {d.iri: d for d in task_documents(store)}
        clusters = stored_clusters(store)
    return report, docs, clusters


def _members(cluster, docs):
    return sorted((docs[m].ledger_id, docs[m].position) for m in cluster.members)


def test_clusters_group_the_implementations_of_one_national_key_point(samples_aligned):
    report, docs, clusters = samples_aligned
    assert len(clusters) == len(report.clusters) == 19
    by_rep = {(docs[c.representative].ledger_id, docs[c.representative].position): c for c in clusters}
    # 2020 key points, 疫情信息发布: 湖北人防办's item 8 and 华龙区's three tasks carrying it out
    epidemic = by_rep[(HUBEI, 8)]
    assert _members(epidemic, docs) == [(HUBEI, 8), (HUALONG, 21), (HUALONG, 22), (HUALONG, 23)]
    assert epidemic.text.startswith("按省政府要求及时准确发布疫情信息")
    # 主动公开新规定 and 教育培训: one 华龙区 task each
    assert _members(by_rep[(HUBEI, 15)], docs) == [(HUBEI, 15), (HUALONG, 28)]
    assert _members(by_rep[(HUBEI, 19)], docs) == [(HUBEI, 19), (HUALONG, 35)]
    # The 2020 and 2021 key points share 公共卫生 items: 华龙区 2020 and 石泉县 2021 copy them
    public_health = by_rep[(HUALONG, 25)]
    assert _members(public_health, docs) == [(HUALONG, 25), (SHIQUAN, 37)]
    # Every member is in another ledger than the representative or one of its implementations.
    for cluster in clusters:
        assert len({docs[m].ledger_id for m in cluster.members}) >= 2


def test_report_lists_the_clusters_and_progress_is_told(tmp_path, sample_store):
    """The report's cluster table, and the progress callbacks the command line draws as bars
    (on a terminal only: the CLI's stderr in a test is silent)."""
    from click.testing import CliRunner

    from zwgk.cli import main
    from zwgk.compare.report import write_report

    location = tmp_path / "zwgk-data"
    shutil.copytree(sample_store, location)
    aligning: list[tuple[int, int]] = []
    writing: list[tuple[int, int]] = []
    with LedgerStore.open(location) as store:
        report = align_store(store, progress=lambda done, total: aligning.append((done, total)))
        write_report(store, output=tmp_path / "report.html", progress=lambda d, t: writing.append((d, t)))
    # words of every task, then the neighbours of every task: each step from 0 to 297
    assert [call for call in aligning if call[0] in (0, call[1])] == [(0, 297), (297, 297), (0, 297), (297, 297)]
    assert all(0 <= done <= total for done, total in aligning + writing)
    assert writing[0] == (0, writing[-1][1]) and writing[-1][0] == writing[-1][1] == 5 + 8
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "同类任务组 / Task clusters across ledgers" in page
    assert "按省政府要求及时准确发布疫情信息" in page and len(report.clusters) == 19
    result = CliRunner().invoke(main, ["--store", str(location), "align", "--max-links", "2"])
    assert result.exit_code == 0 and "aligning" not in result.output
    assert result.output.startswith("2") and ", 19 clusters / 任务对应" in result.output


def test_a_remote_store_is_aligned_by_a_rebuild(tmp_path, samples, monkeypatch, samples_aligned):
    """A remote store keeps no index beside it: zwgk align computes everything and writes the
    graph by one SPARQL update, with the same links and clusters as the embedded store."""
    from test_remote import start_oxigraph

    from zwgk.store.remote import RemoteStore

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    process, url = start_oxigraph(tmp_path / "remote")
    try:
        with RemoteStore.open(url) as remote:
            load_paths(remote, list(samples.values()))
            report = align_store(remote)
            links = stored_alignments(remote)
            clusters = stored_clusters(remote)
    finally:
        process.terminate()
        process.wait(timeout=30)
    embedded, _, embedded_clusters = samples_aligned
    assert (report.rebuilt, len(report.alignments), len(report.clusters)) == (True, 276, 19)
    assert {(x.source, x.target, x.score) for x in links} == {
        (x.source, x.target, x.score) for x in embedded.alignments
    }
    assert [(c.iri, c.members) for c in clusters] == [(c.iri, c.members) for c in embedded_clusters]
