"""The pipeline's steps put together: read ledger files (``loaders``), build their RDF
(``ontology.builder``), write them to a store (``store``) and refresh what is derived from them
(alignments, ``compare``); or read and validate files without a store (``shapes``).

This is the one module that knows every stage, so that each stage knows only the ones below
it. All files of a batch are read and built before the first write, so a bad file stops the
batch with the store unchanged — and every file is read, so that the refusal names all the bad
ones at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BatchRefused, InputError, Refusal, StoreError, ZwgkError
from .queries.rollups import keep_rollups
from .store import LedgerInfo, LoadSummary, PreparedLedger, Store
from .store.embedded import BULK_TRIPLES

if TYPE_CHECKING:
    import subprocess
    from multiprocessing.connection import Connection

    from .model import LedgerRecord, Overrides
    from .shapes.catalogue import Shapes
    from .shapes.report import LedgerValidation, Notice, ValidationReport


@dataclass(frozen=True)
class LoadReport:
    summaries: list[LoadSummary]
    skipped: list[ZwgkError] = field(default_factory=list)
    """The errors of the files refused (``keep_going``)."""
    refused: list[Refusal] = field(default_factory=list)
    """The same files as ``skipped``, each with its file, line and reason."""
    read: int = 0
    """How many files were read and built (written or not)."""


def prepare(record: LedgerRecord) -> PreparedLedger:
    """A ledger record built into RDF and packed for the writer: its N-Triples lines compressed
    a task at a time as the builder hands them out (``stream_ledger``), so that what a load holds
    of a big ledger is its compressed text, never a list of its quads or lines."""
    import zlib

    from .ontology.builder import stream_ledger

    ledger = stream_ledger(record)
    packer = zlib.compressobj(3)
    parts: list[bytes] = []
    lines: list[str] = []
    triples = 0

    def pack() -> None:
        nonlocal triples
        parts.append(packer.compress((("\n" if triples else "") + "\n".join(lines)).encode("utf-8")))
        triples += len(lines)
        lines.clear()

    for chunk in ledger.lines():
        lines.extend(chunk)
        if len(lines) >= PACKED_LINES:
            pack()
    if lines:
        pack()
    parts.append(packer.flush())
    summary = LoadSummary(
        id=ledger.id,
        source_file=record.source_file,
        title=record.title,
        jurisdiction=record.jurisdiction,
        year=record.year,
        layout=record.layout,
        tasks=ledger.tasks,
        indicators=ledger.indicators,
        agencies=ledger.agencies,
        warnings=tuple(record.warnings),
        status="",
        sha256=record.sha256,
    )
    return PreparedLedger(summary=summary, graph=ledger.graph, body=b"".join(parts), triples=triples)


PACKED_LINES = 2000
"""N-Triples lines ``prepare`` compresses at a time (a few hundred KB of text)."""


@dataclass(frozen=True)
class _Job:
    path: Path
    layout: str | None
    overrides: Overrides | None


def _prepare_job(job: _Job) -> PreparedLedger | ZwgkError:
    from .loaders import read_ledger

    try:
        return prepare(read_ledger(job.path, layout=job.layout, overrides=job.overrides))
    except ZwgkError as exc:
        return exc
    except OSError as exc:
        # A file that went away or cannot be opened between listing and reading it.
        reason = exc.strerror or str(exc)
        return InputError(f"cannot read the file: {reason}", path=job.path, message_zh=f"无法读取该文件：{reason}")


PARALLEL_FROM = 8
"""Batches of at least this many files are prepared in worker processes."""


def finish_batch(
    store: Store, summaries: list[LoadSummary], *, progress: Callable[[int, int], None] | None = None
) -> None:
    """After a batch is written, on an embedded or a remote store: compact what ``bulk_load``
    wrote, then bring the alignments up to date if any ledger changed (``progress`` hears
    tasks aligned / tasks to align). A store that an earlier batch left unsettled (stopped
    before this step, ``Store.interrupted``) has them refreshed whole, since what that batch
    wrote was never aligned or rolled up; then the batch is settled."""
    store.compact()
    interrupted = store.interrupted
    unsettled = interrupted is not None and interrupted.unsettled
    changed = unsettled or any(summary.status != "unchanged" for summary in summaries)
    if changed:
        refresh_derived(store, progress=progress, added=() if unsettled else _added(summaries))
    keep_rollups(store, changed=changed, loaded=() if unsettled else summaries)
    store.settle()


def refresh_derived(
    store: Store, *, progress: Callable[[int, int], None] | None = None, added: Sequence[str] = ()
) -> None:
    """Alignments point into ledgers: after ledgers changed, align the new tasks and drop the
    links and cluster memberships of the tasks that are gone (when the store keeps
    alignments, and keeps them fresh on change), so that none points to a task that is gone or
    different. Only the changed tasks are aligned, against the index kept beside the store
    (``added``: the ledgers a batch added, when it did nothing else)."""
    if store.realigns_on_change:
        from .compare.align import refresh_alignments

        refresh_alignments(store, progress=progress, added=added)


def _added(summaries: list[LoadSummary]) -> list[str]:
    """The ids of the ledgers a batch added, if that is all it did (none replaced or retired)."""
    if any(summary.status not in ("new", "unchanged") or summary.replaces for summary in summaries):
        return []
    return [summary.id for summary in summaries if summary.status == "new"]


def remove_ledgers(store: Store, ledger_ids: list[str], *, progress: Callable[[int, int], None] | None = None) -> None:
    """Drop ledgers from the store, and the alignments and cluster memberships of their tasks."""
    store.remove(ledger_ids)
    refresh_derived(store, progress=progress)
    keep_rollups(store, changed=True)
    store.settle()


def load_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    layout: str | None = None,
    overrides: Overrides | None = None,
    keep_going: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    replace: bool = False,
    align_progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Read the ledger files (folders are searched) and load them.

    Every file is read, whatever happens. Without ``keep_going`` nothing is written until all
    of them are read and built; if any is refused, nothing at all is written and
    ``BatchRefused`` (an ``InputError``) names every refused file and says how many were read.
    With ``keep_going`` the readable files are written — chunk by chunk as workers prepare
    them, so that the single writer overlaps the workers instead of waiting for them — and the
    refused ones are listed in the report (``skipped``, ``refused``). The store is compacted and
    alignments refreshed once, at the end (``align_progress`` hears tasks aligned / to align).
    Large batches are read and built on every core (``workers``, default: all of them).

    A file that would replace a ledger already in the store with a reading that has lost a
    quarter of its tasks or more (a page saved only in part, a different export of the same
    document) is refused, naming both counts, unless ``replace`` says to replace it anyway."""
    from .loaders import ledger_files

    files = ledger_files([Path(p) for p in paths])
    if not files:
        raise StoreError("no ledger files found in " + ", ".join(map(str, paths)), message_zh="未找到台账文件")
    jobs = [_Job(path=path, layout=layout, overrides=overrides) for path in files]
    workers = workers or os.cpu_count() or 1
    prepared: list[PreparedLedger] = []
    summaries: list[LoadSummary] = []
    skipped: list[ZwgkError] = []
    refused: list[Refusal] = []
    buffered = read = 0
    infos = store.ledgers()
    stored = {} if replace else {info.graph: info.task_count for info in infos}
    identities = _Identities.of(infos, replace=replace)
    # Closed on the way out whatever happens (Ctrl-C, a full disk): the workers stop at once.
    with closing(_run_jobs(jobs, workers=workers if len(jobs) >= PARALLEL_FROM else 1)) as results:
        for job, result in zip(jobs, results):
            if not isinstance(result, ZwgkError) and _shrinks(result, stored):
                result = _shrink_error(result, stored[result.graph], path=job.path)
            if not isinstance(result, ZwgkError):
                result = identities.check(result, path=job.path)
            if isinstance(result, ZwgkError):
                skipped.append(result)
                refused.append(Refusal.from_error(result, file=job.path))
                if not keep_going:
                    prepared.clear()  # nothing of this batch will be written: read on, keep nothing
            else:
                read += 1
                if keep_going or not refused:
                    prepared.append(result)
                    buffered += result.triples
                    if keep_going and buffered >= BULK_TRIPLES:
                        summaries.extend(store.load_prepared(prepared))
                        prepared, buffered = [], 0
            if progress is not None:
                progress(1)
    if refused and not keep_going:
        raise BatchRefused(refused, read=read)
    summaries.extend(store.load_prepared(prepared))
    summaries = identities.retire(store, summaries)
    finish_batch(store, summaries, progress=align_progress)
    return LoadReport(summaries=summaries, skipped=skipped, refused=refused, read=read)


