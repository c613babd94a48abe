"""Judges' marks: one per judge × contestant × component × round, every change audited."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key

from competition import scoring
from competition.core import audit, users
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.locking import begin_sqlite_write, lock_row
from competition.extensions import db
from competition.models import (
    Component,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Mark,
    MarkingScheme,
    Round,
    Sheet,
    User,
)
from competition.models.contests import FINAL


def lock_round(round_: Round, shared: bool = False) -> Round:
    """The round re-read under a lock: a mark and a publication of the same round cannot
    interleave. Publication, sign-off, rulings and the like take it exclusively; a mark takes
    it `shared` inside `locked_target`, which reads everything a mark's rules look at."""
    return lock_row(Round, round_, shared=shared)


_rounds, _contestants = Round.__table__, Contestant.__table__
_assignments, _components = JudgeAssignment.__table__, Component.__table__
_finalists, _sheets, _marks = Finalist.__table__, Sheet.__table__, Mark.__table__
_schemes = MarkingScheme.__table__


def _target(judge: Any, rounds: Any = _rounds) -> Select[Any]:
    """Everything the rules of one mark look at, in one statement: the round (the row that is
    locked), the contestant, the judge's assignment, the component, whether the contestant is
    a finalist, the judge's sheet and the mark as it stands; `judge` is the judge's id."""
    return (
        select(
            _rounds.c.id.label("round_id"),
            _rounds.c.published_at,
            _contestants.c.id.label("contestant_id"),
            _contestants.c.number,
            _contestants.c.unit_id.label("contestant_unit"),
            _assignments.c.id.label("assignment_id"),
            _assignments.c.unit_id.label("assigned_unit"),
            _components.c.id.label("component_id"),
            _components.c.name.label("component_name"),
            _components.c.max_score,
            _schemes.c.id.label("scheme_id"),
            _finalists.c.id.label("finalist_id"),
            _sheets.c.signed_at,
            _marks.c.id.label("mark_id"),
            _marks.c.value,
            _marks.c.exact_units,
            _marks.c.version,
        )
        .select_from(rounds)
        .outerjoin(
            _contestants,
            and_(
                _contestants.c.id == bindparam("contestant_id"),
                _contestants.c.event_id == _rounds.c.event_id,
            ),
        )
        .outerjoin(
            _assignments,
            and_(_assignments.c.event_id == _rounds.c.event_id, _assignments.c.user_id == judge),
        )
        .outerjoin(
            _components,
            and_(
                _components.c.event_id == _rounds.c.event_id,
                _components.c.key == bindparam("component_key"),
            ),
        )
        .outerjoin(_schemes, _schemes.c.component_id == _components.c.id)
        .outerjoin(_finalists, _finalists.c.contestant_id == _contestants.c.id)
        .outerjoin(
            _sheets,
            and_(
                _sheets.c.round_id == _rounds.c.id,
                _sheets.c.component_id == _components.c.id,
                _sheets.c.judge_id == judge,
            ),
        )
        .outerjoin(
            _marks,
            and_(
                _marks.c.round_id == _rounds.c.id,
                _marks.c.contestant_id == _contestants.c.id,
                _marks.c.component_id == _components.c.id,
                _marks.c.judge_id == judge,
            ),
        )
        .where(_rounds.c.event_id == bindparam("in_event"), _rounds.c.kind == bindparam("in_kind"))
    )


_TARGET = _target(bindparam("judge_id"))
#: The same for the holder of a token, with the token's columns (`users.BEARER`): one
#: statement where the token's lookup and the mark's were two round trips to the database.
_BY_TOKEN = _target(users.BEARER_ID, users.join_bearer(_rounds)).add_columns(*users.BEARER)
_TARGET_SHARED = _TARGET.with_for_update(read=True, of=_rounds)
_BY_TOKEN_SHARED = _BY_TOKEN.with_for_update(read=True, of=_rounds)
#: SQLite has no row locks: the transaction begins as the writer before anything is read
#: (`locking.begin_sqlite_write`); inside a transaction already open, a no-op UPDATE of the
#: round takes the database's write lock instead. The result-stamp triggers ignore it.
_SQLITE_ROUND_LOCK = (
    update(_rounds)
    .where(_rounds.c.event_id == bindparam("in_event"), _rounds.c.kind == bindparam("in_kind"))
    .values(id=_rounds.c.id)
)


