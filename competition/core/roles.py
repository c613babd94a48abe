"""The organiser rule, which both features apply: only the organising committee sets things up,
imports, publishes and reads every audit trail. Each feature's own rules (who judges, who
reviews) are in the feature's `policy` module, which builds on this one."""

from __future__ import annotations

from competition.core.errors import Forbidden
from competition.models import Role, User


def is_organiser(user: User | None) -> bool:
    return user is not None and user.role == Role.ORGANISER


def require_organiser(user: User) -> None:
    if not is_organiser(user):
        raise Forbidden("只有组委会可以进行此操作")
