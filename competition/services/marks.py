"""Judges' marks: one per judge × contestant × component × round, every change audited."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from competition.errors import Conflict, Invalid
from competition.extensions import db
from competition.models import Component, Contestant, Event, Finalist, Mark, Round, Sheet, User
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.services import audit
from competition.services.locking import lock_row


def lock_round(round_: Round, shared: bool = False) -> Round:
    """The round re-read under a lock: a mark and a publication of the same round cannot
    interleave. Marks take it `shared` (they may go ahead together); publication, sign-off,
    rulings and the like take it exclusively."""
    return lock_row(Round, round_, shared=shared)


def _lock_mark(round_: Round, contestant: Contestant, component: Component, judge: User) -> None:
    """One writer at a time for one mark (PostgreSQL, until the transaction ends).

    Why: marks share the round's lock, so two requests for the *same* mark (a tablet resending
    on shaky Wi-Fi, a judge's tablet and phone) could otherwise both read it, and both insert
    it (one would fail on the unique key) or both pass the same If-Match. A transaction-scoped
    advisory lock on the mark's identity makes the later one wait and then see the earlier
    one's mark. Two marks whose keys collide only wait for each other. On SQLite the round's
    lock already lets one writer through at a time.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    key = (contestant.id * 1_000_003 + component.id * 1_009 + judge.id) % 2**31
    db.session.execute(
        select(func.pg_advisory_xact_lock(round_.id, key)).execution_options(autoflush=False)
    )


def range_message(component: Component) -> str:
    """The refusal of a mark outside 0..max (the score sheet pre-checks with the same words)."""
    return f"{component.name}的分数应在 0 到 {component.max_score.normalize():f} 之间"


def check_value(component: Component, value: Decimal) -> str | None:
    """A judge-readable reason why `value` cannot be a mark of `component`, or None."""
    if value < 0 or value > component.max_score:
        return range_message(component)
    if value != value.quantize(Decimal("0.01")):
        return "分数最多保留两位小数"
    return None


def set_mark(
    event: Event,
    round_: Round,
    contestant: Contestant,
    component_key: str,
    value: Decimal,
    judge: User,
    reason: str | None = None,
    *,
    actor: User | None = None,
    by_appeal: bool = False,
    details: dict[str, Any] | None = None,
    if_match: Collection[str] | None = None,
) -> Mark:
    """Set `judge`'s mark; the API, the score-sheet pages and appeals all come through here.

    `actor` is who made the change when it is not the judge (an organiser carrying out an
    appeal's outcome or a settled second entry); the audit trail names both. `by_appeal` is for
    `competition.services.appeals` only: an appeal's outcome may change a published round during
    its public notice period, nothing else may.

    `if_match` (the ETags the caller last read, `*` for any) makes the change conditional: when
    the mark has changed since, or does not exist, nothing is written and `StaleMark` (409) says
    what it is now. It is checked under the round's lock, so two people sending a change made
    from the same reading cannot both succeed.
    """
    component = event.component(component_key)
    if component is None:
        keys = "、".join(c.key for c in event.components)
        raise Invalid(
            f"没有评分项“{component_key}”（本赛项的评分项：{keys}）",
            {"component": ["未知的评分项"]},
        )
    problem = check_value(component, value)
    if problem:
        raise Invalid(problem, {"value": [problem]})
    if (
        round_.kind == FINAL
        and db.session.scalar(select(Finalist.id).where(Finalist.contestant_id == contestant.id))
        is None
    ):
        raise Invalid(
            f"选手 {contestant.number} 未进入决赛，不能评决赛分", {"contestant": ["未进入决赛"]}
        )
    round_ = lock_round(round_, shared=True)
    _lock_mark(round_, contestant, component, judge)
    if round_.published and not by_appeal:
        raise Conflict("本轮成绩已发布并锁定，不能再修改")
    if _sheet_signed(round_, component, judge):
        raise Conflict("该评分表已由裁判长签字锁定；如需更改，须由组委会注明理由重新开放")

    mark = db.session.scalar(
        select(Mark).where(
            Mark.round_id == round_.id,
            Mark.contestant_id == contestant.id,
            Mark.component_id == component.id,
            Mark.judge_id == judge.id,
        )
    )
    if if_match is not None:
        check_if_match(mark, if_match)
    old_value = mark.value if mark is not None else None
    if mark is None:
        mark = Mark(
            round_id=round_.id,
            contestant_id=contestant.id,
            component_id=component.id,
            judge_id=judge.id,
            value=value,
        )
        db.session.add(mark)
    elif mark.value != value:
        mark.value = value
        mark.updated_at = utcnow()
    if old_value != value:
        audit.record(
            "mark.set",
            actor or judge,
            event_id=event.id,
            round_id=round_.id,
            contestant_id=contestant.id,
            component_id=component.id,
            judge_id=judge.id,
            old_value=old_value,
            new_value=value,
            reason=reason,
            details=details,
        )
    db.session.flush()
    return mark


class StaleMark(Conflict):
    """The mark is no longer what the caller read: someone else changed it in between."""

    def __init__(self, mark: Mark | None) -> None:
        if mark is None:
            message = "该评分尚未录入或已被删除，请刷新后再录入"
        else:
            message = f"评分已被他人修改（现为 {mark.value}），请刷新后再改"
        super().__init__(message, {"value": [message]}, code="stale")
        self.mark = mark


def check_if_match(mark: Mark | None, if_match: Collection[str]) -> None:
    """Refuse (StaleMark) unless the mark exists and is one of the versions the caller read."""
    if mark is None or ("*" not in if_match and mark.etag not in if_match):
        raise StaleMark(mark)


def _sheet_signed(round_: Round, component: Component, judge: User) -> bool:
    """A sheet the chief judge signed is locked (competition.services.judging signs and
    reopens); checked here, under the round's lock, so the API and the pages both obey it."""
    signed_at = db.session.scalar(
        select(Sheet.signed_at).where(
            Sheet.round_id == round_.id,
            Sheet.component_id == component.id,
            Sheet.judge_id == judge.id,
        )
    )
    return signed_at is not None


def list_marks(
    round_: Round, judge: User | None = None
) -> list[tuple[Mark, Contestant, Component]]:
    """A round's marks (one judge's own, or everyone's), for a judge's sheet or an organiser."""
    query = (
        select(Mark, Contestant, Component)
        .join(Contestant, Contestant.id == Mark.contestant_id)
        .join(Component, Component.id == Mark.component_id)
        .where(Mark.round_id == round_.id)
        .order_by(Contestant.number, Component.position, Mark.judge_id)
    )
    if judge is not None:
        query = query.where(Mark.judge_id == judge.id)
    return [(row[0], row[1], row[2]) for row in db.session.execute(query)]
