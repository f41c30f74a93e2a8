"""Deadlines: a table of phrases from the samples and the genre, and the in-text deadlines of the
004 (华龙区) and 002 (湖北人防) samples."""

from __future__ import annotations

import datetime as dt

import pytest

from zwgk.analysis.deadlines import find_deadlines, parse_deadline

D = dt.date

# (cell text, ledger year, expected due date, expected recurrence)
TABLE = [
    ("10 月底前", 2020, D(2020, 10, 31), None),
    ("2020 年 9 月底前", 2020, D(2020, 9, 30), None),
    ("2020 年 11 月底前", 2020, D(2020, 11, 30), None),
    ("2020 年底前", 2020, D(2020, 12, 31), None),
    ("年底前", 2021, D(2021, 12, 31), None),
    ("次年1月底前", 2021, D(2022, 1, 31), None),
    ("2021年1月31日前", 2020, D(2021, 1, 31), None),
    ("9月底前", 2021, D(2021, 9, 30), None),
    ("5月底前", 2021, D(2021, 5, 31), None),
    ("6月底前", 2021, D(2021, 6, 30), None),
    ("2月底前", 2024, D(2024, 2, 29), None),
    ("2月底前", 2021, D(2021, 2, 28), None),
    ("上半年", 2021, D(2021, 6, 30), None),
    ("下半年", 2021, D(2021, 12, 31), None),
    ("2022年上半年", 2021, D(2022, 6, 30), None),
    ("十月底前", 2020, D(2020, 10, 31), None),
    ("十二月底前", 2020, D(2020, 12, 31), None),
    ("9月30日前", 2020, D(2020, 9, 30), None),
    ("2020年12月31日", 2020, D(2020, 12, 31), None),
    ("12月中旬", 2020, D(2020, 12, 20), None),
    ("3月上旬", 2020, D(2020, 3, 10), None),
    ("6月前", 2021, D(2021, 5, 31), None),
    ("1月前", 2021, D(2020, 12, 31), None),
    ("第三季度", 2021, D(2021, 9, 30), None),
    ("一季度末", 2021, D(2021, 3, 31), None),
    ("年内完成", 2024, D(2024, 12, 31), None),
    ("明年3月底前", 2020, D(2021, 3, 31), None),
    ("10月份", 2020, D(2020, 10, 31), None),
    ("11月底前完成", 2020, D(2020, 11, 30), None),
    ("常态化\n\n开展", 2021, None, "Ongoing"),
    ("常态化", 2021, None, "Ongoing"),
    ("持续推进", 2024, None, "Ongoing"),
    ("长期坚持", 2020, None, "Ongoing"),
    ("每季度", 2021, None, "Quarterly"),
    ("按季度更新", 2021, None, "Quarterly"),
    ("每半年", 2020, None, "HalfYearly"),
    ("每年", 2020, None, "Yearly"),
    ("每月", 2020, None, "Monthly"),
    ("每周", 2020, None, "Weekly"),
    ("每日", 2020, None, "Daily"),
    ("每天更新", 2020, None, "Daily"),
    ("2020年底前并长期坚持", 2020, D(2020, 12, 31), "Ongoing"),
    ("10月底前", None, None, None),
    ("按要求", 2020, None, None),
]


@pytest.mark.parametrize(("text", "year", "due", "recurrence"), TABLE)
def test_parse_deadline_table(text, year, due, recurrence):
    info = parse_deadline(text, year=year)
    assert (info.due, info.recurrence) == (due, recurrence)


def test_table_is_large_enough():
    assert len(TABLE) >= 40


def test_deadline_text_loses_pdf_spaces():
    assert parse_deadline("2020 年 9 月底前", year=2020).text == "2020年9月底前"
    assert parse_deadline("常态化\n\n开展", year=2021).text == "常态化开展"


def test_in_text_deadlines_of_the_hualong_sample():
    # Real task texts of examples/ledgers/hualong-2020-zeren-fengong.txt (a 2020 ledger).
    texts = {
        "3. 10 月底前，组织编写本级政府行政机关机构职能目录并向社会公开，全面展现政府机构权力配置情况。": (
            "10月底前",
            D(2020, 10, 31),
        ),
        "2. 2020 年 9 月底前，编制完成区级、乡镇（街道）试点领域政务公开标准目录并向社会公开。": (
            "2020年9月底前",
            D(2020, 9, 30),
        ),
        "2020 年 11 月底前，系统梳理现行有效的区政府规章和行政规范性文件，集中统一对外公开": (
            "2020年11月底前",
            D(2020, 11, 30),
        ),
        "公开方式更加统一规范。2020 年底前，建设完成政府信息公开平台，法定主动公开内容全部公开到位。": (
            "2020年底前",
            D(2020, 12, 31),
        ),
    }
    for text, (span, due) in texts.items():
        found = find_deadlines(text, year=2020)
        assert [(d.text, d.due) for d in found] == [(span, due)]


def test_in_text_deadlines_of_the_hubei_sample():
    text = "做好政府信息公开工作年度报表工作，并于2021年1月31日前公开年度报表和年度监管报表。2020年11月底前完成。"
    found = find_deadlines(text, year=2020)
    assert [(d.text, d.due) for d in found] == [
        ("2021年1月31日前", D(2021, 1, 31)),
        ("2020年11月底前", D(2020, 11, 30)),
    ]


def test_prose_dates_and_recurrence_words_are_not_deadlines():
    assert find_deadlines("石泉县人民政府办公室 2021年4月23日", year=2021) == []
    assert find_deadlines("坚持做好疫情防控常态化下疫情信息发布工作", year=2020) == []
    assert find_deadlines("每季度(每季度第一月末)在政府网站公开政府网站检查结果。", year=2021) == []
