"""Resident identity numbers (居民身份证号码, GB 11643): 17 digits and a check character, so a
typo is caught where the number is typed or imported rather than on a certificate. The number
is taken as stored (`competition.core.normalise.id_number`)."""

from __future__ import annotations

import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(body: str) -> str:
    """The 18th character of the number whose first 17 digits are `body`."""
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def check_id_number(value: str) -> str | None:
    """An error message for a malformed resident identity number, or None."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为 18 位，最后一位可为数字或 X"
    if check_character(value[:17]) != value[17]:
        return "身份证号校验位不正确，请核对"
    return None