@dataclass
class _Identities:
    """Who is who across the store and the batch. A ledger's id comes from what the document
    says (jurisdiction, year, 文号 or title), so two different documents can read as one id, and
    one file read again with corrected metadata comes out under a new id: the first is refused
    instead of one ledger silently overwriting the other, the second replaces the old ledger
    instead of leaving two copies of one file."""

    stored: dict[str, LedgerInfo]
    by_sha: dict[str, LedgerInfo]
    replace: bool
    batch: dict[str, tuple[Path, str]] = field(default_factory=dict)
    """graph → (file, sha256) of the first file of this batch that read as that ledger."""

    @classmethod
    def of(cls, infos: list[LedgerInfo], *, replace: bool) -> _Identities:
        return cls(
            stored={info.graph: info for info in infos},
            by_sha={info.sha256: info for info in infos if info.sha256},
            replace=replace,
        )

    def check(self, ledger: PreparedLedger, *, path: Path) -> PreparedLedger | ZwgkError:
        """The ledger, or the error refusing it: another file of this batch, or another file in
        the store, reads as the same ledger id (``replace`` lets the later file win)."""
        first = self.batch.get(ledger.graph)
        if first is not None and first[1] != ledger.summary.sha256 and not self.replace:
            return _same_id_error(ledger, path=path, other=str(first[0]))
        stored = self.stored.get(ledger.graph)
        if (
            stored is not None
            and not self.replace
            and stored.sha256 not in (None, ledger.summary.sha256)
            and stored.source_file != ledger.summary.source_file
        ):
            return _same_id_error(ledger, path=path, other=f"{stored.source_file} (in the store / 库中)")
        self.batch.setdefault(ledger.graph, (path, ledger.summary.sha256))
        return ledger

    def retire(self, store: Store, summaries: list[LoadSummary]) -> list[LoadSummary]:
        """Remove the ledgers that the same files were loaded as before, under another id, now
        that their new readings are written; say so in each summary."""
        out, retired = [], []
        written = {summary.id for summary in summaries}
        for summary in summaries:
            old = self.by_sha.get(summary.sha256)
            if old is not None and old.id not in written and old.id not in retired:
                retired.append(old.id)
                summary = replace(summary, replaces=old.id)
            out.append(summary)
        if retired:
            store.remove(retired)
        return out


