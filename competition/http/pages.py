"""What every page needs: the signed-in user, role checks (the organiser rule the API applies
too), the JSON endpoints of a page's script, and a service's refusal shown on a form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar

from flask import g, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from competition.core.errors import AppError, Forbidden, Unauthorized
from competition.core.i18n import _, lazy_gettext
from competition.core.roles import require_organiser
from competition.extensions import db, login_manager
from competition.http.blueprints import web as bp
from competition.models import Role, User
from competition.scoring.values import plain

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute on a page's view that says who may open it (see `page_roles`).
PAGE_ROLES = "page_roles"

login_manager.login_view = "web.login"
login_manager.login_message = lazy_gettext("请先登录。")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _sep, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.password_hash[-12:] != fingerprint:
        return None
    return user


def signed_in_user() -> User | None:
    """The signed-in user as a model object (or None), for services and policy checks."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def role_required(*roles: str) -> Callable[[F], F]:
    """Sign-in first (a redirect back after it), then the role: 403 with a readable page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if roles and current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        setattr(wrapped, PAGE_ROLES, tuple(Role(r) for r in roles) or tuple(Role))
        return wrapped  # type: ignore[return-value]

    return decorator


def organiser_page(view: F) -> F:
    """Sign-in first (back here after it), then the organiser rule the API applies."""

    @role_required()
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        require_organiser(current_organiser())
        return view(*args, **kwargs)

    setattr(wrapped, PAGE_ROLES, (Role.ORGANISER,))
    return wrapped  # type: ignore[return-value]


def page_roles(view: Callable[..., Any]) -> tuple[Role, ...] | None:
    """Who may open a page, as its decorator (`role_required`, `organiser_page`) recorded it
    on the view: the roles, every role for any signed-in user, None for a public page. Read by
    the test that every page has a link to it from the home of each role that may use it."""
    return getattr(view, PAGE_ROLES, None)


def current_organiser() -> User:
    user = signed_in_user()
    assert user is not None  # organiser_page signed the visitor in first
    require_organiser(user)
    return user


def json_endpoint(view: F) -> F:
    """For a page's script (the judge's score sheet, the expert's review form), which saves
    as typed: a lapsed session is a JSON 401, since a redirect to the login page would reach
    `fetch` as a 200 full of HTML. The view applies the same rules as the API route it mirrors."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if signed_in_user() is None:
            raise Unauthorized("登录已失效，请重新登录后再录入")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def safe_next(target: str | None) -> str:
    """Only a path on this site: a login link must not send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.index")


# ---------------------------------------------------------------- a refusal on a form
def refusal_messages(
    error: AppError, headline: str | None = None
) -> tuple[list[str], dict[str, list[str]]]:
    """A service's refusal as (general messages, {field: messages}), translated where the
    catalog knows them. The session is rolled back: nothing of the refused change stays; the
    page answers with the refusal's status (`form_status`).

    The general message is the service's own (a locked cohort, a conflict), unless a
    `headline` is given for bad values (422 naming fields): the API's summary names the field
    by its JSON path (`items.0.weight：…`), which a page with the field's message next to its
    input has no need to repeat."""
    db.session.rollback()
    g.refusal_status = error.status
    fields = {name: [_(m) for m in messages] for name, messages in error.fields.items()}
    if headline is not None and error.status == 422 and fields:
        return [headline], fields
    return [_(error.message)], fields


def show_refusal(
    form: FlaskForm | None,
    error: AppError,
    fields: dict[str, str] | None = None,
    headline: str | None = None,
) -> list[str]:
    """Attach a service's field messages to the form's fields (`fields` maps the service's
    names to the form's); whatever has no field comes back as general messages, the headline
    first (see `refusal_messages`)."""
    general, messages = refusal_messages(error, headline)
    fields = fields or {}
    for name, translated in messages.items():
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
    # For messages that are data (a service's refusal, an import row's problem): translated
    # when the catalog knows them, and escaped like any text. The templates' own `_()` marks
    # its result safe, so it must only ever see literal strings.
    return {"translate": _}


@bp.app_template_filter("plain_number")
def _plain_number(value: Any) -> str:
    """A maximum, weight, band or bin edge as people write it (100, 7.5, 85), from a Decimal
    or the decimal string a cohort's bands are stored as; the rule is `scoring.values.plain`."""
    return plain(value if isinstance(value, Decimal | int) else Decimal(str(value)))
