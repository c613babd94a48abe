"""Judges' pages: their events and sheets, the score sheet, second entry and sign-off.

Every view resolves what the URL names first (404), then asks `competition.contest.policy`
whether the
signed-in user may do it (403), exactly as the API does; marks go through
`competition.contest.services.marks.set_mark` like the API's PUT, so a page can do nothing the API
refuses. The sheet's JSON endpoints answer in the API's error shape, which the page's script
shows on the row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.http import quote_etag
from wtforms import HiddenField

from competition.contest import policy
from competition.contest.schemas import ItemMarkIn, MarkIn
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import schemes as scheme_service
from competition.contest.web.console_consistency import section as consistency_section
from competition.contest.wording import round_label
from competition.core import normalise, roles
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.i18n import _, lazy_gettext
from competition.core.normalise import ABSENCE_WORDS
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.fields import DecimalValue, format_decimal
from competition.http.loading import if_match_tags, if_none_match_any, load
from competition.http.pages import json_endpoint, role_required, signed_in_user
from competition.models import (
    Component,
    Event,
    JudgeAssignment,
    MarkingScheme,
    Role,
    Round,
    Unit,
    User,
)
from competition.models.contests import ROUND_KINDS
from competition.scoring import schemes as scoring_schemes
from competition.scoring import sheets as rules
from competition.scoring.values import plain

ROW_LABELS = {
    rules.ROW_EMPTY: lazy_gettext("未录入"),
    rules.ROW_AWAITING_FIRST: lazy_gettext("裁判未评分"),
    rules.ROW_AWAITING_SECOND: lazy_gettext("待二次录入"),
    rules.ROW_MATCH: lazy_gettext("一致"),
    rules.ROW_SETTLED: lazy_gettext("已核定"),
    rules.ROW_MISMATCH: lazy_gettext("不一致"),
}


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token and, where needed, one choice."""

    value = HiddenField()


def page_context() -> dict[str, Any]:
    return {
        # The round names of `contest.wording`, as a table the templates index by kind.
        "round_labels": {kind: round_label(kind) for kind in ROUND_KINDS},
        "row_labels": ROW_LABELS,
        "judge_name": _judge_name,
        "score": format_decimal,
    }


def _judge_name(user: User) -> str:
    return judging_service.judge_name(user)


def _user() -> User:
    user = signed_in_user()
    assert user is not None  # role_required / json_endpoint ran first
    return user


def _event_round(event_id: int, round_kind: str) -> tuple[Event, Round]:
    event = contest_service.get_event(event_id)
    return event, contest_service.get_round(event, round_kind)


def _sheet(
    event_id: int, round_kind: str, component_key: str, judge_id: int
) -> judging_service.SheetRef:
    event, round_ = _event_round(event_id, round_kind)
    return judging_service.sheet_ref(event, round_, component_key, judge_id)


def _own_sheet(event_id: int, round_kind: str, component_key: str) -> judging_service.SheetRef:
    """The signed-in judge's own sheet: 404 for what does not exist, then 403 for a judge who
    does not mark this round (the API's order)."""
    event, round_ = _event_round(event_id, round_kind)
    if event.component(component_key) is None:
        raise NotFound("本赛项没有这个评分项")
    user = _user()
    policy.marking_assignment(user, event, round_)
    return judging_service.sheet_ref(event, round_, component_key, user.id)


def _checks(component: Component) -> dict[str, Any]:
    """What the sheet's script may refuse before asking the server, in the server's words: the
    mark value rule as the services apply it (limits, places and their messages, from
    `scoring.MarkValueRule`), and the API's word for text that is no number."""
    return {
        **mark_service.value_rule(component).for_script(),
        "not_number": _(DecimalValue.default_error_messages["invalid"]),
        # A word for an absence typed where a mark goes is refused in the field's words.
        "absence_words": sorted(ABSENCE_WORDS),
        "absence": _(DecimalValue.default_error_messages["absence"]),
    }


def _offline_copy(page: str) -> Response:
    """A score sheet the service worker (`sheet_worker`) may keep on the judge's device, and
    no other page: it opens again there without the network."""
    response = make_response(page)
    response.headers["X-Sheet-Offline"] = "1"
    return response


def _next_step(ref: judging_service.SheetRef) -> tuple[str, str]:
    """Where Enter on the last row goes: a chief who signs this sheet to its sign-off, any
    other judge back to the list of their sheets."""
    if policy.may_sign(_user(), ref.event, ref.round, ref.assignment):
        return _review_url(ref), _("完成，去核对并签字")
    return url_for("web.judging_index"), _("完成，返回我的评分")


