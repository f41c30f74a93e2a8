"""Ledger metadata (title, issuer, year, 文号) read from the real pages of the corpus, against the
hand-made truth in tests/data/corpus/{tables,prose}/index.json.

index.json writes what a person knows about the document, with remarks in brackets: a value
whose remark says it is not in the excerpt, and whose words the page does not print, is a value
zwgk must not give (None); a value the page does not print for another reason (an issuer
inferred from the site, a city prefix added by the annotator) is excluded below, with the
reason, rather than taught to the code. Values are compared as printed, without whitespace; on a
traditional-character page, where index.json writes the simplified form, the value must still be
the page's own characters and equal the annotation on the folded key."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from corpus_gold import CORPORA, CORPUS_DIR, ledgers

from zwgk.analysis.normalise import fold
from zwgk.loaders import read_ledger

FIELDS = ("title", "issuer", "year", "doc_number")

EXCLUDED: dict[tuple[str, str], str] = {
    (
        "tables/02_xuancheng-2022-fengong",
        "issuer",
    ): "宣城市 is inferred from the site (the page reposted by the city's 人社局); no unit is printed",
    ("tables/02_xuancheng-2022-fengong", "year"): "2022 is inferred from the content (稳经济大盘); no year is printed",
    (
        "tables/04_zhoucun-weijian-2021-fengong",
        "issuer",
    ): "the page prints 周村区卫生健康局 (its 发布机构); index.json adds the city 淄博市",
    (
        "tables/12_zhongshan-jingxin-fengong",
        "issuer",
    ): "中山市经济和信息化局 is not printed (only a cell naming 中山经济和信息化局政务网)",
    (
        "tables/14_taishan-wenguanglvti-2021-fengong",
        "issuer",
    ): "the issuing bureau is not printed: the excerpt is the table alone",
    ("tables/14_taishan-wenguanglvti-2021-fengong", "year"): "2021 is not printed: the excerpt is the table alone",
    ("tables/17_jieyang-2018-fengong", "year"): "2018 is not printed: the excerpt is the table alone",
    (
        "prose/02_guowuyuan-2019-yaodian-gaixie",
        "title",
    ): "index.json names the notice, whose title line the rewrite dropped; the page prints the key"
    " points' own title 2019年政务公开工作要点, which is what zwgk gives",
    (
        "prose/08_hubei-2022-yaodian",
        "issuer",
    ): "湖北省人民政府办公厅 is not printed: the notice's signature has only its date",
    (
        "prose/10_ningxia-weijian-2022-yaodian",
        "issuer",
    ): "the page prints 自治区卫生健康委办公室; index.json writes the full name of the body",
    (
        "prose/15_shanghai-shuiwu-2016-tongzhi-fanti",
        "year",
    ): "2016 is printed only in a cited document's 文号 (稅總發〔2016〕50號) and the page gives no date",
    (
        "prose/17_baicheng-2019-tongzhi",
        "issuer",
    ): "白城市人民政府办公室 is printed only in the site's breadcrumb, not in the document",
    ("prose/18_yingkou-renshe-2024-fangan", "issuer"): "营口市人力资源和社会保障局 is not printed in the excerpt",
    ("prose/18_yingkou-renshe-2024-fangan", "year"): "2024 is not printed in the excerpt",
    (
        "prose/25_changle-2020-tongzhi",
        "issuer",
    ): "the page prints 长乐区人民政府办公室; index.json adds the city 福州市",
    (
        "prose/31_fanben-2019-zhengwu-jihua-fanti",
        "title",
    ): "an essay-site blurb: the name is printed only as a hashtag and quoted inside a sentence",
    (
        "prose/31_fanben-2019-zhengwu-jihua-fanti",
        "year",
    ): "2019 is printed only in the essay site's hashtag and blurb sentence, no title or date line",
}

FIGURES = {"title": 27, "issuer": 20, "year": 23, "doc_number": 29}
"""Files (of the 29) whose field equals index.json, excluded ones included when they happen to."""

_REMARK = re.compile(r"\s*\((?=[^()]*[A-Za-z])[^()]*\)\s*$")
_ABSENT = re.compile(r"not in the excerpt|not named|no title line|^none\b", re.IGNORECASE)
_SPACE = re.compile(r"[\s\u3000\u00a0]+")


def _index() -> dict[str, dict]:
    out = {}
    for corpus in CORPORA:
        for entry in json.loads((CORPUS_DIR / corpus / "index.json").read_text(encoding="utf-8")):
            out[f"{corpus}/{entry['file'].rsplit('.', 1)[0]}"] = entry
    return out


INDEX = _index()
FILES = sorted(f"{p.parent.parent.name}/{p.stem}" for corpus in CORPORA for p in ledgers(corpus))


def _path(name: str):
    corpus, stem = name.split("/")
    return next(p for p in ledgers(corpus) if p.stem == stem)


@cache
def _page(name: str) -> str:
    return _path(name).read_text(encoding="utf-8")


@cache
def _record(name: str):
    return read_ledger(_path(name))


def expected(name: str, field: str) -> str | int | None:
    """index.json's value, None where it says the page does not show it."""
    value = INDEX[name][field]
    if value is None or isinstance(value, int):
        return value
    remark = _REMARK.search(value)
    bare = value[: remark.start()] if remark else value
    if not bare.strip() or _ABSENT.search(bare):
        return None
    if remark and _ABSENT.search(remark.group()) and fold(bare) not in fold(_page(name)):
        return None  # "(title line not in the excerpt)": None unless the page prints it all the same
    return _SPACE.sub("", bare)


def same(name: str, actual: str | int | None, want: str | int | None) -> bool:
    if actual is None or want is None or isinstance(want, int):
        return actual == want
    got = _SPACE.sub("", str(actual))
    if got == want:
        return True
    printed = set(_SPACE.sub("", _page(name)))
    return fold(got) == fold(want) and set(got) - {"、"} <= printed


def _matches(name: str, field: str) -> bool:
    return same(name, getattr(_record(name), field), expected(name, field))


@pytest.mark.parametrize("name", FILES)
def test_metadata_against_index(name):
    record = _record(name)
    wrong = [
        f"{field}: {getattr(record, field)!r}, index.json {expected(name, field)!r}"
        for field in FIELDS
        if (name, field) not in EXCLUDED and not _matches(name, field)
    ]
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_the_exclusions_name_corpus_files_and_fields():
    assert all(name in INDEX and field in FIELDS and reason for (name, field), reason in EXCLUDED.items())
    assert len(FILES) == 29


def test_figures_over_the_corpus():
    figures = {field: sum(_matches(name, field) for name in FILES) for field in FIELDS}
    assert all(figures[field] >= FIGURES[field] for field in FIELDS), figures


def test_traditional_pages_give_their_own_characters():
    record = _record("prose/01_guowuyuan-2022-yaodian-fanti")
    assert (record.title, record.issuer, record.doc_number, record.year) == (
        "國務院辦公廳關于印發2022年政務公開工作要點的通知",
        "國務院辦公廳",
        "國辦發〔2022〕8號",
        2022,
    )
