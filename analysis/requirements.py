"""Quantitative requirements inside task text (20个工作日内, 不低于4%)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Requirement:
    text: str
    kind: str
    value: Decimal
    unit: str
    comparator: str
    per: str | None = None


def find_requirements(text: str) -> list[Requirement]:
    return []