def _lock_reason(view: judging_service.SheetView) -> str | None:
    if view.ref.round.published:
        return _("本轮成绩已发布，评分表已锁定。")
    if view.counts.signed:
        return _("裁判长已签字确认，评分表已锁定；如需更改，请联系组委会重新开放。")
    return None


# ---------------------------------------------------------------- the judge's start page
@dataclass(frozen=True)
class _EventTasks:
    event: Event
    assignment: JudgeAssignment
    own: dict[int, list[judging_service.SheetProgress]]  # round id -> own sheets
    to_sign: dict[int, list[judging_service.SheetProgress]]
    to_verify: list[judging_service.SheetProgress]
    unit_name: str | None
    rounds: list[Round]  # the rounds with own sheets, those still open first
    sign_rounds: list[Round]  # the rounds with sheets to sign, likewise
    # A chief's: items whose judgements differ by more than the scheme allows (round, number,
    # the dispute), to be re-marked before anything is signed.
    disputes: list[tuple[Round, str, scheme_service.Dispute]] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Something is left to do here: an own sheet to fill, one to sign or to re-enter."""
        return (
            any(_is_open(line) for lines in self.own.values() for line in lines)
            or any(not line.counts.signed for lines in self.to_sign.values() for line in lines)
            or bool(self.to_verify)
        )


def _is_open(line: judging_service.SheetProgress) -> bool:
    """A sheet that can still change: its round unpublished and no chief judge's signature."""
    return not line.round.published and not line.counts.signed


def _open_first(lines: list[judging_service.SheetProgress]) -> list[judging_service.SheetProgress]:
    """Open sheets first, and of those the unfinished before the complete; otherwise in the
    event's order of components and judges (the sort is stable)."""
    return sorted(lines, key=lambda line: (not _is_open(line), line.counts.complete))


def _rounds_open_first(
    event: Event, sheets: dict[int, list[judging_service.SheetProgress]]
) -> list[Round]:
    """The event's rounds that have sheets here, those with an open sheet first."""
    return sorted(
        (r for r in event.rounds if r.id in sheets),
        key=lambda r: r.published or not any(_is_open(line) for line in sheets[r.id]),
    )


@bp.get("/judging")
@role_required(Role.JUDGE)
def judging_index() -> str:
    """What this judge marks, what they sign as chief judge, and what they re-enter: the
    events and rounds with something left to do first, and in each the open sheets first."""
    user = _user()
    assignments = list(
        db.session.scalars(
            select(JudgeAssignment)
            .where(JudgeAssignment.user_id == user.id)
            .order_by(JudgeAssignment.event_id)
        )
    )
    events = {
        event.id: event
        for event in db.session.scalars(
            select(Event)
            .where(Event.id.in_([a.event_id for a in assignments]))
            .options(selectinload(Event.rounds), selectinload(Event.components))
        )
    }
    progress = judging_service.progress_of_events(list(events.values()))
    tasks = []
    for assignment in assignments:
        event = events[assignment.event_id]
        own: dict[int, list[judging_service.SheetProgress]] = defaultdict(list)
        to_sign: dict[int, list[judging_service.SheetProgress]] = defaultdict(list)
        to_verify = []
        for line in progress.get(event.id, []):
            if line.judge.id == user.id:
                own[line.round.id].append(line)
            if policy.assignment_may_sign(assignment, line.round, line.assignment):
                to_sign[line.round.id].append(line)
            if (
                line.counts.second_entry_required
                and not line.round.published
                and not line.counts.signed
                and policy.assignment_second_entry_refusal(
                    user, assignment, line.round, line.assignment
                )
                is None
            ):
                to_verify.append(line)
        for round_ in event.rounds:
            own.setdefault(round_.id, [])
        own = {round_id: _open_first(lines) for round_id, lines in own.items()}
        to_sign = {round_id: _open_first(lines) for round_id, lines in to_sign.items()}
        disputes = []
        if to_sign:
            for round_ in event.rounds:
                found = scheme_service.disputes(round_) if not round_.published else []
                numbers = judging_service.shown_numbers(event, round_) if found else {}
                disputes += [(round_, numbers.get(d.contestant_id, ""), d) for d in found]
        unit = db.session.get(Unit, assignment.unit_id) if assignment.unit_id else None
        tasks.append(
            _EventTasks(
                event,
                assignment,
                own,
                to_sign,
                to_verify,
                unit.name if unit else None,
                _rounds_open_first(event, own),
                _rounds_open_first(event, to_sign),
                disputes,
            )
        )
    tasks.sort(key=lambda task: not task.open)
    return render_template("contest/judging/index.html", tasks=tasks, **page_context())


