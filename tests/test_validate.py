"""Validation of the sample ledgers: the issue's acceptance figures, the report's renderings, the
store and file entry points, and the ``zwgk validate`` command's exit statuses."""

from __future__ import annotations

import functools
import json
import re

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.cli import main
from zwgk.pipeline import validate_files, validate_targets
from zwgk.shapes import validate_store
from zwgk.shapes.pyshacl_engine import validate_quads
from zwgk.shapes.report import ValidationReport

ZWSH = "https://w3id.org/zwgk/shapes#"


@functools.cache
def _report(key: str) -> ValidationReport:
    return validate_files([SAMPLE[key]])


def report_of(key: str) -> ValidationReport:
    """The validation of one sample, skipped only while its layout reader is not written yet."""
    from zwgk.errors import InputError
    from zwgk.loaders import read_ledger

    try:
        read_ledger(SAMPLE[key])
    except InputError as exc:
        pytest.skip(f"sample {key} cannot be read yet: {exc}")
    return _report(key)


def by_shape(report: ValidationReport, shape: str) -> list:
    return [r for r in report.results if r.shape == ZWSH + shape]


def missing_numbers(message_en: str) -> list[int]:
    """``Numbering gap: 13、14、15 missing before number 16`` → [13, 14, 15] (ranges expanded)."""
    listed = re.match(r"Numbering gap: (.+) missing before number", message_en).group(1)
    out: list[int] = []
    for part in listed.split("、"):
        low, _, high = part.partition("–")
        out.extend(range(int(low), int(high or low) + 1))
    return out


def task_count(key: str) -> int:
    from zwgk.loaders import read_ledger

    return len(read_ledger(SAMPLE[key]).tasks)


# Acceptance on the samples -----------------------------------------------------------------


def test_002_prose_key_points_have_a_lead_unit_violation_on_every_task():
    """Prose key points assign no lead units: the one item that names units (五（一）, line 66:
    秘书处负责监督…, 各业务处室负责…, 省人防信息保障中心配合…) names them as responsible and
    co-operating, not as the task's lead, so all 20 tasks get the violation."""
    report = report_of("002")
    lead = by_shape(report, "TaskLeadUnit")
    assert task_count("002") == 20
    assert len(lead) == 20 == len({r.subject for r in lead})
    assert all(r.severity == "violation" and r.subject_kind == "task" for r in lead)
    assert 66 in {r.source_line for r in lead}
    assert [r.source_line for r in lead][:4] == [24, 26, 28, 30]
    assert not report.conforms


def test_003_numbering_gaps_are_reported_with_the_missing_numbers():
    report = report_of("003")
    gaps = by_shape(report, "TaskNumberGap")
    assert [(r.task_number, r.source_line) for r in gaps] == [("6", 35), ("16", 83), ("20", 96), ("25", 120)]
    assert [n for r in gaps for n in missing_numbers(r.message_en)] == [5, 13, 14, 15, 18, 19, 24]
    assert gaps[1].message_zh == "编号不连续：编号 16 之前缺少 13、14、15"
    assert all(r.severity == "info" for r in gaps)
    assert by_shape(report, "TaskNumberUnique") == []


def test_003_every_task_has_a_lead_unit_including_办公室牵头_各科室配合():
    report = report_of("003")
    assert by_shape(report, "TaskLeadUnit") == []
    assert report.counts() == {"violation": 0, "warning": 0, "info": 4}


def test_000_has_a_deadline_warning_on_every_task_and_inherited_units_count():
    report = report_of("000")
    deadlines = by_shape(report, "TaskDeadline")
    assert len(deadlines) == task_count("000") == len({r.subject for r in deadlines})
    assert all(r.severity == "warning" for r in deadlines)
    assert by_shape(report, "TaskLeadUnit") == []
    assert len(tasks_with_inherited_lead_unit("000")) == 30, "the lead units that count include inherited ones"


def tasks_with_inherited_lead_unit(key: str) -> list[str]:
    from pyoxigraph import Store

    from zwgk.loaders import read_ledger
    from zwgk.ontology.builder import build_ledger

    store = Store()
    store.extend(build_ledger(read_ledger(SAMPLE[key])).quads)
    rows = store.query(
        """PREFIX zw: <https://w3id.org/zwgk/ontology#>
        SELECT DISTINCT ?task WHERE { ?task a zw:Task ; zw:inheritedField zw:leadUnit ; zw:leadUnit ?unit }""",
        use_default_graph_as_union=True,
    )
    return [row["task"].value for row in rows]


