"""Print how the readers do on the real-document corpus (tests/data/corpus), one line a ledger
and the totals per corpus, as ``../shared/tools/score-corpus`` does, through tests/corpus_gold.py.

    .venv/bin/python tests/corpus_report.py                   # report
    .venv/bin/python tests/corpus_report.py --write-expected  # and rewrite tests/data/corpus/expected.json

``--write-expected`` records the current figures as tests/test_corpus.py's expectations: run it
after the readers improve to raise the bar in one step (it says which figures went down).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gold import (  # noqa: E402
    CORPORA,
    CORPUS_DIR,
    EXPECTED,
    FILE_FIGURES,
    TOTAL_FIGURES,
    bound,
    ledgers,
    read_expected,
    score_file,
    summary,
    write_expected,
)


def regressions(old: dict, new: dict) -> list[str]:
    """Figures that ``new`` expects less of than ``old`` (a lower minimum, a higher maximum)."""
    out = []
    for key, figures in new["files"].items():
        before = old.get("files", {}).get(key, {})
        for name in map(bound, FILE_FIGURES):
            if name not in before:
                continue
            worse = figures[name] > before[name] if name.startswith("max_") else figures[name] < before[name]
            if worse:
                out.append(f"{key}: {name} {before[name]} -> {figures[name]}")
    for corpus, figures in new["totals"].items():
        before = old.get("totals", {}).get(corpus, {})
        for name in TOTAL_FIGURES:
            if name in before and figures[name] < before[name]:
                out.append(f"{corpus} total: {name} {before[name]} -> {figures[name]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--write-expected",
        action="store_true",
        help=f"rewrite {EXPECTED.relative_to(CORPUS_DIR.parent.parent.parent)} from the current figures",
    )
    parser.add_argument("--refusals", action="store_true", help="also print why each refused file was refused")
    args = parser.parse_args(argv)

    scores = []
    for corpus in CORPORA:
        group = [score_file(path) for path in ledgers(corpus)]
        print(f"== {corpus}")
        for s in group:
            line = s.line()
            print(line if args.refusals or not s.refused else line.split("  [refused")[0] + "  [refused]")
        print(summary(group))
        scores.extend(group)
    if args.write_expected:
        old = read_expected()
        new = write_expected(scores)
        print(f"wrote {EXPECTED}")
        for line in regressions(old, new):
            print(f"  loosened: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
