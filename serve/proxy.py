"""The SPARQL 1.1 protocol endpoint at ``/sparql``: the real Oxigraph server, a child process on
another loopback port, behind a small proxy that closes two gaps Oxigraph leaves open.

* ``SERVICE`` is refused (unless the server was started with ``--allow-service``): a federated
  query makes the server fetch any URL it can reach, and Oxigraph has no switch for it. The
  query is read with zwgk's SPARQL tokenizer (``store/sparql.py``), so the word in a string,
  an IRI or a comment is not mistaken for the clause.
* A runaway query stops. Oxigraph's ``--timeout-s`` is checked only when the query reads from
  the store, so a cartesian product of patterns that multiplies rows without reading runs on
  (measured: still busy after 60 s with a 2 s limit). When Oxigraph has not answered within the
  time limit and ``GRACE_SECONDS``, the proxy answers 503 with a message in both languages and
  kills and restarts the child, so that no core stays busy. Queries in flight on the child at
  that moment fail too (502), which a client may retry.

Updates are refused (403) before they reach Oxigraph, which runs ``serve-read-only`` anyway."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..errors import QueryError, QueryTimeout
from ..store.sparql import query_form, tokens
from .oxigraph import Server

GRACE_SECONDS = 2.0
"""Time Oxigraph gets beyond the limit to cancel a query itself (and end its answer with
"The SPARQL operation has been cancelled") before the proxy stops the process."""
FORWARDED_PARAMETERS = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class Answer:
    """What Oxigraph answered (or what the proxy answers in its place)."""

    status: int
    content_type: str
    body: bytes


def refuse_service(text: str) -> None:
    """Raise ``QueryError`` naming the line of the first ``SERVICE`` clause of a query."""
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            line = text.count("\n", 0, token.start) + 1
            raise QueryError(
                f"line {line}: SERVICE asks this server to fetch data from another server; it only "
                "answers about its own store (start it with zwgk serve --allow-service to permit it)",
                message_zh=f"第{line}行：SERVICE 要求本服务器从其他服务器获取数据；本服务只查询自己的数据库"
                "（如确需联邦查询，请用 zwgk serve --allow-service 启动）",
            )


def refuse_update(text: str) -> None:
    if query_form(text) == "UPDATE":
        raise QueryError(
            "this server is read-only: SPARQL updates are refused",
            message_zh="本服务只读：不接受 SPARQL 更新",
        )


class Endpoint:
    """The Oxigraph child and the rules in front of it."""

    def __init__(self, server: Server, *, timeout: float | None, allow_service: bool) -> None:
        self.server = server
        self.timeout = timeout
        self.allow_service = allow_service
        self._restart_lock = threading.Lock()
        self.restarts = 0
        # One thread for the process's lifetime restarts the child: the child dies with the
        # thread that started it (processes.die_with_parent), and the web server's worker
        # threads come and go.
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zwgk-oxigraph")

    def check(self, text: str) -> None:
        """The refusals, before anything reaches Oxigraph."""
        refuse_update(text)
        if not self.allow_service:
            refuse_service(text)

    def query(self, text: str, *, accept: str, graphs: list[tuple[str, str]] | None = None) -> Answer:
        """Run a query on Oxigraph within the time limit (and the grace): the answer, or
        ``QueryTimeout`` after the child was restarted."""
        self.check(text)
        limit = None if self.timeout is None else self.timeout + GRACE_SECONDS
        result: list[Answer | BaseException] = []
        process = self.server.process
        worker = threading.Thread(
            target=self._forward, args=(text, accept, graphs or [], limit, result), name="zwgk-sparql", daemon=True
        )
        worker.start()
        worker.join(limit)
        if worker.is_alive() or (result and isinstance(result[0], TimeoutError)):
            self._restart(process)
            seconds = f"{self.timeout:g}"
            raise QueryTimeout(
                f"the query did not finish within {seconds} s and was stopped (the SPARQL server was "
                "restarted so that it does not keep a processor busy); narrow the query or ask the "
                "administrator for a longer --timeout",
                message_zh=f"查询未在 {seconds} 秒内完成，已被停止（SPARQL 服务已重启，以免持续占用处理器）；"
                "请缩小查询范围，或请管理员用 --timeout 放宽时限",
            )
        outcome = result[0] if result else ConnectionError("no answer")
        if isinstance(outcome, BaseException):
            return Answer(
                status=502,
                content_type="text/plain; charset=utf-8",
                body=f"the SPARQL server did not answer: {outcome} / SPARQL 服务未响应\n".encode(),
            )
        return outcome

    def _forward(
        self,
        text: str,
        accept: str,
        graphs: list[tuple[str, str]],
        limit: float | None,
        result: list[Answer | BaseException],
    ) -> None:
        """One POST to Oxigraph's /query, the whole answer read within ``limit`` seconds."""
        started = time.monotonic()
        body = urllib.parse.urlencode([("query", text), *graphs]).encode("utf-8")
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=limit)
        try:
            connection.request(
                "POST",
                "/query",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept or "*/*"},
            )
            response = connection.getresponse()
            chunks = []
            while True:
                if limit is not None:
                    left = limit - (time.monotonic() - started)
                    if left <= 0:
                        raise TimeoutError("answer too slow")
                    if connection.sock is not None:
                        connection.sock.settimeout(left)
                chunk = response.read1(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            result.append(
                Answer(
                    status=response.status,
                    content_type=response.getheader("Content-Type") or "application/octet-stream",
                    body=b"".join(chunks),
                )
            )
        except (OSError, http.client.HTTPException) as exc:
            result.append(exc)
        finally:
            connection.close()

    def _restart(self, process: object) -> None:
        """Kill and restart the child, once for all the queries that timed out on it."""
        with self._restart_lock:
            if self.server.process is process:
                self._keeper.submit(self.server.restart).result()
                self.restarts += 1
