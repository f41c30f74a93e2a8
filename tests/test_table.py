"""The shared table rules on small hand-written inputs, so that a failure names the rule."""

from __future__ import annotations

from zwgk.loaders import read_ledger
from zwgk.loaders.model import Role
from zwgk.loaders.table import Cell, Grid, cell_kind, grid_to_tasks, join_cjk, read_header


def _grid(titles, rows):
    return Grid(header=read_header(titles),
                rows=[[Cell(text=t, line=i + 2) if t else None for t in row] for i, row in enumerate(rows)])


def test_merged_cells_inherit_within_block():
    tasks = grid_to_tasks(_grid(["重点任务", "主要任务", "牵头单位"], [
        ["一、公开", "任务甲", "县财政局"], ["", "任务乙", ""], ["二、解读", "任务丙", ""]]))
    assert [(t.indicators, t.units[0].text if t.units else None, t.inherited) for t in tasks] == [
        (("一、公开",), "县财政局", frozenset()),
        (("一、公开",), "县财政局", frozenset({"leadUnit"})),
        (("二、解读",), None, frozenset()),
    ]


def test_no_lead_column_makes_responsible_the_lead():
    header = read_header(["序号", "主要任务", "责任单位"])
    assert [c.role for c in header.columns] == ["number", "task", "lead"]


def test_unknown_header_words_are_reported():
    assert read_header(["主要任务", "牵头单位", "奇怪列"]).unknown == ("奇怪列",)


def test_innermost_indicator_is_the_task_without_task_column():
    assert [c.role for c in read_header(["内容", "一级指标", "二级指标", "牵头处室"]).columns] == [
        "indicator", "indicator", "task", "lead"]


def test_row_without_task_text_adds_units_to_task_above():
    tasks = grid_to_tasks(_grid(["主要任务", "牵头单位"], [["任务甲", "秘书处"], ["", "指挥通信处"]]))
    assert len(tasks) == 1 and [u.text for u in tasks[0].units] == ["秘书处", "指挥通信处"]


def test_multi_line_cells():
    assert join_cjk("常态化\n开展") == "常态化开展"
    tasks = grid_to_tasks(_grid(["主要任务", "牵头单位"], [["任务甲", "县政府各部门  直属机构"]]))
    assert tasks[0].units[0].text == "县政府各部门 直属机构" and tasks[0].units[0].role == Role.LEAD


def test_cell_kinds():
    assert [cell_kind(t) for t in ["常态化", "9月底前", "政府网站", "主管单位  考核", "考核办 政府办", "各镇\n直属机构",
                                   "依法公开。"]] == [
        "deadline", "deadline", "channel", "channel", "lead", "lead", "unknown"]


def test_page_break_reprint_makes_no_duplicate_indicator(tmp_path):
    text = ("序号\n\n一级指标\n\n二级指标\n\n主要任务\n\n责任单位\n\n完成时限\n\n"
            "1\n\n一、公开\n\n(一)主动公开\n\n公开预算。\n\n财政局\n\n常态化\n\n开展\n\n"
            "2\n\n一、公开\n\n(一)主动公开\n\n公开决算。\n\n"
            "3\n\n(二)依申请公开\n\n答复申请。\n\n政府办\n\n")
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    record = read_ledger(path)
    assert record.layout in ("cell-per-line", "paragraph-cells")
    assert [(t.number, t.indicators, t.units[0].text, t.deadline) for t in record.tasks] == [
        ("1", ("一、公开", "(一)主动公开"), "财政局", "常态化开展"),
        ("2", ("一、公开", "(一)主动公开"), "财政局", "常态化开展"),
        ("3", ("一、公开", "(二)依申请公开"), "政府办", "常态化开展"),
    ]
