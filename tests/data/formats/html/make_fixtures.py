"""Writes the HTML fixtures of tests/test_loaders_html.py from the text samples in
examples/ledgers, as government web pages are laid out: site navigation, a breadcrumb, the
索引号 block as a small table (文件名称 spanning the row), the notice, the ledger as a <table>
with rowspan where the sample's cells are merged (indicators, units, deadlines, channels),
colspan where an indicator path stops a level short and in the header, <br> between the
units of a unit cell, then the footer.

The fixtures are committed; run this again only to change them:

    .venv/bin/python tests/data/formats/html/make_fixtures.py

Written:
- shiquan-utf8.html, shiquan-gbk.html (<meta charset="gbk">, GBK bytes): the 150 tasks of
  shiquan-2021-renwu-fenjie.txt;
- hualong.html: the 37 tasks of hualong-2020-zeren-fengong.txt (重点任务 spanning two columns
  of the header, the table split in two tables that repeat the header);
- hubei-prose.html: hubei-renfang-2020-gongzuo-yaodian.txt, a <p> per paragraph (20 key points);
- empty-cell.html: an empty unit cell under a filled one, and a rowspan (only the latter merges);
- no-ledger.html: a page with two layout tables and unnumbered paragraphs.
"""

from __future__ import annotations

import html
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]

from zwgk.loaders import read_ledger

LEDGERS = ROOT / "examples" / "ledgers"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def head(title: str, charset: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        "<html lang=\"zh-CN\">",
        "<head>",
        f"<meta charset=\"{charset}\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{esc(title)}_石泉县人民政府</title>",
        "<style>.zwgk-table td{border:1px solid #ccc;padding:4px}</style>",
        "<script>var _hmt = _hmt || []; /* 统计代码 */</script>",
        "</head>",
        "<body>",
        ("<div class=\"top-nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li>"
         "<li><a href=\"/hdjl/\">互动交流</a></li><li><a href=\"/bsfw/\">办事服务</a></li></ul></div>"),
        "<div class=\"breadcrumb\">当前位置：首页 &gt; 政务公开 &gt; 政府文件</div>",
    ]


def foot() -> list[str]:
    return [
        "<div class=\"share\">分享到：微信 微博</div>",
        "<div class=\"footer\">",
        "<p>主办单位：石泉县人民政府办公室　版权所有</p>",
        "<p>网站标识码：6109220001　陕ICP备05001234号</p>",
        "</div>",
        "<script>document.write('访问量');</script>",
        "</body>",
        "</html>",
    ]


def spans(keys: list) -> list[int]:
    """Rowspan per row: the first row of a run of equal keys gets the run's length, the rows
    it covers 0; a key of None never merges."""
    out = [1] * len(keys)
    i = 0
    while i < len(keys):
        j = i + 1
        while keys[i] is not None and j < len(keys) and keys[j] == keys[i]:
            j += 1
        out[i] = j - i
        for k in range(i + 1, j):
            out[k] = 0
        i = j
    return out


def td(text: str, rowspan: int, colspan: int = 1) -> str:
    attrs = (f" rowspan=\"{rowspan}\"" if rowspan > 1 else "") + (f" colspan=\"{colspan}\"" if colspan > 1 else "")
    return f"<td{attrs}>{text}</td>"


def runs(flags: list[bool]) -> list[int]:
    """Merge keys from 'inherited' flags: a row that inherits belongs to the run above."""
    keys, run = [], 0
    for flag in flags:
        run += 0 if flag else 1
        keys.append(run)
    return keys


