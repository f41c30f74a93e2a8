"""Tables read from a stream of cells (loaders/stream.py).

The 003 sample (huainan-canlian-2024-renwu-fengong.txt, one cell per line closed by '|') is read
as layout 'bar-cells': counts and named tasks. The rules for rows recovered from what cells
hold are asserted on small tables written here, each a convention real pages use."""

from __future__ import annotations

import pytest
from conftest import SAMPLE
from loader_expect import check

from zwgk.loaders import read_ledger

NAMED = [
    (
        0,
        "1",
        ("一、围绕服务经济和保障民生抓好主动公开", "(一)聚焦中心工作"),
        "及时公开加快构建现代化产业体",
        ["办公室"],
        [],
        "持续推进",
    ),
    (
        2,
        "3",
        ("一、围绕服务经济和保障民生抓好主动公开", "(一)聚焦中心工作"),
        "聚焦“高效办成一件事”,集成",
        ["相关业务科室"],
        [],
        "持续推进",
    ),
    (
        4,
        "6",
        ("一、围绕服务经济和保障民生抓好主动公开", "(二)聚焦公众参与"),
        "围绕重点工作和群众关切定期组",
        ["相关业务科室"],
        [],
        "持续推进",
    ),
    (
        6,
        "8",
        ("一、围绕服务经济和保障民生抓好主动公开", "(三)聚焦监督管理"),
        "深化公共企事业单位信息公开,",
        ["办公室"],
        [],
        "持续推进",
    ),
    (
        8,
        "10",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(四)解读质量再提高"),
        "开展“政策解读质量提升年”行",
        ["相关业务科室"],
        [],
        "持续推进",
    ),
    (
        10,
        "12",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(四)解读质量再提高"),
        "继续组织开展优秀政策解读案例",
        ["相关业务科室"],
        [],
        "持续推进",
    ),
    (
        12,
        "17",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(六)平台载体再优化"),
        "推进政务公开专区标准化规范化",
        ["相关业务科室"],
        [],
        "持续推进",
    ),
    (
        14,
        "21",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(八)加强审查清理"),
        "加强政府信息全生命周期管理,",
        ["办公室牵头,各科室配合"],
        [],
        "持续推进",
    ),
    (
        16,
        "23",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(八)加强审查清理"),
        "公开后定期清理,按照“谁公开",
        ["办公室"],
        [],
        "持续推进",
    ),
    (
        18,
        "26",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(十)强化队伍建设"),
        "围绕信息公开条例学习、日常发",
        ["办公室"],
        [],
        "持续推进",
    ),
    (
        20,
        "28",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(十一)完善工作机制"),
        "对照新时代政务公开要求,全面",
        ["办公室"],
        [],
        "持续推进",
    ),
    (
        21,
        "29",
        ("二、围绕政策解读和渠道建设抓好质效提升", "(十一)完善工作机制"),
        "严格落实将政务公开工作纳入政",
        ["办公室"],
        [],
        "持续推进",
    ),
]


@pytest.fixture(scope="module")
def record():
    return read_ledger(SAMPLE["003"])


def test_detected_and_counted(record):
    assert record.layout == "bar-cells"
    assert len(record.tasks) == 22


@pytest.mark.parametrize("index, number, indicators, text, lead, other, deadline", NAMED)
def test_named_task(record, index, number, indicators, text, lead, other, deadline):
    check(record.tasks[index], number, indicators, text, lead, other, deadline)