def tasks_without_deadline(key: str) -> list[str]:
    """Task IRIs of a sample's graph that carry no zw:deadline, read with SPARQL (not SHACL)."""
    from pyoxigraph import Store

    from zwgk.loaders import read_ledger
    from zwgk.ontology.builder import build_ledger

    store = Store()
    store.extend(build_ledger(read_ledger(SAMPLE[key])).quads)
    rows = store.query(
        """PREFIX zw: <https://w3id.org/zwgk/ontology#>
        SELECT ?task WHERE { ?task a zw:Task FILTER NOT EXISTS { ?task zw:deadline ?d } }""",
        use_default_graph_as_union=True,
    )
    return sorted(row["task"].value for row in rows)


def test_004_numbering_restarts_under_each_heading_without_duplicates_or_gaps():
    report = report_of("004")
    assert by_shape(report, "TaskNumberUnique") == [] and by_shape(report, "TaskNumberGap") == []
    assert {r.shape for r in report.results} == {ZWSH + "TaskDeadline"}
    assert sorted(r.subject for r in report.results) == tasks_without_deadline("004")
    assert report.conforms and 30 <= len(report.results) < task_count("004") == 37


def test_001_county_table_conforms_to_every_rule():
    """Its only results are the infos on the 133 lead units of 86 tasks read from merged cells."""
    report = report_of("001")
    assert {r.shape for r in report.results} == {ZWSH + "TaskLeadUnitInherited"}
    assert report.counts() == {"violation": 0, "warning": 0, "info": 133}
    assert sorted({r.subject for r in report.results}) == sorted(tasks_with_inherited_lead_unit("001"))
    assert len(tasks_with_inherited_lead_unit("001")) == 86
    assert report.conforms


COMPLETE_BY_HAND = """
PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT { GRAPH ?g { ?ledger zw:year "2024"^^xsd:gYear } }
WHERE { GRAPH ?g { ?ledger a zw:Ledger FILTER NOT EXISTS { ?ledger zw:year ?year } } } ;
INSERT { GRAPH ?g { ?task zw:leadUnit ?issuer } }
WHERE { GRAPH ?g { ?ledger zw:task ?task ; zw:issuer ?issuer FILTER NOT EXISTS { ?task zw:leadUnit ?unit } } } ;
INSERT { GRAPH ?g { ?task zw:deadline ?deadline . ?deadline a zw:Deadline ; zw:deadlineText "12月底前"@zh } }
WHERE { GRAPH ?g { ?task a zw:Task FILTER NOT EXISTS { ?task zw:deadline ?d }
                   BIND (IRI(CONCAT(STR(?task), "/deadline")) AS ?deadline) } } ;
DELETE { GRAPH ?g { ?task zw:number ?number } }
INSERT { GRAPH ?g { ?task zw:number ?renumbered } }
WHERE { GRAPH ?g { ?task a zw:Task ; zw:position ?position OPTIONAL { ?task zw:number ?number }
                   BIND (STR(?position) AS ?renumbered) } }
"""


@pytest.mark.parametrize("key", ["000", "002", "003"])
def test_a_sample_made_complete_by_hand_conforms(key):
    """Take the sample's graph and add what the report says is missing: a year, a lead unit (the
    issuer) and a deadline where there is none, numbers in document order: no result remains but
    the infos on lead units read from merged cells (a check for a person, not a gap)."""
    from pyoxigraph import Store

    from zwgk.loaders import read_ledger
    from zwgk.ontology.builder import build_ledger

    report_of(key)
    built = build_ledger(read_ledger(SAMPLE[key]))
    store = Store()
    store.extend(built.quads)
    store.update(COMPLETE_BY_HAND)
    assert _report(key).ledgers[0].results != ()
    after = validate_quads(list(store))
    inherited = {"000": 31, "002": 0, "003": 0}[key]  # infos on lead units read from merged cells
    assert [r.shape for r in after.results] == [ZWSH + "TaskLeadUnitInherited"] * inherited and after.conforms
    assert after.ledger_id == built.id


# Entry points and renderings ---------------------------------------------------------------


def test_store_and_files_give_the_same_results(sample_store):
    from zwgk.store.embedded import LedgerStore

    report_of("003")
    with LedgerStore.open(sample_store, read_only=True) as store:
        ids = {info.source_file: info.id for info in store.ledgers()}
        from_store = validate_store(store, ledger_ids=[ids[SAMPLE["003"].name]])
    from_file = _report("003")
    key = lambda r: (r.shape, r.subject, r.message_en, r.source_line)  # noqa: E731
    assert sorted(map(key, from_store.results)) == sorted(map(key, from_file.results))
    assert from_store.ledgers[0].source_file == SAMPLE["003"].name


def test_files_are_validated_without_opening_the_store(tmp_path):
    report_of("004")
    location = tmp_path / "never-created"
    report = validate_targets([str(SAMPLE["004"])], store=location)
    assert [ledger.source_file for ledger in report.ledgers] == [SAMPLE["004"].name]
    assert not location.exists()


