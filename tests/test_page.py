"""Finding the document in a saved web page (loaders/page.py, loaders/page.json).

The debris lines are taken as printed from the corpus (tests/data/corpus/*/ledgers/*.txt): a
reader that kept one of them would make a task or a unit of site furniture. The lines that are
not debris are the ones a too-broad pattern would eat: a task that starts with a word of the
furniture (注册), a title, a heading, and a lone bar that is table structure."""

from __future__ import annotations

import pytest

from zwgk.loaders.page import (
    article_end,
    debris_lines,
    ends_notice,
    is_footer,
    is_not_task_heading,
    is_page_debris,
    is_title,
)

DEBRIS = [
    # the 索引号 block, in simplified and traditional characters, with wrap spaces and bullets
    "索引号: 11341700003244799H/202102-00014 组配分类: 工作推进",  # prose/20
    "索 引 號: 000014349/2022-00039 主題分類: 綜合政務\\政務公開",  # prose/01
    "發文機關: 國務院辦公廳 成文日期: 2022年04月11日",  # prose/01
    "• 索 引 号:370400/2022-00023",  # prose/22
    "索引号: | 113703030042170202/2023-5383128 | 文号: | |",  # tables/25
    "索 引 号",  # prose/25
    # breadcrumbs
    "首页>政府信息公开 > 政策法规",  # prose/10
    "当前位置:首页 > 政务公开 > 政策文件 > 其它文件",  # tables/09
    "您现在所在的位置: 网站首页> 市民政局> 监督保障> 工作推进",  # prose/20
    # dates, counters, sources
    "发布时间:2021-02-19 10:12 来源:市民政局 浏览次数: 字体:[ ]",  # prose/20
    "发布时间:2024-12-23 15:50:18 人气:15 来源:天云祥客服外包",  # prose/02
    "信息来源:中山市医疗保障局 发布日期:2021-07-27 分享:",  # tables/09
    "浏览量:          时间:2023-01-13 04:01:21",  # prose/06
    "发表时间:2022-05-20",  # prose/10
    # widgets and site navigation
    "【字号：大 中 小】",
    "字号:",  # prose/24
    "大 中 小",  # prose/24
    "字号: 分享:",  # tables/24
    "分享到:",  # prose/01
    "登录 | 注册",
    "登录 |  注册 ",  # prose/17
    "• 设为首页|",  # prose/20
    "(此件公開發布)",  # prose/04
]


@pytest.mark.parametrize("line", DEBRIS)
def test_page_debris(line):
    assert is_page_debris(line)


NOT_DEBRIS = [
    "注册用户能够在线查询办件进度，实现“一网通办”。",  # a task that starts with 注册
    "登录政务服务网即可查询办件进度。",
    "2021年莱芜区政务公开工作要点",  # a title
    "國務院辦公廳關于印發2022年政務公開工作要點的通知",
    "一、紧扣重点领域深化政务公开",  # a heading
    "（一）聚焦重点工作推进政务公开。",
    "|",  # table structure
    "｜",
    "推进政策公开 |",
    "市发改委、市住建局，市政府各部门",
    "",
]


@pytest.mark.parametrize("line", NOT_DEBRIS)
def test_not_page_debris(line):
    assert not is_page_debris(line)


@pytest.mark.parametrize("line", ["索 引 号 文号", "发布机构 生成日期"])
def test_index_block_of_bare_labels_is_debris(line):
    """prose/25 prints its 索引号 block as a two-column table flattened to lines; the docstring
    says the block is site furniture."""
    assert is_page_debris(line)


def test_debris_lines_are_indexed_from_zero():
    lines = ["分享到:", "2022年政务公开工作要点", "", "发布日期: 2022-04-22", "一、加强政策解读"]
    assert debris_lines(lines) == {0, 3}


@pytest.mark.parametrize(
    "line",
    [
        "2021年莱芜区政务公开工作要点",
        "关于印发2021年政务公开工作要点的通知",
        "國務院辦公廳關于印發2022年政務公開工作要點的通知",
        "区卫生健康局2021年度政务公开重点工作任务分解及分工",
        "江门市卫生健康局2021年政务公开工作要点分工方案",
    ],
)
def test_title(line):
    assert is_title(line)


@pytest.mark.parametrize(
    "line",
    [
        "各科室要认真落实政务公开工作要点的通知要求。",  # a sentence mentioning the genre
        "一、紧扣重点领域深化政务公开",  # a heading, no genre word
        "标题: 2021年度宣城市民政局政务公开工作要点及分工",  # a metadata line (has a colon)
        "要点",  # too short
    ],
)
def test_not_title(line):
    assert not is_title(line)


ARTICLE = [
    "分享到:",
    "相关链接",
    "2022年政务公开工作要点",
    "一、加强政策解读，做好政府信息主动公开工作，及时回应社会关切。",
    "（一）做好重大政策解读。",
    "相关链接",
    "上一篇：关于印发2021年政务公开工作要点的通知",
]


def test_article_end_ignores_a_widget_above_the_article():
    """The 相关链接 at line 2 comes before any line long enough to be the article's: it is a
    sidebar, and the article runs to the 相关链接 after it (index 5)."""
    assert article_end(ARTICLE) == 5


def test_article_end_at_the_first_footer():
    lines = [
        "2022年政务公开工作要点",
        "一、加强政策解读，做好政府信息主动公开工作，及时回应社会关切。",
        "上一篇：关于印发2021年政务公开工作要点的通知",
        "下一篇：关于印发2023年政务公开工作要点的通知",
    ]
    assert article_end(lines) == 2


def test_article_without_footer_runs_to_the_end():
    lines = [
        "2022年政务公开工作要点",
        "一、加强政策解读，做好政府信息主动公开工作，及时回应社会关切。",
        "（一）做好解读。",
    ]
    assert article_end(lines) == 3


def test_page_of_widgets_only_has_no_article():
    assert article_end(["相关链接", "上一篇"]) == 2


@pytest.mark.parametrize("line", ["相关链接", "【相关链接】", "上一篇：关于印发某某的通知", "版权所有：某某县人民政府"])
def test_footer(line):
    assert is_footer(line)


def test_a_sentence_is_not_a_footer():
    assert not is_footer("做好相关链接的维护和更新工作。")


@pytest.mark.parametrize("line", ["特此通知", "附件：", "2021年6月17日", "(此件公开发布)", "（此件公開發布）"])
def test_ends_notice(line):
    assert ends_notice(line)


def test_a_paragraph_does_not_end_the_notice():
    assert not ends_notice("2021年6月17日前完成政府信息公开年报的编制和发布工作。")


@pytest.mark.parametrize("text", ["总体要求", "指导思想", "工作目标", "基本原则", "总体目标和要求", "總體要求"])
def test_framing_headings_are_not_tasks(text):
    assert is_not_task_heading(text)


@pytest.mark.parametrize("text", ["工作任务", "保障措施", "主要任务", "加强组织领导"])
def test_task_headings(text):
    assert not is_not_task_heading(text)
