"""The 002 sample (hubei-renfang-2020-gongzuo-yaodian.txt) read as layout 'prose': counts and named tasks."""

from __future__ import annotations

import pytest
from conftest import SAMPLE
from loader_expect import check

from zwgk.loaders import read_ledger

NAMED = [
    (
        0,
        "（一）",
        ("一、围绕贯彻落实党的十九届四中全会精神,严格落实用权执法信息公开",),
        "以权责清单为依托,加强权力配",
        [],
        [],
        None,
    ),
    (
        3,
        "（四）",
        ("一、围绕贯彻落实党的十九届四中全会精神,严格落实用权执法信息公开",),
        "以政策解读为抓手,推动重大决",
        [],
        [],
        None,
    ),
    (
        4,
        "（一）",
        ("二、围绕优化人防市场营商环境,切实做好“六稳”“六保”信息公开",),
        "积极助力做好“六稳”“六保”",
        [],
        [],
        None,
    ),
    (
        6,
        "（三）",
        ("二、围绕优化人防市场营商环境,切实做好“六稳”“六保”信息公开",),
        "深入落实信用信息公开。及时公",
        [],
        [],
        None,
    ),
    (7, "（一）", ("三、围绕年度工作目标落实,不断强化重点领域信息公开",), "按省政府要求及时准确发布疫情", [], [], None),
    (
        13,
        "（七）",
        ("三、围绕年度工作目标落实,不断强化重点领域信息公开",),
        "按时公开政府信息公开年报。结",
        [],
        [],
        None,
    ),
    (
        14,
        "（一）",
        ("四、围绕落实新修订的政府信息公开条例,推进政务公开平台建设",),
        "落实政府信息主动公开新要求。",
        [],
        [],
        None,
    ),
    (
        16,
        "（三）",
        ("四、围绕落实新修订的政府信息公开条例,推进政务公开平台建设",),
        "加强政府网站与政务新媒体建设",
        [],
        [],
        None,
    ),
    (
        17,
        "（一）",
        ("五、围绕提升政务公开质量,落实各项保障措施",),
        "强化组织领导。明确主要负责人",
        [],
        ["秘书处", "各业务处室", "省人防信息保障中心"],
        None,
    ),
    (19, "（三）", ("五、围绕提升政务公开质量,落实各项保障措施",), "强化监督、考评和问责。将各地", [], [], None),
]


@pytest.fixture(scope="module")
def record():
    return read_ledger(SAMPLE["002"])


def test_detected_and_counted(record):
    assert record.layout == "prose"
    assert len(record.tasks) == 20


@pytest.mark.parametrize("index, number, indicators, text, lead, other, deadline", NAMED)
def test_named_task(record, index, number, indicators, text, lead, other, deadline):
    check(record.tasks[index], number, indicators, text, lead, other, deadline)
