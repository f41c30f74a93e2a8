"""Ledger metadata from the printed document, overrides, and text encodings."""

from __future__ import annotations

import pytest
from conftest import SAMPLE

from zwgk.errors import InputError
from zwgk.loaders import read_ledger
from zwgk.loaders.model import Overrides


def test_metadata_of_001():
    record = read_ledger(SAMPLE["001"])
    assert (record.issuer, record.year, record.doc_number, record.jurisdiction) == (
        "石泉县人民政府办公室", 2021, "石政办函〔2021〕12号", "石泉县")


def test_undated_000_warns_and_override_fills():
    assert "year-unknown" in [w.code for w in read_ledger(SAMPLE["000"]).warnings]
    assert read_ledger(SAMPLE["000"], overrides=Overrides(year=2019)).year == 2019


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "x.txt"
    path.write_bytes(SAMPLE["000"].read_text(encoding="utf-8").encode(encoding))
    record = read_ledger(path)
    assert len(record.tasks) == 68 and record.tasks[14].units[0].text == "人事处"


def test_unrecognised_file_names_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("今天天气很好。\n明天再说。\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert "notes.txt" in str(err.value)
