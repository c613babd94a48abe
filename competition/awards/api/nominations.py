"""API routes of nomination (基层推荐): a union's stations, their evidence per criterion (text
and files), submission, the organiser handing one back, the files themselves, and the bulk
import from a workbook.

Order of checks: 401, 404 (the programme, the station; another unit's station is not found
for a union), 403, 400, 422, 409. A station's edits take `If-Match` with the ETag its GET
gave (409 `stale` when someone changed it in between).
"""

from __future__ import annotations

from flask import jsonify, make_response, request
from flask.wrappers import Response

from competition.awards import files, imports, nominations, policy, schemas, uploads
from competition.awards import programmes as programme_service
from competition.awards.api.programmes import list_of
from competition.core import roles
from competition.core.errors import BadRequest, Forbidden, Invalid
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import flag_arg, if_match_tags, int_arg, load
from competition.http.openapi import operation
from competition.models import Station

_WRITE_ERRORS = (400, 401, 403, 404, 409, 422)
_IF_MATCH = (("If-Match", "the ETag of the station as read; 409 `stale` if it changed"),)
_ETAG = (("ETag", "the station's version, for If-Match"),)


def _station_response(station: Station, status: int = 200) -> Response:
    response = respond(schemas.StationOut(), station, status)
    response.headers["ETag"] = f'"{nominations.etag(station)}"'
    return response


def _editable_station(station_id: int) -> Station:
    user = require_user()
    station = nominations.get_station(station_id)
    policy.require_station_editor(user, station)
    return station


# ---------------------------------------------------------------- stations
@bp.post("/award-programmes/<int:programme_id>/stations")
@operation(
    "推荐站点 (the unit's account; organisers for any unit)",
    tag="nominations",
    auth="required",
    request=schemas.StationIn,
    response=schemas.StationOut,
    status=201,
    errors=_WRITE_ERRORS,
    response_headers=_ETAG,
    description="A union nominates for its own unit (403 for another `unit_id`); an "
    "organiser names the unit. `level` is the key of the level applied for. 409 after "
    "the deadline (code `deadline_passed`).",
)
def award_create_station(programme_id: int) -> Response:
    user = require_user()
    programme = programme_service.get_programme(programme_id)
    if not roles.is_organiser(user) and policy.union_unit(user, programme) is None:
        policy.require_programme_member(user, programme)
        raise Forbidden("只有基层工会账号或组委会可以推荐站点")
    data = load(schemas.StationIn())
    unit = policy.nominating_unit(user, programme, data.pop("unit_id"))
    station = nominations.create_station(programme, unit, nominations.StationSpec(**data), user)
    db.session.commit()
    return _station_response(station, 201)


@bp.get("/award-programmes/<int:programme_id>/stations")
@operation(
    "站点列表 (organisers and the panel: all; a union: its own)",
    tag="nominations",
    auth="required",
    response=list_of("stations", schemas.StationBriefOut),
    errors=(401, 403, 404),
    query=(("unit_id", "only this unit's stations (organisers and the panel)"),),
)
def award_list_stations(programme_id: int) -> Response:
    user = require_user()
    programme = programme_service.get_programme(programme_id)
    policy.require_programme_member(user, programme)
    unit_id = int_arg("unit_id")
    if policy.sees_all_stations(user, programme):
        unit = programme_service.get_unit(programme, unit_id) if unit_id else None
    else:
        unit = policy.nominating_unit(user, programme, unit_id)
    found = nominations.stations(programme, unit)
    return jsonify({"stations": schemas.StationBriefOut(many=True).dump(found)})


@bp.get("/stations/<int:station_id>")
@operation(
    "站点推荐材料 (organisers, the panel, the unit's account)",
    tag="nominations",
    auth="required",
    response=schemas.StationOut,
    errors=(401, 403, 404),
    response_headers=_ETAG,
    description="`missing` lists the criteria still without evidence (text or a file).",
)
def award_get_station(station_id: int) -> Response:
    user = require_user()
    station = nominations.get_station(station_id)
    policy.require_station_reader(user, station)
    return _station_response(station)


