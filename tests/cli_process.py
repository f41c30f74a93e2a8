"""The CLI as a user runs it: ``python -m zwgk.cli`` in a process of its own, and the one
``zwgk: error`` line that every refusal must print (no traceback). Shared by the reliability
tests that assert what a terminal would show."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable


def zwgk(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zwgk.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
        env={**os.environ, **(env or {})},
    )


def one_error(stderr: str) -> str:
    """The one ``zwgk: error`` line of a refusal, after checking there is no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("zwgk: error")]
    assert len(errors) == 1, stderr
    return errors[0]


def ctrl_c(process: subprocess.Popen[bytes], *, within: float) -> tuple[str, float] | None:
    """Press Ctrl-C on a CLI started in a session of its own (the signal goes to its whole
    process group, as a terminal sends it) and wait up to ``within`` seconds for it to end:
    its standard error and the seconds it took, or None when it had to be killed."""
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return err.decode("utf-8"), time.monotonic() - sent
