"""Imports of the lists offices send, through the API: contestants, judges, finalists and a
results sheet as one judge's marks — what the console's import pages do, so that a program can
do what a person can. Each route calls the page's own service (`competition.contest.services`
`.imports`, `.imports_judges`, `.imports_finalists`, `.imports_marks`): the same reading of the
workbook, the same checks of every row, the same way of storing it.

The file comes as multipart/form-data (field `file`, named .xlsx or .csv), or as the request
body itself: an .xlsx as application/octet-stream or with its own content type, a CSV file as
text/csv. With `?dry_run=1` the answer is the
page's preview (200): every row, with what stops it and what to know about it, and nothing is
stored. Without it the file is checked the same way and stored whole (201, with what was
stored), or refused whole: 422 with every bad row in `fields` as `rows.<line>` (and, for
finalists, every unit whose list is not its ranking's top N as `units.<unit id>`), and
nothing stored. A file that cannot be read at all is 422 on `file`; one over the size limit 413.

Checks in the contract's order: 401, 404, 403, 422 (the query, then the file), 409.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from flask import request
from flask.wrappers import Response

from competition.contest import schemas
from competition.contest.services import contests as contest_service
from competition.contest.services import imports as contestants_import
from competition.contest.services import imports_finalists as finalists_import
from competition.contest.services import imports_judges as judges_import
from competition.contest.services import imports_marks as marks_import
from competition.contest.services import judging as judging_service
from competition.core import roles
from competition.core.downloads import XLSX
from competition.core.errors import Invalid
from competition.core.import_tables import Note
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import flag_arg
from competition.http.openapi import operation
from competition.models import Event, User

# A file sent as the body itself has no name: its content type says how to read it.
_BODY_NAMES = {
    XLSX: "upload.xlsx",
    "application/octet-stream": "upload.xlsx",
    "text/csv": "upload.csv",
}
_FLAG = {"type": "string", "enum": ["0", "1"]}
_DRY_RUN = ("dry_run", "1: only check the file and answer every row; nothing is stored", _FLAG)
_ERRORS = (400, 401, 403, 404, 409, 422)


def _document(preview: type[schemas.BaseSchema]) -> dict[str, Any]:
    """The upload and the dry run's answer, for the OpenAPI document."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "requestBody": {
            "required": True,
            "description": "the file in the multipart field `file` (its name ending .xlsx or "
            ".csv), or the file as the body: an .xlsx as application/octet-stream or as "
            f"{XLSX}, a CSV file as text/csv",
            "content": {
                "multipart/form-data": {"schema": schemas.WorkbookUpload},
                # an .xlsx; its own content type (XLSX) is taken as well
                "application/octet-stream": binary,
                "text/csv": binary,
            },
        },
        "responses": {
            "200": {
                "description": "dry run: every row checked, nothing stored",
                "content": {"application/json": {"schema": preview}},
            },
            "413": {
                "description": "the file is over the size limit",
                "content": {"application/json": {"schema": "Error"}},
            },
        },
    }


