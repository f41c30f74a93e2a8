"""The comparison report: one self-contained HTML file that people can open anywhere.

Everything is inline — styles, charts as SVG, no script, no web font, no image — so the file
works offline, survives e-mail and archiving, and renders the same in any browser. Chinese text
relies on a CJK font stack (Noto Sans CJK on Linux, PingFang on macOS, Microsoft YaHei on
Windows). The numbers come from SPARQL over the store, so the report shows exactly what
``zwgk query`` would."""

from __future__ import annotations

import html
import math
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import Store
from ..store.base import internal_query

if TYPE_CHECKING:
    import pyoxigraph

FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


@dataclass(frozen=True)
class ReportSummary:
    path: str
    ledgers: int
    tasks: int
    bytes: int
    validated: bool
    """False when the validation library could not run (the report says so)."""


@dataclass(frozen=True)
class _Ledger:
    id: str
    label: str
    title: str
    tasks: int


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _rows(store: Store, query: str) -> list[pyoxigraph.QuerySolution]:
    return list(store.query(query))


def _v(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None) -> str:
    return "" if term is None else term.value


# Charts -----------------------------------------------------------------------------------


def _shade(share: float) -> str:
    """White to deep blue as ``share`` goes from 0 to 1."""
    share = max(0.0, min(1.0, share))
    low, high = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(lo + (hi - lo) * math.sqrt(share)) for lo, hi in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(rows: list[_Ledger], columns: list[tuple[str, str]], counts: dict[tuple[str, str], int]) -> str:
    """Ledgers × top-level topics; a cell shows the number of tasks and is shaded by their share
    of the ledger's tasks."""
    left, top, cw, ch = 150, 120, 58, 30
    width, height = left + cw * len(columns) + 10, top + ch * len(rows) + 10
    out = [
        f'<svg class="chart heatmap" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="主题热力图 topic heat map">'
    ]
    for j, (_, label) in enumerate(columns):
        x = left + j * cw + cw / 2
        out.append(
            f'<text class="col" x="{x:.0f}" y="{top - 8}" transform="rotate(-45 {x:.0f} {top - 8})">{_esc(label)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * ch
        out.append(
            f'<text class="row" x="{left - 8}" y="{y + ch / 2 + 5:.0f}" text-anchor="end">{_esc(row.label)}</text>'
        )
        for j, (iri, label) in enumerate(columns):
            n = counts.get((row.id, iri), 0)
            share = n / row.tasks if row.tasks else 0.0
            fill = _shade(share)
            ink = "#ffffff" if share > 0.3 else "#1f2937"
            x = left + j * cw
            out.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" fill="{fill}">'
                f"<title>{_esc(row.label)} · {_esc(label)}: {n} / {row.tasks}</title></rect>"
            )
            if n:
                out.append(
                    f'<text class="num" x="{x + cw / 2 - 1:.0f}" y="{y + ch / 2 + 4:.0f}" '
                    f'text-anchor="middle" style="fill:{ink}">{n}</text>'
                )
    out.append("</svg>")
    return "".join(out)


def stacked_bars_svg(categories: list[str], series: list[_Ledger], values: dict[tuple[str, str], int]) -> str:
    """One horizontal bar per category, one coloured segment per ledger."""
    left, top, bh, gap, scale_w = 170, 40, 20, 6, 520
    totals = {c: sum(values.get((s.id, c), 0) for s in series) for c in categories}
    biggest = max(totals.values(), default=0) or 1
    height = top + (bh + gap) * len(categories) + 20
    width = left + scale_w + 60
    out = [
        f'<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="牵头单位工作量 lead-unit workload">'
    ]
    x: float = left
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        out.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text class="legend" x="{x + 16}" y="19">{_esc(s.label)}</text>'
        )
        x += 18 + 13 * len(s.label) + 12
    for i, c in enumerate(categories):
        y = top + i * (bh + gap)
        out.append(f'<text class="row" x="{left - 8}" y="{y + bh - 5}" text-anchor="end">{_esc(c)}</text>')
        x = float(left)
        for k, s in enumerate(series):
            n = values.get((s.id, c), 0)
            if not n:
                continue
            w = scale_w * n / biggest
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bh}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{_esc(s.label)} · {_esc(c)}: {n}</title></rect>'
            )
            x += w
        out.append(f'<text class="num" x="{x + 5:.1f}" y="{y + bh - 5}">{totals[c]}</text>')
    out.append("</svg>")
    return "".join(out)


