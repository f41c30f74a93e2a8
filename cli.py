"""The ``zwgk`` command line: thin commands over the library.

Only click and the standard library are imported here at module level; each command imports
what it needs when it runs, so ``zwgk --help`` and ``zwgk query`` stay fast. Errors of the
``ZwgkError`` family become one message and an exit status here, and nowhere else:
0 ok, 1 validation found violations, 2 bad input."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import click

from .errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_VIOLATIONS, ZwgkError

if TYPE_CHECKING:
    from .errors import Refusal
    from .store.base import LoadSummary, Store


_wait_option = click.option(
    "--wait",
    type=float,
    default=0.0,
    metavar="SECONDS",
    help="If another process is writing to the store, wait this long for it.",
)
"""``--wait`` of every command that writes to the store."""


def _shapes_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--shapes`` and ``--only-shapes``, the same for ``validate`` and ``shapes``."""
    command = click.option("--only-shapes", is_flag=True, help="Use the --shapes alone, not zwgk's. 仅用自定义规则")(
        command
    )
    return click.option(
        "--shapes",
        "shape_paths",
        multiple=True,
        type=click.Path(),
        metavar="PATH",
        help="Your own SHACL shapes: a .ttl file or a folder of them (repeatable), added to zwgk's. 自定义规则",
    )(command)


def _lang() -> str:
    lang = os.environ.get("ZWGK_LANG") or os.environ.get("LANG", "")
    return "zh" if lang.lower().startswith("zh") else "en"


class ZwgkGroup(click.Group):
    """Turns a ``ZwgkError`` raised anywhere below into its message and exit status, Ctrl-C
    into one line and status 130, and a reader that closed the pipe (``| head``) into a quiet
    end."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's ``main``, so that the process ends with the status chosen here (130 for
        Ctrl-C) under ``python -m zwgk.cli`` too. CPython takes a KeyboardInterrupt that ends
        code run by ``exec()`` or ``eval()`` of a string for an unhandled one even when a caller
        handles it, and an interpreter started with ``-m`` then ends by sending itself SIGINT
        whatever ``sys.exit`` said: its parent sees it killed by the signal (-2), not 130.
        Ctrl-C lands there often, since dataclasses and named tuples are built with ``exec()``
        while the commands' modules import. An ``exec()`` that completes clears that record;
        a KeyboardInterrupt that truly leaves ``main`` is recorded again by the interpreter."""
        try:
            return super().main(*args, **kwargs)
        finally:
            exec("")

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZwgkError as exc:
            click.echo(f"zwgk: error: {exc.render(lang=_lang())}", err=True)
            _exit(ctx, exc.exit_code)
        except KeyboardInterrupt:
            click.echo("zwgk: 已中断（Ctrl-C）" if _lang() == "zh" else "zwgk: interrupted (Ctrl-C)", err=True)
            _exit(ctx, EXIT_INTERRUPTED)
        except BrokenPipeError:
            # Nothing more can be written; point stdout at /dev/null so that the interpreter's
            # last flush does not fail again on the way out.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            _exit(ctx, EXIT_OK)


def _exit(ctx: click.Context, code: int) -> None:
    """Exit with ``code``. A query stopped by its time limit or by Ctrl-C may still be running
    inside pyoxigraph, which cannot be cancelled and must not be running while the interpreter
    shuts down: the process then ends at once (``os._exit``), after its output is flushed."""
    saved = sys.modules.get(f"{__package__}.queries.saved")
    if saved is not None and saved.evaluation_running():
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    ctx.exit(code)