@bp.patch("/stations/<int:station_id>")
@operation(
    "修改站点信息 (the unit's account, organisers)",
    tag="nominations",
    auth="required",
    request=schemas.StationPatch,
    response=schemas.StationOut,
    errors=_WRITE_ERRORS,
    headers=_IF_MATCH,
    response_headers=_ETAG,
    description="Only the fields sent change. 409 after the deadline or once submitted.",
)
def award_update_station(station_id: int) -> Response:
    station = _editable_station(station_id)
    tags = if_match_tags()
    changes = load(schemas.StationPatch())
    if not changes:
        raise Invalid("至少需要一个字段", {"_schema": ["至少需要一个字段"]})
    nominations.check_version(station, tags)
    station = nominations.update_station(station, changes, require_user())
    db.session.commit()
    return _station_response(station)


@bp.put("/stations/<int:station_id>/evidence/<criterion_key>")
@operation(
    "填写某项标准的文字材料 (the unit's account, organisers)",
    tag="nominations",
    auth="required",
    request=schemas.EvidenceIn,
    response=schemas.StationOut,
    errors=_WRITE_ERRORS,
    headers=_IF_MATCH,
    response_headers=_ETAG,
    description="Replaces the text of that criterion's evidence (an empty text clears it). "
    "404 for a criterion the programme does not have.",
)
def award_set_evidence(station_id: int, criterion_key: str) -> Response:
    station = _editable_station(station_id)
    criterion = nominations.get_criterion(station, criterion_key)
    tags = if_match_tags()
    data = load(schemas.EvidenceIn())
    nominations.check_version(station, tags)
    nominations.set_evidence_text(station, criterion, data["text"], require_user())
    db.session.commit()
    return _station_response(nominations.get_station(station_id))


def read_uploads() -> list[uploads.Upload]:
    """The files of a multipart upload (field `file`, one or more). The request may carry a
    criterion's worth of files, beyond the site's usual limit."""
    request.max_content_length = uploads.request_limit()
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise BadRequest("请以 multipart/form-data 上传文件（字段名 file）", {"file": ["必填"]})
    return [
        uploads.Upload(item.filename or "file", item.read(uploads.max_bytes() + 1))
        for item in request.files.getlist("file")
    ]


@bp.post("/stations/<int:station_id>/evidence/<criterion_key>/files")
@operation(
    "上传某项标准的照片或 PDF (the unit's account, organisers)",
    tag="nominations",
    auth="required",
    response=schemas.AwardFilesOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 413, 415),
    description="multipart/form-data, one or more files in `file`. JPEG, PNG or PDF, told "
    "from the bytes (not the name); each at most `AWARD_FILE_MAX_BYTES` (413), at most "
    "`AWARD_FILES_PER_CRITERION` per criterion (409 `too_many_files`); another type is 415. "
    "A batch with one bad file stores none of it.",
    extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                        "required": ["file"],
                    }
                }
            },
        }
    },
)
def award_upload_files(station_id: int, criterion_key: str) -> Response:
    station = _editable_station(station_id)
    criterion = nominations.get_criterion(station, criterion_key)
    files = read_uploads()
    added = uploads.add_files(station, criterion, files, require_user())
    db.session.commit()
    return respond(schemas.AwardFilesOut(), {"files": added}, 201)


