"""The wheel carries the ontology, shapes and saved queries: nothing is read from the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


IGNORED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "zwgk-data*",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
)


def test_wheel_contains_package_data(tmp_path):
    """Built from a copy of the checkout, so that the build leaves nothing inside the package."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("zwgk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "zwgk/cli.py" in names and "zwgk/loaders/table.py" in names
    assert "zwgk/ontology/zwgk.ttl" in names
    assert "zwgk/loaders/columns.json" in names
    for folder, suffix in (("shapes", ".ttl"), ("queries", ".rq"), ("queries/internal", ".rq")):
        expected = {f"zwgk/{folder}/{p.name}" for p in (ROOT / folder).glob(f"*{suffix}")}
        assert expected and expected <= names, folder
    assert not any(
        name.startswith(("zwgk/tests/", "zwgk/examples/", "zwgk/bench/", "zwgk/build/", "zwgk/docs/")) for name in names
    )
    packages = {name.rsplit("/", 1)[0] for name in names if name.endswith("/__init__.py")}
    assert packages == {
        "zwgk",
        "zwgk/loaders",
        "zwgk/analysis",
        "zwgk/ontology",
        "zwgk/store",
        "zwgk/shapes",
        "zwgk/queries",
        "zwgk/compare",
        "zwgk/serve",
        "zwgk/export",
    }
