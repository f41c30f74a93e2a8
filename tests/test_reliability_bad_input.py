"""Bad input: every file an analyst's inbox may hold either loads correctly or gets one clear
error (file, line, what was expected), exit status 2, and the store unchanged."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.cli import main
from zwgk.errors import InputError
from zwgk.loaders import read_ledger

TSV_HEADER = "序号\t主要任务\t牵头单位\t责任单位\t完成时限"


def _tsv(rows: list[str]) -> str:
    return "石泉县2021年政务公开工作任务分解表\n" + TSV_HEADER + "\n" + "\n".join(rows) + "\n"


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("石泉县2021年政务公开工作任务分解表")
    table = document.add_table(rows=3, cols=4)
    for j, title in enumerate(["序号", "主要任务", "责任单位", "完成时限"]):
        table.cell(0, j).text = title
    for i in (1, 2):
        for j, value in enumerate([str(i), f"及时公开第{i}项政策文件", "县财政局", "10月底前"]):
            table.cell(i, j).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx_bytes(*, formulas: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "说明"
    hidden.append(["这是隐藏的说明页"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("任务")
    sheet.append(["序号", "主要任务", "责任单位", "完成时限"])
    for i in (1, 2, 3):
        number = "=ROW()-1" if formulas else i
        sheet.append([number, f"公开第{i}项重大建设项目信息", "县发展改革局", "年底前"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, int | None]]:
    """name → (file, expected task count, or None when a clear error is expected)."""
    sample = SAMPLE["004"].read_text(encoding="utf-8")
    files: dict[str, tuple[bytes, int | None, str]] = {
        "empty": (b"", None, "empty.txt"),
        "whitespace": (b"  \n\t\n\r\n   \n", None, "blank.txt"),
        "binary": (bytes(range(256)) * 8, None, "data.txt"),
        "png-renamed-docx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, None, "ledger.docx"),
        "truncated-docx": (_docx_bytes()[:700], None, "truncated.docx"),
        "truncated-xlsx": (_xlsx_bytes()[:900], None, "truncated.xlsx"),
        "xlsx-formulas-hidden": (_xlsx_bytes(formulas=True), 3, "formulas.xlsx"),
        "gb18030": (sample.encode("gb18030"), 37, "gb.txt"),
        "utf-16": (sample.encode("utf-16"), 37, "utf16.txt"),
        "utf-16-without-bom": (sample.encode("utf-16-le"), 37, "utf16le.txt"),
        "mixed-line-endings": (
            "".join(
                line + ("\r\n" if i % 3 == 0 else "\r" if i % 3 == 1 else "\n")
                for i, line in enumerate(sample.split("\n"))
            ).encode("utf-8"),
            37,
            "mixed.txt",
        ),
        "no-header": (("一些文字\t另一些文字\t更多\n" * 20).encode("utf-8"), None, "noheader.txt"),
        "rows-all-empty": (_tsv(["\t\t\t\t"] * 12).encode("utf-8"), None, "emptyrows.txt"),
        "control-and-surrogates": (
            _tsv([f"{i}\t公开\x07第{i}项\x1b信息\ud800\t县财政局\t各镇\t10月底前" for i in range(1, 4)]).encode(
                "utf-8", errors="surrogatepass"
            ),
            3,
            "control.txt",
        ),
        "very-long-cells": (
            _tsv([f"{i}\t" + "公开政府信息" * 20000 + "\t县财政局\t各镇\t10月底前" for i in (1, 2)]).encode("utf-8"),
            2,
            "long.txt",
        ),
        "legacy-doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, None, "old.doc"),
        "zip-not-office": (_zip_bytes(), None, "archive.docx"),
    }
    out = {}
    for name, (data, expected, filename) in files.items():
        path = tmp / name / filename
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        out[name] = (path, expected)
    return out


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


BAD = [
    "empty",
    "whitespace",
    "binary",
    "png-renamed-docx",
    "truncated-docx",
    "truncated-xlsx",
    "xlsx-formulas-hidden",
    "gb18030",
    "utf-16",
    "utf-16-without-bom",
    "mixed-line-endings",
    "no-header",
    "rows-all-empty",
    "control-and-surrogates",
    "very-long-cells",
    "legacy-doc",
    "zip-not-office",
]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    return _bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", BAD)
def test_loads_or_fails_clearly(bad_inputs, name):
    path, expected = bad_inputs[name]
    if expected is None:
        with pytest.raises(InputError) as caught:
            read_ledger(path)
        assert caught.value.path == str(path)
        assert caught.value.line is not None and caught.value.line >= 1
        assert caught.value.expected
    else:
        record = read_ledger(path)
        assert len(record.tasks) == expected
        for task in record.tasks:
            assert "\x07" not in task.text and "\x1b" not in task.text
            task.text.encode("utf-8")


@pytest.mark.parametrize("name", [n for n in BAD if n in ("empty", "truncated-docx", "png-renamed-docx", "no-header")])
def test_cli_exit_2_and_store_unchanged(tmp_path, bad_inputs, name):
    store = str(tmp_path / "db")
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store, "load", str(SAMPLE["003"])]).exit_code == 0
    before = runner.invoke(main, ["--store", store, "export", "--format", "nquads"]).output
    path, _ = bad_inputs[name]
    result = runner.invoke(main, ["--store", store, "load", str(SAMPLE["004"]), str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("zwgk: error")]) == 1
    assert runner.invoke(main, ["--store", store, "export", "--format", "nquads"]).output == before


def test_fifty_megabytes_is_refused_clearly(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        line = ("1\t" + "公开" * 100 + "\t县财政局\t各镇\t10月底前\n").encode("utf-8")
        handle.write(("序号\t主要任务\t牵头单位\t责任单位\t完成时限\n").encode())
        while handle.tell() < 50 * 2**20:
            handle.write(line * 1000)
    with pytest.raises(InputError, match="larger than any ledger") as caught:
        read_ledger(path)
    assert caught.value.path == str(path) and caught.value.line == 1


def test_ten_thousand_tasks_load(tmp_path):
    from zwgk.pipeline import load_paths
    from zwgk.store.embedded import LedgerStore

    rows = [
        f"{i}\t及时公开第{i}项政策文件并做好解读\t县{['财政局', '民政局', '司法局'][i % 3]}\t各镇\t{i % 12 + 1}月底前"
        for i in range(1, 10001)
    ]
    path = tmp_path / "big.txt"
    path.write_text(_tsv(rows), encoding="utf-8")
    with LedgerStore.open(tmp_path / "db") as store:
        report = load_paths(store, [path])
        assert report.summaries[0].tasks == 10000
        assert [i.task_count for i in store.ledgers()] == [10000]
