"""The OpenAPI document of API v1, built from the same schemas the views use.

Each operation is one row of `all_operations()` (`CORE_OPERATIONS` here, plus each feature module's
own rows), so a route without a row is caught by a test that
compares this document with the app's URL map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from competition.contest import schemas
from competition.http.fields import DECIMAL_PATTERN, DecimalValue


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    auth: str  # "none", "optional", "required"
    request: type[Schema] | None = None
    response: type[Schema] | Schema | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    description: str = ""
    content_type: str = "application/json"
    extra: dict[str, Any] = field(default_factory=dict)
    # Optional request headers (name, description) and headers of the success response.
    headers: tuple[tuple[str, str], ...] = ()
    response_headers: tuple[tuple[str, str], ...] = ()


def _list_of(name: str, schema: type[Schema]) -> Schema:
    return Schema.from_dict(
        {name: fields.List(fields.Nested(schema))}, name=f"{name.title()}List"
    )()


CORE_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "post",
        "/tokens",
        "登录，取得访问令牌 (log in, get a bearer token)",
        "auth",
        "none",
        schemas.TokenIn,
        schemas.TokenOut,
        201,
        (400, 401, 422),
    ),
    Operation(
        "delete",
        "/tokens/current",
        "吊销当前令牌 (revoke the token in use)",
        "auth",
        "required",
        None,
        None,
        204,
        (401,),
    ),
    Operation(
        "get",
        "/users/me",
        "当前用户 (the caller)",
        "auth",
        "required",
        None,
        schemas.UserOut,
        200,
        (401,),
    ),
    Operation(
        "post",
        "/users",
        "创建用户 (organiser)",
        "users",
        "required",
        schemas.UserIn,
        schemas.UserOut,
        201,
        (400, 401, 403, 409, 422),
    ),
    Operation(
        "get",
        "/contests",
        "竞赛列表 (contests)",
        "contests",
        "optional",
        None,
        _list_of("contests", schemas.ContestOut),
        200,
        (401,),
    ),
    Operation(
        "post",
        "/contests",
        "创建竞赛 (organiser)",
        "contests",
        "required",
        schemas.ContestIn,
        schemas.ContestOut,
        201,
        (400, 401, 403, 422),
    ),
    Operation(
        "get",
        "/contests/{contest_id}",
        "竞赛详情 (a contest with units and events)",
        "contests",
        "optional",
        None,
        schemas.ContestOut,
        200,
        (401, 404),
    ),
    Operation(
        "post",
        "/contests/{contest_id}/units",
        "登记参赛单位 (organiser)",
        "contests",
        "required",
        schemas.UnitIn,
        schemas.UnitOut,
        201,
        (400, 401, 403, 404, 409, 422),
    ),
    Operation(
        "get",
        "/contests/{contest_id}/units",
        "参赛单位列表 (units)",
        "contests",
        "optional",
        None,
        _list_of("units", schemas.UnitOut),
        200,
        (401, 404),
    ),
    Operation(
        "post",
        "/contests/{contest_id}/events",
        "创建赛项 (organiser)",
        "events",
        "required",
        schemas.EventIn,
        schemas.EventOut,
        201,
        (400, 401, 403, 404, 409, 422),
        description="Weights of the weighted components must add up to 1; a component "
        "of weight 0 only breaks ties. Defaults are the reference rules: theory 0.30, "
        "practical 0.70, tie-breaks [practical].",
    ),
    Operation(
        "get",
        "/events/{event_id}",
        "赛项详情 (an event with its rules and rounds)",
        "events",
        "optional",
        None,
        schemas.EventOut,
        200,
        (401, 404),
    ),
    Operation(
        "post",
        "/events/{event_id}/contestants",
        "登记选手 (organiser)",
        "contestants",
        "required",
        schemas.ContestantIn,
        schemas.ContestantOut,
        201,
        (400, 401, 403, 404, 409, 422),
        description="The identity number is checked (GB 11643 checksum) and is only ever "
        "returned masked.",
    ),
    Operation(
        "get",
        "/events/{event_id}/contestants",
        "选手列表 (organisers; judges see numbers only)",
        "contestants",
        "required",
        None,
        _list_of("contestants", schemas.ContestantOut),
        200,
        (401, 404),
    ),
    Operation(
        "post",
        "/events/{event_id}/judges",
        "分配裁判 (organiser)",
        "judges",
        "required",
        schemas.JudgeIn,
        schemas.JudgeOut,
        201,
        (400, 401, 403, 404, 409, 422),
    ),
    Operation(
        "get",
        "/events/{event_id}/judges",
        "裁判列表 (organiser)",
        "judges",
        "required",
        None,
        _list_of("judges", schemas.JudgeOut),
        200,
        (401, 403, 404),
    ),
    Operation(
        "put",
        "/events/{event_id}/rounds/{round}/marks/{contestant_id}/{component_key}",
        "录入或修改本裁判的评分 (an assigned judge)",
        "marks",
        "required",
        schemas.MarkIn,
        schemas.MarkOut,
        200,
        (400, 401, 403, 404, 409, 422),
        description="Sets the caller's own mark; sending it again replaces it and the "
        "change is kept in the audit trail. 409 once the round is published. With If-Match "
        "(the mark's ETag, as the last answer or the marks list gave it) the change is made "
        "only if nobody has changed the mark since: otherwise 409 (code `stale`, with the "
        "mark's ETag as it is now) and nothing is written. With If-None-Match: * it is made "
        "only if there is no mark yet. A condition that fails on a mark that already has the "
        "value sent is answered 200: the change was made, e.g. by a try whose answer was lost.",
        headers=(
            ("If-Match", 'the ETag of the mark as last read, e.g. "12-3"; * for any'),
            ("If-None-Match", "* to make the mark only if there is none yet"),
        ),
        response_headers=(("ETag", "the mark's ETag after the change"),),
    ),
    Operation(
        "get",
        "/events/{event_id}/rounds/{round}/marks",
        "本轮评分 (a judge's own marks; an organiser sees all)",
        "marks",
        "required",
        None,
        schemas.MarkListOut,
        200,
        (401, 404),
    ),
    Operation(
        "get",
        "/events/{event_id}/rounds/{round}/results",
        "轮次成绩与排名 (results)",
        "results",
        "optional",
        None,
        schemas.ResultsOut,
        200,
        (401, 404, 422),
        query=(("unit_id", "preliminary: one unit's own ranking"),),
        description="Organisers and the event's judges any time (judges without names "
        "and units before publication); anyone once the round is published (404 before).",
    ),
    Operation(
        "post",
        "/events/{event_id}/rounds/{round}/tie-resolutions",
        "裁定同分名次 (organiser)",
        "results",
        "required",
        schemas.TieResolutionIn,
        schemas.TieResolutionOut,
        201,
        (400, 401, 403, 404, 409, 422),
    ),
    Operation(
        "put",
        "/events/{event_id}/rounds/{round}/absences/{contestant_id}",
        "登记缺考或弃权 (organiser)",
        "results",
        "required",
        schemas.AbsenceIn,
        schemas.AbsenceOut,
        200,
        (400, 401, 403, 404, 409, 422),
        description=(
            "缺考 (absent) or 弃权 (withdrawn), with a reason: the contestant is then in "
            "neither `ranking` nor `incomplete` of the round's results but in `absent`, and "
            "does not block publication. Sending it again changes it; 409 once the round is "
            "published."
        ),
    ),
    Operation(
        "delete",
        "/events/{event_id}/rounds/{round}/absences/{contestant_id}",
        "撤销缺考或弃权 (organiser)",
        "results",
        "required",
        None,
        None,
        204,
        (401, 403, 404, 409),
    ),
    Operation(
        "post",
        "/events/{event_id}/rounds/{round}/publish",
        "发布并锁定成绩 (organiser)",
        "results",
        "required",
        None,
        schemas.RoundOut,
        200,
        (401, 403, 404, 409),
    ),
    Operation(
        "post",
        "/events/{event_id}/finalists",
        "按单位初赛排名推荐决赛选手 (organiser)",
        "finalists",
        "required",
        schemas.FinalistsIn,
        schemas.FinalistsSetOut,
        201,
        (400, 401, 403, 404, 409, 422),
    ),
    Operation(
        "get",
        "/events/{event_id}/finalists",
        "决赛名单 (finalists)",
        "finalists",
        "optional",
        None,
        schemas.FinalistsOut,
        200,
        (401, 404),
    ),
    Operation(
        "get",
        "/events/{event_id}/audit",
        "审计记录 (organiser)",
        "audit",
        "required",
        None,
        _list_of("entries", schemas.AuditEntryOut),
        200,
        (401, 403, 404, 422),
        query=(("contestant_id", "only this contestant's entries"),),
    ),
)


def all_operations() -> tuple[Operation, ...]:
    """The core rows and each feature module's own. Imported here, not at the top: those
    modules import `Operation` from this one."""
    from competition.contest.api.appeals import OPERATIONS as APPEAL_OPERATIONS
    from competition.contest.api.corrections import OPERATIONS as CORRECTION_OPERATIONS
    from competition.contest.api.documents import DOCUMENT_OPERATIONS
    from competition.reviews.api.cohorts import OPERATIONS as COHORT_OPERATIONS
    from competition.reviews.api.documents import OPERATIONS as COHORT_DOCUMENT_OPERATIONS

    return (
        CORE_OPERATIONS
        + DOCUMENT_OPERATIONS
        + APPEAL_OPERATIONS
        + CORRECTION_OPERATIONS
        + COHORT_OPERATIONS
        + COHORT_DOCUMENT_OPERATIONS
    )


_PATH_PARAMS = {
    "serial": {"type": "string"},
    "contest_id": {"type": "integer"},
    "event_id": {"type": "integer"},
    "contestant_id": {"type": "integer"},
    "round": {"type": "string", "enum": ["preliminary", "final"]},
    "component_key": {"type": "string"},
    "cohort_id": {"type": "integer"},
    "trainee_id": {"type": "integer"},
    "appeal_id": {"type": "integer"},
    "unit_id": {"type": "integer"},
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


@cache
def build_spec() -> dict[str, Any]:
    """Built once per process: the document only changes with the code."""
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
        servers=[{"url": "/api/v1"}],
    )
    plugin.converter.add_attribute_function(_decimal_field)  # type: ignore[union-attr]
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=schemas.ErrorOut)
    paths: dict[str, dict[str, Any]] = {}
    for op in all_operations():
        operation: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": _operation_id(op),
            "responses": {},
        }
        if op.description:
            operation["description"] = op.description
        if op.auth == "required":
            operation["security"] = [{"bearer": []}]
        elif op.auth == "optional":
            operation["security"] = [{"bearer": []}, {}]
        params = [
            {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMS[name]}
            for name in _path_names(op.path)
        ]
        params += [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": text,
                "schema": _QUERY_SCHEMAS.get(name, {"type": "integer", "minimum": 1}),
            }
            for name, text in op.query
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
        for key, value in op.extra.items():  # e.g. a multipart body, a file response
            if isinstance(value, dict) and isinstance(operation.get(key), dict):
                operation[key].update(value)
            else:
                operation[key] = value
        paths.setdefault(op.path, {})[op.method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


_QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "component": {"type": "string"},
    "reason": {"type": "string", "minLength": 1},
}

_ERROR_TEXT = {
    400: "malformed JSON",
    401: "no or bad credentials",
    403: "authenticated but not allowed",
    404: "not found",
    409: "the state forbids it",
    422: "a value is invalid",
}


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)  # also inside a segment: /certificates/{serial}.pdf


def _operation_id(op: Operation) -> str:
    words = op.path.strip("/").replace("{", "").replace("}", "").replace("-", "_").split("/")
    return "_".join([op.method, *words])
