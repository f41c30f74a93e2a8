"""The national-scale benchmark: ``python bench/run.py`` (``make bench``).

For each corpus size N (30, 300, 3000 ledgers by default) it generates the ledgers (counties
copying their province's template, ``generate.py``), loads them into a fresh store in a separate
process (wall time and the peak memory of that process and its workers together), validates the
whole store with zwgk's SPARQL engine, times each saved query (median of repeated runs) and the
export, runs ``align`` in a child process (wall time, peak memory), times the saved queries that
read alignments on the aligned store, loads one more ledger into it, and measures the store's
size on disk; for N ≤ 300 it runs what a user would otherwise write — pyshacl (and
pyshacl-turbo) over the whole graph in rdflib, the saved queries on rdflib's engine over the
same triples — checks that the validation results are the same, prints a table with the ratios
and writes ``bench/results.json``. Results are measurements, never asserted in tests."""

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

_ALIGN_SCRIPT = """
import sys
from zwgk.compare.align import align_store
from zwgk.store import LedgerStore
with LedgerStore.open(sys.argv[1]) as store:
    report = align_store(store)
print(report.link_count, report.tasks)
"""
"""The library's align entry point, as ``zwgk align`` calls it: whatever alignment the checkout has."""

ALIGN_TIMEOUT = 900.0
"""Seconds ``align`` may run before it is stopped and recorded as timed out."""


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


def measure_child(script: str, *args: str, timeout: float | None = None) -> tuple[float, float, str, bool]:
    """Run a zwgk step in a child process: (seconds, peak MiB of the process tree, its output,
    whether it was stopped after ``timeout`` seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    stopped = False
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        if timeout is not None and time.perf_counter() - start > timeout:
            proc.kill()
            stopped = True
            break
        time.sleep(0.05)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 and not stopped:
        raise RuntimeError(f"child failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, peak / 1024, out.strip(), stopped


def measure_load(store_dir: Path, corpus: Path) -> tuple[float, float, str]:
    """Load a corpus in a child process: (seconds, peak MiB of the process tree, its output)."""
    elapsed, peak, out, _ = measure_child(_LOAD_SCRIPT, str(store_dir), str(corpus))
    return elapsed, peak, out


def store_mib(store_dir: Path) -> float:
    """The store's size on disk: every file under its folder."""
    return sum(path.stat().st_size for path in store_dir.rglob("*") if path.is_file()) / 2**20


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


TYPICAL = {"keyword": "政策解读", "unit": "财政局", "before": "2024-07-01", "province": "北京市"}
"""What an analyst types for a required parameter that is not a ledger id: a genre phrase, a
common unit name, the middle of the corpus's latest year, the province every corpus size begins
with (bench/generate.py)."""


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


ALIGNED_QUERIES = ("aligned-tasks", "coverage-gaps", "template-following")
"""Saved queries that read alignments or the clusters made with them: timed on the store once
``align`` has run (before it they answer from no clusters at all)."""