@click.group(cls=ZwgkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    envvar="ZWGK_STORE",
    default=None,
    metavar="DIR",
    help="On-disk store folder (default ./zwgk-data; env ZWGK_STORE). 数据库目录",
)
@click.option(
    "--endpoint",
    "endpoint",
    envvar="ZWGK_ENDPOINT",
    default=None,
    metavar="URL",
    help="Use a SPARQL 1.1 store instead: an Oxigraph server's base URL, or "
    "'query=URL update=URL store=URL' (env ZWGK_ENDPOINT). 远程 SPARQL 数据库",
)
@click.version_option(package_name="zwgk")
@click.pass_context
def main(ctx: click.Context, store: str | None, endpoint: str | None) -> None:
    """zwgk — a knowledge graph of 政务公开 task ledgers.

    Load ledgers (Word/Excel tables, web-page text, prose key points) into an RDF store,
    validate them with SHACL, compare jurisdictions with SPARQL, export linked data.

    加载政务公开任务台账，校验完整性，跨地区比较，导出关联数据。
    """
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["endpoint"] = endpoint


def _open_store(ctx: click.Context, *, read_only: bool, wait: float = 0.0) -> Store:
    from .store import open_store

    store = open_store(location=ctx.obj.get("store"), endpoint=ctx.obj.get("endpoint"), read_only=read_only, wait=wait)
    interrupted = store.interrupted
    if interrupted is not None and (interrupted.ledgers or read_only):
        lang = _lang()
        click.echo(("zwgk: 提示：" if lang == "zh" else "zwgk: notice: ") + interrupted.render(lang=lang), err=True)
    return store


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--layout", default=None, help="Force a layout instead of detecting it. 指定版式")
@click.option("--jurisdiction", default=None, help="Jurisdiction, e.g. 石泉县 (fills or overrides). 行政区域")
@click.option("--year", type=int, default=None, help="Ledger year (fills or overrides). 年度")
@click.option("--issuer", default=None, help="Issuing body (fills or overrides). 发文单位")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Load the files that can be read even when others cannot (exit status 2 all the same). 跳过无法读取的文件",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text for people; json: one document with each ledger's warnings and each refused file.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a stored ledger even when the new reading has lost a quarter of its tasks or more. "
    "确认替换任务数明显减少的台账",
)
@_wait_option
@click.pass_context
def load(
    ctx: click.Context,
    paths: tuple[str, ...],
    layout: str | None,
    jurisdiction: str | None,
    year: int | None,
    issuer: str | None,
    keep_going: bool,
    fmt: str,
    replace: bool,
    wait: float,
) -> None:
    """Load ledger files or folders into the store. 加载台账

    Every file is read before the first write. If any cannot be read, nothing is written: each
    refused file is named with its line and the reason, and the exit status is 2. With
    --keep-going the files that can be read are loaded (exit status 2 all the same).
    """
    from .errors import BatchRefused
    from .loaders import ledger_files
    from .model import Overrides
    from .pipeline import load_paths

    lang = _lang()
    overrides = Overrides(jurisdiction=jurisdiction, year=year, issuer=issuer)
    files = ledger_files(list(paths))
    _note_skipped(paths, lang=lang)
    summaries: list[LoadSummary] = []
    refused: list[Refusal] = []
    errors: list[ZwgkError] = []
    read = 0
    with (
        _open_store(ctx, read_only=False, wait=wait) as store,
        _progress("reading ledgers") as reading,
        _progress("aligning tasks") as aligning,
    ):
        read_files = 0

        def files_read(n: int) -> None:
            nonlocal read_files
            read_files += n
            if reading is not None:
                reading(read_files, len(files))

        try:
            report = load_paths(
                store,
                files,
                layout=layout,
                overrides=overrides,
                keep_going=keep_going,
                progress=files_read,
                replace=replace,
                align_progress=aligning,
            )
        except BatchRefused as exc:
            refused, errors, read = exc.refused, [exc], exc.read
        else:
            summaries, refused, errors, read = report.summaries, report.refused, report.skipped, report.read
    if refused and len(files) == 1 and fmt == "text":
        raise errors[0]  # one file: one message, as for any other bad input
    if fmt == "json":
        document = {
            "ledgers": [summary.as_json() for summary in summaries],
            "refused": [refusal.as_json() for refusal in refused],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        if refused:
            ctx.exit(EXIT_BAD_INPUT)
        return
    for summary in summaries:
        status = summary.status + (f": {summary.changes.render(lang=lang)}" if summary.changes else "")
        click.echo(
            f"{summary.id}  {summary.source_file}: {summary.tasks} tasks, {summary.indicators} indicators, "
            f"{summary.agencies} agencies, {len(summary.warnings)} warnings [{summary.layout}, {status}]"
        )
        if summary.replaces:
            click.echo(
                f"    已替换同一文件此前载入的台账 {summary.replaces}"
                if lang == "zh"
                else f"    replaces {summary.replaces}, the same file loaded before under other metadata"
            )
        for warning in summary.warnings:
            click.echo(f"    warning [{warning.code}] {warning.render(lang=lang)}")
    if not refused:
        return
    for refusal in refused:
        click.echo(("未能读取：" if lang == "zh" else "refused: ") + refusal.render(lang=lang), err=True)
    click.echo(
        "zwgk: error: " + _refused_closing(read=read, refused=len(refused), written=keep_going, lang=lang), err=True
    )
    ctx.exit(EXIT_BAD_INPUT)


def _refused_closing(*, read: int, refused: int, written: bool, lang: str) -> str:
    """The line closing a batch with refused files: how many were read, how many refused, and
    what was written."""
    if lang == "zh":
        counts = f"读取 {read} 个文件，{refused} 个未能读取"
        if not written:
            return counts + "；未写入任何内容（--keep-going 可加载能读取的文件）"
        return counts + ("；已加载读取的文件" if read else "；没有可加载的文件")
    counts = f"{read} file{'s' if read != 1 else ''} read, {refused} refused"
    if not written:
        return counts + "; nothing was written (--keep-going loads the files that were read)"
    return counts + ("; the files read were loaded" if read else "; nothing to load")


def _note_skipped(paths: Sequence[str], *, lang: str) -> None:
    """Name every file of the folders that is not read and why (hidden, lock file, README, not
    a ledger format), so that nothing is left unread without a word; a long list is cut after
    twenty names with a count of the rest."""
    from .loaders import folder_files

    skipped = folder_files(list(paths))[1]
    for item in skipped[:SKIPPED_SHOWN]:
        click.echo(f"跳过：{item.path}（{item.zh}）" if lang == "zh" else f"skipped: {item.path} ({item.en})", err=True)
    if len(skipped) > SKIPPED_SHOWN:
        rest = len(skipped) - SKIPPED_SHOWN
        click.echo(f"另有 {rest} 个文件跳过" if lang == "zh" else f"skipped: {rest} more files", err=True)


SKIPPED_SHOWN = 20


@main.command()
@click.argument("ledger_ids", nargs=-1, required=True, metavar="LEDGER-ID...")
@_wait_option
@click.pass_context
def remove(ctx: click.Context, ledger_ids: tuple[str, ...], wait: float) -> None:
    """Remove ledgers from the store, each with its whole graph. 删除台账"""
    from .pipeline import remove_ledgers

    with _open_store(ctx, read_only=False, wait=wait) as store:
        remove_ledgers(store, list(ledger_ids))
    click.echo(f"removed {len(ledger_ids)} ledger(s) / 已删除 {len(ledger_ids)} 份台账: " + ", ".join(ledger_ids))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def ledgers(ctx: click.Context, fmt: str) -> None:
    """List the ledgers in the store. 列出台账"""
    with _open_store(ctx, read_only=True) as store:
        infos = store.ledgers()
    if fmt == "json":
        click.echo(json.dumps([i.as_dict() for i in infos], ensure_ascii=False, indent=2))
        return
    from .textfmt import table

    rows = [
        [i.id, i.jurisdiction or "", str(i.year or ""), str(i.task_count), i.source_file, i.title or ""] for i in infos
    ]
    click.echo(table(["id", "jurisdiction", "year", "tasks", "file", "title"], rows))


@main.command()
@click.option("--rebuild", is_flag=True, help="Compute every table again from the ledgers. 重新计算")
@_wait_option
@click.pass_context
def rollups(ctx: click.Context, rebuild: bool, wait: float) -> None:
    """The national tables kept for the saved queries (refreshed on every load). 全国汇总表"""
    from .queries.rollups import refresh_rollups, rollup_tables

    if rebuild:
        with _open_store(ctx, read_only=False, wait=wait) as store:
            report = refresh_rollups(store, rebuild=True)
    else:
        with _open_store(ctx, read_only=True) as store:
            report = rollup_tables(store)
    click.echo(report.render(), nl=False)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "trig", "nquads", "jsonld", "void"]),
    default="trig",
    help="trig, nquads, jsonld keep each graph; turtle merges them; void: the VoID/DCAT description "
    "of the export (Turtle). 导出格式",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to FILE instead of standard output. 输出文件",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Export only this graph (repeatable): its IRI, a ledger id, 'alignments' or 'ontology'. "
    "Default: every graph. 只导出该图",
)
@click.option(
    "--ledger",
    "ledger_ids",
    multiple=True,
    metavar="ID",
    help="Export only this ledger, with the ontology (repeatable). 只导出该台账",
)
@click.option(
    "--endpoint-url",
    default=None,
    metavar="URL",
    help="The public SPARQL endpoint to name in the description (void:sparqlEndpoint). 公开的 SPARQL 服务地址",
)
@click.option(
    "--license",
    "license_iri",
    default=None,
    metavar="IRI",
    help="The data's licence in the description (default CC0 1.0). 数据许可协议",
)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    output: str | None,
    graphs: tuple[str, ...],
    ledger_ids: tuple[str, ...],
    endpoint_url: str | None,
    license_iri: str | None,
) -> None:
    """Export the store as linked data: every graph, or those chosen. 导出关联数据

    Ledgers, alignments (zwgk align), the ontology and any other graph of the store; --graph or
    --ledger to choose. --format void writes the VoID/DCAT description of the same export.
    """
    from .export.describe import DEFAULT_LICENSE
    from .export.graphs import write_export

    with _open_store(ctx, read_only=True) as store, _output(output) as out:
        summary = write_export(
            store,
            out=out,
            format=fmt,
            ledger_ids=list(ledger_ids) or None,
            graphs=list(graphs) or None,
            endpoint_url=endpoint_url,
            license=license_iri or DEFAULT_LICENSE,
        )
    if output:
        click.echo(f"{output}: {summary.render(lang=_lang())}", err=True)


