"""Queries that stop, refuse what they must not run, and read parameters strictly (issue #23).

A runaway query (a cartesian product) stops on its time limit and on Ctrl-C, in the CLI and on
the served endpoint; the W3C result formats are written as the answer comes; SERVICE is
refused; parameter values are read by XML Schema's lexical rules. The CLI cases run ``zwgk``
in a subprocess and assert one message, the exit status and no traceback. Time bounds are
generous: they prove that a query stops, not how fast."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from cli_process import ctrl_c, one_error, zwgk
from click.testing import CliRunner

from zwgk.cli import main
from zwgk.errors import QueryError, QueryTimeout
from zwgk.queries import saved
from zwgk.store.embedded import LedgerStore

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""Some 10^12 rows on the samples: never ends by itself, and streams its rows."""
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""The same, counted: no row comes before the end, so only a thread of its own can stop it."""
STOPS_WITHIN = 20.0
"""Seconds after the time limit (or Ctrl-C) within which the process must have ended: a
generous bound on a loaded 2-core machine that still proves the query stopped."""


# Parameters by XML Schema's lexical rules -----------------------------------------------------

TYPED = saved.parse_query(
    "SELECT * WHERE { BIND(?__i_integer AS ?i) BIND(?__m_decimal AS ?m) BIND(?__f_double AS ?f) "
    "BIND(?__b_boolean AS ?b) BIND(?__d_xsd_date AS ?d) BIND(?__t_dateTime AS ?t) BIND(?__y_gYear AS ?y) }",
    name="typed",
)

ACCEPTED = [
    ("i", "2020", "2020"),
    ("i", "+2020", "2020"),
    ("i", "-0", "0"),
    ("i", "007", "7"),
    ("i", "-5", "-5"),
    ("m", "1.50", "1.5"),
    ("m", ".5", "0.5"),
    ("m", "-20", "-20"),
    ("m", "3.", "3"),
    ("f", "1e3", "1000"),
    ("f", "1.2E-3", "0.0012"),
    ("f", "INF", "INF"),
    ("f", "+INF", "INF"),
    ("f", "-INF", "-INF"),
    ("f", "NaN", "NaN"),
    ("b", "true", "true"),
    ("b", "0", "false"),
    ("b", "1", "true"),
    ("d", "2020-07-01", "2020-07-01"),
    ("d", "2020-02-29", "2020-02-29"),
    ("d", "2000-02-29", "2000-02-29"),
    ("d", "2020-07-01Z", "2020-07-01Z"),
    ("d", "2020-07-01+08:00", "2020-07-01+08:00"),
    ("d", "-0044-03-15", "-0044-03-15"),
    ("d", "12020-01-01", "12020-01-01"),
    ("t", "2020-07-01T09:30:00", "2020-07-01T09:30:00"),
    ("t", "2020-07-01T24:00:00", "2020-07-02T00:00:00"),
    ("t", "2020-07-01T09:30:00.25+08:00", "2020-07-01T09:30:00.25+08:00"),
    ("y", "2020", "2020"),
    ("y", "-0044", "-0044"),
    ("y", "2020+08:00", "2020+08:00"),
]
REFUSED = [
    ("i", "1_000"),
    ("i", "NaN"),
    ("i", "2.0"),
    ("i", "1e3"),
    ("i", "２０２０"),
    ("i", " 2020"),
    ("i", ""),
    ("i", "0x10"),
    ("i", "٢٠٢٠"),
    ("m", "1e3"),
    ("m", "1_0.5"),
    ("m", "NaN"),
    ("m", "."),
    ("f", "nan"),
    ("f", "inf"),
    ("f", "Infinity"),
    ("f", "1_000.0"),
    ("f", "1e"),
    ("b", "True"),
    ("b", "yes"),
    ("b", "2"),
    ("d", "20200701"),
    ("d", "2021-02-29"),
    ("d", "1900-02-29"),
    ("d", "2020-13-01"),
    ("d", "2020-04-31"),
    ("d", "2020-7-1"),
    ("d", "2020-07-01T00:00:00"),
    ("d", "2020-07-01+15:00"),
    ("d", "+2020-07-01"),
    ("t", "2020-07-01"),
    ("t", "2020-07-01T24:00:01"),
    ("t", "2020-07-01 09:30:00"),
    ("t", "2020-07-01T9:30:00"),
    ("y", "20"),
    ("y", "+2020"),
    ("y", "2020-01"),
    ("y", "0020x"),
]


@pytest.mark.parametrize(("name", "value", "canonical"), ACCEPTED)
def test_values_of_the_lexical_space_are_taken_in_canonical_form(name, value, canonical):
    bound = saved.bind(TYPED, {name: value})
    (term,) = bound.terms.values()
    assert term.value == canonical
    assert f"VALUES ?{bound.query.parameter(name).variable}" in bound.inline()


@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_values_outside_the_lexical_space_are_refused_naming_parameter_value_and_form(name, value):
    parameter = TYPED.parameter(name)
    with pytest.raises(QueryError) as refused:
        saved.bind(TYPED, {name: value})
    message = refused.value.message
    assert f"parameter {name} expects {parameter.type_label}, got {value!r}" in message
    assert "(expected " in message
    assert refused.value.message_zh and name in refused.value.message_zh


def test_plus_2020_finds_what_2020_finds(sample_store):
    query = saved.find_query("tasks-by-due-month")
    with LedgerStore.open(sample_store, read_only=True) as store:
        plain = saved.run(store, query, values={"year": "2020"}).values()
        signed = saved.run(store, query, values={"year": "+2020"}).values()
    assert plain and signed == plain


def test_cli_refuses_a_python_ism_with_one_message(sample_store):
    done = zwgk("--store", str(sample_store), "query", "tasks-by-due-month", "-p", "year=1_000")
    assert done.returncode == 2
    line = one_error(done.stderr)
    assert "parameter year expects xsd:integer, got '1_000'" in line and "digits with an optional sign" in line
    assert done.stdout == ""


# SERVICE ----------------------------------------------------------------------------------


@pytest.fixture()
def listener():
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.5)
    yield sock
    sock.close()


def connected(sock: socket.socket) -> bool:
    try:
        client, _ = sock.accept()
    except TimeoutError:
        return False
    client.close()
    return True


def test_service_in_an_expression_is_refused_and_nothing_is_fetched(sample_store, listener):
    port = listener.getsockname()[1]
    done = zwgk(
        "--store",
        str(sample_store),
        "query",
        "-e",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?q ?r }} }}",
    )
    assert done.returncode == 2
    line = one_error(done.stderr)
    assert f"-e, line 1: SERVICE <http://127.0.0.1:{port}/sparql> asks zwgk to fetch data" in line
    assert "--allow-service" in line
    assert not connected(listener)


def test_service_in_a_saved_query_file_is_refused_naming_its_line(sample_store, tmp_path, listener):
    port = listener.getsockname()[1]
    path = tmp_path / "federated.rq"
    path.write_text(
        "#+ summary: federated\nSELECT * WHERE {\n  ?s ?p ?o .\n"
        f"  service silent <http://127.0.0.1:{port}/> {{ ?s ?q ?r }}\n}}\n",
        encoding="utf-8",
    )
    done = zwgk("--store", str(sample_store), "query", str(path))
    assert done.returncode == 2
    assert f"{path}, line 4: service silent <http://127.0.0.1:{port}/>" in one_error(done.stderr)
    assert not connected(listener)


def test_service_in_an_update_is_refused_and_the_store_is_unchanged(writable_store, listener):
    port = listener.getsockname()[1]
    with LedgerStore.open(writable_store, read_only=True) as store:
        before = len(store.raw)
    done = zwgk(
        "--store",
        str(writable_store),
        "query",
        "--allow-update",
        "-e",
        f"INSERT {{ GRAPH <urn:x> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    )
    assert done.returncode == 2
    assert "SERVICE" in one_error(done.stderr)
    assert not connected(listener)
    with LedgerStore.open(writable_store, read_only=True) as store:
        assert len(store.raw) == before


def test_words_that_only_look_like_service_are_not_refused():
    for text in (
        "SELECT ?service WHERE { ?service ?p 'SERVICE <x>' } # SERVICE <y>",
        "PREFIX ex: <urn:x#> SELECT * WHERE { ?s ex:SERVICE <urn:SERVICE> }",
    ):
        saved.refuse_service(saved.adhoc_query(text))


def test_allowed_service_to_a_dead_server_is_one_message(sample_store):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    done = zwgk(
        "--store",
        str(sample_store),
        "query",
        "--allow-service",
        "-e",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    )
    assert done.returncode == 2
    assert "-e: the query failed" in one_error(done.stderr)
    assert "unsendable" not in done.stderr


# Updates ----------------------------------------------------------------------------------


def test_update_with_a_syntax_error_is_one_message_and_changes_nothing(writable_store):
    with LedgerStore.open(writable_store, read_only=True) as store:
        before = len(store.raw)
    done = zwgk("--store", str(writable_store), "query", "--allow-update", "-e", "INSERT DATA { <urn:a> <urn:b> }")
    assert done.returncode == 2
    assert "-e: SPARQL syntax error" in one_error(done.stderr)
    with LedgerStore.open(writable_store, read_only=True) as store:
        assert len(store.raw) == before


# Time limits and Ctrl-C -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fmt"), [(CARTESIAN_COUNT, "table"), (CARTESIAN, "csv")], ids=["aggregate", "rows"])
def test_a_runaway_query_stops_on_its_time_limit(sample_store, text, fmt):
    started = time.monotonic()
    done = zwgk("--store", str(sample_store), "query", "--timeout", "2", "--format", fmt, "-e", text, timeout=120)
    took = time.monotonic() - started
    assert done.returncode == 2
    line = one_error(done.stderr)
    assert "did not finish within 2 s and was stopped" in line and "--timeout" in line
    assert took < 2 + STOPS_WITHIN, took


def test_the_time_limit_comes_from_the_environment(sample_store):
    started = time.monotonic()
    done = zwgk("--store", str(sample_store), "query", "-e", CARTESIAN_COUNT, env={"ZWGK_QUERY_TIMEOUT": "1.5"})
    assert done.returncode == 2
    assert "within 1.5 s" in one_error(done.stderr)
    assert time.monotonic() - started < 1.5 + STOPS_WITHIN
    bad = zwgk("--store", str(sample_store), "query", "ledgers", env={"ZWGK_QUERY_TIMEOUT": "soon"})
    assert bad.returncode == 2 and "ZWGK_QUERY_TIMEOUT='soon' is not a number of seconds" in one_error(bad.stderr)


def test_query_timeout_setting(monkeypatch):
    monkeypatch.delenv(saved.ENV_TIMEOUT, raising=False)
    assert saved.query_timeout(None) == saved.DEFAULT_TIMEOUT
    assert saved.query_timeout(0) is None
    assert saved.query_timeout(2.5) == 2.5
    monkeypatch.setenv(saved.ENV_TIMEOUT, "0")
    assert saved.query_timeout(None) is None
    for bad in ("-1", "nan", "inf"):
        monkeypatch.setenv(saved.ENV_TIMEOUT, bad)
        with pytest.raises(QueryError):
            saved.query_timeout(None)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [(CARTESIAN_COUNT, "table"), (CARTESIAN, "csv"), (CARTESIAN, "xlsx")],
    ids=["aggregate", "streamed", "held"],
)
def test_ctrl_c_stops_a_running_query_at_once(sample_store, tmp_path, text, fmt):
    # A held answer: the workbook is written only once every row is in, and unlike a table
    # (which stops at 10,000 rows, a few seconds in) it takes every row there is.
    output = ["-o", str(tmp_path / "answer.xlsx")] if fmt == "xlsx" else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zwgk.cli",
            "--store",
            str(sample_store),
            "query",
            "--timeout",
            "0",
            "--format",
            fmt,
            *output,
            "-e",
            text,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(3)  # started, imported, and well into the query
    assert process.poll() is None, "the query should still be running"
    ended = ctrl_c(process, within=STOPS_WITHIN)
    if ended is None:
        pytest.fail("Ctrl-C did not stop the query")
    stderr, took = ended
    assert process.returncode == 130, stderr
    assert took < STOPS_WITHIN
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.strip()] == ["zwgk: interrupted (Ctrl-C)"]


def test_library_run_with_a_timeout_raises_and_its_thread_ends(sample_store):
    """``run(timeout=…)`` stops waiting; the engine's thread, told to stop, ends at its next
    row (a query that streams rows: one that computes long before its first row would keep
    its thread, which is why ``zwgk query`` ends its process instead)."""
    with LedgerStore.open(sample_store, read_only=True) as store:
        with pytest.raises(QueryTimeout):
            saved.run(store, saved.adhoc_query(CARTESIAN), timeout=0.5)
        deadline = time.monotonic() + STOPS_WITHIN
        while saved.evaluation_running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not saved.evaluation_running()


# Streaming --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", saved.STREAMED_FORMATS)
def test_streamed_output_is_exactly_the_whole_rendering(sample_store, fmt, monkeypatch):
    """Written batch by batch (batches of 7 rows here, so that there are many), the bytes are
    those ``render`` gives for the whole answer, whatever it puts around the rows."""
    monkeypatch.setattr(saved, "BATCH_ROWS", 7)
    query = saved.find_query("search-tasks")
    values = {"keyword": "公开"}
    with LedgerStore.open(sample_store, read_only=True) as store:
        whole = saved.render(saved.run(store, query, values=values), format=fmt)
        out = io.BytesIO()
        written = saved.write_answer(store, query, out=out, format=fmt, values=values, timeout=60)
    assert written.streamed and written.rows and written.rows > 2 * 7
    assert out.getvalue() == whole


def test_time_spent_blocked_writing_does_not_count(sample_store, monkeypatch):
    """A reader paging slowly through the output holds the engine up without letting it use a
    core: that time is not the query's."""
    monkeypatch.setattr(saved, "BATCH_ROWS", 7)

    class SlowReader(io.BytesIO):
        def write(self, data: bytes) -> int:
            time.sleep(0.2)
            return super().write(data)

    out = SlowReader()
    query = saved.find_query("search-tasks")
    with LedgerStore.open(sample_store, read_only=True) as store:
        written = saved.write_answer(store, query, out=out, format="csv", values={"keyword": "公开"}, timeout=1.0)
    assert written.streamed and written.rows and written.rows > 5 * 7  # more than 1 s of writing


