"""The OpenAPI document of API v1, generated from the app's routes.

Each path is written once, in its route decorator: the view carries what the document says
about it (`@operation(...)`, next to `@bp.get(...)`), and `build_spec` walks the URL map for the
API blueprint's rules, taking each path and method from the rule and the rest from the view. No
second list of paths to keep in step, and no import of the features from here: their schemas
reach the document through their decorators. A route of the API without `@operation` (or an
explicit `@undocumented`) makes `build_spec` raise, so a new route cannot go undocumented.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app
from marshmallow import Schema, fields

from competition.http.blueprints import api as api_blueprint
from competition.http.fields import DECIMAL_PATTERN, BaseSchema, DecimalValue

Auth = Literal["none", "optional", "required"]
View = TypeVar("View", bound=Callable[..., Any])
# A query parameter: (name, description), an id (an integer from 1), or (name, description, schema).
Query = tuple[str, str] | tuple[str, str, dict[str, Any]]

_ATTRIBUTE = "openapi_operations"  # on a view: {method or None: _Operation}
_UNDOCUMENTED = "openapi_undocumented"
_IGNORED_METHODS = {"HEAD", "OPTIONS"}


class UndocumentedRoute(LookupError):
    """A route of the API whose view says nothing for the document."""


@dataclass(frozen=True)
class _Operation:
    summary: str
    tag: str
    auth: Auth
    request: type[Schema] | None = None
    response: type[Schema] | Schema | dict[str, Any] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    query: tuple[Query, ...] = ()
    description: str = ""
    content_type: str = "application/json"
    extra: dict[str, Any] = field(default_factory=dict)
    # Optional request headers (name, description) and headers of the success response.
    headers: tuple[tuple[str, str], ...] = ()
    response_headers: tuple[tuple[str, str], ...] = ()


def operation(
    summary: str,
    *,
    tag: str,
    auth: Auth,
    request: type[Schema] | None = None,
    response: type[Schema] | Schema | dict[str, Any] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    query: tuple[Query, ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
    response_headers: tuple[tuple[str, str], ...] = (),
    description: str = "",
    content_type: str = "application/json",
    extra: dict[str, Any] | None = None,
    method: str | None = None,
) -> Callable[[View], View]:
    """What the document says of the view's route: `auth` is "none", "optional" (a token
    changes what is seen) or "required"; `errors` the error statuses; `query` its optional
    parameters (see `Query`); `headers` optional request headers (name, description); `extra`
    is merged into the operation as it stands (a multipart body, another success response). A
    view routed for several methods takes one `@operation` per method, each with `method=`."""
    documented = _Operation(
        summary=summary,
        tag=tag,
        auth=auth,
        request=request,
        response=response,
        status=status,
        errors=errors,
        query=query,
        description=description,
        content_type=content_type,
        extra=extra or {},
        headers=headers,
        response_headers=response_headers,
    )
    key = method.upper() if method else None

    def attach(view: View) -> View:
        operations: dict[str | None, _Operation] = view.__dict__.setdefault(_ATTRIBUTE, {})
        if key in operations:
            raise ValueError(f"{view.__qualname__} has two @operation for {key or 'its route'}")
        operations[key] = documented
        return view

    return attach


def undocumented(view: View) -> View:
    """A route of the API deliberately left out of the document (the document itself)."""
    setattr(view, _UNDOCUMENTED, True)
    return view


def list_of(name: str, schema: type[Schema]) -> Schema:
    """`{name: [schema]}`, named after `name` (ContestsList)."""
    return Schema.from_dict(
        {name: fields.List(fields.Nested(schema))}, name=f"{name.title()}List"
    )()


class ErrorBody(BaseSchema):
    code = fields.String()
    message = fields.String()
    field_errors = fields.Dict(data_key="fields")


class ErrorOut(BaseSchema):
    """Every error's body, as `competition.core.errors` writes it."""

    error = fields.Nested(ErrorBody)


