"""Request plumbing shared by the API views: the caller, the body, the schemas."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, g, jsonify, request
from flask.wrappers import Response
from marshmallow import Schema, ValidationError

from competition.contest import policy
from competition.contest.services import contests as contest_service
from competition.core import users as user_service
from competition.core.errors import BadRequest, Invalid, NotFound, Unauthorized
from competition.extensions import db
from competition.models import Event, Round, Unit, User
from competition.models.types import MAX_ID


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


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


def read_json() -> Any:
    """The request body as JSON, numbers as exact decimals; NaN and Infinity are not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("请求体应为 JSON")
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"请求体不是合法的 JSON：{error}") from error
    except RecursionError as error:
        raise BadRequest("请求体的 JSON 嵌套过深") from error


def _flatten(messages: Any) -> dict[str, list[str]]:
    """marshmallow nests errors by index and field; the error shape keeps one level of names."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for inner in value:
                walk(prefix, inner)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    walk("", messages)
    return flat


def load(schema: Schema, data: Any | None = None) -> dict[str, Any]:
    if data is None:
        data = read_json()
    try:
        return schema.load(data)
    except ValidationError as error:
        fields = _flatten(error.messages)
        first = next(iter(fields.items()))
        raise Invalid(f"{first[0]}：{first[1][0]}", fields) from error


def if_match_tags() -> set[str] | None:
    """The strong ETags of an If-Match header (`{"*"}` for any), or None without the header.

    A header that names no tag at all is malformed (400); a weak tag never matches, since a
    change is conditional on the exact version (RFC 9110, strong comparison)."""
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    if not tags:
        raise BadRequest('If-Match 应为评分的 ETag，如 "12-3"', {"If-Match": ["应为 ETag 或 *"]})
    return {"*"} if tags.star_tag else set(tags.as_set())


def if_none_match_any() -> bool:
    """True for `If-None-Match: *` (make the mark only if there is none yet). A mark has no
    other use for the header, so any other value is malformed (400), not silently ignored."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    if header.strip() != "*":
        raise BadRequest(
            "If-None-Match 只能为 *（仅在尚无评分时录入）", {"If-None-Match": ["应为 *"]}
        )
    return True


def int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,10}", value) or not 0 < int(value) <= MAX_ID:
        raise Invalid(f"{name} 应为正整数", {name: ["应为正整数"]})
    return int(value)


@dataclass(frozen=True)
class ResultsRequest:
    """A request for a round's ranking that may be answered: who asks (None when anonymous),
    the event and round, and the unit it is narrowed to (`?unit_id=`)."""

    user: User | None
    event: Event
    round: Round
    unit: Unit | None

    @property
    def unit_id(self) -> int | None:
        return self.unit.id if self.unit else None

    @property
    def sees_identities(self) -> bool:
        return policy.sees_identities(self.user, self.round)


def results_request(event_id: int, round_kind: str) -> ResultsRequest:
    """The checks of a ranking request, shared by its JSON and its PDF so that both answer the
    same callers with the same 404s: an unpublished round is not there for those who may not
    see it yet, nor is a unit of another contest."""
    user = current_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    if not policy.may_read_results(user, event, round_):
        raise NotFound("本轮成绩尚未发布")
    unit_id = int_arg("unit_id")
    unit = None
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.contest_id != event.contest_id:
            raise NotFound("本竞赛没有这个单位")
    return ResultsRequest(user, event, round_, unit)


def respond(schema: Schema, obj: Any, status: int = 200) -> Response:
    response = jsonify(schema.dump(obj))
    response.status_code = status
    return response


def token_ttl() -> Any:
    return current_app.config["TOKEN_TTL"]
