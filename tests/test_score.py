"""How plausible a reading is (loaders/score.py): the one scale on which every reader's reading
of a file is compared.

The readings here are built by hand from one small table, so that each component has a value
the rule fixes: the exact reading, and a misaligned one that put rows 2 and 3 one column to the
left (unit names in the task column, deadlines in the unit column), as a reader that lost a
merged cell does."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk.loaders.score import plausibility
from zwgk.model import LedgerRecord, Role, TaskRecord, UnitCell

LINES = [
    "| 序号 | 主要任务 | 责任单位 | 完成时限 |",
    "| --- | --- | --- | --- |",
    "| 1 | 做好政府信息主动公开工作，及时发布政策文件。 | 县政府办公室 | 2024年12月底前 |",
    "| 2 | 推进预算决算信息公开，细化公开内容。 | 县财政局 | 长期坚持 |",
    "| 3 | 加强政策解读，回应社会关切。 | 县政府办公室、县融媒体中心 | 持续推进 |",
]
ROWS = [
    ("1", "做好政府信息主动公开工作，及时发布政策文件。", "县政府办公室", "2024年12月底前"),
    ("2", "推进预算决算信息公开，细化公开内容。", "县财政局", "长期坚持"),
    ("3", "加强政策解读，回应社会关切。", "县政府办公室、县融媒体中心", "持续推进"),
]


def record(*tasks: TaskRecord) -> LedgerRecord:
    return LedgerRecord(source_path=Path("t.txt"), source_file="t.txt", sha256="", layout="test", tasks=list(tasks))


def task(number, text, unit, deadline, line, **more) -> TaskRecord:
    units = [UnitCell(text=unit, role=Role.LEAD, line=line)] if unit else []
    return TaskRecord(text=text, line=line, end_line=line, number=number, units=units, deadline=deadline, **more)


def exact(numbers=("1", "2", "3")) -> LedgerRecord:
    return record(
        *(task(n, text, unit, deadline, line) for n, (_, text, unit, deadline), line in zip(numbers, ROWS, (3, 4, 5)))
    )


def misaligned() -> LedgerRecord:
    return record(
        task("1", ROWS[0][1], ROWS[0][2], ROWS[0][3], 3),
        task(None, "县财政局", "长期坚持", None, 4),
        task(None, "县政府办公室、县融媒体中心", "持续推进", None, 5),
    )


def letters(lines: list[str]) -> int:
    return sum(ch.isalnum() for line in lines for ch in line)


def test_exact_reading_explains_all_but_the_header():
    """Every letter of the body is placed; the header's 14 (序号主要任务责任单位完成时限) are not.
    The separator line is page debris and counts for nothing."""
    found = plausibility(exact(), lines=LINES)
    total = letters([LINES[0], *LINES[2:]])
    assert found.coverage == pytest.approx((total - 14) / total)
    assert (found.task_text, found.unit_cells, found.numbering) == (1.0, 1.0, 1.0)
    assert found.value == round(found.coverage, 2)


def test_misaligned_reading_scores_lower():
    """Two tasks in three are unit names, two unit cells in three are deadlines."""
    good = plausibility(exact(), lines=LINES)
    bad = plausibility(misaligned(), lines=LINES)
    assert bad.task_text == pytest.approx(1 / 3)
    assert bad.unit_cells == pytest.approx(1 / 3)
    assert bad.coverage < good.coverage
    assert bad.value < good.value / 2


def test_no_tasks_scores_zero():
    found = plausibility(record(), lines=LINES)
    assert found.value == 0.0
    assert (found.coverage, found.task_text, found.unit_cells, found.numbering) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "numbers, share",
    [
        (("1", "2", "3"), 1.0),
        (("3", "1", "2"), 1.0),  # 3 → 1 is a restart at 1, which the rule counts as following
        (("3", "2", "1"), 0.5),  # 3 → 2 does not follow; 2 → 1 is a restart
        (("5", "4", "3"), 0.0),
        (("（一）", "（二）", "（三）"), 1.0),  # only arabic numbers are compared
        ((None, None, None), 1.0),
    ],
)
def test_numbering_continuity(numbers, share):
    assert plausibility(exact(numbers), lines=LINES).numbering == share


def test_broken_numbering_lowers_the_value():
    running = plausibility(exact(("1", "2", "3")), lines=LINES)
    broken = plausibility(exact(("5", "4", "3")), lines=LINES)
    assert broken.coverage == running.coverage
    assert broken.value < running.value


def test_a_unit_printed_once_counts_once():
    """A merged unit cell inherited by the row below is the same text: it is not explained twice."""
    lines = LINES[:3] + ["| 2 | 推进预算决算信息公开，细化公开内容。 | | 长期坚持 |"]
    printed = record(task("1", ROWS[0][1], ROWS[0][2], ROWS[0][3], 3), task("2", ROWS[1][1], None, "长期坚持", 4))
    inheriting = record(task("1", ROWS[0][1], ROWS[0][2], ROWS[0][3], 3), task("2", ROWS[1][1], None, "长期坚持", 4))
    inheriting.tasks[1].units = [UnitCell(text="县政府办公室", role=Role.LEAD, line=3, inherited=True)]
    assert plausibility(inheriting, lines=lines).coverage == plausibility(printed, lines=lines).coverage


def test_a_deadline_printed_once_counts_once():
    """Coverage is the share of the document's text that the reading placed: a merged deadline
    cell inherited by the row below is printed once and explains its letters once."""
    lines = LINES[:3] + ["| 2 | 推进预算决算信息公开，细化公开内容。 | 县财政局 | |"]
    printed = record(task("1", *ROWS[0][1:], 3), task("2", ROWS[1][1], "县财政局", None, 4))
    inheriting = record(
        task("1", *ROWS[0][1:], 3),
        task("2", ROWS[1][1], "县财政局", ROWS[0][3], 4, deadline_inherited=True, inherited=frozenset({"deadline"})),
    )
    assert plausibility(inheriting, lines=lines).coverage == plausibility(printed, lines=lines).coverage
