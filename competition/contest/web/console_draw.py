"""The organisers' draw of the final's contest numbers (抽签) and its printed record.

The page says whether the numbers are drawn, offers the draw (or a redraw, confirmed, until
the first final mark), shows the key from number to person, which only organisers may see, and
links the printable record (抽签记录) the supervisors sign. Drawing goes through the same
service as the API (`competition.contest.services.draw`), so a refusal reads the same.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest.documents import draw_record
from competition.contest.services import draw as draw_service
from competition.contest.web.console_common import event_or_404
from competition.core.errors import AppError, Invalid
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page, show_refusal
from competition.http.responses import download_response
from competition.models import Event


def _page(event: Event, errors: list[str], status: int = 200) -> ResponseReturnValue:
    draw = draw_service.current_draw(event)
    return render_template(
        "contest/console/draw.html",
        event=event,
        draw=draw,
        finalists=draw_service.finalist_count(event),
        refusal=draw_service.refusal(event),
        errors=errors,
    ), status


@bp.get("/console/events/<int:event_id>/draw")
@organiser_page
def console_draw(event_id: int) -> ResponseReturnValue:
    """Whether the final's numbers are drawn, the draw button, and the key."""
    return _page(event_or_404(event_id), [])


@bp.post("/console/events/<int:event_id>/draw")
@organiser_page
def console_draw_numbers(event_id: int) -> ResponseReturnValue:
    """Draw (or draw again) the final's numbers. A redraw replaces every number, so it must
    be confirmed; a refusal (a final mark exists, published, no finalists) is shown on the
    page with its status, and nothing of it is stored."""
    event = event_or_404(event_id)
    again = draw_service.current_draw(event) is not None
    try:
        if again and request.form.get("confirm") != "yes":
            raise Invalid(_("重新抽签将作废现有的全部决赛参赛号，请勾选确认后再抽签。"))
        draw = draw_service.draw_numbers(event, current_organiser())
        db.session.commit()
    except AppError as error:
        return _page(event, show_refusal(None, error), error.status)
    if again:
        message = _("已重新抽签：%(count)d 名决赛选手的参赛号已全部更换。", count=len(draw.numbers))
    else:
        message = _("抽签完成：%(count)d 名决赛选手已编号。", count=len(draw.numbers))
    flash(message, "success")
    return redirect(url_for("web.console_draw", event_id=event.id))


@bp.get("/console/events/<int:event_id>/draw.pdf")
@organiser_page
def console_draw_record_pdf(event_id: int) -> ResponseReturnValue:
    """The printable draw record (抽签记录) for the supervisors' signatures; 409 page before a
    draw."""
    event = event_or_404(event_id)
    return download_response(draw_record.draw_record_pdf(event, current_organiser()))
