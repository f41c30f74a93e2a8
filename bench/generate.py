"""Benchmark ledgers as a province's counties make them: ``python bench/generate.py N OUT/ [--seed S]``.

Counties copy their province's template, so a province's ledgers are near-identical: that is the
normal case (issue #21), and the one alignment must meet. Each province (the real GB/T 2260
provinces, in code order) publishes a template for a year — sections and sub-sections of the
State Council's 2020 key points, task sentences drawn from the sample ledgers, units of the
provincial departments — and each of its counties (real county-level names of that province)
copies it with local edits: units renamed to the county's bureaus, about one row in ten dropped,
a few rows of its own added, about one in five reworded (a clause dropped, a requirement added,
全省 made 全县, a verb strengthened), deadlines in its own year, its own numbering. The corpus
walks province by province (the province's own ledger first, then its counties) and year by
year, so N = 3,000 is about one year of every county of the country.

Files come in the layouts of the development corpus (``/work/shared/corpus``) and the samples:
tab-separated rows, rows joined by `` | ``, one cell per line closed by ``|``, key points in
prose (一、（一）1. with the units in brackets after each item), .docx and .xlsx tables with
merged heading cells. Deterministic for a seed."""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "ledgers"

DEPARTMENTS = [
    ("人民政府办公厅", "人民政府办公室"),
    ("发展和改革委员会", "发展和改革局"),
    ("教育厅", "教育局"),
    ("公安厅", "公安局"),
    ("民政厅", "民政局"),
    ("司法厅", "司法局"),
    ("财政厅", "财政局"),
    ("人力资源和社会保障厅", "人力资源和社会保障局"),
    ("自然资源厅", "自然资源局"),
    ("生态环境厅", "生态环境局"),
    ("住房和城乡建设厅", "住房和城乡建设局"),
    ("交通运输厅", "交通运输局"),
    ("农业农村厅", "农业农村局"),
    ("商务厅", "商务局"),
    ("文化和旅游厅", "文化和旅游局"),
    ("卫生健康委员会", "卫生健康局"),
    ("应急管理厅", "应急管理局"),
    ("审计厅", "审计局"),
    ("市场监督管理局", "市场监督管理局"),
    ("统计局", "统计局"),
    ("医疗保障局", "医疗保障局"),
    ("政务服务和数据管理局", "政务服务和数据管理局"),
    ("退役军人事务厅", "退役军人事务局"),
    ("乡村振兴局", "乡村振兴局"),
    ("林业局", "林业局"),
]
"""(provincial department, the county bureau that copies its rows)."""
GROUPS = {
    "province": ["各市（州）人民政府", "省政府各部门", "省直有关单位"],
    "county": ["各乡镇（街道）", "{level}政府各部门", "{level}政府有关部门", "各镇", "直属机构"],
}
DEADLINES = [
    "常态化开展",
    "持续推进",
    "10月底前",
    "{y}年6月底前",
    "年底前",
    "每季度",
    "{y}年9月底前",
    "次年1月底前",
    "11月底前",
    "长期坚持",
    "每半年",
    "{y}年12月31日前",
]
REQUIREMENTS = [
    "，并在20个工作日内予以答复",
    "，分值权重不低于4%",
    "，每年至少开展一次业务培训",
    "，在7个工作日内完成审核",
    "，重大舆情24小时内回应",
]
REWORDINGS = (("加强", "强化"), ("推进", "深入推进"), ("做好", "认真做好"), ("及时", "第一时间"), ("完善", "健全"))
LAYOUTS = ("tsv", "bar", "pipe", "prose", "docx", "xlsx")


@dataclass(frozen=True)
class Row:
    section: str
    subsection: str
    number: int
    text: str
    lead: str
    responsible: str
    deadline: str


@dataclass(frozen=True)
class TemplateRow:
    """A row of a province's template: its units as department indexes, so that each county
    names its own bureaus."""

    section: str
    subsection: str
    text: str
    leads: tuple[int, ...]
    group: int
    deadline: str


