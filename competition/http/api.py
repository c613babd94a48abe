"""What the API views share beyond loading input (`competition.http.loading`): the caller,
from the bearer token, and the answer through a schema."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request
from flask.wrappers import Response
from marshmallow import Schema

from competition.core import users as user_service
from competition.core.errors import Unauthorized
from competition.models import User

_NOT_SIGNED_IN = "请先登录（Authorization: Bearer <token>）"
TOKEN_INVALID = "登录已失效或令牌无效，请重新登录"


def _bearer_token() -> str | None:
    """The token of the Authorization header, None without one; a malformed header is a 401."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("认证信息格式应为 Authorization: Bearer <token>")
    return token.strip()


def current_user() -> User | None:
    """The caller of this request, from its bearer token; a bad token is refused, not ignored."""
    if "api_user" in g:
        return g.api_user
    token = _bearer_token()
    user = None
    g.api_token = None
    if token is not None:
        found = user_service.user_for_token(token)
        if found is None:
            raise Unauthorized(TOKEN_INVALID)
        user, g.api_token = found
        g.api_user_id = user.id
    g.api_user = user
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    return user


def require_token() -> str:
    """The request's bearer token, unchecked; without one, a 401."""
    token = _bearer_token()
    if token is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    return token


def require_bearer() -> user_service.Bearer:
    """`require_user` for the mark entry: the caller's id and role, not their ORM object."""
    bearer = user_service.bearer_for_token(require_token())
    if bearer is None:
        raise Unauthorized(TOKEN_INVALID)
    g.api_user_id = bearer.user_id
    return bearer


def respond(schema: Schema, obj: Any, status: int = 200) -> Response:
    response = jsonify(schema.dump(obj))
    response.status_code = status
    return response


def token_ttl() -> Any:
    return current_app.config["TOKEN_TTL"]
