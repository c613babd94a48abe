"""The experts' pages (/review) and the trainee's own page (/my/review).

An expert sees only the cohorts whose panel they sit on
(competition.reviews.policy.require_reviewing:
404 for a cohort or trainee that does not exist, then 403), works through the trainees, and
fills one review form per trial lecture, on a tablet, during the lecture. The form is saved
as typed by review.js through the JSON endpoints below, which load the API's own input schema
and call the service the API calls (`set_review`, and `review_score` for the live score), so
the page can store nothing the API would refuse and never does the rubric arithmetic itself.
Without a script the same form posts normally. The panel lead signs the cohort's results on
a confirmation page; afterwards every form is read-only.

A trainee reads their own file: score, band, recommendation and every comment, without who
wrote which (policy.sees_reviewers), and whether the panel lead has signed it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField

from competition.core.errors import AppError, Invalid
from competition.core.i18n import _, lazy_gettext
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.fields import format_decimal
from competition.http.loading import load, read_json
from competition.http.pages import json_endpoint, refusal_messages, role_required, signed_in_user
from competition.models import Cohort, CohortExpert, Review, Role, Trainee, User
from competition.reviews import policy, schemas
from competition.reviews import services as service
from competition.reviews.web.common import fix_marked, local_minute, person_name, signed_line

COMMENTS = ("shortcomings", "suggestions")


def _user() -> User:
    user = signed_in_user()
    assert user is not None  # role_required / json_endpoint ran first
    return user


def _reviewing(cohort_id: int) -> tuple[Cohort, CohortExpert]:
    """The cohort named in the URL (404), then the panel rule (403): the expert's seat."""
    cohort = service.get_cohort(cohort_id)
    return cohort, policy.require_reviewing(_user(), cohort)


def _reviewing_trainee(cohort_id: int, trainee_id: int) -> tuple[Cohort, Trainee]:
    """The cohort and the trainee named in the URL (404 for either), then the panel rule."""
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_reviewing(_user(), cohort)
    return cohort, trainee


def _lock_notice(cohort: Cohort) -> str | None:
    if not cohort.locked:
        return None
    return _(
        "评审结果已由专家组组长 %(name)s 于 %(time)s 签署并锁定，评审表只能查看，不能再修改。",
        name=person_name(cohort.signed_by),
        time=local_minute(cohort.signed_at),
    )


# ---------------------------------------------------------------- the expert's cohorts
@bp.get("/review")
@role_required(Role.EXPERT)
def review_index() -> str:
    user = _user()
    seats = db.session.scalars(
        select(CohortExpert).where(CohortExpert.user_id == user.id).order_by(CohortExpert.cohort_id)
    ).all()
    rows = []
    for seat in seats:
        cohort = seat.cohort
        total = db.session.scalar(
            select(func.count(Trainee.id)).where(Trainee.cohort_id == cohort.id)
        )
        done = db.session.scalar(
            select(func.count(Review.id)).where(
                Review.cohort_id == cohort.id, Review.expert_id == user.id
            )
        )
        rows.append({"seat": seat, "cohort": cohort, "total": total or 0, "done": done or 0})
    return render_template("reviews/review_index.html", rows=rows, signed_line=signed_line)


@bp.get("/review/cohorts/<int:cohort_id>")
@role_required(Role.EXPERT)
def review_worklist(cohort_id: int) -> str:
    """The trainees in lecture order, each reviewed by this expert (✓) or not yet."""
    cohort, seat = _reviewing(cohort_id)
    user = _user()
    mine = {
        r.trainee_id: r
        for r in db.session.scalars(
            select(Review).where(Review.cohort_id == cohort.id, Review.expert_id == user.id)
        )
    }
    people = service.trainees(cohort)
    return render_template(
        "reviews/worklist.html",
        cohort=cohort,
        seat=seat,
        people=people,
        mine=mine,
        done=sum(1 for t in people if t.id in mine),
        lock_notice=_lock_notice(cohort),
        signed_line=signed_line(cohort),
        score=format_decimal,
    )


# ---------------------------------------------------------------- the review form
def _form_values(cohort: Cohort, review: Review | None) -> dict[str, str]:
    """The stored review as the form's inputs hold it (`item-<key>`, `score`, comments)."""
    if review is None:
        return {}
    values = {"shortcomings": review.shortcomings, "suggestions": review.suggestions}
    if cohort.rubric_items:
        for item in cohort.rubric_items:
            stored = (review.item_scores or {}).get(item.key)
            if stored is not None:
                values[f"item-{item.key}"] = stored
    else:
        values["score"] = format_decimal(review.score)
    return values


def _posted_body(cohort: Cohort, form: Any) -> dict[str, Any]:
    """A posted form as the API's review body: blank inputs are left out, so the service says
    what is missing (必填, 缺少此项评分) rather than what is malformed."""
    body: dict[str, Any] = {}
    if cohort.rubric_items:
        items = {
            item.key: form.get(f"item-{item.key}", "").strip()
            for item in cohort.rubric_items
            if form.get(f"item-{item.key}", "").strip()
        }
        body["items"] = items
    elif form.get("score", "").strip():
        body["score"] = form.get("score", "").strip()
    for name in COMMENTS:
        if form.get(name, "").strip():
            body[name] = form.get(name, "")
    return body


def _checked_review(cohort: Cohort, body: Any) -> dict[str, Any]:
    """The review body through the API's schema; when the schema refuses it (a comment
    missing), the scores are checked by the service too, so one answer names every problem
    on the form, not the comments now and the item scores on the next try."""
    try:
        return load(schemas.ReviewIn(), body)
    except Invalid as refused:
        if not isinstance(body, dict):
            raise
        scores = {k: body[k] for k in ("score", "items") if k in body}
        try:
            part = load(schemas.ReviewIn(only=("score", "items")), scores)
            service.review_score(cohort, part.get("score"), part.get("items"))
        except Invalid as also:
            fields = {**also.fields, **refused.fields}
            raise Invalid(refused.message, fields) from refused
        raise


