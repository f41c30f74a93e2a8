"""Excel workbooks: the 004 table written with openpyxl (merged ranges for the merged cells,
a hidden sheet, a formula) loads to the same tasks as the text version; only merged ranges
inherit, an empty cell stays empty."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE
from office_rows import same_as_shiquan, same_tasks, sample_rows, vertical_runs

from zwgk.loaders import read_ledger

FIXTURES = Path(__file__).parent / "data" / "formats" / "office"


def _write(path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    hidden = book.active
    hidden.title = "说明"
    hidden.append(["序号", "主要任务", "责任单位"])
    hidden.append(["1", "不应读取", "某局"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("台账")
    sheet.append(["华龙区政务公开工作要点责任分工"])
    raw = sample_rows()
    for row in raw:
        sheet.append(row or [])
    # Every empty cell under a filled one in its block is part of a merged range, except in the
    # task column (贯彻举措), where an empty cell continues the task above. Row i of ``raw`` is
    # sheet row i + 2.
    for col, first, last, text in vertical_runs(raw, [0, 1, 3, 4]):
        sheet.cell(first + 2, col + 1).value = text
        sheet.merge_cells(start_row=first + 2, start_column=col + 1, end_row=last + 2, end_column=col + 1)
    book.save(path)


def test_xlsx_same_as_text(tmp_path):
    path = tmp_path / "ledger.xlsx"
    _write(path)
    record = read_ledger(path)
    assert record.layout == "xlsx"
    same_tasks(record, read_ledger(SAMPLE["004"]))


def test_formula_cached_value_and_hidden_sheet(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "f.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "主要任务", "责任单位", "完成时限"])
    sheet.append([1, "公开预算", "县财政局", "6月底前"])
    sheet.append(["=A2+1", "公开决算", "县审计局", "9月底前"])
    book.save(path)
    record = read_ledger(path)
    # openpyxl writes no cached value for a new formula: the cell reads empty, never as "=A2+1".
    assert [t.number for t in record.tasks] == ["1", None]
    assert [t.units[0].text for t in record.tasks] == ["县财政局", "县审计局"]


def test_only_merged_ranges_inherit(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "m.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["主要任务", "牵头单位", "完成时限"])
    sheet.append(["公开预算", "县财政局", "6月底前"])
    sheet.append(["公开决算", None, None])
    sheet.append(["公开审计", "县审计局\n县统计局", "9月底前"])
    sheet.append(["公开统计", None, None])
    sheet.merge_cells("B4:B5")
    book.save(path)
    record = read_ledger(path)
    assert [(t.text, [(u.text, u.inherited) for u in t.units], t.deadline) for t in record.tasks] == [
        ("公开预算", [("县财政局", False)], "6月底前"),
        ("公开决算", [], None),
        ("公开审计", [("县审计局\n县统计局", False)], "9月底前"),
        ("公开统计", [("县审计局\n县统计局", True)], None),
    ]
    assert [sorted(t.inherited) for t in record.tasks] == [[], [], [], ["leadUnit"]]


def test_shiquan_fixture():
    record = read_ledger(FIXTURES / "shiquan.xlsx")
    assert record.layout == "xlsx"
    assert same_as_shiquan(record) == 150
