"""A remote store that refuses, times out or answers garbage gets a clear error and a non-zero
exit; only idempotent requests are retried. The misbehaving server is a real HTTP server on
127.0.0.1, started and stopped by the test."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.errors import StoreError
from zwgk.store import remote
from zwgk.store.remote import RemoteStore


class Behaviour:
    def __init__(self, responses: list[tuple[int, str, bytes]], delay: float = 0.0) -> None:
        self.responses = responses
        self.delay = delay
        self.requests: list[tuple[str, str]] = []


def serve(behaviour: Behaviour):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            behaviour.requests.append((self.command, self.path))
            if behaviour.delay:
                time.sleep(behaviour.delay)
            status, media, body = behaviour.responses[min(len(behaviour.requests), len(behaviour.responses)) - 1]
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture()
def fake(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    servers = []

    def start(behaviour: Behaviour) -> str:
        server, url = serve(behaviour)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


ASK_TRUE = (200, "application/sparql-results+json", b'{"head": {}, "boolean": true}')
EMPTY = (200, "application/sparql-results+json", b'{"head": {"vars": ["id"]}, "results": {"bindings": []}}')


def test_garbage_answer_is_a_clear_error(fake):
    url = fake(Behaviour([(200, "text/html", b"<html><body>502 proxy error</body></html>")]))
    with RemoteStore.open(url) as store, pytest.raises(StoreError, match="not a SPARQL result"):
        store.ledgers()


def test_answer_of_the_wrong_form_is_a_clear_error(fake):
    url = fake(Behaviour([ASK_TRUE]))
    with RemoteStore.open(url) as store, pytest.raises(StoreError, match="does not match"):
        store.ledgers()


def test_garbage_graph_is_a_clear_error(fake):
    url = fake(Behaviour([(200, "text/turtle", b"this is { not turtle")]))
    with RemoteStore.open(url) as store, pytest.raises(StoreError, match="not a SPARQL result or RDF"):
        store.graph_quads("https://w3id.org/zwgk/id/graph/x")


def test_timeout_is_a_clear_error(fake, monkeypatch):
    monkeypatch.setattr(remote, "TIMEOUT", 0.3)
    monkeypatch.setattr(remote, "RETRIES", 2)
    behaviour = Behaviour([EMPTY], delay=1.0)
    url = fake(behaviour)
    with RemoteStore.open(url) as store, pytest.raises(StoreError, match="no answer within 0.3 s"):
        store._query("SELECT ?id WHERE { ?s ?p ?id }")
    assert len(behaviour.requests) == 2, "a query is idempotent: retried"


def test_queries_are_retried_after_503(fake):
    behaviour = Behaviour([(503, "text/plain", b"busy"), EMPTY])
    url = fake(behaviour)
    with RemoteStore.open(url) as store:
        assert list(store._query("SELECT ?id WHERE { ?s ?p ?id }")) == []
    assert len(behaviour.requests) == 2


def test_updates_are_not_retried(fake):
    behaviour = Behaviour([(503, "text/plain", b"busy"), (204, "text/plain", b"")])
    url = fake(behaviour)
    with RemoteStore.open(url) as store, pytest.raises(StoreError, match="HTTP 503"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert [method for method, _ in behaviour.requests] == ["POST"]


def test_refused_connection_exits_2_with_one_message(samples):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(main, ["--endpoint", f"http://127.0.0.1:{port}", "ledgers"])
    assert result.exit_code == 2
    assert "cannot reach the SPARQL store" in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("zwgk: error")]) == 1
