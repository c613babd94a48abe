"""Languages: Chinese by default (messages are written in Chinese), English as a translation.

Use `gettext`/`_` for text shown in a request and `lazy_gettext` for text defined at import
time; templates have `_()` from Flask-Babel. Catalogs live in competition/translations
(`make translations` extracts and compiles them).
"""

from __future__ import annotations

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
    "ngettext",
    "select_locale",
]


def select_locale() -> str:
    """`?lang=` first (a link can switch), then the cookie the language switch sets, else zh."""
    if not has_request_context():
        return "zh"
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return "zh"
