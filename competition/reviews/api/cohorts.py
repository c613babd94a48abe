"""API routes of the craftsman training class review (api-v1.md "Craftsman class review").

Each view checks in the contract's order: 401 (who), 404 (the cohort, then the trainee), 403
(may they), 400 (the body is JSON), 422 (its values), 409 (the state). Each route's
`@operation` describes it for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.wrappers import Response
from marshmallow import Schema, fields
from sqlalchemy import select

from competition.core import roles
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.loading import flag_arg, load
from competition.http.openapi import operation
from competition.http.responses import download_response
from competition.http.schemas import AuditEntryOut
from competition.models import Cohort, CohortExpert, Role, Trainee
from competition.reviews import downloads, excel, policy, schemas
from competition.reviews import services as service
from competition.reviews.api.requests import organiser_cohort
from competition.scoring import defaults


def _commit() -> None:
    db.session.commit()


# ---------------------------------------------------------------- for the OpenAPI document
def _list_of(name: str, schema: type[Schema]) -> Schema:
    """`{name: [schema]}`, named after the item schema so no two list schemas share a name."""
    title = schema.__name__.removesuffix("Out") + "List"
    return Schema.from_dict({name: fields.List(fields.Nested(schema))}, name=title)()


_WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


# ---------------------------------------------------------------- cohorts and their rules
@bp.post("/cohorts")
@operation(
    "创建研修班 (organiser)",
    tag="cohorts",
    auth="required",
    request=schemas.CohortIn,
    response=schemas.CohortOut,
    status=201,
    errors=(400, 401, 403, 409, 422),
    description=f"A new cohort has the usual bands ({defaults.describe_default_bands()}) "
    "and no rubric.",
)
def create_cohort() -> Response:
    roles.require_organiser(require_user())
    cohort = service.create_cohort(**load(schemas.CohortIn()))
    _commit()
    return respond(schemas.CohortOut(), cohort, 201)


@bp.get("/cohorts")
@operation(
    "研修班列表 (organisers: all; experts and trainees: their own)",
    tag="cohorts",
    auth="required",
    response=_list_of("cohorts", schemas.CohortBriefOut),
    errors=(401,),
)
def list_cohorts() -> Response:
    """Organisers see every cohort; an expert the cohorts of their panels; a trainee their own."""
    user = require_user()
    query = select(Cohort).order_by(Cohort.id)
    if user.role == Role.EXPERT:
        query = query.join(CohortExpert, CohortExpert.cohort_id == Cohort.id).where(
            CohortExpert.user_id == user.id
        )
    elif user.role == Role.TRAINEE:
        query = query.join(Trainee, Trainee.cohort_id == Cohort.id).where(
            Trainee.user_id == user.id
        )
    elif not roles.is_organiser(user):
        query = query.where(False)
    # One seat per expert and one trainee per login in a cohort: the joins add no duplicates
    # (and PostgreSQL cannot DISTINCT a JSON column).
    cohorts = db.session.scalars(query)
    return jsonify({"cohorts": schemas.CohortBriefOut(many=True).dump(cohorts)})


@bp.get("/cohorts/<int:cohort_id>")
@operation(
    "研修班详情与评审规则 (organisers, its experts and trainees)",
    tag="cohorts",
    auth="required",
    response=schemas.CohortOut,
    errors=(401, 403, 404),
)
def get_cohort(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_cohort_member(user, cohort)
    return respond(schemas.CohortOut(), cohort)


@bp.put("/cohorts/<int:cohort_id>/rubric")
@operation(
    "设置评分细则 (organiser, before any review)",
    tag="cohorts",
    auth="required",
    request=schemas.RubricIn,
    response=schemas.CohortOut,
    errors=_WRITE_ERRORS,
    description="Item weights are percentages and must add up to exactly 100; an empty "
    "list removes the rubric. 409 once any review exists or the results are signed.",
)
def set_rubric(cohort_id: int) -> Response:
    user, cohort = organiser_cohort(cohort_id)
    data = load(schemas.RubricIn())
    items = [service.RubricItemSpec(**item) for item in data["items"]]
    cohort = service.set_rubric(cohort, items, user)
    _commit()
    return respond(schemas.CohortOut(), cohort)


@bp.put("/cohorts/<int:cohort_id>/bands")
@operation(
    "设置等次与推荐聘任线 (organiser, before any review)",
    tag="cohorts",
    auth="required",
    request=schemas.BandsIn,
    response=schemas.CohortOut,
    errors=_WRITE_ERRORS,
    description="A score gets the highest band whose minimum it reaches, 'fail' below "
    "all; trainees from `appointment_band` upwards are recommended for appointment.",
)
def set_bands(cohort_id: int) -> Response:
    user, cohort = organiser_cohort(cohort_id)
    data = load(schemas.BandsIn())
    bands = [service.BandSpec(**band) for band in data["bands"]]
    cohort = service.set_bands(cohort, bands, data["appointment_band"], user)
    _commit()
    return respond(schemas.CohortOut(), cohort)


@bp.post("/cohorts/<int:cohort_id>/sessions")
@operation(
    "增加评审场次 (organiser)",
    tag="cohorts",
    auth="required",
    request=schemas.SessionIn,
    response=schemas.SessionOut,
    status=201,
    errors=_WRITE_ERRORS,
)
def add_session(cohort_id: int) -> Response:
    _, cohort = organiser_cohort(cohort_id)
    data = load(schemas.SessionIn())
    session = service.add_session(cohort, data["date"], data["place"], data["note"])
    _commit()
    return respond(schemas.SessionOut(), session, 201)


# ---------------------------------------------------------------- trainees
@bp.post("/cohorts/<int:cohort_id>/trainees")
@operation(
    "登记学员 (organiser)",
    tag="trainees",
    auth="required",
    request=schemas.TraineeIn,
    response=schemas.TraineeOut,
    status=201,
    errors=_WRITE_ERRORS,
    description="`user_id` links the trainee's own login (a user of role trainee).",
)
def add_trainee(cohort_id: int) -> Response:
    _, cohort = organiser_cohort(cohort_id)
    trainee = service.add_trainee(cohort, **load(schemas.TraineeIn()))
    _commit()
    return respond(schemas.TraineeOut(), trainee, 201)


@bp.get("/cohorts/<int:cohort_id>/trainees")
@operation(
    "学员名单 (organisers and the cohort's experts)",
    tag="trainees",
    auth="required",
    response=_list_of("trainees", schemas.TraineeOut),
    errors=(401, 403, 404),
)
def list_trainees(cohort_id: int) -> Response:
    """The organiser's and the panel's list of the cohort's trainees (an expert's worklist)."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_cohort_staff(user, cohort)
    people = service.trainees(cohort)
    return jsonify({"trainees": schemas.TraineeOut(many=True).dump(people)})


