"""The shared table rules on small hand-written inputs, so that a failure names the rule."""

from __future__ import annotations

import json

import pytest

from zwgk.loaders import read_ledger
from zwgk.loaders.table import Cell, Grid, cell_kind, grid_to_tasks, is_units, join_cjk, read_header
from zwgk.model import Role
from zwgk.resources import read_text


def _grid(titles, rows):
    return Grid(
        header=read_header(titles),
        rows=[[Cell(text=t, line=i + 2) if t else None for t in row] for i, row in enumerate(rows)],
    )


def test_merged_cells_inherit_within_block():
    tasks = grid_to_tasks(
        _grid(
            ["重点任务", "主要任务", "牵头单位"],
            [["一、公开", "任务甲", "县财政局"], ["", "任务乙", ""], ["二、解读", "任务丙", ""]],
        )
    )
    assert [(t.indicators, t.units[0].text if t.units else None, t.inherited) for t in tasks] == [
        (("一、公开",), "县财政局", frozenset()),
        (("一、公开",), "县财政局", frozenset({"leadUnit"})),
        (("二、解读",), None, frozenset()),
    ]


def test_no_lead_column_makes_responsible_the_lead():
    header = read_header(["序号", "主要任务", "责任单位"])
    assert [c.role for c in header.columns] == ["number", "task", "lead"]


def test_unknown_header_words_are_reported():
    assert read_header(["主要任务", "牵头单位", "奇怪列"]).unknown == ("奇怪列",)


def test_innermost_indicator_is_the_task_without_task_column():
    assert [c.role for c in read_header(["内容", "一级指标", "二级指标", "牵头处室"]).columns] == [
        "indicator",
        "indicator",
        "task",
        "lead",
    ]


def test_row_without_task_text_adds_units_to_task_above():
    tasks = grid_to_tasks(_grid(["主要任务", "牵头单位"], [["任务甲", "秘书处"], ["", "指挥通信处"]]))
    assert len(tasks) == 1 and [u.text for u in tasks[0].units] == ["秘书处", "指挥通信处"]


def test_multi_line_cells():
    assert join_cjk("常态化\n开展") == "常态化开展"
    tasks = grid_to_tasks(_grid(["主要任务", "牵头单位"], [["任务甲", "县政府各部门  直属机构"]]))
    assert tasks[0].units[0].text == "县政府各部门 直属机构" and tasks[0].units[0].role == Role.LEAD


def test_cell_kinds():
    assert [
        cell_kind(t)
        for t in ["常态化", "9月底前", "政府网站", "主管单位  考核", "考核办 政府办", "各镇\n直属机构", "依法公开。"]
    ] == ["deadline", "deadline", "channel", "channel", "lead", "lead", "unknown"]


def test_page_break_reprint_makes_no_duplicate_indicator(tmp_path):
    text = (
        "序号\n\n一级指标\n\n二级指标\n\n主要任务\n\n责任单位\n\n完成时限\n\n"
        "1\n\n一、公开\n\n(一)主动公开\n\n公开预算。\n\n财政局\n\n常态化\n\n开展\n\n"
        "2\n\n一、公开\n\n(一)主动公开\n\n公开决算。\n\n"
        "3\n\n(二)依申请公开\n\n答复申请。\n\n政府办\n\n"
    )
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    record = read_ledger(path)
    assert record.layout in ("cell-per-line", "paragraph-cells")
    assert [(t.number, t.indicators, t.units[0].text, t.deadline) for t in record.tasks] == [
        ("1", ("一、公开", "(一)主动公开"), "财政局", "常态化开展"),
        ("2", ("一、公开", "(一)主动公开"), "财政局", "常态化开展"),
        ("3", ("一、公开", "(二)依申请公开"), "政府办", "常态化开展"),
    ]


# Unit endings and role markers are listed once, in analysis/data/agencies.json: the loaders'
# unit-cell patterns are built from that file, not from a list of their own.

_AGENCIES = ("analysis", "data", "agencies.json")


