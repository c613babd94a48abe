"""Setting up an award programme (domain.md §3): the programme, its levels (quota and grant),
its criteria (the 七有 as the reference set), the base-level unions with their accounts, and
the review panel with its lead.

Functions flush and never commit; the request or command commits. Refusals come before any
write, a wrong value (422) before a state that forbids it (409). The rules of the review
(levels and criteria) are fixed once any expert has reviewed a station: changing them then
would change what the panel has already judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from competition.core import audit, panels
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.locking import lock_row
from competition.extensions import db
from competition.models import (
    AwardCriterion,
    AwardLevel,
    AwardProgramme,
    AwardUnit,
    ProgrammeExpert,
    Role,
    Station,
    StationEvidence,
    StationReview,
    User,
)

MAX_POINTS_LIMIT = Decimal("1000")


@dataclass(frozen=True)
class LevelSpec:
    key: str
    name: str
    quota: int
    grant_amount: Decimal | None = None


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    name: str
    description: str = ""
    preferred: str = ""
    kind: str = "points"
    max_points: Decimal | None = None


#: The 七有 of the 2021 programme, in the federation's words (issue #23, domain.md §3): each
#: criterion's description and what counts in a station's favour. Points out of 100 in all,
#: a starting point the organiser may change before reviewing starts.
SEVEN: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        "place", "有场地", "有固定的服务场所，尽量临街设置，方便户外劳动者就近进入。",
        "临街、醒目、易于到达。", "points", Decimal(15),
    ),
    CriterionSpec(
        "sign", "有标识", "悬挂总工会统一标识，公示服务对象、开放时间和服务项目等信息。",
        "标识规范统一、信息公示完整。", "points", Decimal(10),
    ),
    CriterionSpec(
        "facilities", "有设施",
        "配备饮水、冰箱、微波炉、充电、雨具、急救药箱和防疫用品等；有卫生间和休息区。",
        "24小时开放服务。", "points", Decimal(20),
    ),
    CriterionSpec(
        "publicity", "有宣传", "通过电子屏、海报、宣传册等开展宣传，张贴总工会二维码。",
        "宣传形式多样、内容常更新。", "points", Decimal(10),
    ),
    CriterionSpec(
        "service", "有服务", "服务频次高、受欢迎，服务项目贴近户外劳动者需求。",
        "建有服务台账和意见反馈记录。", "points", Decimal(20),
    ),
    CriterionSpec(
        "rules", "有制度", "有专人负责；建立资产管理、安全管理和耗材管理等制度。",
        "制度上墙、责任到人。", "points", Decimal(10),
    ),
    CriterionSpec(
        "results", "有成效", "户外劳动者满意度高，有一定的社会宣传和影响。",
        "有媒体报道或满意度调查。", "points", Decimal(15),
    ),
)  # fmt: skip


# ---------------------------------------------------------------- reading
def get_programme(programme_id: int) -> AwardProgramme:
    programme = db.session.get(AwardProgramme, programme_id)
    if programme is None:
        raise NotFound("未找到该评选活动")
    return programme


def programmes_for(user: User) -> list[AwardProgramme]:
    """Organisers: every programme; a union: those it takes part in; an expert: its panels."""
    query = select(AwardProgramme).order_by(AwardProgramme.id.desc())
    if user.role == Role.UNION:
        query = query.join(AwardUnit, AwardUnit.programme_id == AwardProgramme.id).where(
            AwardUnit.user_id == user.id
        )
    elif user.role == Role.EXPERT:
        query = query.join(
            ProgrammeExpert, ProgrammeExpert.programme_id == AwardProgramme.id
        ).where(ProgrammeExpert.user_id == user.id)
    elif user.role != Role.ORGANISER:
        return []
    return list(db.session.scalars(query).unique())


def reviewing_started(programme: AwardProgramme) -> bool:
    """True once any expert has reviewed any station of the programme."""
    found = db.session.scalar(
        select(StationReview.id).where(StationReview.programme_id == programme.id).limit(1)
    )
    return found is not None


def level_by_key(programme: AwardProgramme, key: str) -> AwardLevel | None:
    return next((level for level in programme.levels if level.key == key), None)


def criterion_by_key(programme: AwardProgramme, key: str) -> AwardCriterion | None:
    return next((c for c in programme.criteria if c.key == key), None)


def units(programme: AwardProgramme) -> list[AwardUnit]:
    return list(
        db.session.scalars(
            select(AwardUnit).where(AwardUnit.programme_id == programme.id).order_by(AwardUnit.id)
        )
    )


def get_unit(programme: AwardProgramme, unit_id: int) -> AwardUnit:
    unit = db.session.get(AwardUnit, unit_id)
    if unit is None or unit.programme_id != programme.id:
        raise NotFound("本评选活动没有这个基层工会")
    return unit


def panel(programme: AwardProgramme) -> list[ProgrammeExpert]:
    return list(
        db.session.scalars(
            select(ProgrammeExpert)
            .where(ProgrammeExpert.programme_id == programme.id)
            .order_by(ProgrammeExpert.id)
        )
    )


# ---------------------------------------------------------------- the programme
def _name_taken(name: str, programme_id: int | None = None) -> None:
    query = select(AwardProgramme.id).where(AwardProgramme.name == name)
    if programme_id is not None:
        query = query.where(AwardProgramme.id != programme_id)
    if db.session.scalar(query) is not None:
        raise Conflict(f"已有名为“{name}”的评选活动", {"name": ["名称已被使用"]})


def create_programme(
    name: str,
    year: int | None = None,
    host: str = "",
    nomination_deadline: datetime | None = None,
    notice_days: int = 5,
    actor: User | None = None,
) -> AwardProgramme:
    _name_taken(name)
    programme = AwardProgramme(
        name=name,
        year=year,
        host=host,
        nomination_deadline=nomination_deadline,
        notice_days=notice_days,
    )
    db.session.add(programme)
    db.session.flush()
    audit.record("award.programme", actor, details={"programme_id": programme.id, "name": name})
    return programme


def update_programme(
    programme: AwardProgramme, changes: dict[str, Any], actor: User
) -> AwardProgramme:
    """Name, year, host, deadline and notice period; the notice period is fixed once the list
    is published, and nothing changes after confirmation."""
    if "name" in changes:
        _name_taken(changes["name"], programme.id)
    programme = lock_row(AwardProgramme, programme)
    if programme.confirmed:
        raise Conflict("评选结果已确认，不能再修改")
    if (
        "notice_days" in changes
        and programme.published
        and (changes["notice_days"] != programme.notice_days)
    ):
        raise Conflict("名单已公示，公示期不能再修改")
    before = {key: _plain(getattr(programme, key)) for key in changes}
    for key, value in changes.items():
        setattr(programme, key, value)
    audit.record(
        "award.programme.update",
        actor,
        details={
            "programme_id": programme.id,
            "before": before,
            "after": {key: _plain(value) for key, value in changes.items()},
        },
    )
    db.session.flush()
    return programme


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _refuse_when_reviewing(programme: AwardProgramme, what: str) -> AwardProgramme:
    programme = lock_row(AwardProgramme, programme)
    if programme.confirmed:
        raise Conflict("评选结果已确认，不能再修改")
    if reviewing_started(programme):
        raise Conflict(f"专家已开始评审，{what}不能再修改")
    return programme


def _duplicates(keys: Sequence[str], prefix: str) -> dict[str, list[str]]:
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    for index, key in enumerate(keys):
        if key in seen:
            errors[f"{prefix}.{index}.key"] = ["代码重复"]
        seen.add(key)
    return errors


def set_levels(
    programme: AwardProgramme, specs: Sequence[LevelSpec], actor: User
) -> AwardProgramme:
    """The levels, highest first. A level is kept by its key (its stations stay with it); a
    level left out is removed, unless a station applied for it (409)."""
    errors = _duplicates([s.key for s in specs], "levels")
    for index, spec in enumerate(specs):
        if spec.grant_amount is not None and spec.grant_amount < 0:
            errors[f"levels.{index}.grant_amount"] = ["奖补资金不能为负数"]
    if errors:
        raise Invalid("等级设置有误", errors)
    programme = _refuse_when_reviewing(programme, "等级")
    current = {level.key: level for level in programme.levels}
    wanted = {spec.key for spec in specs}
    for key, level in current.items():
        if key not in wanted:
            used = db.session.scalar(
                select(func.count(Station.id)).where(Station.level_id == level.id)
            )
            if used:
                raise Conflict(
                    f"已有 {used} 个站点申报“{level.name}”，不能删除该等级",
                    {"levels": [f"{level.key} 已有申报"]},
                )
    for key, level in current.items():
        if key not in wanted:
            db.session.delete(level)
    db.session.flush()
    for position, spec in enumerate(specs):
        level = current.get(spec.key)
        if level is None:
            level = AwardLevel(programme_id=programme.id, key=spec.key)
            db.session.add(level)
        level.name = spec.name
        level.quota = spec.quota
        level.grant_amount = spec.grant_amount if spec.grant_amount is not None else Decimal(0)
        level.position = position
    db.session.flush()
    db.session.expire(programme, ["levels"])
    audit.record(
        "award.levels",
        actor,
        details={
            "programme_id": programme.id,
            "levels": [
                {"key": s.key, "quota": s.quota, "grant_amount": _plain(s.grant_amount)}
                for s in specs
            ],
        },
    )
    return programme


def set_criteria(
    programme: AwardProgramme, specs: Sequence[CriterionSpec], actor: User
) -> AwardProgramme:
    """The criteria in order. Points criteria need a maximum above 0 (at most 1000, two
    places); pass/fail ones have none. A criterion is kept by its key (its evidence stays);
    one left out is removed, unless a station has evidence for it (409)."""
    errors = _duplicates([s.key for s in specs], "criteria")
    for index, spec in enumerate(specs):
        where = f"criteria.{index}.max_points"
        if spec.kind == "points":
            if spec.max_points is None:
                errors[where] = ["按分值评审的标准需要满分"]
            elif not Decimal(0) < spec.max_points <= MAX_POINTS_LIMIT:
                errors[where] = ["满分应大于 0 且不超过 1000"]
        elif spec.max_points is not None:
            errors[where] = ["合格/不合格的标准没有满分"]
    if errors:
        raise Invalid("评审标准设置有误", errors)
    programme = _refuse_when_reviewing(programme, "评审标准")
    current = {criterion.key: criterion for criterion in programme.criteria}
    wanted = {spec.key for spec in specs}
    for key, criterion in current.items():
        if key not in wanted:
            used = db.session.scalar(
                select(func.count(StationEvidence.id)).where(
                    StationEvidence.criterion_id == criterion.id
                )
            )
            if used:
                raise Conflict(
                    f"已有站点提交了“{criterion.name}”的材料，不能删除该标准",
                    {"criteria": [f"{criterion.key} 已有材料"]},
                )
    for key, criterion in current.items():
        if key not in wanted:
            db.session.delete(criterion)
    db.session.flush()
    for position, spec in enumerate(specs):
        criterion = current.get(spec.key)
        if criterion is None:
            criterion = AwardCriterion(programme_id=programme.id, key=spec.key)
            db.session.add(criterion)
        criterion.name = spec.name
        criterion.description = spec.description
        criterion.preferred = spec.preferred
        criterion.kind = spec.kind
        criterion.max_points = spec.max_points
        criterion.position = position
    db.session.flush()
    db.session.expire(programme, ["criteria"])
    audit.record(
        "award.criteria",
        actor,
        details={
            "programme_id": programme.id,
            "criteria": [
                {"key": s.key, "kind": s.kind, "max_points": _plain(s.max_points)} for s in specs
            ],
        },
    )
    return programme


def use_reference_criteria(programme: AwardProgramme, actor: User) -> AwardProgramme:
    """The 七有 in one click (replacing whatever criteria the programme had)."""
    return set_criteria(programme, SEVEN, actor)


# ---------------------------------------------------------------- units and their accounts
def _union_account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise Invalid("没有这个用户", {"user_id": ["没有这个用户"]})
    if user.role != Role.UNION:
        raise Invalid(
            "只有基层工会（union）角色的账号可以关联基层工会",
            {"user_id": ["该用户不是基层工会角色"]},
        )
    return user


def _account_free(programme: AwardProgramme, user_id: int, unit_id: int | None = None) -> None:
    query = select(AwardUnit.name).where(
        AwardUnit.programme_id == programme.id, AwardUnit.user_id == user_id
    )
    if unit_id is not None:
        query = query.where(AwardUnit.id != unit_id)
    taken = db.session.scalar(query)
    if taken is not None:
        raise Conflict(f"该账号已关联“{taken}”", {"user_id": ["该账号已关联其他基层工会"]})


def add_unit(
    programme: AwardProgramme, name: str, user_id: int | None, actor: User | None
) -> AwardUnit:
    """A base-level union of the programme, with its account (a `union` user) if given."""
    if user_id is not None:
        _union_account(user_id)
    programme = lock_row(AwardProgramme, programme)
    if programme.confirmed:
        raise Conflict("评选结果已确认，不能再增加基层工会")
    exists = db.session.scalar(
        select(AwardUnit.id).where(AwardUnit.programme_id == programme.id, AwardUnit.name == name)
    )
    if exists is not None:
        raise Conflict(f"已有基层工会“{name}”", {"name": ["已登记"]})
    if user_id is not None:
        _account_free(programme, user_id)
    unit = AwardUnit(programme_id=programme.id, name=name, user_id=user_id)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "award.unit",
        actor,
        details={"programme_id": programme.id, "unit_id": unit.id, "user_id": user_id},
    )
    return unit


def link_account(unit: AwardUnit, user_id: int, actor: User) -> AwardUnit:
    """Link (or change) a unit's account."""
    _union_account(user_id)
    programme = unit.programme
    _account_free(programme, user_id, unit.id)
    before = unit.user_id
    unit.user_id = user_id
    audit.record(
        "award.unit.account",
        actor,
        details={
            "programme_id": programme.id,
            "unit_id": unit.id,
            "before": before,
            "after": user_id,
        },
    )
    db.session.flush()
    return unit


