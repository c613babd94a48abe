"""Users, passwords and bearer tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Join, bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from competition.core.errors import Conflict, Invalid
from competition.extensions import db
from competition.models import ApiToken, User
from competition.models.types import utcnow
from competition.models.users import ROLE_VALUES

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
MIN_PASSWORD_LENGTH = 8

# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def validate_new_user(username: str, password: str, role: str) -> dict[str, list[str]]:
    """The rules for a new account, shared by the API and the command line."""
    errors: dict[str, list[str]] = {}
    if not USERNAME_PATTERN.match(username):
        errors["username"] = ["用户名须为 2-64 位字母、数字、下划线、点或连字符"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"密码至少 {MIN_PASSWORD_LENGTH} 位"]
    if role not in ROLE_VALUES:
        errors["role"] = ["角色须为 " + "、".join(ROLE_VALUES) + " 之一"]
    return errors


def create_user(username: str, password: str, role: str, display_name: str = "") -> User:
    errors = validate_new_user(username, password, role)
    if errors:
        raise Invalid("用户信息有误", errors)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名“{username}”已被使用", {"username": ["用户名已被使用"]})
    user = User(
        username=username,
        password_hash=generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        ),
        role=role,
        display_name=display_name,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def hash_token(token: str) -> str:
    """What the database keeps of a token (`token_hash`), never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def issue_token(user: User, ttl: timedelta) -> IssuedToken:
    """A fresh random token; the caller sees it once, the database keeps only its hash."""
    token = secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=hash_token(token), expires_at=utcnow() + ttl)
    db.session.add(record)
    db.session.flush()
    return IssuedToken(token=token, record=record)


def _token_usable(revoked_at: datetime | None, expires_at: datetime, active: bool) -> bool:
    """A token opens the API while it is neither revoked nor expired and its user is active."""
    return revoked_at is None and expires_at > utcnow() and active


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    record = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(joinedload(ApiToken.user))  # every API request: one query, not two
    )
    if record is None or not _token_usable(
        record.revoked_at, record.expires_at, record.user.active
    ):
        return None
    return record.user, record


@dataclass(frozen=True)
class Bearer:
    """Who holds a token, without loading the user: enough for the mark entry's hot path."""

    user_id: int
    role: str


_tokens, _users = ApiToken.__table__, User.__table__
#: A token's holder and whether the token opens the API (`bearer_of`), as columns that
#: another statement can read too: the mark entry reads them with the mark (services.marks).
BEARER_ID = _users.c.id
BEARER = (
    _tokens.c.revoked_at,
    _tokens.c.expires_at,
    _users.c.active,
    BEARER_ID.label("bearer_id"),
    _users.c.role.label("bearer_role"),
)


def join_bearer(base: Any) -> Join:
    """`base` joined to the token of the `token_hash` parameter and its holder."""
    return base.join(_tokens, _tokens.c.token_hash == bindparam("token_hash")).join(
        _users, _users.c.id == _tokens.c.user_id
    )


_BEARER = (
    select(*BEARER)
    .join_from(_tokens, _users, _users.c.id == _tokens.c.user_id)
    .where(_tokens.c.token_hash == bindparam("token_hash"))
)


def bearer_of(row: Any) -> Bearer | None:
    """The holder of the token a row of `BEARER` columns describes; None when the token does
    not open the API (revoked, expired, or its user deactivated)."""
    if not _token_usable(row.revoked_at, row.expires_at, row.active):
        return None
    return Bearer(user_id=row.bearer_id, role=row.bearer_role)


def bearer_for_token(token: str) -> Bearer | None:
    """`user_for_token`'s answer as two plain values, read with one prepared Core statement.

    Why: a judge's mark is the request a final sends most, and building ORM objects for the
    token and its user cost more than writing the mark itself (bench/load.py)."""
    row = db.session.connection().execute(_BEARER, {"token_hash": hash_token(token)}).one_or_none()
    return None if row is None else bearer_of(row)


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()
    db.session.flush()
