"""The national-scale benchmark: ``python bench/run.py`` (``make bench``).

For each corpus size N (30, 300, 3000 ledgers by default) it generates the ledgers, loads them
into a fresh store in a separate process (wall time and the peak memory of that process and its
workers together), validates the whole store with zwgk's SPARQL engine, times each saved query
(median of repeated runs) and the export; for N ≤ 300 it runs what a user would otherwise write —
pyshacl (and pyshacl-turbo) over the whole graph in rdflib, the saved queries on rdflib's engine
over the same triples — checks that the validation results are the same, prints a table with the
ratios and writes ``bench/results.json``. Results are measurements, never asserted in tests."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = (30, 300, 3000)
REFERENCE_MAX = 300
"""Sizes above this skip the rdflib/pyshacl reference runs (they would take hours)."""
REFERENCE_TIMEOUT = 60.0
"""Seconds one rdflib query may run. rdflib joins two subqueries by comparing every pair of their
rows, so a national comparison that Oxigraph answers in a second can keep it busy for an hour;
such a query is stopped and recorded as taking at least this long."""

_LOAD_SCRIPT = """
import sys
from zwgk.pipeline import load_paths
from zwgk.store import LedgerStore
with LedgerStore.open(sys.argv[1]) as store:
    report = load_paths(store, [sys.argv[2]], keep_going=True)