def _new(name: str, column: str | None = None) -> Any:
    """A bound parameter typed as the marks' column it goes to."""
    return bindparam(name, type_=_marks.c[column or name].type)


_KEY = ("round_id", "contestant_id", "component_id", "judge_id")
_READ_VERSION = bindparam("read_version", type_=Integer)
#: A new mark, or nothing when another writer's has just been made (the unique key): the
#: caller then reads the mark as it is now and applies the rules to it again.
_INSERT = {
    dialect.dialect.name: dialect.insert(_marks)
    .values(
        **{name: _new(name) for name in _KEY},
        value=_new("value"),
        exact_units=_new("exact_units"),
        created_at=_new("at", "created_at"),
        updated_at=_new("at", "updated_at"),
        version=literal_column("1", Integer),
    )
    .on_conflict_do_nothing(index_elements=list(_KEY))
    .returning(_marks.c.id)
    for dialect in (postgresql, sqlite)
}
#: A change to the version of the mark that was read, or nothing when it has changed since.
_UPDATE = (
    update(_marks)
    .where(_marks.c.id == bindparam("mark_id"), _marks.c.version == _READ_VERSION)
    .values(
        value=_new("value"),
        exact_units=_new("exact_units"),
        updated_at=_new("at", "updated_at"),
        version=_READ_VERSION + literal_column("1", Integer),
    )
    .returning(_marks.c.id)
)


def _with_its_entry(write: Any) -> Select[Any]:
    """`write` and the audit entry of what it writes, as one statement (PostgreSQL)."""
    written = write.cte("written")
    return select(written.c.id).add_cte(audit.insert_for_each(written).cte("audited"))


_AUDITED_INSERT = _with_its_entry(_INSERT["postgresql"])
_AUDITED_UPDATE = _with_its_entry(_UPDATE)
#: How often a write may find the mark changed by another writer since it was read before
#: the caller is told to try again: each time, another change to this very mark was made.
_ATTEMPTS = 5


@dataclass(frozen=True)
class MarkTarget:
    """One mark's situation, read under the round's lock: what `apply` checks and writes to.

    `contestant_id`, `component_id` and `mark_id` are None when there is no such contestant in
    the event, no such component, or no mark yet; `assignment_id` when the user is not assigned
    to the event."""

    event_id: int
    round_kind: str
    component_key: str
    judge_id: int
    round_id: int
    published_at: datetime | None
    contestant_id: int | None
    number: str | None
    contestant_unit: int | None
    assignment_id: int | None
    assigned_unit: int | None
    component_id: int | None
    component_name: str | None
    max_score: Decimal | None
    scheme_id: int | None
    finalist_id: int | None
    signed_at: datetime | None
    mark_id: int | None
    value: Decimal | None
    exact_units: int | None
    version: int | None

    @property
    def etag(self) -> str | None:
        return None if self.mark_id is None else f"{self.mark_id}-{self.version}"


@dataclass(frozen=True)
class MarkWritten:
    """A mark as `apply` left it."""

    mark_id: int
    version: int
    value: Decimal

    @property
    def etag(self) -> str:
        """The mark's entity tag (unquoted), as `Mark.etag`."""
        return f"{self.mark_id}-{self.version}"