# ---------------------------------------------------------------- the request
def _upload() -> tuple[bytes, str]:
    """The file and the name it is read by: a multipart upload's own name, or the one its
    content type gives a body sent as it is."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid("请在 multipart/form-data 的 file 字段上传文件", {"file": ["必填"]})
        return upload.read(), os.path.basename(upload.filename or "")
    name = _BODY_NAMES.get(request.mimetype)
    if name is None:
        message = (
            "请以 multipart/form-data（字段 file）上传，或直接发送文件："
            ".xlsx 用 application/octet-stream，CSV 用 text/csv"
        )
        raise Invalid(message, {"file": ["应为 .xlsx 或 .csv 文件"]})
    return request.get_data(), name


def _organisers_event(event_id: int) -> tuple[User, Event]:
    user = require_user()
    event = contest_service.get_event(event_id)
    roles.require_organiser(user)
    return user, event


def _texts(notes: Sequence[Note | object]) -> list[str]:
    return [str(n) for n in notes]


def _refusal(
    bad_rows: Sequence[Any], bad_units: Sequence[finalists_import.UnitList] = ()
) -> Invalid:
    """A file with problems, refused whole: each bad row (and unit) named in `fields`."""
    fields = {f"rows.{row.line}": _texts(row.problems) for row in bad_rows}
    for unit in bad_units:
        fields[f"units.{unit.unit_id}"] = _unit_problems(unit)
    if bad_rows:
        message = f"文件中有 {len(bad_rows)} 行有误，没有导入任何内容；请改正后重新上传"
    elif bad_units:
        message = "名单与本单位初赛排名不符，没有导入任何内容"
    else:
        message = "文件中没有可以导入的内容"
        fields = {"file": [message]}
    return Invalid(message, fields)


def _stored(response: Response) -> Response:
    """Answers that may hold new accounts' passwords are kept by nobody on the way."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _import(
    dry_run: bool,
    preview: Callable[[bytes, str], Any],
    preview_out: type[schemas.BaseSchema],
    previewed: Callable[[Any], dict[str, Any]],
    store: Callable[[Any, str], Any],
    stored_out: type[schemas.BaseSchema],
    stored: Callable[[Any, Any], dict[str, Any]],
    refusal: Callable[[Any], Invalid] = lambda checked: _refusal(checked.bad_rows),
    no_store: bool = False,
) -> Response:
    """Every import's answer, once its query is read: the file checked by the service's
    `preview(data, filename)`; with `dry_run` the preview (200, with what `previewed` adds to
    every preview's rows, skipped rows and notes); else the file stored whole by
    `store(checked, filename)` (201, `stored(checked, result)`), or refused whole (422)."""
    data, filename = _upload()
    checked = preview(data, filename)
    if dry_run:
        body = {
            "dry_run": True,
            "valid": checked.can_store,
            **previewed(checked),
            "rows": checked.rows,
            "skipped": checked.skipped,
            "notes": _texts(checked.notes),
        }
        return respond(preview_out(), body)
    if not checked.can_store:
        raise refusal(checked)
    result = store(checked, filename)
    db.session.commit()
    response = respond(stored_out(), stored(checked, result), 201)
    return _stored(response) if no_store else response


# ---------------------------------------------------------------- contestants
@bp.post("/events/<int:event_id>/contestants/import")
@operation(
    "从报名表导入选手 (organiser)",
    tag="contestants",
    auth="required",
    response=schemas.ContestantsImportedOut,
    status=201,
    errors=_ERRORS,
    query=(
        _DRY_RUN,
        ("create_units", "1: register the units the file names that are not yet", _FLAG),
    ),
    description="The units' registration lists (姓名, 单位, 身份证号, 参赛号; headings as "
    "offices write them, title and footer rows allowed), as the console's import page "
    "reads them. Each row is checked as registering it would be: the name, a registered "
    "unit (or, with create_units=1, one to create), the identity number's checksum, and "
    "numbers and identity numbers not used twice, in the file or in the event. All rows "
    "are registered or none; a contest number left blank is given as on registration. "
    "409 once the preliminary is published.",
    extra=_document(schemas.ContestantsPreviewOut),
)
def import_contestants(event_id: int) -> Response:
    user, event = _organisers_event(event_id)
    dry_run, create_units = flag_arg("dry_run"), flag_arg("create_units")
    return _import(
        dry_run,
        preview=lambda data, filename: contestants_import.preview(
            event, data, filename, create_units
        ),
        preview_out=schemas.ContestantsPreviewOut,
        previewed=lambda checked: {
            "create_units": checked.create_units,
            "missing_units": checked.missing_units,
        },
        store=lambda checked, _filename: contestants_import.store(event, checked, user),
        stored_out=schemas.ContestantsImportedOut,
        stored=lambda checked, contestants: {
            "created": len(contestants),
            "units_created": list(checked.missing_units) if checked.create_units else [],
            "contestants": contestants,
        },
    )


# ---------------------------------------------------------------- judges
@bp.post("/events/<int:event_id>/judges/import")
@operation(
    "从名单导入裁判 (organiser)",
    tag="judges",
    auth="required",
    response=schemas.JudgesImportedOut,
    status=201,
    errors=_ERRORS,
    query=(_DRY_RUN,),
    description="The judges' list (姓名, 单位, 职务 裁判/裁判长, 裁判组 决赛/初赛, 用户名), as "
    "the console's import page reads it. Each row becomes a judge's account, or the "
    "existing judge's account its 用户名 names, assigned to the event: to the final panel, "
    "or to a unit's preliminary committee. A new account gets a username (judge<event>-01, "
    "…, unless the file gives one) and a random password, which this answer gives once "
    "and nothing keeps (Cache-Control: no-store). All rows are stored or none.",
    extra=_document(schemas.JudgesPreviewOut),
)
def import_judges(event_id: int) -> Response:
    user, event = _organisers_event(event_id)
    return _import(
        flag_arg("dry_run"),
        preview=lambda data, filename: judges_import.preview(event, data, filename),
        preview_out=schemas.JudgesPreviewOut,
        previewed=lambda checked: {"new_accounts": len(checked.new_accounts)},
        store=lambda checked, _filename: judges_import.store(event, checked, user),
        stored_out=schemas.JudgesImportedOut,
        stored=lambda _checked, credentials: {
            "created": sum(1 for c in credentials if c.password is not None),
            "judges": credentials,
        },
        no_store=True,
    )