def _neighbours(people: list[Trainee], trainee: Trainee) -> tuple[Trainee | None, Trainee | None]:
    index = next(i for i, t in enumerate(people) if t.id == trainee.id)
    before = people[index - 1] if index > 0 else None
    after = people[index + 1] if index + 1 < len(people) else None
    return before, after


def _form_page(
    cohort: Cohort,
    trainee: Trainee,
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int = 200,
) -> ResponseReturnValue:
    user = _user()
    review = service.own_review(trainee, user)
    people = service.trainees(cohort)
    before, after = _neighbours(people, trainee)
    body = render_template(
        "reviews/review_form.html",
        cohort=cohort,
        trainee=trainee,
        review=review,
        rubric=cohort.rubric_items,
        values=values,
        saved=_form_values(cohort, review),
        errors=errors,
        general=general,
        lock_notice=_lock_notice(cohort),
        before=before,
        after=after,
        position=people.index(trainee) + 1,
        count=len(people),
        draft_key=f"review-draft:{user.id}:{cohort.id}:{trainee.id}",
        score=format_decimal,
    )
    return body, status


@bp.route("/review/cohorts/<int:cohort_id>/trainees/<int:trainee_id>", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def review_form(cohort_id: int, trainee_id: int) -> ResponseReturnValue:
    """The review form. With a script it saves itself as typed (review.js); a plain post of the
    form (no script, or the save button) goes through the same schema and service."""
    cohort, trainee = _reviewing_trainee(cohort_id, trainee_id)
    user = _user()
    if request.method == "GET":
        stored = _form_values(cohort, service.own_review(trainee, user))
        return _form_page(cohort, trainee, stored, {}, [])
    # CSRFProtect has checked the token before this view runs.
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        data = _checked_review(cohort, _posted_body(cohort, request.form))
        review = service.set_review(cohort, trainee, user, **data)
        db.session.commit()
    except AppError as error:
        general, fields = refusal_messages(error, fix_marked())
        return _form_page(cohort, trainee, values, fields, general, error.status)
    flash(
        _(
            "已保存对 %(name)s 的评审：%(score)s 分。",
            name=trainee.name,
            score=format_decimal(review.score),
        ),
        "success",
    )
    return redirect(url_for("web.review_form", cohort_id=cohort.id, trainee_id=trainee.id))


@bp.put("/review/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/review")
@json_endpoint
def review_save(cohort_id: int, trainee_id: int) -> Response:
    """The form saved as typed: the API's PUT of a review, for a signed-in expert (session and
    CSRF header). Refusals come in the API's error shape, for the script to show inline."""
    cohort, trainee = _reviewing_trainee(cohort_id, trainee_id)
    data = _checked_review(cohort, read_json())
    review = service.set_review(cohort, trainee, _user(), **data)
    db.session.commit()
    return jsonify(schemas.ReviewOut().dump(review))


@bp.post("/review/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/score")
@json_endpoint
def review_score(cohort_id: int, trainee_id: int) -> Response:
    """The score these item scores (or this direct score) would give, computed by the service
    from the cohort's rubric; nothing is stored. 422 names every item that is missing or wrong."""
    cohort, _trainee = _reviewing_trainee(cohort_id, trainee_id)
    data = load(schemas.ReviewIn(only=("score", "items")))
    value = service.review_score(cohort, data.get("score"), data.get("items"))
    return jsonify({"score": format_decimal(value)})


# ---------------------------------------------------------------- the panel lead signs
class SignOffForm(FlaskForm):
    confirm = BooleanField(
        lazy_gettext("我已核对以上结果，确认签署。签署后全部评审锁定，不能再修改。")
    )


@bp.route("/review/cohorts/<int:cohort_id>/sign-off", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def review_sign_off(cohort_id: int) -> ResponseReturnValue:
    """The panel lead reads the whole cohort's results and signs them, after confirming."""
    cohort = service.get_cohort(cohort_id)
    user = _user()
    policy.require_panel_lead(user, cohort)
    policy.require_cohort_results(user, cohort)
    form = SignOffForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = [_("请勾选确认后再签署")]
            status = 422
        else:
            try:
                service.sign_off(cohort, user)
                db.session.commit()
            except AppError as error:
                errors, _fields = refusal_messages(error, fix_marked())
                status = error.status
                cohort = service.get_cohort(cohort_id)
            else:
                flash(_("评审结果已签署并锁定。"), "success")
                return redirect(url_for("web.review_worklist", cohort_id=cohort.id))
    results = service.cohort_results(cohort)
    body = render_template(
        "reviews/sign_off.html",
        cohort=cohort,
        results=results,
        panel_size=len(service.panel(cohort)),
        form=form,
        errors=errors,
        signed_line=signed_line(cohort),
    )
    return body, status


# ---------------------------------------------------------------- the trainee's own page
@bp.get("/my/review")
@role_required(Role.TRAINEE)
def my_review() -> str:
    """The trainee's own file in each class they belong to; only their own (their login is
    linked to exactly these trainee rows), and without who wrote which comment."""
    user = _user()
    files = []
    for trainee in db.session.scalars(
        select(Trainee).where(Trainee.user_id == user.id).order_by(Trainee.id.desc())
    ):
        policy.require_trainee_file(user, trainee)
        files.append(service.trainee_file(trainee.cohort, trainee))
    return render_template(
        "reviews/my_review.html",
        files=files,
    )
