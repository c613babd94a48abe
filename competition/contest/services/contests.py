"""Setting a contest up: contests, units, events with their rules, contestants and judges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from competition import scoring
from competition.core import audit, normalise
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.id_numbers import check_id_number
from competition.extensions import db
from competition.models import (
    Component,
    Contest,
    Contestant,
    Event,
    JudgeAssignment,
    Role,
    Round,
    Unit,
    User,
)
from competition.models.contests import PRELIMINARY, ROUND_KINDS
from competition.scoring import consistency as consistency_rules
from competition.scoring import defaults


def create_contest(
    name: str,
    host: str,
    edition: str = "",
    co_hosts: str = "",
    theme: str = "",
    objection_contact: str = "",
) -> Contest:
    contest = Contest(
        name=name,
        host=host,
        edition=edition,
        co_hosts=co_hosts,
        theme=theme,
        objection_contact=objection_contact,
    )
    db.session.add(contest)
    db.session.flush()
    return contest


def create_unit(contest: Contest, name: str) -> Unit:
    name = normalise.unit_name(name)
    if not name:
        raise Invalid("请填写单位名称", {"name": ["单位名称不能为空"]})
    exists = db.session.scalar(
        select(Unit.id).where(Unit.contest_id == contest.id, Unit.name == name)
    )
    if exists is not None:
        raise Conflict(f"单位“{name}”已登记", {"name": ["该单位已登记"]})
    unit = Unit(contest=contest, name=name)
    db.session.add(unit)
    db.session.flush()
    return unit


@dataclass(frozen=True)
class ComponentSpec:
    key: str
    name: str
    weight: Decimal
    max_score: Decimal
    higher_is_better: bool = True
    # The unit a score is printed in ("分钟"); presentation only, so not one of the rules.
    unit_label: str = ""

    @property
    def rule(self) -> tuple[str, str, Decimal, Decimal, bool]:
        """What the marks mean: all but the printed unit, which may change at any time."""
        return (self.key, self.name, self.weight, self.max_score, self.higher_is_better)


#: The reference rules (`scoring.defaults`): theory 30 %, practical 70 %, ties on practical.
REFERENCE_COMPONENTS = tuple(
    ComponentSpec(c.key, c.name, c.weight, c.max_score, c.higher_is_better)
    for c in defaults.REFERENCE_COMPONENTS
)
REFERENCE_TIE_BREAKS = defaults.REFERENCE_TIE_BREAKS


def validate_event_rules(
    components: Sequence[ComponentSpec], tie_breaks: Sequence[str]
) -> dict[str, list[str]]:
    """The rules an event's set-up must follow before any mark can mean something."""
    errors: dict[str, list[str]] = {}
    keys = [c.key for c in components]
    if not components:
        errors["components"] = ["至少需要一个评分项"]
        return errors
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.setdefault("components", []).append("评分项代码重复：" + "、".join(duplicates))
    weights = scoring.weights_problem(c.weight for c in components)
    if weights:
        errors.setdefault("components", []).append(weights)
    unknown = [k for k in tie_breaks if k not in keys]
    if unknown:
        errors.setdefault("tie_breaks", []).append("未知的评分项：" + "、".join(unknown))
    if len(set(tie_breaks)) != len(tie_breaks):
        errors.setdefault("tie_breaks", []).append("同分比较项重复")
    return errors


TEAM_SIZE_RANGE = f"应在 1 到 {defaults.MAX_TEAM_SIZE} 之间"


def team_size_problems(team_size: int) -> dict[str, list[str]]:
    """How many final totals make a unit's team total (团体成绩): 1 to `MAX_TEAM_SIZE`, checked
    here as well as by the input schemas so that no way in sets a team nobody can field."""
    if isinstance(team_size, bool) or not 1 <= team_size <= defaults.MAX_TEAM_SIZE:
        return {"team_size": [TEAM_SIZE_RANGE]}
    return {}


OUTLIER_PERCENT_RANGE = "应在 {} 到 {} 之间".format(*consistency_rules.OUTLIER_PERCENT_RANGE)


def outlier_percent_problems(outlier_percent: int) -> dict[str, list[str]]:
    """How far from the other judges' median a mark may lie before the chief judge is asked
    about it, in % of the component's maximum (`scoring.consistency`); checked here as well
    as by the input schemas, so that no way in sets a distance the rule refuses."""
    low, high = consistency_rules.OUTLIER_PERCENT_RANGE
    if isinstance(outlier_percent, bool) or not low <= outlier_percent <= high:
        return {"outlier_percent": [OUTLIER_PERCENT_RANGE]}
    return {}


def create_event(
    contest: Contest,
    name: str,
    group: str = "职工组",
    min_finalists_per_unit: int = defaults.MIN_FINALISTS_PER_UNIT,
    components: Sequence[ComponentSpec] = REFERENCE_COMPONENTS,
    tie_breaks: Sequence[str] = REFERENCE_TIE_BREAKS,
    team_size: int = defaults.TEAM_SIZE,
    outlier_percent: int = consistency_rules.DEFAULT_OUTLIER_PERCENT,
) -> Event:
    errors = validate_event_rules(components, tie_breaks)
    errors.update(team_size_problems(team_size))
    errors.update(outlier_percent_problems(outlier_percent))
    if errors:
        raise Invalid("赛项设置有误", errors)
    exists = db.session.scalar(
        select(Event.id).where(
            Event.contest_id == contest.id, Event.name == name, Event.group_name == group
        )
    )
    if exists is not None:
        raise Conflict(f"赛项“{name}（{group}）”已存在", {"name": ["该赛项已存在"]})
    event = Event(
        contest=contest,
        name=name,
        group_name=group,
        min_finalists_per_unit=min_finalists_per_unit,
        team_size=team_size,
        outlier_percent=outlier_percent,
    )
    db.session.add(event)
    for position, spec in enumerate(components):
        db.session.add(
            Component(
                event=event,
                key=spec.key,
                name=spec.name,
                weight=spec.weight,
                max_score=spec.max_score,
                higher_is_better=spec.higher_is_better,
                unit_label=spec.unit_label,
                position=position,
                tie_break_position=(tie_breaks.index(spec.key) if spec.key in tie_breaks else None),
            )
        )
    for kind in ROUND_KINDS:
        db.session.add(Round(event=event, kind=kind))
    db.session.flush()
    db.session.refresh(event)
    return event


