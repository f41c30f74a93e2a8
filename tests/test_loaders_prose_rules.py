"""The rules of the key-points reader (loaders/prose.py), each on a small text written here in
the way the corpus prints it (tests/data/corpus/prose/ledgers/NN_*.txt).

Units are asserted as the reader gives them (one UnitCell per bracket or label, its text as
printed and its role), and where a cell names several units, as analysis.agencies.split_units
then splits them: that is what the graph records."""

from __future__ import annotations

import pytest

from zwgk.analysis.agencies import split_units
from zwgk.loaders import Source, get_layout
from zwgk.loaders.prose import units_in_brackets

TITLE = "某市2021年政务公开工作要点"


def read(tmp_path, text: str):
    path = tmp_path / "yaodian.txt"
    path.write_text(text, encoding="utf-8")
    return get_layout("prose").read(Source(path))


def cells(units):
    return [(u.text, u.role.value) for u in units]


def mentions(units):
    return [(m.name, m.role.value) for u in units for m in split_units(u.text, role=u.role)]


def truncated(record):
    return [w.line for w in record.warnings if w.code == "truncated"]


# --- units in brackets after an item -----------------------------------------------------------


@pytest.mark.parametrize(
    "bracket, expected, deadline",
    [
        (
            "（牵头单位：市政府办公室；责任单位：市财政局、市人社局）",
            [("市政府办公室", "lead"), ("市财政局、市人社局", "responsible")],
            None,
        ),
        ("〔责任单位：市委网信办〕", [("市委网信办", "lead")], None),  # only 责任单位: lead
        ("(责任部门:机关各科室;完成时限:长期坚持)", [("机关各科室", "lead")], "长期坚持"),  # 18_yingkou
        (
            "（牵頭單位：市政府辦公室；責任單位：市財政局）",  # traditional labels
            [("市政府辦公室", "lead"), ("市財政局", "responsible")],
            None,
        ),
        (
            "（市发展改革委、市住建局、市交通运输局）",  # a bare list
            [("市发展改革委、市住建局、市交通运输局", "lead")],
            None,
        ),
    ],
)
def test_units_in_brackets(bracket, expected, deadline):
    units, found = units_in_brackets("做好重大政策解读，及时回应社会关切。" + bracket, line=7)
    assert cells(units) == expected
    assert found == deadline
    assert {u.line for u in units} == {7}


def test_marked_units_in_brackets():
    """(A牵头，B、C按职责分工负责): one cell, lead by the reader; split_units reads the markers:
    A lead, B and C responsible, the verbs dropped."""
    units, _ = units_in_brackets(
        "加强“十四五”规划公开和解读。(市发展改革委牵头，市统计局、市自然资源局按职责分工负责)", line=1
    )
    assert cells(units) == [("市发展改革委牵头，市统计局、市自然资源局按职责分工负责", "lead")]
    assert mentions(units) == [("市发展改革委", "lead"), ("市统计局", "responsible"), ("市自然资源局", "responsible")]


def test_marked_units_in_a_traditional_mirror_with_glosses():
    """04_jiaotongbu: the names keep their characters and glosses as printed."""
    units, _ = units_in_brackets(
        "更好引導全社會關心支持交通運輸規(guī)劃實施工作。（綜合規(guī)劃司牽頭，各有關(guān)司局按職責分工負責）",
        line=1,
    )
    assert cells(units) == [("綜合規(guī)劃司牽頭，各有關(guān)司局按職責分工負責", "lead")]
    assert mentions(units) == [("綜合規(guī)劃司", "lead"), ("各有關(guān)司局", "responsible")]


@pytest.mark.parametrize(
    "text",
    [
        "全面落实修订后的《中华人民共和国政府信息公开条例》(以下简称《条例》)，认真执行《条例》各项规定。",
        "各乡镇人民政府(街道办事处)信息公开主管部门要加强对本地区政府信息公开工作的指导。",
        "推进各县(市、区)政务公开专区建设。",
        "及时公开政府信息（专栏每月至少更新2条信息）。",
    ],
)
def test_bracket_inside_a_sentence_is_not_units(text):
    assert units_in_brackets(text, line=1) == ([], None)


KEY_POINTS = f"""{TITLE}

一、加强政策解读回应

（一）做好重大政策解读。围绕群众关切的重大政策开展解读。（牵头单位：市政府办公室；责任单位：市财政局、市人社局）

（二）加强“十四五”规划公开和解读。(市发展改革委牵头，市统计局、市自然资源局按职责分工负责)

（三）加强与新闻媒体的协同联动，营造良好氛围。(责任部门:机关各科室;完成时限:长期坚持)

（四）各乡镇人民政府(街道办事处)信息公开主管部门要加强对本地区政府信息公开工作的指导。
"""


