"""The matching view of printed text (loaders/normalise.py).

Readers find vocabulary in a text's key and slice the printed text at the positions they found:
that only works if the key has the text's length and positions. The key must also make the
forms ledgers arrive in (full-width, traditional, pinyin glosses, invisible characters) match the
simplified vocabulary, while the printed text stays as written."""

from __future__ import annotations

import pytest

from zwgk.analysis.normalise import FILLER, fold, key, strip_invisible, unglossed

# A traditional-character mirror with pinyin glosses, as 04_jiaotongbu prints a unit bracket.
MIRROR = "（綜合規(guī)劃司牽頭，各有關(guān)司局按職責分工負責）"


@pytest.mark.parametrize(
    "text",
    [
        MIRROR,
        "１．（一）｜任務內容｜責任單位",
        "县政府办公室、县财政局",
        "",
    ],
)
def test_key_keeps_length(text):
    """One key character per printed character, whatever was folded or glossed."""
    assert len(key(text)) == len(text)


def test_a_slice_of_the_key_is_the_same_slice_of_the_text():
    """Where the key says 牵头 is, the printed text has 牽頭: a reader cuts the unit name out of
    the printed text at the key's positions and keeps its characters and glosses."""
    k = key(MIRROR)
    at = k.index("牵头")
    assert MIRROR[at : at + 2] == "牽頭"
    assert MIRROR[1:at] == "綜合規(guī)劃司"
    assert fold(k[1:at]) == "综合规划司"


def test_full_width_forms_fold():
    assert key("１．（一）｜") == "1.(一)|"
    assert key("２０２４年１２月底前") == "2024年12月底前"


@pytest.mark.parametrize(
    "printed, simplified",
    [
        ("任務內容", "任务内容"),
        ("責任單位", "责任单位"),
        ("牽頭單位", "牵头单位"),
        ("完成時限", "完成时限"),
    ],
)
def test_traditional_characters_fold_to_simplified(printed, simplified):
    assert key(printed) == simplified
    assert fold(printed) == simplified


def test_simplified_text_is_its_own_key():
    assert key("做好政府信息主动公开工作。") == "做好政府信息主动公开工作。"


def test_pinyin_glosses_become_fillers():
    """規(guī)劃: the gloss (guī) is five fillers in the key, so positions hold, and fold drops them."""
    assert key("綜合規(guī)劃司") == "综合规" + FILLER * 5 + "划司"
    assert fold("綜合規(guī)劃司") == "综合规划司"
    assert fold("部內(nèi)各司局") == "部内各司局"


def test_a_bracket_that_is_not_a_gloss_is_kept():
    """Only a short latin syllable right after a character is a gloss: 各县(市、区) is text."""
    assert key("各县(市、区)政府") == "各县(市、区)政府"
    assert fold("市统计局(2)") == "市统计局(2)"


def test_fold_drops_whitespace():
    """Line-wrap spaces inside a title (索 引 号, 主 题 词) must not hide the word."""
    assert fold("索 引 號:\u3000000014349") == "索引号:000014349"


def test_unglossed_keeps_the_printed_characters():
    assert unglossed("綜合規(guī)劃司") == "綜合規劃司"


@pytest.mark.parametrize(
    "printed",
    [
        "县财\u200b政局",  # zero-width space
        "县财\u200d政局",  # zero-width joiner
        "\ufeff县财政局",  # byte-order mark at the start of a file
        "县财\u202e政局",  # right-to-left override
        "县财\u2066政\u2069局",  # bidi isolates
        "县财\u00ad政局",  # soft hyphen
    ],
)
def test_strip_invisible_removes_zero_width_and_bidi_characters(printed):
    assert strip_invisible(printed) == "县财政局"


def test_strip_invisible_keeps_visible_text():
    text = "（一）做好公开。\n县财政局\t年底前"
    assert strip_invisible(text) == text
