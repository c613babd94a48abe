"""Serials of printed honours (certificates, plaques): random, short enough to type, hard to
garble, and read back the same however they were typed or scanned.

Shared by every slice that prints something the public verifies (`/verify/<serial>`): the
contest's certificates and the award programmes' station honours draw from one alphabet, so one
verification page can look either up.
"""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O or U, so a serial read aloud or typed in is hard to garble.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_LENGTH = 16  # 80 random bits: far too many to enumerate
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_serial() -> str:
    """A fresh random serial, e.g. `7K3M-9QXD-2HFA-0WZC`."""
    raw = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, SERIAL_LENGTH, 4))


def normalise_serial(text: str) -> str | None:
    """A serial as stored, from what someone typed or scanned (any case, with or without
    hyphens or spaces, O for 0, I or L for 1); None when it cannot be one."""
    raw = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(raw) != SERIAL_LENGTH or any(c not in SERIAL_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, SERIAL_LENGTH, 4))
