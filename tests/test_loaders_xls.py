"""Excel 97-2003 (.xls) and WPS (.et) workbooks, read with xlrd: the 石泉县 fixture (converted by
LibreOffice from shiquan.xlsx, its merged ranges kept) loads to the text sample's 150 tasks."""

from __future__ import annotations

import shutil
from pathlib import Path

from office_rows import same_as_shiquan

from zwgk.loaders import Source, read_ledger, xls

FIXTURES = Path(__file__).parent / "data" / "formats" / "office"


def test_xls_same_as_text():
    record = read_ledger(FIXTURES / "shiquan.xls")
    assert record.layout == "xls"
    assert record.title == "石泉县2021年政务公开工作任务分解一览表"
    assert same_as_shiquan(record) == 150


def test_et_is_the_same_format(tmp_path):
    path = tmp_path / "shiquan.et"
    shutil.copyfile(FIXTURES / "shiquan.xls", path)
    record = read_ledger(path)
    assert record.layout == "xls"
    assert len(record.tasks) == 150


def test_detect_tells_a_workbook_from_a_word_file():
    assert xls.detect(Source(FIXTURES / "shiquan.xls")) > 0
    assert xls.detect(Source(FIXTURES / "shiquan.doc")) == 0
    assert xls.detect(Source(FIXTURES / "shiquan.xlsx")) == 0


def test_only_merged_ranges_inherit():
    """The three-level indicator paths leave the fourth indicator cell empty and unmerged: the
    tasks keep three indicators, not the fourth of the row above."""
    record = read_ledger(FIXTURES / "shiquan.xls")
    assert sum(1 for t in record.tasks if len(t.indicators) == 3) == 12