def _same_id_error(ledger: PreparedLedger, *, path: Path, other: str) -> InputError:
    s = ledger.summary
    said = ", ".join(
        part
        for part in (
            f"jurisdiction {s.jurisdiction}" if s.jurisdiction else "no jurisdiction",
            f"year {s.year}" if s.year else "no year",
            f"title «{s.title}»" if s.title else "no title (the file name counts)",
        )
        if part
    )
    said_zh = "，".join(
        (
            f"行政区域 {s.jurisdiction}" if s.jurisdiction else "无行政区域",
            f"年度 {s.year}" if s.year else "无年度",
            f"标题《{s.title}》" if s.title else "无标题（以文件名计）",
        )
    )
    return InputError(
        f"this file and {other} are different files that read as the same ledger {s.id} ({said}); "
        "give one of them its own --jurisdiction, --year or --issuer, or use --replace to keep only this one",
        path=path,
        line=None,
        message_zh=f"此文件与 {other} 内容不同，却读作同一台账 {s.id}（{said_zh}）；"
        "请用 --jurisdiction、--year 或 --issuer 加以区分，或用 --replace 只保留此文件",
    )


SHRINK = 0.75
"""A new reading with fewer than this share of the stored ledger's tasks is not a correction."""


def _shrinks(ledger: PreparedLedger, stored: dict[str, int]) -> bool:
    before = stored.get(ledger.graph)
    return before is not None and ledger.summary.tasks < SHRINK * before


def _shrink_error(ledger: PreparedLedger, before: int, *, path: Path) -> InputError:
    after = ledger.summary.tasks
    return InputError(
        f"this reading has {after} tasks where the ledger {ledger.summary.id} in the store has {before}: "
        "it would lose most of the ledger, so it was not loaded (use --replace to replace it anyway)",
        path=path,
        line=None,
        message_zh=f"本次读取仅有 {after} 项任务，库中同一台账 {ledger.summary.id} 有 {before} 项；"
        "为免丢失数据未予加载（确需替换请加 --replace）",
    )


