"""Ledger metadata from the printed document, overrides, and text encodings; where a page prints
its title, issuer, year and 文号 (the corpus figures are in test_metadata_corpus.py)."""

from __future__ import annotations

import pytest
from conftest import SAMPLE

from zwgk.errors import InputError
from zwgk.loaders import read_ledger
from zwgk.loaders.metadata import apply_metadata, extract_metadata
from zwgk.model import LedgerRecord, Overrides


def test_metadata_of_001():
    record = read_ledger(SAMPLE["001"])
    assert (record.issuer, record.year, record.doc_number, record.jurisdiction) == (
        "石泉县人民政府办公室",
        2021,
        "石政办函〔2021〕12号",
        "石泉县",
    )


def test_undated_000_warns_and_override_fills():
    assert "year-unknown" in [w.code for w in read_ledger(SAMPLE["000"]).warnings]
    assert read_ledger(SAMPLE["000"], overrides=Overrides(year=2019)).year == 2019


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "x.txt"
    path.write_bytes(SAMPLE["000"].read_text(encoding="utf-8").encode(encoding))
    record = read_ledger(path)
    assert len(record.tasks) == 68 and record.tasks[14].units[0].text == "人事处"


def test_unrecognised_file_names_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("今天天气很好。\n明天再说。\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert "notes.txt" in str(err.value)


# --- where a page prints its metadata (extract_metadata on lines as they arrive) -------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(  # several labels a line, the next label cut off, traditional characters kept
            [
                "發文機關: 國務院辦公廳 成文日期: 2022年04月11日",
                "標  題: 國務院辦公廳關于印發2022年政務公開工作要點的通知",
                "發文字號: 國辦發〔2022〕8號 發布日期: 2022年04月22日",
            ],
            {
                "title": "國務院辦公廳關于印發2022年政務公開工作要點的通知",
                "issuer": "國務院辦公廳",
                "doc_number": "國辦發〔2022〕8號",
                "year": 2022,
            },
            id="labels-traditional",
        ),
        pytest.param(  # a markdown table of labels, an empty 文号 cell
            [
                "标题: | 某某区人民政府办公室关于印发《某某区2023年政务公开工作任务清单》的通知 | ||",
                "---|---|---|---|",
                "索引号: | 1137/2023-1 | 文号: | |",
                "发文日期: | 2023-08-21 | 发布机构: | 某某区人民政府办公室 |",
            ],
            {
                "title": "某某区人民政府办公室关于印发《某某区2023年政务公开工作任务清单》的通知",
                "issuer": "某某区人民政府办公室",
                "year": 2023,
            },
            id="labels-markdown",
        ),
        pytest.param(  # bullets, letter-spaced labels, an empty 文号 followed by another label
            [
                "• 标  题:某某中心第一季度政务公开实施方案",
                "• 文  号:",
                "• 发文时间:2021年01月20日",
                "  • 发布机构:某某中心",
            ],
            {"title": "某某中心第一季度政务公开实施方案", "issuer": "某某中心", "year": 2021},
            id="labels-bullets",
        ),
        pytest.param(  # labels without colons, an unknown label (公开形式:) ending the value
            [
                "文件名称 某某县人民政府办公室关于印发《某某县2021年政务公开工作任务分解一览表》的通知",
                "公开责任部门 某某县人民政府办公室 公开形式: 主动公开",
                "文号 某政办函〔2021〕12号 成文日期: 2021年04月23日",
            ],
            {
                "title": "某某县人民政府办公室关于印发《某某县2021年政务公开工作任务分解一览表》的通知",
                "issuer": "某某县人民政府办公室",
                "doc_number": "某政办函〔2021〕12号",
                "year": 2021,
            },
            id="labels-bare",
        ),
        pytest.param(  # the value on the line after its label
            ["标题:", "某某县人民政府办公室关于印发2020年政务公开工作要点的通知", "发文字号:", "某政办发〔2020〕5号"],
            {
                "title": "某某县人民政府办公室关于印发2020年政务公开工作要点的通知",
                "issuer": "某某县人民政府办公室",
                "doc_number": "某政办发〔2020〕5号",
                "year": 2020,
            },
            id="labels-next-line",
        ),
        pytest.param(  # a title over two lines (issuer, then 关于…), its 文号 on a line of its own
            ["濟南市萊蕪區人民政府辦公室", "關於印發2021年萊蕪區政務公開工作要點的通知", "萊蕪政辦發〔2021〕3號"],
            {
                "title": "濟南市萊蕪區人民政府辦公室關於印發2021年萊蕪區政務公開工作要點的通知",
                "issuer": "濟南市萊蕪區人民政府辦公室",
                "doc_number": "萊蕪政辦發〔2021〕3號",
                "year": 2021,
            },
            id="title-two-lines",
        ),
        pytest.param(  # 关于印发 / …的通知, blank lines between
            ["國務院辦公廳關于印發", "", "2022年政務公開工作要點的通知"],
            {"title": "國務院辦公廳關于印發2022年政務公開工作要點的通知", "issuer": "國務院辦公廳", "year": 2022},
            id="title-cut-after-yinfa",
        ),
        pytest.param(  # the 文号 beside the title, 《》 around it
            ["苏政办发〔2022〕35号《江苏省人民政府办公厅关于印发江苏省2022年政务公开工作要点的通知》"],
            {
                "title": "江苏省人民政府办公厅关于印发江苏省2022年政务公开工作要点的通知",
                "issuer": "江苏省人民政府办公厅",
                "doc_number": "苏政办发〔2022〕35号",
                "year": 2022,
            },
            id="title-beside-number",
        ),
        pytest.param(  # a 文号 cited in a sentence (and on a line of its own after it) is not this one
            [
                "关于印发2021年某某区政务公开工作要点的通知",
                "根据《国务院办公厅关于印发2021年政务公开工作要点的通知》",
                "（国办发〔2021〕12号）",
                "要求，现印发给你们。",
            ],
            {"title": "关于印发2021年某某区政务公开工作要点的通知", "year": 2021},
            id="cited-number",
        ),
        pytest.param(  # …and one wrapped onto a line of its own, without brackets
            [
                "关于印发2021年某某区政务公开工作要点的通知",
                "各镇街：",
                "根据《国务院办公厅关于印发2021年政务公开工作要点的通知》",
                "国办发〔2021〕12号",
                "文件要求，现印发给你们。",
            ],
            {"title": "关于印发2021年某某区政务公开工作要点的通知", "year": 2021},
            id="cited-number-wrapped",
        ),
        pytest.param(  # a sentence of the notice is no title; the signature names the issuer and dates it
            [
                "各乡镇：",
                "现将《政务公开工作要点》印发给你们，请认真贯彻落实。",
                "某某市人民政府办公室",
                "二〇二一年六月十七日",
            ],
            {"issuer": "某某市人民政府办公室", "year": 2021},
            id="signature",
        ),
        pytest.param(  # two bodies sign after 特此通知, the page cut before the date
            ["各区县局：", "一、加强组织领导。", "特此通知。", "上海市国家税务局", "上海市地方税务局"],
            {"issuer": "上海市国家税务局、上海市地方税务局"},
            id="signed-after-tecitongzhi",
        ),
        pytest.param(  # a year before the body's name is not part of it
            ["2021年厦门市财政局政务公开任务分解表"],
            {"title": "2021年厦门市财政局政务公开任务分解表", "issuer": "厦门市财政局", "year": 2021},
            id="year-unit",
        ),
        pytest.param(  # a place is not a body
            ["2022年湖北省政务公开工作要点"], {"title": "2022年湖北省政务公开工作要点", "year": 2022}, id="year-place"
        ),
        pytest.param(  # the publisher's short name, printed in full by the title
            ["发布机构: 市民政局 主题分类: 综合政务", "名称: 2021年度宣城市民政局政务公开工作要点及分工 文号:"],
            {"title": "2021年度宣城市民政局政务公开工作要点及分工", "issuer": "宣城市民政局", "year": 2021},
            id="publisher-in-full",
        ),
        pytest.param(  # a reposting site's publisher is not the issuer the title names
            ["发布机构: 某某县政府办", "山东省人民政府办公厅关于印发2020年山东省政务公开工作要点的通知"],
            {
                "title": "山东省人民政府办公厅关于印发2020年山东省政务公开工作要点的通知",
                "issuer": "山东省人民政府办公厅",
                "year": 2020,
            },
            id="repost",
        ),
        pytest.param(  # a red header names the issuer
            ["某某县人民政府办公室文件", "某政办〔2020〕37号", "关于贯彻落实2020年政务公开工作要点的通知"],
            {
                "title": "关于贯彻落实2020年政务公开工作要点的通知",
                "issuer": "某某县人民政府办公室",
                "doc_number": "某政办〔2020〕37号",
                "year": 2020,
            },
            id="red-header",
        ),
        pytest.param(  # a document-sharing mirror names the document by its file
            ["《某某局2022年政务公开工作要点分工方案.docx》由会员分享,可在线阅读"],
            {"title": "某某局2022年政务公开工作要点分工方案", "issuer": "某某局", "year": 2022},
            id="file-name",
        ),
        pytest.param(  # table rows are not titles, column titles are not labels
            [
                "序号 | 名称 | 责任单位 | 完成时限",
                "名称\t责任单位\t完成时限",
                "细化权力配置信息公开,动态更新本镇各部门权责事项清单",
                "二、做好政务公开清单 | 办公室 |",
            ],
            {},
            id="rows",
        ),
    ],
)
def test_extract_metadata(lines, expected):
    assert extract_metadata(lines) == expected


