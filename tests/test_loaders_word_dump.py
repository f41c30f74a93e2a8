"""The 000 sample (henan-renfang-taizhang.txt) read as layout 'word-dump': counts and named tasks."""

from __future__ import annotations

import pytest
from conftest import SAMPLE
from loader_expect import check

from zwgk.loaders import read_ledger

NAMED = [
    (0, None, ("组织领导", "主要负责人亲自抓"), "每年至少听取一次专题汇报，研", ["秘书处"], [], None),
    (1, None, ("组织领导", "主要负责人亲自抓"), "作为“第一新闻发言人”发布新", ["指挥通信处"], [], None),
    (5, None, ("组织领导", "处室组织协调、指导推进、监督检查"), "对本系统政务公开工作进行指导", ["秘书处"], [], None),
    (14, None, ("制度建设", "政务服务制度"), "政务服务工作制度和流程", ["人事处"], ["相关处室（单位）\n配合"], None),
    (
        15,
        None,
        ("制度建设", "政务服务制度"),
        "权力清单、责任清单、便民利民",
        ["人事处"],
        ["相关处室（单位）\n配合"],
        None,
    ),
    (
        19,
        None,
        ("制度建设", "机关工作制度"),
        "将“五公开”要求落实到会议办",
        ["秘书处"],
        ["有关处室（单位）\n配合"],
        None,
    ),
    (29, None, ("平台建设", "新媒体平台建设"), "政务微信、客户端建设", ["指挥通信处"], [], None),
    (
        35,
        None,
        ("政府信息公开", "依申请公开"),
        "依申请公开政府信息渠道畅通",
        ["秘书处"],
        ["相关处室（单位）\n配合"],
        None,
    ),
    (
        38,
        None,
        ("政府信息公开", "公开属性变更"),
        "每年自查不予公开的信息以及依",
        ["秘书处"],
        ["相关处室（单位）\n配合"],
        None,
    ),
    (53, None, ("政策解读", "解读实效"), "准确、生动、易懂、易传播", ["文稿起草\n处室（单位）"], [], None),
    (
        57,
        None,
        ("政务舆情监测处置", "热点回应"),
        "时效性。24小时内回应。对涉",
        ["各涉事\n处室（单位）"],
        ["指挥通信处\n配合"],
        None,
    ),
    (
        60,
        None,
        ("政务舆情监测处置", "热点回应"),
        "持续有效。保持后续跟进，避免",
        ["各涉事\n处室（单位）"],
        ["指挥通信处\n配合"],
        None,
    ),
    (
        67,
        None,
        ("公众参与", "规范参与方式"),
        "公布公开征求意见的采纳情况。",
        ["相关承办处室（单位）"],
        ["秘书处\n配合"],
        None,
    ),
]


@pytest.fixture(scope="module")
def record():
    return read_ledger(SAMPLE["000"])


def test_detected_and_counted(record):
    assert record.layout == "word-dump"
    assert len(record.tasks) == 68


@pytest.mark.parametrize("index, number, indicators, text, lead, other, deadline", NAMED)
def test_named_task(record, index, number, indicators, text, lead, other, deadline):
    check(record.tasks[index], number, indicators, text, lead, other, deadline)


def test_rules_on_small_dump(tmp_path):
    text = (
        "\t内容\n\t二级指标\n\t牵头处室\n\t备注\n\n\t组\n\n织\n\t任务甲\n\t秘书处\n\t相关处室\n\n配合\n\n"
        "\t\n\t任务乙\n\t\n\t\n\n\t\n\t\n\t人事处\n\t\n"
    )
    path = tmp_path / "d.txt"
    path.write_text(text, encoding="utf-8")
    record = read_ledger(path)
    assert record.layout == "word-dump"
    assert [(t.indicators, t.text, [(u.text, u.role.value, u.inherited) for u in t.units]) for t in record.tasks] == [
        (("组织",), "任务甲", [("秘书处", "lead", False), ("相关处室\n配合", "cooperating", False)]),
        (
            ("组织",),
            "任务乙",
            [("秘书处", "lead", True), ("人事处", "lead", False), ("相关处室\n配合", "cooperating", True)],
        ),
    ]
