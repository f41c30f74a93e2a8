"""jieba: loaded lazily and once, with zwgk's user dictionary, its cache in the user's cache
folder; never imported by the commands that do not need it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from zwgk.analysis import lexicon


def _run(code: str, *, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return result.stdout.strip()


def test_cli_help_and_read_commands_do_not_import_jieba(tmp_path):
    out = _run(f"""
        import sys
        import zwgk.cli as cli
        for args in (["--help"], ["--store", {str(tmp_path / "none")!r}, "ledgers"]):
            try:
                cli.main.main(args=args, standalone_mode=False)
            except BaseException:
                pass
        for name in ("query", "export"):
            if name in cli.main.commands:
                try:
                    cli.main.main(args=[name, "--help"], standalone_mode=False)
                except BaseException:
                    pass
        print("jieba" in sys.modules)
    """)
    assert out.splitlines()[-1] == "False"


def test_splitting_unit_cells_with_separators_does_not_need_jieba(samples):
    """jieba is started once per loading process (topics are read from its words), but reading
    the ledger's unit cells needs it only for run-on names such as 民政局司法局."""
    out = _run(f"""
        import sys
        from zwgk.loaders import read_ledger
        from zwgk.analysis.agencies import split_units
        record = read_ledger({str(samples["004"])!r})
        for task in record.tasks:
            for cell in task.units:
                split_units(cell.text, role=cell.role)
        print("jieba" in sys.modules)
    """)
    assert out == "False"


def test_cache_lives_in_the_users_cache_folder(tmp_path):
    out = _run(
        """
        from zwgk.analysis import lexicon
        print(lexicon.cut("民政局司法局"))
        print(lexicon.cache_file())
    """,
        env={"XDG_CACHE_HOME": str(tmp_path)},
    )
    words, path = out.splitlines()[-2:]
    assert words == "['民政局', '司法局']"
    assert path == str(tmp_path / "zwgk" / "jieba.cache")
    assert (tmp_path / "zwgk" / "jieba.cache").stat().st_size > 1_000_000


def test_user_dictionary_keeps_agency_names_whole():
    assert lexicon.cut("区委编办") == ["区委编办"]
    assert lexicon.cut("考核办政府办") == ["考核办", "政府办"]
    assert ("区委编办", "nt") in lexicon.tag("区委编办")
    assert lexicon.is_loaded()