@contextmanager
def _output(path: str | None) -> Iterator[BinaryIO]:
    """Standard output, or FILE written whole: into a temporary file beside it, renamed over
    FILE only when everything was written (a failed export leaves FILE as it was)."""
    if not path:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".zwgk-", suffix=".part", delete=False)
    try:
        with handle:
            # A binary file (mode w+b); typeshed types the wrapper as IO[bytes], not BinaryIO.
            yield cast(BinaryIO, handle)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o666 & ~umask)
        os.replace(handle.name, path)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise


def _binary_needs_file(fmt: str, output: str | None) -> None:
    if fmt == "xlsx" and not output:
        raise ZwgkError(
            "--format xlsx writes a workbook: name it with -o FILE.xlsx",
            message_zh="--format xlsx 生成 Excel 文件：请用 -o FILE.xlsx 指定文件",
        )


@main.command()
@click.argument("ledger_ids", nargs=-1, required=True, metavar="LEDGER-ID...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "xlsx", "json"]),
    default="table",
    help="table for the terminal; csv (UTF-8 with BOM, for Excel), xlsx (-o FILE) or json. 输出格式",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to FILE instead of standard output (needed for xlsx). 输出文件",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the column names. 列名语言")
@click.pass_context
def tasks(ctx: click.Context, ledger_ids: tuple[str, ...], fmt: str, output: str | None, lang: str) -> None:
    """Show a ledger's tasks as a table. 台账任务一览

    One row per task: number, indicator path, text, lead units, other units, deadline, due
    date and the line of the source file (see zwgk ledgers for the ids).
    """
    from .export.tasks import ledger_tasks, render_tasks

    _binary_needs_file(fmt, output)
    with _open_store(ctx, read_only=True) as store:
        found = ledger_tasks(store, ledger_ids=list(ledger_ids))
    with _output(output) as out:
        out.write(render_tasks(found, format=fmt, lang=lang))


