"""A zwgk store kept in any SPARQL 1.1 server, reached through the SPARQL 1.1 Protocol (queries,
updates) and the Graph Store HTTP Protocol (one named graph per ledger).

An office that outgrows one machine keeps the same commands and points them at the store it
already runs (Oxigraph, Apache Jena Fuseki, GraphDB, Virtuoso, Amazon Neptune, QLever…). A ledger
is replaced by one idempotent ``PUT`` of its whole graph, so a failed load leaves the previous
version, as on the embedded store. Only the standard library speaks HTTP here (urllib), so the
``zwgk query`` path stays light.

Naming a store (``--endpoint`` or ``ZWGK_ENDPOINT``):

* an Oxigraph server by its base address, ``http://127.0.0.1:7878`` — ``/query``, ``/update``
  and ``/store`` are implied;
* any other store by its URLs, ``query=URL update=URL store=URL`` (space separated). The graph
  store URL gets ``?graph=IRI`` appended, or, when it ends with a parameter such as Virtuoso's
  ``…/sparql-graph-crud-auth?graph-uri=``, the IRI is appended to that parameter.

Credentials come from ``user:password@`` in the URLs or from ``ZWGK_ENDPOINT_USER`` and
``ZWGK_ENDPOINT_PASSWORD``; Basic and Digest authentication are both answered."""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..errors import StoreError
from ..ontology.iris import ONTOLOGY_GRAPH
from ..ontology.iris import ledger as ledger_iri
from .base import (
    Interrupted,
    LedgerInfo,
    LoadSummary,
    PreparedLedger,
    internal_query,
    ledger_infos,
    named_ledgers_query,
    ontology_graph,
    select_ledgers,
    task_changes,
)
from .sparql import query_form

ENV_ENDPOINT = "ZWGK_ENDPOINT"
ENV_USER = "ZWGK_ENDPOINT_USER"
ENV_PASSWORD = "ZWGK_ENDPOINT_PASSWORD"
TIMEOUT = float(os.environ.get("ZWGK_REMOTE_TIMEOUT", "300"))
"""Seconds to wait for one answer (env ZWGK_REMOTE_TIMEOUT)."""
RETRIES = 3
"""Attempts for idempotent requests (queries, GET, PUT, DELETE) that fail in transit or with
502/503/504; an update is sent once, since sending it again could apply it twice."""
RETRY_STATUS = (502, 503, 504)

_RESULTS_JSON = "application/sparql-results+json"
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
"""Virtuoso sends this header (its ``ResultSetMaxRows``) when it stopped an answer at its row
limit: rows past the limit, if any, are not sent, and nothing else in the answer says so."""
_GRAPH_TYPES = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


@dataclass(frozen=True)
class Endpoint:
    """Where a store's three services live."""

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    user: str | None = None
    password: str | None = None

    def graph_url(self, graph: str) -> str:
        if not self.store_url:
            raise StoreError(
                f"no graph store URL for {self.query_url}: add store=URL to the endpoint",
                message_zh="未指定图存储（Graph Store）地址：请在 endpoint 中加入 store=URL",
            )
        quoted = urllib.parse.quote(graph, safe="")
        if self.store_url.endswith("="):
            return self.store_url + quoted
        return self.store_url + ("&" if "?" in self.store_url else "?") + "graph=" + quoted


def parse_endpoint(spec: str) -> Endpoint:
    """Read an endpoint specification (see the module's docstring)."""
    words = spec.split()
    if not words:
        raise StoreError("empty endpoint", message_zh="endpoint 为空")
    if len(words) == 1 and "=" not in words[0].split("?")[0]:
        base = words[0].rstrip("/")
        urls = {"query": base + "/query", "update": base + "/update", "store": base + "/store"}
    else:
        urls = {}
        for word in words:
            key, sep, value = word.partition("=")
            if not sep or key not in ("query", "update", "store"):
                raise StoreError(
                    f"cannot read endpoint {spec!r}: expected a base URL or query=URL update=URL store=URL",
                    message_zh=f"无法识别 endpoint {spec}：应为基础地址或 query=URL update=URL store=URL",
                )
            urls[key] = value
        if "query" not in urls:
            raise StoreError(f"endpoint {spec!r} names no query URL", message_zh=f"endpoint {spec} 缺少 query=URL")
    user = os.environ.get(ENV_USER)
    password = os.environ.get(ENV_PASSWORD)
    clean = {}
    for key, url in urls.items():
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise StoreError(f"endpoint URL {url!r} is not http(s)", message_zh=f"endpoint 地址 {url} 不是 http(s)")
        if parts.username:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
            url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        clean[key] = url
    return Endpoint(
        query_url=clean["query"],
        update_url=clean.get("update"),
        store_url=clean.get("store"),
        user=user,
        password=password,
    )


