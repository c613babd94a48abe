"""What the organiser console and the public pages share: the organiser check, loading rows
by id, putting a service's refusal next to the form field it is about, template helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_wtf import FlaskForm

from competition.contest import policy
from competition.contest.services import contests as contest_service
from competition.contest.services import publication
from competition.contest.web.presenting import (
    absence_text,
    contest_title,
    decided_by_text,
    finalist_problem_text,
    plain_number,
    round_label,
    short_name,
)
from competition.core import access_codes
from competition.core.errors import AppError, NotFound
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import role_required, signed_in_user
from competition.models import Contest, Event, Round, User
from competition.pdf.formatting import place_note_text, place_notes

F = TypeVar("F", bound=Callable[..., Any])


def organiser_page(view: F) -> F:
    """Sign-in first (back here after it), then the organiser rule the API applies."""

    @role_required()
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        policy.require_organiser(current_organiser())
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def current_organiser() -> User:
    user = signed_in_user()
    assert user is not None  # organiser_page signed the visitor in first
    policy.require_organiser(user)
    return user


def contest_or_404(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound(_("没有这个竞赛"))
    return contest


def event_or_404(event_id: int) -> Event:
    return contest_service.get_event(event_id)


def round_or_404(event: Event, kind: str) -> Round:
    return contest_service.get_round(event, kind)


def show_refusal(
    form: FlaskForm | None, error: AppError, fields: dict[str, str] | None = None
) -> list[str]:
    """Attach a service's field messages to the form's fields (`fields` maps the service's
    names to the form's); whatever has no field comes back as general messages, the headline
    first. The session is rolled back: nothing of the refused change stays."""
    db.session.rollback()
    g.refusal_status = error.status
    fields = fields or {}
    general = [_(error.message)]
    for name, messages in error.fields.items():
        translated = [_(m) for m in messages]
        target = fields.get(name, name)
        field = getattr(form, target, None) if form is not None and target else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), *translated]
        else:
            general.extend(m for m in translated if m not in general)
    return general


def form_status() -> int:
    """200 for a form shown; for a form sent back with messages, the refusal's status (409 for
    a conflict, 422 for bad values)."""
    if request.method != "POST":
        return 200
    return int(g.get("refusal_status", 422))


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        # For messages that are data (a service's refusal, an import row's problem): translated
        # when the catalog knows them, and escaped like any text. The templates' own `_()`
        # marks its result safe, so it must only ever see literal strings.
        "translate": _,
        "round_label": round_label,
        "contest_title": contest_title,
        "decided_by_text": decided_by_text,
        "absence_text": absence_text,
        "place_notes": place_notes,
        "place_note_text": place_note_text,
        "finalist_problem_text": finalist_problem_text,
        "short_name": short_name,
        "display_code": access_codes.display,
        "notice_status": publication.notice_status,
        "local_date": publication.local_date,
    }


@bp.app_template_filter("plain_number")
def _plain_number(value: Any) -> str:
    return plain_number(value)
