"""Inheritance only where the source shows a merge (issue 19): a 5-row ledger whose row 5 leaves
its 牵头单位 empty, written as .xlsx without merged cells and as .csv, is loaded into a real
on-disk store and ``zwgk validate`` reports the missing lead unit of task 5 — the row above's
unit is not copied down. A real merged 牵头单位 range in .xlsx still inherits; the inherited
value is recorded (zw:inheritedField, zw:inherited) and reported as an info naming the unit."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from zwgk.cli import main

ZWSH = "https://w3id.org/zwgk/shapes#"
HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]
ROWS = [
    ["1", "公开年度预算和决算。", "县财政局", "县直各部门", "6月底前"],
    ["2", "公开重大建设项目批准和实施信息。", "县发展和改革局", "各镇", "9月底前"],
    ["3", "公开政策文件并同步解读。", "县人民政府办公室", "县直各部门", "持续推进"],
    ["4", "公开行政执法结果。", "县司法局", "县直各部门", "12月底前"],
    ["5", "公开政府信息公开工作年度报告。", "", "县直各部门", "1月底前"],
]
METADATA = ["--jurisdiction", "石泉县", "--year", "2024", "--issuer", "石泉县人民政府办公室"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _load_and_validate(store, path) -> tuple[int, dict]:
    loaded = run("--store", str(store), "load", str(path), *METADATA)
    assert loaded.exit_code == 0, loaded.output
    validated = run("--store", str(store), "validate", "--format", "json")
    return validated.exit_code, json.loads(validated.output)


def _results(report: dict, severity: str) -> list[tuple[str, str | None, str | None]]:
    (ledger,) = report["ledgers"]
    return [
        (r["shape"].removeprefix(ZWSH), r["task_number"], r["value"])
        for r in ledger["results"]
        if r["severity"] == severity
    ]


def _write_xlsx(path, *, merge_lead_of_rows_4_and_5: bool) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    if merge_lead_of_rows_4_and_5:  # task 4 is sheet row 5: 牵头单位 (column C) spans rows 5–6
        sheet.merge_cells("C5:C6")
    book.save(path)


def _write_csv(path, header, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_xlsx_without_merges_reports_the_empty_lead_cell(tmp_path):
    path = tmp_path / "ledger.xlsx"
    _write_xlsx(path, merge_lead_of_rows_4_and_5=False)
    status, report = _load_and_validate(tmp_path / "zwgk-data", path)
    assert status == 1
    assert _results(report, "violation") == [("TaskLeadUnit", "5", None)]
    assert _results(report, "info") == []


def test_csv_reports_the_empty_lead_cell(tmp_path):
    path = tmp_path / "ledger.csv"
    _write_csv(path, HEADER, ROWS)
    status, report = _load_and_validate(tmp_path / "zwgk-data", path)
    assert status == 1
    assert _results(report, "violation") == [("TaskLeadUnit", "5", None)]
    assert _results(report, "info") == []


def test_csv_without_numbers_reports_a_row_that_prints_its_own_cells(tmp_path):
    """No 序号 column: row 5 prints its own 责任单位 and 完成时限, so it is a row of its own, not
    the continuation of a merged block; its empty 牵头单位 is empty."""
    path = tmp_path / "ledger.csv"
    _write_csv(path, HEADER[1:], [row[1:] for row in ROWS])
    status, report = _load_and_validate(tmp_path / "zwgk-data", path)
    assert status == 1
    (ledger,) = report["ledgers"]
    lead = [r for r in ledger["results"] if r["shape"] == ZWSH + "TaskLeadUnit"]
    assert [(r["task_position"], r["source_line"]) for r in lead] == [(5, 6)]


def test_a_real_merged_lead_cell_in_xlsx_is_inherited_and_reported_as_an_info(tmp_path):
    from pyoxigraph import RdfFormat, Store

    path = tmp_path / "ledger.xlsx"
    _write_xlsx(path, merge_lead_of_rows_4_and_5=True)
    store = tmp_path / "zwgk-data"
    status, report = _load_and_validate(store, path)
    assert status == 0
    assert _results(report, "violation") == []
    ((shape, number, agency),) = _results(report, "info")
    assert (shape, number) == ("TaskLeadUnitInherited", "5")
    (ledger,) = report["ledgers"]
    (info,) = [r for r in ledger["results"] if r["severity"] == "info"]
    assert (
        info["message"]["zh"]
        == "牵头单位“石泉县司法局”取自纵向合并的单元格（表中只在另一行写出），请核对是否适用于本任务"
    )
    exported = run("--store", str(store), "export", "--format", "nquads")
    assert exported.exit_code == 0
    graph = Store()
    graph.load(exported.output.encode(), format=RdfFormat.N_QUADS)
    rows = graph.query(
        """PREFIX zw: <https://w3id.org/zwgk/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?number ?agency ?unit ?field WHERE {
          ?task zw:number ?number ; zw:leadUnit ?agency ; zw:inheritedField ?field .
          ?agency skos:prefLabel ?unit .
          ?obligation zw:task ?task ; zw:bearer ?agency ; zw:inherited true }""",
        use_default_graph_as_union=True,
    )
    assert [(r["number"].value, r["agency"].value, r["unit"].value, r["field"].value) for r in rows] == [
        ("5", agency, "石泉县司法局", "https://w3id.org/zwgk/ontology#leadUnit")
    ]


def test_csv_continuation_row_inherits_within_its_block(tmp_path):
    """A row that prints nothing but task text under a row that starts the block is the second
    half of a merged block (the genre's continuation row): it inherits, marked as inherited, and
    ``zwgk validate`` lists it as an info, not a gap."""
    path = tmp_path / "ledger.csv"
    _write_csv(
        path,
        ["工作任务", "牵头单位", "完成时限"],
        [
            ["公开年度预算和决算。", "县财政局", "6月底前"],
            ["公开部门预算和“三公”经费。", "", ""],
            ["公开行政执法结果。", "县司法局", "12月底前"],
        ],
    )
    status, report = _load_and_validate(tmp_path / "zwgk-data", path)
    assert status == 0
    assert _results(report, "violation") == []
    (ledger,) = report["ledgers"]
    infos = [(r["shape"].removeprefix(ZWSH), r["task_position"]) for r in ledger["results"] if r["severity"] == "info"]
    assert infos == [("TaskLeadUnitInherited", 2)]
