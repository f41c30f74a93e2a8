"""How long ``zwgk query NAME`` takes as a whole process on the samples' store (target < 0.5 s):
``python bench/query_startup.py [--runs 10]``.

An analyst runs saved queries from the shell and from scripts, one process each, so the cost
that matters is start-up plus query, not the query alone. The script loads the five sample
ledgers into a temporary store, then runs every saved query (with example parameters) as a
separate ``zwgk query`` process and reports the median and worst wall time of each; it also
checks that rdflib, pyshacl and jieba were not imported on that path. A measurement, never a
test assertion."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "ledgers"
TARGET = 0.5
PARAMETERS = {
    "search-tasks": ["keyword=政策解读"],
    "indicator-tree": ["ledger=2021-ab5383965a"],
    "unit-tasks": ["unit=财政局"],
    "tasks-due-before": ["before=2021-01-01"],
}


def _zwgk() -> list[str]:
    script = Path(sys.executable).parent / "zwgk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zwgk.cli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT.parent))
    from zwgk.queries import saved as sparql

    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "zwgk-data")
        subprocess.run(_zwgk() + ["--store", store, "load", str(SAMPLES)], check=True, capture_output=True)
        heavy = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys\nfrom zwgk.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
                "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyshacl', 'jieba'}), file=sys.stderr)",
                "--store",
                store,
                "query",
                "ledgers",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"heavy modules imported by zwgk query: {heavy.stderr.strip().splitlines()[-1]}")
        print(f"{'query':<22} {'median s':>9} {'max s':>7}")
        medians = []
        for query in sparql.catalogue():
            command = _zwgk() + ["--store", store, "query", query.name, "--format", "csv"]
            for value in PARAMETERS.get(query.name, []):
                command += ["--param", value]
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
            medians.append(statistics.median(times))
            print(f"{query.name:<22} {medians[-1]:>9.3f} {max(times):>7.3f}")
        worst = max(medians)
        print(f"slowest median {worst:.3f} s; target {TARGET} s: {'met' if worst < TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
