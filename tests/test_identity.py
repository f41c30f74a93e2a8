"""Who is who: task IRIs that survive inserted rows, what a reload changed, one ledger per file
when its metadata is corrected, and no silent overwrite when two files read as one ledger."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from zwgk.cli import main
from zwgk.ontology import iris
from zwgk.store import LedgerStore

ROWS = [
    ("1", "及时公开政府预算决算信息。", "县财政局", "年底前"),
    ("2", "做好政策解读工作。", "县政府办公室", "常态化"),
    ("3", "规范依申请公开办理。", "县司法局", "10月底前"),
    ("4", "推进重点领域信息公开。", "县发改局", "6月底前"),
    ("5", "加强政府网站建设管理。", "县政府办公室", "持续推进"),
]
INSERTED = ("3", "公开财政资金直达信息。", "县财政局", "9月底前")
METADATA = ["--jurisdiction", "石泉县", "--year", "2021"]


def _csv(path: Path, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("序号,工作任务,牵头单位,完成时限\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _zwgk(store: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(store), *args])


def _tasks(store: Path) -> dict[str, str]:
    """Task text → task IRI, for every task in the store."""
    with LedgerStore.open(store, read_only=True) as opened:
        rows = opened.query(f"SELECT ?t ?text WHERE {{ ?t <{iris.ZW}text> ?text }}")
        return {row["text"].value: row["t"].value for row in rows}


def test_inserting_a_row_keeps_every_other_task_iri_and_says_what_changed(tmp_path):
    ledger, store = tmp_path / "ledger.csv", tmp_path / "store"
    assert _zwgk(store, "load", *METADATA, str(_csv(ledger, ROWS))).exit_code == 0
    before = _tasks(store)
    renumbered = [(str(int(n) + 1), t, u, d) for n, t, u, d in ROWS[2:]]
    loaded = _zwgk(store, "load", *METADATA, str(_csv(ledger, [*ROWS[:2], INSERTED, *renumbered])))
    assert loaded.exit_code == 0, loaded.output
    assert "[csv, replaced: 1 added, 0 removed, 0 changed]" in loaded.output
    after = _tasks(store)
    assert {text: after[text] for text in before} == before
    assert set(after) - set(before) == {INSERTED[1]}


def test_a_changed_lead_unit_is_a_changed_task(tmp_path):
    ledger, store = tmp_path / "ledger.csv", tmp_path / "store"
    _zwgk(store, "load", *METADATA, str(_csv(ledger, ROWS)))
    edited = [*ROWS[:3], ("4", ROWS[3][1], "县财政局", ROWS[3][3]), ROWS[4]]
    loaded = _zwgk(store, "load", *METADATA, str(_csv(ledger, edited)))
    assert "[csv, replaced: 0 added, 0 removed, 1 changed]" in loaded.output


def test_the_same_file_with_corrected_metadata_replaces_its_ledger(tmp_path):
    ledger, store = _csv(tmp_path / "ledger.csv", ROWS), tmp_path / "store"
    first = _zwgk(store, "load", str(ledger))
    assert first.exit_code == 0 and "undated-" in first.output
    old_id = first.output.split()[0]
    corrected = _zwgk(store, "load", *METADATA, str(ledger))
    assert corrected.exit_code == 0, corrected.output
    assert f"replaces {old_id}, the same file loaded before under other metadata" in corrected.output
    with LedgerStore.open(store, read_only=True) as opened:
        assert [(i.jurisdiction, i.year, i.task_count) for i in opened.ledgers()] == [("石泉县", 2021, 5)]


def test_two_different_files_that_read_as_one_ledger_are_refused_naming_both(tmp_path):
    store = tmp_path / "store"
    first = _csv(tmp_path / "乡镇甲" / "台账.csv", ROWS)
    second = _csv(tmp_path / "乡镇乙" / "台账.csv", [(n, t + "（乙）", u, d) for n, t, u, d in ROWS])
    refused = _zwgk(store, "load", *METADATA, str(first.parent), str(second.parent))
    assert refused.exit_code == 2
    assert (
        f"refused: {second}: this file and {first} are different files that read as the same ledger "
        "2021-92821517c4 (jurisdiction 石泉县, year 2021, no title (the file name counts))"
    ) in refused.output
    assert not store.exists() or _tasks(store) == {}
    replaced = _zwgk(store, "load", *METADATA, "--replace", str(first.parent), str(second.parent))
    assert replaced.exit_code == 0, replaced.output
    assert set(_tasks(store)) == {t + "（乙）" for _, t, _, _ in ROWS}


def test_twins_under_one_heading_are_told_apart_by_number_then_order():
    keys = iris.task_keys(
        [
            (("公开",), "做好公开。", "1"),
            (("公开",), "做好公开。", "2"),
            (("公开",), "其他。", None),
            (("解读",), "做好公开。", None),
            (("解读",), "做好公开。", None),
        ]
    )
    assert keys[0].endswith("-1") and keys[1].endswith("-2") and keys[0][:10] == keys[1][:10]
    assert "-" not in keys[2]
    assert keys[3].endswith("-1") and keys[4].endswith("-2") and keys[3][:10] != keys[0][:10]
    assert len(set(keys)) == 5