def test_item_units_and_deadline(tmp_path):
    record = read(tmp_path, KEY_POINTS)
    assert [t.number for t in record.tasks] == ["（一）", "（二）", "（三）", "（四）"]
    assert [t.indicators for t in record.tasks] == [("一、加强政策解读回应",)] * 4
    assert [cells(t.units) for t in record.tasks] == [
        [("市政府办公室", "lead"), ("市财政局、市人社局", "responsible")],
        [("市发展改革委牵头，市统计局、市自然资源局按职责分工负责", "lead")],
        [("机关各科室", "lead")],
        [],
    ]
    assert [t.deadline for t in record.tasks] == [None, None, "长期坚持", None]
    assert mentions(record.tasks[1].units) == [
        ("市发展改革委", "lead"),
        ("市统计局", "responsible"),
        ("市自然资源局", "responsible"),
    ]
    assert record.tasks[0].text.startswith("做好重大政策解读。围绕群众关切的重大政策开展解读。")
    assert [t.line for t in record.tasks] == [5, 7, 9, 11]


def test_heading_bracket_gives_the_units_of_its_items(tmp_path):
    """Units on a heading, not on its items: each item without units of its own inherits them,
    marked as inherited; an item with its own bracket keeps its own."""
    text = f"""{TITLE}

一、加强政策解读回应（市政府办公室牵头，各县区政府负责）

（一）做好重大政策解读。围绕群众关切的重大政策开展解读。

（二）及时回应社会关切。加强舆情监测，及时回应群众关切。（市委网信办）
"""
    first, second = read(tmp_path, text).tasks
    assert [(u.text, u.role.value, u.inherited) for u in first.units] == [
        ("市政府办公室牵头，各县区政府负责", "lead", True)
    ]
    assert first.inherited == frozenset({"leadUnit"})
    assert [(u.text, u.inherited) for u in second.units] == [("市委网信办", False)]
    assert second.inherited == frozenset()


# --- items and sections ------------------------------------------------------------------------


def test_inline_items_are_split(tmp_path):
    """31_fanben: 1、…。2、…。3、… on one line are three tasks, each on that line."""
    text = f"""{TITLE}

一、全面推进政务公开

（一）全面推进政府信息公开。

1、及时做好政府信息公开目录、指南的修订工作。2、建立健全政府信息公开工作机制和制度。3、抓好公开载体建设，做好门户网站信息发布、更新工作。
"""
    record = read(tmp_path, text)
    assert [(t.number, t.text, t.line) for t in record.tasks] == [
        ("1", "及时做好政府信息公开目录、指南的修订工作。", 7),
        ("2", "建立健全政府信息公开工作机制和制度。", 7),
        ("3", "抓好公开载体建设，做好门户网站信息发布、更新工作。", 7),
    ]
    assert {t.indicators for t in record.tasks} == {("一、全面推进政务公开", "（一）全面推进政府信息公开。")}


def test_a_number_inside_a_sentence_does_not_split(tmp_path):
    text = f"{TITLE}\n一、加强公开\n1、按照2、3季度的安排，做好政府信息公开工作。\n"
    assert [t.text for t in read(tmp_path, text).tasks] == ["按照2、3季度的安排，做好政府信息公开工作。"]


def test_framing_section_is_not_a_task_and_a_section_with_content_is(tmp_path):
    """22_zaozhuang: 总体目标和要求 frames the work; 二、工作任务 has content and no items under
    it, so it is a task; the items of 三、 are tasks."""
    text = """高新规划中心第一季度政务公开实施方案

一、总体目标和要求

全面贯彻落实关于政务信息公开工作的决策部署，坚持政务公开常态化，加大政务公开力度。

二、工作任务

工作信息公开。机构职能、部门动态、重点工作、政民互动等信息应当主动公开。

三、工作要求

（一）加强组织领导。成立政务信息公开领导小组，具体负责政务信息公开的组织、协调和管理工作。

（二）加强队伍建设。压实工作责任，配齐配强工作人员。
"""
    record = read(tmp_path, text)
    assert [(t.number, t.indicators) for t in record.tasks] == [
        ("二", ()),
        ("（一）", ("三、工作要求",)),
        ("（二）", ("三、工作要求",)),
    ]
    assert record.tasks[0].text.startswith("工作任务")
    assert "机构职能、部门动态、重点工作、政民互动等信息应当主动公开。" in record.tasks[0].text
    assert not any("全面贯彻落实" in t.text for t in record.tasks)


def test_items_under_a_framing_section_are_not_tasks(tmp_path):
    text = f"""{TITLE}
一、总体要求
（一）指导思想。以习近平新时代中国特色社会主义思想为指导。
（二）工作目标。政务公开质量进一步提升。
二、重点任务
（一）做好政府信息主动公开。及时公开政策文件。
"""
    record = read(tmp_path, text)
    assert [(t.indicators, t.text) for t in record.tasks] == [
        (("二、重点任务",), "做好政府信息主动公开。及时公开政策文件。")
    ]


