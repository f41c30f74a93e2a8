"""Misuse and exposure: parameters cannot change a query's meaning whatever their type, the
server is loopback-only and read-only unless told otherwise and serves nothing but the store,
and no subprocess call goes through a shell."""

from __future__ import annotations

import ast
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from zwgk.errors import QueryError
from zwgk.queries import saved as sparql
from zwgk.serve import oxigraph as serve
from zwgk.store.embedded import LedgerStore

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = [
    'x" } ; DROP ALL ; #',
    "x' } DELETE WHERE { ?s ?p ?o } #",
    "> } ; CLEAR ALL ; <",
    "\\u0022 }",
    "1 } UNION { ?s ?p ?o",
    '2020-01-01"^^<x> } ; DROP ALL ; #',
]
TYPED = {
    "string": "SELECT ?s WHERE { ?s ?p ?_value }",
    "language": "SELECT ?s WHERE { ?s ?p ?_value_zh }",
    "integer": "SELECT ?s WHERE { ?s ?p ?_value_integer }",
    "date": "SELECT ?s WHERE { ?s ?p ?_value_xsd_date }",
    "iri": "SELECT ?s WHERE { ?s ?p ?_value_iri }",
}


@pytest.mark.parametrize("kind", sorted(TYPED))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_parameter_type_binds_a_term_or_refuses(kind, payload, writable_store):
    query = sparql.parse_query(TYPED[kind], name=f"injection-{kind}")
    try:
        bound = sparql.bind(query, {"value": payload})
    except QueryError:
        assert kind in ("integer", "date", "iri"), "text parameters accept any text as a literal"
        return
    ((variable, term),) = bound.terms.items()
    assert isinstance(term, Literal) and term.value == payload
    block = f" VALUES ?{variable} {{ {term} }} "
    assert bound.inline().replace(block, "") == query.text
    with LedgerStore.open(writable_store) as store:
        before = len(store.raw)
        assert sparql.run(store, query, values={"value": payload}).rows == ()
        assert len(store.raw) == before


def test_integer_and_date_parameters_are_typed_terms():
    integer = sparql.bind(sparql.parse_query(TYPED["integer"], name="i"), {"value": "2021"})
    assert list(integer.terms.values()) == [Literal("2021", datatype=NamedNode(sparql.XSD + "integer"))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.server
def test_server_is_read_only_and_serves_no_files(writable_store):
    with serve.start(writable_store, port=_free_port()) as server:
        assert server.host == "127.0.0.1"
        for path in (
            "/../../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/examples/ledgers/",
            "/store/../../etc/hostname",
            "/zwgk.lock",
            "/CURRENT",
        ):
            status = _get(server.url + path)
            assert status in (400, 404, 405), path
        request = urllib.request.Request(
            server.url + "/update",
            data=b"update=DROP%20ALL",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30)
    with LedgerStore.open(writable_store, read_only=True) as store:
        assert len(store.ledgers()) == 5


def test_serve_warns_off_loopback():
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1") and serve.is_loopback("localhost")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.0.2.1")


def test_no_subprocess_call_goes_through_a_shell():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if any(part in (".venv", "build", "node_modules") for part in path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
                    offenders.append(f"{path.name}:{node.lineno} {name}")
                for keyword in node.keywords:
                    if keyword.arg == "shell" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                    ):
                        offenders.append(f"{path.name}:{node.lineno} shell=")
    assert offenders == []
