"""The indicator path of a table whose rows print only some of their headings.

A vertically merged heading is printed once (or again after a page break), so a row shows the
headings that changed: numbered ones (一、, （一）) say their level by their numbering style, the
unnumbered ones fill the levels that remain. Shared by the readers of cell streams."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outline import heading
from .table import join_cjk

_NUMBERED = {"chapter", "cn", "paren-cn"}


@dataclass
class HeadingCell:
    text: str
    line: int
    explicit_empty: bool = False

    @property
    def flat(self) -> str:
        return label(self.text)


def label(text: str) -> str:
    """A heading as printed with its line-wrap spaces removed: ``(一)  主动  公开`` → ``(一)主动公开``."""
    return re.sub(r"^([（(][^）)]{1,4}[）)])\s+", r"\1", join_cjk(text))


class Hierarchy:
    """The indicator path as the rows print it: numbered headings by their outline depth, the
    unnumbered ones fill the remaining indicator levels (outermost first when an outer heading
    or an empty cell after them shows they start a new branch, else innermost first)."""

    def __init__(self, *, levels: int, numbered: list[int]):
        self.numbered = numbered[:levels]
        self.levels = levels
        self.state: list[str | None] = [None] * levels

    def _set(self, index: int, text: str | None) -> None:
        if self.state[index] != text:
            self.state[index] = text
            for deeper in range(index + 1, self.levels):
                self.state[deeper] = None

    def update(self, pre: list[HeadingCell]) -> tuple[str, ...]:
        outer = False
        plain: list[HeadingCell] = []
        for cell in pre:
            found = heading(cell.flat) if not cell.explicit_empty else None
            if found and found.style in _NUMBERED and found.depth in self.numbered:
                self._set(self.numbered.index(found.depth), cell.flat)
                outer = True
            else:
                plain.append(cell)
        slots = list(range(len(self.numbered), self.levels))
        texts = [c.flat for c in plain if not c.explicit_empty]
        if slots:
            if len(texts) >= len(slots):
                values = texts[: len(slots) - 1] + ["".join(texts[len(slots) - 1 :])]
                for slot, value in zip(slots, values):
                    self._set(slot, value)
            elif texts:
                blank_after = bool(plain) and plain[-1].explicit_empty
                chosen = slots[: len(texts)] if outer or blank_after else slots[-len(texts) :]
                for slot, value in zip(chosen, texts):
                    self._set(slot, value)
                if outer or blank_after:
                    for slot in slots[len(texts) :]:
                        self.state[slot] = None
            elif plain:
                self.state[slots[-1]] = None
        elif texts:
            self._set(self.levels - 1, "".join(texts))
        return tuple(s for s in self.state if s)
