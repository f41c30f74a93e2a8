"""The wheel carries the ontology, shapes and saved queries: nothing is read from the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_package_data(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("zwgk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "zwgk/cli.py" in names and "zwgk/loaders/table.py" in names
    assert "zwgk/ontology/zwgk.ttl" in names
    assert "zwgk/loaders/columns.json" in names
    for folder, suffix in (("shapes", ".ttl"), ("queries", ".rq")):
        expected = {f"zwgk/{folder}/{p.name}" for p in (ROOT / folder).glob(f"*{suffix}")}
        assert expected and expected <= names, folder
    assert not any(name.startswith(("zwgk/tests/", "zwgk/examples/", "zwgk/bench/")) for name in names)