def _run_jobs(jobs: list[_Job], *, workers: int) -> Generator[PreparedLedger | ZwgkError, None, None]:
    """Each job's result, in the jobs' order: prepared here, or by ``workers`` processes.

    The reader processes are zwgk's own (``_Reader``) rather than a ``multiprocessing.Pool``.
    Each runs in a process group of its own, so that the terminal's Ctrl-C reaches the parent
    alone, which stops them: a Pool's workers got it too, printed KeyboardInterrupt tracebacks
    (also while still importing), and one interrupted while holding the Pool's queue lock hung
    the load after Ctrl-C. Each reader has its own pipes and reads one file at a time, so the
    parent never waits on a lock a reader holds, and a reader that dies (the out-of-memory
    killer) is seen at once: its file is refused, naming the signal, and a new reader takes its
    place. Closing this generator — on Ctrl-C, on an error, at the end — stops every reader
    within ``WORKER_GRACE`` seconds; a reader also dies with its parent."""
    if workers <= 1:
        yield from map(_prepare_job, jobs)
        return
    from multiprocessing.connection import wait

    pending = list(enumerate(jobs))[::-1]  # popped from the end: the files' order
    done: dict[int, PreparedLedger | ZwgkError] = {}
    readers: list[_Reader] = []

    def start() -> None:
        reader = _Reader.start()
        readers.append(reader)
        give(reader)

    def give(reader: _Reader) -> None:
        reader.job = None
        if not pending:
            return
        index, job = pending.pop()
        try:
            reader.send((index, job))
        except OSError:  # the reader is gone: the job goes back, the reader is replaced
            pending.append((index, job))
            lost(reader)
            return
        reader.job = index

    def lost(reader: _Reader) -> None:
        readers.remove(reader)
        status = reader.end()
        if reader.job is not None:
            done[reader.job] = _worker_died(jobs[reader.job], status)
        start()

    try:
        for _ in range(min(workers, len(jobs))):
            start()
        for following in range(len(jobs)):
            while following not in done:
                busy = {id(reader.answers): reader for reader in readers if reader.job is not None}
                for ready in wait([reader.answers for reader in busy.values()]):
                    reader = busy[id(ready)]
                    try:
                        got, result = reader.answers.recv()
                    except (EOFError, OSError):
                        lost(reader)
                        continue
                    if isinstance(result, BaseException) and not isinstance(result, ZwgkError):
                        raise result
                    done[got] = result
                    give(reader)
            yield done.pop(following)
    finally:
        _stop_workers(readers)


class _Reader:
    """One reader process and its two pipes (jobs in, results out), started with
    ``subprocess`` in a process group of its own (``process_group=0``)."""

    def __init__(self, process: subprocess.Popen[bytes], jobs: Connection, answers: Connection) -> None:
        self.process = process
        self.jobs = jobs
        self.answers = answers
        self.job: int | None = None
        """The index of the job it is reading, or None when idle."""

    @classmethod
    def start(cls) -> _Reader:
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        jobs_in, jobs_out = os.pipe()
        answers_in, answers_out = os.pipe()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    f"from {__package__}.pipeline import _worker_main; _worker_main()",
                    str(jobs_in),
                    str(answers_out),
                ],
                pass_fds=(jobs_in, answers_out),
                stdin=subprocess.DEVNULL,
                process_group=0,
            )
        except BaseException:
            for fd in (jobs_out, answers_in):
                os.close(fd)
            raise
        finally:
            os.close(jobs_in)
            os.close(answers_out)
        return cls(process, Connection(jobs_out, readable=False), Connection(answers_in, writable=False))

    def send(self, job: object) -> None:
        self.jobs.send(job)

    def end(self, *, grace: float | None = None) -> int | None:
        """Close the pipes and wait for the process (at most ``grace`` seconds, then it is
        terminated, then killed); its exit status (negative: the signal that ended it)."""
        import subprocess

        for connection in (self.jobs, self.answers):
            connection.close()
        for stop in (None, self.process.terminate, self.process.kill):
            if stop is not None:
                stop()
            try:
                return self.process.wait(WORKER_GRACE if grace is None else grace)
            except subprocess.TimeoutExpired:
                continue
        return self.process.wait()


WORKER_GRACE = 2.0
"""Seconds a reader is given to end once told to (its pipe closed, then SIGTERM) before it
is killed: one in the middle of a hostile file may not look up for a long time."""