# ---------------------------------------------------------------- finalists
def _unit_problems(unit: finalists_import.UnitList) -> list[str]:
    refusal = [] if unit.problem is None else [unit.problem.message]
    return [*refusal, *_texts(unit.problems)]


@bp.post("/events/<int:event_id>/finalists/import")
@operation(
    "从各单位推荐名单确定决赛选手 (organiser)",
    tag="finalists",
    auth="required",
    response=schemas.FinalistsImportedOut,
    status=201,
    errors=_ERRORS,
    query=(_DRY_RUN,),
    description="The units' lists of finalists (参赛号 or 身份证号, 姓名, 单位), as the "
    "console's import page reads them. Finalists are each unit's top N of its own "
    "preliminary ranking: each unit's rows must be exactly its top N, N being its number "
    "of rows, and the answer names every row that is not and everyone of the top N "
    "missing. A list that passes recommends each unit's N as POST "
    "/events/{event_id}/finalists does; units not in the file keep what they have. 409 "
    "once the final has marks.",
    extra=_document(schemas.FinalistsPreviewOut),
)
def import_finalists(event_id: int) -> Response:
    user, event = _organisers_event(event_id)
    return _import(
        flag_arg("dry_run"),
        preview=lambda data, filename: finalists_import.preview(event, data, filename),
        preview_out=schemas.FinalistsPreviewOut,
        previewed=lambda checked: {
            "units": [
                {
                    "unit_id": unit.unit_id,
                    "unit_name": unit.unit_name,
                    "count": unit.count,
                    "problems": _unit_problems(unit),
                    "notes": _texts(unit.notes),
                }
                for unit in checked.units
            ]
        },
        store=lambda checked, _filename: finalists_import.store(event, checked, user),
        stored_out=schemas.FinalistsImportedOut,
        stored=lambda _checked, chosen: {
            "units": [{"unit_id": unit_id, "finalists": ids} for unit_id, ids in chosen.items()]
        },
        refusal=lambda checked: _refusal(checked.bad_rows, checked.bad_units),
    )


# ---------------------------------------------------------------- a results sheet as marks
def _mark_counts(checked: marks_import.MarksPreview) -> dict[str, Any]:
    return {
        "round": checked.round_kind,
        "component": checked.component_key,
        "judge_id": checked.judge_id,
        "marks": len(checked.marks),
        "absences": len(checked.absences),
        "blanks": len(checked.blanks),
    }


@bp.post("/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/import")
@operation(
    "导入成绩单，作为该裁判该评分项的评分 (organiser)",
    tag="marks",
    auth="required",
    response=schemas.MarksImportedOut,
    status=201,
    errors=_ERRORS,
    query=(_DRY_RUN,),
    description="A results sheet (the theory exam's: 准考证号 or 身份证号, 姓名, 成绩), "
    "imported as the marks of the judge in the path for the component in the path, as "
    "the console's import page does. Rows are matched by contest or identity number, and "
    "the name, when given, must be the contestant's; each score is checked as a mark is "
    "(range, places, a finalist for the final, a unit committee's own people). 缺考 or "
    "弃权 records an absence, never a 0; a blank score is left out. Marks are written "
    "with the organiser as the actor and audited; all rows or none. 404 for a sheet the "
    "event does not have; 409 once the round is published or the sheet signed.",
    extra=_document(schemas.MarksPreviewOut),
)
def import_marks(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Response:
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    judging_service.sheet_ref(event, round_, component_key, judge_id)  # 404 for no such sheet
    roles.require_organiser(user)
    return _import(
        flag_arg("dry_run"),
        preview=lambda data, filename: marks_import.preview(
            event, round_.kind, component_key, judge_id, data, filename
        ),
        preview_out=schemas.MarksPreviewOut,
        previewed=lambda checked: {
            **_mark_counts(checked),
            "component_name": checked.component_name,
            "max_score": checked.max_score,
        },
        store=lambda checked, filename: marks_import.store(event, checked, user, filename),
        stored_out=schemas.MarksImportedOut,
        stored=lambda checked, _result: _mark_counts(checked),
    )
