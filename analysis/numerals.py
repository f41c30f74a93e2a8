"""Numbers as ledgers write them: Arabic (20, 4.5, full-width ２０) or Chinese (一, 十一, 两百).

A small converter of our own rather than a dependency: ledgers only use plain counting numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MYRIADS = {"万": 10_000, "亿": 100_000_000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

# The characters a Chinese numeral is made of, for building patterns.


def to_decimal(text: str) -> Decimal | None:
    """The value of an Arabic or Chinese numeral, or None if ``text`` is not one."""
    text = text.strip().translate(_FULL_WIDTH)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        elif char in _MYRIADS:
            total = (total + section + (digit or 0)) * _MYRIADS[char]
            section, digit = 0, None
        else:
            return None
    return Decimal(total + section + (digit or 0))


def to_int(text: str) -> int | None:
    value = to_decimal(text)
    return int(value) if value is not None and value == value.to_integral_value() else None