def _worker_main() -> None:
    """A reader process (``_Reader``): jobs in, prepared ledgers (or the refusal) out, until
    its pipe closes. Its process group is its own, so the terminal's Ctrl-C does not reach it;
    it ignores SIGINT all the same, and on Linux it is told to die with its parent
    (PR_SET_PDEATHSIG), so that a parent killed outright leaves no reader working on a
    hostile file."""
    import signal
    import sys
    from multiprocessing.connection import Connection

    from .processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    jobs = Connection(int(sys.argv[1]), writable=False)
    answers = Connection(int(sys.argv[2]), readable=False)
    while True:
        try:
            index, job = jobs.recv()
        except (EOFError, OSError):
            return
        try:
            result: object = _prepare_job(job)
        except Exception as exc:  # a bug: raised again in the parent, with its type and text
            result = exc
        try:
            answers.send((index, result))
        except (OSError, ValueError):
            return
        except Exception as exc:  # an exception that does not pickle
            answers.send((index, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _worker_died(job: _Job, exitcode: int | None) -> InputError:
    """A worker that ended while reading a file: the file is refused, naming the signal (the
    kernel's out-of-memory killer sends SIGKILL)."""
    import signal

    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        how, how_zh = f"was stopped by {name}", f"被信号 {name} 终止"
        if -exitcode == signal.SIGKILL:
            how += " (the system may have run out of memory)"
            how_zh += "（可能是内存不足）"
    else:
        how, how_zh = f"ended with status {exitcode}", f"以状态 {exitcode} 退出"
    return InputError(f"the process reading this file {how}", path=job.path, message_zh=f"读取该文件的进程{how_zh}")


def _stop_workers(readers: list[_Reader]) -> None:
    """Close every reader's pipes (an idle reader then ends), SIGTERM at once the readers still
    reading a file (the load is being stopped: nobody will use what they read), give the others
    a moment together, then SIGTERM what is still running and SIGKILL what outlives
    ``WORKER_GRACE``."""
    import subprocess
    import time

    for reader in readers:
        for connection in (reader.jobs, reader.answers):
            connection.close()
    for reader in readers:
        if reader.job is not None and reader.process.poll() is None:
            reader.process.terminate()
    for stop, grace in ((None, WORKER_GRACE / 4), ("terminate", WORKER_GRACE), ("kill", None)):
        running = [reader.process for reader in readers if reader.process.poll() is None]
        if not running:
            return
        deadline = None if grace is None else time.monotonic() + grace
        for process in running:
            if stop is not None:
                getattr(process, stop)()
        for process in running:
            try:
                process.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass


# Validating files ----------------------------------------------------------------------------


def validate_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    layout: str | None = None,
    keep_going: bool = False,
    shapes: Shapes | None = None,
) -> ValidationReport:
    """Validate ledger files (folders are searched) without touching any store: an office checks
    a draft before publishing it. Every file is read; files that cannot be read raise one
    ``BatchRefused`` naming them all, or, with ``keep_going``, are listed in the report's
    ``refused`` while the others are validated."""
    from .loaders import ledger_files, read_ledger
    from .ontology.builder import build_ledger
    from .shapes import validate_quads
    from .shapes.report import ValidationReport

    ledgers, refused = [], []
    files = ledger_files([Path(p) for p in paths])
    for path in files:
        try:
            record = read_ledger(path, layout=layout)
        except ZwgkError as exc:
            if len(files) == 1:
                raise
            refused.append(Refusal.from_error(exc, file=path))
            continue
        built = build_ledger(record)
        ledgers.append(validate_quads(built.quads, ledger_id=built.id, source_file=record.source_file, shapes=shapes))
    if refused and not keep_going:
        raise BatchRefused(refused, read=len(ledgers))
    return ValidationReport(ledgers=tuple(ledgers), refused=tuple(refused))


def validate_targets(
    targets: Sequence[str],
    *,
    store: str | os.PathLike[str] | None = None,
    endpoint: str | None = None,
    layout: str | None = None,
    engine: str = "sparql",
    keep_going: bool = False,
    opened: Store | None = None,
    shapes: Shapes | None = None,
) -> ValidationReport:
    """What ``zwgk validate`` does: no target → every ledger in the store; targets that exist on
    disk or carry a ledger file suffix → those files, read directly (the store is not opened);
    other targets → ledger ids in the store (``opened``, or the one at ``store``/``endpoint``,
    opened read-only for the call)."""
    from .loaders import SUFFIXES
    from .shapes import validate_store
    from .shapes.report import ValidationReport
    from .store import open_store

    files = [t for t in targets if Path(t).exists() or Path(t).suffix.lower() in SUFFIXES]
    ids = [t for t in targets if t not in files]
    parts: list[LedgerValidation] = []
    refused: tuple[Refusal, ...] = ()
    notices: tuple[Notice, ...] = ()
    if files:
        checked = validate_files(files, layout=layout, keep_going=keep_going, shapes=shapes)
        parts.extend(checked.ledgers)
        refused = checked.refused
    if ids or not targets:
        reading = (
            nullcontext(opened) if opened is not None else open_store(location=store, endpoint=endpoint, read_only=True)
        )
        with reading as reader:
            stored = validate_store(reader, ledger_ids=ids or None, engine=engine, shapes=shapes)
        parts.extend(stored.ledgers)
        notices = stored.notices
    return ValidationReport(ledgers=tuple(parts), refused=refused, notices=notices)
