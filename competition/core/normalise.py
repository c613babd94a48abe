"""The one normalisation of what people type or import: names, units, numbers, identity numbers.

A Chinese input method in full-width mode types "８６．５", "（北京）" and "１１０１…"; forms pad
two-character names to three ("王  伟", "孙　丽"); Excel and exam systems add their own spaces.
Everything that identifies someone or something, or is a number, goes through these functions
once, on the way in (the services call them, so the API, the pages and the imports agree), and
equal things then compare equal.

Why not NFKC on every string: it would also turn the full-width comma, colon and brackets of
free Chinese text (reasons, comments) into ASCII ones. Names and numbers are normalised; prose
is only trimmed.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ABSENCE_WORDS",
    "absence_status",
    "contest_number",
    "decimal_text",
    "has_cjk",
    "heading",
    "id_number",
    "person_name",
    "plain",
    "unit_name",
]

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_SPACES = re.compile(r"\s+")
# The dots that separate the parts of a transcribed name (买买提·艾力): katakana and bullet
# variants typed for the middle dot all become U+00B7.
_NAME_DOTS = str.maketrans({"\u30fb": "·", "\u2022": "·", "\u2027": "·", "\u2219": "·"})
# Inside Chinese text the brackets are printed full-width: "(北京)" and "（北京）" are one name,
# stored as the latter (NFKC alone would store the ASCII form and print it on certificates).
_CJK_BRACKETS = str.maketrans({"(": "（", ")": "）"})
# An input method's ideographic full stop typed for a decimal point.
_DECIMAL_POINTS = str.maketrans({"。": ".", "·": "."})


def has_cjk(value: str) -> bool:
    return _CJK.search(value) is not None


def plain(value: str) -> str:
    """NFKC, white space trimmed and runs of it made one space: the base of the others."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def person_name(value: str) -> str:
    """A person's name: spaces inside a Chinese name removed ("王  伟" → "王伟"), a middle dot
    kept (买买提·艾力); a Latin name keeps single spaces between its words."""
    name = plain(value).translate(_NAME_DOTS)
    if has_cjk(name):
        name = name.replace(" ", "")
        name = re.sub(r"\s*·\s*", "·", name)
    return name


def unit_name(value: str) -> str:
    """An enterprise's name: NFKC; inside Chinese text full-width brackets and no stray
    spaces next to them, so "（北京）", "(北京)" and "( 北京 )" are one unit."""
    name = plain(value)
    if has_cjk(name):
        name = name.translate(_CJK_BRACKETS)
        name = re.sub(r"\s*（\s*", "（", name)
        name = re.sub(r"\s*）\s*", "）", name)
    return name


def contest_number(value: str) -> str:
    """A contest number as judges see it: NFKC, no spaces, letters upper case, leading zeros
    kept ("００１" → "001")."""
    return plain(value).replace(" ", "").upper()


def id_number(value: str) -> str:
    """A resident identity number in ASCII, as checked and stored: full-width digits and a
    lower-case x become "0"-"9" and "X", spaces and hyphens dropped."""
    return plain(value).replace(" ", "").replace("-", "").upper()


def decimal_text(value: str) -> str:
    """A number as typed, ready to parse: "８６．５" and "86。5" → "86.5", spaces dropped."""
    return plain(value).translate(_DECIMAL_POINTS).replace(" ", "")


def heading(value: str) -> str:
    """A column heading as compared: NFKC, no spaces, no colon, any bracketed note dropped
    ("身份证号码（18位）" → "身份证号码", "单位名称（盖章）" → "单位名称")."""
    text = plain(value).replace(" ", "").rstrip(":")
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】|<.*?>", "", text)


#: What a score sheet or a results file may say instead of a score.
ABSENCE_WORDS = {"缺考": "absent", "缺席": "absent", "弃权": "withdrawn", "退赛": "withdrawn"}


def absence_status(value: str) -> str | None:
    """ "absent" or "withdrawn" where a cell or a score box says 缺考/弃权 instead of a score."""
    return ABSENCE_WORDS.get(plain(value).replace(" ", ""))
