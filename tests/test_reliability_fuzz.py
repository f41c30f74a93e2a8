"""Property-based robustness of the loaders: whatever a mutated ledger looks like, reading it
returns a ledger or raises zwgk's own error naming the file — never another exception, never a
hang. A mutation that leaves the text mostly intact (junk lines inserted, a few lines shuffled,
re-encoded, a few lines cut at the end) must not lose the ledger silently either: reading keeps
at least half of the tasks whose text the mutation left intact, or fails with that error."""

from __future__ import annotations

import os
import random
import re
import signal
import unicodedata
from contextlib import contextmanager
from functools import cache

import pytest
from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk.errors import ZwgkError
from zwgk.loaders import read_ledger
from zwgk.model import LedgerRecord

SECONDS_PER_FILE = 30
EXAMPLES = int(os.environ.get("ZWGK_FUZZ_EXAMPLES", "25"))
JUNK = [
    "\x00",
    "\ufffd",
    "|",
    "\t",
    "\t\t",
    "<p>",
    "</p>",
    "序号",
    "牵头单位",
    "一、",
    "（一）",
    "1.",
    "\ud800",
    "\x1b[31m",
    "  ",
    "\u3000",
    "|\n|",
    "责任单位\t完成时限",
    "\r",
    "\r\n",
    "𠮷",
    "''",
]


@contextmanager
def time_bound(seconds: int):
    """Turns a hang into a failure (SIGALRM), without asserting on speed."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"reading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Mutations that leave a ledger mostly intact: what a copy, an upload or a careless edit does.
LIGHT = ["junk-few", "shuffle-few", "encoding", "cut-end"]
# Mutations that may destroy it: most lines gone, long runs shuffled, cells split, tabs lost,
# twenty lines of junk spliced into the table's structure.
HEAVY = ["cut", "shuffle", "splice", "drop-tabs", "junk"]


def mutate_text(text: str, rng: random.Random, operations: list[str]) -> tuple[str, str]:
    """The mutated text and the encoding to write it in."""
    lines = text.split("\n")
    total = len(lines)
    encoding = "utf-8"
    for op in operations:
        if op == "cut" and lines:
            keep = rng.randrange(len(lines) + 1)
            lines = lines[:keep] if rng.random() < 0.5 else lines[keep:]
        elif op == "cut-end" and lines:
            # At most a twentieth of the original lines each time.
            lines = lines[: len(lines) - rng.randint(1, max(1, total // 20))]
        elif op == "shuffle-few" and len(lines) > 2:
            start = rng.randrange(len(lines) - 1)
            chunk = lines[start : start + rng.randint(2, 4)]
            rng.shuffle(chunk)
            lines[start : start + len(chunk)] = chunk
        elif op == "shuffle" and len(lines) > 2:
            start = rng.randrange(len(lines) - 1)
            chunk = lines[start : start + rng.randint(2, 40)]
            rng.shuffle(chunk)
            lines[start : start + len(chunk)] = chunk
        elif op in ("junk", "junk-few"):
            for _ in range(rng.randint(1, 20 if op == "junk" else 3)):
                at = rng.randrange(len(lines) + 1)
                lines.insert(at, "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 6))))
        elif op == "splice" and lines:
            at = rng.randrange(len(lines))
            line = lines[at]
            cut = rng.randrange(len(line) + 1)
            lines[at] = line[:cut] + rng.choice(JUNK) + line[cut:]
        elif op == "drop-tabs":
            lines = [l.replace("\t", " ") if rng.random() < 0.3 else l for l in lines]
        elif op == "encoding":
            encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16"])
    return "\n".join(lines), encoding


def encode(data: str, encoding: str) -> bytes:
    return (
        data.encode(encoding, errors="replace") if encoding != "utf-8" else data.encode("utf-8", errors="surrogatepass")
    )


def mutate(text: str, rng: random.Random, operations: list[str]) -> bytes:
    return encode(*mutate_text(text, rng, operations))


# Half the examples mutate lightly only (the strong property is checked), half with any mutation.
OPERATIONS = st.one_of(
    st.lists(st.sampled_from(LIGHT), min_size=1, max_size=5),
    st.lists(st.sampled_from(LIGHT + HEAVY), min_size=1, max_size=5),
)


def norm(text: str) -> str:
    """NFKC, whitespace removed: a task's text as it compares across layouts and line wraps."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def original_texts(sample: str) -> tuple[str, ...]:
    return tuple(norm(task.text) for task in read_ledger(SAMPLE[sample]).tasks if norm(task.text))


def check_read(path, sample: str, mutated: str, operations: list[str]) -> LedgerRecord | None:
    """Reading the mutated file returns a ledger or raises ZwgkError naming the file; after light
    mutations only, a ledger keeps at least half of the original tasks whose text is still whole
    in the mutated text (a task cut off at the end, or split by a junk line, is not counted)."""
    with time_bound(SECONDS_PER_FILE):
        try:
            record = read_ledger(path)
        except ZwgkError as exc:
            assert str(path) in str(exc), f"the error does not name the file: {exc}"
            return None
    assert isinstance(record, LedgerRecord) and record.tasks
    if all(op in LIGHT for op in operations):
        flat = norm(mutated)
        intact = {text for text in original_texts(sample) if text in flat}
        found = intact & {norm(task.text) for task in record.tasks}
        assert 2 * len(found) >= len(intact), (
            f"{operations} on sample {sample}: read as {record.layout!r}, {len(record.tasks)} tasks, "
            f"of which only {len(found)} of the {len(intact)} intact original tasks"
        )
    return record


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=st.sampled_from(sorted(SAMPLE)), operations=OPERATIONS, seed=st.integers(0, 2**32 - 1))
def test_mutated_ledgers_load_or_fail_cleanly(tmp_path_factory, sample, operations, seed):
    text = SAMPLE[sample].read_text(encoding="utf-8")
    mutated, encoding = mutate_text(text, random.Random(seed), operations)
    path = tmp_path_factory.mktemp("fuzz") / f"mutated-{sample}.txt"
    path.write_bytes(encode(mutated, encoding))
    record = check_read(path, sample, mutated, operations)
    if record is None:
        return
    # What loads must also build into RDF without error.
    from zwgk.ontology.builder import build_ledger

    with time_bound(SECONDS_PER_FILE):
        assert build_ledger(record).quads


@pytest.mark.slow
def test_mutated_ledgers_many(tmp_path_factory):
    """``make stress``: the same property over many more examples."""
    rng = random.Random(2026)
    failures = []
    for i in range(400):
        sample = rng.choice(sorted(SAMPLE))
        ops = rng.sample(LIGHT if i % 2 else LIGHT + HEAVY, rng.randint(1, 4))
        path = tmp_path_factory.mktemp("stress") / f"m{i}-{sample}.txt"
        mutated, encoding = mutate_text(SAMPLE[sample].read_text(encoding="utf-8"), rng, ops)
        path.write_bytes(encode(mutated, encoding))
        try:
            check_read(path, sample, mutated, ops)
        except AssertionError as exc:
            failures.append(f"m{i}: {str(exc).splitlines()[0]}")
    assert not failures, f"{len(failures)} of 400 mutated ledgers failed:\n" + "\n".join(failures[:10])