def _next_number(event: Event) -> str:
    numbers = db.session.scalars(select(Contestant.number).where(Contestant.event_id == event.id))
    highest = max((int(n) for n in numbers if n.isdigit()), default=0)
    return f"{highest + 1:03d}"


def register_contestant(
    event: Event,
    name: str,
    unit_id: int,
    id_number: str | None = None,
    number: str | None = None,
) -> Contestant:
    errors: dict[str, list[str]] = {}
    name = normalise.person_name(name)
    if not name:
        errors["name"] = ["姓名不能为空"]
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.contest_id != event.contest_id:
        errors["unit_id"] = ["该单位未在本竞赛登记"]
    if number is not None:
        number = normalise.contest_number(number) or None
    if id_number is not None:
        id_number = normalise.id_number(id_number)
        problem = check_id_number(id_number)
        if problem:
            errors["id_number"] = [problem]
    if errors:
        raise Invalid("选手信息有误", errors)
    if event.round("preliminary").published:
        raise Conflict("初赛成绩已发布，不能再登记选手")
    if id_number is not None and db.session.scalar(
        select(Contestant.id).where(
            Contestant.event_id == event.id, Contestant.id_number == id_number
        )
    ):
        raise Conflict("该身份证号已在本赛项登记", {"id_number": ["已登记"]})
    if number is None:
        number = _next_number(event)
    elif db.session.scalar(
        select(Contestant.id).where(Contestant.event_id == event.id, Contestant.number == number)
    ):
        raise Conflict(f"参赛号“{number}”已被使用", {"number": ["参赛号已被使用"]})
    contestant = Contestant(
        event_id=event.id, unit_id=unit_id, name=name, id_number=id_number, number=number
    )
    db.session.add(contestant)
    db.session.flush()
    return contestant


def assign_judge(
    event: Event, user_id: int, actor: User, unit_id: int | None = None, chief: bool = False
) -> JudgeAssignment:
    errors: dict[str, list[str]] = {}
    user = db.session.get(User, user_id)
    if user is None:
        errors["user_id"] = ["没有这个用户"]
    elif user.role != Role.JUDGE:
        errors["user_id"] = ["该用户不是裁判角色"]
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.contest_id != event.contest_id:
            errors["unit_id"] = ["该单位未在本竞赛登记"]
    if errors:
        raise Invalid("裁判分配有误", errors)
    if db.session.scalar(
        select(JudgeAssignment.id).where(
            JudgeAssignment.event_id == event.id, JudgeAssignment.user_id == user_id
        )
    ):
        raise Conflict("该裁判已分配到本赛项", {"user_id": ["已分配"]})
    assignment = JudgeAssignment(
        event_id=event.id, user_id=user_id, unit_id=unit_id, is_chief=chief
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "judge.assign",
        actor,
        event_id=event.id,
        judge_id=user_id,
        details={"unit_id": unit_id, "chief": chief},
    )
    return assignment


def units_without_preliminary_judge(event: Event) -> list[tuple[Unit, int]]:
    """Each unit with people in the event but no judge of its own preliminary committee (an
    assignment with that unit), with how many people it has, until the preliminary is
    published.  Each unit runs and marks its own preliminary (domain.md §1): without such a
    judge nobody of theirs can mark it, which the organiser should hear before marking day."""
    if event.round(PRELIMINARY).published:
        return []
    judged = select(JudgeAssignment.unit_id).where(
        JudgeAssignment.event_id == event.id, JudgeAssignment.unit_id.is_not(None)
    )
    rows = db.session.execute(
        select(Unit, func.count(Contestant.id))
        .join(Contestant, Contestant.unit_id == Unit.id)
        .where(Contestant.event_id == event.id, Unit.id.not_in(judged))
        .group_by(Unit.id)
        .order_by(Unit.id)
    )
    return [(unit, count) for unit, count in rows]


def get_event(event_id: int) -> Event:
    # Its rounds and components come along: nearly every request about an event reads them.
    event = db.session.get(
        Event, event_id, options=[joinedload(Event.rounds), joinedload(Event.components)]
    )
    if event is None:
        raise NotFound("没有这个赛项")
    return event


def get_round(event: Event, kind: str) -> Round:
    if kind not in ROUND_KINDS:
        raise NotFound("没有这个轮次（应为 preliminary 或 final）")
    return event.round(kind)


def get_contestant(event: Event, contestant_id: int) -> Contestant:
    contestant = db.session.get(Contestant, contestant_id)
    if contestant is None or contestant.event_id != event.id:
        raise NotFound("本赛项没有这名选手")
    return contestant


def contestant_count(event: Event) -> int:
    return (
        db.session.scalar(select(func.count(Contestant.id)).where(Contestant.event_id == event.id))
        or 0
    )