def test_title_alone_on_a_line_with_paragraphs_is_one_task(tmp_path):
    """20_xuancheng: （一） with its title alone on a line, then paragraphs: one task whose text
    starts with the title and holds every paragraph up to the next item."""
    text = f"""{TITLE}

一、加强政策解读

（一）做好重大政策解读

围绕群众关切的重大政策开展解读，做到政策文件与解读材料同步发布。

对涉及面广的政策，通过新闻发布会、在线访谈等方式深入解读。

（二）及时回应社会关切。加强舆情监测，及时回应群众关切。
"""
    first, second = read(tmp_path, text).tasks
    assert first.number == "（一）"
    assert first.text.startswith("做好重大政策解读")
    assert "做到政策文件与解读材料同步发布。" in first.text
    assert first.text.endswith("通过新闻发布会、在线访谈等方式深入解读。")
    assert (first.line, first.end_line) == (5, 9)
    assert second.text == "及时回应社会关切。加强舆情监测，及时回应群众关切。"


def test_the_notice_before_the_title_is_not_read(tmp_path):
    """The notice that prints the key points has numbered requests of its own (一、请认真…):
    reading starts after the last title before the key points' first item."""
    text = """各乡镇人民政府、街道办事处，县直各单位：

现将《某县2024年政务公开工作要点》印发给你们，请认真贯彻落实。

一、请认真组织学习，结合实际抓好落实。

二、请于12月底前报送落实情况。

某县人民政府办公室

2024年3月1日

某县2024年政务公开工作要点

一、加强政策解读

（一）做好重大政策解读。围绕群众关切的重大政策开展解读。

（二）及时回应社会关切。加强舆情监测，及时回应群众关切。
"""
    record = read(tmp_path, text)
    assert [(t.number, t.indicators, t.line) for t in record.tasks] == [
        ("（一）", ("一、加强政策解读",), 17),
        ("（二）", ("一、加强政策解读",), 19),
    ]
    assert not any("请" in t.text for t in record.tasks)


def test_paragraphs_after_the_signature_do_not_continue_an_item(tmp_path):
    text = f"""{TITLE}
一、加强政策解读
（一）做好重大政策解读。围绕群众关切的重大政策开展解读。
某市人民政府办公室
2021年3月1日
抄送：市委办公室，市人大常委会办公室。
"""
    assert [t.text for t in read(tmp_path, text).tasks] == ["做好重大政策解读。围绕群众关切的重大政策开展解读。"]


# --- a text cut off ----------------------------------------------------------------------------


def test_text_that_stops_mid_sentence_warns(tmp_path):
    text = f"""{TITLE}

一、加强政策解读

（一）做好重大政策解读。围绕群众关切的重大政策开展解读。

（二）及时回应社会关切。加强舆情监测，及时回应群众关切，对涉及群众切身利益的"""
    record = read(tmp_path, text)
    assert len(record.tasks) == 2
    assert record.tasks[-1].text.endswith("对涉及群众切身利益的")
    assert truncated(record) == [7]


def test_text_that_ends_a_sentence_does_not_warn(tmp_path):
    assert truncated(read(tmp_path, KEY_POINTS)) == []


# --- traditional characters and 1﹒ ------------------------------------------------------------


def test_traditional_characters_and_small_full_stop_numbering(tmp_path):
    """31_fanben / 04_jiaotongbu: 1﹒ is a number like 1. ; traditional text is read as printed."""
    text = """2019年政務公開工作要點

一、全面推進政務公開，推動權力陽光運行

（一）、全面推廣許可在線辦理。

1﹒發布《區級行政許可和非行政許可項目目錄》。

2﹒強力推進行政許可項目在線辦理、電子政務應用。（區政務服務中心牽頭，區直各部門配合）
"""
    record = read(tmp_path, text)
    assert [(t.number, t.text.split("。")[0]) for t in record.tasks] == [
        ("1", "發布《區級行政許可和非行政許可項目目錄》"),
        ("2", "強力推進行政許可項目在線辦理、電子政務應用"),
    ]
    assert record.tasks[0].indicators == ("一、全面推進政務公開，推動權力陽光運行", "（一）、全面推廣許可在線辦理。")
    assert cells(record.tasks[1].units) == [("區政務服務中心牽頭，區直各部門配合", "lead")]
    assert mentions(record.tasks[1].units) == [("區政務服務中心", "lead"), ("區直各部門", "cooperating")]


def test_traditional_framing_section_is_not_a_task(tmp_path):
    text = """2022年政務公開工作要點
一、總體要求
以習近平新時代中國特色社會主義思想為指導，全面貫徹黨的十九大精神。
二、重點任務
（一）做好政策解讀。及時發布解讀材料。
"""
    assert [t.number for t in read(tmp_path, text).tasks] == ["（一）"]