@main.command()
@click.argument("targets", nargs=-1, metavar="[LEDGER-ID | FILE]...")
@click.option("--layout", default=None, help="Force a layout for FILE arguments. 指定版式")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the text report. 语言")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "summary", "turtle", "json"]),
    default="text",
    help="text for people; turtle or json for the full SHACL validation report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning"]),
    default="violation",
    help="Exit 1 on violations (default) or on violations and warnings.",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    help="Validation engine for ledgers in the store: shapes compiled to SPARQL (default) or pyshacl.",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Validate the files that can be read even when others cannot (exit status 2 all the same). 跳过无法读取的文件",
)
@_shapes_options
@click.pass_context
def validate(
    ctx: click.Context,
    targets: tuple[str, ...],
    layout: str | None,
    lang: str,
    fmt: str,
    fail_on: str,
    engine: str,
    keep_going: bool,
    shape_paths: tuple[str, ...],
    only_shapes: bool,
) -> None:
    """Check ledgers against the completeness rules (SHACL). 校验台账完整性

    No argument: every ledger in the store. LEDGER-ID: those ledgers. FILE (or folder): the
    files themselves, read directly without touching the store (check a draft before
    publishing). --shapes adds your own rules (see zwgk shapes). Exit 0 without violations,
    1 with violations, 2 for bad input.
    """
    from .errors import BatchRefused
    from .pipeline import validate_targets
    from .shapes import load

    shapes = load(shape_paths, only=only_shapes)
    try:
        report = validate_targets(
            list(targets),
            store=ctx.obj.get("store"),
            endpoint=ctx.obj.get("endpoint"),
            layout=layout,
            engine=engine,
            keep_going=keep_going,
            shapes=shapes,
        )
    except BatchRefused as exc:
        _print_refused(
            exc.refused,
            read=exc.read,
            closing="nothing was validated (--keep-going validates the files that were read)",
            closing_zh="未作校验（--keep-going 可校验能读取的文件）",
            lang=_lang(),
        )
        ctx.exit(EXIT_BAD_INPUT)
    for notice in report.notices:
        click.echo(("zwgk: 提示：" if lang == "zh" else "zwgk: notice: ") + notice.render(lang=lang), err=True)
    click.echo(report.render(format=fmt, lang=lang), nl=False)
    if report.refused:
        _print_refused(
            report.refused,
            read=len(report.ledgers),
            closing="the files read were validated",
            closing_zh="已校验读取的文件",
            lang=_lang(),
        )
        ctx.exit(EXIT_BAD_INPUT)
    if report.fails(fail_on=fail_on):
        ctx.exit(EXIT_VIOLATIONS)


