"""The API's accounts, which belong to no feature: signing in for a bearer token, revoking it,
the caller, and an organiser creating accounts (judges, experts, trainees, other organisers)."""

from __future__ import annotations

from flask import g
from flask.wrappers import Response

from competition.core import roles
from competition.core import users as user_service
from competition.core.errors import Unauthorized
from competition.core.ratelimits import sign_in_limited
from competition.extensions import db
from competition.http.api import require_user, respond, token_ttl
from competition.http.blueprints import api as bp
from competition.http.loading import load
from competition.http.openapi import operation
from competition.http.schemas import TokenIn, TokenOut, UserIn, UserOut


def _commit() -> None:
    db.session.commit()


# ---------------------------------------------------------------- tokens and users
@bp.post("/tokens")
@operation(
    "登录，取得访问令牌 (log in, get a bearer token)",
    tag="auth",
    auth="none",
    request=TokenIn,
    response=TokenOut,
    status=201,
    errors=(400, 401, 422),
)
@sign_in_limited
def create_token() -> Response:
    data = load(TokenIn())
    user = user_service.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized("用户名或密码不正确")
    issued = user_service.issue_token(user, token_ttl())
    _commit()
    return respond(
        TokenOut(),
        {"token": issued.token, "expires_at": issued.record.expires_at, "user": user},
        201,
    )


@bp.delete("/tokens/current")
@operation(
    "吊销当前令牌 (revoke the token in use)",
    tag="auth",
    auth="required",
    status=204,
    errors=(401,),
)
def revoke_current_token() -> tuple[str, int]:
    require_user()
    user_service.revoke_token(g.api_token)
    _commit()
    return "", 204


@bp.get("/users/me")
@operation(
    "当前用户 (the caller)",
    tag="auth",
    auth="required",
    response=UserOut,
    errors=(401,),
)
def me() -> Response:
    return respond(UserOut(), require_user())


@bp.post("/users")
@operation(
    "创建用户 (organiser)",
    tag="users",
    auth="required",
    request=UserIn,
    response=UserOut,
    status=201,
    errors=(400, 401, 403, 409, 422),
)
def create_user() -> Response:
    roles.require_organiser(require_user())
    data = load(UserIn())
    user = user_service.create_user(**data)
    _commit()
    return respond(UserOut(), user, 201)
