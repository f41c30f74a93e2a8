"""The HTML report (report.py): one self-contained file whose charts render in a real browser
(Debian's chromium, headless) with the sample data, Chinese included."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest
from browser import CHROMIUM, HEADLESS_FLAGS
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.compare.report import FONT_STACK, write_report
from zwgk.store import LedgerStore

FLAGS = [*HEADLESS_FLAGS, "--hide-scrollbars"]


@pytest.fixture(scope="module")
def report(tmp_path_factory, sample_store):
    out = tmp_path_factory.mktemp("report") / "report.html"
    with LedgerStore.open(sample_store, read_only=True) as store:
        summary = write_report(store, output=out)
    return out, summary


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    profile = tmp_path / "profile"
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def test_report_is_self_contained_with_the_sample_numbers(report):
    path, summary = report
    text = path.read_text(encoding="utf-8")
    assert (summary.ledgers, summary.tasks, summary.validated) == (5, 297, True)
    assert summary.bytes == len(text.encode("utf-8")) and summary.bytes < 200_000
    assert "<script" not in text and "<link" not in text and "<img" not in text and "url(" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert FONT_STACK in text and '<html lang="zh-CN">' in text
    assert text.count('<rect class="cell"') == 5 * 11  # ledgers × top-level topics
    assert text.count('<svg class="chart') == 3
    # completeness row of 石泉县 2021: 150 tasks, all with lead, deadline and indicator, 149 with a topic
    assert re.search(
        r"石泉县 2021</td><td>[^<]+</td><td class=\"n\">150</td><td class=\"n\">150 \(100%\)</td>"
        r"<td class=\"n\">150 \(100%\)</td><td class=\"n\">150 \(100%\)</td><td class=\"n\">149 \(99%\)</td>",
        text,
    )
    assert "≥200个" in text and "≥100项" in text  # 石泉县's quantitative requirements


def test_charts_render_in_headless_chromium(report, tmp_path):
    path, _ = report
    dom = _chromium(["--dump-dom", path.as_uri()], tmp_path).stdout
    assert dom.count('class="cell"') == 55
    assert len(re.findall(r'<rect class="bar"', dom)) >= 40
    assert len(re.findall(r'<circle class="dot"', dom)) >= 8
    assert "地区 × 主题" in dom and "主动公开" in dom and "综合办公" in dom
    shot = tmp_path / "report.png"
    _chromium(["--window-size=1200,2600", f"--screenshot={shot}", path.as_uri()], tmp_path)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 2600)
    assert len(data) > 100_000  # a blank page compresses to a few kB; charts and text do not


def test_cli_report(sample_store, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["--store", str(sample_store), "report", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: 5 ledgers, 297 tasks,")
    assert out.exists() and not list(tmp_path.glob("*.partial"))