@main.command("shapes")
@_shapes_options
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the table. 语言")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def shapes_command(shape_paths: tuple[str, ...], only_shapes: bool, lang: str, fmt: str) -> None:
    """List every validation rule: name, severity, target, engine. 列出全部校验规则

    Each rule with its Chinese and English name, its severity, the nodes it checks, the engine
    that will run it (sparql: compiled; pyshacl: with the reason) and, for your own shapes, the
    file and line.
    """
    from .shapes.rules import describe, render_rules

    rules = describe(shape_paths, only=only_shapes)
    click.echo(render_rules(rules, format=fmt, lang=lang), nl=False)


def _print_refused(refused: Sequence[Refusal], *, read: int, closing: str, closing_zh: str, lang: str) -> None:
    for refusal in refused:
        click.echo(("未能读取：" if lang == "zh" else "refused: ") + refusal.render(lang=lang), err=True)
    if lang == "zh":
        click.echo(f"zwgk: error: 读取 {read} 个文件，{len(refused)} 个未能读取；{closing_zh}", err=True)
    else:
        click.echo(
            f"zwgk: error: {read} file{'s' if read != 1 else ''} read, {len(refused)} refused; {closing}", err=True
        )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def queries(fmt: str) -> None:
    """List the saved queries with their titles and parameters. 列出已保存的查询"""
    from .queries.saved import describe_catalogue

    click.echo(describe_catalogue(format=fmt), nl=False)