def _sentences() -> list[str]:
    """Task sentences of the samples (read with zwgk's own loaders)."""
    from zwgk.loaders import read_ledger

    out: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        try:
            out.extend(t.text for t in read_ledger(path).tasks if len(t.text) > 12)
        except Exception:  # a sample whose layout this checkout cannot read contributes nothing
            continue
    return sorted(set(out))


def _headings() -> list[tuple[str, list[str]]]:
    """The outline of the State Council's 2020 key points, as the 004 sample prints it."""
    from zwgk.loaders import read_ledger

    outline: dict[str, list[str]] = {}
    for task in read_ledger(SAMPLES / "hualong-2020-zeren-fengong.txt").tasks:
        if len(task.indicators) >= 2:
            subs = outline.setdefault(task.indicators[0], [])
            if task.indicators[1] not in subs:
                subs.append(task.indicators[1])
    return list(outline.items())


def provinces() -> list[tuple[str, list[str]]]:
    """The provinces of zwgk's GB/T 2260 gazetteer in code order, each with its county-level
    names. A name is kept once, in the first province that has it: namesakes (鼓楼区 of 南京
    and of 福州) read as one jurisdiction from a title that names only the county, so their
    ledgers of a year are one ledger id and the loader rightly refuses the second (27 of the
    first 3,000 files did before this rule)."""
    import csv

    from zwgk.resources import package_file

    names: dict[str, str] = {}
    counties: dict[str, list[str]] = {}
    taken: set[str] = set()
    with package_file("analysis", "data", "divisions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "Province":
                names[row["code"][:2]] = row["name"]
            elif row["level"] == "County" and row["name"].endswith(("县", "区", "市", "旗")):
                if row["name"] not in taken:
                    taken.add(row["name"])
                    counties.setdefault(row["code"][:2], []).append(row["name"])
    return [(names[code], counties.get(code, [])) for code in sorted(names) if counties.get(code)]


def make_template(rng: random.Random, *, sentences, outline) -> list[TemplateRow]:
    """A province's template for a year: one to four tasks under each sub-section (about 45
    tasks, as many as the samples' ledgers have)."""
    rows = []
    for section, subs in outline:
        for sub in subs:
            for _ in range(rng.randint(1, 4)):
                text = rng.choice(sentences)
                if rng.random() < 0.15:
                    text = text.rstrip("。") + rng.choice(REQUIREMENTS) + "。"
                leads = (rng.randrange(len(DEPARTMENTS)),)
                if rng.random() < 0.2:
                    leads += (rng.randrange(len(DEPARTMENTS)),)
                deadline = rng.choice(DEADLINES) if rng.random() > 0.05 else ""
                rows.append(TemplateRow(section, sub, text, leads, rng.randrange(5), deadline))
    return rows


def _reword(rng: random.Random, text: str, *, level: str) -> str:
    """One local edit of a task's wording, as a county makes when it copies the template."""
    kind = rng.randrange(4)
    if kind == 0 and "，" in text.rstrip("。"):
        return text.rstrip("。").rsplit("，", 1)[0] + "。"
    if kind == 1:
        return text.rstrip("。") + rng.choice(REQUIREMENTS) + "。"
    if kind == 2 and "全省" in text:
        return text.replace("全省", "全" + level)
    old, new = rng.choice(REWORDINGS)
    return text.replace(old, new, 1) if old in text else text.rstrip("。") + "，确保取得实效。"


def copy_template(
    rng: random.Random, template: list[TemplateRow], *, place: str, province: bool, year: int, sentences
) -> list[Row]:
    """A ledger's rows: the template itself for the province, or a county's copy of it with its
    own units, rows dropped and added, and some rows reworded."""
    level = place[-1]
    rows: list[Row] = []
    for row in template:
        if not province and rng.random() < 0.1:
            continue
        text = row.text if province or rng.random() > 0.2 else _reword(rng, row.text, level=level)
        lead = " ".join(place + DEPARTMENTS[k][0 if province else 1] for k in dict.fromkeys(row.leads))
        groups = GROUPS["province" if province else "county"]
        responsible = groups[row.group % len(groups)].format(level=level)
        deadline = row.deadline.format(y=year)
        rows.append(Row(row.section, row.subsection, 0, text, lead, responsible, deadline))
        if not province and rng.random() < 0.04:
            own = rng.choice(sentences)
            rows.append(replace(rows[-1], text=own, lead=place + rng.choice(DEPARTMENTS)[1]))
    return [replace(row, number=k) for k, row in enumerate(rows, start=1)]


HEADER = ["重点任务", "", "序号", "具体任务", "牵头单位", "责任单位", "完成时限"]


def _cells(row: Row, previous: Row | None) -> list[str]:
    """A row as printed: merged heading cells are empty below their first row."""
    same_section = previous is not None and previous.section == row.section
    same_sub = same_section and previous.subsection == row.subsection
    return [
        "" if same_section else row.section,
        "" if same_sub else row.subsection,
        str(row.number),
        row.text,
        row.lead,
        row.responsible,
        row.deadline,
    ]


def _printed(rows: list[Row]) -> list[list[str]]:
    return [_cells(row, rows[i - 1] if i else None) for i, row in enumerate(rows)]


def write_tsv(path: Path, title: str, rows: list[Row]) -> None:
    lines = [title, "", "\t".join(HEADER)]
    for i, cells in enumerate(_printed(rows)):
        if i and cells[0]:
            lines.append("")
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_pipe(path: Path, title: str, rows: list[Row]) -> None:
    lines = [title] + [f"{h} |" for h in ("工作任务", "具体要求", "牵头单位", "责任单位", "时限要求")] + ["||"]
    for cells in _printed(rows):
        lines += [f"{c} |" if c else "|" for c in cells[:3]]
        lines += [f"{c} |" if c else "|" for c in cells[3:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_bar(path: Path, title: str, rows: list[Row]) -> None:
    """Rows with their cells joined by `` | ``, as a web table arrives when a page is copied."""
    lines = [title, " | ".join(h or "指标" for h in HEADER) + " |"]
    lines += [" | ".join(cells) + " |" for cells in _printed(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


CHINESE_NUMBERS = "一二三四五六七八九十"


def _chinese(k: int) -> str:
    """1 → 一, 12 → 十二 (outline numbers of up to 99 items)."""
    tens, units = divmod(k, 10)
    return (
        (CHINESE_NUMBERS[tens - 1] if tens > 1 else "")
        + ("十" if tens else "")
        + (CHINESE_NUMBERS[units - 1] if units else "")
    )


def write_prose(path: Path, title: str, rows: list[Row]) -> None:
    """Key points in prose: 一、 sections, （一） sub-sections, numbered items with their units and
    deadline in brackets after the text."""
    lines = [title, ""]
    section = subsection = None
    sections = subsections = 0
    for row in rows:
        if row.section != section:
            section, subsection, sections, subsections = row.section, None, sections + 1, 0
            lines.append(f"{_chinese(sections)}、{_heading_words(row.section)}")
        if row.subsection != subsection:
            subsection, subsections = row.subsection, subsections + 1
            lines.append(f"（{_chinese(subsections)}）{_heading_words(row.subsection)}")
        units = [f"牵头单位：{'、'.join(row.lead.split())}"] if row.lead else []
        units.append(f"责任单位：{row.responsible}")
        if row.deadline:
            units.append(f"完成时限：{row.deadline}")
        lines.append(f"{row.number}.{row.text.rstrip('。')}。（{'；'.join(units)}）")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _heading_words(printed: str) -> str:
    """A heading without the outline number it was printed with in the sample."""
    from zwgk.ontology.builder import outline_number

    numbered = outline_number(printed)
    return numbered.rest.strip() if numbered is not None and numbered.rest.strip() else printed


def write_docx(path: Path, title: str, rows: list[Row]) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    table = document.add_table(rows=1 + len(rows), cols=len(HEADER))
    # The cell grid is computed once: python-docx's table.cell(i, j) recomputes it on every call,
    # which made a 60-row table take seconds. Vertical merges below row 0 keep every cell element.
    cells = table._cells
    width = len(HEADER)
    for j, h in enumerate(HEADER):
        cells[j].text = h or "重点任务"
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(
            [row.section, row.subsection, str(row.number), row.text, row.lead, row.responsible, row.deadline]
        ):
            cells[i * width + j].text = value
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "重点任务"
    _merge_runs(rows, lambda a, b, col: _merge_docx(cells, a, b, col, width=width))
    document.save(path)


def _merge_docx(cells, first: int, last: int, col: int, *, width: int) -> None:
    top = cells[first * width + col]
    text = top.text
    merged = top.merge(cells[last * width + col])
    merged.text = text


def write_xlsx(path: Path, title: str, rows: list[Row]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append([title])
    sheet.append(HEADER)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    for row in rows:
        sheet.append([row.section, row.subsection, row.number, row.text, row.lead, row.responsible, row.deadline])
    _merge_runs(
        rows,
        lambda a, b, col: sheet.merge_cells(start_row=a + 2, start_column=col + 1, end_row=b + 2, end_column=col + 1),
    )
    book.save(path)


def _merge_runs(rows: list[Row], merge) -> None:
    """Merge runs of equal headings vertically (1-based data rows), as office files do."""
    for col, key in ((0, lambda r: r.section), (1, lambda r: (r.section, r.subsection))):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or key(rows[i]) != key(rows[start]):
                if i - 1 > start:
                    merge(start + 1, i, col)
                start = i


WRITERS = {
    "tsv": (".txt", write_tsv),
    "bar": (".txt", write_bar),
    "pipe": (".txt", write_pipe),
    "prose": (".txt", write_prose),
    "docx": (".docx", write_docx),
    "xlsx": (".xlsx", write_xlsx),
}


LATEST_YEAR = 2024


@dataclass(frozen=True)
class Planned:
    """One ledger of the corpus: who publishes it, for which year, copying which template."""

    province: str
    place: str
    year: int

    @property
    def is_province(self) -> bool:
        return self.place == self.province


def plan(n: int) -> list[Planned]:
    """The corpus's ledgers in order: year by year back from ``LATEST_YEAR``, province by
    province, the province's own ledger and then each of its counties' (2,838 a year)."""
    out: list[Planned] = []
    places = provinces()
    year = LATEST_YEAR
    while True:
        for province, counties in places:
            for place in (province, *counties):
                if len(out) == n:
                    return out
                out.append(Planned(province=province, place=place, year=year))
        year -= 1


def generate(n: int, out: Path, *, seed: int = 0, layouts: tuple[str, ...] = LAYOUTS, first: int = 0) -> list[Path]:
    """Write the ledgers ``first`` … ``n - 1`` of the corpus into ``out`` and return their
    paths. Each ledger has its own random stream, so that one more ledger (``first=n``, with
    ``n + 1``) is the same file whatever came before it."""
    sentences, outline = _sentences(), _headings()
    out.mkdir(parents=True, exist_ok=True)
    templates: dict[tuple[str, int], list[TemplateRow]] = {}
    paths = []
    for index, planned in enumerate(plan(n)):
        if index < first:
            continue
        key = (planned.province, planned.year)
        if key not in templates:
            templates[key] = make_template(random.Random(f"{seed}-{key}"), sentences=sentences, outline=outline)
        rows = copy_template(
            random.Random(f"{seed}-{index}"),
            templates[key],
            place=planned.place,
            province=planned.is_province,
            year=planned.year,
            sentences=sentences,
        )
        office = "人民政府办公厅" if planned.is_province else "人民政府办公室"
        issuer = f"{planned.place}{office}"
        title = f"{issuer}关于印发{planned.place}{planned.year}年政务公开工作任务分解表的通知"
        layout = layouts[index % len(layouts)]
        suffix, writer = WRITERS[layout]
        path = out / f"ledger-{index:05d}-{layout}{suffix}"
        writer(path, title, rows)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    args = parser.parse_args(argv)
    paths = generate(args.n, args.out, seed=args.seed, layouts=tuple(args.layouts.split(",")))
    print(f"wrote {len(paths)} ledgers to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
