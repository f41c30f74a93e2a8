"""Synthetic ledgers for benchmarks: ``python bench/generate.py N OUT/ [--seed S]``.

Each ledger takes the structure of the samples (sections 一、 with sub-sections （一）, numbered
tasks, lead and responsible units, deadlines in a column or inside the text) and varies the
jurisdiction, units, numbering, deadlines and wording. Task sentences are drawn from the sample
ledgers themselves. Output alternates between the layouts users send: tab-separated text, cells
closed by ``|``, .docx and .xlsx. Deterministic for a seed."""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "ledgers"

SYLLABLES = "安宁平和兴华阳泉山河川东西南北长永清新丰文武德昌临江海源通富盛远嘉泰恒旺"
COUNTY_SUFFIX = ["县", "区", "市"]
DEPARTMENTS = [
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "政务服务和数据管理局",
    "退役军人事务局",
    "乡村振兴局",
    "林业局",
]
GROUPS = ["各乡镇（街道）", "{level}政府各部门", "{level}政府有关部门", "各镇", "直属机构"]
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
LAYOUTS = ("tsv", "pipe", "docx", "xlsx")


@dataclass
class Row:
    section: str
    subsection: str
    number: int
    text: str
    lead: str
    responsible: str
    deadline: str


def _sentences() -> list[str]:
    """Task sentences of the samples that have tables (read with zwgk's own loaders)."""
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


def _counties() -> list[str]:
    """Real county-level names from zwgk's GB/T 2260 gazetteer, so that the corpus exercises
    jurisdiction resolution as real ledgers do; a few invented ones test the fallback."""
    import csv

    from zwgk.resources import package_file

    with package_file("analysis", "data", "divisions.csv").open(encoding="utf-8") as handle:
        names = sorted(
            {
                row["name"]
                for row in csv.DictReader(handle)
                if row["level"] == "County" and row["name"].endswith(("县", "区"))
            }
        )
    return names


def _place(rng: random.Random, index: int, counties: list[str]) -> str:
    if index % 10 == 9:
        return "".join(rng.sample(SYLLABLES, 2)) + rng.choice(COUNTY_SUFFIX[:2])
    return rng.choice(counties)


def make_rows(rng: random.Random, *, county: str, year: int, sentences, outline) -> list[Row]:
    level = county[-1]
    rows: list[Row] = []
    number = 0
    for section, subs in outline:
        for sub in subs:
            for _ in range(rng.randint(1, 4)):
                number += rng.choice((1, 1, 1, 1, 2))
                text = rng.choice(sentences)
                if rng.random() < 0.15:
                    text = text.rstrip("。") + rng.choice(REQUIREMENTS) + "。"
                lead = "" if rng.random() < 0.04 else county + rng.choice(DEPARTMENTS)
                if rng.random() < 0.2 and lead:
                    lead += " " + county + rng.choice(DEPARTMENTS)
                responsible = rng.choice(GROUPS).format(level=level)
                deadline = rng.choice(DEADLINES).format(y=year) if rng.random() > 0.05 else ""
                rows.append(Row(section, sub, number, text, lead, responsible, deadline))
    return rows


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
    "pipe": (".txt", write_pipe),
    "docx": (".docx", write_docx),
    "xlsx": (".xlsx", write_xlsx),
}


YEARS = (2020, 2021, 2022, 2023, 2024)


def _free_year(year: int, taken: set[int]) -> int:
    """A place publishes one ledger a year, and the same place, year and title is the same ledger
    to the loader (a later file replaces it): step to the nearest earlier year not yet used, so
    that N files are N ledgers."""
    while year in taken:
        year -= 1
    taken.add(year)
    return year


def generate(n: int, out: Path, *, seed: int = 0, layouts: tuple[str, ...] = LAYOUTS) -> list[Path]:
    """Write ``n`` ledgers into ``out`` and return their paths."""
    rng = random.Random(seed)
    sentences, outline = _sentences(), _headings()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    counties = _counties()
    years: dict[str, set[int]] = {}
    for index in range(n):
        county = _place(rng, index, counties)
        year = _free_year(rng.choice(YEARS), years.setdefault(county, set()))
        issuer = f"{county}人民政府办公室"
        title = f"{issuer}关于印发{county}{year}年政务公开工作任务分解表的通知"
        rows = make_rows(rng, county=county, year=year, sentences=sentences, outline=outline)
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
