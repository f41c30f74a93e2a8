"""A load killed with SIGKILL at a random moment leaves a store that opens, holds no partial
ledger, and loads again correctly (issue: faults). Briefly here; longer under ``make stress``."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from zwgk.loaders import read_ledger
from zwgk.ontology.builder import build_ledger
from zwgk.store.embedded import LedgerStore


def _expected(paths) -> dict[str, set]:
    expected = {}
    for path in paths:
        built = build_ledger(read_ledger(path))
        expected[built.graph] = set(built.quads)
    return expected


def _kill_loop(tmp_path, paths, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    expected = _expected(paths)
    location = tmp_path / "db"
    command = [sys.executable, "-m", "zwgk.cli", "--store", str(location), "load", *map(str, paths)]
    for _ in range(rounds):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with LedgerStore.open(location) as store:
            for info in store.ledgers():
                stored = set(store.raw.quads_for_pattern(None, None, None, _node(info.graph)))
                assert stored == expected[info.graph], f"partial ledger {info.id}"
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with LedgerStore.open(location, read_only=True) as store:
        assert {info.graph for info in store.ledgers()} == set(expected)


def _node(iri: str):
    from pyoxigraph import NamedNode

    return NamedNode(iri)


def test_killed_loads_leave_whole_ledgers(tmp_path, samples):
    _kill_loop(tmp_path, [samples["003"], samples["004"]], rounds=4, seed=7)


@pytest.mark.slow
def test_killed_loads_leave_whole_ledgers_stress(tmp_path, samples):
    _kill_loop(tmp_path, [samples["003"], samples["004"]], rounds=60, seed=11)