def locked_target(
    event_id: int, round_kind: str, contestant_id: int, component_key: str, judge_id: int
) -> MarkTarget | None:
    """The mark's situation under the round's lock, or None when the event has no such round.

    Why one Core statement: a judge's mark is the request a final sends most (bench/load.py),
    and reading the event, round, contestant, assignment, sheet and mark as ORM objects cost
    several times the write itself. On PostgreSQL the round is locked `FOR SHARE` (marks go
    ahead together; publication waits for them and they for it); two writers of the *same*
    mark (a tablet resending on shaky Wi-Fi, a judge's tablet and phone) may both read it,
    and `apply`'s write then succeeds only for the mark as it was read. On SQLite one writer
    at a time goes through, in turn (`locking.begin_sqlite_write`).
    """
    row = _read_locked(
        event_id,
        round_kind,
        {"contestant_id": contestant_id, "component_key": component_key, "judge_id": judge_id},
        by_token=False,
    )
    if row is None:
        return None
    return MarkTarget(
        event_id=event_id,
        round_kind=round_kind,
        component_key=component_key,
        judge_id=judge_id,
        **row._asdict(),
    )


_BEARER_NAMES = tuple(column.name for column in users.BEARER)


def locked_target_for_token(
    token: str, event_id: int, round_kind: str, contestant_id: int, component_key: str
) -> tuple[users.Bearer | None, MarkTarget] | None:
    """`locked_target` for the holder of `token`, who is read in the same statement: None
    when there is no such round or no such token (the caller tells which), the bearer None
    when the token does not open the API (the caller refuses it, 401, before anything else).

    Why: the API's mark entry, the request a final sends most, read the token and then the
    mark, a round trip each; now one (bench/load.py)."""
    row = _read_locked(
        event_id,
        round_kind,
        {
            "contestant_id": contestant_id,
            "component_key": component_key,
            "token_hash": users.hash_token(token),
        },
        by_token=True,
    )
    return None if row is None else _bearer_and_target(row, event_id, round_kind, component_key)


def _bearer_and_target(
    row: Any, event_id: int, round_kind: str, component_key: str
) -> tuple[users.Bearer | None, MarkTarget]:
    """A row of `_BY_TOKEN` as the token's holder and the mark's situation."""
    values = row._asdict()
    for name in _BEARER_NAMES:
        del values[name]
    target = MarkTarget(
        event_id=event_id,
        round_kind=round_kind,
        component_key=component_key,
        judge_id=row.bearer_id,
        **values,
    )
    return users.bearer_of(row), target


def _read_locked(event_id: int, round_kind: str, params: dict[str, Any], *, by_token: bool) -> Any:
    """The row of `_TARGET` (or `_BY_TOKEN`) under the round's lock, or None."""
    connection = db.session.connection()
    names = {"in_event": event_id, "in_kind": round_kind}
    if connection.dialect.name == "postgresql":
        statement = _BY_TOKEN_SHARED if by_token else _TARGET_SHARED
    else:
        if not begin_sqlite_write(db.session()):
            connection.execute(_SQLITE_ROUND_LOCK, names)
        statement = _BY_TOKEN if by_token else _TARGET
    return connection.execute(statement, {**names, **params}).one_or_none()


def value_rule(component: Component) -> scoring.MarkValueRule:
    """The mark value rule of `component` (0..max, at most 2 places) with its wording: what the
    services refuse, and what the score sheet's script is served to pre-check with."""
    return scoring.MarkValueRule(component.max_score, component.name)


def check_value(component: Component, value: Decimal) -> str | None:
    """A judge-readable reason why `value` cannot be a mark of `component`, or None."""
    return scoring.mark_value_problem(value, component.max_score, component.name)


