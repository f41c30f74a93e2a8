"""Property-based robustness of the loaders: whatever a mutated ledger looks like, reading it
returns a ledger or raises zwgk's own error — never another exception, never a hang."""

from __future__ import annotations

import os
import random
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from zwgk.errors import ZwgkError
from zwgk.loaders import read_ledger
from zwgk.loaders.model import LedgerRecord

SECONDS_PER_FILE = 30
EXAMPLES = int(os.environ.get("ZWGK_FUZZ_EXAMPLES", "25"))
JUNK = ["\x00", "\ufffd", "|", "\t", "\t\t", "<p>", "</p>", "序号", "牵头单位", "一、", "（一）", "1.", "\ud800",
        "\x1b[31m", "  ", "\u3000", "|\n|", "责任单位\t完成时限", "\r", "\r\n", "𠮷", "''"]


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


def mutate(text: str, rng: random.Random, operations: list[str]) -> bytes:
    lines = text.split("\n")
    encoding = "utf-8"
    for op in operations:
        if op == "cut" and lines:
            keep = rng.randrange(len(lines) + 1)
            lines = lines[:keep] if rng.random() < 0.5 else lines[keep:]
        elif op == "shuffle" and len(lines) > 2:
            start = rng.randrange(len(lines) - 1)
            chunk = lines[start:start + rng.randint(2, 40)]
            rng.shuffle(chunk)
            lines[start:start + len(chunk)] = chunk
        elif op == "junk":
            for _ in range(rng.randint(1, 20)):
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
    data = "\n".join(lines)
    return data.encode(encoding, errors="replace") if encoding != "utf-8" else data.encode("utf-8", errors="surrogatepass")


OPERATIONS = st.lists(st.sampled_from(["cut", "shuffle", "junk", "splice", "drop-tabs", "encoding"]),
                      min_size=1, max_size=5)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=st.sampled_from(sorted(SAMPLE)), operations=OPERATIONS, seed=st.integers(0, 2**32 - 1))
def test_mutated_ledgers_load_or_fail_cleanly(tmp_path_factory, sample, operations, seed):
    text = SAMPLE[sample].read_text(encoding="utf-8")
    data = mutate(text, random.Random(seed), operations)
    path = tmp_path_factory.mktemp("fuzz") / f"mutated-{sample}.txt"
    path.write_bytes(data)
    with time_bound(SECONDS_PER_FILE):
        try:
            record = read_ledger(path)
        except ZwgkError as exc:
            assert str(path) in str(exc)
            return
    assert isinstance(record, LedgerRecord) and record.tasks
    # What loads must also build into RDF without error.
    from zwgk.rdf import build_ledger

    with time_bound(SECONDS_PER_FILE):
        assert build_ledger(record).quads


@pytest.mark.slow
def test_mutated_ledgers_many(tmp_path_factory):
    """``make stress``: the same property over many more examples."""
    rng = random.Random(2026)
    for i in range(400):
        sample = rng.choice(sorted(SAMPLE))
        ops = rng.sample(["cut", "shuffle", "junk", "splice", "drop-tabs", "encoding"], rng.randint(1, 5))
        path = tmp_path_factory.mktemp("stress") / f"m{i}-{sample}.txt"
        path.write_bytes(mutate(SAMPLE[sample].read_text(encoding="utf-8"), rng, ops))
        with time_bound(SECONDS_PER_FILE):
            try:
                read_ledger(path)
            except ZwgkError:
                pass