def _params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", ctx=ctx, param=param)
        out[name] = value
    return out


@main.command()
@click.argument("name", required=False, metavar="[NAME | FILE.rq]")
@click.option("-e", "--expression", default=None, metavar="SPARQL", help="Run this query text. 直接给出查询语句")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    callback=_params,
    metavar="NAME=VALUE",
    help="A parameter of the saved query (repeatable). 查询参数",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "xlsx"]),
    default="table",
    help="table for people; csv, tsv, json, xml are the W3C SPARQL result formats (csv with a UTF-8 "
    "BOM for Excel); xlsx: an Excel workbook (-o FILE).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to FILE instead of standard output (needed for xlsx). 输出文件",
)
@click.option("--allow-update", is_flag=True, help="Allow a SPARQL update (it writes to the store). 允许更新")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Stop the query after this many seconds (default 60, env ZWGK_QUERY_TIMEOUT; 0: no limit). 查询时限（秒）",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run SERVICE clauses: the query then fetches other servers' URLs (refused by default). 允许 SERVICE 联邦查询",
)
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    expression: str | None,
    params: dict[str, str],
    fmt: str,
    output: str | None,
    allow_update: bool,
    timeout: float | None,
    allow_service: bool,
) -> None:
    """Run a saved query (see zwgk queries), a .rq file, or -e 'SELECT …'. 运行 SPARQL 查询

    csv, tsv, json and xml are written row by row as the answer comes; a table shows at most
    10,000 rows. Ctrl-C stops the query at once (exit status 130); so does the time limit
    (exit status 2).
    """
    from .queries.saved import TABLE_MAX_ROWS, find, query_timeout, write_answer

    _binary_needs_file(fmt, output)
    saved = find(name=name, text=expression)
    limit = query_timeout(timeout)
    writes = saved.form == "UPDATE" and allow_update
    with _open_store(ctx, read_only=not writes) as store, _output(output) as out:
        written = write_answer(
            store,
            saved,
            out=out,
            format=fmt,
            values=params,
            allow_update=allow_update,
            allow_service=allow_service,
            timeout=limit,
        )
    if written.truncated:
        click.echo(
            f"zwgk: 表格最多显示 {TABLE_MAX_ROWS:,} 行，查询结果更多；--format csv、tsv、json 或 xml 可输出全部行"
            if _lang() == "zh"
            else f"zwgk: note: the table stops at {TABLE_MAX_ROWS:,} rows and the answer has more; "
            "--format csv, tsv, json or xml write every row",
            err=True,
        )


@main.command()
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Keep pairs whose similarity reaches this score (0–1). 最低相似度",
)
@_wait_option
@click.option(
    "--per-ledger",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Links each task keeps in each other ledger (its best matches). 每份台账保留的最佳对应数",
)
@click.option(
    "--max-links",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Links each task keeps in all, so that links grow linearly with tasks. 每项任务最多保留的对应数",
)
@click.option(
    "--cluster-score",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Similarity to a cluster's representative needed to join it (0–1). 归入同类任务组的最低相似度",
)
@click.pass_context
def align(
    ctx: click.Context, min_score: float, wait: float, per_ledger: int, max_links: int, cluster_score: float
) -> None:
    """Link tasks of different ledgers that ask for the same thing and group them in clusters
    (stored; later loads align only their new tasks). 任务对应"""
    from .compare.align import align_store

    with _open_store(ctx, read_only=False, wait=wait) as store, _progress("aligning tasks") as progress:
        report = align_store(
            store,
            min_score=min_score,
            per_ledger=per_ledger,
            max_links=max_links,
            cluster_score=cluster_score,
            progress=progress,
        )
    click.echo(
        f"{report.link_count} alignments among {report.tasks} tasks of {report.ledgers} ledgers "
        f"(min score {report.min_score}, {report.method}), {report.cluster_count} clusters "
        f"/ 任务对应 {report.link_count} 对，同类任务组 {report.cluster_count} 个"
    )


