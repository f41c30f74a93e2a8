"""CSV tables: the 004 table written as .csv loads to the same tasks as the text version; an
empty cell inherits only in a row that continues a merged block (loaders/table.mark_text_merges)."""

from __future__ import annotations

import csv

from conftest import SAMPLE
from office_rows import same_tasks, sample_rows

from zwgk.loaders import read_ledger


def test_csv_same_as_text(tmp_path):
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in sample_rows():
            writer.writerow(row or [])
    record = read_ledger(path)
    assert record.layout == "csv"
    same_tasks(record, read_ledger(SAMPLE["004"]))


def test_csv_gb18030(tmp_path):
    """Row 2 has its own number: it starts its own block, so its empty cells stay empty rather
    than take row 1's unit and deadline."""
    path = tmp_path / "ledger.csv"
    text = "序号,主要任务,责任单位,完成时限\n1,公开预算,县财政局,6月底前\n2,公开决算,,\n"
    path.write_bytes(text.encode("gb18030"))
    record = read_ledger(path)
    assert [
        (t.number, t.text, [(u.text, u.inherited) for u in t.units], t.deadline, t.inherited) for t in record.tasks
    ] == [
        ("1", "公开预算", [("县财政局", False)], "6月底前", frozenset()),
        ("2", "公开决算", [], None, frozenset()),
    ]


def _tasks(path):
    return [
        (t.text, [(u.text, u.inherited) for u in t.units], t.deadline, sorted(t.inherited))
        for t in read_ledger(path).tasks
    ]


def test_continuation_row_inherits_and_a_row_with_its_own_cells_does_not(tmp_path):
    """Without blank records the rows show no blocks: only a row that prints nothing but task
    text continues the merged cells above it; a row that prints its own deadline is a row of its
    own, and its empty 牵头单位 is empty."""
    path = tmp_path / "ledger.csv"
    path.write_text(
        "工作任务,牵头单位,完成时限\n公开预算,县财政局,6月底前\n公开部门预算,,\n公开决算,,9月底前\n", encoding="utf-8"
    )
    assert _tasks(path) == [
        ("公开预算", [("县财政局", False)], "6月底前", []),
        ("公开部门预算", [("县财政局", True)], "6月底前", ["deadline", "leadUnit"]),
        ("公开决算", [], "9月底前", []),
    ]


def test_a_number_opening_the_task_text_is_the_rows_own(tmp_path):
    """2. opens row 2's task: the row has its own number (the task's), so it starts its own
    block even without a 序号 column, and its empty 牵头单位 stays empty."""
    path = tmp_path / "ledger.csv"
    path.write_text("工作任务,牵头单位\n1. 公开预算,县财政局\n2. 公开决算,\n", encoding="utf-8")
    assert [(t.number, t.text, [u.text for u in t.units]) for t in read_ledger(path).tasks] == [
        ("1", "公开预算", ["县财政局"]),
        ("2", "公开决算", []),
    ]


def test_blocks_set_off_by_empty_records(tmp_path):
    """Empty records set the merged blocks off: inside a block an empty unit cell is merged
    (公开决算), across an empty record nothing is (公开审计 starts the next block)."""
    path = tmp_path / "ledger.csv"
    path.write_text(
        "工作任务,牵头单位,完成时限\n"
        "公开预算,县财政局,6月底前\n"
        "公开决算,,9月底前\n"
        "\n"
        "公开审计,,12月底前\n"
        "公开统计,县统计局,12月底前\n",
        encoding="utf-8",
    )
    assert _tasks(path) == [
        ("公开预算", [("县财政局", False)], "6月底前", []),
        ("公开决算", [("县财政局", True)], "9月底前", ["leadUnit"]),
        ("公开审计", [], "12月底前", []),
        ("公开统计", [("县统计局", False)], "12月底前", []),
    ]


def test_indicator_printed_once_is_still_the_path_of_the_rows_under_it(tmp_path):
    """An indicator is printed on the first row of its group: the rows under it keep it as their
    path even when they have numbers of their own, while their empty unit cells stay empty."""
    path = tmp_path / "ledger.csv"
    path.write_text(
        "序号,一级指标,主要任务,牵头单位\n1,财政信息公开,公开预算,县财政局\n2,,公开决算,\n", encoding="utf-8"
    )
    assert [(t.number, t.indicators, [u.text for u in t.units]) for t in read_ledger(path).tasks] == [
        ("1", ("财政信息公开",), ["县财政局"]),
        ("2", ("财政信息公开",), []),
    ]
