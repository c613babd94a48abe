"""The console's account forms: an organiser creates a person's account and seats it where it
is needed in one step (a judge on an event, an expert on a cohort's panel), or seats an account
that exists already. The features keep their forms, routes and messages; what the seat is
comes from them (`seat`), and this module knows nothing of events or cohorts."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from wtforms import SelectChoice

from competition.core import users as user_service
from competition.core.errors import AppError
from competition.core.i18n import paren
from competition.extensions import db
from competition.http.pages import show_refusal
from competition.models import User


def free_accounts(role: str, seated: Select[tuple[int]]) -> list[SelectChoice]:
    """The active accounts of `role` not among `seated` (a select of user ids), by username,
    as the choices of an "existing account" field: "username（name）"."""
    free = db.session.scalars(
        select(User)
        .where(User.role == role, User.active.is_(True), User.id.not_in(seated))
        .order_by(User.username)
    ).all()
    return [
        SelectChoice(u.id, u.username + paren(u.display_name) if u.display_name else u.username)
        for u in free
    ]


def create_and_seat(
    form: FlaskForm,
    role: str,
    seat: Callable[[User], object],
    headline: str | None = None,
) -> tuple[User | None, list[str]]:
    """Create the account the form describes (its `username`, `password` and `display_name`
    fields) with `role`, seat it (`seat(user)`) and commit: the new user and no messages. On a
    refusal of either step nothing stays (`show_refusal` rolls back): no user, and the
    messages for the page, the field ones on the form's fields."""
    try:
        user = user_service.create_user(
            form.username.data.strip(),
            form.password.data,
            role,
            (form.display_name.data or "").strip(),
        )
        seat(user)
        db.session.commit()
    except AppError as error:
        return None, show_refusal(form, error, headline=headline)
    return user, []


def seat_account(
    form: FlaskForm, seat: Callable[[], object], headline: str | None = None
) -> list[str]:
    """Seat an existing account (`seat()`) and commit: no messages when done; on a refusal
    (which always says something) its messages for the page, nothing staying, as in
    `create_and_seat`."""
    try:
        seat()
        db.session.commit()
    except AppError as error:
        return show_refusal(form, error, headline=headline)
    return []
