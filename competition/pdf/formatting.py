"""How numbers and dates are written on printed documents: the way a certificate says them.

Certificates write places and dates in Chinese numerals (第十二名, 二〇二六年十一月二十二日), as
printed honour certificates do; lists keep Arabic digits, which are easier to scan. A score is
printed with two places; a measured quantity (a time in 分钟) as it was measured, with its unit.
Both are rounded half-up (四舍五入) by `competition.scoring`, never by Python's default half-even.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from competition.core.i18n import _
from competition.models import Event
from competition.scoring import display, round_half_up
from competition.scoring.explain import Neighbour, neighbours
from competition.scoring.ranking import RESOLUTION, Ranking
from competition.scoring.values import plain

_DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def _below_ten_thousand(number: int) -> str:
    """0 < number < 10000 in full (一十二, 一百零五); the caller shortens a leading 一十."""
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
    return "".join(parts)


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五, 10000 → 一万, 10010 → 一万零一十, 120000 → 十二万.

    A city-wide contest prints places past 9,999, so the 万 group is written as well (up to
    99,999,999); a zero between groups is read once (一万零五), as the mid-number zeros are.
    """
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 10**8:
        raise ValueError(f"chinese_numeral takes 1 … 99999999, not {number!r}")
    high, low = divmod(number, 10000)
    text = _below_ten_thousand(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + _below_ten_thousand(low)
    # 十二, not 一十二, when the number starts with the tens (but 一万零一十 keeps its 一).
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
    """A score as published: rounded half-up to exactly two decimals (`scoring.display`); a
    dash where there is none."""
    if value is None:
        return "—"
    return display(value, 2)


def measure(value: Decimal | None, unit: str = "") -> str:
    """A component's score in the component's own unit.

    Points keep their two places (83.00); a quantity with a unit is written as measured, with
    the unit and without padding zeros (170 分钟, 170.5 分钟): "170.00" under a time column
    reads as a score, and a notice is read by people, not parsers."""
    if value is None or not unit:
        return score(value)
    return f"{plain(round_half_up(value, 2))} {unit}"


def measured_value(value: Decimal | None, unit: str = "") -> Decimal | None:
    """A score as a number for a spreadsheet: two places, or as measured when it has a unit
    (170, not 170.00; the unit goes in the column's heading, so the cell stays a number)."""
    if value is None:
        return None
    rounded = round_half_up(value, 2)
    if not unit:
        return rounded
    bare = rounded.normalize()
    # 1.7E+2 would be written in scientific notation: back to an integer exponent of 0.
    return bare.quantize(Decimal(1)) if bare.as_tuple().exponent > 0 else bare


# ---------------------------------------------------------------- places explained
_BRACKETS = re.compile(r"[（(].*?[)）]")


def _short_name(name: str) -> str:
    """A component's name without its bracketed note: 操作用时(分钟) → 操作用时."""
    return _BRACKETS.sub("", name).strip() or name


def place_note_text(
    event: Event, notes: Sequence[Neighbour] | None, words: dict[str, str] | None = None
) -> str:
    """A place explained from its own row: which place it shares the total with, what
    separated them and in which direction, or that a ruling is awaited. The one wording of the
    pages, the printed notice and the export."""
    if not notes:
        return ""
    words = words or _note_words()
    return "；".join(_note(event, note, words) for note in notes)


def place_notes(
    event: Event, rankings: Ranking | Iterable[Ranking], only: Collection[int] | None = None
) -> dict[int, str]:
    """Contestant id → `place_note_text` of their row, for a ranking (or each unit's own);
    with `only`, for those rows alone (the page of rows a reader is shown).

    The wording is looked up in the catalog once for the whole ranking: at 10,000 people with
    many equal totals, a lookup per row cost the public results page most of its time."""
    words = _note_words()
    return {
        cid: place_note_text(event, found, words)
        for cid, found in neighbours(rankings, only).items()
    }


def _note_words() -> dict[str, str]:
    """The notes' wording in the reader's language, as %-templates (Flask-Babel's gettext
    formats only when given values)."""
    return {
        "awaited": _("与第%(rank)d名成绩完全相同，待裁定"),
        "ruled_above": _("与第%(rank)d名成绩完全相同，经裁定排在其前"),
        "ruled_below": _("与第%(rank)d名成绩完全相同，经裁定排在其后"),
        "higher": _("成绩较高"),
        "fewer": _("较少"),
        "lower": _("成绩较低"),
        "more": _("较多"),
        "separated": _("与第%(rank)d名总分相同，%(name)s%(word)s"),
    }


def _note(event: Event, note: Neighbour, words: dict[str, str]) -> str:
    if note.by is None:
        return words["awaited"] % {"rank": note.rank}
    if note.by == RESOLUTION:
        return words["ruled_above" if note.above else "ruled_below"] % {"rank": note.rank}
    component = event.component(note.by)
    name = _short_name(component.name) if component is not None else note.by
    better = component is None or component.higher_is_better
    if note.above:
        word = words["higher"] if better else words["fewer"]
    else:
        word = words["lower"] if better else words["more"]
    return words["separated"] % {"rank": note.rank, "name": name, "word": word}
