"""The rules of the cell-stream readers (loaders/stream.py), each on a small table written here in
the convention of the corpus ledger it comes from (tests/data/corpus/tables/ledgers/NN_*.txt).

The readers are called directly ('bar-cells', 'paragraph-cells'), not through the choice among
readings, so that each test asserts the rule of this module and nothing else. Units are asserted
as the reader gives them: (cell text, role, inherited)."""

from __future__ import annotations

import pytest

from zwgk.loaders import Source, get_layout
from zwgk.loaders.stream import looks_like_units, split_outside_brackets


def read(tmp_path, text: str, layout: str = "bar-cells"):
    path = tmp_path / "ledger.txt"
    path.write_text(text, encoding="utf-8")
    return get_layout(layout).read(Source(path))


def rows(record):
    """(indicator path, text, [(unit text, role, inherited)]) per task."""
    return [(t.indicators, t.text, [(u.text, u.role.value, u.inherited) for u in t.units]) for t in record.tasks]


def truncated(record):
    return [w.line for w in record.warnings if w.code == "truncated"]


# --- rows recovered when merged cells are left out (03_jiangmen) -------------------------------

JIANGMEN = """工作任务 | 具体要求 | 责任科室 |
一、做好行政执法信息公开 | 1.加强行政执法信息公开。 | 局政法科 |
二、做好政府网站专栏信息公开 | 2.每年至少更新一次“开放江门”数据集。 | 局规划科 |
3.及时反馈网民对调查征集信息的意见。 | 局主办科室 | |
三、做好常态化疫情防控信息公开 | 4.设立专栏，重点围绕散发疫情、隔离管控等发布权威信息。 | 局防控办主办、各工作组协办 |
5.扎实做好疫苗接种信息公开和舆论引导工作。 | 局疾控科 | |
"""


def test_rows_recovered_when_the_merged_first_column_is_left_out(tmp_path):
    """Rows 3 and 5 print no 工作任务 cell (it is merged with the row above) and close with an
    empty cell instead: the numbered item is still the task, the unit cell its unit, and the
    heading above still its path."""
    record = read(tmp_path, JIANGMEN)
    assert [t.number for t in record.tasks] == ["1", "2", "3", "4", "5"]
    assert rows(record) == [
        (("一、做好行政执法信息公开",), "加强行政执法信息公开。", [("局政法科", "lead", False)]),
        (("二、做好政府网站专栏信息公开",), "每年至少更新一次“开放江门”数据集。", [("局规划科", "lead", False)]),
        (("二、做好政府网站专栏信息公开",), "及时反馈网民对调查征集信息的意见。", [("局主办科室", "lead", False)]),
        (
            ("三、做好常态化疫情防控信息公开",),
            "设立专栏，重点围绕散发疫情、隔离管控等发布权威信息。",
            [("局防控办主办、各工作组协办", "lead", False)],
        ),
        (
            ("三、做好常态化疫情防控信息公开",),
            "扎实做好疫苗接种信息公开和舆论引导工作。",
            [("局疾控科", "lead", False)],
        ),
    ]
    assert [t.line for t in record.tasks] == [2, 3, 4, 5, 6]
    assert truncated(record) == []


# --- upward inheritance (09_zhongshan) ---------------------------------------------------------

ZHONGSHAN = """中山市医疗保障局2021年政务公开工作要点分工方案

工作任务

具体要求

落实科室(部门)

做好各类规划主动公开

1.主动公开《中山市医疗保障事业发展“十四五”规划》等各类规划原文和政策解读等相关信息。

各科室、医疗保障事业管理中心按职责分工落实

2.加强数据互联互通工作，集中发布规划原文和政策解读等相关信息。

办公室

做好市场规则标准和监管执法信息公开

3.主动公开全国统一的市场准入负面清单，及时根据调整情况做好更新发布。

4.及时公开定点医药机构管理相关政策规定和动态管理情况。

5.强化行政执法信息公开，定期公布医保基金使用监督检查结果。

法规和基金监管科、医药服务管理科按职责分工落实

做好财政信息公开

6.积极推进部门及所属单位预算、决算及相关报表公开。

办公室
"""
SUPERVISION = "法规和基金监管科、医药服务管理科按职责分工落实"


