"""Reading a request's input, for the API and the pages' JSON endpoints alike: the body as
exact JSON, loaded through a schema into the error shape (422 naming each field), the
conditional headers of an edit (If-Match, If-None-Match) and the query's ids."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from competition.core.errors import BadRequest, Invalid
from competition.models.types import MAX_ID


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


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


def load(schema: Schema, data: Any | None = None, message: str | None = None) -> dict[str, Any]:
    """Input through its schema, for the API (the JSON body) and the pages (a form's values)
    alike: the same rules and the same field messages. The headline names the first field
    unless the caller has a better one (a page says what to do with the form)."""
    if data is None:
        data = read_json()
    try:
        return schema.load(data)
    except ValidationError as error:
        fields = _flatten(error.messages)
        first = next(iter(fields.items()))
        raise Invalid(message or f"{first[0]}：{first[1][0]}", fields) from error


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


def flag_arg(name: str) -> bool:
    """A yes/no query parameter (`?dry_run=1`): absent means no; anything but 1/0, true/false
    or yes/no is refused rather than guessed."""
    value = request.args.get(name, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise Invalid(f"{name} 应为 1 或 0", {name: ["应为 1 或 0"]})
