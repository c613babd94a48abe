"""Slowing down password guessing without locking everyone out.

Only FAILED sign-ins count. The tight limit is per address and username, so someone guessing
one account from one machine is stopped while the account's owner, elsewhere, still signs in;
a wider per-address limit stops one machine trying many usernames. A venue where every judge
shares one address is well inside it (failures only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from flask.wrappers import Response
from flask_limiter.util import get_remote_address

from competition.extensions import limiter

PER_ACCOUNT = "10 per 5 minutes;30 per hour"
PER_ADDRESS = "100 per hour"
MESSAGE = "登录失败次数过多，请稍后再试"

V = TypeVar("V", bound=Callable[..., Any])


def _username() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return str(name or "").strip().lower()[:64]


def _account_key() -> str:
    return f"{get_remote_address()}|{_username()}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


sign_in_per_account = limiter.shared_limit(
    PER_ACCOUNT,
    scope="sign-in-account",
    key_func=_account_key,
    deduct_when=_failed,
    error_message=MESSAGE,
)
sign_in_per_address = limiter.shared_limit(
    PER_ADDRESS,
    scope="sign-in-address",
    key_func=get_remote_address,
    deduct_when=_failed,
    error_message=MESSAGE,
)

_SIGN_IN_VIEWS: set[Callable[..., Any]] = set()


def sign_in_limited(view: V) -> V:
    """Both limits, on a view that signs someone in (the API's token, the login page)."""
    limited = sign_in_per_address(sign_in_per_account(view))
    _SIGN_IN_VIEWS.add(limited)
    return limited  # type: ignore[return-value]


@limiter.request_filter
def _not_a_sign_in() -> bool:
    """Only sign-ins have limits; every other request skips Flask-Limiter's search for them,
    which its hook would otherwise make on every request, a judge's mark included (a few per
    cent of a mark's time)."""
    return current_app.view_functions.get(request.endpoint or "") not in _SIGN_IN_VIEWS
