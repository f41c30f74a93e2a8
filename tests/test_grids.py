"""Cells from text (loaders/grids.py): each convention by which a saved or copied page prints a
table, turned into the cells (text and source lines) the readers build rows from.

Every expectation is a list of (text, first line, last line): a cell's lines are what a warning
or an error names, so they are asserted with the text."""

from __future__ import annotations

import pytest

from zwgk.loaders.grids import bar_cells, line_rows, paragraph_cells, row_completeness


def cells(pieces):
    return [(p.text, p.line, p.end_line) for p in pieces]


# --- bar_cells ---------------------------------------------------------------------------------


def test_one_cell_per_line_closed_by_a_bar():
    """02_xuancheng: every cell on its own line, closed by ' |'."""
    lines = ["工作任务 |", "具体要求 |", "责任单位 |", "推进政策公开 |", "及时公开政策文件。 |", "县财政局 |"]
    assert cells(bar_cells(lines)) == [
        ("工作任务", 1, 1),
        ("具体要求", 2, 2),
        ("责任单位", 3, 3),
        ("推进政策公开", 4, 4),
        ("及时公开政策文件。", 5, 5),
        ("县财政局", 6, 6),
    ]


def test_a_lone_bar_line_closes_the_cell_above():
    """01_qiaocheng: a lone '|' after each cell; the leading '|' and the '|' under a '|' close
    empty cells (an empty header corner, a merged cell)."""
    lines = ["|", "工作任务", "|", "具体内容", "|", "责任部门", "|", "|", "推进政策公开", "|"]
    assert cells(bar_cells(lines)) == [
        ("", 1, 1),
        ("工作任务", 2, 3),
        ("具体内容", 4, 5),
        ("责任部门", 6, 7),
        ("", 8, 8),
        ("推进政策公开", 9, 10),
    ]


def test_rows_of_bars():
    """03_jiangmen: 'a | b | c |' rows, one cell per bar."""
    lines = ["工作任务 | 具体要求 | 责任科室 |", "一、做好行政执法信息公开 | 1.加强行政执法信息公开。 | 局政法科 |"]
    assert cells(bar_cells(lines)) == [
        ("工作任务", 1, 1),
        ("具体要求", 1, 1),
        ("责任科室", 1, 1),
        ("一、做好行政执法信息公开", 2, 2),
        ("1.加强行政执法信息公开。", 2, 2),
        ("局政法科", 2, 2),
    ]


def test_runs_of_bars_give_empty_cells():
    assert [p.text for p in bar_cells(["局主办科室 | |", "及时公开。 ||| 局规划科 |"])] == [
        "局主办科室",
        "",
        "及时公开。",
        "",
        "",
        "局规划科",
    ]


def test_full_width_bar_closes_a_cell():
    assert [p.text for p in bar_cells(["工作任务｜具体要求｜责任单位｜"])] == ["工作任务", "具体要求", "责任单位"]


def test_markdown_separator_is_not_a_cell():
    lines = ["| 序号 | 主要任务 | 责任单位 |", "|---|:---:|---|", "| 1 | 做好公开。 | 县财政局 |"]
    texts = [p.text for p in bar_cells(lines)]
    assert texts == ["", "序号", "主要任务", "责任单位", "", "1", "做好公开。", "县财政局"]
    assert not any("-" in t for t in texts)


def test_blank_line_ends_an_unclosed_cell():
    """A cell wrapped over two lines and never closed by a bar ends at the blank line."""
    lines = ["工作任务 |", "推进政策", "公开", "", "具体要求 |"]
    assert cells(bar_cells(lines)) == [("工作任务", 1, 1), ("推进政策\n公开", 2, 3), ("具体要求", 5, 5)]


def test_text_after_the_last_bar_runs_on():
    assert cells(bar_cells(["工作任务 | 具体", "要求 |"])) == [("工作任务", 1, 1), ("具体\n要求", 1, 2)]


