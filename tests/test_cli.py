"""The command line through click's runner, and its start-up cost in a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zwgk.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_load_then_list_as_json(tmp_path, samples):
    store = str(tmp_path / "db")
    result = run("--store", store, "load", str(samples["003"]), str(samples["004"]))
    assert result.exit_code == 0, result.output
    assert "22 tasks" in result.output and "37 tasks" in result.output
    listed = json.loads(run("--store", store, "ledgers", "--format", "json").output)
    by_file = {item["source_file"]: item for item in listed}
    assert by_file["huainan-canlian-2024-renwu-fengong.txt"]["task_count"] == 22
    assert by_file["huainan-canlian-2024-renwu-fengong.txt"]["year"] == 2024
    assert by_file["hualong-2020-zeren-fengong.txt"]["jurisdiction"] == "华龙区"
    assert set(by_file["hualong-2020-zeren-fengong.txt"]) >= {
        "id",
        "title",
        "jurisdiction",
        "year",
        "source_file",
        "task_count",
    }


def test_bad_file_exit_status_2_names_the_file(tmp_path, samples):
    store = str(tmp_path / "db")
    assert run("--store", store, "load", str(samples["003"])).exit_code == 0
    bad = tmp_path / "notes.bin"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = CliRunner().invoke(main, ["--store", store, "load", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output and "binary" in result.output
    listed = json.loads(run("--store", store, "ledgers", "--format", "json").output)
    assert [item["task_count"] for item in listed] == [22]


def test_export_formats_parse_back(tmp_path, samples):
    import rdflib

    store = str(tmp_path / "db")
    run("--store", store, "load", str(samples["003"]))
    listed = json.loads(run("--store", store, "ledgers", "--format", "json").output)
    lid = listed[0]["id"]
    for fmt, rdflib_format in (("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")):
        out = tmp_path / f"export.{fmt}"
        result = run("--store", store, "export", "--format", fmt, "--ledger", lid, "-o", str(out))
        assert result.exit_code == 0, result.output
        graph = rdflib.Dataset(default_union=True)
        graph.parse(out, format=rdflib_format)
        tasks = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/zwgk/ontology#Task")))
        assert len(tasks) == 22, fmt


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from zwgk.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'jieba', 'pyoxigraph', 'docx', 'openpyxl') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_remove_drops_a_ledger_and_refuses_unknown_ids(tmp_path, samples):
    store = str(tmp_path / "db")
    run("--store", store, "load", str(samples["003"]), str(samples["004"]))
    assert run("--store", store, "remove", "2024-e0e5bb0c5e").exit_code == 0
    listed = json.loads(run("--store", store, "ledgers", "--format", "json").output)
    assert [item["id"] for item in listed] == ["2020-4bd17732d6"]
    unknown = CliRunner().invoke(main, ["--store", store, "remove", "1999-0000000000"])
    assert unknown.exit_code == 2 and "no ledger with id 1999-0000000000" in unknown.output


HEADER = ["序号", "主要任务", "牵头单位", "奇怪列", "完成时限"]
ROWS = [
    ["1", "及时公开政策文件", "县财政局", "甲", "6月底前"],
    ["2", "做好政策解读工作", "县民政局", "乙", "9月底前"],
    ["3", "回应社会关切问题", "县司法局", "丙", "12月底前"],
]
NOTICE = "这是一份普通的通知。\n请各单位认真学习。\n"


def _ledger_with_warnings(path):
    """A small table with a column no synonym knows (header on line 3) and no year, place or issuer."""
    path.write_text(
        "政务公开工作任务分解表\n\n" + "\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\n", encoding="utf-8"
    )
    return path


def invoke(*args: str, lang: str = "en"):
    return CliRunner().invoke(main, list(args), env={"ZWGK_LANG": lang, "LANG": "C.UTF-8"})


def test_load_shows_warnings_with_code_and_line(tmp_path):
    path = _ledger_with_warnings(tmp_path / "ledger.txt")
    result = invoke("--store", str(tmp_path / "db"), "load", "--layout", "tsv", str(path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "    warning [unknown-header] line 3: unknown header words: 奇怪列" in lines
    assert "    warning [year-unknown] year unknown: give it with --year" in lines
    assert "4 warnings" in lines[0]
    chinese = invoke("--store", str(tmp_path / "db"), "load", "--layout", "tsv", str(path), lang="zh")
    assert "    warning [unknown-header] 第3行：未识别的表头：奇怪列" in chinese.output.splitlines()
    assert "    warning [issuer-unknown] 未识别发文单位，可用 --issuer 指定" in chinese.output.splitlines()


def test_load_json_carries_warnings_and_refused_files(tmp_path, samples):
    good = _ledger_with_warnings(tmp_path / "ledger.txt")
    bad = tmp_path / "notice.txt"
    bad.write_text(NOTICE, encoding="utf-8")
    store = str(tmp_path / "db")
    result = invoke(
        "--store",
        store,
        "load",
        "--format",
        "json",
        "--keep-going",
        "--layout",
        "tsv",
        str(good),
        str(bad),
        str(samples["004"]),
    )
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert set(document) == {"ledgers", "refused"}
    first, second = document["ledgers"]
    assert set(first) == {
        "id",
        "source_file",
        "title",
        "jurisdiction",
        "year",
        "layout",
        "tasks",
        "indicators",
        "agencies",
        "status",
        "warnings",
        "sha256",
        "changes",
        "replaces",
    }
    assert (first["source_file"], first["tasks"], first["status"], first["layout"]) == ("ledger.txt", 3, "new", "tsv")
    assert (first["changes"], first["replaces"], len(first["sha256"])) == (None, None, 64)
    assert {
        "code": "unknown-header",
        "line": 3,
        "en": "unknown header words: 奇怪列",
        "zh": "未识别的表头：奇怪列",
    } in first["warnings"]
    assert {
        "code": "year-unknown",
        "line": None,
        "en": "year unknown: give it with --year",
        "zh": "未识别年度，可用 --year 指定",
    } in first["warnings"]
    assert (second["source_file"], second["tasks"], second["warnings"]) == ("hualong-2020-zeren-fengong.txt", 37, [])
    (refused,) = document["refused"]
    assert (refused["file"], refused["line"]) == (str(bad), 1)
    assert refused["message"] and refused["message_zh"]
    # Without --keep-going the same batch writes nothing and lists no ledger.
    again = invoke("--store", str(tmp_path / "db2"), "load", "--format", "json", "--layout", "tsv", str(good), str(bad))
    assert again.exit_code == 2
    assert json.loads(again.stdout) == {"ledgers": [], "refused": document["refused"]}
    # Everything read: exit 0, nothing refused.
    fine = invoke("--store", store, "load", "--format", "json", "--layout", "tsv", str(samples["004"]))
    assert fine.exit_code == 0
    assert json.loads(fine.stdout)["refused"] == [] and json.loads(fine.stdout)["ledgers"][0]["status"] == "unchanged"


def _folder(tmp_path, samples):
    folder = tmp_path / "ledgers"
    folder.mkdir()
    for key in ("003", "004"):
        (folder / samples[key].name).write_bytes(samples[key].read_bytes())
    (folder / "zz-notice.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    (folder / "README.md").write_text("# 说明\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text(NOTICE, encoding="utf-8")
    return folder


def test_folder_with_a_bad_file_writes_nothing_and_names_it(tmp_path, samples):
    folder = _folder(tmp_path, samples)
    store = str(tmp_path / "db")
    result = invoke("--store", store, "load", str(folder))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    bad = str(folder / "zz-notice.txt")
    refused = [line for line in lines if bad in line]
    assert len(refused) == 1 and refused[0].startswith(f"refused: {bad}, line 1: ")
    assert lines[-1] == (
        "zwgk: error: 2 files read, 1 refused; nothing was written (--keep-going loads the files that were read)"
    )
    assert f"skipped: {folder / '.hidden.txt'} (hidden)" in lines
    assert f"skipped: {folder / 'README.md'} (a project file, not a ledger)" in lines
    assert f"skipped: {folder / 'photo.png'} (not a ledger format (.png))" in lines
    assert result.stdout == ""
    assert json.loads(invoke("--store", store, "ledgers", "--format", "json").stdout) == []
    chinese = invoke("--store", store, "load", str(folder), lang="zh")
    assert chinese.exit_code == 2
    assert any(line.startswith(f"未能读取：{bad} 第1行：") for line in chinese.stderr.splitlines())
    assert chinese.stderr.splitlines()[-1].startswith("zwgk: error: 读取 2 个文件，1 个未能读取；未写入任何内容")


def test_folder_keep_going_loads_the_good_ones_and_names_the_bad(tmp_path, samples):
    folder = _folder(tmp_path, samples)
    store = str(tmp_path / "db")
    result = invoke("--store", store, "load", "--keep-going", str(folder))
    assert result.exit_code == 2
    assert "22 tasks" in result.stdout and "37 tasks" in result.stdout
    bad = str(folder / "zz-notice.txt")
    assert any(line.startswith(f"refused: {bad}, line 1: ") for line in result.stderr.splitlines())
    assert result.stderr.splitlines()[-1] == "zwgk: error: 2 files read, 1 refused; the files read were loaded"
    listed = json.loads(invoke("--store", store, "ledgers", "--format", "json").stdout)
    assert sorted(item["task_count"] for item in listed) == [22, 37]


def test_one_bad_file_is_one_error_line(tmp_path):
    bad = tmp_path / "notice.txt"
    bad.write_text(NOTICE, encoding="utf-8")
    for extra in ((), ("--keep-going",)):
        result = invoke("--store", str(tmp_path / "db"), "load", *extra, str(bad))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"zwgk: error: {bad}:1: ") and len(result.stderr.splitlines()) == 1


def test_validate_folder_reads_every_file_and_names_the_bad_one(tmp_path, samples):
    """validate FOLDER no longer stops at the first unreadable file: plain, it validates nothing
    and names the bad file; with --keep-going it validates the two good ledgers and still exits 2."""
    folder = _folder(tmp_path, samples)
    bad = str(folder / "zz-notice.txt")
    plain = invoke("validate", "--lang", "en", "--format", "summary", str(folder))
    assert plain.exit_code == 2
    assert any(line.startswith(f"refused: {bad}, line 1: ") for line in plain.stderr.splitlines())
    assert plain.stderr.splitlines()[-1].startswith("zwgk: error: 2 files read, 1 refused; nothing was validated")
    going = invoke("validate", "--keep-going", "--lang", "en", "--format", "summary", str(folder))
    assert going.exit_code == 2
    assert "2 ledgers" in going.stdout
    assert going.stderr.splitlines()[-1] == "zwgk: error: 2 files read, 1 refused; the files read were validated"


FORMATS = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(
    "name, says",
    [
        ("pdf/scanned.pdf", "scan"),
        ("pdf/encrypted.pdf", "password"),
        ("html/no-ledger.html", "no ledger found"),
    ],
)
def test_unreadable_formats_get_one_message_and_leave_the_store_as_it_was(tmp_path, samples, name, says):
    """A scanned PDF, a password-protected PDF and a web page without a ledger: one message
    naming the file, exit status 2, and the ledger already in the store untouched."""
    store = str(tmp_path / "db")
    assert invoke("--store", store, "load", str(samples["004"])).exit_code == 0
    before = invoke("--store", store, "export", "--format", "nquads").stdout
    path = FORMATS / name
    result = invoke("--store", store, "load", str(path))
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"zwgk: error: {path}") and says in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert invoke("--store", store, "export", "--format", "nquads").stdout == before


def test_export_to_standard_output_is_only_the_data(tmp_path, samples):
    """Without -o the data goes to standard output and nothing else does (no summary line)."""
    from pyoxigraph import RdfFormat, parse

    store = str(tmp_path / "db")
    assert run("--store", store, "load", str(samples["003"])).exit_code == 0
    result = CliRunner().invoke(main, ["--store", store, "export", "--format", "nquads"])
    assert result.exit_code == 0 and result.stderr == ""
    graphs = {str(q.graph_name.value) for q in parse(result.stdout_bytes, format=RdfFormat.N_QUADS)}
    assert graphs == {"https://w3id.org/zwgk/ontology", "https://w3id.org/zwgk/id/graph/2024-e0e5bb0c5e"}
