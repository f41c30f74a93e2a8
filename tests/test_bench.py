"""The benchmark harness runs end to end on a tiny corpus and writes results.json in the issue's
schema. Its numbers are measurements, never asserted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_harness_runs_on_three_ledgers_and_writes_the_schema(tmp_path, capsys):
    sys.path.insert(0, str(BENCH))
    import run

    out = tmp_path / "results.json"
    assert run.main(["--sizes", "3", "--work", str(tmp_path / "work"), "--out", str(out), "--repeat", "1"]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) == {"machine", "versions", "runs"}
    assert {"pyoxigraph", "rdflib", "pyshacl"} <= set(results["versions"])
    (entry,) = results["runs"]
    assert entry["n"] == 3
    for key in (
        "load_s",
        "load_peak_mib",
        "validate_s",
        "validate_pyshacl_s",
        "export_s",
        "align_s",
        "align_peak_mib",
        "one_more_load_s",
        "store_mib",
    ):
        assert isinstance(entry[key], float), key
    assert entry["queries"] and all(
        {"median_s", "rdflib_median_s", "rows"} <= set(q) for q in entry["queries"].values()
    )
    # required parameters get values from the corpus itself: a ledger id, the typical unit name
    assert entry["queries"]["indicator-tree"]["parameters"]["ledger"].split("-")[0].isdigit()
    assert entry["queries"]["unit-tasks"]["parameters"] == {"unit": "财政局"}
    assert entry["validate_same_results"] is True
    # the template's three ledgers: 北京市 and the first two of its counties, each read whole
    assert entry["queries"]["ledgers"]["rows"] == 3
    printed = capsys.readouterr().out
    assert "pyshacl s" in printed and "rdflib s" in printed and "align s" in printed


def test_a_reference_run_past_its_time_limit_is_stopped_and_marked():
    sys.path.insert(0, str(BENCH))
    import time

    import run

    assert run._reference_time(lambda: time.sleep(30), repeat=3, timeout=0.5) == (0.5, True)
    seconds, stopped = run._reference_time(lambda: sum(range(1000)), repeat=3, timeout=30)
    assert not stopped and 0 < seconds < 30


def test_a_size_above_full_up_to_is_a_point_appended_to_the_results(tmp_path):
    """The national point (N = 30,000 in bench/README.md): load, store size and saved queries
    only, appended beside the runs already written."""
    sys.path.insert(0, str(BENCH))
    import run

    out = tmp_path / "results.json"
    kept = {"n": 1, "load_s": 1.0, "load_peak_mib": 100.0, "queries": {}}
    out.write_text(json.dumps({"runs": [kept, {**kept, "n": 4, "replaced": True}]}), encoding="utf-8")
    argv = ["--sizes", "4", "--full-up-to", "3", "--append", "--work", str(tmp_path / "work"), "--out", str(out)]
    assert run.main([*argv, "--repeat", "1"]) == 0
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert [r["n"] for r in runs] == [1, 4] and runs[0] == kept
    point = runs[1]
    assert isinstance(point["load_s"], float) and isinstance(point["store_mib"], float)
    assert point["queries"]["ledgers"]["rows"] == 4
    assert not {"validate_s", "align_s", "one_more_load_s", "pages", "replaced"} & set(point)