def test_unclosed_last_cell_is_kept():
    """A page cut mid-cell: the text is kept as the last cell, to the last line."""
    assert cells(bar_cells(["具体要求 |", "加强政策解读，回应"])) == [("具体要求", 1, 1), ("加强政策解读，回应", 2, 2)]


def test_debris_lines_are_not_cells():
    lines = ["分享到:", "工作任务 |", "发布日期: 2021-07-27", "具体要求 |"]
    assert cells(bar_cells(lines)) == [("工作任务", 2, 2), ("具体要求", 4, 4)]


def test_bar_cells_stop_at_the_footer():
    lines = ["工作任务 |", "及时公开财政预决算信息，细化公开到功能分类项级科目。 |", "相关链接", "其他文件 |"]
    assert [p.text for p in bar_cells(lines)] == ["工作任务", "及时公开财政预决算信息，细化公开到功能分类项级科目。"]


# --- paragraph_cells ---------------------------------------------------------------------------


def test_paragraph_cells():
    """09_zhongshan: one cell per paragraph; a paragraph's lines make one cell."""
    lines = [
        "工作任务",
        "",
        "具体要求",
        "",
        "落实科室(部门)",
        "",
        "做好各类规划主动公开",
        "",
        "1.主动公开各类规划",
        "原文和政策解读。",
    ]
    assert cells(paragraph_cells(lines)) == [
        ("工作任务", 1, 1),
        ("具体要求", 3, 3),
        ("落实科室(部门)", 5, 5),
        ("做好各类规划主动公开", 7, 7),
        ("1.主动公开各类规划\n原文和政策解读。", 9, 10),
    ]


@pytest.mark.parametrize("space", [" ", "   ", "\u00a0", "\u3000"])
def test_whitespace_line_between_blank_lines_is_an_empty_cell(space):
    """&nbsp; saved as a line of spaces: an empty cell (a merged one), keeping its place."""
    lines = ["工作任务", "", "具体要求", "", space, "", "责任单位"]
    assert cells(paragraph_cells(lines)) == [("工作任务", 1, 1), ("具体要求", 3, 3), ("", 5, 5), ("责任单位", 7, 7)]


def test_blank_lines_alone_are_no_cells():
    assert cells(paragraph_cells(["工作任务", "", "", "", "具体要求"])) == [("工作任务", 1, 1), ("具体要求", 5, 5)]


def test_paragraph_debris_is_skipped():
    lines = ["浏览次数: 12", "", "工作任务", "", "字号: 分享:", "", "具体要求"]
    assert [p.text for p in paragraph_cells(lines) if p.text] == ["工作任务", "具体要求"]


# --- line_rows ---------------------------------------------------------------------------------

MARKDOWN = [
    "| 序号 | 主要任务 | 责任单位 | 完成时限 |",
    "|---|---|---|---|",
    "| 1 | 做好政府信息主动公开工作。 | 县财政局 | 年底前 |",
    "",
    "| 2 | 推进预算决算信息公开。 | | 长期坚持 |",
]


def test_markdown_rows():
    """Outer bars are not cells, the separator is not a row, a blank line is a block break, an
    empty cell between bars keeps its place."""
    assert line_rows(MARKDOWN, delimiter="bar") == [
        (1, ["序号", "主要任务", "责任单位", "完成时限"]),
        (3, ["1", "做好政府信息主动公开工作。", "县财政局", "年底前"]),
        (4, None),
        (5, ["2", "推进预算决算信息公开。", "", "长期坚持"]),
    ]


def test_full_width_bars_without_outer_bars():
    lines = ["序号｜主要任务｜责任单位｜完成时限", "1｜做好政府信息主动公开工作。｜县财政局｜年底前"]
    assert line_rows(lines, delimiter="bar") == [
        (1, ["序号", "主要任务", "责任单位", "完成时限"]),
        (2, ["1", "做好政府信息主动公开工作。", "县财政局", "年底前"]),
    ]


