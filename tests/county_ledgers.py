"""Counties that copy their province's template, as CSV ledgers made from a real sample: the
province (河南省) and each county (real GB/T 2260 counties of 河南省) list the same real task
texts of 石泉县's 2021 ledger, with 石泉 renamed to the county and units renamed with it. The
normal shape of a province's ledgers, and the one that made all-pairs alignment quadratic.
Used by tests/test_clusters.py, and by hand for the 100-county measurement:

    .venv/bin/python tests/county_ledgers.py FOLDER 100 40
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIQUAN = ROOT / "examples" / "ledgers" / "shiquan-2021-renwu-fenjie.txt"
PROVINCE = "河南省"


def henan_counties() -> list[str]:
    """The county-level divisions of 河南省 whose names no other division bears (鼓楼区 is
    also in 南京, 福州 and 徐州), in code order."""
    from collections import Counter

    from zwgk.resources import read_text

    rows = [line.split(",") for line in read_text("analysis", "data", "divisions.csv").splitlines()[1:]]
    names = Counter(name for _, name, _, _ in rows)
    return [name for code, name, level, _ in rows if code.startswith("41") and level == "County" and names[name] == 1]


def template_rows(tasks: int) -> list[tuple[str, str, str]]:
    """(text, units, deadline) of the first ``tasks`` tasks of 石泉县's ledger."""
    from zwgk.loaders import read_ledger

    record = read_ledger(SHIQUAN)
    return [
        (t.text, "、".join(" ".join(u.text.split()) for u in t.units), t.deadline or "") for t in record.tasks[:tasks]
    ]


def write_ledger(
    path: Path, *, place: str, rows: list[tuple[str, str, str]], skip: frozenset[int] = frozenset()
) -> Path:
    """One CSV ledger of ``place``: a title row naming it, the header, the template's rows
    renamed to it (1-based row numbers in ``skip`` left out)."""
    short = place.removesuffix("县").removesuffix("区").removesuffix("市") or place
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{place}2021年政务公开工作任务分解表"])
        writer.writerow(["序号", "工作任务", "责任单位", "完成时限"])
        for number, (text, units, deadline) in enumerate(rows, 1):
            if number in skip:
                continue
            rename = lambda s: s.replace("石泉县", place).replace("石泉", short)  # noqa: E731
            writer.writerow([number, rename(text), rename(units), deadline])
    return path


def write_counties(
    folder: Path, *, counties: int, tasks: int = 40, skips: dict[int, frozenset[int]] | None = None
) -> tuple[Path, list[Path]]:
    """The province's template and ``counties`` county copies of it in ``folder``; county k
    leaves out the rows ``skips[k]``. Returns the province's file and the counties' files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = template_rows(tasks)
    province = write_ledger(folder / "province.csv", place=PROVINCE, rows=rows)
    names = henan_counties()[:counties]
    assert len(names) == counties, "河南省 has fewer counties than asked"
    files = [
        write_ledger(folder / f"county-{k:03d}.csv", place=name, rows=rows, skip=(skips or {}).get(k, frozenset()))
        for k, name in enumerate(names)
    ]
    return province, files


if __name__ == "__main__":
    made = write_counties(Path(sys.argv[1]), counties=int(sys.argv[2]), tasks=int(sys.argv[3]))
    print(made[0], len(made[1]))
