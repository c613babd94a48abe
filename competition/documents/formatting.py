"""How numbers and dates are written on printed documents: the way a certificate says them.

Certificates write places and dates in Chinese numerals (第十二名, 二〇二六年十一月二十二日), as
printed honour certificates do; lists keep Arabic digits, which are easier to scan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

_DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (1 … 9999)."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 10000:
        raise ValueError(f"chinese_numeral takes 1 … 9999, not {number!r}")
    parts: list[str] = []
    rest = number
    gap = False
    for value, unit in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if gap:
                parts.append("零")
            parts.append(_DIGITS[digit] + unit)
            gap = False
        elif parts:
            gap = True
    if rest:
        if gap:
            parts.append("零")
        parts.append(_DIGITS[rest])
    text = "".join(parts)
    # 十二, not 一十二, when the number starts with the tens.
    return text[1:] if text.startswith("一十") else text


def place_text(place: int) -> str:
    """A place as a certificate says it: 第一名."""
    return f"第{chinese_numeral(place)}名"


def chinese_date(day: date) -> str:
    """2026-11-22 → 二〇二六年十一月二十二日 (the year digit by digit, as written on seals)."""
    year = "".join(_DIGITS[int(d)] for d in f"{day.year:04d}")
    return f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar day of a stored (UTC) moment where the contest is held."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def iso_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def score(value: Decimal | None) -> str:
    """A score as published: exactly two decimals; a dash where there is none."""
    if value is None:
        return "—"
    return str(value.quantize(Decimal("0.01")))
