"""The real Oxigraph server on the store, read-only, under zwgk's lock: the SPARQL endpoint of
``zwgk serve``, which runs it as a child process on a loopback port behind ``proxy.py``.

The ``oxigraph`` package ships the same engine as pyoxigraph as a server: the SPARQL 1.1
Protocol at ``/query``, a query web page (YASGUI) at ``/``, the Graph Store Protocol at
``/store``. Serving through it rather than through a Python SPARQL implementation gives
analysts' tools a complete, standard endpoint at no cost to maintain. The server reads every named
graph as the default graph (``--union-default-graph``) so that the saved queries run there
unchanged. zwgk's lock is held while it runs, so a load cannot change the store under it, and a
store being written cannot be served."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import StoreError
from ..processes import die_with_parent

STARTUP_TIMEOUT = 20.0
DEFAULT_TIMEOUT = 60.0
"""Seconds Oxigraph gives one query, as ``zwgk query`` does by default (queries/saved.py
``DEFAULT_TIMEOUT``; repeated here so that the server module needs no query code)."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable installed with zwgk (next to the Python interpreter, as a
    virtual environment puts it), else the one on PATH."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError(
        "the oxigraph server is not installed: pip install oxigraph",
        message_zh="未安装 oxigraph 服务器：请执行 pip install oxigraph",
    )


@dataclass
class Server:
    """A running Oxigraph server over a zwgk store; ``stop()`` ends it and releases the lock."""

    process: subprocess.Popen[bytes]
    location: Path
    host: str
    port: int
    _release: Callable[[], None] | None = None
    command: tuple[str, ...] = ()
    """The command line the server was started with (``restart`` runs it again)."""

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def wait(self) -> int:
        try:
            return self.process.wait()
        finally:
            self._unlock()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._unlock()

    def restart(self) -> None:
        """Kill the server and start it again on the same port, keeping zwgk's lock. This is
        how a query that Oxigraph does not stop at its own time limit (a cartesian product
        that never reads from the store) gives its core back: the process is the only thing
        that can be stopped."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=die_with_parent
        )
        _wait_until_ready(self, log)

    def _unlock(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    location: str | os.PathLike[str] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    wait: float = 0.0,
    writable: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Server:
    """Start ``oxigraph serve-read-only`` on the store (``oxigraph serve``, which also accepts
    SPARQL updates and Graph Store writes, only when ``writable``) and return once it answers.

    ``timeout`` (seconds, None for none) is passed to Oxigraph as ``--timeout-s`` (whole
    seconds, rounded up): Oxigraph cancels a query that runs longer, so that a client that
    leaves a runaway query does not keep a core busy. Oxigraph looks at the time whenever the
    query reads from the store, which stopped a two-pattern cartesian product at its 2 s limit;
    a query that multiplies rows without reading (a cartesian product of three patterns) can
    run past it. Oxigraph has no switch to refuse SERVICE: a client of the endpoint can make
    the server fetch any URL it can reach (see README, "Serving")."""
    from ..store.embedded import store_location
    from ..store.lock import acquire_lock

    path = store_location(location)
    if not (path.is_dir() and any(path.iterdir())):
        raise StoreError(
            f"no store at {path}: load ledgers first (zwgk load …) or name one with --store",
            message_zh=f"{path} 处没有数据库：请先加载台账（zwgk load …）或用 --store 指定",
        )
    release = acquire_lock(path, purpose="serve", wait=wait)
    try:
        command = [
            oxigraph_binary(),
            "serve" if writable else "serve-read-only",
            "--location",
            str(path),
            "--bind",
            f"{host}:{port}",
            "--union-default-graph",
        ]
        if timeout:
            command += ["--timeout-s", str(max(1, math.ceil(timeout)))]
        log = tempfile.TemporaryFile()
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=die_with_parent
        )
        server = Server(process=process, location=path, host=host, port=port, _release=release, command=tuple(command))
    except BaseException:
        release()
        raise
    _wait_until_ready(server, log)
    return server


def _wait_until_ready(server: Server, log: IO[bytes]) -> None:
    """Return once the server answers HTTP; stop it and raise ``StoreError`` when it exits or
    does not answer within ``STARTUP_TIMEOUT``."""
    process, path, host, port = server.process, server.location, server.host, server.port
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            log.seek(0)
            detail = log.read().decode("utf-8", "replace").strip()
            server.stop()
            raise StoreError(
                _failure(detail, path=path, host=host, port=port),
                message_zh=f"oxigraph 服务器未能启动（{host}:{port}）：{detail}",
            )
        if _answers(host, port):
            log.close()
            return
        if time.monotonic() > deadline:
            server.stop()
            raise StoreError(
                f"the oxigraph server did not answer on {host}:{port} within {STARTUP_TIMEOUT:.0f} s",
                message_zh=f"oxigraph 服务器在 {STARTUP_TIMEOUT:.0f} 秒内未响应",
            )
        time.sleep(0.05)


def _failure(detail: str, *, path: Path, host: str, port: int) -> str:
    lowered = detail.lower()
    if "address already in use" in lowered or "addrinuse" in lowered:
        return f"port {port} on {host} is already in use; choose another with --port"
    if "lock" in lowered:
        return f"the store at {path} is in use by another process: {detail}"
    return f"the oxigraph server stopped at start-up: {detail}"


def _answers(host: str, port: int) -> bool:
    """True once the server answers HTTP (a socket that merely accepts is not enough: the port
    may belong to another program)."""
    import http.client

    connection = http.client.HTTPConnection(host, port, timeout=1.0)
    try:
        connection.request("HEAD", "/")
        connection.getresponse()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach the address (the server has no authentication)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
