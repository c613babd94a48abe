"""Marking schemes (评分细则) and item marks: a component marked item by item.

The rules are `competition.scoring.schemes`; this module keeps them in the database. A judge's
item marks are kept as entered (`ItemMark`); once every measurement and judgement item has
one, the judge's mark of the component is derived from them, exactly, and written through the
same `services.marks.apply` as a typed mark, so sign-off, publication, the audit trail and the
results treat it like any other. A component's scheme is fixed from its first mark on: marks
made against one scheme would not mean the same under another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, select

from competition.contest.services import marks as mark_service
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.models import (
    Component,
    Contestant,
    Event,
    ItemMark,
    Mark,
    MarkingScheme,
    Round,
    SchemeItem,
    User,
)
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.scoring import schemes as rules

__all__ = [
    "Dispute",
    "ItemSpec",
    "ItemWritten",
    "disputes",
    "get_scheme",
    "has_marks",
    "item_rules",
    "item_values",
    "remove_scheme",
    "schemes_of",
    "set_item_mark",
    "set_scheme",
    "sheet_values",
]


#: One item of a scheme as typed, imported or sent: the rule's own item, so that what is
#: checked is what is stored.
ItemSpec = rules.SchemeItem


@dataclass(frozen=True)
class ItemWritten:
    """An item mark as `set_item_mark` left it, with what it earns and the judge's mark."""

    contestant_id: int
    component: str
    item: str
    judge_id: int
    value: Decimal
    points: Decimal  # what the value earns (or deducts), rounded for display
    mark: Decimal | None  # the judge's mark of the component, once every item is marked


@dataclass(frozen=True)
class Dispute:
    """An item whose panel's judgements differ by more than the scheme allows."""

    contestant_id: int
    component: str
    item: str
    judgements: tuple[Decimal, ...]


def _rule(item: SchemeItem) -> rules.SchemeItem:
    return rules.SchemeItem(
        item.code, item.kind, item.name, item.points, item.nominal, item.lower, item.upper
    )


def item_rules(scheme: MarkingScheme) -> list[rules.SchemeItem]:
    return [_rule(item) for item in scheme.items]


def get_scheme(component: Component) -> MarkingScheme | None:
    return db.session.scalar(
        select(MarkingScheme).where(MarkingScheme.component_id == component.id)
    )


def schemes_of(event: Event) -> dict[int, MarkingScheme]:
    """The event's schemes by component id (one query), for sheets and documents."""
    ids = [component.id for component in event.components]
    if not ids:
        return {}
    found = db.session.scalars(
        select(MarkingScheme).where(MarkingScheme.component_id.in_(ids))
    ).all()
    return {scheme.component_id: scheme for scheme in found}


def has_marks(component: Component) -> bool:
    """Whether anyone has marked this component, in either round, as a whole or by item."""
    typed = exists().where(Mark.component_id == component.id)
    by_item = (
        exists()
        .where(ItemMark.item_id == SchemeItem.id)
        .where(SchemeItem.scheme_id == MarkingScheme.id)
        .where(MarkingScheme.component_id == component.id)
    )
    return bool(db.session.scalar(select(typed | by_item)))


def _lock_event_rounds(event: Event) -> None:
    """Both rounds locked: a scheme change and a first mark cannot interleave."""
    for round_ in event.rounds:
        mark_service.lock_round(round_)


def _component(event: Event, key: str) -> Component:
    component = event.component(key)
    if component is None:
        raise NotFound("本赛项没有这个评分项")
    return component


def set_scheme(
    event: Event,
    component_key: str,
    items: Sequence[ItemSpec],
    max_judgement_spread: int | None,
    actor: User,
) -> MarkingScheme:
    """Set (or replace) a component's scheme: every problem at once (422), then 409 once the
    component has a mark."""
    component = _component(event, component_key)
    problems = rules.scheme_problems(list(items), component.max_score, max_judgement_spread)
    if problems:
        raise Invalid("评分细则有误：" + "；".join(problems), {"items": problems})
    _lock_event_rounds(event)
    if has_marks(component):
        raise Conflict("该评分项已有评分，评分细则不能再修改")
    scheme = get_scheme(component)
    if scheme is None:
        scheme = MarkingScheme(component_id=component.id)
        db.session.add(scheme)
    else:
        db.session.execute(delete(SchemeItem).where(SchemeItem.scheme_id == scheme.id))
        db.session.expire(scheme, ["items"])
    scheme.max_judgement_spread = max_judgement_spread
    scheme.updated_by_id = actor.id
    scheme.updated_at = utcnow()
    db.session.flush()
    for position, item in enumerate(items):
        db.session.add(
            SchemeItem(
                scheme_id=scheme.id,
                position=position,
                code=item.code,
                kind=item.kind,
                name=item.name,
                points=item.points,
                nominal=item.nominal,
                lower=item.lower,
                upper=item.upper,
            )
        )
    audit.record(
        "scheme.set",
        actor,
        event_id=event.id,
        component_id=component.id,
        details={
            "max_judgement_spread": max_judgement_spread,
            "items": [_item_details(item) for item in items],
        },
    )
    db.session.flush()
    db.session.expire(scheme, ["items"])
    return scheme


