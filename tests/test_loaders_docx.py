"""Word documents: the 004 table written with python-docx, its empty cells merged vertically
into the cell above (real vMerge), loads to the same tasks as the text version; only merged
cells inherit; line breaks in a cell, spanned columns and nested tables are read."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE
from office_rows import same_as_shiquan, same_tasks, sample_rows, vertical_runs

from zwgk.loaders import read_ledger

FIXTURES = Path(__file__).parent / "data" / "formats" / "office"


def _write(path) -> None:
    import docx

    raw = sample_rows()
    rows = [r if r is not None else [""] * len(raw[0]) for r in raw]
    document = docx.Document()
    document.add_paragraph("濮阳市华龙区人民政府办公室关于贯彻落实国务院办公厅2020年政务公开工作要点责任分工的通知")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    # Every empty cell under a filled one in its block is part of a merged cell, except in the
    # task column (贯彻举措), where an empty cell continues the task above.
    for col, first, last, text in vertical_runs(raw, [0, 1, 3, 4]):
        table.cell(first, col).merge(table.cell(last, col))
        table.cell(first, col).text = text
    document.save(path)


def test_docx_same_as_text(tmp_path):
    path = tmp_path / "ledger.docx"
    _write(path)
    record = read_ledger(path)
    assert record.layout == "docx"
    same_tasks(record, read_ledger(SAMPLE["004"]))


def _table(rows_text):
    import docx

    document = docx.Document()
    table = document.add_table(rows=len(rows_text), cols=len(rows_text[0]))
    for r, row in enumerate(rows_text):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    return document, table


def test_vertical_merge_is_inherited(tmp_path):
    document, table = _table(
        [["主要任务", "牵头单位", "完成时限"], ["公开预算", "", "6月底前"], ["公开决算", "", "9月底前"]]
    )
    merged = table.cell(1, 1).merge(table.cell(2, 1))
    merged.text = "县财政局"
    path = tmp_path / "m.docx"
    document.save(path)
    record = read_ledger(path)
    assert [(t.text, t.units[0].text, t.units[0].inherited, t.deadline) for t in record.tasks] == [
        ("公开预算", "县财政局", False, "6月底前"),
        ("公开决算", "县财政局", True, "9月底前"),
    ]
    assert [sorted(t.inherited) for t in record.tasks] == [[], ["leadUnit"]]


def test_empty_cell_does_not_inherit(tmp_path):
    """An empty cell that no merge covers stays empty: it does not take the unit or deadline above."""
    document, _ = _table(
        [["主要任务", "牵头单位", "完成时限"], ["公开预算", "县财政局", "6月底前"], ["公开决算", "", ""]]
    )
    path = tmp_path / "e.docx"
    document.save(path)
    record = read_ledger(path)
    assert [(t.text, [u.text for u in t.units], t.deadline) for t in record.tasks] == [
        ("公开预算", ["县财政局"], "6月底前"),
        ("公开决算", [], None),
    ]


def test_line_breaks_in_a_cell_separate_units(tmp_path):
    from zwgk.analysis.agencies import split_units

    document, table = _table([["主要任务", "牵头单位"], ["公开会议结果", ""]])
    run = table.cell(1, 1).paragraphs[0].add_run("各镇")
    run.add_break()
    run = table.cell(1, 1).paragraphs[0].add_run("县政府各部门")
    run.add_break()
    table.cell(1, 1).paragraphs[0].add_run("直属机构")
    path = tmp_path / "br.docx"
    document.save(path)
    (task,) = read_ledger(path).tasks
    assert task.units[0].text == "各镇\n县政府各部门\n直属机构"
    assert len(split_units(task.units[0].text, role=task.units[0].role)) == 3


def test_spanned_columns_and_nested_table(tmp_path):
    document, table = _table(
        [
            ["主要任务", "牵头单位", "责任单位", "完成时限"],
            ["公开预算", "县财政局", "", "6月底前"],
            ["公开决算", "", "", "9月底前"],
        ]
    )
    # 牵头单位 spans two columns in row 1: the covered position is not an empty 责任单位 of its own.
    table.cell(1, 1).merge(table.cell(1, 2))
    # A table nested in the 牵头单位 cell of row 2: its text is the cell's text.
    cell = table.cell(2, 1)
    inner = cell.add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "县审计局"
    inner.cell(1, 0).text = "县统计局"
    path = tmp_path / "n.docx"
    document.save(path)
    record = read_ledger(path)
    assert [t.text for t in record.tasks] == ["公开预算", "公开决算"]
    assert [u.text for u in record.tasks[0].units] == ["县财政局"]
    assert [u.text for u in record.tasks[1].units] == ["县审计局\n县统计局"]
    assert [t.deadline for t in record.tasks] == ["6月底前", "9月底前"]


def test_shiquan_fixture():
    record = read_ledger(FIXTURES / "shiquan.docx")
    assert record.layout == "docx"
    assert same_as_shiquan(record) == 150
