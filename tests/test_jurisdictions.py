"""Jurisdictions: the gazetteer of GB/T 2260 divisions and the names in the samples' issuers."""

from __future__ import annotations

import csv
import io

import pytest

from zwgk.analysis.jurisdictions import division, find_jurisdiction, split_jurisdiction
from zwgk.resources import read_text


def _codes(place):
    return [(p.name, p.level, p.code) for p in place.chain()]


def test_sample_counties_with_their_parents():
    assert _codes(find_jurisdiction("石泉县")) == [
        ("石泉县", "County", "610922"),
        ("安康市", "City", "610900"),
        ("陕西省", "Province", "610000"),
    ]
    assert _codes(find_jurisdiction("濮阳市华龙区人民政府办公室")) == [
        ("华龙区", "County", "410902"),
        ("濮阳市", "City", "410900"),
        ("河南省", "Province", "410000"),
    ]


def test_sample_cities_and_provinces():
    assert _codes(find_jurisdiction("淮南市残疾人联合会")) == [
        ("淮南市", "City", "340400"),
        ("安徽省", "Province", "340000"),
    ]
    assert _codes(find_jurisdiction("河南省人民防空办公室")) == [("河南省", "Province", "410000")]
    assert _codes(find_jurisdiction("湖北省人民防空办公室关于印发2020年度政务公开工作要点的通知")) == [
        ("湖北省", "Province", "420000")
    ]


def test_gazetteer_covers_provinces_and_prefectures():
    rows = list(csv.DictReader(io.StringIO(read_text("analysis", "data", "divisions.csv"))))
    levels = [r["level"] for r in rows]
    assert levels.count("Province") == 34
    assert levels.count("City") >= 330
    assert levels.count("County") >= 2800
    assert all(r["parent"] == "" or division(r["parent"]) is not None for r in rows)


def test_name_inside_a_title():
    place = find_jurisdiction("关于印发《石泉县2021年政务公开工作任务分解一览表》的通知")
    assert (place.name, place.code) == ("石泉县", "610922")


def test_ambiguous_name_needs_its_parent():
    assert find_jurisdiction("朝阳区").code is None
    assert find_jurisdiction("北京市朝阳区").code == "110105"
    assert find_jurisdiction("长春市朝阳区").code == "220104"


def test_township_after_its_county():
    place = find_jurisdiction("石泉县城关镇人民政府")
    assert (place.name, place.level, place.parent.code) == ("城关镇", "Township", "610922")
    assert find_jurisdiction("石泉县乡村振兴局").name == "石泉县"


@pytest.mark.parametrize(
    "name",
    [
        "石泉县住房和城乡建设局",
        "石泉县城乡规划局",
        "石泉县乡镇企业局",
        "石泉县各镇",
        "石泉县乡村振兴局",
        "石泉县城镇化工作办公室",
    ],
)
def test_words_ending_in_乡_or_镇_are_not_townships(name):
    """The front of an agency name is never a place: 城乡, 乡镇, 城镇 are words, 各镇 a group."""
    place, rest = split_jurisdiction(name)
    assert (place.name, place.code, rest) == ("石泉县", "610922", name.removeprefix("石泉县"))


@pytest.mark.parametrize(
    ("name", "township", "rest"),
    [
        ("石泉县城关镇人民政府", "城关镇", "人民政府"),
        ("石泉县和平镇财政所", "和平镇", "财政所"),
        ("石泉县中池镇", "中池镇", ""),
        ("石泉县城关街道办事处", "城关街道", "办事处"),
    ],
)
def test_a_township_written_after_its_county(name, township, rest):
    place, after = split_jurisdiction(name)
    assert (place.name, place.level, place.code, place.parent.code, after) == (
        township,
        "Township",
        None,
        "610922",
        rest,
    )


def test_the_ledgers_place_chooses_among_namesakes():
    assert split_jurisdiction("朝阳区教育委员会")[0].code is None
    beijing, changchun = find_jurisdiction("北京市"), find_jurisdiction("长春市")
    assert split_jurisdiction("朝阳区教育委员会", within=beijing)[0].code == "110105"
    assert split_jurisdiction("朝阳区教育委员会", within=changchun)[0].code == "220104"
    assert split_jurisdiction("朝阳区教育委员会", within=find_jurisdiction("石泉县"))[0].code is None


def test_split_gives_the_rest_of_the_name():
    place, rest = split_jurisdiction("石泉县财政局")
    assert (place.code, rest) == ("610922", "财政局")
    assert split_jurisdiction("财政局") == (None, "财政局")


def test_unknown_text():
    assert find_jurisdiction("政务公开工作任务台账") is None
    assert find_jurisdiction("") is None


def test_a_place_the_gazetteer_does_not_know_is_read_from_its_suffix():
    place = find_jurisdiction("平永区人民政府办公室")
    assert (place.name, place.level, place.code) == ("平永区", "County", None)
    assert find_jurisdiction("新城县财政局").name == "新城县"
    assert find_jurisdiction("关于做好政务公开工作的通知") is None


def test_a_level_word_is_not_a_place():
    """自治区卫生健康委办公室 (a region's health commission, its region not named) names no
    jurisdiction: 自治区 is a level, not a place; neither are 本区 or 全市."""
    assert find_jurisdiction("自治区卫生健康委办公室") is None
    assert find_jurisdiction("本区财政局") is None
    assert find_jurisdiction("全市政务公开办公室") is None