def _clear_unit_vocabulary_caches():
    from zwgk.analysis import agencies
    from zwgk.loaders import stream, table
    from zwgk.ontology import builder

    for cached in (
        agencies._data,
        agencies._vocabulary,
        agencies.unit_words,
        table.unit_patterns,
        stream._marked,
        stream.looks_like_units,
        *builder.ANALYSIS_CACHES,
    ):
        cached.cache_clear()


@pytest.fixture
def agencies_json(monkeypatch):
    """Edit agencies.json as the loaders and ``analysis.agencies`` read it: the test's
    ``edit(data)`` changes the parsed file, and every cache built from it is dropped."""
    from zwgk.analysis import agencies

    real = agencies.read_text

    def use(edit):
        def read_text(*parts):
            text = real(*parts)
            if parts != _AGENCIES:
                return text
            data = json.loads(text)
            edit(data)
            return json.dumps(data, ensure_ascii=False)

        monkeypatch.setattr(agencies, "read_text", read_text)
        _clear_unit_vocabulary_caches()

    yield use
    monkeypatch.undo()
    _clear_unit_vocabulary_caches()


def test_a_unit_suffix_added_to_agencies_json_is_recognised_by_the_loaders(agencies_json):
    from zwgk.analysis.agencies import split_units
    from zwgk.loaders.prose import units_in_text
    from zwgk.loaders.stream import looks_like_units

    cell = "城关坊\n西关坊"
    assert not is_units(cell) and not looks_like_units("城关坊、西关坊")
    assert [m.name for m in split_units("城关坊 西关坊", role=Role.LEAD)] == ["城关坊西关坊"]

    agencies_json(lambda data: data["unit_suffixes"].append("坊"))
    assert is_units(cell) and cell_kind(cell) == "lead"
    assert looks_like_units("城关坊、西关坊")
    assert [(u.text, u.role) for u in units_in_text("由城关坊牵头，西关坊配合。", line=1)] == [
        ("城关坊", Role.LEAD),
        ("西关坊", Role.COOPERATING),
    ]
    # The splitting of unit cells reads the same list: two whole names, not one wrapped name.
    assert [m.name for m in split_units("城关坊 西关坊", role=Role.LEAD)] == ["城关坊", "西关坊"]


def test_a_role_marker_added_to_agencies_json_is_recognised_by_the_loaders(agencies_json):
    from zwgk.analysis.agencies import split_units
    from zwgk.loaders.prose import units_in_text

    assert not is_units("区财政局主抓")
    agencies_json(lambda data: data["lead_markers"].append("主抓"))
    assert is_units("区财政局主抓")
    assert [(u.text, u.role) for u in units_in_text("区财政局主抓，区民政局配合。", line=1)] == [
        ("区财政局", Role.LEAD),
        ("区民政局", Role.COOPERATING),
    ]
    assert [(m.name, m.role) for m in split_units("区财政局主抓、区民政局", role=Role.LEAD)] == [
        ("区财政局", Role.LEAD),
        ("区民政局", Role.RESPONSIBLE),
    ]


def test_every_ending_and_marker_of_agencies_json_makes_a_unit_cell():
    from zwgk.analysis.agencies import unit_words

    words = unit_words()
    assert [s for s in words.suffixes + words.cell_only_suffixes if not is_units("区某某" + s)] == []
    markers = [w for role_words in words.markers.values() for w in role_words]
    assert [m for m in markers if not is_units("区财政局" + m)] == []
    assert [m for m in markers if not is_units("区财政局按职责分工" + m)] == []


def test_the_loaders_list_no_unit_endings_or_role_markers_of_their_own():
    words = json.loads(read_text("loaders", "cell_words.json"))
    assert not {"unit_suffix", "role_markers", "role_marker_any", "unit_verbs"} & set(words)


def test_units_in_prose_are_not_read_from_verbs_that_are_markers_only_in_cells():
    from zwgk.loaders.prose import units_in_text

    # 落实 marks a responsible unit in a unit cell (各科室按职责分工落实), but in running prose
    # it is the ordinary verb of 落实情况: no unit is read from it.
    assert is_units("各科室按职责分工落实")
    assert units_in_text("将各地人防部门和机关各处室落实政务公开工作情况纳入考评体系。", line=1) == []
