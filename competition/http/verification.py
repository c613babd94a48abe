"""The public verification of printed honours: where `/verify/<serial>` is reached (the QR
codes' address), and the look-ups of the slices whose papers it verifies.

The page itself is the contest's (`competition.contest.web.verify`), which knows its own
certificates; another slice (the award programmes' station honours) registers a look-up here
at import, so the page finds its serials too without either slice importing the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request


def public_base_url(given: str | None = None) -> str:
    """Where the public verification page is reached: the caller's choice, else the
    PUBLIC_BASE_URL setting, else the address this request came in on."""
    base = given or current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    raise RuntimeError("PUBLIC_BASE_URL is not set: the QR codes need the public address")


def verification_url(serial: str, base_url: str) -> str:
    return f"{base_url}/verify/{serial}"


@dataclass(frozen=True)
class Found:
    """What a slice's look-up found: the template that shows it and the template's values."""

    template: str
    context: dict[str, Any]


Lookup = Callable[[str], Found | None]
_LOOKUPS: list[Lookup] = []


def register_lookup(lookup: Lookup) -> Lookup:
    """Add a slice's look-up (serial as typed → `Found` or None); usable as a decorator."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)
    return lookup


def look_up(serial: str) -> Found | None:
    """The first registered look-up that knows the serial, or None."""
    for lookup in _LOOKUPS:
        found = lookup(serial)
        if found is not None:
            return found
    return None