def calendar_svg(rows: list[_Ledger], counts: dict[tuple[str, str], int]) -> str:
    """Due dates by month: one line per ledger, a dot per month sized by the number of tasks."""
    months = sorted({m for (_, m) in counts})
    if not months:
        return '<p class="empty">没有可解析的完成日期 / no due dates were understood.</p>'
    first_y, first_m = map(int, months[0].split("-"))
    last_y, last_m = map(int, months[-1].split("-"))
    span = []
    year_n, month_n = first_y, first_m
    while (year_n, month_n) <= (last_y, last_m):
        span.append(f"{year_n:04d}-{month_n:02d}")
        year_n, month_n = (year_n + 1, 1) if month_n == 12 else (year_n, month_n + 1)
    left, top, cw, ch = 150, 50, 44, 38
    width, height = left + cw * len(span) + 20, top + ch * len(rows) + 10
    biggest = max(counts.values())
    out = [
        f'<svg class="chart calendar" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="完成时限日历 deadlines calendar">'
    ]
    for j, month in enumerate(span):
        x = left + j * cw + cw / 2
        year, mm = month.split("-")
        label = f"{int(mm)}月" if j and mm != "01" else f"{year}年{int(mm)}月"
        out.append(
            f'<line class="grid" x1="{x:.0f}" y1="{top - 6}" x2="{x:.0f}" y2="{height - 10}"/>'
            f'<text class="col" x="{x:.0f}" y="{top - 14}" text-anchor="middle">{_esc(label)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * ch + ch / 2
        out.append(f'<text class="row" x="{left - 8}" y="{y + 5:.0f}" text-anchor="end">{_esc(row.label)}</text>')
        for j, month in enumerate(span):
            n = counts.get((row.id, month), 0)
            if not n:
                continue
            r = 4 + 12 * math.sqrt(n / biggest)
            x = left + j * cw + cw / 2
            out.append(
                f'<circle class="dot" cx="{x:.0f}" cy="{y:.0f}" r="{r:.1f}" fill="{PALETTE[i % len(PALETTE)]}">'
                f"<title>{_esc(row.label)} · {month}: {n}</title></circle>"
                f'<text class="num" x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" style="fill:#ffffff">{n}</text>'
            )
    out.append("</svg>")
    return "".join(out)


# The page ---------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: FONTS; margin: 24px 32px; color: #1f2937; background: #ffffff; line-height: 1.5; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 2px solid #e5e7eb; padding-bottom: 4px; }
p.lead, p.note { color: #4b5563; font-size: 14px; margin: 4px 0 12px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d1d5db; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { color: #b91c1c; font-weight: bold; } td.warn { color: #b45309; }
svg.chart { display: block; margin: 8px 0; max-width: 100%; height: auto; }
svg.chart text { font-family: FONTS; font-size: 12px; fill: #1f2937; }
svg.chart text.num { font-size: 11px; }
svg.chart line.grid { stroke: #e5e7eb; stroke-width: 1; }
.empty { color: #6b7280; font-style: italic; }
footer { margin-top: 40px; color: #6b7280; font-size: 12px; }
""".replace("FONTS", FONT_STACK)


def _table(head: list[str], body: list[list[tuple[str, str]]]) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in body:
        out.append(
            "<tr>"
            + "".join(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>" for text, cls in row)
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.0f}%)" if total else "0"


VALIDATION_STEPS = 10
"""The ledgers are validated in about this many groups, so that progress can be shown."""


def build_report(store: Store, *, progress: Callable[[int, int], None] | None = None) -> tuple[str, int, int, bool]:
    """The HTML text, the number of ledgers and tasks, and whether validation ran;
    ``progress`` hears (steps done, steps): groups of ledgers validated, then each section."""
    infos = store.ledgers()
    size = max(1, -(-len(infos) // VALIDATION_STEPS))
    groups = [[i.id for i in infos[k : k + size]] for k in range(0, len(infos), size)]
    steps, steps_done = len(groups) + 8, 0

    def step() -> None:
        nonlocal steps_done
        steps_done += 1
        if progress is not None:
            progress(steps_done, steps)

    if progress is not None:
        progress(0, steps)
    ledgers = [
        _Ledger(
            id=i.id,
            label=f"{i.jurisdiction or '—'} {i.year or ''}".strip(),
            title=i.title or i.source_file,
            tasks=i.task_count,
        )
        for i in infos
    ]

    completeness = {_v(r["id"]): r for r in _rows(store, internal_query("report-completeness"))}
    step()
    validation: dict[str, dict[str, int]] = {}
    validated, validation_note = True, ""
    try:
        from ..shapes import validate_store
    except ImportError:
        validated, validation_note = False, "校验模块不可用 / the validation library is not installed."
    else:
        for group in groups:
            for part in validate_store(store, ledger_ids=group).ledgers:
                validation[part.ledger_id] = part.counts()
            step()

    body = []
    for lg in ledgers:
        row = completeness.get(lg.id)
        total = int(_v(row["tasks"])) if row is not None else 0
        cells = [(_esc(lg.label), ""), (_esc(lg.title), ""), (str(total), "n")]
        for key in ("withLead", "withDeadline", "withIndicator", "withTopic"):
            cells.append((_pct(int(_v(row[key])) if row is not None else 0, total), "n"))
        counts = validation.get(lg.id)
        for severity, cls in (("violation", "bad"), ("warning", "warn"), ("info", "")):
            n = counts.get(severity, 0) if counts else None
            cells.append(("—" if n is None else str(n), f"n {cls}" if n else "n"))
        body.append(cells)
    ledger_table = _table(
        [
            "地区 jurisdiction",
            "台账 ledger",
            "任务 tasks",
            "有牵头单位 lead",
            "有时限 deadline",
            "有指标 indicator",
            "有主题 topic",
            "违规 violations",
            "警告 warnings",
            "提示 infos",
        ],
        body,
    )

    columns = sorted(
        ((_v(r["top"]), _v(r["label"]), _v(r["notation"])) for r in _rows(store, internal_query("report-top-topics"))),
        key=lambda c: (int(c[2]) if c[2].isdigit() else 99, c[1]),
    )
    topic_counts = {(_v(r["id"]), _v(r["top"])): int(_v(r["n"])) for r in _rows(store, internal_query("report-topics"))}
    heat = heatmap_svg(ledgers, [(iri, label) for iri, label, _ in columns], topic_counts)
    step()

    workload = {(_v(r["id"]), _v(r["type"])): int(_v(r["n"])) for r in _rows(store, internal_query("report-workload"))}
    type_totals: dict[str, int] = defaultdict(int)
    for (_, kind), n in workload.items():
        type_totals[kind] += n
    categories = sorted(type_totals, key=lambda k: (-type_totals[k], k))
    with_leads = [lg for lg in ledgers if any(lid == lg.id for lid, _ in workload)]
    bars = (
        stacked_bars_svg(categories, with_leads, workload)
        if categories
        else '<p class="empty">没有牵头单位 / no lead units.</p>'
    )

    step()
    due = {(_v(r["id"]), _v(r["month"])): int(_v(r["n"])) for r in _rows(store, internal_query("report-deadlines"))}
    step()
    calendar = calendar_svg([lg for lg in ledgers if any(lid == lg.id for lid, _ in due)], due)
    recurrences: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, internal_query("report-recurrences")):
        recurrences[_v(r["id"])].append(f"{_esc(_v(r['label']))} {_v(r['n'])}")
    recurrence_table = _table(
        ["地区 jurisdiction", "周期性时限 recurring deadlines"],
        [[(_esc(lg.label), ""), ("，".join(sorted(recurrences[lg.id])) or "—", "")] for lg in ledgers],
    )

    step()
    requirements: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in _rows(store, internal_query("report-requirements")):
        kind_unit = (_v(r["kind"]), _v(r["unit"]))
        value = float(_v(r["value"]))
        shown = f"{_v(r['comparator'])}{value:g}{_v(r['unit'])}"
        requirements[kind_unit][_v(r["id"])].append(f'<span title="{_esc(_v(r["text"]))}">{_esc(shown)}</span>')
    req_ledgers = [lg for lg in ledgers if any(lg.id in per for per in requirements.values())]
    req_table = (
        _table(
            ["类型 kind", "单位 unit", *(lg.label for lg in req_ledgers)],
            [
                [
                    (_esc(kind), ""),
                    (_esc(unit or "—"), ""),
                    *(
                        ("、".join(sorted(set(requirements[(kind, unit)].get(lg.id, [])))) or "—", "")
                        for lg in req_ledgers
                    ),
                ]
                for kind, unit in sorted(requirements)
            ],
        )
        if requirements
        else '<p class="empty">没有量化要求 / no quantitative requirements.</p>'
    )

    step()
    clusters = _clusters_table(store)
    step()

    tasks = sum(lg.tasks for lg in ledgers)
    step()
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政务公开任务台账比较报告 / zwgk comparison report</title>
<style>{_CSS}</style>
</head>
<body>
<h1>政务公开任务台账比较报告</h1>
<p class="lead">zwgk comparison report · {len(ledgers)} 份台账 ledgers · {tasks} 项任务 tasks</p>

<h2 id="ledgers">各台账完整性与校验 / Completeness and validation per ledger</h2>
<p class="note">完整性：有牵头单位、完成时限、所属指标和主题的任务数（占比）；校验：SHACL 完整性规则的违规、警告和提示条数。</p>
{ledger_table}
{f'<p class="note">{_esc(validation_note)}</p>' if validation_note else ""}

<h2 id="topics">地区 × 主题 / Jurisdictions × topics</h2>
<p class="note">每格为该台账中属于该一级主题（含其二级主题）的任务数；颜色深浅为其占该台账任务的比例。主题由可解释的规则标注（zw:topicRule）。</p>
{heat}

<h2 id="workload">牵头单位工作量（按职能类型）/ Lead-unit workload by functional type</h2>
<p class="note">各职能类型的单位牵头的任务数，按台账分色。</p>
{bars}

<h2 id="deadlines">完成时限日历 / Deadlines over the calendar</h2>
<p class="note">按月统计有明确完成日期的任务数（圆点越大任务越多）；常态化等周期性时限另列。</p>
{calendar}
{recurrence_table}

<h2 id="requirements">量化要求对照 / Quantitative requirements side by side</h2>
<p class="note">任务文本中的时限、下限、频次、比例等要求，按类型和计量单位并列各地的取值（悬停可见原文）。</p>
{req_table}

<h2 id="clusters">同类任务组 / Task clusters across ledgers</h2>
<p class="note">各台账中内容相同的任务组成同类任务组（zwgk align：每项任务与组内代表任务的相似度不低于设定值），按涉及的台账数排列，列出前 20 组。</p>
{clusters}

<footer>由 zwgk 生成，离线可读（无脚本、无外部资源）。Generated by zwgk; self-contained (no script, no external resource).</footer>
</body>
</html>
"""
    return page, len(ledgers), tasks, validated


def _clusters_table(store: Store) -> str:
    """The clusters that span the most ledgers, or a note when the store has none."""
    rows = _rows(store, internal_query("report-clusters"))
    if not rows:
        return '<p class="empty">没有同类任务组（请先运行 zwgk align）/ no task clusters (run zwgk align).</p>'
    return _table(
        ["代表任务 representative task", "台账 ledgers", "任务 tasks", "地区 jurisdictions"],
        [
            [
                (_esc(_v(r["text"])), ""),
                (_v(r["ledgers"]), "n"),
                (_v(r["tasks"]), "n"),
                (_esc(_v(r["places"])), ""),
            ]
            for r in rows
        ],
    )


def write_report(
    store: Store,
    *,
    output: str | os.PathLike[str] = "report.html",
    progress: Callable[[int, int], None] | None = None,
) -> ReportSummary:
    """Build the report from an open store and write it atomically to ``output``
    (``progress`` hears steps done / steps)."""
    page, ledgers, tasks, validated = build_report(store, progress=progress)
    path = Path(output)
    data = page.encode("utf-8")
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return ReportSummary(path=str(path), ledgers=ledgers, tasks=tasks, bytes=len(data), validated=validated)