@pytest.fixture()
def zhongshan(tmp_path):
    return read(tmp_path, ZHONGSHAN, "paragraph-cells")


def test_unit_cell_printed_after_its_tasks(zhongshan):
    """The unit cell printed after task 5 is the merged cell of tasks 3-5: task 5 printed it,
    task 3 (the block's first row) inherits it upwards; the other blocks keep their own."""
    assert [t.number for t in zhongshan.tasks] == ["1", "2", "3", "4", "5", "6"]
    assert [t.indicators for t in zhongshan.tasks][2:5] == [("做好市场规则标准和监管执法信息公开",)] * 3
    assert rows(zhongshan)[2][2] == [(SUPERVISION, "lead", True)]
    assert rows(zhongshan)[4][2] == [(SUPERVISION, "lead", False)]
    assert zhongshan.tasks[2].inherited == frozenset({"leadUnit"})
    assert rows(zhongshan)[0][2] == [("各科室、医疗保障事业管理中心按职责分工落实", "lead", False)]
    assert rows(zhongshan)[1][2] == [("办公室", "lead", False)]
    assert rows(zhongshan)[5][2] == [("办公室", "lead", False)]


def test_every_row_above_the_printed_unit_cell_inherits_it(zhongshan):
    assert rows(zhongshan)[3][2] == [(SUPERVISION, "lead", True)]


# --- downward inheritance (06_feicheng) --------------------------------------------------------

FEICHENG = """2020年肥城市政务公开重点工作任务分解表

工作任务及要求

责任单位

推进决策公开

制定发布重大行政决策事项目录、标准，做好重大决策预公开工作。

各镇街区、市政府各部门(单位)

涉及公共利益和公众权益的重大事项，决策承办单位应公布决策草案及其说明等材料。

常态化落实邀请利益相关方、公众代表、专家、媒体等列席政府常务会、部门办公会制度。

推进执行公开

做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。

市发展改革局

持续深化政策执行情况公开，及时发布进展。

市政府办公室
"""


def test_unit_cell_inherited_downwards_within_its_block(tmp_path):
    record = read(tmp_path, FEICHENG, "paragraph-cells")
    merged = "各镇街区、市政府各部门(单位)"
    assert [(t.indicators, [(u.text, u.inherited) for u in t.units]) for t in record.tasks] == [
        (("推进决策公开",), [(merged, False)]),
        (("推进决策公开",), [(merged, True)]),
        (("推进决策公开",), [(merged, True)]),
        (("推进执行公开",), [("市发展改革局", False)]),
        (("推进执行公开",), [("市政府办公室", False)]),
    ]
    assert [t.inherited for t in record.tasks] == [frozenset(), {"leadUnit"}, {"leadUnit"}, frozenset(), frozenset()]
    assert truncated(record) == []


def test_block_without_units_continues_the_merge_above(tmp_path):
    """A merged unit cell that runs on into the next section: 推进执行公开 prints no unit, its
    tasks take the one above; 推进结果公开 prints its own."""
    text = """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
制定发布重大行政决策事项目录、标准，做好重大决策预公开工作。 |
各镇街区、市政府各部门 |
推进执行公开 |
做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。 |
持续深化政策执行情况公开，及时发布进展。 |
推进结果公开 |
及时公开重大决策的执行结果，接受社会监督。 |
市政府办公室 |
"""
    assert [(t.indicators[-1], [(u.text, u.inherited) for u in t.units]) for t in read(tmp_path, text).tasks] == [
        ("推进决策公开", [("各镇街区、市政府各部门", False)]),
        ("推进执行公开", [("各镇街区、市政府各部门", True)]),
        ("推进执行公开", [("各镇街区、市政府各部门", True)]),
        ("推进结果公开", [("市政府办公室", False)]),
    ]


