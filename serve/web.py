"""``zwgk serve``: one web application on the store, for analysts who do not write SPARQL.

Starlette (an ASGI framework) with Jinja2 templates, served by uvicorn, read-only. The pages:
the ledgers (a table with filters, search and pages), one ledger (its header, indicator tree,
tasks and validation results, downloads), an agency, a jurisdiction, a topic, the validation
results, the saved queries as forms (and as an API described by OpenAPI 3), two ledgers side
by side, and the comparison report. The real Oxigraph server runs as a child process on another
loopback port and answers the SPARQL 1.1 protocol at ``/sparql`` behind ``proxy.Endpoint``.

Every page is server-rendered HTML with no script and no external resource, so it works offline
and under a strict Content-Security-Policy; every page is a plain GET URL (filters, parameters
and the language are in its query string), so any view can be shared as a link. Chinese is the
default; ``?lang=en`` switches to English and a cookie keeps the choice.

Starlette, Jinja2 and uvicorn are imported here only, and this module only by the ``serve``
command, so that ``import zwgk`` and the other commands never load them."""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import QueryError, QueryTimeout, StoreError, ZwgkError
from ..queries import saved
from .proxy import Endpoint
from .site import (
    AGENCY_BASE,
    PLACE_BASE,
    TASK_FILTERS,
    TOPIC_BASE,
    LedgerFilter,
    ServedStore,
    Site,
    keep_task,
    local_key,
)
from .words import LANGUAGES, word

if TYPE_CHECKING:
    from types import FrameType

    from jinja2 import Environment
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

