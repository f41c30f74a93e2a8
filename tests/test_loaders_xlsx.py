"""Excel workbooks: the 004 table written with openpyxl (merged ranges for the merged cells,
a hidden sheet, a formula) loads to the same tasks as the text version."""

from __future__ import annotations

from conftest import SAMPLE
from office_rows import same_tasks, sample_rows

from zwgk.loaders import read_ledger


def _write(path, *, merge: bool) -> None:
    from openpyxl import Workbook

    book = Workbook()
    hidden = book.active
    hidden.title = "说明"
    hidden.append(["序号", "主要任务", "责任单位"])
    hidden.append(["1", "不应读取", "某局"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("台账")
    sheet.append(["华龙区政务公开工作要点责任分工"])
    for row in sample_rows():
        sheet.append(row or [])
    if merge:
        # Vertical runs of empty lead cells under a filled one become real merged ranges.
        col = 3
        start = None
        for r in range(2, sheet.max_row + 2):
            value = sheet.cell(r, col).value if r <= sheet.max_row else "end"
            empty_row = all(sheet.cell(r, c).value in (None, "") for c in range(1, 6)) if r <= sheet.max_row else True
            if value not in (None, "") or empty_row:
                if start is not None and r - 1 > start:
                    sheet.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
                start = r if not empty_row else None
    book.save(path)


def test_xlsx_same_as_text(tmp_path):
    path = tmp_path / "ledger.xlsx"
    _write(path, merge=True)
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