@bp.post("/cohorts/<int:cohort_id>/trainees/import")
@operation(
    "从 Excel 导入学员 (organiser)",
    tag="trainees",
    auth="required",
    response=schemas.ImportDoneOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
    description="multipart/form-data with the .xlsx in `file`; first row: 姓名, 工作单位, "
    "荣誉称号, 登录名 (the last two optional). With `?dry_run=1` → 200 ImportPreviewOut, "
    "every row checked and nothing stored; otherwise all rows are stored, or none and "
    "422 naming every bad row (`rows.<row>.<column>`).",
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
            "content": {"multipart/form-data": {"schema": schemas.ImportUpload}},
        },
        "responses": {
            "200": {
                "description": "dry run: the preview",
                "content": {"application/json": {"schema": schemas.ImportPreviewOut}},
            },
            "413": {
                "description": "the file is over the size limit",
                "content": {"application/json": {"schema": "Error"}},
            },
        },
    },
)
def import_trainees(cohort_id: int) -> Response:
    """Trainees from an .xlsx upload (multipart field `file`). `?dry_run=1` only checks and
    reports every row; otherwise every row is stored, or none when any row is bad (422)."""
    user, cohort = organiser_cohort(cohort_id)
    dry_run = flag_arg("dry_run")
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("请以 multipart/form-data 上传 Excel 文件（字段名 file）", {"file": ["必填"]})
    data = upload.read(excel.MAX_IMPORT_BYTES + 1)
    if dry_run:
        preview = excel.preview_import(cohort, data)
        if cohort.locked:
            raise Conflict("评审结果已由专家组组长签署并锁定，不能再增加学员")
        body = {
            "dry_run": True,
            "valid": preview.valid,
            "rows": preview.rows,
            "problems": preview.problems,
        }
        return respond(schemas.ImportPreviewOut(), body)
    created = excel.import_trainees(cohort, data, user)
    _commit()
    return respond(schemas.ImportDoneOut(), {"created": len(created), "trainees": created}, 201)