# ---------------------------------------------------------------- the score sheet
@bp.get("/judging/events/<int:event_id>/<round_kind>/<component_key>")
@role_required(Role.JUDGE)
def score_sheet(event_id: int, round_kind: str, component_key: str) -> Response:
    ref = _own_sheet(event_id, round_kind, component_key)
    view = judging_service.load_sheet(ref)
    scheme = scheme_service.get_scheme(ref.component)
    if scheme is not None:
        return _item_sheet(view, scheme)
    rows = [
        {
            "contestant": row.contestant,
            "number": row.number,
            "value": format_decimal(row.mark) if row.mark is not None else "",
            "etag": quote_etag(row.etag) if row.etag else "",
            "url": url_for(
                "web.score_sheet_mark",
                event_id=event_id,
                round_kind=round_kind,
                component_key=component_key,
                contestant_id=row.contestant.id,
            ),
        }
        for row in view.rows
    ]
    return _offline_copy(
        render_template(
            "contest/judging/sheet.html",
            mode="first",
            view=view,
            rows=rows,
            lock_reason=_lock_reason(view),
            identities=policy.sees_identities(_user(), ref.round),
            checks=_checks(ref.component),
            next_step=_next_step(ref),
            **page_context(),
        )
    )


def _item_sheet(view: judging_service.SheetView, scheme: MarkingScheme) -> Response:
    """The sheet of a component with a marking scheme: a block per contestant, one input per
    item, saved one by one (`score_sheet_item`); the judge's mark of the component appears
    once every measurement and judgement item is marked."""
    ref = view.ref
    values = scheme_service.sheet_values(ref.round.id, ref.component.id, ref.assignment.user_id)
    items = scheme_service.item_rules(scheme)
    blocks = []
    for row in view.rows:
        entered = values.get(row.contestant.id, {})
        blocks.append(
            {
                "contestant": row.contestant,
                "number": row.number,
                "mark": format_decimal(row.mark) if row.mark is not None else "",
                "entries": [
                    {
                        "rule": item,
                        "value": "" if item.code not in entered else plain(entered[item.code]),
                        "points": ""
                        if item.code not in entered
                        else format_decimal(
                            scoring_schemes.item_points_display(item, entered[item.code])
                        ),
                        "url": url_for(
                            "web.score_sheet_item",
                            event_id=ref.event.id,
                            round_kind=ref.round.kind,
                            component_key=ref.component.key,
                            contestant_id=row.contestant.id,
                            code=item.code,
                        ),
                    }
                    for item in items
                ],
            }
        )
    disputes = {
        (d.contestant_id, d.item) for d in scheme_service.disputes(ref.round, [ref.component])
    }
    return _offline_copy(
        render_template(
            "contest/judging/item_sheet.html",
            view=view,
            scheme=scheme,
            blocks=blocks,
            disputes=disputes,
            lock_reason=_lock_reason(view),
            identities=policy.sees_identities(_user(), ref.round),
            next_step=_next_step(ref),
            **page_context(),
        )
    )


