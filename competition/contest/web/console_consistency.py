"""Judge consistency on the chief judge's and the organisers' pages.

The chief judge sees it on the sign-off page of a sheet (`judging.sheet_review` renders
`section`): the consistency of every judge on the sheet's component, and each flagged mark
with a form to acknowledge it, since a sheet with an unacknowledged flagged mark is not signed
(`services.judging.sign_sheet`). The organisers see every component of a round on one page
(`console_consistency`), linked from the judging progress page.

Contestants appear by number only, never by name or unit: judges mark numbers until results
are out. The figures and the rules are `services.consistency`'s; these views only show them
and pass a note on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField

from competition.contest import policy
from competition.contest.services import consistency as consistency_service
from competition.contest.services import contests as contest_service
from competition.contest.services import judging as judging_service
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.contest.wording import round_label
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.i18n import N_, _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.fields import format_decimal
from competition.http.pages import current_organiser, organiser_page, role_required, signed_in_user
from competition.models import Component, Event, Role, Round, User
from competition.scoring.consistency import fraction_half_up, outlier_distance

#: The service's fixed refusals, for the English catalog (see `web.messages`).
MESSAGES = (
    N_("请填写说明"),
    N_("说明最多 2000 字"),
    N_("该评分未被标记为异常，无需说明"),
    N_("只有裁判长或组委会可以对被标记的评分作出说明"),
    N_("只有组委会或裁判长可以查看评分一致性"),
)

#: Where a note form sends its author back: the organisers' page of the round, or (a judge's
#: id) the sign-off page of that judge's sheet of the component.
TO_CONSOLE = "console"


class NoteForm(FlaskForm):
    """A note on one flagged mark; the service decides whether it may be written."""

    note = TextAreaField()
    back = HiddenField()


@dataclass(frozen=True)
class Section:
    """What the consistency part of a page shows: the components' lines the viewer may see,
    the judges whose flagged marks the viewer may acknowledge, and where the forms return."""

    event: Event
    round: Round
    parts: list[consistency_service.ComponentConsistency]
    notable: frozenset[int]
    back: str
    sheet_judge_id: int | None = None
    form: NoteForm = field(default_factory=NoteForm)

    @property
    def sheet_unacknowledged(self) -> list[consistency_service.FlaggedMark]:
        """The flagged marks of the page's own sheet still without a note."""
        return [
            flag
            for part in self.parts
            for line in part.lines
            if line.judge_id == self.sheet_judge_id
            for flag in line.unacknowledged
        ]

    def distance_of(self, component: Component) -> Decimal:
        """How far from the other judges' median a mark of `component` may lie, in points."""
        distance = outlier_distance(component.max_score, self.event.outlier_percent)
        return fraction_half_up(distance)


def section(
    user: User,
    event: Event,
    round_: Round,
    components: list[Component],
    sheet_judge_id: int | None,
) -> Section:
    """The consistency of `components` in the round as `user` may see it; the forms return to
    the sheet of `sheet_judge_id`, or to the organisers' page when None."""
    parts = consistency_service.visible(
        user, event, round_, consistency_service.round_consistency(event, round_, components)
    )
    judges = {line.judge_id for part in parts for line in part.lines}
    notable = frozenset(
        judge_id
        for judge_id in judges
        if (assignment := policy.sheet_assignment(event, judge_id)) is not None
        and consistency_service.may_note(user, event, round_, assignment)
    )
    back = TO_CONSOLE if sheet_judge_id is None else str(sheet_judge_id)
    return Section(event, round_, parts, notable, back, sheet_judge_id)


@bp.get("/console/events/<int:event_id>/rounds/<kind>/consistency")
@organiser_page
def console_consistency(event_id: int, kind: str) -> ResponseReturnValue:
    """Every component of the round: each judge's figures and every flagged mark."""
    user = current_organiser()
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    shown = section(user, event, round_, list(event.components), None)
    return render_template(
        "contest/console/consistency.html",
        event=event,
        round=round_,
        round_name=round_label(round_.kind),
        consistency=shown,
        judge_name=judging_service.judge_name,
        score=format_decimal,
    )


@bp.post(
    "/judging/events/<int:event_id>/<round_kind>/consistency/<component_key>/<int:judge_id>"
    "/<int:contestant_id>/note"
)
@role_required(Role.JUDGE, Role.ORGANISER)
def consistency_note(
    event_id: int, round_kind: str, component_key: str, judge_id: int, contestant_id: int
) -> Response:
    """The chief judge's (or an organiser's) note on one flagged mark, from either page."""
    user = signed_in_user()
    assert user is not None  # role_required signed the visitor in
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    contestant = contest_service.get_contestant(event, contestant_id)
    consistency_service.require_noting(event, round_, contestant, component_key, judge_id, user)
    form = NoteForm()
    if not form.validate_on_submit():
        raise Invalid(_("表单无效，请刷新页面后重试。"))
    target = _back(event, round_, component_key, judge_id, form.back.data or "", user)
    try:
        consistency_service.acknowledge(
            event, round_, contestant, component_key, judge_id, form.note.data, user
        )
    except (Conflict, Invalid) as error:
        db.session.rollback()
        flash(_(error.message), "error")
    else:
        db.session.commit()
        flash(_("说明已保存。"), "success")
    return redirect(target)


def _back(
    event: Event, round_: Round, component_key: str, judge_id: int, back: str, user: User
) -> str:
    """The page the form came from, rebuilt from names the app knows (never a posted URL)."""
    if back == TO_CONSOLE and consistency_service.may_read(user, event):
        anchor = f"#flag-{component_key}-{judge_id}"
        return url_for("web.console_consistency", event_id=event.id, kind=round_.kind) + anchor
    sheet_judge = int(back) if back.isdigit() else judge_id
    try:
        judging_service.sheet_ref(event, round_, component_key, sheet_judge)
    except NotFound:
        sheet_judge = judge_id
    return (
        url_for(
            "web.sheet_review",
            event_id=event.id,
            round_kind=round_.kind,
            component_key=component_key,
            judge_id=sheet_judge,
        )
        + "#consistency"
    )


@bp.app_template_global()
def consistency_note_url(
    section: Section, line: consistency_service.JudgeLine, contestant_id: int
) -> str:
    """The address a note form of `section` posts to, for the flagged mark of `line`."""
    return url_for(
        "web.consistency_note",
        event_id=section.event.id,
        round_kind=section.round.kind,
        component_key=line.component.key,
        judge_id=line.judge_id,
        contestant_id=contestant_id,
    )