def run_size(
    n: int,
    *,
    work: Path,
    repeat: int,
    reference_max: int,
    log,
    reference_timeout: float = REFERENCE_TIMEOUT,
    align_timeout: float = ALIGN_TIMEOUT,
    reuse_corpus: bool = False,
    export: bool = True,
    full: bool = True,
) -> dict:
    """One size. ``full=False`` (sizes above ``--full-up-to``) measures what a national point
    needs — the load, the store's size on disk and every saved query — and leaves out
    validation, export, alignment, the one more ledger and the pages."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from generate import generate

    from zwgk.export.graphs import export_store
    from zwgk.queries.saved import catalogue
    from zwgk.shapes.compiled import validate_ledger_store
    from zwgk.store.embedded import LedgerStore

    # rdflib's SPARQL engine calls its own deprecated Dataset API on every query
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\..*")
    corpus, store_dir, extra = work / f"ledgers-{n}", work / f"store-{n}", work / f"one-more-{n}"
    reused = reuse_corpus and corpus.is_dir() and len(list(corpus.iterdir())) == n
    for folder in (store_dir, extra) if reused else (corpus, store_dir, extra):
        shutil.rmtree(folder, ignore_errors=True)
    log(f"N={n}: " + ("reusing the corpus in " + str(corpus) if reused else "generating"))
    if not reused:
        generate(n, corpus, seed=0)
    log(f"N={n}: loading")
    load_s, peak_mib, loaded = measure_load(store_dir, corpus)
    run: dict = {"n": n, "load_s": round(load_s, 3), "load_peak_mib": round(peak_mib, 1)}
    # The machine may be shared: its load average at the start and the end of the run says how
    # much of it the figures had (2 cores: 2.0 is a full machine).
    run["load_average"] = [round(os.getloadavg()[1], 2)]
    log(f"N={n}: loaded ({loaded}) in {load_s:.1f} s, peak {peak_mib:.0f} MiB")
    queries: dict = {}
    if not full:
        run["store_mib"] = round(store_mib(store_dir), 1)
        with LedgerStore.open(store_dir, read_only=True) as store:
            values = query_values(store)
            for saved in catalogue():
                if saved.name not in ALIGNED_QUERIES:
                    queries[saved.name] = _time_query(store, saved, values[saved.name], repeat=repeat, n=n, log=log)
        run["queries"] = queries
        run["load_average"].append(round(os.getloadavg()[1], 2))
        if not reuse_corpus:
            shutil.rmtree(corpus, ignore_errors=True)
        return run
    with LedgerStore.open(store_dir, read_only=True) as store:
        graphs = [info.graph for info in store.ledgers()]
        # zwgk is measured first, in a process as a user has it: holding rdflib's copy of the
        # store and having forked reference runs made the same small queries up to 1.5x slower.
        validate_ledger_store(store)  # warm-up: shapes parsed, queries compiled once
        start = time.perf_counter()
        report = validate_ledger_store(store)
        run["validate_s"] = round(time.perf_counter() - start, 3)
        run["validate_compiled_shapes"] = len(report.compiled_shapes)
        log(f"N={n}: validated in {run['validate_s']} s ({len(report.results)} results)")
        values = query_values(store)
        for saved in catalogue():
            if saved.name not in ALIGNED_QUERIES:
                queries[saved.name] = _time_query(store, saved, values[saved.name], repeat=repeat, n=n, log=log)
        run["queries"] = queries
        if export:
            start = time.perf_counter()
            data = export_store(store, format="trig")
            run["export_s"] = round(time.perf_counter() - start, 3)
            log(f"N={n}: exported {len(data) >> 20} MiB in {run['export_s']} s")
            del data
    # The writer runs in a child process while this one holds no store open.
    align_s, align_peak, aligned, stopped = measure_child(_ALIGN_SCRIPT, str(store_dir), timeout=align_timeout)
    run["align_s"], run["align_peak_mib"] = round(align_s, 3), round(align_peak, 1)
    if stopped:
        run["align_timed_out"] = True
    log(f"N={n}: aligned ({aligned or 'stopped'}) in {align_s:.1f} s, peak {align_peak:.0f} MiB")
    with LedgerStore.open(store_dir, read_only=True) as store:
        for saved in catalogue():
            if saved.name in ALIGNED_QUERIES:
                queries[saved.name] = _time_query(store, saved, values[saved.name], repeat=repeat, n=n, log=log)
        run["queries"] = dict(sorted(queries.items()))
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
    (one,) = generate(n + 1, extra, seed=0, first=n)
    one_s, _, one_out, _ = measure_child(_LOAD_SCRIPT, str(store_dir), str(one))
    run["one_more_load_s"] = round(one_s, 3)
    log(f"N={n}: one more ledger ({one_out}) loaded into the aligned store in {one_s:.1f} s")
    run["store_mib"] = round(store_mib(store_dir), 1)
    run["pages"] = time_pages(store_dir, values=values, repeat=repeat, log=lambda m: log(f"N={n}: {m}"))
    run["load_average"].append(round(os.getloadavg()[1], 2))
    log(f"N={n}: store {run['store_mib']:.0f} MiB on disk")
    for folder in (extra,) if reuse_corpus else (corpus, extra):
        shutil.rmtree(folder, ignore_errors=True)
    return run


PAGE_QUERIES = ("indicator-tree", "unit-tasks")
"""The saved queries whose pages (the form, run with its parameter, and the result table) are
timed: one ledger's outline (a lookup by ledger id) and a unit's tasks across the country (a
national search); a page costs its query's time and the rendering of at most 1,000 rows."""