def apply(
    target: MarkTarget,
    value: Decimal,
    *,
    actor_id: int | None = None,
    reason: str | None = None,
    by_appeal: bool = False,
    details: dict[str, Any] | None = None,
    if_match: Collection[str] | None = None,
    if_none_match: bool = False,
    exact_units: int | None = None,
) -> MarkWritten:
    """The rules of a mark, then its write and its audit entry; `set_mark` and the API's PUT
    both end here, so a page, an appeal and the API can do nothing the others cannot.

    Refusals come in the contract's order: the component and the value (422) before the
    round's and the sheet's state (409). `if_match` (the ETags the caller last read, `*` for
    any) makes the change conditional: when the mark has changed since, or does not exist,
    nothing is written and `StaleMark` (409) says what it is now. `if_none_match` asks for a
    mark only if there is none yet. Both are checked here on the mark as read, and the write
    is made only to the mark as it was read (its version; a new one only while there is
    none): when another writer got there in between, the mark is read again and the rules
    applied to it again, so two people sending a change made from the same reading cannot
    both succeed, and a resent mark replaces the first instead of failing on the unique
    key. A condition that fails on a mark that already has the value asked for is not
    refused: the change has been made (RFC 9110 13.1.1), typically by this very caller, whose
    answer the network lost. `actor_id` is who made the change when it is not the judge (an
    organiser carrying out an appeal's outcome or a settled second entry); the audit trail
    names both. Only `services.appeals` passes `by_appeal`: an appeal's outcome may change a
    published round during its public notice period, nothing else may. Only
    `services.schemes` passes `exact_units`: the mark of a component with a marking scheme is
    derived from the judge's item marks (exact in 1/300ths of a point, `value` its rounding)
    and is never typed.
    """
    for _attempt in range(_ATTEMPTS):
        _check(target, value, by_appeal, if_match, if_none_match, exact_units)
        if (
            target.mark_id is not None
            and target.value == value
            and target.exact_units == exact_units
        ):
            assert target.version is not None
            return MarkWritten(target.mark_id, target.version, value)  # nothing changes
        written = _write(target, value, actor_id, reason, details, exact_units)
        if written is not None:
            return written
        # Another writer changed this mark after it was read: read it again, and apply the
        # rules (If-Match among them) to the mark as it is now.
        again = locked_target(
            target.event_id,
            target.round_kind,
            target.contestant_id,
            target.component_key,
            target.judge_id,
        )
        if again is None or again.contestant_id is None:
            raise NotFound("本赛项没有这名选手")  # deleted in the meantime
        target = again
    raise Conflict("该评分正被同时修改，请稍后重试")


def _check(
    target: MarkTarget,
    value: Decimal,
    by_appeal: bool,
    if_match: Collection[str] | None,
    if_none_match: bool,
    exact_units: int | None = None,
) -> None:
    """`apply`'s refusals, in the contract's order."""
    if target.component_id is None:
        keys = "、".join(
            db.session.scalars(
                select(Component.key)
                .where(Component.event_id == target.event_id)
                .order_by(Component.position)
            )
        )
        raise Invalid(
            f"没有评分项“{target.component_key}”（本赛项的评分项：{keys}）",
            {"component": ["未知的评分项"]},
        )
    assert target.contestant_id is not None and target.component_name is not None
    assert target.max_score is not None
    problem = scoring.mark_value_problem(value, target.max_score, target.component_name)
    if problem:
        raise Invalid(problem, {"value": [problem]})
    if target.round_kind == FINAL and target.finalist_id is None:
        raise Invalid(
            f"选手 {target.number} 未进入决赛，不能评决赛分", {"contestant": ["未进入决赛"]}
        )
    if target.scheme_id is not None and exact_units is None:
        raise Conflict(
            "该评分项按评分细则逐项评分，不能直接录入总分；请逐项录入", code="scheme_items"
        )
    refuse_locked(target, by_appeal)
    if if_match is not None or if_none_match:
        try:
            if if_match is not None:
                check_if_match(target, if_match)
            if if_none_match and target.mark_id is not None:
                raise StaleMark(target.value, target.etag)
        except StaleMark:
            if target.value != value:
                raise


