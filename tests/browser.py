"""Headless Debian Chromium as the tests start it: the flags that keep it from reaching for the
network this machine does not have (each refused connection costs seconds) and from needing a
sandbox or a GPU."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
