"""Every common way of writing a ledger table as text is read: each sample's tasks, written back
out as a table (tests/variants.py) in one convention — tabs, markdown pipes, full-width ｜ or ，,
aligned spaces, CSV, one cell per paragraph, one cell per line closed by ``|``, traditional
characters, inside a saved web page, cut off at a random row — read back as the same tasks:
same count, and per task the same text, lead units, deadline and indicator path (normalised:
NFKC, whitespace removed)."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import SAMPLE
from variants import CONVENTIONS, SAMPLE_NAMES, compare, expected_tasks, norm, render, to_simplified, to_traditional

from zwgk.loaders import read_ledger

# Known limits, each a reading that the words of the cells cannot settle. Strict: when a reader
# learns to settle it, the test fails until the mark is removed.
LIMITS = {
    ("000", "blank-lines-merged"): "one cell per paragraph with merged cells left out, and short tasks "
    "that end as unit names do (明确工作机构, 实体政务服务大厅): the rows are not recoverable from the words",
    ("001", "blank-lines-merged"): "one cell per paragraph with merged cells left out, where a task's path "
    "skips an indicator level: the level of a lone unnumbered heading is not recoverable",
}
LIMITS[("000", "page-blank-lines-merged")] = LIMITS[("000", "blank-lines-merged")]
LIMITS[("001", "page-blank-lines-merged")] = LIMITS[("001", "blank-lines-merged")]

CASES = [
    pytest.param(sample, name, marks=pytest.mark.xfail(strict=True, reason=LIMITS[(sample, name)]))
    if (sample, name) in LIMITS
    else (sample, name)
    for sample in sorted(SAMPLE)
    for name in CONVENTIONS
]
IDS = [f"{SAMPLE_NAMES[sample]}-{name}" for sample in sorted(SAMPLE) for name in CONVENTIONS]


@cache
def original(sample: str):
    return read_ledger(SAMPLE[sample])


def _write(tmp_path, sample: str, name: str):
    variant = render(original(sample), name, seed=SAMPLE_NAMES[sample])
    path = tmp_path / f"{SAMPLE_NAMES[sample]}-{name}{variant.suffix}"
    path.write_text(variant.text, encoding="utf-8")
    return path, variant


@pytest.mark.parametrize("sample, name", CASES, ids=IDS)
def test_variant_reads_the_same_tasks(tmp_path, sample, name):
    record = original(sample)
    path, variant = _write(tmp_path, sample, name)
    traditional = CONVENTIONS[name].wrapper == "traditional"
    read_fold = to_simplified if traditional else (lambda s: s)
    expected = expected_tasks(record, (lambda s: to_simplified(to_traditional(s))) if traditional else read_fold)

    read = read_ledger(path)

    if variant.cut_row is None:
        assert len(read.tasks) == len(expected), (
            f"{path.name}: read {len(read.tasks)} tasks, the table has {len(expected)}"
        )
        problems = compare(read.tasks, expected, read_fold)
    else:
        cut = variant.cut_row
        assert len(read.tasks) in (cut, cut + 1), (
            f"{path.name}: the text stops in row {cut}; read {len(read.tasks)} tasks, "
            f"expected the {cut} before it and perhaps the cut one"
        )
        problems = compare(read.tasks[:cut], expected[:cut], read_fold)
        if len(read.tasks) == cut + 1:
            partial = norm(read.tasks[cut].text)
            if not expected[cut].text.startswith(partial):
                problems.append(f"cut task {cut}: text {partial[:40]!r} is not the start of the row's text")
        codes = [getattr(w, "code", None) for w in read.warnings]
        assert "truncated" in codes, f"{path.name}: no 'truncated' warning (warnings: {read.warnings!r})"
    assert not problems, f"{path.name}: {len(problems)} differences, first: " + "; ".join(problems[:5])