class RemoteStore:
    """The ``Store`` protocol (store/base.py) over HTTP."""

    def __init__(self, endpoint: Endpoint, *, read_only: bool = False, spec: str | None = None) -> None:
        self.endpoint = endpoint
        self.read_only = read_only
        self.location = spec or endpoint.query_url
        self._union_checked = False
        handlers: list[urllib.request.BaseHandler] = []
        self._digest = None
        if endpoint.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (endpoint.query_url, endpoint.update_url, endpoint.store_url):
                if url:
                    passwords.add_password(None, url, endpoint.user, endpoint.password or "")
            self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
            handlers += [urllib.request.HTTPBasicAuthHandler(passwords), self._digest]
        self._opener = urllib.request.build_opener(*handlers)
        self._plain = urllib.request.build_opener()

    @classmethod
    def open(cls, spec: str, *, read_only: bool = False) -> RemoteStore:
        return cls(parse_endpoint(spec), read_only=read_only, spec=spec)

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    # HTTP ------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        missing_ok: bool = False,
        idempotent: bool | None = None,
    ) -> tuple[int, str, bytes]:
        """One HTTP exchange, retried (with a short back-off) only when repeating it cannot
        change the outcome."""
        if idempotent is None:
            idempotent = method in ("GET", "PUT", "DELETE", "HEAD")
        attempts = RETRIES if idempotent else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._exchange(
                    method, url, body=body, content_type=content_type, accept=accept, missing_ok=missing_ok
                )
            except _Transient as exc:
                if attempt == attempts:
                    raise exc.error from None
                time.sleep(0.5 * attempt)
        raise AssertionError("unreachable")

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        content_type: str | None,
        accept: str | None,
        missing_ok: bool,
    ) -> tuple[int, str, bytes]:
        headers = {"User-Agent": "zwgk"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        if body is not None and len(body) > 4096:
            self._authorize_ahead(request)
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                limit = response.headers.get(MAX_ROWS_HEADER)
                if limit is not None:
                    raise _cut_at_limit(url, limit)
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return 404, "", b""
            detail = exc.read()[:500].decode("utf-8", "replace").strip()
            error = StoreError(
                f"{method} {url}: HTTP {exc.code} {exc.reason}: {detail}",
                message_zh=f"{method} {url}：服务器返回 HTTP {exc.code}：{detail}",
            )
            if exc.code in RETRY_STATUS:
                raise _Transient(error) from None
            raise error from None
        except (http.client.IncompleteRead, ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
            # Dropped while the answer was coming (urllib's own errors come first: a connection
            # refused or reset before any answer is a URLError).
            raise _Transient(
                StoreError(
                    f"the SPARQL store at {url} closed the connection before its answer was complete "
                    f"({_dropped(exc)}); try again, and check the server's log if it keeps happening",
                    message_zh=f"SPARQL 数据库 {url} 在返回完整结果前断开了连接（{_dropped(exc)}）；请重试，"
                    "如反复出现请检查服务器日志",
                )
            ) from None
        except http.client.HTTPException as exc:
            raise _Transient(
                StoreError(
                    f"the SPARQL store at {url} answered something that is not HTTP ({type(exc).__name__}: {exc})",
                    message_zh=f"SPARQL 数据库 {url} 的回答不是有效的 HTTP（{type(exc).__name__}）",
                )
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                reason = f"no answer within {TIMEOUT:g} s (set ZWGK_REMOTE_TIMEOUT to wait longer)"
            raise _Transient(
                StoreError(
                    f"cannot reach the SPARQL store at {url}: {reason}",
                    message_zh=f"无法连接 SPARQL 数据库 {url}：{reason}",
                )
            ) from None

    def _authorize_ahead(self, request: urllib.request.Request) -> None:
        """Answer a Digest challenge before sending a large body. urllib only authenticates after
        a 401, and a server such as Virtuoso closes the connection while the body of a whole
        ledger is still being sent, so the challenge is fetched first with an empty request."""
        if self._digest is None:
            return
        probe = urllib.request.Request(request.full_url, method="GET", headers={"User-Agent": "zwgk"})
        try:
            with self._plain.open(probe, timeout=TIMEOUT):
                return
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
            exc.close()
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            return
        if not challenge.lower().startswith("digest "):
            return
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        authorization = self._digest.get_authorization(request, fields)
        if authorization:
            request.add_unredirected_header("Authorization", f"Digest {authorization}")

    def _form(
        self, url: str, fields: dict[str, str], *, accept: str | None = None, idempotent: bool = False
    ) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        _, content_type, data = self._request(
            "POST",
            url,
            body=body,
            accept=accept,
            idempotent=idempotent,
            content_type="application/x-www-form-urlencoded",
        )
        return content_type, data

    # SPARQL 1.1 Protocol ---------------------------------------------------------------------

    @property
    def local(self) -> None:
        """None: the data is in another process; engines read it through SPARQL."""
        return None

    @property
    def realigns_on_change(self) -> bool:
        return False

    def query(self, sparql: str) -> Any:
        """Run a query; returns pyoxigraph's result objects (solutions, boolean or a list of
        triples), as the embedded store does."""
        if not self._union_checked:
            # Marked checked only once it passed: every later query on a store without the union
            # default graph gets the same explanation, not empty answers.
            self._check_union_default_graph()
            self._union_checked = True
        return self._query(sparql)

    def _query(self, sparql: str) -> Any:
        from pyoxigraph import QueryResultsFormat, RdfFormat, Triple, parse, parse_query_results

        graph = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        content_type, data = self._form(
            self.endpoint.query_url, {"query": sparql}, idempotent=True, accept=_GRAPH_TYPES if graph else _RESULTS_JSON
        )
        media = content_type.split(";")[0].strip().lower()
        try:
            if graph:
                rdf = RdfFormat.TURTLE if media == "text/turtle" else RdfFormat.N_TRIPLES
                return [Triple(q.subject, q.predicate, q.object) for q in parse(data, format=rdf)]
            fmt = QueryResultsFormat.from_media_type(media) or QueryResultsFormat.JSON
            results: Any = parse_query_results(data, format=fmt)
            if hasattr(results, "variables") != (query_form(sparql) == "SELECT"):
                raise ValueError("the answer's form does not match the query's")
            if hasattr(results, "variables"):
                # Solutions are parsed lazily: read them once now so that garbage fails here.
                try:
                    list(results)
                except SyntaxError:
                    relabelled = _relabel_blank_nodes(data) if fmt == QueryResultsFormat.JSON else None
                    if relabelled is None:
                        raise
                    data = relabelled
                    results = parse_query_results(data, format=fmt)
                    list(results)
                results = parse_query_results(data, format=fmt)
            return results
        except (SyntaxError, ValueError) as exc:
            raise _garbage(self.endpoint.query_url, media, data, exc) from None

    def _check_union_default_graph(self) -> None:
        """zwgk's queries read every ledger's graph as the default graph (Oxigraph
        ``--union-default-graph``, Fuseki ``unionDefaultGraph``, Virtuoso by default). Say so
        clearly instead of answering every question with nothing."""
        if bool(self._query(internal_query("ledger-in-default-graph"))):
            return
        if bool(self._query(internal_query("ledger-in-named-graph"))):
            raise StoreError(
                f"the store at {self.location} does not show its named graphs as the default graph; "
                "start Oxigraph with --union-default-graph (Fuseki: tdb2:unionDefaultGraph true)",
                message_zh=f"{self.location} 的默认图不包含各命名图：Oxigraph 请加 --union-default-graph 启动"
                "（Fuseki：tdb2:unionDefaultGraph true）",
            )

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} was opened read-only", message_zh="数据库以只读方式打开")
        if not self.endpoint.update_url:
            raise StoreError(
                f"no update URL for {self.location}: add update=URL to the endpoint",
                message_zh="未指定更新（update）地址：请在 endpoint 中加入 update=URL",
            )
        self._form(self.endpoint.update_url, {"update": sparql})

    # Reading ---------------------------------------------------------------------------------

    def ledgers(self) -> list[LedgerInfo]:
        return ledger_infos(self._query(internal_query("ledgers")))

    def resolve_ids(self, ledger_ids: list[str] | None) -> list[LedgerInfo]:
        named = named_ledgers_query(ledger_ids) if ledger_ids is not None else None
        infos = ledger_infos(self._query(named)) if named is not None else self.ledgers()
        return select_ledgers(infos, ledger_ids, location=self.location)

    def graph_names(self) -> list[str]:
        rows = self._query(internal_query("graph-names"))
        return sorted(str(row["g"].value) for row in rows)

    def graph_quads(self, graph: str) -> list[Any]:
        """A named graph's quads, fetched with a Graph Store Protocol GET (empty if absent)."""
        from pyoxigraph import NamedNode, Quad, RdfFormat, parse

        status, content_type, data = self._request(
            "GET", self.endpoint.graph_url(graph), accept=_GRAPH_TYPES, missing_ok=True
        )
        if status == 404 or not data.strip():
            return []
        media = content_type.split(";")[0].strip().lower()
        fmt = RdfFormat.TURTLE if media == "text/turtle" else RdfFormat.N_TRIPLES
        name = NamedNode(graph)
        try:
            return [Quad(q.subject, q.predicate, q.object, name) for q in parse(data, format=fmt)]
        except (SyntaxError, ValueError) as exc:
            raise _garbage(self.endpoint.graph_url(graph), media, data, exc) from None

    def quads(self, *, ledger_ids: list[str] | None = None, include_ontology: bool = True) -> Iterator[Any]:
        graphs = [info.graph for info in self.resolve_ids(ledger_ids)]
        if include_ontology:
            graphs.insert(0, ONTOLOGY_GRAPH)
        for graph in graphs:
            yield from self.graph_quads(graph)

    # Writing ---------------------------------------------------------------------------------

    def _put(self, graph: str, lines: list[str]) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} was opened read-only", message_zh="数据库以只读方式打开")
        body = ("\n".join(lines) + "\n").encode("utf-8")
        self._request("PUT", self.endpoint.graph_url(graph), body=body, content_type="text/turtle")

    def ensure_ontology(self) -> None:
        """Keep the ontology graph equal to the packaged ontology, as the embedded store does."""
        ontology = ontology_graph()
        if any(row["marker"].value == ontology.marker for row in self._query(internal_query("ontology-versions"))):
            return
        self._put(ONTOLOGY_GRAPH, [*ontology.lines, ontology.marker_triple])

    def load_prepared(self, prepared: list[PreparedLedger]) -> list[LoadSummary]:
        """Write ledgers, each by one PUT of its whole graph (skipped when the store already holds
        exactly that graph)."""
        self.ensure_ontology()
        summaries = []
        for ledger in prepared:
            lines = ledger.lines()
            stored = self.graph_quads(ledger.graph)
            if not stored:
                status = "new"
            elif _same_graph(stored, lines, ledger.graph):
                status = "unchanged"
            else:
                status = "replaced"
            changes = None
            if status == "replaced":
                before = [f"{q.subject} {q.predicate} {q.object} ." for q in stored]
                changes = task_changes(before, lines, ledger_iri=ledger_iri(ledger.summary.id))
            if status != "unchanged":
                self._put(ledger.graph, lines)
            summaries.append(replace(ledger.summary, status=status, changes=changes))
        return summaries

    def compact(self) -> None:
        """Nothing to do: the server manages its own storage."""

    @property
    def interrupted(self) -> Interrupted | None:
        """None: each ledger is one Graph Store ``PUT``, which the server applies whole."""
        return None

    def settle(self) -> None:
        """Nothing to record: the rollups of a remote store are recomputed on every batch."""

    def remove(self, ledger_ids: list[str]) -> None:
        for info in self.resolve_ids(ledger_ids):
            if self.read_only:
                raise StoreError("the store was opened read-only", message_zh="数据库以只读方式打开")
            self._request("DELETE", self.endpoint.graph_url(info.graph), missing_ok=True)


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _same_graph(stored: list[Any], lines: list[str], graph: str) -> bool:
    """Equal as RDF graphs (blank node labels differ between stores): compared canonically."""
    from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, Quad, RdfFormat, parse

    if len(stored) != len(lines):
        return False
    name = NamedNode(graph)
    ours = Dataset(
        Quad(q.subject, q.predicate, q.object, name) for q in parse("\n".join(lines), format=RdfFormat.N_TRIPLES)
    )
    theirs = Dataset(stored)
    ours.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    theirs.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return set(ours) == set(theirs)


def _relabel_blank_nodes(data: bytes) -> bytes | None:
    """A JSON answer whose blank nodes are relabelled ``b0``, ``b1``… in order of first
    appearance, or None if it has none. Virtuoso labels them ``nodeID://b10006``, which is not a
    blank node label and which pyoxigraph refuses; a label only tells blank nodes apart within one
    answer, so a one-to-one renaming keeps its meaning."""
    import json

    try:
        answer = json.loads(data)
        bindings = answer["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        return None
    labels: dict[str, str] = {}
    for binding in bindings:
        for term in binding.values() if isinstance(binding, dict) else ():
            if isinstance(term, dict) and term.get("type") == "bnode":
                term["value"] = labels.setdefault(str(term.get("value")), f"b{len(labels)}")
    return json.dumps(answer, ensure_ascii=False).encode("utf-8") if labels else None


def _cut_at_limit(url: str, limit: str) -> StoreError:
    """An answer the server stopped at its row limit is an error, not a shorter answer: a
    national table cut at 10,000 rows (Virtuoso's default) would pass for the whole table."""
    return StoreError(
        f"the SPARQL store at {url} stopped its answer at its limit of {limit} rows ({MAX_ROWS_HEADER}), "
        "so rows past it were not sent: raise the limit (Virtuoso: ResultSetMaxRows in the [SPARQL] "
        "section of virtuoso.ini) or ask for fewer rows (a parameter, or LIMIT and OFFSET)",
        message_zh=f"SPARQL 数据库 {url} 的结果在其上限 {limit} 行处被截断（{MAX_ROWS_HEADER}），之后的行没有返回："
        "请调高上限（Virtuoso：virtuoso.ini 中 [SPARQL] 一节的 ResultSetMaxRows），或缩小查询范围（参数，或 LIMIT 与 OFFSET）",
    )


class _Transient(Exception):
    """A failure in transit that an idempotent request may retry; carries the error to raise."""

    def __init__(self, error: StoreError) -> None:
        super().__init__(str(error))
        self.error = error


def _dropped(exc: Exception) -> str:
    """How an answer was cut: bytes received of those announced, or the socket's error."""
    if isinstance(exc, http.client.IncompleteRead):
        expected = f" of {len(exc.partial) + exc.expected}" if exc.expected is not None else ""
        return f"{len(exc.partial)}{expected} bytes received"
    return getattr(exc, "strerror", None) or type(exc).__name__


def _garbage(url: str, media: str, data: bytes, exc: Exception) -> StoreError:
    sample = data[:80].decode("utf-8", "replace").replace("\n", " ")
    return StoreError(
        f"the store at {url} answered something that is not a SPARQL result or RDF "
        f"({media or 'no content type'}: {sample!r}…): {exc}",
        message_zh=f"{url} 返回的不是 SPARQL 结果或 RDF 数据（{media or '无类型'}）",
    )