def time_pages(store_dir: Path, *, values: dict[str, dict[str, str]], repeat: int, log) -> dict[str, float]:
    """Median seconds of the web application's three main pages as an analyst opens them: the
    ledgers table, the largest ledger's page, and saved queries' pages run with a parameter.
    ``zwgk serve`` runs as a user starts it, on a free loopback port, and each page is fetched
    whole over HTTP once it has answered a first time (its start-up is not a page's cost)."""
    from urllib.parse import quote, urlencode
    from urllib.request import urlopen

    from zwgk.serve.web import free_port

    port = free_port()
    command = [sys.executable, "-m", "zwgk.cli", "--store", str(store_dir), "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                with urlopen(base + "/ledgers", timeout=60) as answer:
                    answer.read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("zwgk serve did not start") from None
                time.sleep(0.5)
        ledger = values["indicator-tree"]["ledger"]
        pages = {"/ledgers": "/ledgers", "/ledgers/ID": f"/ledgers/{quote(ledger)}"}
        for name in PAGE_QUERIES:
            pages[f"/queries/{name}"] = f"/queries/{name}?" + urlencode(values[name])
        timed: dict[str, float] = {}
        for label, path in pages.items():
            seconds = []
            for _ in range(max(repeat, 1) + 1):
                start = time.perf_counter()
                with urlopen(base + path, timeout=120) as answer:
                    answer.read()
                seconds.append(time.perf_counter() - start)
            timed[label] = round(statistics.median(seconds[1:]), 4)
            log(f"page {label} {timed[label]} s")
        return timed
    finally:
        server.terminate()
        server.wait(timeout=30)


SLOW_QUERY = 10.0
"""A saved query whose run takes longer than this many seconds is not run again: its median is
of the runs made (a national-scale query that takes minutes would otherwise hold the run up)."""


def _time_query(store, saved, given: dict[str, str], *, repeat: int, n: int, log) -> dict:
    """A saved query's median time over up to ``repeat`` runs, its row count and the values given."""
    from zwgk.queries.saved import run as sparql_run

    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(sparql_run(store, saved, values=given).values())
        times.append(time.perf_counter() - start)
        if times[-1] > SLOW_QUERY:
            break
    entry: dict = {"median_s": round(statistics.median(times), 4), "rows": rows}
    if len(times) < repeat:
        entry["runs"] = len(times)
    if given:
        entry["parameters"] = given
    log(f"N={n}: query {saved.name} {entry}")
    return entry


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
    # Every graph the saved queries read: ledgers, ontology, rollups, alignments.
    dataset = _rdflib_dataset(store.raw, store.graph_names())
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
    rows = [
        [
            "N",
            "load s",
            "peak MiB",
            "validate s",
            "pyshacl s",
            "ratio",
            "turbo s",
            "same",
            "export s",
            "align s",
            "align MiB",
            "+1 load s",
            "store MiB",
        ]
    ]
    for run in results["runs"]:
        rows.append(
            [
                str(run["n"]),
                f"{run['load_s']:.1f}",
                f"{run['load_peak_mib']:.0f}",
                f"{run['validate_s']:.2f}" if "validate_s" in run else "",
                str(run.get("validate_pyshacl_s", "")),
                _ratio(run.get("validate_pyshacl_s"), run.get("validate_s")),
                "error" if "validate_pyshacl_turbo_error" in run else str(run.get("validate_pyshacl_turbo_s", "")),
                str(run.get("validate_same_results", "")),
                f"{run['export_s']:.1f}" if "export_s" in run else "",
                (">" if run.get("align_timed_out") else "") + f"{run['align_s']:.1f}" if "align_s" in run else "",
                f"{run['align_peak_mib']:.0f}" if "align_peak_mib" in run else "",
                f"{run['one_more_load_s']:.1f}" if "one_more_load_s" in run else "",
                f"{run.get('store_mib', 0):.0f}",
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
    parser.add_argument("--no-export", action="store_true", help="Do not time the TriG export.")
    parser.add_argument(
        "--reuse-corpus",
        action="store_true",
        help="Keep each corpus in --work and use it again when it holds N files (generation is not timed).",
    )
    parser.add_argument(
        "--align-timeout", type=float, default=ALIGN_TIMEOUT, help="Seconds align may run before it is stopped."
    )
    parser.add_argument(
        "--reference-timeout",
        type=float,
        default=REFERENCE_TIMEOUT,
        help="Seconds one rdflib query may run before it is stopped.",
    )
    parser.add_argument(
        "--full-up-to",
        type=int,
        default=max(SIZES),
        help="Sizes above this are measured as a point: load, store size and saved queries only.",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="Keep the runs already in --out (a run of the same size is replaced).",
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = {"machine": machine(), "versions": versions(), "runs": []}
    if args.append and args.out.exists():
        results["runs"] = json.loads(args.out.read_text(encoding="utf-8")).get("runs", [])
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results["runs"] = [r for r in results["runs"] if r.get("n") != n]
            results["runs"].append(
                run_size(
                    n,
                    work=work,
                    repeat=args.repeat,
                    reference_max=args.reference_max,
                    log=log,
                    reference_timeout=args.reference_timeout,
                    align_timeout=args.align_timeout,
                    reuse_corpus=args.reuse_corpus,
                    export=not args.no_export,
                    full=n <= args.full_up_to,
                )
            )
            results["runs"].sort(key=lambda r: r["n"])
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