# A path parameter's schema follows from the rule's converter (`<int:…>` an integer, else a
# string), except where the values are fewer than the converter lets through.
_CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "default": {"type": "string"},
    "string": {"type": "string"},
}
_PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "round": {"type": "string", "enum": ["preliminary", "final"]},
}
# A view's argument named otherwise than the document's parameter (`round` is a builtin).
_PATH_NAMES = {"round_kind": "round"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # <name>, <int:name>, <x(a=1):name>

_ERROR_TEXT = {
    400: "malformed JSON",
    401: "no or bad credentials",
    403: "authenticated but not allowed",
    404: "not found",
    409: "the state forbids it",
    413: "a file or the request is over the size limit",
    415: "the file's type (from its bytes) is not allowed",
    410: "removed on purpose (e.g. a job's file past its keeping days)",
    422: "a value is invalid",
}


def _decimal_field(
    self: Any, field: fields.Field, ret: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """Decimals travel as strings; their range goes into the description, since JSON Schema's
    minimum and maximum apply to numbers only."""
    if not isinstance(field, DecimalValue):
        return {}
    bounds = [f"{k} {ret.pop(k)}" for k in ("minimum", "maximum") if k in ret]
    ret.pop("exclusiveMinimum", None)
    ret.pop("exclusiveMaximum", None)
    text = "decimal string (requests also accept a JSON number)"
    return {
        "type": "string",
        "pattern": DECIMAL_PATTERN,
        "description": text + (f"; {', '.join(bounds)}" if bounds else ""),
    }


def build_spec(app: Flask | None = None) -> dict[str, Any]:
    """The document of `app` (the current one by default), built once per app: it only changes
    with the code. Raises `UndocumentedRoute` for a route of the API its view does not
    describe."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    built: dict[str, Any] | None = app.extensions.get("competition.openapi")
    if built is None:
        built = app.extensions["competition.openapi"] = _build(app)
    return built


def _build(app: Flask) -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="competition API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": "Workers' skills contests: registration, marks, rankings, finalists "
            'and publication. Errors: {"error": {"code", "message", "fields"}}.',
        },
        servers=[{"url": api_blueprint.url_prefix}],
    )
    plugin.converter.add_attribute_function(_decimal_field)  # type: ignore[union-attr]
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorOut)
    paths: dict[str, dict[str, Any]] = {}
    for method, path, parameters, op in _operations(app):
        paths.setdefault(path, {})[method] = _operation_object(method, path, parameters, op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operations(
    app: Flask,
) -> Iterator[tuple[str, str, list[dict[str, Any]], _Operation]]:
    """(method, path, path parameters, what the view says) for each route of the API
    blueprint, in the order the routes were made; the path as the document spells it: relative
    to the blueprint's prefix, with `{name}` for each argument."""
    prefix = api_blueprint.url_prefix or ""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != api_blueprint.name:
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, _UNDOCUMENTED, False):
            continue
        if not rule.rule.startswith(prefix + "/"):
            raise UndocumentedRoute(f"{rule.rule} is outside the API's prefix {prefix}")
        path, parameters = _openapi_path(rule.rule.removeprefix(prefix))
        documented: dict[str | None, _Operation] = getattr(view, _ATTRIBUTE, {})
        methods = sorted((rule.methods or set()) - _IGNORED_METHODS)
        for method in methods:
            op = documented.get(method)
            if op is None and len(methods) == 1:
                op = documented.get(None)
            if op is None:
                raise UndocumentedRoute(
                    f"{method} {rule.rule} ({rule.endpoint}) has no @operation"
                    + (f" for {method} (give method=)" if None in documented else "")
                    + ": describe it for the OpenAPI document"
                )
            yield method.lower(), path, parameters, op


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """`/events/<int:event_id>/rounds/<round_kind>` → `/events/{event_id}/rounds/{round}`, and
    the path parameters (also inside a segment: `/certificates/<serial>.pdf`)."""
    parameters: list[dict[str, Any]] = []

    def parameter(found: re.Match[str]) -> str:
        converter, name = found.group(1) or "default", found.group(2)
        name = _PATH_NAMES.get(name, name)
        schema = _PATH_SCHEMAS.get(name) or _CONVERTER_SCHEMAS.get(converter)
        if schema is None:
            raise UndocumentedRoute(f"{rule}: no schema for the converter {converter} of {name}")
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _ARGUMENT.sub(parameter, rule), parameters


def _operation_object(
    method: str, path: str, parameters: list[dict[str, Any]], op: _Operation
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": op.summary,
        "tags": [op.tag],
        "operationId": _operation_id(method, path),
        "responses": {},
    }
    if op.description:
        operation["description"] = op.description
    if op.auth == "required":
        operation["security"] = [{"bearer": []}]
    elif op.auth == "optional":
        operation["security"] = [{"bearer": []}, {}]
    params = [*parameters]
    params += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": text,
            "schema": schema[0] if schema else {"type": "integer", "minimum": 1},
        }
        for name, text, *schema in op.query
    ]
    params += [
        {
            "name": name,
            "in": "header",
            "required": False,
            "description": text,
            "schema": {"type": "string"},
        }
        for name, text in op.headers
    ]
    if params:
        operation["parameters"] = params
    if op.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.request}},
        }
    if op.response is None:
        operation["responses"][str(op.status)] = {"description": "done, no body"}
    else:
        operation["responses"][str(op.status)] = {
            "description": "success",
            "content": {op.content_type: {"schema": op.response}},
        }
    if op.response_headers:
        operation["responses"][str(op.status)]["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in op.response_headers
        }
    for status in op.errors:
        operation["responses"][str(status)] = {
            "description": _ERROR_TEXT[status],
            "content": {"application/json": {"schema": "Error"}},
        }
    # e.g. a multipart body, a file response. A copy: apispec resolves schemas in place, and
    # the same decorator's dicts serve every app's document.
    for key, value in copy.deepcopy(op.extra).items():
        if isinstance(value, dict) and isinstance(operation.get(key), dict):
            operation[key].update(value)
        else:
            operation[key] = value
    return operation


def _operation_id(method: str, path: str) -> str:
    words = path.strip("/").replace("{", "").replace("}", "").replace("-", "_").split("/")
    return "_".join([method, *words])