@bp.get("/evidence-files/<int:file_id>")
@operation(
    "下载材料文件 (organisers, the panel, the unit's account)",
    tag="nominations",
    auth="required",
    errors=(401, 403, 404),
    extra={
        "responses": {
            "200": {
                "description": "the file: image/jpeg, image/png, or application/pdf as an "
                "attachment",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def award_download_file(file_id: int) -> Response:
    user = require_user()
    file = uploads.get_file(file_id)
    policy.require_station_reader(user, uploads.station_of(file))
    return files.file_response(file)


@bp.delete("/evidence-files/<int:file_id>")
@operation(
    "删除材料文件 (the unit's account, organisers)",
    tag="nominations",
    auth="required",
    errors=(401, 403, 404, 409),
    status=204,
    description="409 after the deadline or once the nomination is submitted.",
)
def award_delete_file(file_id: int) -> Response:
    user = require_user()
    file = uploads.get_file(file_id)
    policy.require_station_editor(user, uploads.station_of(file))
    uploads.remove_file(file, user)
    db.session.commit()
    return make_response("", 204)


@bp.post("/stations/<int:station_id>/submit")
@operation(
    "提交推荐 (the unit's account, organisers)",
    tag="nominations",
    auth="required",
    response=schemas.StationOut,
    errors=(401, 403, 404, 409),
    headers=_IF_MATCH,
    response_headers=_ETAG,
    description="409 `incomplete` with `fields.missing` listing the criteria without "
    "evidence; 409 `deadline_passed` after the deadline.",
)
def award_submit_station(station_id: int) -> Response:
    station = _editable_station(station_id)
    nominations.check_version(station, if_match_tags())
    station = nominations.submit(station, require_user())
    db.session.commit()
    return _station_response(station)


@bp.post("/stations/<int:station_id>/hand-back")
@operation(
    "退回推荐供修改 (organiser)",
    tag="nominations",
    auth="required",
    request=schemas.HandBackIn,
    response=schemas.StationOut,
    errors=_WRITE_ERRORS,
    response_headers=_ETAG,
    description="409 when not submitted, or once the panel has reviewed it.",
)
def award_hand_back_station(station_id: int) -> Response:
    user = require_user()
    station = nominations.get_station(station_id)
    roles.require_organiser(user)
    data = load(schemas.HandBackIn())
    station = nominations.hand_back(station, data["reason"], user)
    db.session.commit()
    return _station_response(station)


# ---------------------------------------------------------------- import
@bp.post("/award-programmes/<int:programme_id>/stations/import")
@operation(
    "从 Excel 批量导入站点 (organisers; a union for its own unit)",
    tag="nominations",
    auth="required",
    response=schemas.AwardImportDoneOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 413, 422),
    description="multipart/form-data with the .xlsx or .csv in `file`: one row per station; "
    "columns 基层工会 (organisers only; a union's file is its own), 站点名称, 地址, 所在区, "
    "联系人, 联系电话, 开放时间, 申报等级, and one column per criterion named as the "
    "criterion (有场地 …) holding its evidence text. `?dry_run=1` → 200 with every row "
    "checked, nothing stored; otherwise every row is stored, or none (422 naming the rows).",
    query=(
        (
            "dry_run",
            "1: only check the file and report every row",
            {"type": "string", "enum": ["0", "1"]},
        ),
    ),
    extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        },
        "responses": {
            "200": {
                "description": "dry run: the preview",
                "content": {"application/json": {"schema": schemas.AwardImportPreviewOut}},
            }
        },
    },
)
def award_import_stations(programme_id: int) -> Response:
    user = require_user()
    programme = programme_service.get_programme(programme_id)
    unit = None if roles.is_organiser(user) else policy.nominating_unit(user, programme, None)
    dry_run = flag_arg("dry_run")
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("请以 multipart/form-data 上传 Excel 文件（字段名 file）", {"file": ["必填"]})
    preview = imports.preview(programme, unit, upload.read(), upload.filename or "upload.xlsx")
    if dry_run:
        body = {
            "dry_run": True,
            "valid": preview.can_store,
            "rows": [row.as_dict() for row in preview.rows],
            "notes": [str(n) for n in preview.notes],
        }
        return respond(schemas.AwardImportPreviewOut(), body)
    created = imports.store(programme, preview, user)
    db.session.commit()
    return respond(
        schemas.AwardImportDoneOut(), {"created": len(created), "stations": created}, 201
    )
