"""The embedded store: atomic, idempotent loads; bad input leaves it exactly as it was."""

from __future__ import annotations

import pickle

import pytest

from zwgk.errors import BatchRefused, InputError, StoreError
from zwgk.pipeline import load_paths
from zwgk.store.embedded import LedgerStore


def _snapshot(location) -> set:
    with LedgerStore.open(location, read_only=True) as store:
        return set(store.raw)


def test_reload_yields_the_same_triples(tmp_path, samples):
    location = tmp_path / "db"
    with LedgerStore.open(location) as store:
        first = load_paths(store, [samples["004"], samples["003"]])
    before = _snapshot(location)
    with LedgerStore.open(location) as store:
        second = load_paths(store, [samples["004"], samples["003"]])
    assert _snapshot(location) == before
    assert [s.status for s in first.summaries] == ["new", "new"]
    assert [s.status for s in second.summaries] == ["unchanged", "unchanged"]
    assert [s.tasks for s in second.summaries] == [37, 22]


def test_changed_file_replaces_the_ledger_whole(tmp_path, samples):
    location = tmp_path / "db"
    ledger = tmp_path / "hualong.txt"
    text = samples["004"].read_text(encoding="utf-8")
    ledger.write_text(text, encoding="utf-8")
    with LedgerStore.open(location) as store:
        load_paths(store, [ledger])
    # Drop the last row of the table: same ledger identity, one task fewer.
    lines = text.rstrip("\n").split("\n")
    ledger.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with LedgerStore.open(location) as store:
        report = load_paths(store, [ledger])
        infos = store.ledgers()
    assert report.summaries[0].status == "replaced"
    assert [(i.task_count, i.source_file) for i in infos] == [(36, "hualong.txt")]


