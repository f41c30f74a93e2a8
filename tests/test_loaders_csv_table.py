"""CSV tables: the 004 table written as .csv loads to the same tasks as the text version."""

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
    path = tmp_path / "ledger.csv"
    text = "序号,主要任务,责任单位,完成时限\n1,公开预算,县财政局,6月底前\n2,公开决算,,\n"
    path.write_bytes(text.encode("gb18030"))
    record = read_ledger(path)
    assert [(t.number, t.text, t.units[0].text, t.units[0].inherited, t.deadline) for t in record.tasks] == [
        ("1", "公开预算", "县财政局", False, "6月底前"),
        ("2", "公开决算", "县财政局", True, "6月底前"),
    ]