# --- a last row cut in its task text -----------------------------------------------------------

CUT_HEAD = """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
制定发布重大行政决策事项目录、标准，做好重大决策预公开工作。 |
各镇街区、市政府各部门 |
推进执行公开 |
做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。 |
市发展改革局 |
"""
CUT_TAIL = "持续深化政策执行情况公开，及时发布重点改革任务的进展和"


def test_cut_last_row_inherits_nothing(tmp_path):
    """The text stops inside the last task: its unit cell is not on the page, and nothing in its
    block shows a merge, so it has no unit (not 市发展改革局 from the row above)."""
    record = read(tmp_path, CUT_HEAD + CUT_TAIL)
    assert rows(record)[-1] == (("推进执行公开",), CUT_TAIL, [])
    assert record.tasks[-1].inherited == frozenset()
    assert truncated(record) == [10]
    assert len(record.tasks) == 3


def test_cut_last_row_inherits_when_its_block_shows_merging(tmp_path):
    """The row above already inherits 市发展改革局: the cell is merged over the block, and the cut
    row, inside the merge, inherits it too."""
    record = read(tmp_path, CUT_HEAD + "加强重大工程项目批准和实施信息公开。 |\n" + CUT_TAIL)
    assert rows(record)[-2:] == [
        (("推进执行公开",), "加强重大工程项目批准和实施信息公开。", [("市发展改革局", "lead", True)]),
        (("推进执行公开",), CUT_TAIL, [("市发展改革局", "lead", True)]),
    ]
    assert truncated(record) == [11]


# --- what a cell holds -------------------------------------------------------------------------

ZHANGDIAN_UNITS = (
    "区司法局牵头区级规范性文件集中公开工作，区各行政规范性文件制定主体具体落实；"
    "各成员单位负责做好本单位行政规范性文件集中公开工作"
)


def test_unit_cell_written_as_a_sentence(tmp_path):
    """25_zhangdian: a unit cell that opens with a unit and 牵头 is a unit cell, however long."""
    text = f"""工作任务 |
具体要求 |
责任单位 |
行政规范性文件公开 |
做好行政规范性文件的集中、规范公开工作，确保公开数量和内容与省政府门户网站文件库一致。 |
{ZHANGDIAN_UNITS} |
及时公开行政规范性文件的备案目录。 |
各成员单位 |
"""
    assert rows(read(tmp_path, text)) == [
        (
            ("行政规范性文件公开",),
            "做好行政规范性文件的集中、规范公开工作，确保公开数量和内容与省政府门户网站文件库一致。",
            [(ZHANGDIAN_UNITS, "lead", False)],
        ),
        (("行政规范性文件公开",), "及时公开行政规范性文件的备案目录。", [("各成员单位", "lead", False)]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        ZHANGDIAN_UNITS,
        "局防控办主办、各工作组协办",
        "各县(市、区)政府、市直各部门",
        "法规和基金监管科、医药服务管理科按职责分工落实",
        "财政所、便民综合服务中心、土管所等",
    ],
)
def test_looks_like_units(text):
    assert looks_like_units(text)


@pytest.mark.parametrize(
    "text",
    [
        "明确工作机构",  # a task verb, though it ends as a unit name does
        "建立政务公开服务中心",
        "及时公开行政规范性文件的备案目录。",
        "",
    ],
)
def test_does_not_look_like_units(text):
    assert not looks_like_units(text)


def test_split_outside_brackets():
    assert split_outside_brackets("各县(市、区)政府、市直各部门；市财政局") == [
        "各县(市、区)政府",
        "市直各部门",
        "市财政局",
    ]