@pytest.mark.parametrize(
    "name, content, line",
    [
        ("empty.txt", b"", 1),
        # The first NUL byte is on the third line.
        ("binary.txt", b"\x07\x08\r\n\x1a\n\x00\x00\x00\rIHDR", 3),
        ("image.docx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1),
        ("unknown.txt", "这是一份普通的通知。\n请各单位认真学习。\n".encode(), 1),
    ],
)
def test_bad_input_leaves_the_store_unchanged(tmp_path, samples, name, content, line):
    location = tmp_path / "db"
    with LedgerStore.open(location) as store:
        load_paths(store, [samples["003"]])
    before = _snapshot(location)
    bad = tmp_path / name
    bad.write_bytes(content)
    with LedgerStore.open(location) as store, pytest.raises(InputError) as caught:
        # The good file comes first: nothing of the batch may be written.
        load_paths(store, [samples["004"], bad])
    assert caught.value.path == str(bad)
    assert caught.value.line == line
    assert _snapshot(location) == before


def test_keep_going_loads_the_good_files(tmp_path, samples):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with LedgerStore.open(tmp_path / "db") as store:
        report = load_paths(store, [samples["004"], bad], keep_going=True)
    assert [s.tasks for s in report.summaries] == [37]
    assert [e.path for e in report.skipped] == [str(bad)]
    assert [(r.file, r.line) for r in report.refused] == [(str(bad), 1)]
    assert report.read == 1


def test_every_file_is_read_before_the_batch_is_refused(tmp_path, samples):
    """A plain load reads every file, names every refused one, and writes nothing."""
    location = tmp_path / "db"
    with LedgerStore.open(location) as store:
        load_paths(store, [samples["003"]])
    before = _snapshot(location)
    empty, notice = tmp_path / "a-empty.txt", tmp_path / "b-notice.txt"
    empty.write_bytes(b"")
    notice.write_text("这是一份普通的通知。\n请各单位认真学习。\n", encoding="utf-8")
    with LedgerStore.open(location) as store, pytest.raises(BatchRefused) as caught:
        load_paths(store, [empty, samples["004"], notice, samples["001"]])
    refused = caught.value
    assert [(r.file, r.line) for r in refused.refused] == [(str(empty), 1), (str(notice), 1)]
    assert refused.read == 2
    assert refused.path == str(empty) and refused.line == 1  # it reads as the first refusal
    assert "and 1 more file refused" in str(refused)
    first = refused.refused[0]
    assert "empty" in first.message and first.message_zh
    assert first.as_json() == {"file": str(empty), "line": 1, "message": first.message, "message_zh": first.message_zh}
    again = pickle.loads(pickle.dumps(refused))
    assert (again.refused, again.read, str(again)) == (refused.refused, refused.read, str(refused))
    assert _snapshot(location) == before


def test_parallel_load_carries_warnings_and_refusals(tmp_path, samples, monkeypatch):
    """Summaries and refusals cross the worker processes' boundary whole."""
    import zwgk.pipeline as store_module
    from zwgk.model import LedgerWarning

    monkeypatch.setattr(store_module, "PARALLEL_FROM", 2)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with LedgerStore.open(tmp_path / "db") as store:
        report = load_paths(store, [samples["000"], bad, samples["004"]], keep_going=True, workers=2)
    assert [s.source_file for s in report.summaries] == [samples["000"].name, samples["004"].name]
    warnings = report.summaries[0].warnings
    assert isinstance(warnings, tuple) and all(isinstance(w, LedgerWarning) for w in warnings)
    assert "year-unknown" in [w.code for w in warnings]
    assert [r.file for r in report.refused] == [str(bad)] and report.read == 2


def test_second_writer_gets_a_clear_error(tmp_path):
    location = tmp_path / "db"
    with LedgerStore.open(location):
        import subprocess
        import sys

        code = (
            "from zwgk.store import LedgerStore\n"
            "from zwgk.errors import StoreError\n"
            f"try:\n    LedgerStore.open({str(location)!r})\n"
            "except StoreError as e:\n    print('StoreError', e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("StoreError") and "in use by another zwgk process" in out and "pid" in out


def test_read_only_open_of_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        LedgerStore.open(tmp_path / "nothing", read_only=True)


def test_unknown_ledger_id(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store, pytest.raises(StoreError, match="no ledger"):
        list(store.quads(ledger_ids=["1999-0000000000"]))


def test_ledgers_named_are_looked_up_by_id_and_given_in_the_order_named(sample_store):
    """Named ledgers are found by their IRIs (no listing of every ledger), with the same records
    as the list, in the order named; an unknown id or one that cannot be an id is one error."""
    with LedgerStore.open(sample_store, read_only=True) as store:
        every = {info.id: info for info in store.ledgers()}
        wanted = sorted(every, reverse=True)[:3]
        assert store.resolve_ids(wanted) == [every[lid] for lid in wanted]
        assert store.resolve_ids([wanted[0], wanted[0]]) == [every[wanted[0]]] * 2
        assert store.resolve_ids(None) == list(every.values())
        for odd in (["1999-0000000000"], [wanted[0], "x> } ?s ?p ?o {"], ["石泉县"]):
            with pytest.raises(StoreError, match="no ledger with id"):
                store.resolve_ids(odd)


def test_ontology_graph_is_loaded_once(sample_store):
    from pyoxigraph import NamedNode

    from zwgk.ontology.iris import ONTOLOGY_GRAPH, ZW

    with LedgerStore.open(sample_store, read_only=True) as store:
        classes = set(store.raw.quads_for_pattern(NamedNode(ZW + "Task"), None, None, NamedNode(ONTOLOGY_GRAPH)))
    assert classes, "the ontology graph holds zw:Task's declaration"


def test_second_writer_waits_for_the_first_with_wait(tmp_path, samples):
    import subprocess
    import sys

    location = tmp_path / "db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom zwgk.store import LedgerStore\n"
            f"s = LedgerStore.open({str(location)!r})\nprint('open', flush=True)\ntime.sleep(1.5)\ns.close()\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    with pytest.raises(StoreError, match="in use by"):
        LedgerStore.open(location)
    with LedgerStore.open(location, wait=30) as store:
        report = load_paths(store, [samples["003"]])
    holder.wait()
    assert report.summaries[0].tasks == 22


def test_serve_lock_is_named_in_the_refusal(tmp_path, samples):
    from zwgk.store.lock import locked

    location = tmp_path / "db"
    with locked(location, purpose="serve"):
        import subprocess
        import sys

        out = subprocess.run(
            [sys.executable, "-m", "zwgk.cli", "--store", str(location), "load", str(samples["003"])],
            capture_output=True,
            text=True,
        )
    assert out.returncode == 2
    assert "zwgk serve" in out.stderr and "stop the server" in out.stderr


def test_a_reading_that_loses_most_of_a_ledger_does_not_replace_it(tmp_path):
    """The 石泉县 ledger (150 tasks) reloaded from a copy cut after its first rows is refused,
    naming both counts, and the stored ledger stays whole; --replace (replace=True) replaces it."""
    from conftest import SAMPLE

    from zwgk.errors import InputError
    from zwgk.pipeline import load_paths
    from zwgk.store.embedded import LedgerStore

    full = SAMPLE["001"]
    lines = full.read_text(encoding="utf-8").split("\n")
    cut_dir = tmp_path / "cut"
    cut_dir.mkdir()
    cut = cut_dir / full.name
    cut.write_text("\n".join(lines[: len(lines) // 4]), encoding="utf-8")
    with LedgerStore.open(tmp_path / "db") as store:
        load_paths(store, [full])
        with pytest.raises(InputError) as caught:
            load_paths(store, [cut])
        assert "150" in str(caught.value) and "--replace" in str(caught.value)
        assert [info.task_count for info in store.ledgers()] == [150]
        report = load_paths(store, [cut], replace=True)
        assert report.summaries[0].status == "replaced"
        assert [info.task_count for info in store.ledgers()] == [report.summaries[0].tasks]
