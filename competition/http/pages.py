"""What every page needs: the signed-in user, role checks, and forms' error messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import redirect, request, url_for
from flask_login import current_user

from competition.core.errors import Forbidden
from competition.core.i18n import lazy_gettext
from competition.extensions import db, login_manager
from competition.models import User

F = TypeVar("F", bound=Callable[..., Any])

login_manager.login_view = "web.login"
login_manager.login_message = lazy_gettext("请先登录。")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, fingerprint = session_id.partition(":")
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

        return wrapped  # type: ignore[return-value]

    return decorator


def safe_next(target: str | None) -> str:
    """Only a path on this site: a login link must not send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.index")