def test_task_starting_with_a_task_verb_is_the_task(tmp_path):
    """明确工作机构 ends like a unit name (机构) but opens with 明确: it is the row's task."""
    text = "工作任务 |\n具体要求 |\n责任单位 |\n组织领导 |\n明确工作机构 |\n县政府办公室 |\n"
    assert rows(read(tmp_path, text)) == [(("组织领导",), "明确工作机构", [("县政府办公室", "lead", False)])]


def test_short_title_ending_like_a_unit_opens_the_first_row(tmp_path):
    """组织领导 ends as unit names do (领导) but starts the first row of an indicator table: it is
    the heading, and the unit cell is the one after the task."""
    text = """工作任务 |
具体要求 |
责任单位 |
组织领导 |
建立政务公开工作领导小组，统筹推进全县政务公开工作。 |
县政府办公室 |
"""
    assert rows(read(tmp_path, text)) == [
        (("组织领导",), "建立政务公开工作领导小组，统筹推进全县政务公开工作。", [("县政府办公室", "lead", False)])
    ]


@pytest.mark.xfail(
    strict=True,
    reason="stream._Reader.rows treats a unit-like short title as a heading only "
    "when the current row is empty, which after the first row never happens (a new row is "
    "opened by a task, a number or a heading, never before): 工作机构 after a row's unit "
    "cell is appended to that row's units",
)
def test_short_title_ending_like_a_unit_opens_a_later_row(tmp_path):
    """_plain_heading's own examples: 组织领导 and 工作机构, each opening its block's row."""
    text = """工作任务 |
具体要求 |
责任单位 |
组织领导 |
建立政务公开工作领导小组，统筹推进全县政务公开工作。 |
县政府办公室 |
工作机构 |
配齐配强政务公开工作人员，保障工作经费。 |
县人社局、县财政局 |
"""
    assert rows(read(tmp_path, text)) == [
        (("组织领导",), "建立政务公开工作领导小组，统筹推进全县政务公开工作。", [("县政府办公室", "lead", False)]),
        (("工作机构",), "配齐配强政务公开工作人员，保障工作经费。", [("县人社局、县财政局", "lead", False)]),
    ]


# --- page breaks -------------------------------------------------------------------------------

AFTER_BREAK = """推进执行公开 |
做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。 |
市发展改革局 |
"""


def test_cell_split_by_a_page_break_is_joined(tmp_path):
    """The task stops mid-word (预公 | 开工作): the short fragment after it is its continuation,
    not a heading, and the task spans both lines."""
    text = (
        """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
制定发布重大行政决策事项目录、标准，明确决策事项的范围和程序，做好重大决策预公 |
开工作，及时公开意见收集采纳情况 |
市司法局 |
"""
        + AFTER_BREAK
    )
    record = read(tmp_path, text)
    assert rows(record) == [
        (
            ("推进决策公开",),
            (
                "制定发布重大行政决策事项目录、标准，明确决策事项的范围和程序，做好重大决策预公开工作，"
                "及时公开意见收集采纳情况"
            ),
            [("市司法局", "lead", False)],
        ),
        (
            ("推进执行公开",),
            "做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。",
            [("市发展改革局", "lead", False)],
        ),
    ]
    assert (record.tasks[0].line, record.tasks[0].end_line) == (5, 6)


def test_numbered_cell_split_by_a_page_break_is_joined(tmp_path):
    text = """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
1.制定发布重大行政决策事项目录、标准，公开征求意见的期限一般不少于30 |
日。 |
市司法局 |
推进执行公开 |
2.做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。 |
市发展改革局 |
"""
    record = read(tmp_path, text)
    assert [(t.number, t.text) for t in record.tasks] == [
        ("1", "制定发布重大行政决策事项目录、标准，公开征求意见的期限一般不少于30日。"),
        ("2", "做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。"),
    ]


def test_unnumbered_cell_split_before_its_last_words_is_joined(tmp_path):
    text = (
        """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
制定发布重大行政决策事项目录、标准，做好重大决策预公开工作，公开征求意见的期限一般不少于30 |
日。 |
市司法局 |
"""
        + AFTER_BREAK
    )
    assert rows(read(tmp_path, text))[0] == (
        ("推进决策公开",),
        "制定发布重大行政决策事项目录、标准，做好重大决策预公开工作，公开征求意见的期限一般不少于30日。",
        [("市司法局", "lead", False)],
    )


