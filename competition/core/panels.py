"""A review panel's seats, the same for every feature that has a panel (a craftsman class's,
an award programme's): a seat is a row naming an expert (a user of role expert) on one
panel, and `is_lead` marks the one lead. The features keep their own seat model, rules and
messages about the panel; who may sit on one, finding a seat and the one-lead rule are here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from competition.core.errors import Invalid
from competition.extensions import db
from competition.models import Role, User


def expert_account(user_id: int) -> User:
    """The user to seat, who must exist and be an expert (422 naming `user_id` otherwise)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise Invalid("没有这个用户", {"user_id": ["没有这个用户"]})
    if user.role != Role.EXPERT:
        raise Invalid(
            "只有评审专家（expert）角色的用户可以加入专家组",
            {"user_id": ["该用户不是评审专家角色"]},
        )
    return user


def seat_of(seat_model: Any, owner: Any, owner_id: int, user_id: int) -> Any | None:
    """The user's seat on the panel of `owner_id` (`owner` is the seat model's column naming
    the panel's cohort or programme), or None."""
    return db.session.scalar(
        select(seat_model).where(owner == owner_id, seat_model.user_id == user_id)
    )


def clear_lead(seat_model: Any, owner: Any, owner_id: int) -> None:
    """No seat of the panel is the lead any more (before another becomes it)."""
    db.session.execute(
        update(seat_model)
        .where(owner == owner_id, seat_model.is_lead.is_(True))
        .values(is_lead=False),
        execution_options={"synchronize_session": "fetch"},
    )
