"""Personal access codes: printed on a contestant's admission slip, they open the look-up of
that contestant's own scores together with the contest number.

A code is random (never derived from the identity number, which must not be a key to
anything), drawn from letters and digits that cannot be misread on paper (no 0/O, 1/I/L), and
compared in constant time so a wrong guess teaches nothing about the right one.
"""

from __future__ import annotations

import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8  # 31**8 ≈ 8.5e11 codes: guessing one online is hopeless even without a rate limit

_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_access_code() -> str:
    """A fresh code, as stored (no separator)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What a person typed, as stored: upper case, spaces and hyphens dropped."""
    return _NOT_CODE.sub("", typed.upper())


def display(code: str) -> str:
    """Printed in two groups of four (ABCD-EFGH), easier to read out and to type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == LENGTH else code


def matches(stored: str, typed: str) -> bool:
    """Constant-time comparison of a stored code with a typed one."""
    return hmac.compare_digest(stored.encode(), normalise(typed).encode())
