"""Quantitative requirements: a table of phrases, and every requirement in the five samples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zwgk.analysis.requirements import find_requirements

# (text, kind, value, unit, comparator, per)
TABLE = [
    ("20个工作日内及时、准确、全面主动公开", "TimeLimit", 20, "工作日", "≤", None),
    ("24小时内回应", "TimeLimit", 24, "小时", "≤", None),
    ("最迟要在5小时内发布权威信息", "TimeLimit", 5, "小时", "≤", None),
    ("在行政决定作出之日起7个工作日内", "TimeLimit", 7, "工作日", "≤", None),
    ("自签发之日起10个工作日内在县政府门户网站公开", "TimeLimit", 10, "工作日", "≤", None),
    ("在印发后的3个工作日内报省政府公报编辑部门", "TimeLimit", 3, "工作日", "≤", None),
    ("咨询类留言一般在5个工作日内回复", "TimeLimit", 5, "工作日", "≤", None),
    ("在监测时间点前1周内更新", "TimeLimit", 1, "周", "≤", None),
    ("在监测时间点前1个月内更新办事统计数据", "TimeLimit", 1, "月", "≤", None),
    ("3日内办结", "TimeLimit", 3, "日", "≤", None),
    ("十五个工作日内答复", "TimeLimit", 15, "工作日", "≤", None),
    ("48 小时之内", "TimeLimit", 48, "小时", "≤", None),
    ("办理时间不超过15个工作日", "TimeLimit", 15, "工作日", "≤", None),
    ("所占分值权重不低于4%", "Ratio", 4, "%", "≥", None),
    ("政务服务事项网上可申请率不低于90%", "Ratio", 90, "%", "≥", None),
    ("实名差评回访整改率达到100%", "Ratio", 100, "%", "≥", None),
    ("公开率达到90%以上", "Ratio", 90, "%", "≥", None),
    ("差错率控制在1％以内", "Ratio", 1, "%", "≤", None),
    ("办结率100%", "Ratio", 100, "%", "=", None),
    ("公开征求意见时间不少于30天", "Minimum", 30, "日", "≥", None),
    ("包含的高频事项不少于200个", "Minimum", 200, "个", "≥", None),
    ("服务事项不少于100项", "Minimum", 100, "项", "≥", None),
    ("至少发布3篇解读", "Minimum", 3, "篇", "≥", None),
    ("解读材料5篇以上", "Minimum", 5, "篇", "≥", None),
    ("栏目不超过5个", "Maximum", 5, "个", "≤", None),
    ("每年至少听取一次专题汇报", "Frequency", 1, "次", "≥", "年"),
    ("每年至少开展一次政务公开业务培训", "Frequency", 1, "次", "≥", "年"),
    ("年度内至少参加1次业务培训", "Frequency", 1, "次", "≥", "年"),
    ("每半年组织召开一次专题会议", "Frequency", 1, "次", "=", "半年"),
    ("每季度至少更新2次", "Frequency", 2, "次", "≥", "季度"),
    ("每月开展两次检查", "Frequency", 2, "次", "=", "月"),
]


@pytest.mark.parametrize(("text", "kind", "value", "unit", "comparator", "per"), TABLE)
def test_requirement_table(text, kind, value, unit, comparator, per):
    found = find_requirements(text)
    assert len(found) == 1, found
    r = found[0]
    assert (r.kind, r.value, r.unit, r.comparator, r.per) == (kind, Decimal(value), unit, comparator, per)


def test_table_is_large_enough():
    assert len(TABLE) >= 30


def test_span_is_the_requirement_text():
    assert [r.text for r in find_requirements("每年至少听取一次专题汇报，研究部署推进工作")] == ["每年至少听取一次"]


def test_several_in_one_task_in_reading_order():
    text = "时效性。24小时内回应。对涉及特别重大、突发事件，最迟要在5小时内发布权威信息，在24小时内举行新闻发布会"
    assert [(r.text, r.value) for r in find_requirements(text)] == [("24小时内", 24), ("5小时内", 5), ("24小时内", 24)]


def test_numbers_that_are_not_requirements():
    assert find_requirements("按照文件规范的5类程序处理文书和13类实体处理文书") == []
    assert find_requirements("2020 年 11 月底前，系统梳理现行有效的区政府规章") == []
    assert find_requirements("组织、指导、协调、推进辖区26个领域基层政务公开标准化规范化的工作情况") == []


def test_every_requirement_in_the_samples(samples):
    found = []
    for key in sorted(samples):
        for line in samples[key].read_text(encoding="utf-8").splitlines():
            found += [(key, r.kind, r.value, r.unit) for r in find_requirements(line)]
    assert len(found) == 21
    assert {(k, kind, int(v), u) for k, kind, v, u in found} == {
        ("000", "Frequency", 1, "次"),
        ("000", "Ratio", 4, "%"),
        ("000", "TimeLimit", 20, "工作日"),
        ("000", "TimeLimit", 24, "小时"),
        ("000", "TimeLimit", 5, "小时"),
        ("001", "TimeLimit", 7, "工作日"),
        ("001", "TimeLimit", 10, "工作日"),
        ("001", "TimeLimit", 5, "工作日"),
        ("001", "Ratio", 90, "%"),
        ("001", "Minimum", 200, "个"),
        ("001", "Minimum", 100, "项"),
        ("001", "TimeLimit", 1, "月"),
        ("001", "Ratio", 100, "%"),
        ("001", "TimeLimit", 1, "周"),
        ("002", "Minimum", 30, "日"),
        ("002", "TimeLimit", 3, "工作日"),
        ("002", "Frequency", 1, "次"),
        ("002", "Ratio", 4, "%"),
        ("003", "Frequency", 1, "次"),
    }