print(len(report.summaries), len(report.skipped))
"""


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants (KiB), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def measure_load(store_dir: Path, corpus: Path) -> tuple[float, float, str]:
    """Load a corpus in a child process: (seconds, peak MiB of the process tree, its output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _LOAD_SCRIPT, str(store_dir), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"load failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, peak / 1024, out.strip()


def _median_time(fn, *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _reference_time(fn, *, repeat: int, timeout: float) -> tuple[float, bool]:
    """The median time of ``fn`` run in forked children (they share the rdflib graph already in
    memory), each stopped after ``timeout`` seconds: (seconds, whether it was stopped). A run
    over ten seconds is not repeated."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    times = []
    for _ in range(repeat):
        receive, send = context.Pipe(duplex=False)

        def child(send=send) -> None:
            start = time.perf_counter()
            fn()
            send.send(time.perf_counter() - start)

        process = context.Process(target=child)
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            return timeout, True
        if not receive.poll():
            raise RuntimeError(f"the reference run failed (exit status {process.exitcode})")
        times.append(receive.recv())
        if times[-1] > 10:
            break
    return statistics.median(times), False


TYPICAL = {"keyword": "政策解读", "unit": "财政局", "before": "2021-01-01"}
"""What an analyst types for a required parameter that is not a ledger id: a genre phrase, a
common unit name, a date at the turn of a year."""


def query_values(store) -> dict[str, dict[str, str]]:
    """Values for each saved query's required parameters, as a user would give them on this
    corpus: ledger ids are the corpus's own (the ledger with most tasks, then the next), other
    values come from ``TYPICAL`` or the query's grlc ``defaults``. Optional parameters stay unset,
    so those queries run over the whole store."""
    from zwgk.queries.saved import catalogue

    ledgers = sorted(store.ledgers(), key=lambda info: (-info.task_count, info.id))
    ids = [info.id for info in ledgers] or ["none"]
    by_name = {"ledger": ids[0], "a": ids[0], "b": ids[min(1, len(ids) - 1)], **TYPICAL}
    out = {}
    for query in catalogue():
        out[query.name] = {
            p.name: by_name.get(p.name, p.default or "") for p in query.parameters if p.required and p.default is None
        }
    return out


def _rdflib_dataset(store, graphs: list[str]):
    """The same quads (ledgers and ontology) in an rdflib Dataset whose default graph is the
    union, as the saved queries see the store."""
    from pyoxigraph import NamedNode
    from rdflib import Dataset, URIRef

    from zwgk.shapes.catalogue import convert_triples

    dataset = Dataset(default_union=True)
    for g in graphs:
        target = dataset.graph(URIRef(g))
        target.addN(
            (s, p, o, target) for s, p, o in convert_triples(store.quads_for_pattern(None, None, None, NamedNode(g)))
        )
    return dataset


def _whole_graph(store, graphs: list[str], ontology_graph: str):
    """One rdflib Graph of every ledger plus the ontology's class hierarchy: what pyshacl is given
    when a user validates the whole store."""
    from pyoxigraph import NamedNode

    from zwgk.shapes.compiled import hierarchy_triples, rdflib_graph

    quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, NamedNode(g)))
    return rdflib_graph(quads, extra=hierarchy_triples(store, ontology_graph=ontology_graph))


def _reference_keys(results) -> set[tuple]:
    return {(str(r.focus), r.path, r.component, r.severity, r.shape) for r in results}


def run_size(
    n: int, *, work: Path, repeat: int, reference_max: int, log, reference_timeout: float = REFERENCE_TIMEOUT
) -> dict:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from generate import generate

    from zwgk.export.graphs import export_store
    from zwgk.queries.saved import catalogue
    from zwgk.queries.saved import run as sparql_run
    from zwgk.shapes.compiled import validate_ledger_store
    from zwgk.store.embedded import LedgerStore

    # rdflib's SPARQL engine calls its own deprecated Dataset API on every query
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\..*")
    corpus, store_dir = work / f"ledgers-{n}", work / f"store-{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(store_dir, ignore_errors=True)
    log(f"N={n}: generating")
    generate(n, corpus, seed=0)
    log(f"N={n}: loading")
    load_s, peak_mib, loaded = measure_load(store_dir, corpus)
    run: dict = {"n": n, "load_s": round(load_s, 3), "load_peak_mib": round(peak_mib, 1)}
    log(f"N={n}: loaded ({loaded}) in {load_s:.1f} s, peak {peak_mib:.0f} MiB")
    with LedgerStore.open(store_dir, read_only=True) as store:
        graphs = [info.graph for info in store.ledgers()]
        # zwgk is measured first, in a process as a user has it: holding rdflib's copy of the
        # store and having forked reference runs made the same small queries up to 1.5x slower.
        validate_ledger_store(store)  # warm-up: shapes parsed, queries compiled once
        start = time.perf_counter()
        report = validate_ledger_store(store)
        run["validate_s"] = round(time.perf_counter() - start, 3)
        log(f"N={n}: validated in {run['validate_s']} s ({len(report.results)} results)")
        values = query_values(store)
        queries: dict = {}
        for saved in catalogue():
            given = values[saved.name]
            entry = {
                "median_s": round(
                    _median_time(
                        lambda saved=saved, given=given: sparql_run(store, saved, values=given), repeat=repeat
                    ),
                    4,
                )
            }
            entry["rows"] = len(sparql_run(store, saved, values=given).values())
            if given:
                entry["parameters"] = given
            queries[saved.name] = entry
            log(f"N={n}: query {saved.name} {entry}")
        run["queries"] = queries
        start = time.perf_counter()
        data = export_store(store, format="trig")
        run["export_s"] = round(time.perf_counter() - start, 3)
        log(f"N={n}: exported {len(data) >> 20} MiB in {run['export_s']} s")
        del data
        if n <= reference_max:
            _reference_runs(
                run,
                store=store,
                graphs=graphs,
                ours=report.results,
                values=values,
                repeat=repeat,
                timeout=reference_timeout,
                log=log,
            )
    shutil.rmtree(corpus, ignore_errors=True)
    return run


def _reference_runs(
    run: dict, *, store, graphs: list[str], ours, values: dict, repeat: int, timeout: float, log
) -> None:
    """What a user would otherwise write, on the same triples: pyshacl (and pyshacl-turbo) over
    one rdflib graph of the whole store, and each saved query on rdflib's engine."""
    from zwgk.ontology.iris import ONTOLOGY_GRAPH
    from zwgk.queries.saved import bind, catalogue
    from zwgk.shapes.compiled import packaged_shapes, pyshacl_results, report_results

    n = run["n"]
    whole = _whole_graph(store.raw, graphs, ONTOLOGY_GRAPH)
    shapes = packaged_shapes()
    start = time.perf_counter()
    expected = pyshacl_results(whole, shapes)
    run["validate_pyshacl_s"] = round(time.perf_counter() - start, 3)
    keys = _reference_keys(ours)
    run["validate_same_results"] = keys == _reference_keys(expected)
    log(f"N={n}: pyshacl {run['validate_pyshacl_s']} s, same results: {run['validate_same_results']}")
    try:
        from pyshacl_turbo import validate as turbo_validate

        start = time.perf_counter()
        _, turbo_report, _ = turbo_validate(
            whole, shacl_graph=shapes, inference="none", allow_infos=True, allow_warnings=True
        )
        seconds = round(time.perf_counter() - start, 3)
        same = keys == _reference_keys(report_results(turbo_report))
        run["validate_pyshacl_turbo_s"], run["validate_pyshacl_turbo_same_results"] = seconds, same
    except Exception as exc:  # an optional third engine: record why it did not run
        run["validate_pyshacl_turbo_error"] = f"{type(exc).__name__}: {exc}"[:300]
    del whole
    dataset = _rdflib_dataset(store.raw, [ONTOLOGY_GRAPH] + graphs)
    for saved in catalogue():
        entry = run["queries"][saved.name]
        text = bind(saved, values[saved.name]).inline()
        seconds, stopped = _reference_time(
            lambda text=text: list(dataset.query(text)), repeat=max(1, min(repeat, 3)), timeout=timeout
        )
        entry["rdflib_median_s"] = round(seconds, 4)
        if stopped:
            entry["rdflib_timed_out"] = True
        log(f"N={n}: rdflib {saved.name} {seconds:.4f} s" + (" (stopped)" if stopped else ""))


def machine() -> dict:
    memory = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
    }


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("zwgk", "pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "pyrudof"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _ratio(slow, fast, *, at_least: bool = False) -> str:
    return f"{'≥' if at_least else ''}{slow / fast:.0f}×" if slow and fast else ""


def table(results: dict) -> str:
    rows = [["N", "load s", "peak MiB", "validate s", "pyshacl s", "ratio", "turbo s", "same", "export s"]]
    for run in results["runs"]:
        rows.append(
            [
                str(run["n"]),
                f"{run['load_s']:.1f}",
                f"{run['load_peak_mib']:.0f}",
                f"{run['validate_s']:.2f}",
                str(run.get("validate_pyshacl_s", "")),
                _ratio(run.get("validate_pyshacl_s"), run["validate_s"]),
                "error" if "validate_pyshacl_turbo_error" in run else str(run.get("validate_pyshacl_turbo_s", "")),
                str(run.get("validate_same_results", "")),
                f"{run['export_s']:.1f}",
            ]
        )
    lines = _format(rows)
    qrows = [["query", "N", "rows", "median s", "rdflib s", "ratio"]]
    for run in results["runs"]:
        for name, q in run["queries"].items():
            stopped = q.get("rdflib_timed_out", False)
            qrows.append(
                [
                    name,
                    str(run["n"]),
                    str(q.get("rows", "")),
                    f"{q['median_s']:.4f}",
                    (">" if stopped else "") + str(q.get("rdflib_median_s", "")),
                    _ratio(q.get("rdflib_median_s"), q["median_s"], at_least=stopped),
                ]
            )
    return "\n".join(lines + [""] + _format(qrows)) + "\n"


def _format(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--work", type=Path, default=None, help="Scratch folder (default: a temporary one).")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per saved query (median).")
    parser.add_argument("--reference-max", type=int, default=REFERENCE_MAX)
    parser.add_argument(
        "--reference-timeout",
        type=float,
        default=REFERENCE_TIMEOUT,
        help="Seconds one rdflib query may run before it is stopped.",
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = {"machine": machine(), "versions": versions(), "runs": []}
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results["runs"].append(
                run_size(
                    n,
                    work=work,
                    repeat=args.repeat,
                    reference_max=args.reference_max,
                    log=log,
                    reference_timeout=args.reference_timeout,
                )
            )
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
