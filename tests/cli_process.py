"""The CLI as a user runs it: ``python -m zwgk.cli`` in a process of its own, and the one
``zwgk: error`` line that every refusal must print (no traceback). Shared by the reliability
tests that assert what a terminal would show."""

from __future__ import annotations

import os
import subprocess
import sys
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