def test_header_reprinted_after_a_page_break_is_skipped(tmp_path):
    text = (
        """工作任务 |
具体要求 |
责任单位 |
推进决策公开 |
制定发布重大行政决策事项目录、标准，做好重大决策预公开工作。 |
市司法局 |
工作任务 |
具体要求 |
责任单位 |
"""
        + AFTER_BREAK
    )
    record = read(tmp_path, text)
    assert rows(record) == [
        (
            ("推进决策公开",),
            "制定发布重大行政决策事项目录、标准，做好重大决策预公开工作。",
            [("市司法局", "lead", False)],
        ),
        (
            ("推进执行公开",),
            "做好重点改革任务、重要政策、重大工程项目的执行措施、实施步骤公开。",
            [("市发展改革局", "lead", False)],
        ),
    ]
    assert [t.line for t in record.tasks] == [5, 11]


def test_a_numbered_heading_before_a_row_number_heads_that_row(tmp_path):
    """One cell per line closed by '|' with a 序号 cell per row (the 淮南市残联 convention): a
    （一） heading that ends in 。 is still a heading when a row number follows it, not a task."""
    from zwgk.loaders import read_ledger

    path = tmp_path / "t.txt"
    path.write_text(
        "\n".join(
            [
                "工作任务 |",
                "具体要求 |",
                "牵头单位 |",
                "时限要求 |",
                "||",
                "一、围绕贯彻落实党的十九届四中全会精神加强用权公开 |",
                "（一）以权责清单为依托，加强权力配置信息公开。 |",
                "1 |",
                "依法公开本机关的工作职能、机构设置等信息。 |",
                "县委编办 |",
                "常态化开展 |",
                "|",
                "2 |",
                "组织编写本级政府行政机关机构职能目录并向社会公开。 |",
                "县委编办 |",
                "10月底前 |",
                "|",
                "（二）以基层政务公开标准化规范化为抓手，加强权力运行过程信息公开。 |",
                "3 |",
                "构建基层行政决策公众参与机制。 |",
                "县政府办公室 |",
                "每半年 |",
                "|",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    record = read_ledger(path)
    assert [(t.number, t.indicators[-1], t.deadline) for t in record.tasks] == [
        ("1", "（一）以权责清单为依托，加强权力配置信息公开。", "常态化开展"),
        ("2", "（一）以权责清单为依托，加强权力配置信息公开。", "10月底前"),
        ("3", "（二）以基层政务公开标准化规范化为抓手，加强权力运行过程信息公开。", "每半年"),
    ]


def test_the_cell_after_a_row_number_is_the_task_even_when_it_reads_as_a_deadline(tmp_path):
    """每年至少开展一次政务公开业务培训 starts with a deadline word (每年) and is short, but it
    follows the row's 序号: it is the task, and the row is not folded into the row above."""
    from zwgk.loaders import read_ledger

    path = tmp_path / "t.txt"
    path.write_text(
        "\n".join(
            [
                "工作任务 |",
                "具体要求 |",
                "牵头单位 |",
                "时限要求 |",
                "||",
                "一、加强组织领导 |",
                "1 |",
                "坚持做好疫情防控常态化下疫情信息发布工作。 |",
                "县卫生健康局 |",
                "常态化开展 |",
                "|",
                "2 |",
                "每年至少开展一次政务公开业务培训 |",
                "县政府办公室 |",
                "10月底前 |",
                "|",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    record = read_ledger(path)
    assert [(t.number, t.text, t.deadline) for t in record.tasks] == [
        ("1", "坚持做好疫情防控常态化下疫情信息发布工作。", "常态化开展"),
        ("2", "每年至少开展一次政务公开业务培训", "10月底前"),
    ]