def test_nothing_is_read_from_the_ledger_body():
    """A unit cell and a date cell of the table look like a signature: after the first task
    they are the ledger's, not the notice's."""
    lines = ["工作任务", "具体要求", "1.做好公开工作。", "局办公室", "2021年12月31日"]
    assert extract_metadata(lines, body_start=2) == {}


def test_apply_metadata_warns_and_overrides(tmp_path):
    record = LedgerRecord(source_path=tmp_path / "x.txt", source_file="x.txt", sha256="0", layout="prose")
    apply_metadata(record, lines=["2022年湖北省政务公开工作要点"], overrides=None)
    assert (record.title, record.year, record.jurisdiction, record.issuer) == (
        "2022年湖北省政务公开工作要点",
        2022,
        "湖北省",
        None,
    )
    assert [w.code for w in record.warnings] == ["issuer-unknown"]
    record = LedgerRecord(source_path=tmp_path / "x.txt", source_file="x.txt", sha256="0", layout="prose")
    apply_metadata(
        record,
        lines=["國務院辦公廳關于印發", "2022年廣東省政務公開工作要點的通知"],
        overrides=Overrides(year=2023, issuer="广东省人民政府办公厅"),
    )
    assert (record.year, record.issuer, record.jurisdiction) == (2023, "广东省人民政府办公厅", "广东省")
    record = LedgerRecord(source_path=tmp_path / "x.txt", source_file="x.txt", sha256="0", layout="prose")
    apply_metadata(record, lines=["廣東省人民政府辦公廳關于印發2022年政務公開工作要點的通知"], overrides=None)
    assert (record.issuer, record.jurisdiction) == ("廣東省人民政府辦公廳", "广东省")
