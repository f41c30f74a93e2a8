"""The README's "From Python" section runs as written, on the samples, in a fresh folder."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _from_python_code() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_from_python_section_runs_on_the_samples(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    done = subprocess.run(
        [sys.executable, "-c", _from_python_code()], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[('undated-7c203e772c', 68, 'new'), ('2024-e0e5bb0c5e', 22, 'new')]"
    counts = ast.literal_eval(lines[1])
    assert set(counts) == {"violation", "warning", "info"} and counts["violation"] > 0
    assert lines[2] == "0 tasks of 石泉县 without a lead unit"
    assert lines[3] == "石泉县 2021 150 政府办"
    assert (tmp_path / "zwgk-data").is_dir()
