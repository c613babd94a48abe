"""Languages: Chinese by default (messages are written in Chinese), English as a translation.

Use `gettext`/`_` for text shown in a request and `lazy_gettext` for text defined at import
time; templates have `_()` from Flask-Babel. Catalogs live in competition/translations
(`make translations` extracts and compiles them).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context, request
from flask_babel import gettext, lazy_gettext, ngettext

LANGUAGES = ("zh", "en")
LANGUAGE_COOKIE = "lang"

_ = gettext


def N_(message: str) -> str:
    """Marks a message for the catalog without translating it here: it is translated where it
    is shown (the error page translates the API's Chinese messages for an English reader)."""
    return message


__all__ = [
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "N_",
    "_",
    "gettext",
    "lazy_gettext",
    "listed",
    "ngettext",
    "paren",
    "select_locale",
]


def paren(text: object) -> str:
    """An aside in brackets after a name or a heading: "（职工组）" in Chinese, " (Workers)" in
    English, never full-width brackets in an English sentence."""
    return gettext("（%(text)s）", text=text)


def listed(items: Iterable[object], semicolons: bool = False) -> str:
    """Items of a list in a sentence: 、 (or ；) between them in Chinese, ", " (or "; ") in
    English."""
    return (gettext("；") if semicolons else gettext("、")).join(str(item) for item in items)


def select_locale() -> str:
    """`?lang=` first (a link can switch), then the cookie the language switch sets, else zh."""
    if not has_request_context():
        return "zh"
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return "zh"
