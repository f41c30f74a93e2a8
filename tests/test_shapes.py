"""Each shape on a small graph that conforms and on one that fails it for exactly one reason.

``tests/data/shapes/complete.ttl`` satisfies every shape; each ``*.ru`` file beside it is a SPARQL
update that breaks exactly one rule of it. The validator is the real one (pyshacl over the
packaged shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from zwgk.resources import list_files, read_text
from zwgk.shapes.pyshacl_engine import validate_quads

DATA = Path(__file__).resolve().parent / "data" / "shapes"
SH = "http://www.w3.org/ns/shacl#"
ZWSH = "https://w3id.org/zwgk/shapes#"
LEDGER = "https://w3id.org/zwgk/id/ledger/2024-0000000000"
TASK = LEDGER + "/task/"
INDICATOR = LEDGER + "/indicator/"
AGENCY = "https://w3id.org/zwgk/id/agency/"
OBLIGATION = TASK + "4/obligation/lead-finance"

# case → (shape, constraint component, severity, focus node)
CASES = {
    "ledger-title": ("LedgerTitle", "MinCount", "violation", LEDGER),
    "ledger-jurisdiction": ("LedgerJurisdiction", "MinCount", "violation", LEDGER),
    "ledger-year": ("LedgerYear", "MinCount", "violation", LEDGER),
    "ledger-issuer": ("LedgerIssuer", "MinCount", "violation", LEDGER),
    "ledger-task": ("LedgerTask", "MinCount", "violation", LEDGER),
    "task-text-missing": ("TaskText", "MinCount", "violation", TASK + "1"),
    "task-text-twice": ("TaskText", "MaxCount", "violation", TASK + "1"),
    "task-lead-unit": ("TaskLeadUnit", "MinCount", "violation", TASK + "1"),
    "task-lead-inherited": ("TaskLeadUnitInherited", "SPARQL", "info", TASK + "4"),
    "task-deadline": ("TaskDeadline", "MinCount", "warning", TASK + "1"),
    "task-indicator": ("TaskIndicator", "MinCount", "warning", TASK + "2"),
    "task-number-duplicate": ("TaskNumberUnique", "SPARQL", "violation", LEDGER),
    "task-number-gap": ("TaskNumberGap", "SPARQL", "info", LEDGER),
    "agency-name": ("AgencyName", "MinCount", "violation", AGENCY + "finance"),
    "agency-jurisdiction": ("AgencyJurisdiction", "MinCount", "violation", AGENCY + "finance"),
    "obligation-bearer": ("ObligationBearer", "MinCount", "violation", OBLIGATION),
    "obligation-role-missing": ("ObligationRole", "MinCount", "violation", OBLIGATION),
    "obligation-role-unknown": ("ObligationRole", "In", "violation", OBLIGATION),
    "obligation-task": ("ObligationTask", "MinCount", "violation", OBLIGATION),
    "indicator-label": ("IndicatorLabel", "MinCount", "violation", INDICATOR + "c"),
    "indicator-level-missing": ("IndicatorLevel", "MinCount", "violation", INDICATOR + "a"),
    "indicator-level-not-integer": ("IndicatorLevel", "Datatype", "violation", INDICATOR + "a"),
    "indicator-scheme": ("IndicatorScheme", "MinCount", "violation", INDICATOR + "c"),
    "indicator-broader-level": ("IndicatorBroaderLevel", "SPARQL", "violation", LEDGER + "/indicators"),
}


def graph(case: str | None = None) -> list:
    store = Store()
    store.load(path=str(DATA / "complete.ttl"), format=RdfFormat.TURTLE)
    if case is not None:
        store.update((DATA / f"{case}.ru").read_text(encoding="utf-8"))
    return list(store)


def test_complete_graph_conforms_with_no_result_at_all():
    ledger = validate_quads(graph())
    assert ledger.results == ()
    assert ledger.conforms
    assert ledger.ledger_id == "2024-0000000000" and ledger.source_file == "test-ledger.txt"


def test_every_case_file_is_covered():
    assert {p.stem for p in DATA.glob("*.ru")} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_shape_fails_for_exactly_its_reason(case):
    shape, component, severity, focus = CASES[case]
    ledger = validate_quads(graph(case))
    assert [(r.shape, r.constraint, r.severity, r.focus_node) for r in ledger.results] == [
        (ZWSH + shape, f"{SH}{component}ConstraintComponent", severity, focus)
    ]
    result = ledger.results[0]
    assert result.message_zh and result.message_en and result.message_zh != result.message_en
    assert ledger.conforms == (severity != "violation")


def test_lead_unit_result_names_task_file_and_line():
    (result,) = validate_quads(graph("task-lead-unit")).results
    assert (result.subject, result.subject_kind, result.task_number, result.source_line) == (
        TASK + "1",
        "task",
        "1",
        10,
    )
    assert (result.rule(lang="zh"), result.message(lang="zh")) == ("牵头单位", "任务没有明确牵头单位")
    assert (result.rule(lang="en"), result.message(lang="en")) == ("lead unit", "The task has no lead unit")
    assert result.path == "https://w3id.org/zwgk/ontology#leadUnit"


def test_inherited_lead_unit_is_an_info_naming_the_unit_and_its_row():
    """A lead unit filled from a merged cell is reported for a human check: an info (the ledger
    still conforms) on the task that inherited it, naming the unit, the file and the line."""
    (result,) = validate_quads(graph("task-lead-inherited")).results
    assert (result.subject, result.subject_kind, result.task_number, result.source_line) == (
        TASK + "4",
        "task",
        "2",
        14,
    )
    assert result.value == AGENCY + "finance" and result.severity == "info"
    assert (result.rule(lang="zh"), result.message(lang="zh")) == (
        "继承的牵头单位",
        "牵头单位“测试县财政局”取自纵向合并的单元格（表中只在另一行写出），请核对是否适用于本任务",
    )
    assert (result.rule(lang="en"), result.message(lang="en")) == (
        "inherited lead unit",
        "Lead unit “测试县财政局” comes from a vertically merged cell printed on another row: check that it applies to this task",
    )
    assert validate_quads(graph("task-lead-inherited")).conforms


def test_numbering_results_point_at_the_task_and_name_the_numbers():
    (gap,) = validate_quads(graph("task-number-gap")).results
    assert (gap.subject, gap.task_number, gap.source_line, gap.value) == (TASK + "2", "4", 11, TASK + "2")
    assert gap.message_zh == "编号不连续：编号 4 之前缺少 2、3"
    assert gap.message_en == "Numbering gap: 2、3 missing before number 4"
    (duplicate,) = validate_quads(graph("task-number-duplicate")).results
    assert (duplicate.subject, duplicate.task_number) == (TASK + "2", "1")
    assert duplicate.message_en == "Number “1” repeats that of task #1 under the same indicator"


def test_a_first_task_numbered_above_one_reports_the_numbers_before_it():
    """Task 1 has no task before it: numbers below its own are missing (the check once let an
    indicator of any other task stand in for the missing predecessor and said nothing)."""
    store = Store()
    store.load(path=str(DATA / "complete.ttl"), format=RdfFormat.TURTLE)
    store.update(
        f'DELETE DATA {{ <{TASK}1> <https://w3id.org/zwgk/ontology#number> "1" }} ; '
        f'INSERT DATA {{ <{TASK}1> <https://w3id.org/zwgk/ontology#number> "3" }}'
    )
    (gap,) = validate_quads(list(store)).results
    assert (gap.subject, gap.task_number) == (TASK + "1", "3")
    assert gap.message_en == "Numbering gap: 1、2 missing before number 3"


def test_numbers_restarting_under_each_heading_are_neither_duplicates_nor_gaps():
    """complete.ttl numbers 1, 2 under （一） and again 1, 2 under （二）."""
    assert validate_quads(graph()).results == ()


def test_broader_level_message_names_both_indicators():
    (result,) = validate_quads(graph("indicator-broader-level")).results
    assert result.subject == INDICATOR + "c" and result.subject_kind == "indicator"
    assert result.message_zh == "指标“（二）公开财政预决算”为 3 级，其上级指标“一、加强主动公开”却为 1 级"
    assert result.source_line == 13


def test_every_shape_has_names_and_messages_in_chinese_and_english():
    import rdflib

    g = rdflib.Graph()
    for f in list_files("shapes", ".ttl"):
        g.parse(data=read_text("shapes", f.name), format="turtle")
    sh = rdflib.Namespace(SH)
    shapes = set(g.subjects(rdflib.RDF.type, sh.NodeShape)) | set(g.subjects(rdflib.RDF.type, sh.PropertyShape))
    property_shapes = set(g.objects(None, sh.property))
    assert property_shapes <= shapes
    assert len(shapes) == 28
    assert {str(s) for s in property_shapes} == {ZWSH + shape for shape, *_ in CASES.values()}, (
        "every property shape has a failing case"
    )
    for shape in shapes:
        assert isinstance(shape, rdflib.URIRef), "shapes have IRIs so that reports can name them"
        for prop in (sh.name, sh.message):
            langs = sorted(o.language for o in g.objects(shape, prop))
            assert langs == ["en", "zh"], (shape, prop)
