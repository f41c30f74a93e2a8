"""Shared fixtures: the sample ledgers and a store with them loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "ledgers"

SAMPLE = {
    "000": SAMPLES / "henan-renfang-taizhang.txt",
    "001": SAMPLES / "shiquan-2021-renwu-fenjie.txt",
    "002": SAMPLES / "hubei-renfang-2020-gongzuo-yaodian.txt",
    "003": SAMPLES / "huainan-canlian-2024-renwu-fengong.txt",
    "004": SAMPLES / "hualong-2020-zeren-fengong.txt",
}


@pytest.fixture(scope="session")
def samples() -> dict[str, Path]:
    return dict(SAMPLE)


def _loadable() -> list[Path]:
    """The samples whose layout reader exists in this checkout."""
    from zwgk.errors import InputError
    from zwgk.loaders import read_ledger

    paths = []
    for path in SAMPLE.values():
        try:
            read_ledger(path)
        except InputError:
            continue
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store folder holding every sample ledger, loaded once per test session. Tests open it
    read-only; a test that writes must copy it first (see ``writable_store``)."""
    from zwgk.pipeline import load_paths
    from zwgk.store.embedded import LedgerStore

    location = tmp_path_factory.mktemp("store") / "zwgk-data"
    with LedgerStore.open(location) as store:
        load_paths(store, _loadable())
    return location


@pytest.fixture()
def writable_store(sample_store, tmp_path) -> Path:
    import shutil

    location = tmp_path / "zwgk-data"
    shutil.copytree(sample_store, location)
    for lock in location.glob("LOCK"):
        lock.unlink()
    return location