def shiquan(charset: str) -> str:
    record = read_ledger(LEDGERS / "shiquan-2021-renwu-fenjie.txt")
    tasks = record.tasks
    title = record.title
    lines = head(title, charset)
    lines += [
        "<div class=\"article\">",
        "<table class=\"info-table\" width=\"100%\">",
        f"<tr><td>文件名称</td><td colspan=\"3\">{esc(title)}</td></tr>",
        "<tr><td>索引号</td><td>xzfgzbmsqxrmzfbgs/2021-1547</td><td>公开目录:</td><td>县政府办</td></tr>",
        "<tr><td>公开责任部门</td><td>石泉县人民政府办公室</td><td>公开形式:</td><td>主动公开</td></tr>",
        "<tr><td>文号</td><td>石政办函〔2021〕12号</td><td>成文日期:</td><td>2021年04月23日</td></tr>",
        "<tr><td>有效性</td><td>有效</td><td>公开日期:</td><td>2021-04-23 20:25</td></tr>",
        "</table>",
        f"<h1>{esc(title)}</h1>",
        "<div class=\"TRS_Editor\">",
        "<p>各镇人民政府,县政府各工作部门、直属机构:</p>",
        "<p>现将《石泉县2021年政务公开工作任务分解一览表》印发给你们,请认真抓好落实,并就有关事项通知如下:</p>",
        "<p>一、细化任务,夯实责任。各责任单位要对照《任务分解一览表》,进一步细化分解任务,明确牵头股室和责任股室。</p>",
        "<p>二、把握关键,有序推进。各责任单位要按照“公开为常态,不公开为例外”的要求,严格执行信息发布内容审核制度。</p>",
        "<p>三、跟踪督导,严格奖惩。县政府办、考核办要将政务公开工作纳入各镇、各部门年度目标责任考核范畴。</p>",
        "<p style=\"text-align:right\">石泉县人民政府办公室</p>",
        "<p style=\"text-align:right\">2021年4月23日</p>",
        "<p style=\"text-align:center\"><strong>石泉县2021年政务公开工作任务分解一览表</strong></p>",
        "<table class=\"zwgk-table\" border=\"1\" cellspacing=\"0\">",
        "<tbody>",
        "<tr>",
        ("<th>序号</th><th>一级<br>指标</th><th>二级指标</th><th>三级指标</th><th>四级指标</th>"
         "<th>主要任务</th><th>采样方式</th><th>责任单位</th><th>完成时限</th>"),
        "</tr>",
    ]
    level_spans = []
    for level in range(4):
        keys = [(len(t.indicators), t.indicators[: level + 1]) if level >= 2 else t.indicators[: level + 1]
                for t in tasks]
        level_spans.append(spans(keys))
    unit_spans = spans(runs(["leadUnit" in t.inherited for t in tasks]))
    deadline_spans = spans(runs([t.deadline_inherited for t in tasks]))
    channel_spans = spans(runs(["channel" in t.inherited for t in tasks]))
    for i, task in enumerate(tasks):
        cells = [td(esc(task.number), 1)]
        for level in range(3):
            if level_spans[level][i]:
                colspan = 2 if level == 2 and len(task.indicators) == 3 else 1
                cells.append(td(esc(task.indicators[level]), level_spans[level][i], colspan))
        if len(task.indicators) == 4 and level_spans[3][i]:
            cells.append(td(esc(task.indicators[3]), level_spans[3][i]))
        cells.append(td(esc(task.text), 1))
        if channel_spans[i]:
            cells.append(td(esc(task.channel or ""), channel_spans[i]))
        if unit_spans[i]:
            units = "<br>".join(esc(line) for u in task.units for line in u.text.split("\n"))
            cells.append(td(units, unit_spans[i]))
        if deadline_spans[i]:
            cells.append(td(esc(task.deadline or ""), deadline_spans[i]))
        lines += ["<tr>", *cells, "</tr>"]
    lines += ["</tbody>", "</table>", "</div>", "</div>"]
    return "\n".join(lines + foot()) + "\n"


