"""Child processes that end with zwgk: a reader of a load (``pipeline``) and the Oxigraph server
behind ``zwgk serve`` (``serve/oxigraph.py``) are told to die with the thread that started them,
so that a zwgk killed outright (SIGKILL, out of memory) leaves nothing working on a hostile file
or holding a port and a core."""

from __future__ import annotations

import signal
import sys

PR_SET_PDEATHSIG = 1
"""Linux prctl(2) option: the signal a process gets when the thread that started it ends."""


def die_with_parent() -> None:
    """In the child: end with SIGTERM when the thread that started it ends (Linux; elsewhere
    nothing happens, and the parent's own shutdown is what stops its children)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