PAGE_SIZE = 50
"""Ledgers per page of the ledgers table."""
TABLE_ROWS = 1_000
"""Rows a saved query's page shows at most (the downloads have every row)."""
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""No script at all, styles and images from this server only: the pages need nothing else."""
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"
"""compare/report.py's self-contained file carries its styles inline (and no script)."""
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xml": "application/sparql-results+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""The result formats a saved query answers in, by extension."""
_ACCEPT = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
_SEVERITY_RANK = {"violation": 0, "warning": 1, "info": 2}
LEDGER_PARAMETERS = ("ledger", "a", "b")
"""Saved-query parameters that name a ledger: their inputs offer the ledger ids."""


@dataclass(frozen=True)
class Settings:
    """How the application was started."""

    timeout: float | None
    allow_service: bool
    sparql_url: str = "/sparql"


# Helpers ----------------------------------------------------------------------------------


@cache
def _templates() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = resources.files("zwgk.serve").joinpath("templates")
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda n, total: f"{100 * n / total:.0f}%" if total else "—"
    return env


@cache
def _static(name: str) -> bytes:
    return resources.files("zwgk.serve").joinpath("static", name).read_bytes()


@cache
def _catalogue() -> dict[str, saved.SavedQuery]:
    """The saved queries by name: a page or the API runs only these (never a path)."""
    return {query.name: query for query in saved.catalogue()}


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get("lang")
    return kept if kept in LANGUAGES else "zh"


def _with(request: Request, **changes: object) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    query = urllib.parse.urlencode(params)
    return request.url.path + ("?" + query if query else "")


def _render(request: Request, template: str, *, status: int = 200, **context: object) -> Response:
    from starlette.responses import HTMLResponse

    lang = _lang(request)

    def t(key: str, **values: object) -> str:
        text = word(key, lang)
        return text.format(**values) if values else text

    other = "en" if lang == "zh" else "zh"
    page = (
        _templates()
        .get_template(template)
        .render(
            t=t,
            lang=lang,
            request=request,
            path=request.url.path,
            switch_url=_with(request, lang=other),
            url_with=lambda **changes: _with(request, **changes),
            quote=urllib.parse.quote,
            **context,
        )
    )
    response = HTMLResponse(page, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def _download(data: bytes, *, media_type: str, filename: str) -> Response:
    from starlette.responses import Response

    quoted = urllib.parse.quote(filename)
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quoted}"}
    )


def _status(exc: ZwgkError) -> int:
    if isinstance(exc, QueryTimeout):
        return 503
    if isinstance(exc, StoreError) and str(exc).startswith("no "):
        return 404
    return 400


class SecurityHeaders:
    """ASGI middleware: the Content-Security-Policy and its companions on every answer (an
    answer that sets its own policy keeps it)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(
        self, scope: MutableMapping[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                    b"x-frame-options": b"DENY",
                }
                headers += [(name, value) for name, value in extra.items() if name not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# The application --------------------------------------------------------------------------


def create_app(*, site: Site, endpoint: Endpoint | None, settings: Settings) -> Starlette:
    """The web application over an open store (``site``) and the Oxigraph child (``endpoint``;
    None serves the pages without a SPARQL endpoint)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    store = site.store

    def home(request: Request) -> Response:
        return RedirectResponse("/ledgers" + ("?" + request.url.query if request.url.query else ""), status_code=302)

    def ledger_filter(request: Request) -> LedgerFilter:
        q = request.query_params
        return LedgerFilter(
            province=q.get("province", ""),
            level=q.get("level", ""),
            year=q.get("year", ""),
            violations=q.get("violations") in ("1", "on", "yes", "true"),
            text=q.get("q", "").strip(),
        )

    def page_number(request: Request) -> int:
        try:
            return max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            return 1

    def ledgers(request: Request) -> Response:
        wanted = ledger_filter(request)
        rows = site.select(wanted)
        pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
        page = min(page_number(request), pages)
        return _render(
            request,
            "ledgers.html",
            wanted=wanted,
            rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            total=len(rows),
            page=page,
            pages=pages,
            facets=site.facets(),
            site=site,
        )

    def ledger(request: Request) -> Response:
        view = site.ledger_page(request.path_params["id"])
        chosen = request.query_params.get("filter", "")
        tasks = [task for task in view.tasks if keep_task(task, chosen)] if chosen in TASK_FILTERS else view.tasks
        others = [r for r in view.validation.results if not (r.subject_kind == "task" and r.task_position)]
        return _render(
            request,
            "ledger.html",
            view=view,
            tasks=tasks,
            chosen=chosen if chosen in TASK_FILTERS else "",
            other_results=others,
            results=sorted(view.validation.results, key=lambda r: (_SEVERITY_RANK[r.severity], *_result_order(r))),
            validation_error=site.validation_error,
        )

    def ledger_tasks(request: Request) -> Response:
        from ..export.tasks import ledger_tasks as read_tasks
        from ..export.tasks import render_tasks

        lid, fmt = request.path_params["id"], request.path_params["fmt"]
        if fmt not in ("csv", "xlsx", "json"):
            raise HTTPException(404)
        site.ledger(lid)
        data = render_tasks(read_tasks(store, ledger_ids=[lid]), format=fmt, lang=_lang(request))
        media = {"csv": RESULT_TYPES["csv"], "xlsx": RESULT_TYPES["xlsx"], "json": "application/json"}[fmt]
        return _download(data, media_type=media, filename=f"{lid}-tasks.{fmt}")

    def ledger_graph(request: Request) -> Response:
        from ..export.graphs import graph_quads, serialize

        lid, fmt = request.path_params["id"], request.path_params["fmt"]
        formats = {"ttl": ("turtle", "text/turtle; charset=utf-8"), "jsonld": ("jsonld", "application/ld+json")}
        if fmt not in formats:
            raise HTTPException(404)
        info = store.resolve_ids([site.ledger(lid).id])[0]
        data = serialize(graph_quads(store, info.graph), format=formats[fmt][0])
        return _download(data, media_type=formats[fmt][1], filename=f"{lid}.{fmt}")

    def agency(request: Request) -> Response:
        return _render(request, "agency.html", agency=site.agency(request.path_params["key"]))

    def jurisdiction(request: Request) -> Response:
        return _render(request, "jurisdiction.html", place=site.jurisdiction(request.path_params["key"]), site=site)

    def topics(request: Request) -> Response:
        return _render(request, "topics.html", site=site)

    def topic(request: Request) -> Response:
        only = request.query_params.get("ledger", "")
        found = site.topic(request.path_params["key"], ledger_id=only or None)
        return _render(request, "topic.html", found=found, tasks=found["tasks"], only=only)

    def validation(request: Request) -> Response:
        severity = request.query_params.get("severity", "")
        only = request.query_params.get("ledger", "")
        results = [
            r
            for r in site.all_results()
            if (not severity or r.severity == severity) and (not only or r.ledger_id == only)
        ]
        results.sort(key=lambda r: (r.ledger_id, *_result_order(r)))
        return _render(
            request, "validation.html", results=results, severity=severity, only=only, site=site, shown=TABLE_ROWS
        )

    # Saved queries --------------------------------------------------------------------------

    def queries(request: Request) -> Response:
        return _render(request, "queries.html", queries=list(_catalogue().values()))

    def saved_query(name: str) -> saved.SavedQuery:
        query = _catalogue().get(name)
        if query is None:
            raise QueryError(f"no saved query named {name!r}", message_zh=f"没有名为 {name} 的查询")
        return query

    def values_of(request: Request, query: saved.SavedQuery) -> dict[str, str]:
        """The parameters given in the URL (an empty field is a parameter not given)."""
        return {p.name: request.query_params[p.name] for p in query.parameters if request.query_params.get(p.name)}

    def query_page(request: Request) -> Response:
        query = saved_query(request.path_params["name"])
        values = values_of(request, query)
        ready = all(p.name in values or p.default is not None for p in query.parameters if p.required)
        result, error, bound = None, None, None
        if ready:
            try:
                bound = saved.bind(query, values).inline()
                result = saved.run(store, query, values=values, timeout=settings.timeout)
            except ZwgkError as exc:
                error = exc.render(lang=_lang(request))
        return _render(
            request,
            "query.html",
            query=query,
            values=values,
            result=result,
            error=error,
            cells=[[_cell(term, site) for term in row] for row in result.rows[:TABLE_ROWS]] if result else [],
            bound=bound,
            shown=TABLE_ROWS,
            inputs=[_input(p, values, site) for p in query.parameters],
            download_query=urllib.parse.urlencode(values),
            formats=list(RESULT_TYPES),
        )

    def api_query(request: Request) -> Response:
        name = request.path_params["name"]
        fmt = None
        stem, dot, ext = name.rpartition(".")
        if dot and ext in RESULT_TYPES:
            name, fmt = stem, ext
        query = saved_query(name)
        if fmt is None:
            fmt = _negotiate(request.headers.get("accept", ""))
        values = dict(request.query_params)
        try:
            result = saved.run(store, query, values=values, timeout=settings.timeout)
        except ZwgkError as exc:
            return JSONResponse(
                {"error": exc.render(lang="en"), "error_zh": exc.render(lang="zh")}, status_code=_status(exc)
            )
        data = saved.render(result, format=fmt)
        if dot:
            return _download(data, media_type=RESULT_TYPES[fmt], filename=f"{name}.{fmt}")
        return Response(data, media_type=RESULT_TYPES[fmt])

    def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(list(_catalogue().values())))

    def api_page(request: Request) -> Response:
        return _render(request, "api.html", queries=list(_catalogue().values()), site=site)

    def api_ledgers(request: Request) -> Response:
        rows = site.select(ledger_filter(request))
        out = []
        for row in rows:
            item = row.as_json()
            item["validation"] = site.counts(row.id)
            out.append(item)
        return JSONResponse(out)

    def api_ledger_tasks(request: Request) -> Response:
        from ..export.tasks import ledger_tasks as read_tasks

        lid = request.path_params["id"]
        site.ledger(lid)
        item = read_tasks(store, ledger_ids=[lid])[0]
        return JSONResponse({"ledger": site.ledger(lid).as_json(), "tasks": [t.as_json() for t in item.tasks]})

    # Compare and report ---------------------------------------------------------------------

    def compare(request: Request) -> Response:
        from ..compare.align import compare_ledgers

        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        comparison = None
        if a and b:
            site.ledger(a)
            site.ledger(b)
            comparison = compare_ledgers(store, a=a, b=b)
        return _render(request, "compare.html", a=a, b=b, comparison=comparison, site=site)

    def report(request: Request) -> Response:
        pages = max(1, math.ceil(len(site.ledgers) / PAGE_SIZE))
        page = min(page_number(request), pages)
        rows = site.ledgers[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return _render(
            request, "report.html", site=site, rows=rows, page=page, pages=pages, topic_counts=site.topic_counts()
        )

    def report_file(request: Request) -> Response:
        from starlette.responses import HTMLResponse

        return HTMLResponse(site.report_html(), headers={"Content-Security-Policy": REPORT_CSP})

    # SPARQL -----------------------------------------------------------------------------------

    async def sparql(request: Request) -> Response:
        if endpoint is None:
            raise HTTPException(404)
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        text: str | None = None
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return _refused(
                    "this server is read-only: SPARQL updates are refused", "本服务只读：不接受 SPARQL 更新"
                )
            if kind == "application/sparql-query":
                text = (await request.body()).decode("utf-8", "replace")
            elif kind == "application/x-www-form-urlencoded":
                # Read here rather than by request.form(), which needs python-multipart.
                body = (await request.body()).decode("utf-8", "replace")
                params += urllib.parse.parse_qsl(body, keep_blank_values=True)
            else:
                return PlainTextResponse("unsupported content type / 不支持的请求类型: " + kind + "\n", status_code=415)
        if any(k == "update" for k, _ in params):
            return _refused("this server is read-only: SPARQL updates are refused", "本服务只读：不接受 SPARQL 更新")
        if text is None:
            text = next((v for k, v in params if k == "query"), None)
        if text is None:
            if "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/sparql/editor", status_code=303)
            return PlainTextResponse("no query given / 未提供查询 (query=…)\n", status_code=400)
        graphs = [(k, v) for k, v in params if k in ("default-graph-uri", "named-graph-uri")]
        try:
            answer = await run_in_threadpool(
                endpoint.query, text, accept=request.headers.get("accept", "*/*"), graphs=graphs
            )
        except QueryTimeout as exc:
            return PlainTextResponse(_both(exc), status_code=503)
        except QueryError as exc:
            return PlainTextResponse(_both(exc), status_code=403)
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    def editor(request: Request) -> Response:
        text = request.query_params.get("query", "")
        head: list[str] = []
        rows: list[list[Any]] = []
        graph, error = None, None
        if text and request.query_params.get("run") and endpoint is not None:
            try:
                form = _form(text)
                accept = "text/turtle" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
                answer = endpoint.query(text, accept=accept)
                if answer.status != 200:
                    error = answer.body.decode("utf-8", "replace")
                elif form in ("CONSTRUCT", "DESCRIBE"):
                    graph = answer.body.decode("utf-8", "replace")
                else:
                    head, rows = _json_table(answer.body, site)
            except ZwgkError as exc:
                error = exc.render(lang=_lang(request))
        return _render(
            request,
            "editor.html",
            text=text or _EXAMPLE,
            head=head,
            rows=rows[:TABLE_ROWS],
            total=len(rows),
            graph=graph,
            error=error,
            settings=settings,
        )

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        types = {"css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"}
        kind = types.get(name.rpartition(".")[2])
        if kind is None or "/" in name:
            raise HTTPException(404)
        try:
            data = _static(name)
        except (FileNotFoundError, OSError):
            raise HTTPException(404) from None
        return Response(data, media_type=kind, headers={"Cache-Control": "max-age=3600"})

    async def zwgk_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ZwgkError)
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": exc.render(lang="en"), "error_zh": exc.render(lang="zh")}, status_code=_status(exc)
            )
        return _render(request, "error.html", status=_status(exc), message=exc.render(lang=_lang(request)))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = word("not_found", _lang(request)) if exc.status_code == 404 else str(exc.detail)
        if request.url.path.startswith(("/api/", "/sparql", "/query")):
            return PlainTextResponse(message + "\n", status_code=exc.status_code)
        return _render(request, "error.html", status=exc.status_code, message=message)

    routes = [
        Route("/", home),
        Route("/ledgers", ledgers),
        Route("/ledgers/{id}", ledger),
        Route("/ledgers/{id}/tasks.{fmt}", ledger_tasks),
        Route("/ledgers/{id}/graph.{fmt}", ledger_graph),
        Route("/agencies/{key}", agency),
        Route("/jurisdictions/{key}", jurisdiction),
        Route("/topics", topics),
        Route("/topics/{key}", topic),
        Route("/validation", validation),
        Route("/queries", queries),
        Route("/queries/{name}", query_page),
        Route("/api", api_page),
        Route("/api/openapi.json", openapi),
        Route("/api/ledgers", api_ledgers),
        Route("/api/ledgers/{id}/tasks", api_ledger_tasks),
        Route("/api/queries/{name}", api_query),
        Route("/compare", compare),
        Route("/report", report),
        Route("/report.html", report_file),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", sparql, methods=["GET", "POST"]),
        Route("/sparql/editor", editor),
        Route("/static/{name}", static),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={ZwgkError: zwgk_error, HTTPException: http_error},
    )
    app.add_middleware(SecurityHeaders)
    return app


_EXAMPLE = """PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?title (COUNT(?task) AS ?tasks) WHERE {
  ?ledger a zw:Ledger ; dcterms:identifier ?id ; dcterms:title ?title ; zw:task ?task .
}
GROUP BY ?id ?title
ORDER BY ?id
"""


def _both(exc: ZwgkError) -> str:
    return f"{exc.render(lang='en')}\n{exc.render(lang='zh')}\n"


def _refused(en: str, zh: str) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(f"{en}\n{zh}\n", status_code=403)


def _form(text: str) -> str:
    from ..store.sparql import query_form

    return query_form(text)


def _negotiate(accept: str) -> str:
    """The result format an Accept header asks for (its first known type; JSON otherwise)."""
    ranked = []
    for k, part in enumerate(accept.split(",")):
        kind, *options = (p.strip() for p in part.split(";"))
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        if kind.lower() in _ACCEPT and quality > 0:
            ranked.append((-quality, k, _ACCEPT[kind.lower()]))
    return min(ranked)[2] if ranked else "json"


def _result_order(result: Any) -> tuple[int, int, str, str, str, str, str, str]:
    from ..shapes.report import result_order

    return result_order(result)


@dataclass(frozen=True)
class Cell:
    """A result term as a table cell: its text, and the page it links to, if any."""

    text: str
    href: str | None = None


def _cell(term: Any, site: Site) -> Cell:
    from pyoxigraph import NamedNode

    if term is None:
        return Cell("")
    value = str(term.value)
    if isinstance(term, NamedNode):
        for base, prefix in ((AGENCY_BASE, "/agencies/"), (PLACE_BASE, "/jurisdictions/")):
            key = local_key(value, base)
            if key:
                return Cell(value, prefix + key)
        key = local_key(value, TOPIC_BASE)
        if key:
            topic = site.topics.get(value)
            return Cell(topic.zh if topic else key, "/topics/" + key)
        if value.startswith(AGENCY_BASE.removesuffix("agency/") + "ledger/"):
            lid = value.rsplit("/ledger/", 1)[1].split("/")[0]
            return Cell(value, "/ledgers/" + lid)
        return Cell(value)
    if site.known(value) is not None:
        return Cell(value, "/ledgers/" + value)
    return Cell(value)


def _json_table(body: bytes, site: Site) -> tuple[list[str], list[list[Cell]]]:
    """A W3C JSON results document as a header and rows of cells (an ASK answer as one cell)."""
    from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

    answer = parse_query_results(body, format=QueryResultsFormat.JSON)
    if not isinstance(answer, QuerySolutions):
        return ["boolean"], [[Cell("true" if bool(answer) else "false")]]
    head = [v.value for v in answer.variables]
    return head, [[_cell(term, site) for term in solution] for solution in answer]


@dataclass(frozen=True)
class Input:
    """A saved-query parameter as a form field."""

    name: str
    kind: str
    """``date``, ``number``, ``select``, ``text``."""
    value: str
    required: bool
    type_label: str
    choices: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


def _input(parameter: saved.Parameter, values: dict[str, str], site: Site) -> Input:
    """The form field of a parameter: a select for an enumeration or a boolean, a date picker
    for xsd:date, a number for integers and years, else text (offering the ledger ids or the
    jurisdictions where the parameter names one); the default filled in."""
    datatype = (parameter.datatype or "").removeprefix(saved.XSD)
    choices: tuple[str, ...] = parameter.choices or (("true", "false") if datatype == "boolean" else ())
    kind = "select" if choices else {"date": "date", "integer": "number", "gYear": "number"}.get(datatype, "text")
    suggestions: tuple[str, ...] = ()
    if kind == "text" and parameter.name in LEDGER_PARAMETERS:
        suggestions = tuple(row.id for row in site.ledgers)
    elif kind == "text" and parameter.name == "jurisdiction":
        suggestions = tuple(sorted({row.jurisdiction for row in site.ledgers if row.jurisdiction}))
    return Input(
        name=parameter.name,
        kind=kind,
        value=values.get(parameter.name, parameter.default or ""),
        required=parameter.required and parameter.default is None,
        type_label=parameter.type_label,
        choices=choices,
        suggestions=suggestions,
    )


# OpenAPI ----------------------------------------------------------------------------------

_SCHEMAS = {
    "integer": {"type": "integer"},
    "gYear": {"type": "string", "pattern": "^-?[0-9]{4,}$"},
    "decimal": {"type": "number"},
    "double": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "dateTime": {"type": "string", "format": "date-time"},
}


def _parameter_schema(parameter: saved.Parameter) -> dict[str, object]:
    if parameter.kind == "iri":
        schema: dict[str, object] = {"type": "string", "description": "an IRI, or a name with a prefix of the query"}
    else:
        schema = dict(_SCHEMAS.get((parameter.datatype or "").removeprefix(saved.XSD), {"type": "string"}))
    if parameter.choices:
        schema["enum"] = list(parameter.choices)
    if parameter.default is not None:
        kind = schema.get("type")
        default: object = parameter.default
        try:
            if kind == "integer":
                default = int(parameter.default)
            elif kind == "number":
                default = float(parameter.default)
        except ValueError:
            pass
        schema["default"] = default
    return schema


def openapi_document(queries: list[saved.SavedQuery]) -> dict[str, object]:
    """An OpenAPI 3 description of the API: one path per saved query (as grlc describes a
    repository of .rq files), with a typed query parameter per SPARQL parameter, and the
    ledgers and a ledger's tasks."""
    results = {
        "description": "the W3C SPARQL 1.1 query results (JSON, CSV with a UTF-8 byte-order mark, TSV, XML) "
        "or an Excel workbook, chosen by the Accept header; a .json, .csv, .tsv, .xml or .xlsx suffix "
        "on the path chooses it too",
        "content": {kind.split(";")[0]: {"schema": {"type": "string"}} for kind in RESULT_TYPES.values()},
    }
    results["content"]["application/sparql-results+json"] = {"schema": {"type": "object"}}  # type: ignore[index]
    error = {
        "description": "a parameter outside its type's lexical form, or a refused query (message in English and Chinese)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    timeout = {
        "description": "the query did not finish within the server's time limit",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    paths: dict[str, object] = {}
    for query in queries:
        parameters = []
        for parameter in query.parameters:
            parameters.append(
                {
                    "name": parameter.name,
                    "in": "query",
                    "required": parameter.required and parameter.default is None,
                    "description": f"{parameter.type_label} (SPARQL variable ?{parameter.variable}), bound as one typed RDF term",
                    "schema": _parameter_schema(parameter),
                }
            )
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "operationId": "query_" + query.name.replace("-", "_"),
                "summary": query.summary or query.name,
                "description": query.description,
                "tags": list(query.tags) or ["queries"],
                "parameters": parameters,
                "responses": {"200": results, "400": error, "503": timeout},
            }
        }
    paths["/api/ledgers"] = {
        "get": {
            "operationId": "ledgers",
            "summary": "台账 / The ledgers, with their metadata and validation counts",
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
                for name, text in (
                    ("province", "keep the ledgers of this province (its Chinese name)"),
                    ("level", "Province, City, County or Township"),
                    ("year", "a year such as 2020"),
                    ("violations", "1: only ledgers with validation violations"),
                    ("q", "text searched in the id, title, jurisdiction, issuer, document number and file name"),
                )
            ],
            "responses": {
                "200": {
                    "description": "the ledgers",
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Ledger"}}
                        }
                    },
                }
            },
        }
    }
    paths["/api/ledgers/{id}/tasks"] = {
        "get": {
            "operationId": "ledger_tasks",
            "summary": "一份台账的任务 / One ledger's tasks, as zwgk tasks gives them",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "the ledger and its tasks",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "404": error,
            },
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "zwgk saved queries / 政务公开台账知识图谱查询接口",
            "version": "1",
            "description": "Every saved SPARQL query of zwgk (queries/*.rq, grlc's format) as a GET operation. "
            "Parameters are bound as typed RDF terms, never pasted into the query text.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "error_zh": {"type": "string"}},
                    "required": ["error"],
                },
                "Ledger": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "iri": {"type": "string"},
                        "title": {"type": "string", "nullable": True},
                        "jurisdiction": {"type": "string", "nullable": True},
                        "level": {"type": "string", "nullable": True},
                        "province": {"type": "string", "nullable": True},
                        "year": {"type": "integer", "nullable": True},
                        "issuer": {"type": "string", "nullable": True},
                        "doc_number": {"type": "string", "nullable": True},
                        "source_file": {"type": "string"},
                        "sha256": {"type": "string", "nullable": True},
                        "tasks": {"type": "integer"},
                        "validation": {"type": "object", "nullable": True},
                    },
                },
            }
        },
    }