def test_rows_are_written_before_the_query_ends(sample_store):
    """The cartesian product never ends: the rows on standard output before its time limit
    stopped it were written as they came, not held."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "zwgk.cli",
            "--store",
            str(sample_store),
            "query",
            "--timeout",
            "3",
            "--format",
            "tsv",
            "-e",
            CARTESIAN,
        ],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2
    one_error(done.stderr.decode("utf-8"))
    lines = done.stdout.splitlines()
    assert lines[0].lstrip(b"\xef\xbb\xbf") == b"?a\t?b\t?c\t?d\t?e\t?f\t?g\t?h\t?i"
    assert len(lines) > 1000


def test_a_table_stops_at_its_row_limit_with_a_note(sample_store, monkeypatch):
    monkeypatch.setattr(saved, "TABLE_MAX_ROWS", 25)
    result = CliRunner().invoke(
        main, ["--store", str(sample_store), "query", "--timeout", "60", "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"]
    )
    assert result.exit_code == 0, result.output
    assert "(25 rows / 25 行)" in result.stdout
    assert "the table stops at 25 rows" in result.stderr and "--format csv" in result.stderr


# The served endpoint ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.server
def test_serve_passes_its_time_limit_to_oxigraph(writable_store):
    """A two-pattern cartesian product (Oxigraph looks at the time as it reads the store) is
    cancelled by the server on its limit; the answer says so."""
    from zwgk.serve import oxigraph as serve

    with serve.start(writable_store, port=_free_port(), timeout=2) as server:
        assert server.process.args[-2:] == ["--timeout-s", "2"]
        body = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"}).encode()
        request = urllib.request.Request(
            server.url + "/query", data=body, headers={"Accept": "application/sparql-results+json"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        started = time.monotonic()
        try:
            with opener.open(request, timeout=2 + STOPS_WITHIN) as response:
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")
        assert time.monotonic() - started < 2 + STOPS_WITHIN
        assert "cancelled" in text
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)  # not an answer: the query was stopped


@pytest.mark.server
def test_serve_without_a_limit_passes_none(writable_store):
    from zwgk.serve import oxigraph as serve

    with serve.start(writable_store, port=_free_port(), timeout=None) as server:
        assert "--timeout-s" not in server.process.args


def test_cli_serve_has_a_timeout_option():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--timeout SECONDS" in result.output
