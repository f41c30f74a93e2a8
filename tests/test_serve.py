"""zwgk serve: the real Oxigraph server over the samples' store, on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from zwgk.errors import StoreError
from zwgk.queries import saved as sparql
from zwgk.serve import oxigraph as serve
from zwgk.store.embedded import LedgerStore

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_query(url: str, text: str) -> dict:
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(url + "/query", data=body, headers={"Accept": "application/sparql-results+json"})
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


def test_zwgk_serve_command_prints_address_and_queries_and_stops_cleanly(writable_store):
    port = free_port()
    zwgk = Path(sys.executable).parent / "zwgk"
    process = subprocess.Popen(
        [str(zwgk), "--store", str(writable_store), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first and "/query" in first
        process.stdout.readline()
        names = process.stdout.readline()
        assert "ledgers" in names and "search-tasks" in names and "agency-types" in names
        answer = post_query(
            f"http://127.0.0.1:{port}", "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/zwgk/ontology#Task> }"
        )
        assert answer["results"]["bindings"][0]["n"]["value"] == "297"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, process.stderr.read()
    with LedgerStore.open(writable_store) as store:
        assert len(store.ledgers()) == 5