def hualong() -> str:
    record = read_ledger(LEDGERS / "hualong-2020-zeren-fengong.txt")
    tasks = record.tasks
    lines = head(record.title, "utf-8")
    lines += [
        "<div class=\"article\">",
        f"<h1>{esc(record.title)}</h1>",
        "<div class=\"content\">",
        "<p>华龙政办〔2020〕37号</p>",
        "<p>各乡（镇）人民政府，各街道办事处，区政府各部门：</p>",
        "<p>现将《贯彻落实国务院办公厅2020年政务公开工作要点责任分工》印发给你们，请认真抓好贯彻落实。</p>",
        "<p>濮阳市华龙区人民政府办公室</p>",
        "<p>2020年7月1日</p>",
        "<p>(此件公开发布)</p>",
    ]
    header = ["<tr>", ("<td colspan=\"2\"><p>重点任务</p></td><td><p>贯彻举措</p></td>"
                       "<td><p>牵头单位</p></td><td><p>责任单位</p></td>"), "</tr>"]
    halves = [tasks[:18], tasks[18:]]
    for part in halves:
        s1 = spans([t.indicators[:1] for t in part])
        s2 = spans([t.indicators[:2] for t in part])
        s_lead = spans([(t.indicators[:2], t.units[0].text) for t in part])
        s_resp = spans([(t.indicators[:2], t.units[1].text) for t in part])
        lines += ["<table border=\"1\" class=\"MsoTableGrid\">", *header]
        for i, task in enumerate(part):
            cells = []
            if s1[i]:
                cells.append(td(f"<p>{esc(task.indicators[0])}</p>", s1[i]))
            if s2[i]:
                cells.append(td(f"<p>{esc(task.indicators[1])}</p>", s2[i]))
            text = f"{task.number}. {task.text}" if task.number else task.text
            cells.append(td(f"<p>{esc(text)}</p>", 1))
            if s_lead[i]:
                cells.append(td(f"<p>{esc(task.units[0].text)}</p>", s_lead[i]))
            if s_resp[i]:
                cells.append(td(f"<p>{esc(task.units[1].text)}</p>", s_resp[i]))
            lines += ["<tr>", *cells, "</tr>"]
        lines += ["</table>", "<p>&nbsp;</p>"]
    lines += ["</div>", "</div>"]
    return "\n".join(lines + foot()) + "\n"


def hubei() -> str:
    text = (LEDGERS / "hubei-renfang-2020-gongzuo-yaodian.txt").read_text(encoding="utf-8")
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    title = "湖北省人民防空办公室关于印发2020年度政务公开工作要点的通知"
    lines = head(title, "utf-8")
    lines += ["<div class=\"article\">", f"<h1>{esc(title)}</h1>", "<div class=\"content\">"]
    lines += [f"<p>{esc(p)}</p>" for p in paragraphs[3:]]
    lines += ["</div>", "</div>"]
    return "\n".join(lines + foot()) + "\n"


def empty_cell() -> str:
    lines = head("某县2024年政务公开重点工作任务分解表", "utf-8")
    lines += [
        "<h1>某县2024年政务公开重点工作任务分解表</h1>",
        "<table border=\"1\">",
        "<tr><th>序号</th><th>主要任务</th><th>牵头单位</th><th>完成时限</th></tr>",
        "<tr><td>1</td><td>做好政府信息主动公开工作，及时发布政策文件。</td><td>县政府办公室</td><td>2024年12月底前</td></tr>",
        "<tr><td>2</td><td>推进预算决算信息公开，细化公开内容。</td><td></td><td>长期坚持</td></tr>",
        "<tr><td>3</td><td>加强政策解读，回应社会关切。</td><td rowspan=\"2\">县财政局<br>县审计局</td><td>持续推进</td></tr>",
        "<tr><td>4</td><td>公开财政资金直达基层信息。</td><td>2024年6月底前</td></tr>",
        "</table>",
    ]
    return "\n".join(lines + foot()) + "\n"


def no_ledger() -> str:
    lines = head("县政府召开常务会议", "utf-8")
    lines += [
        "<table width=\"100%\"><tr><td><img src=\"logo.png\"></td><td>石泉县人民政府</td></tr></table>",
        ("<table class=\"info-table\"><tr><td>索引号</td><td>xzfgzbmsqxrmzfbgs/2021-1600</td></tr>"
         "<tr><td>发布日期</td><td>2021-05-10</td></tr></table>"),
        "<h1>县政府召开常务会议</h1>",
        "<p>5月10日，县政府召开常务会议，研究部署近期重点工作。</p>",
        "<p>会议听取了有关工作情况汇报，要求各部门认真抓好落实。</p>",
    ]
    return "\n".join(lines + foot()) + "\n"


def main() -> None:
    (HERE / "shiquan-utf8.html").write_text(shiquan("utf-8"), encoding="utf-8")
    (HERE / "shiquan-gbk.html").write_bytes(shiquan("gbk").encode("gbk"))
    (HERE / "hualong.html").write_text(hualong(), encoding="utf-8")
    (HERE / "hubei-prose.html").write_text(hubei(), encoding="utf-8")
    (HERE / "empty-cell.html").write_text(empty_cell(), encoding="utf-8")
    (HERE / "no-ledger.html").write_text(no_ledger(), encoding="utf-8")


if __name__ == "__main__":
    main()
