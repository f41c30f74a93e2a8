"""The command line through click's runner, and its start-up cost in a real process."""

from __future__ import annotations

import json
import subprocess
import sys

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
    assert set(by_file["hualong-2020-zeren-fengong.txt"]) >= {"id", "title", "jurisdiction", "year", "source_file", "task_count"}


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
