"""Every reading of a text file and the choice among them (loaders/__init__.py: readings(),
read_ledger(), the refusal, _mark_cut_row).

Each text is small and written here in one of the conventions a ledger arrives in; the test
says which reading the file should get and the tasks it must give, value by value."""

from __future__ import annotations

import pytest

from zwgk.errors import InputError
from zwgk.loaders import WHOLE_ROWS, Source, read_ledger, readings
from zwgk.loaders.score import plausibility

ROWS = [
    ("1", "做好政府信息主动公开工作，及时发布政策文件。", "县政府办公室", "2024年12月底前"),
    ("2", "推进预算决算信息公开，细化公开内容。", "县财政局", "长期坚持"),
    ("3", "加强政策解读，回应社会关切。", "县政府办公室、县融媒体中心", "持续推进"),
]
MARKDOWN = (
    "\n".join(
        [
            "| 序号 | 主要任务 | 责任单位 | 完成时限 |",
            "| --- | --- | --- | --- |",
            *(f"| {n} | {text} | {unit} | {deadline} |" for n, text, unit, deadline in ROWS),
        ]
    )
    + "\n"
)


def write(tmp_path, text: str, name: str = "ledger.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tasks(record):
    """(number, text, [(unit text, role, inherited)], deadline) per task."""
    return [
        (t.number, t.text, [(u.text, u.role.value, u.inherited) for u in t.units], t.deadline) for t in record.tasks
    ]


EXPECTED = [(n, text, [(unit, "lead", False)], deadline) for n, text, unit, deadline in ROWS]


def test_markdown_table_read_whole(tmp_path):
    """Every row printed whole on its line: the bar-rows reading, preferred by WHOLE_ROWS to the
    cell-stream reading that finds the same tasks by guessing rows."""
    path = write(tmp_path, MARKDOWN)
    found = readings(Source(path))
    assert found[0].layout.name == "bar-rows"
    assert found[0].plausibility == pytest.approx(
        plausibility(found[0].record, lines=Source(path).lines).value + WHOLE_ROWS
    )
    assert [r.plausibility for r in found] == sorted((r.plausibility for r in found), reverse=True)
    record = read_ledger(path)
    assert record.layout == "bar-rows"
    assert tasks(record) == EXPECTED
    assert [t.line for t in record.tasks] == [3, 4, 5]
    assert not [w for w in record.warnings if w.code == "truncated"]


def test_full_width_bars(tmp_path):
    record = read_ledger(write(tmp_path, MARKDOWN.replace("|", "｜")))
    assert record.layout == "bar-rows"
    assert tasks(record) == EXPECTED


def test_full_width_bars_without_outer_bars(tmp_path):
    text = "序号｜主要任务｜责任单位｜完成时限\n" + "".join(f"{n}｜{t}｜{u}｜{d}\n" for n, t, u, d in ROWS)
    record = read_ledger(write(tmp_path, text))
    assert record.layout == "bar-rows"
    assert tasks(record) == EXPECTED


def test_full_width_commas(tmp_path):
    rows = [(n, text.replace("，", "；"), unit, deadline) for n, text, unit, deadline in ROWS]
    text = "序号，主要任务，责任单位，完成时限\n" + "".join(f"{n}，{t}，{u}，{d}\n" for n, t, u, d in rows)
    record = read_ledger(write(tmp_path, text))
    assert record.layout == "comma-rows"
    assert tasks(record) == [(n, t, [(u, "lead", False)], d) for n, t, u, d in rows]


ALIGNED = """序号  主要任务                          责任单位      完成时限
1     做好政府信息主动公开工作。        县政府办公室  年底前
2     推进预算决算信息公开。                          长期坚持
3     加强政策解读，回应社会关切。      县财政局      持续推进
"""


def test_columns_aligned_by_spaces(tmp_path):
    """Row 2 leaves its unit cell empty: the deadline stays in its column, and the empty unit
    cell stays empty — a numbered row starts its own block, and plain text shows no merge, so
    nothing is copied from the row above (validation then reports the missing lead unit)."""
    record = read_ledger(write(tmp_path, ALIGNED))
    assert record.layout == "space-rows"
    assert tasks(record) == [
        ("1", "做好政府信息主动公开工作。", [("县政府办公室", "lead", False)], "年底前"),
        ("2", "推进预算决算信息公开。", [], "长期坚持"),
        ("3", "加强政策解读，回应社会关切。", [("县财政局", "lead", False)], "持续推进"),
    ]
    assert record.tasks[1].inherited == frozenset()


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_key_points_are_read_not_refused(tmp_path, gap):
    """A title, one 一、 section and two （一）（二） items: a small key-points text is a ledger."""
    text = (
        gap.join(
            [
                "某某县2024年政务公开工作要点",
                "一、加强重点领域信息公开",
                "（一）做好财政预决算信息公开。按照规定时限公开部门预算、决算和“三公”经费。",
                "（二）推进重大建设项目信息公开。及时公开项目批准和实施信息。",
            ]
        )
        + "\n"
    )
    record = read_ledger(write(tmp_path, text))
    assert record.layout == "prose"
    assert record.title == "某某县2024年政务公开工作要点"
    assert record.year == 2024
    assert [(t.number, t.indicators, t.text) for t in record.tasks] == [
        (
            "（一）",
            ("一、加强重点领域信息公开",),
            "做好财政预决算信息公开。按照规定时限公开部门预算、决算和“三公”经费。",
        ),
        ("（二）", ("一、加强重点领域信息公开",), "推进重大建设项目信息公开。及时公开项目批准和实施信息。"),
    ]


TRADITIONAL_ROWS = [
    ("1", "做好政府信息主動公開工作，及時發布政策文件。", "縣政府辦公室", "2024年12月底前"),
    ("2", "推進預算決算信息公開，細化公開內容。", "縣財政局", "長期堅持"),
]


def test_traditional_character_table(tmp_path):
    """任務內容/責任單位 are the header words 任务内容/责任单位; the cells keep their characters."""
    text = "序號\t任務內容\t責任單位\t完成時限\n" + "".join(f"{n}\t{t}\t{u}\t{d}\n" for n, t, u, d in TRADITIONAL_ROWS)
    record = read_ledger(write(tmp_path, text))
    assert record.layout == "tsv"
    assert tasks(record) == [(n, t, [(u, "lead", False)], d) for n, t, u, d in TRADITIONAL_ROWS]


def test_traditional_character_markdown_table(tmp_path):
    text = (
        "\n".join(
            [
                "| 序號 | 任務內容 | 責任單位 | 完成時限 |",
                "| --- | --- | --- | --- |",
                *(f"| {n} | {t} | {u} | {d} |" for n, t, u, d in TRADITIONAL_ROWS),
            ]
        )
        + "\n"
    )
    record = read_ledger(write(tmp_path, text))
    assert tasks(record) == [(n, t, [(u, "lead", False)], d) for n, t, u, d in TRADITIONAL_ROWS]


def test_invisible_characters_are_removed_when_read(tmp_path):
    """A zero-width space inside 县财政局 would make two names of one."""
    record = read_ledger(write(tmp_path, MARKDOWN.replace("县财政局", "县财\u200b政局")))
    assert record.tasks[1].units[0].text == "县财政局"


def test_refusal_says_what_was_found(tmp_path):
    path = write(tmp_path, "各位同事：\n本周五下午召开全体会议，请准时参加。\n会议地点在三楼会议室。\n", "notice.txt")
    assert readings(Source(path)) == []
    with pytest.raises(InputError) as caught:
        read_ledger(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 1
    assert error.reason == (
        "no ledger found: 3 non-empty lines beginning '各位同事：'; no numbered lines; no column titles"
    )
    assert str(path) in str(error)
    assert "序号/主要任务/牵头单位/责任单位/完成时限" in error.expected


def test_refusal_names_a_header_without_rows(tmp_path):
    path = write(tmp_path, "| 序号 | 主要任务 | 责任单位 |\n| --- | --- | --- |\n")
    with pytest.raises(InputError) as caught:
        read_ledger(path)
    assert caught.value.reason == (
        "no ledger found: 2 non-empty lines beginning '| 序号 | 主要任务 | 责任单位 |'; "
        "no numbered lines; column titles 主要任务/序号/责任单位 but no rows under them"
    )


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        read_ledger(write(tmp_path, "\n  \n"))
    assert caught.value.reason == "the file is empty"


def test_layout_forces_a_reader(tmp_path):
    record = read_ledger(write(tmp_path, MARKDOWN), layout="bar-cells")
    assert record.layout == "bar-cells"
    assert tasks(record) == EXPECTED


def test_unknown_layout_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        read_ledger(write(tmp_path, MARKDOWN), layout="no-such-layout")
    assert caught.value.reason == "unknown layout 'no-such-layout'"


CUT_TABLE = (
    "序号\t工作任务\t具体要求\t责任单位\t完成时限\n"
    "1\t推进政策公开\t及时公开政策文件，做好解读。\t县政府办公室\t年底前\n"
    "2\t\t公开预算决算，细化公开内容。\t\t长期坚持\n"
    "3\t\t加强政策解读，回应社会关切，做好"
)


def test_cut_last_row_warns_and_inherits_nothing(tmp_path):
    """The text stops inside row 3: its task is kept with a 'truncated' warning on line 4, and the
    unit and deadline that its empty cells would have inherited are not on the page. Row 2 is
    numbered, so it starts its own block: its empty unit cell stays empty, its indicator (printed
    once for the block) is inherited."""
    record = read_ledger(write(tmp_path, CUT_TABLE))
    assert record.layout == "tsv"
    cut = [w for w in record.warnings if w.code == "truncated"]
    assert [w.line for w in cut] == [4]
    assert tasks(record) == [
        ("1", "及时公开政策文件，做好解读。", [("县政府办公室", "lead", False)], "年底前"),
        ("2", "公开预算决算，细化公开内容。", [], "长期坚持"),
        ("3", "加强政策解读，回应社会关切，做好", [], None),
    ]
    assert record.tasks[2].inherited == frozenset()
    assert not record.tasks[2].deadline_inherited
    assert all(t.indicators == ("推进政策公开",) for t in record.tasks)


def test_whole_last_row_is_not_cut(tmp_path):
    record = read_ledger(write(tmp_path, CUT_TABLE.replace("关切，做好", "关切。\t\t持续推进\n")))
    assert not [w for w in record.warnings if w.code == "truncated"]
    assert tasks(record)[2] == ("3", "加强政策解读，回应社会关切。", [], "持续推进")


def test_a_reader_that_fails_does_not_stop_the_others(tmp_path, monkeypatch):
    """A defect in one reader (here the bar-cells reader made to raise) is reported as a warning
    on the reading that is kept, and the table is read by the others."""
    import dataclasses

    import zwgk.loaders.stream as stream

    def broken(source):
        raise ValueError("a defect")

    monkeypatch.setattr(stream, "BAR_LAYOUT", dataclasses.replace(stream.BAR_LAYOUT, read=broken))
    path = tmp_path / "t.md"
    path.write_text(
        "| 序号 | 主要任务 | 责任单位 | 完成时限 |\n|---|---|---|---|\n"
        "| 1 | 公开本机关预算决算。 | 县财政局 | 年底前 |\n"
        "| 2 | 及时公开政策文件。 | 县政府办 | 常态化 |\n",
        encoding="utf-8",
    )
    record = read_ledger(path)
    assert [t.text for t in record.tasks] == ["公开本机关预算决算。", "及时公开政策文件。"]
    failures = [w for w in record.warnings if w.code == "reader-failed"]
    assert len(failures) == 1 and "bar-cells" in failures[0].en and "ValueError" in failures[0].en


def test_a_two_row_tab_table_cut_in_its_last_row_is_read(tmp_path):
    """The smallest real case: a header, one row, and a row cut after its task; the cut row is
    kept, warned about, and inherits no unit (its own cell is not on the page)."""
    path = tmp_path / "cut.txt"
    path.write_text(
        "工作任务\t具体要求\t责任单位\n一、做好政策解读\t1.加强解读。\t县政府办\n\t2.加强回应关切，及时",
        encoding="utf-8",
    )
    record = read_ledger(path)
    assert record.layout == "tsv"
    assert [(t.number, t.indicators, [u.text for u in t.units]) for t in record.tasks] == [
        ("1", ("一、做好政策解读",), ["县政府办"]),
        ("2", ("一、做好政策解读",), []),
    ]
    assert record.tasks[1].truncated and [w.line for w in record.warnings if w.code == "truncated"] == [3]


def test_a_wrong_suffix_is_a_warning_not_a_refusal(tmp_path):
    """The content decides how a file is read: a text table saved as .xls is read as text, and
    a .docx saved as .wps as the .docx it is, each with a wrong-suffix warning."""
    import docx
    from conftest import SAMPLE

    text = tmp_path / "ledger.xls"
    text.write_bytes(SAMPLE["004"].read_bytes())
    record = read_ledger(text)
    assert record.layout == "tsv" and len(record.tasks) == 37
    assert [w.code for w in record.warnings][:1] == ["wrong-suffix"]

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [
            ["序号", "主要任务", "责任单位"],
            ["1", "公开预算决算。", "县财政局"],
            ["2", "公开政府工作报告。", "县政府办"],
        ],
    ):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    renamed = tmp_path / "ledger.wps"
    document.save(renamed)
    record = read_ledger(renamed)
    assert record.layout == "docx" and [t.text for t in record.tasks] == ["公开预算决算。", "公开政府工作报告。"]
    assert record.warnings[0].code == "wrong-suffix" and ".wps" in record.warnings[0].en