class _Bar:
    """A progress bar on stderr (done / total, time left) that appears only once the work has
    taken more than a second: short steps stay silent. A step with another total, or that
    starts again from fewer, gets a bar of its own."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started: float | None = None
        self.bar: Any = None
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        if self.started is not None and (total != self.total or done < self.done):
            self.finish()
        if self.started is None:
            self.started = time.monotonic()
        self.total = total
        if self.bar is None:
            self.done = done
            if time.monotonic() - self.started < 1.0 or done >= total:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
            self.bar.update(done)
        else:
            self.bar.update(done - self.done)
        self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
        self.bar = None
        self.started = None
        self.done = 0


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback for a library call, drawn on stderr when it is a terminal; None
    (no bar, no label) in pipes, files and tests."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar(label)
    try:
        yield bar
    finally:
        bar.finish()


@main.command()
@click.argument("ledger_a", metavar="A")
@click.argument("ledger_b", metavar="B")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Show pairs whose similarity reaches this score. 最低相似度",
)
@click.pass_context
def compare(ctx: click.Context, ledger_a: str, ledger_b: str, min_score: float) -> None:
    """Compare two ledgers: aligned tasks, tasks only in A or B, lead-unit types. 比较两份台账"""
    from .compare.align import compare_ledgers

    with _open_store(ctx, read_only=True) as store:
        comparison = compare_ledgers(store, a=ledger_a, b=ledger_b, min_score=min_score)
    click.echo(comparison.render(), nl=False)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="report.html",
    show_default=True,
    help="The HTML file to write. 输出文件",
)
@click.pass_context
def report(ctx: click.Context, output: str) -> None:
    """Write a self-contained HTML report comparing the ledgers (charts as inline SVG). 生成比较报告"""
    from .compare.report import write_report

    with _open_store(ctx, read_only=True) as store, _progress("writing the report") as progress:
        summary = write_report(store, output=output, progress=progress)
    click.echo(f"wrote {summary.path}: {summary.ledgers} ledgers, {summary.tasks} tasks, {summary.bytes} bytes")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. 监听地址")
@click.option("--port", type=int, default=7878, show_default=True, help="Port to listen on. 端口")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="A query is stopped after this many seconds (default 60, env ZWGK_QUERY_TIMEOUT; 0: no limit). 查询时限（秒）",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let /sparql run SERVICE clauses, which make the server fetch other servers' URLs (refused by default). "
    "允许 SERVICE 联邦查询",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout: float | None, allow_service: bool) -> None:
    """Serve the store read-only as a web application: ledgers, tasks, validation, saved queries
    as forms and an API, comparison, and a SPARQL endpoint at /sparql. 提供网页与 SPARQL 服务"""
    from .queries.saved import query_timeout
    from .serve.oxigraph import is_loopback
    from .serve.web import serve as run_web
    from .store.embedded import store_location

    limit = query_timeout(timeout)
    if not is_loopback(host):
        click.echo(
            f"warning: {host} is reachable from other machines; the server has no authentication "
            "and no TLS / 警告：其他机器可访问该地址，服务没有认证和加密",
            err=True,
        )

    location = store_location(ctx.obj.get("store"))

    def ready(url: str, oxigraph_url: str) -> None:
        click.echo(f"serving {location} at {url}/ (SPARQL endpoint {url}/sparql); Ctrl-C stops")
        click.echo(f"正在提供服务：{url}/ ，按 Ctrl-C 停止（Oxigraph: {oxigraph_url}）")

    ctx.exit(run_web(str(location), host=host, port=port, timeout=limit, allow_service=allow_service, on_ready=ready))


if __name__ == "__main__":
    main()
