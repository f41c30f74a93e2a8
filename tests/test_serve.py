"""zwgk serve: the real Oxigraph server over the samples' store, on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from cli_process import ctrl_c

from zwgk.errors import StoreError
from zwgk.queries import saved as sparql
from zwgk.serve import oxigraph as serve
from zwgk.store.embedded import LedgerStore

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_query(url: str, text: str, *, path: str = "/query") -> dict:
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(url + path, data=body, headers={"Accept": "application/sparql-results+json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read())


def test_server_answers_saved_queries_like_the_embedded_store(writable_store):
    with LedgerStore.open(writable_store, read_only=True) as store:
        expected = sparql.run(store, sparql.find_query("completeness")).values()
        bound = sparql.bind(sparql.find_query("lead-workload"), {"jurisdiction": "淮南市"})
        expected_bound = sparql.run(store, bound.query, values={"jurisdiction": "淮南市"}).values()
    with serve.start(writable_store, host="127.0.0.1", port=free_port()) as server:
        assert server.process.poll() is None
        answer = post_query(server.url, sparql.find_query("completeness").text)
        got = [tuple(b.get(v, {}).get("value") for v in answer["head"]["vars"]) for b in answer["results"]["bindings"]]
        assert got == expected
        answer = post_query(server.url, bound.inline())
        assert [
            tuple(b[v]["value"] for v in answer["head"]["vars"]) for b in answer["results"]["bindings"]
        ] == expected_bound
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(server.url + "/", timeout=30) as page:
            assert b"<html" in page.read().lower()
        with pytest.raises(StoreError, match="in use by zwgk serve"):
            LedgerStore.open(writable_store)
    with LedgerStore.open(writable_store) as store:
        assert len(store.ledgers()) == 5


def test_a_store_being_written_is_not_served(writable_store):
    with LedgerStore.open(writable_store):
        with pytest.raises(StoreError, match="in use by another zwgk process writing to it"):
            serve.start(writable_store, port=free_port())


def test_missing_store_and_busy_port_are_explained(writable_store, tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        serve.start(tmp_path / "nothing", port=free_port())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StoreError, match=f"port {port} .* already in use"):
            serve.start(writable_store, port=port)
    with LedgerStore.open(writable_store):
        pass


def post_form(url: str, field: str, text: str, *, accept: str = "application/sparql-results+json"):
    """(status, body) of a form POST, without raising on 4xx/5xx."""
    body = urllib.parse.urlencode({field: text}).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


COUNT_TASKS = "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/zwgk/ontology#Task> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""A cartesian product of three patterns, counted: it reads the store once per pattern and then
multiplies rows without reading, so Oxigraph's own --timeout-s does not stop it."""


def children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(word) for word in found.stdout.split()]


def test_zwgk_serve_command_answers_the_sparql_protocol_and_stops_runaway_queries(writable_store):
    port = free_port()
    zwgk = Path(sys.executable).parent / "zwgk"
    process = subprocess.Popen(
        [str(zwgk), "--store", str(writable_store), "serve", "--port", str(port), "--timeout", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        first = process.stdout.readline()
        assert f"{base}/" in first and f"{base}/sparql" in first
        for path in ("/sparql", "/query"):
            answer = post_query(base, COUNT_TASKS, path=path)
            assert answer["results"]["bindings"][0]["n"]["value"] == "297"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        get = base + "/sparql?" + urllib.parse.urlencode({"query": COUNT_TASKS})
        with opener.open(urllib.request.Request(get, headers={"Accept": "text/csv"}), timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/csv") and response.read() == b"n\r\n297\r\n"
        with opener.open(
            urllib.request.Request(get, headers={"Accept": "application/sparql-results+xml"}), timeout=30
        ) as response:
            assert b'<literal datatype="http://www.w3.org/2001/XMLSchema#integer">297</literal>' in response.read()
        status, body = post_form(base + "/sparql", "update", "DELETE WHERE { ?s ?p ?o }")
        assert status == 403 and "read-only" in body.decode()
        status, body = post_form(
            base + "/sparql", "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        )
        assert status == 403 and "line 1: SERVICE" in body.decode()
        status, body = post_form(base + "/sparql", "query", 'SELECT ?t WHERE { ?t ?p "SERVICE" } LIMIT 1')
        assert status == 200

        (oxigraph,) = children(process.pid)
        started = time.monotonic()
        status, body = post_form(base + "/sparql", "query", RUNAWAY)
        took = time.monotonic() - started
        assert status == 503 and "did not finish within 2 s" in body.decode() and "2 秒" in body.decode()
        assert 2 <= took < 10, took
        (restarted,) = children(process.pid)
        assert restarted != oxigraph
        answer = post_query(base, COUNT_TASKS, path="/sparql")
        assert answer["results"]["bindings"][0]["n"]["value"] == "297"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, process.stderr.read()
    with pytest.raises(ProcessLookupError):
        os.kill(restarted, 0)
    with LedgerStore.open(writable_store) as store:
        assert len(store.ledgers()) == 5


def test_the_oxigraph_child_dies_with_a_killed_server_even_after_a_restart(writable_store):
    port = free_port()
    zwgk = Path(sys.executable).parent / "zwgk"
    process = subprocess.Popen(
        [str(zwgk), "--store", str(writable_store), "serve", "--port", str(port), "--timeout", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert f"http://127.0.0.1:{port}/" in process.stdout.readline()
        (first,) = children(process.pid)
        status, _ = post_form(f"http://127.0.0.1:{port}/sparql", "query", RUNAWAY)
        assert status == 503
        (restarted,) = children(process.pid)
        assert restarted != first
    finally:
        process.kill()
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(restarted, 0)
        except ProcessLookupError:
            break
        state = subprocess.run(["ps", "-o", "stat=", "-p", str(restarted)], capture_output=True, text=True).stdout
        if state.strip().startswith("Z"):
            break
        time.sleep(0.1)
    else:
        os.kill(restarted, signal.SIGKILL)
        pytest.fail("the Oxigraph child outlived the killed server")


def test_ctrl_c_stops_the_server_at_once_while_it_runs_a_runaway_query(writable_store):
    """Ctrl-C in the terminal of ``zwgk serve`` while a client waits on a query that would run
    for hours: the server and its Oxigraph child end within 2 s, with one line and no
    traceback, and the store is free for a writer."""
    import threading

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "zwgk.cli", "--store", str(writable_store), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "ZWGK_LANG": "en"},
    )
    assert f"http://127.0.0.1:{port}/" in process.stdout.readline().decode()
    (oxigraph,) = children(process.pid)
    client = threading.Thread(target=post_form, args=(f"http://127.0.0.1:{port}/sparql", "query", RUNAWAY), daemon=True)
    client.start()
    time.sleep(1.5)  # the query is running in the child (the default timeout is 60 s)
    assert client.is_alive()
    ended = ctrl_c(process, within=2.0)
    assert ended is not None, "zwgk serve was still running 2 s after Ctrl-C"
    stderr, _ = ended
    assert "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and _alive(oxigraph):
        time.sleep(0.05)
    assert not _alive(oxigraph), "the Oxigraph child outlived the server"
    with LedgerStore.open(writable_store) as store:
        assert len(store.ledgers()) == 5


def _alive(pid: int) -> bool:
    """Whether that process runs (a zombie counts as ended)."""
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")
