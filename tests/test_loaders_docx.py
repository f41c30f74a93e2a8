"""Word documents: the 004 table written with python-docx, its empty lead cells merged
vertically into the cell above (real vMerge), loads to the same tasks as the text version."""

from __future__ import annotations

from conftest import SAMPLE
from office_rows import same_tasks, sample_rows

from zwgk.loaders import read_ledger


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
    lead = 2
    start = None
    for r in range(1, len(rows) + 1):
        filled = r == len(rows) or bool(rows[r][lead]) or not any(rows[r])
        if filled:
            if start is not None and r - 1 > start:
                table.cell(start, lead).merge(table.cell(r - 1, lead))
                table.cell(start, lead).text = rows[start][lead]
            start = r if r < len(rows) and rows[r][lead] else None
    document.save(path)


def test_docx_same_as_text(tmp_path):
    path = tmp_path / "ledger.docx"
    _write(path)
    record = read_ledger(path)
    assert record.layout == "docx"
    same_tasks(record, read_ledger(SAMPLE["004"]))


def test_vertical_merge_is_inherited(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for c, title in enumerate(["主要任务", "牵头单位", "完成时限"]):
        table.cell(0, c).text = title
    table.cell(1, 0).text = "公开预算"
    table.cell(2, 0).text = "公开决算"
    merged = table.cell(1, 1).merge(table.cell(2, 1))
    merged.text = "县财政局"
    table.cell(1, 2).text = "6月底前"
    table.cell(2, 2).text = "9月底前"
    path = tmp_path / "m.docx"
    document.save(path)
    record = read_ledger(path)
    assert [(t.text, t.units[0].text, t.units[0].inherited, t.deadline) for t in record.tasks] == [
        ("公开预算", "县财政局", False, "6月底前"),
        ("公开决算", "县财政局", True, "9月底前"),
    ]