# ---------------------------------------------------------------- the panel
@bp.post("/cohorts/<int:cohort_id>/experts")
@operation(
    "加入评审专家 (organiser)",
    tag="experts",
    auth="required",
    request=schemas.ExpertIn,
    response=schemas.ExpertOut,
    status=201,
    errors=_WRITE_ERRORS,
    description="`lead: true` makes the expert the panel lead in place of any other.",
)
def add_expert(cohort_id: int) -> Response:
    user, cohort = organiser_cohort(cohort_id)
    data = load(schemas.ExpertIn())
    seat = service.add_expert(cohort, data["user_id"], user, lead=data["lead"])
    _commit()
    return respond(schemas.ExpertOut(), seat, 201)


@bp.get("/cohorts/<int:cohort_id>/experts")
@operation(
    "评审专家组 (organisers and the cohort's experts)",
    tag="experts",
    auth="required",
    response=_list_of("experts", schemas.ExpertOut),
    errors=(401, 403, 404),
)
def list_experts(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_cohort_staff(user, cohort)
    return jsonify({"experts": schemas.ExpertOut(many=True).dump(service.panel(cohort))})


@bp.put("/cohorts/<int:cohort_id>/lead")
@operation(
    "指定专家组组长 (organiser)",
    tag="experts",
    auth="required",
    request=schemas.LeadIn,
    response=schemas.ExpertOut,
    errors=_WRITE_ERRORS,
)
def set_lead(cohort_id: int) -> Response:
    user, cohort = organiser_cohort(cohort_id)
    seat = service.set_lead(cohort, load(schemas.LeadIn())["user_id"], user)
    _commit()
    return respond(schemas.ExpertOut(), seat)


# ---------------------------------------------------------------- reviews
@bp.put("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/review")
@operation(
    "提交或修改本专家的评审 (an expert of the cohort)",
    tag="reviews",
    auth="required",
    request=schemas.ReviewIn,
    response=schemas.ReviewOut,
    errors=_WRITE_ERRORS,
    description="Without a rubric: `score` 0..100. With one: `items` {key: score 0..100} "
    "for every item instead, and the score is their weighted sum (half-up, 2 places). "
    "Both comments are required. Sending it again replaces the review (audited); 409 "
    "once the panel lead has signed.",
)
def set_review(cohort_id: int, trainee_id: int) -> Response:
    """An expert of the cohort sets their own review; sending it again replaces it."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_reviewing(user, cohort)
    data = load(schemas.ReviewIn())
    review = service.set_review(cohort, trainee, user, **data)
    _commit()
    return respond(schemas.ReviewOut(), review)


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/review")
@operation(
    "本专家对该学员的评审 (the expert's own)",
    tag="reviews",
    auth="required",
    response=schemas.ReviewOut,
    errors=(401, 403, 404),
)
def get_review(cohort_id: int, trainee_id: int) -> Response:
    """The caller's own review of a trainee, to reload the form; 404 before there is one."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_reviewing(user, cohort)
    review = service.own_review(trainee, user)
    if review is None:
        raise NotFound("您还没有评审这名学员")
    return respond(schemas.ReviewOut(), review)


# ---------------------------------------------------------------- results and files
def _results_body(results: service.CohortResults) -> dict[str, Any]:
    cohort = results.cohort
    return {
        "cohort_id": cohort.id,
        "signed": cohort.locked,
        "signed_at": cohort.signed_at,
        "ranking": [
            {
                "rank": entry.rank,
                "trainee_id": entry.trainee_id,
                "name": results.trainees[entry.trainee_id].name,
                "unit": results.trainees[entry.trainee_id].unit,
                "title": results.trainees[entry.trainee_id].title,
                "score": entry.score,
                "reviews": entry.reviews,
                "band": entry.band,
                "band_label": results.label(entry.band),
                "recommended": entry.recommended,
            }
            for entry in results.ranking.ranked
        ],
        "unreviewed": list(results.ranking.unreviewed),
    }


@bp.get("/cohorts/<int:cohort_id>/results")
@operation(
    "全班评审结果与排名 (organisers and the panel lead)",
    tag="results",
    auth="required",
    response=schemas.CohortResultsOut,
    errors=(401, 403, 404),
    description="Scores aggregated as judges' marks are (5 or more reviews: one highest "
    "and one lowest dropped); ranks 1..n, equal scores by trainee id; trainees without "
    "a review only in `unreviewed`.",
)
def cohort_results(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_cohort_results(user, cohort)
    return respond(schemas.CohortResultsOut(), _results_body(service.cohort_results(cohort)))


@bp.get("/cohorts/<int:cohort_id>/results.xlsx")
@operation(
    "导出评审结果 Excel (organisers and the panel lead)",
    tag="results",
    auth="required",
    errors=(401, 403, 404),
    extra={
        "responses": {
            "200": {
                "description": "the ranking and every review, as .xlsx",
                "content": {excel.XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def cohort_results_xlsx(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    return download_response(downloads.results_xlsx(cohort, user))


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>")
@operation(
    "学员评审档案 (organisers, or the trainee's own login)",
    tag="trainees",
    auth="required",
    response=schemas.TraineeFileOut,
    errors=(401, 403, 404),
    description="Score, band, recommendation and every review's score and comments. "
    "Only organisers see which expert wrote which review. Until the panel lead signs, "
    "`signed` is false and the result is provisional.",
)
def trainee_file(cohort_id: int, trainee_id: int) -> Response:
    """The trainee's file: organisers, and the trainee's own login (403 for anyone else).
    Organisers also see which expert wrote which review; the trainee reads the comments."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_trainee_file(user, trainee)
    found = service.trainee_file(cohort, trainee)
    entry = found.entry
    body = {
        "id": trainee.id,
        "cohort_id": cohort.id,
        "name": trainee.name,
        "unit": trainee.unit,
        "title": trainee.title,
        "score": entry.score if entry else None,
        "rank": entry.rank if entry else None,
        "ranked": found.ranked,
        "band": entry.band if entry else None,
        "band_label": found.band_label,
        "recommended": entry.recommended if entry else None,
        "signed": cohort.locked,
        "reviews": [
            {
                "expert_id": review.expert_id,
                "expert": review.expert.display_name or review.expert.username,
                "score": review.score,
                "items": review.item_scores,
                "shortcomings": review.shortcomings,
                "suggestions": review.suggestions,
                "updated_at": review.updated_at,
            }
            for review in found.reviews
        ],
    }
    if not policy.sees_reviewers(user):
        for review in body["reviews"]:
            del review["expert_id"], review["expert"]
    return respond(schemas.TraineeFileOut(), body)


@bp.post("/cohorts/<int:cohort_id>/sign-off")
@operation(
    "专家组组长签署评审结果 (the panel lead)",
    tag="results",
    auth="required",
    response=schemas.CohortOut,
    errors=(401, 403, 404, 409),
    description="Locks the results: reviews, rules, trainees and the panel can no longer "
    "change (409). 409 while any trainee is unreviewed.",
)
def sign_off(cohort_id: int) -> Response:
    """The panel lead signs the cohort's results; reviews are then locked (409)."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_panel_lead(user, cohort)
    cohort = service.sign_off(cohort, user)
    _commit()
    return respond(schemas.CohortOut(), cohort)


@bp.get("/cohorts/<int:cohort_id>/audit")
@operation(
    "研修班审计记录 (organiser)",
    tag="audit",
    auth="required",
    response=_list_of("entries", AuditEntryOut),
    errors=(401, 403, 404),
)
def cohort_audit(cohort_id: int) -> Response:
    _, cohort = organiser_cohort(cohort_id)
    entries = service.audit_entries(cohort)
    return jsonify({"entries": AuditEntryOut(many=True).dump(entries)})
