"""zwgk's lock on a store folder. RocksDB's own lock does not see read-only openers such as
``oxigraph serve-read-only``, so zwgk keeps its own: ``zwgk serve`` and every writer hold it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from ..errors import StoreError, store_os_error

LOCK_NAME = "zwgk.lock"


def acquire_lock(location: str | os.PathLike[str], *, purpose: str, wait: float = 0.0) -> Callable[[], None]:
    """Take zwgk's exclusive lock on a store folder and return the function that releases it.

    RocksDB's own lock does not see read-only openers such as ``oxigraph serve-read-only``, so
    zwgk keeps its own: ``zwgk serve`` and every writer hold it. The holder's purpose and pid are
    written into the lock file so that the refusal can say who holds it."""
    import fcntl

    path = Path(location)
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle = open(path / LOCK_NAME, "a+", encoding="utf-8")
    except OSError as exc:
        raise store_os_error(exc, location=path, doing="write to the store", doing_zh="写入数据库") from None
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() >= deadline:
                holder = _lock_holder(handle)
                handle.close()
                raise StoreError(
                    f"the store at {path} is in use by {holder}; wait for it to finish"
                    + (" or stop the server" if "serve" in holder else "")
                    + " (or use --wait SECONDS), then try again",
                    message_zh=f"{path} 处的数据库正被占用（{holder}），请稍后再试",
                ) from None
            time.sleep(0.1)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "purpose": purpose}))
        handle.flush()
    except OSError as exc:
        with suppress(OSError):
            handle.close()  # closing flushes again, and fails again on a full disk
        raise store_os_error(exc, location=path, doing="write to the store", doing_zh="写入数据库") from None

    def release() -> None:
        if handle.closed:
            return  # released already (an error path may release before the store's close)
        try:
            handle.seek(0)
            handle.truncate()
        except OSError:
            pass  # the holder's note stays behind; the lock itself goes with the file handle
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    return release


def held(location: str | os.PathLike[str]) -> bool:
    """Whether a writer or ``zwgk serve`` holds the lock now (a reader asks, to tell a batch in
    progress from one that was stopped). Asked only when there is a reason to: the shared lock
    taken for an instant here would make a writer starting at that instant without ``--wait``
    find the store busy."""
    import fcntl

    try:
        handle = open(Path(location) / LOCK_NAME, encoding="utf-8")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _lock_holder(handle: IO[str]) -> str:
    try:
        handle.seek(0)
        info = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        info = {}
    purpose = {"serve": "zwgk serve", "load": "another zwgk process writing to it"}.get(
        info.get("purpose", ""), "another zwgk process"
    )
    return f"{purpose} (pid {info['pid']})" if "pid" in info else purpose


@contextmanager
def locked(location: str | os.PathLike[str], *, purpose: str, wait: float = 0.0) -> Iterator[None]:
    """``acquire_lock`` as a context manager (``zwgk serve`` holds it while the server runs)."""
    release = acquire_lock(location, purpose=purpose, wait=wait)
    try:
        yield
    finally:
        release()
