"""Shared assertion for the per-layout tests: a task's indicator path, number, raw lead and other
unit cells and deadline text, exactly as the sample prints them."""

from __future__ import annotations


def check(task, number, indicators, text_start, lead, other, deadline):
    assert task.number == number
    assert task.indicators == indicators
    assert task.text.startswith(text_start)
    assert [u.text for u in task.units if u.role.value == "lead"] == lead
    assert [u.text for u in task.units if u.role.value != "lead"] == other
    assert task.deadline == deadline
