"""Every ledger of the real-document corpus (tests/data/corpus: 13 tables, 16 prose documents
with hand-made gold) is read through the real pipeline and scored per file (tests/corpus_gold.py);
the figures must not fall below those recorded in tests/data/corpus/expected.json, nor the
number of loaded tasks rise above its recorded maximum.

After the readers improve, raise the bar in one step:
``.venv/bin/python tests/corpus_report.py --write-expected``.
"""

from __future__ import annotations

import pytest
from corpus_gold import (
    CORPORA,
    CORPUS_DIR,
    FILE_FIGURES,
    TOTAL_FIGURES,
    all_ledgers,
    bound,
    ledgers,
    read_expected,
    score_file,
    totals,
)

EXPECTED = read_expected()
LEDGERS = list(all_ledgers())
REGENERATE = "(if the readers improved, record it: .venv/bin/python tests/corpus_report.py --write-expected)"


def _id(path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


def test_the_corpus_is_complete():
    assert len(ledgers("tables")) == 13 and len(ledgers("prose")) == 16
    for corpus in CORPORA:
        for path in ledgers(corpus):
            assert (CORPUS_DIR / corpus / "gold" / f"{path.stem}.json").is_file(), f"{_id(path)}: no gold file"
    assert sorted(EXPECTED["files"]) == sorted(map(_id, LEDGERS)), (
        f"expected.json does not list exactly the corpus files {REGENERATE}"
    )


@pytest.mark.parametrize("ledger", LEDGERS, ids=_id)
def test_file_against_gold(ledger):
    score = score_file(ledger)
    expected = EXPECTED["files"].get(score.key)
    assert expected is not None, f"{score.key}: no expectations in expected.json {REGENERATE}"
    failures = []
    for figure in FILE_FIGURES:
        name, value = bound(figure), getattr(score, figure)
        if name not in expected:
            continue
        if name.startswith("max_") and value > expected[name]:
            failures.append(f"{figure} {value} > {name} {expected[name]}")
        elif name.startswith("min_") and value < expected[name]:
            failures.append(f"{figure} {value} < {name} {expected[name]}")
    if failures:
        lines = [f"{score.key} ({ledger.name}): " + "; ".join(failures), f"  now: {score.line()}"]
        if score.missing:
            lines.append(f"  gold tasks not found ({len(score.missing)} of {score.gold}):")
            lines.extend(f"    - {text}" for text in score.missing)
        lines.append(f"  {REGENERATE}")
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_totals(corpus):
    scores = [score_file(path) for path in ledgers(corpus)]
    figures = totals(scores)
    minimums = EXPECTED["totals"].get(corpus)
    assert minimums is not None, f"{corpus}: no totals in expected.json {REGENERATE}"
    failures = [
        f"{name} {figures[name]:.4f} < {minimums[name]}"
        for name in TOTAL_FIGURES
        if name in minimums and figures[name] < minimums[name] - 1e-9
    ]
    if failures:
        lines = [f"corpus {corpus}: " + "; ".join(failures)]
        lines.extend(
            f"  {s.line()}" + (f"\n    not found: {' / '.join(s.missing)}" if s.missing else "") for s in scores
        )
        lines.append(f"  {REGENERATE}")
        pytest.fail("\n".join(lines), pytrace=False)