def test_unknown_ledger_id_and_missing_file_are_bad_input(sample_store, tmp_path):
    from zwgk.errors import InputError, StoreError

    with pytest.raises(StoreError):
        validate_targets(["2020-0000000000"], store=sample_store)
    with pytest.raises(InputError):
        validate_targets([str(tmp_path / "draft.txt")], store=sample_store)


def test_text_report_groups_by_severity_and_counts_per_ledger():
    text = _text = report_of("003").render_text()
    lines = _text.splitlines()
    assert lines[0].startswith("台账 ") and "huainan-canlian-2024-renwu-fengong.txt" in lines[0]
    gap_line = next(line for line in lines if "13、14、15" in line)
    assert re.fullmatch(
        r"\s+任务 16\s+huainan-canlian-2024-renwu-fengong\.txt:83\s+编号连续\s+"
        r"编号不连续：编号 16 之前缺少 13、14、15",
        gap_line,
    )
    assert "  提示 (4)" in lines
    assert lines[-1].startswith("  合计：") and lines[-1].endswith("提示 4 项")
    english = report_of("004").render_text(lang="en").splitlines()
    warnings = len(tasks_without_deadline("004"))
    assert english[-1] == f"  total: 0 violations, {warnings} warnings, 0 infos"
    assert f"  Warnings ({warnings})" in english
    assert re.fullmatch(
        r"\s+task 1\s+hualong-2020-zeren-fengong\.txt:22\s+deadline\s+The task has no deadline", english[2]
    )
    assert text.count("\n") == len(lines)


def test_json_and_turtle_reports_carry_every_result():
    import rdflib

    report = report_of("003")
    data = json.loads(report.render_json())
    assert data["counts"] == report.counts()
    (ledger,) = data["ledgers"]
    assert ledger["source_file"] == SAMPLE["003"].name
    assert len(ledger["results"]) == len(report.results)
    gap = next(r for r in ledger["results"] if r["task_number"] == "16")
    assert gap["message"]["en"] == "Numbering gap: 13、14、15 missing before number 16"
    assert gap["severity"] == "info" and gap["source_line"] == 83

    graph = rdflib.Graph().parse(data=report.render_turtle(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    results = set(graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    assert len(results) == len(report.results)
    (node,) = graph.subjects(rdflib.RDF.type, sh.ValidationReport)
    # 003 has infos only: no violation (exit status 0), yet sh:conforms is false, as SHACL
    # requires whenever there is a result of any severity
    assert report.conforms and report.counts()["info"] == 4
    assert graph.value(node, sh.conforms).toPython() is False
    infos = [r for r in results if graph.value(r, sh.resultSeverity) == sh.Info]
    assert {graph.value(r, sh.sourceShape) for r in infos} == {rdflib.URIRef(ZWSH + "TaskNumberGap")}
    assert {m.language for r in infos for m in graph.objects(r, sh.resultMessage)} == {"zh", "en"}


# The command -------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_exit_statuses_follow_violations_and_fail_on(sample_store):
    report_of("004")
    report_of("002")
    assert run("validate", str(SAMPLE["004"])).exit_code == 0
    assert run("validate", "--fail-on", "warning", str(SAMPLE["004"])).exit_code == 1
    assert run("validate", str(SAMPLE["002"])).exit_code == 1
    assert run("--store", str(sample_store), "validate", "2020-0000000000").exit_code == 2
    assert run("validate", "no-such-draft.txt").exit_code == 2


def test_cli_validates_ledgers_of_the_store_by_id_and_all(sample_store):
    from zwgk.store.embedded import LedgerStore

    report_of("004")
    with LedgerStore.open(sample_store, read_only=True) as store:
        infos = store.ledgers()
    lid = next(i.id for i in infos if i.source_file == SAMPLE["004"].name)
    one = run("--store", str(sample_store), "validate", lid, "--lang", "en")
    assert one.exit_code == 0, one.output
    assert one.output.startswith(f"Ledger {lid}  hualong-2020-zeren-fengong.txt")
    assert re.search(r"total: 0 violations, \d+ warnings, 0 infos$", one.output.rstrip())
    everything = run("--store", str(sample_store), "validate", "--format", "json")
    data = json.loads(everything.output)
    assert sorted(ledger["ledger_id"] for ledger in data["ledgers"]) == sorted(i.id for i in infos)
    assert everything.exit_code == (0 if data["conforms"] else 1)


def test_summary_format_keeps_only_the_counts():
    text = report_of("003").render(format="summary", lang="en")
    assert text.splitlines()[1:] == ["  Infos (4)", "  total: 0 violations, 0 warnings, 4 infos"]
