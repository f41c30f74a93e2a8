"""The HTML reader (loaders/html.py) on government pages written from the text samples in
examples/ledgers (tests/data/formats/html/make_fixtures.py writes them; they are committed):
the page must give the sample's tasks, value by value."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk.analysis.agencies import split_units
from zwgk.errors import InputError
from zwgk.loaders import Source, html, limits, read_ledger, readings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "data" / "formats" / "html"
LEDGERS = ROOT / "examples" / "ledgers"


def unit_names(task) -> list[str]:
    return [m.name for u in task.units for m in split_units(u.text, role=u.role)]


def summary(record) -> list[tuple]:
    return [(t.text, unit_names(t), t.deadline, t.indicators) for t in record.tasks]


@pytest.fixture(scope="module")
def shiquan():
    return read_ledger(LEDGERS / "shiquan-2021-renwu-fenjie.txt")


@pytest.mark.parametrize("name", ["shiquan-utf8.html", "shiquan-gbk.html"])
def test_shiquan_page_gives_the_sample_tasks(name, shiquan):
    path = FIXTURES / name
    record = read_ledger(path)
    assert record.layout == "html"
    assert len(record.tasks) == 150
    assert summary(record) == summary(shiquan)
    assert [t.number for t in record.tasks] == [t.number for t in shiquan.tasks]
    assert [t.channel for t in record.tasks] == [t.channel for t in shiquan.tasks]
    # A task's line is the line of its <tr> in the file.
    lines = html.page_text(Source(path)).split("\n")
    assert all(lines[t.line - 1].strip() == "<tr>" for t in record.tasks)
    # Metadata from the page's visible text (the 索引号 block, the <h1>), not from the markup.
    assert record.title == shiquan.title
    assert (record.issuer, record.year, record.doc_number, record.jurisdiction) == (
        "石泉县人民政府办公室",
        2021,
        "石政办函〔2021〕12号",
        "石泉县",
    )
    assert not record.warnings


def test_gbk_page_is_decoded_by_its_meta_charset():
    utf8, gbk = (Source(FIXTURES / name) for name in ("shiquan-utf8.html", "shiquan-gbk.html"))
    assert gbk.data.decode("gbk") != utf8.data.decode("utf-8")  # only the declaration differs
    assert html.page_text(gbk).replace('charset="gbk"', 'charset="utf-8"') == html.page_text(utf8)


def test_declared_charset_that_does_not_decode_the_page(tmp_path):
    """A UTF-8 page still declaring gb2312 (a site moved to UTF-8): the declaration is wrong,
    the bytes are UTF-8."""
    page = (FIXTURES / "empty-cell.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert "县政府办公室" in html.page_text(Source(path))
    gb = tmp_path / "gb.html"
    gb.write_bytes(page.encode("gb18030"))
    assert html.page_text(Source(gb)) == page


def test_rowspan_and_colspan_in_the_grid():
    """Covered by a rowspan: None (merged); covered by a colspan: "" (the text is the first
    column's); <br> keeps the units apart."""
    import lxml.html

    table = lxml.html.fromstring(
        "<table><tr><th>序号</th><th colspan='2'>指标</th><th>牵头单位</th></tr>"
        "<tr><td>1</td><td rowspan='2'>一、公开</td><td>会议</td><td rowspan='2'>甲局<br>乙局</td></tr>"
        "<tr><td>2</td><td>文件</td></tr>"
        "<tr><td>3</td><td colspan='2' rowspan='2'>二、解读</td><td></td></tr>"
        "<tr><td>4</td><td>丙局</td></tr></table>"
    )
    cells = [c for _, c in html.table_rows(table, tally=limits.Tally(path=Path("t.html")))]
    assert cells == [
        ["序号", "指标", "", "牵头单位"],
        ["1", "一、公开", "会议", "甲局\n乙局"],
        ["2", None, "文件", None],
        ["3", "二、解读", "", ""],
        ["4", None, "", "丙局"],
    ]


def test_nested_table_is_the_cell_text():
    import lxml.html

    table = lxml.html.fromstring(
        "<table><tr><td>序号</td><td>牵头单位</td></tr>"
        "<tr><td>1</td><td><table><tr><td>甲局</td></tr><tr><td>乙局</td></tr></table></td></tr></table>"
    )
    assert [c for _, c in html.table_rows(table, tally=limits.Tally(path=Path("t.html")))][1] == ["1", "甲局\n乙局"]


def test_hualong_page_split_over_two_tables():
    sample = read_ledger(LEDGERS / "hualong-2020-zeren-fengong.txt")
    record = read_ledger(FIXTURES / "hualong.html")
    assert record.layout == "html"
    assert len(record.tasks) == 37
    assert summary(record) == summary(sample)
    assert [[u.role for u in t.units] for t in record.tasks] == [[u.role for u in t.units] for t in sample.tasks]
    assert record.doc_number == "华龙政办〔2020〕37号"


def test_prose_page():
    sample = read_ledger(LEDGERS / "hubei-renfang-2020-gongzuo-yaodian.txt")
    path = FIXTURES / "hubei-prose.html"
    record = read_ledger(path)
    assert record.layout == "html"
    assert len(record.tasks) == 20
    assert [(t.text, t.indicators, t.number) for t in record.tasks] == [
        (t.text, t.indicators, t.number) for t in sample.tasks
    ]
    assert record.title == "湖北省人民防空办公室关于印发2020年度政务公开工作要点的通知"
    assert record.issuer == "湖北省人民防空办公室" and record.year == 2020
    # Each key point is on the line of its <p>.
    lines = path.read_text(encoding="utf-8").split("\n")
    assert all(lines[t.line - 1].startswith(("<p>(", "<p>（")) for t in record.tasks)
    assert not [w for w in record.warnings if w.code == "truncated"]


def test_empty_cell_does_not_inherit_the_unit_above():
    """Regression for invented lead units: an empty <td> is empty; only a rowspan merges."""
    record = read_ledger(FIXTURES / "empty-cell.html")
    assert record.layout == "html"
    got = [(t.number, [(u.text, u.inherited) for u in t.units], t.deadline) for t in record.tasks]
    assert got == [
        ("1", [("县政府办公室", False)], "2024年12月底前"),
        ("2", [], "长期坚持"),
        ("3", [("县财政局\n县审计局", False)], "持续推进"),
        ("4", [("县财政局\n县审计局", True)], "2024年6月底前"),
    ]
    assert unit_names(record.tasks[2]) == ["县财政局", "县审计局"]


def test_page_without_a_ledger_is_refused_naming_the_file():
    path = FIXTURES / "no-ledger.html"
    with pytest.raises(InputError) as caught:
        html.read(Source(path))
    message = str(caught.value)
    assert str(path) in message
    assert "an HTML page with 2 tables, none with a ledger header" in message
    assert "no numbered key points" in message
    with pytest.raises(InputError) as caught:
        read_ledger(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("序号\t主要任务\t牵头单位\n1\t做好公开工作。\t县政府办公室\n", 0.0),
        ("<p>区政府办公室</p>\t<p>区政府各部门</p>\n" * 2 + "纯文本一行\n" * 10, 0.0),
        ("<html><body><p>一、总体要求</p></body></html>", 0.9),
        ("<TABLE><TR><TD>序号</TD></TR></TABLE>", 0.9),
        ("<p>一、公开</p>\n<p>（一）做好公开。</p>\n<p>（二）做好解读。</p>\n", 0.6),
    ],
)
def test_detect(tmp_path, text, expected):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    assert html.detect(Source(path)) == expected


def test_tab_table_with_stray_p_tags_stays_with_the_text_readers():
    """hualong-2020-zeren-fengong.txt is a web table copied as text, <p> in some cells: not a
    page; the tsv reading keeps it."""
    source = Source(LEDGERS / "hualong-2020-zeren-fengong.txt")
    assert html.detect(source) == 0.0
    assert readings(source)[0].layout.name == "tsv"


def test_page_printed_on_one_line(tmp_path, shiquan):
    """A page without line breaks (every <tr> on line 1): the rows are told apart by their
    order, and the metadata is still found in the page's text."""
    path = tmp_path / "one-line.html"
    path.write_text((FIXTURES / "shiquan-utf8.html").read_text(encoding="utf-8").replace("\n", ""), encoding="utf-8")
    record = read_ledger(path)
    assert record.layout == "html"
    assert summary(record) == summary(shiquan)
    assert (record.issuer, record.year, record.doc_number) == ("石泉县人民政府办公室", 2021, "石政办函〔2021〕12号")
