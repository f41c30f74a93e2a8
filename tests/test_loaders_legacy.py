"""Legacy office files (.doc, .wps, .rtf) converted by LibreOffice and read as .docx: the
石泉县 fixtures (converted by LibreOffice from shiquan.docx) load to the text sample's 150 tasks
with a ``converted`` warning; without LibreOffice the file is refused with what to do; a
conversion that loses table rows is said."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from office_rows import same_as_shiquan

from zwgk.errors import InputError
from zwgk.loaders import Source, legacy, read_ledger

FIXTURES = Path(__file__).parent / "data" / "formats" / "office"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@needs_soffice
@pytest.mark.parametrize("name", ["shiquan.doc", "shiquan.rtf"])
def test_converted_same_as_text(name):
    record = read_ledger(FIXTURES / name)
    assert record.layout == "legacy-office"
    assert record.source_file == name
    assert record.title == "石泉县2021年政务公开工作任务分解一览表"
    assert record.warnings[0].code == "converted"
    assert "conversion-lost-rows" not in {w.code for w in record.warnings}
    assert same_as_shiquan(record) == 150


@needs_soffice
def test_wps_is_converted_as_a_word_file(tmp_path):
    path = tmp_path / "shiquan.wps"
    shutil.copyfile(FIXTURES / "shiquan.doc", path)
    record = read_ledger(path)
    assert record.layout == "legacy-office"
    assert len(record.tasks) == 150


def test_detect():
    assert legacy.detect(Source(FIXTURES / "shiquan.doc")) > 0
    assert legacy.detect(Source(FIXTURES / "shiquan.rtf")) > 0
    assert legacy.detect(Source(FIXTURES / "shiquan.xls")) == 0  # the xls reader reads it


def test_without_libreoffice_the_file_is_refused(monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    with pytest.raises(InputError) as caught:
        read_ledger(FIXTURES / "shiquan.doc")
    message = str(caught.value)
    assert "shiquan.doc" in message
    assert "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)" in message
    assert "save it as .docx/.xlsx" in message


def test_lost_rows_are_said(monkeypatch, tmp_path):
    """An RTF whose ``\\row`` marks count more rows than the converted document holds."""
    path = tmp_path / "big.rtf"
    path.write_bytes(b"{\\rtf1\\ansi " + b"\\intbl x\\cell\\row " * 200 + b"}")

    def fake_convert(source, target, workdir):
        copy = workdir / "input.docx"
        shutil.copyfile(FIXTURES / "shiquan.docx", copy)
        return copy

    monkeypatch.setattr(legacy, "convert", fake_convert)
    record = read_ledger(path)
    codes = [w.code for w in record.warnings]
    assert codes[:2] == ["converted", "conversion-lost-rows"]
    assert "49 of 200 table rows" in record.warnings[1].en
