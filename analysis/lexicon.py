"""The one jieba tokenizer of zwgk, built lazily and once per process.

jieba costs ~0.65 s per process to build or load its dictionary, so nothing imports it until a
cell actually needs word boundaries (``民政局司法局`` written without a separator). We use a
private ``jieba.Tokenizer`` rather than jieba's global one so that our user dictionary of agency
names and genre words (``analysis/data/userdict.txt``, tagged ``nt``/``n``) never changes what
other code in the process gets from ``jieba.cut``. jieba's default cache lives in the system's
temporary folder, which breaks for a second user of the machine; ours lives in the user's cache
folder (``$XDG_CACHE_HOME/zwgk`` or ``~/.cache/zwgk``) and is reused between runs."""

from __future__ import annotations

import functools
import io
import os
import threading
from pathlib import Path
from typing import Any

from ..resources import package_file

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def cache_dir() -> Path:
    """The user's cache folder for zwgk (XDG base directory specification)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zwgk"


def cache_file() -> Path:
    """Where jieba's prefix dictionary is cached between runs."""
    return cache_dir() / "jieba.cache"


def _build() -> dict[str, Any]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(folder)
    tokenizer.cache_file = cache_file().name
    tokenizer.initialize()
    tokenizer.load_userdict(io.BytesIO(package_file("analysis", "data", "userdict.txt").read_bytes()))
    return {"tokenizer": tokenizer}


def _state() -> dict[str, Any]:
    # Built under a lock: adding user words while another thread cuts is not safe in jieba.
    if not _STATE:
        with _LOCK:
            if not _STATE:
                _STATE.update(_build())
    return _STATE


def is_loaded() -> bool:
    """Whether jieba has been initialised in this process (for tests and diagnostics)."""
    return bool(_STATE)


def cut(text: str) -> list[str]:
    """Words of ``text`` by jieba with the zwgk user dictionary."""
    return list(_cut(text))


@functools.lru_cache(maxsize=1 << 16)
def _cut(text: str) -> tuple[str, ...]:
    # Counties copy their province's template, so a load meets the same task texts and unit
    # names again and again: remembering the words of the last 65,536 texts spares jieba's
    # dictionary walk on most of them (a fifth of a worker's time on a template-derived corpus).
    return tuple(_state()["tokenizer"].cut(text, HMM=False))


def runs(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that jieba segments with its dictionary: the runs of Chinese
    characters, letters, digits and ``+#&._%-`` (jieba's own pattern). jieba cuts each run on its
    own and never makes a word across a run's edge, so the words of a run cut alone are the
    text's words there: who needs the word boundaries at one place cuts only the run around it
    (``run_edges``), and at a run's edge needs no cutting at all."""
    from jieba import re_han_default

    return [match.span() for match in re_han_default.finditer(text)]


def run_edges(run: str) -> frozenset[int]:
    """The offsets in a run (``runs``) where a jieba word begins or ends, 0 and its length
    included."""
    edges, offset = {0}, 0
    for word in _cut(run):
        offset += len(word)
        edges.add(offset)
    return frozenset(edges)


def _posseg() -> Any:
    # The tagger reads jieba's whole tagged dictionary (about 2 s), which word-splitting alone
    # never needs: it is built only when a caller first asks for tags.
    state = _state()
    if "posseg" not in state:
        with _LOCK:
            if "posseg" not in state:
                import jieba.posseg

                state["posseg"] = jieba.posseg.POSTokenizer(state["tokenizer"])
    return state["posseg"]


def tag(text: str) -> list[tuple[str, str]]:
    """Words of ``text`` with their part-of-speech tags (``nt`` marks organisation names)."""
    return [(pair.word, pair.flag) for pair in _posseg().cut(text, HMM=False)]