# ---------------------------------------------------------------- the panel
def add_expert(
    programme: AwardProgramme,
    user_id: int,
    actor: User | None,
    unit_id: int | None = None,
    lead: bool = False,
) -> ProgrammeExpert:
    """Seat an expert (a user of role expert) on the panel, with their own base-level union
    if they belong to one (they never review its stations); `lead` makes them the lead in
    place of any other."""
    panels.expert_account(user_id)
    if unit_id is not None:
        unit = db.session.get(AwardUnit, unit_id)
        if unit is None or unit.programme_id != programme.id:
            raise Invalid("本评选活动没有这个基层工会", {"unit_id": ["没有这个基层工会"]})
    programme = lock_row(AwardProgramme, programme)
    if programme.confirmed:
        raise Conflict("评选结果已确认，不能再调整专家组")
    if _seat(programme, user_id) is not None:
        raise Conflict("该专家已在专家组中", {"user_id": ["已在专家组中"]})
    if lead:
        _clear_lead(programme)
    seat = ProgrammeExpert(
        programme_id=programme.id, user_id=user_id, unit_id=unit_id, is_lead=lead
    )
    db.session.add(seat)
    audit.record(
        "award.expert",
        actor,
        judge_id=user_id,
        details={"programme_id": programme.id, "unit_id": unit_id, "lead": lead},
    )
    db.session.flush()
    return seat


def _seat(programme: AwardProgramme, user_id: int) -> ProgrammeExpert | None:
    return panels.seat_of(ProgrammeExpert, ProgrammeExpert.programme_id, programme.id, user_id)


def _clear_lead(programme: AwardProgramme) -> None:
    panels.clear_lead(ProgrammeExpert, ProgrammeExpert.programme_id, programme.id)


def set_lead(programme: AwardProgramme, user_id: int, actor: User) -> ProgrammeExpert:
    """Make an expert of the panel its lead; there is one lead, the previous one steps down."""
    seat = _seat(programme, user_id)
    if seat is None:
        raise Invalid("该用户不是本评选活动的评审专家", {"user_id": ["不是评审专家"]})
    programme = lock_row(AwardProgramme, programme)
    if programme.confirmed:
        raise Conflict("评选结果已确认，不能再调整专家组")
    if not seat.is_lead:
        _clear_lead(programme)
        seat.is_lead = True
        audit.record("award.lead", actor, judge_id=user_id, details={"programme_id": programme.id})
    db.session.flush()
    return seat