@bp.put(
    "/judging/events/<int:event_id>/<round_kind>/<component_key>/marks/<int:contestant_id>"
    "/items/<code>"
)
@json_endpoint
def score_sheet_item(
    event_id: int, round_kind: str, component_key: str, contestant_id: int, code: str
) -> Response:
    """One item of the item sheet, saved as typed: the API's PUT of an item mark, for a
    signed-in judge."""
    user = _user()
    event, round_ = _event_round(event_id, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_marking(user, event, round_, contestant)
    data = load(ItemMarkIn())
    target = mark_service.locked_target(
        event.id, round_.kind, contestant.id, component_key, user.id
    )
    if target is None or target.contestant_id is None:
        raise NotFound("本赛项没有这名选手")
    written = scheme_service.set_item_mark(
        target, normalise.contest_number(code), data["value"], reason=data["reason"]
    )
    db.session.commit()
    return jsonify(
        {
            "contestant_id": contestant.id,
            "item": written.item,
            "value": plain(written.value),
            "points": format_decimal(written.points),
            "mark": None if written.mark is None else format_decimal(written.mark),
        }
    )


def _value_response(contestant_id: int, component: str, value: Decimal) -> Response:
    return jsonify(
        {"contestant_id": contestant_id, "component": component, "value": format_decimal(value)}
    )


@bp.put("/judging/events/<int:event_id>/<round_kind>/<component_key>/marks/<int:contestant_id>")
@json_endpoint
def score_sheet_mark(
    event_id: int, round_kind: str, component_key: str, contestant_id: int
) -> Response:
    """One row of the sheet, saved as typed: the API's PUT of a mark, for a signed-in judge.

    Conditional as the API's is: the sheet sends the ETag of the mark it shows (or
    If-None-Match: * for an empty row), so a sheet open on a second device, or left open while
    a ruling changed the mark, cannot silently overwrite what it never showed."""
    user = _user()
    event, round_ = _event_round(event_id, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    policy.require_marking(user, event, round_, contestant)
    if_match, if_none_match = if_match_tags(), if_none_match_any()
    data = load(MarkIn())
    written = mark_service.set_mark(
        event,
        round_,
        contestant,
        component_key,
        data["value"],
        user,
        if_match=if_match,
        if_none_match=if_none_match,
    )
    db.session.commit()
    response = _value_response(contestant.id, component_key, data["value"])
    response.set_etag(written.etag)
    return response


@bp.get("/judging/events/<int:event_id>/<round_kind>/<component_key>/marks/<int:contestant_id>")
@json_endpoint
def score_sheet_mark_now(
    event_id: int, round_kind: str, component_key: str, contestant_id: int
) -> Response:
    """The judge's mark as the server holds it now (null for none), with its ETag: for a sheet
    whose queued change was refused as stale (someone changed the mark while the judge was
    offline), so that the row can show both values and let the judge choose."""
    ref = _own_sheet(event_id, round_kind, component_key)
    row = next(
        (r for r in judging_service.load_sheet(ref).rows if r.contestant.id == contestant_id),
        None,
    )
    if row is None:
        raise NotFound("本赛项没有这名选手")
    value = format_decimal(row.mark) if row.mark is not None else None
    response = jsonify({"contestant_id": contestant_id, "component": component_key, "value": value})
    if row.etag:
        response.set_etag(row.etag)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/judging/sheet-worker.js")
def sheet_worker() -> Response:
    """The score sheets' service worker, served from /judging/ so that its scope is the
    judging pages: a sheet opened once on a device opens again without the network."""
    script = Path(current_app.static_folder or "static", "sheet-worker.js").read_bytes()
    return Response(
        script,
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


# ---------------------------------------------------------------- second entry (blind)
@bp.get(
    "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>/second-entry"
)
@role_required(Role.JUDGE, Role.ORGANISER)
def second_entry(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Response:
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    policy.require_second_entry(_user(), ref.event, ref.round, ref.assignment)
    view = judging_service.load_sheet(ref)
    if not view.counts.second_entry_required:
        raise Conflict("该评分表不需要二次录入")
    entered = judging_service.second_entries_by(ref)
    rows = [
        {
            "contestant": row.contestant,
            "number": row.number,
            "value": format_decimal(entered[row.contestant.id])
            if row.contestant.id in entered
            else "",
            "url": url_for(
                "web.second_entry_value",
                event_id=event_id,
                round_kind=round_kind,
                component_key=component_key,
                judge_id=judge_id,
                contestant_id=row.contestant.id,
            ),
        }
        for row in view.rows
    ]
    return _offline_copy(
        render_template(
            "contest/judging/sheet.html",
            mode="second",
            view=view,
            rows=rows,
            lock_reason=_lock_reason(view),
            identities=False,
            checks=_checks(ref.component),
            next_step=(_review_url(ref), _("完成，去核对这张评分表")),
            **page_context(),
        )
    )


@bp.put(
    "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>"
    "/second-entry/<int:contestant_id>"
)
@json_endpoint
def second_entry_value(
    event_id: int, round_kind: str, component_key: str, judge_id: int, contestant_id: int
) -> Response:
    """One re-entered value. The answer never says whether it matched: the typist is blind."""
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    contestant = contest_service.get_contestant(ref.event, contestant_id)
    policy.require_second_entry(user, ref.event, ref.round, ref.assignment)
    data = load(MarkIn())
    judging_service.set_second_entry(ref, contestant, data["value"], user)
    db.session.commit()
    return _value_response(contestant.id, component_key, data["value"])


# ---------------------------------------------------------------- review, settle, sign, reopen
def _review_url(ref: judging_service.SheetRef) -> str:
    return url_for(
        "web.sheet_review",
        event_id=ref.event.id,
        round_kind=ref.round.kind,
        component_key=ref.component.key,
        judge_id=ref.assignment.user_id,
    )


@bp.get("/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>")
@role_required(Role.JUDGE, Role.ORGANISER)
def sheet_review(event_id: int, round_kind: str, component_key: str, judge_id: int) -> str:
    """The whole sheet: the judge's marks and the second entry side by side, with the chief
    judge's and the organisers' actions."""
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    policy.require_sheet_review(user, ref.event, ref.round, ref.assignment)
    view = judging_service.load_sheet(ref)
    return render_template(
        "contest/judging/review.html",
        view=view,
        lock_reason=_lock_reason(view),
        identities=policy.sees_identities(user, ref.round),
        may_sign=policy.may_sign(user, ref.event, ref.round, ref.assignment),
        sign_refusal=view.counts.sign_refusal_message(),
        is_organiser=roles.is_organiser(user),
        action_form=ActionForm(),
        # The other judges' marks of this component beside this judge's: flagged marks need
        # the chief judge's note before the sheet is signed.
        consistency=consistency_section(
            user, ref.event, ref.round, [ref.component], ref.assignment.user_id
        ),
        **page_context(),
    )


def _act(ref: judging_service.SheetRef, action: Callable[[], str]) -> ResponseReturnValue:
    """Run a state change from a review-page button; a refusal is shown on the page it came
    from, and nothing of it is stored."""
    form = ActionForm()
    if not form.validate_on_submit():
        raise Invalid(_("表单无效，请刷新页面后重试。"))
    try:
        message = action()
    except (Conflict, Invalid) as error:
        db.session.rollback()
        flash(error.message, "error")
        details = {text for texts in error.fields.values() for text in texts}
        for text in sorted(details - {error.message}):
            flash(text, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(_review_url(ref))


@bp.post("/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>/sign")
@role_required(Role.JUDGE)
def sheet_sign(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Any:
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    policy.require_signing(user, ref.event, ref.round, ref.assignment)

    def sign() -> str:
        judging_service.sign_sheet(ref, user)
        return _("已签字确认，评分表已锁定。")

    return _act(ref, sign)


@bp.post("/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>/reopen")
@role_required(Role.ORGANISER)
def sheet_reopen(event_id: int, round_kind: str, component_key: str, judge_id: int) -> Any:
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    roles.require_organiser(user)
    reason = request.form.get("reason")

    def reopen() -> str:
        judging_service.reopen_sheet(ref, user, reason)
        return _("评分表已重新开放，裁判可以更正；更正后须由裁判长重新签字。")

    return _act(ref, reopen)


@bp.post(
    "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>"
    "/second-entry/required"
)
@role_required(Role.ORGANISER)
def sheet_second_entry_required(
    event_id: int, round_kind: str, component_key: str, judge_id: int
) -> Any:
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    roles.require_organiser(user)
    required = request.form.get("value") == "1"

    def toggle() -> str:
        judging_service.require_second_entry(ref, required, user)
        return _("已要求二次录入。") if required else _("已取消二次录入要求。")

    return _act(ref, toggle)


def _seen_pair() -> tuple[Decimal, Decimal] | None:
    """The two entries the review page showed beside the settle buttons (None from a form
    that sent neither, e.g. a page loaded before the rule existed)."""
    first, second = request.form.get("first"), request.form.get("second")
    if first is None and second is None:
        return None
    try:
        pair = Decimal(first or ""), Decimal(second or "")
    except InvalidOperation as error:
        raise Invalid(_("表单无效，请刷新页面后重试。")) from error
    if not all(value.is_finite() for value in pair):  # NaN cannot be compared, let alone shown
        raise Invalid(_("表单无效，请刷新页面后重试。"))
    return pair


@bp.post(
    "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>"
    "/settle/<int:contestant_id>"
)
@role_required(Role.JUDGE, Role.ORGANISER)
def sheet_settle(
    event_id: int, round_kind: str, component_key: str, judge_id: int, contestant_id: int
) -> Any:
    user = _user()
    ref = _sheet(event_id, round_kind, component_key, judge_id)
    contestant = contest_service.get_contestant(ref.event, contestant_id)
    policy.require_sheet_review(user, ref.event, ref.round, ref.assignment)
    stands = request.form.get("value", "")

    def settle() -> str:
        value = judging_service.settle(ref, contestant, stands, user, _seen_pair())
        number = draw_service.shown_number(contestant, ref.round)
        return _("%(number)s 号已核定为 %(value)s。", number=number, value=value)

    return _act(ref, settle)