def test_leading_bar_is_an_empty_cell_when_the_header_has_no_outer_bar():
    """｜｜text｜unit｜: a row whose edge cells are empty (a merged heading) starts with a bar;
    the header shows the table has no outer bars, so that bar closes an empty first cell."""
    lines = [
        "工作任务｜具体要求｜责任单位",
        "推进政策公开｜及时公开政策文件。｜县政府办公室",
        "｜公开预算决算。｜县财政局｜",
    ]
    assert line_rows(lines, delimiter="bar") == [
        (1, ["工作任务", "具体要求", "责任单位"]),
        (2, ["推进政策公开", "及时公开政策文件。", "县政府办公室"]),
        (3, ["", "公开预算决算。", "县财政局"]),
    ]


def test_comma_rows():
    lines = ["序号，主要任务，责任单位", "1，做好政府信息主动公开工作。，县财政局"]
    assert line_rows(lines, delimiter="comma") == [
        (1, ["序号", "主要任务", "责任单位"]),
        (2, ["1", "做好政府信息主动公开工作。", "县财政局"]),
    ]


def test_tab_rows_keep_empty_cells():
    lines = ["序号\t主要任务\t责任单位", "2\t推进预算决算信息公开。\t"]
    assert line_rows(lines, delimiter="tab") == [
        (1, ["序号", "主要任务", "责任单位"]),
        (2, ["2", "推进预算决算信息公开。", ""]),
    ]


# Columns aligned as a fixed-width export prints them: each Chinese character two columns wide.
# 责任单位 starts at display column 40 (character 34); 县政府办公室 in row 1 starts at display
# column 40 too (character 27), so only a reading by display width puts it under its title.
ALIGNED = [
    "序号  主要任务                          责任单位      完成时限",
    "1     做好政府信息主动公开工作。        县政府办公室  年底前",
    "2     推进预算决算信息公开。                          长期坚持",
    "3     加强政策解读 回应社会关切。       县财政局",
]


def test_aligned_columns_placed_by_display_width():
    assert line_rows(ALIGNED, delimiter="spaces") == [
        (1, ["序号", "主要任务", "责任单位", "完成时限"]),
        (2, ["1", "做好政府信息主动公开工作。", "县政府办公室", "年底前"]),
        (3, ["2", "推进预算决算信息公开。", "", "长期坚持"]),
        (4, ["3", "加强政策解读 回应社会关切。", "县财政局", ""]),
    ]


def test_aligned_text_with_single_spaces_stays_one_cell():
    """A single space is a space inside a cell (加强政策解读 回应社会关切): only runs of two or
    more separate columns."""
    rows = dict(line_rows(ALIGNED, delimiter="spaces"))
    assert rows[4][1] == "加强政策解读 回应社会关切。"


# --- row_completeness --------------------------------------------------------------------------


def test_row_completeness_whole_rows():
    lines = ["序号\t主要任务\t责任单位", "1\t做好公开。\t县财政局", "2\t公开预算。\t县财政局"]
    assert row_completeness(lines, delimiter="tab", first=2, last=3) == 1.0


def test_row_completeness_with_merged_cells_left_out():
    """One of the four rows lacks its unit cell: three rows in four have the common count."""
    lines = [
        "| 序号 | 主要任务 | 责任单位 |",
        "|---|---|---|",
        "| 1 | 做好公开。 | 县财政局 |",
        "| 2 | 公开预算。 |",
        "| 3 | 公开决算。 | 县财政局 |",
        "| 4 | 公开。 | 县财政局 |",
    ]
    assert row_completeness(lines, delimiter="bar", first=3, last=6) == 0.75
    assert row_completeness(lines, delimiter="bar", first=5, last=6) == 1.0


def test_row_completeness_of_aligned_columns_is_whole():
    """Aligned columns are placed by position, so a row with an empty cell is still whole."""
    assert row_completeness(ALIGNED, delimiter="spaces", first=2, last=4) == 1.0


def test_row_completeness_without_rows():
    assert row_completeness(["序号\t主要任务"], delimiter="tab", first=2, last=5) == 0.0