# Running it -------------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the server as Ctrl-C does. uvicorn catches both while it runs, shuts down
    cleanly and then raises the signal again for the handler it found: this one, so that the
    process ends with status 0 and the Oxigraph child is stopped and the lock released."""
    raise KeyboardInterrupt


def serve(
    location: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float | None,
    allow_service: bool = False,
    on_ready: Callable[[str, str], None] | None = None,
) -> int:
    """Start the Oxigraph child (on a free loopback port, under zwgk's lock), open the store
    read-only in this process, and serve the application until Ctrl-C or SIGTERM.
    ``on_ready(url, oxigraph_url)`` is called once both answer."""
    import asyncio
    import signal

    import uvicorn

    from ..store.embedded import LedgerStore
    from . import oxigraph

    child = oxigraph.start(location, host="127.0.0.1", port=free_port(), timeout=timeout)
    try:
        store = ServedStore(LedgerStore.open(child.location, read_only=True))
        try:
            site = Site.open(store)
            endpoint = Endpoint(child, timeout=timeout, allow_service=allow_service)
            app = create_app(
                site=site, endpoint=endpoint, settings=Settings(timeout=timeout, allow_service=allow_service)
            )
            config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
            server = uvicorn.Server(config)
            try:
                sock = config.bind_socket()
            except SystemExit:
                raise StoreError(
                    f"port {port} on {host} is already in use; choose another with --port",
                    message_zh=f"{host} 上的端口 {port} 已被占用，请用 --port 另选",
                ) from None
            sock.listen(2048)
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{shown}:{sock.getsockname()[1]}"
            if on_ready is not None:
                on_ready(url, child.url)
            previous = signal.signal(signal.SIGTERM, _interrupt)
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except KeyboardInterrupt:
                pass
            finally:
                signal.signal(signal.SIGTERM, previous)
                sock.close()
        finally:
            store.close()
    finally:
        child.stop()
    return 0