def refuse_locked(target: MarkTarget, by_appeal: bool = False) -> None:
    """409 for a mark of a published round (but for an appeal's outcome) or of a sheet the
    chief judge signed (services.judging signs and reopens it): a typed mark's rule and an
    item mark's (services.schemes) alike."""
    if target.published_at is not None and not by_appeal:
        raise Conflict("本轮成绩已发布并锁定，不能再修改")
    if target.signed_at is not None:
        raise Conflict("该评分表已由裁判长签字锁定；如需更改，须由组委会注明理由重新开放")


def _write(
    target: MarkTarget,
    value: Decimal,
    actor_id: int | None,
    reason: str | None,
    details: dict[str, Any] | None,
    exact_units: int | None = None,
) -> MarkWritten | None:
    """The mark as `target` read it made `value`, and its audit entry; None, writing nothing,
    when another writer has made or changed the mark since it was read."""
    assert target.contestant_id is not None and target.component_id is not None
    entry = audit.entry(
        "mark.set",
        actor_id or target.judge_id,
        event_id=target.event_id,
        round_id=target.round_id,
        contestant_id=target.contestant_id,
        component_id=target.component_id,
        judge_id=target.judge_id,
        old_value=target.value,
        new_value=value,
        reason=reason,
        details=details,
    )
    connection = db.session.connection()
    dialect = connection.dialect.name
    params: dict[str, Any] = {"value": value, "exact_units": exact_units, "at": entry["at"]}
    if target.mark_id is None:
        version, write, audited = 1, _INSERT[dialect], _AUDITED_INSERT
        params.update({name: entry[name] for name in _KEY})
    else:
        assert target.version is not None
        version, write, audited = target.version + 1, _UPDATE, _AUDITED_UPDATE
        params.update(mark_id=target.mark_id, read_version=target.version)
    if dialect == "postgresql":  # one round trip for both
        mark_id = connection.execute(audited, {**params, **audit.bound(entry)}).scalar()
    else:
        mark_id = connection.execute(write, params).scalar()
        if mark_id is not None:
            audit.append(entry)
    return None if mark_id is None else MarkWritten(mark_id, version, value)


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
    if_none_match: bool = False,
) -> MarkWritten:
    """Set `judge`'s mark, for callers that hold the ORM objects (the score-sheet pages,
    appeals, second entry, the demo); the rules are `apply`'s."""
    db.session.flush()  # the caller's pending changes (e.g. an unsigned sheet) count
    target = locked_target(event.id, round_.kind, contestant.id, component_key, judge.id)
    assert target is not None and target.contestant_id == contestant.id
    written = apply(
        target,
        value,
        actor_id=actor.id if actor else None,
        reason=reason,
        by_appeal=by_appeal,
        details=details,
        if_match=if_match,
        if_none_match=if_none_match,
    )
    # The write bypassed the ORM: a copy of this mark the caller already loaded is stale.
    stale = db.session.identity_map.get(identity_key(Mark, written.mark_id))
    if stale is not None:
        db.session.expire(stale)
    return written


class StaleMark(Conflict):
    """The mark is no longer what the caller read: someone else changed it in between. The
    answer carries the mark's ETag as it is now, so a client that has shown the new value can
    send its change again on purpose."""

    def __init__(self, value: Decimal | None, etag: str | None = None) -> None:
        if value is None:
            message = "该评分尚未录入或已被删除，请刷新后再录入"
        else:
            message = f"评分已被他人修改（现为 {value}），请刷新后再改"
        super().__init__(message, {"value": [message]}, code="stale")
        self.value = value
        if etag is not None:
            self.headers["ETag"] = f'"{etag}"'


def check_if_match(target: MarkTarget, if_match: Collection[str]) -> None:
    """Refuse (StaleMark) unless the mark exists and is one of the versions the caller read."""
    if target.etag is None or ("*" not in if_match and target.etag not in if_match):
        raise StaleMark(target.value, target.etag)


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