def _item_details(item: ItemSpec) -> dict[str, Any]:
    return {
        "code": item.code,
        "kind": item.kind,
        "name": item.name,
        "points": str(item.points),
        **{
            name: str(value)
            for name, value in (
                ("nominal", item.nominal),
                ("lower", item.lower),
                ("upper", item.upper),
            )
            if value is not None
        },
    }


def remove_scheme(event: Event, component_key: str, actor: User) -> None:
    """Back to one number per judge, before the component's first mark only."""
    component = _component(event, component_key)
    _lock_event_rounds(event)
    scheme = get_scheme(component)
    if scheme is None:
        raise NotFound("该评分项没有评分细则")
    if has_marks(component):
        raise Conflict("该评分项已有评分，评分细则不能再删除")
    db.session.execute(delete(SchemeItem).where(SchemeItem.scheme_id == scheme.id))
    db.session.delete(scheme)
    audit.record("scheme.remove", actor, event_id=event.id, component_id=component.id)
    db.session.flush()


# ---------------------------------------------------------------- item marks
def _lock_contestant(contestant_id: int) -> None:
    """One contestant's item marks are written one request at a time (PostgreSQL; SQLite's
    writers take turns anyway): two items of the same judge sent at once must both be seen
    by whichever derives the judge's mark last, or a complete set would leave no mark."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Contestant.id).where(Contestant.id == contestant_id).with_for_update()
        )


def item_values(
    round_id: int, contestant_id: int, component_id: int, judge_id: int
) -> dict[str, Decimal]:
    """One judge's item marks of one contestant's component, by item code."""
    rows = db.session.execute(
        select(SchemeItem.code, ItemMark.value)
        .join(ItemMark, ItemMark.item_id == SchemeItem.id)
        .join(MarkingScheme, MarkingScheme.id == SchemeItem.scheme_id)
        .where(
            MarkingScheme.component_id == component_id,
            ItemMark.round_id == round_id,
            ItemMark.contestant_id == contestant_id,
            ItemMark.judge_id == judge_id,
        )
    )
    return {code: value for code, value in rows}


def set_item_mark(
    target: mark_service.MarkTarget,
    code: str,
    value: Decimal,
    *,
    actor_id: int | None = None,
    reason: str | None = None,
    by_appeal: bool = False,
    details: dict[str, Any] | None = None,
) -> ItemWritten:
    """A judge's mark of one item, then their mark of the component when it is complete.

    `target` is the component mark's situation read under the round's lock
    (`marks.locked_target`), whose judge is the one marking; who may mark is the caller's
    question (`policy.marking_refusal`), asked before. Refusals in the contract's order:
    422 (component, item, value, a contestant not in the final) before 409 (published,
    signed). Only `services.appeals` passes `by_appeal` (an upheld appeal changes a published
    round during its notice period), with the appeal in `details`."""
    if target.component_id is None:
        raise Invalid(f"没有评分项“{target.component_key}”", {"component": ["未知的评分项"]})
    assert target.contestant_id is not None
    scheme = db.session.scalar(
        select(MarkingScheme).where(MarkingScheme.component_id == target.component_id)
    )
    if scheme is None:
        message = f"评分项“{target.component_name}”没有评分细则，请直接录入分数"
        raise Invalid(message, {"component": [message]})
    item = next((i for i in scheme.items if i.code == code), None)
    if item is None:
        codes = "、".join(i.code for i in scheme.items)
        raise Invalid(f"评分细则中没有评分点“{code}”（可用：{codes}）", {"item": ["未知的评分点"]})
    rule = _rule(item)
    problem = rules.item_value_problem(rule, value)
    if problem:
        raise Invalid(problem, {"value": [problem]})
    if target.round_kind == FINAL and target.finalist_id is None:
        raise Invalid(
            f"选手 {target.number} 未进入决赛，不能评决赛分", {"contestant": ["未进入决赛"]}
        )
    mark_service.refuse_locked(target, by_appeal)
    _lock_contestant(target.contestant_id)
    existing = db.session.scalar(
        select(ItemMark).where(
            ItemMark.round_id == target.round_id,
            ItemMark.contestant_id == target.contestant_id,
            ItemMark.item_id == item.id,
            ItemMark.judge_id == target.judge_id,
        )
    )
    old = existing.value if existing is not None else None
    if existing is None or existing.value != value:
        now = utcnow()
        if existing is None:
            db.session.add(
                ItemMark(
                    round_id=target.round_id,
                    contestant_id=target.contestant_id,
                    item_id=item.id,
                    judge_id=target.judge_id,
                    value=value,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            existing.value = value
            existing.updated_at = now
        # The entry's old/new values hold 2 places; a measured size has 3, so the values as
        # entered go to its details.
        audit.append(
            audit.entry(
                "item_mark.set",
                actor_id or target.judge_id,
                event_id=target.event_id,
                round_id=target.round_id,
                contestant_id=target.contestant_id,
                component_id=target.component_id,
                judge_id=target.judge_id,
                old_value=None,
                new_value=None,  # type: ignore[arg-type]
                reason=reason,
                details={
                    "item": item.code,
                    "old": None if old is None else str(old),
                    "new": str(value),
                    **(details or {}),
                },
            )
        )
        db.session.flush()
    values = item_values(
        target.round_id, target.contestant_id, target.component_id, target.judge_id
    )
    units = rules.judge_units(item_rules(scheme), values)
    mark = None
    if units is not None:
        mark = rules.units_display(units)
        # Read again: the judge's mark may have been written since `target` was read.
        again = mark_service.locked_target(
            target.event_id,
            target.round_kind,
            target.contestant_id,
            target.component_key,
            target.judge_id,
        )
        assert again is not None
        mark_service.apply(
            again,
            mark,
            actor_id=actor_id,
            reason=reason,
            exact_units=units,
            by_appeal=by_appeal,
            details={
                "from_items": True,
                "exact": f"{units}/{rules.UNITS_PER_POINT}",
                **(details or {}),
            },
        )
    return ItemWritten(
        contestant_id=target.contestant_id,
        component=target.component_key,
        item=item.code,
        judge_id=target.judge_id,
        value=value,
        points=rules.item_points_display(rule, value),
        mark=mark,
    )


# ---------------------------------------------------------------- disputes
def disputes(round_: Round, components: Iterable[Component] | None = None) -> list[Dispute]:
    """The round's items whose panel's judgements differ by more than their scheme allows,
    by contestant, component position and item position. They block sign-off of the
    component's sheets and the round's publication until the judges re-mark them."""
    rows = db.session.execute(
        select(
            ItemMark.contestant_id,
            Component.key,
            Component.position,
            SchemeItem.code,
            SchemeItem.position,
            MarkingScheme.max_judgement_spread,
            ItemMark.value,
        )
        .join(SchemeItem, SchemeItem.id == ItemMark.item_id)
        .join(MarkingScheme, MarkingScheme.id == SchemeItem.scheme_id)
        .join(Component, Component.id == MarkingScheme.component_id)
        .where(
            ItemMark.round_id == round_.id,
            SchemeItem.kind == rules.JUDGEMENT,
            MarkingScheme.max_judgement_spread.is_not(None),
        )
    )
    wanted = None if components is None else {c.key for c in components}
    panels: dict[tuple[int, int, str, int, str, int], list[Decimal]] = defaultdict(list)
    for contestant_id, key, position, code, item_position, spread, value in rows:
        if wanted is None or key in wanted:
            panels[(contestant_id, position, key, item_position, code, spread)].append(value)
    return [
        Dispute(contestant_id, key, code, tuple(sorted(values)))
        for (contestant_id, _p, key, _ip, code, spread), values in sorted(panels.items())
        if rules.is_dispute(values, spread)
    ]


def sheet_values(round_id: int, component_id: int, judge_id: int) -> dict[int, dict[str, Decimal]]:
    """One judge's item marks of a component in a round, by contestant and item code: the
    judge's item sheet in one query."""
    rows = db.session.execute(
        select(ItemMark.contestant_id, SchemeItem.code, ItemMark.value)
        .join(SchemeItem, SchemeItem.id == ItemMark.item_id)
        .join(MarkingScheme, MarkingScheme.id == SchemeItem.scheme_id)
        .where(
            MarkingScheme.component_id == component_id,
            ItemMark.round_id == round_id,
            ItemMark.judge_id == judge_id,
        )
    )
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for contestant_id, code, value in rows:
        values[contestant_id][code] = value
    return values
