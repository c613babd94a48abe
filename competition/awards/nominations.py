"""Nomination (基层推荐): a base-level union's stations with evidence for every criterion.

A nomination is complete only when every criterion of the programme has evidence, a text or
at least one file; only a complete one can be submitted. Nominations close at the
programme's deadline: after it nothing is created, changed or submitted, by anyone. A
submitted nomination is the unit's word: it changes only after an organiser hands it back.

Functions flush and never commit; a wrong value (422) is refused before a state that
forbids it (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.awards import programmes
from competition.core import audit, clock
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.locking import lock_row
from competition.extensions import db
from competition.models import (
    AwardCriterion,
    AwardProgramme,
    AwardUnit,
    EvidenceFile,
    Station,
    StationEvidence,
    User,
)
from competition.models.types import utcnow

STATION_FIELDS = (
    "name",
    "address",
    "district",
    "contact_name",
    "contact_phone",
    "opening_hours",
)


@dataclass(frozen=True)
class StationSpec:
    level: str
    name: str
    address: str
    district: str
    contact_name: str = ""
    contact_phone: str = ""
    opening_hours: str = ""


# ---------------------------------------------------------------- the deadline
def deadline_text(programme: AwardProgramme) -> str:
    """The deadline as people read it: local date and minute."""
    if programme.nomination_deadline is None:
        return ""
    local = programme.nomination_deadline.astimezone(clock.local_zone())
    return local.strftime("%Y-%m-%d %H:%M")


def is_open(programme: AwardProgramme, now: datetime | None = None) -> bool:
    deadline = programme.nomination_deadline
    return deadline is None or (now or utcnow()) < deadline


def require_open(programme: AwardProgramme) -> None:
    if not is_open(programme):
        raise Conflict(
            f"推荐已于截止时间 {deadline_text(programme)} 结束，不能再新增、修改或提交站点",
            code="deadline_passed",
        )


# ---------------------------------------------------------------- reading
def get_station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None:
        raise NotFound("未找到该站点")
    return station


def stations(programme: AwardProgramme, unit: AwardUnit | None = None) -> list[Station]:
    query = (
        select(Station)
        .where(Station.programme_id == programme.id)
        .options(selectinload(Station.unit), selectinload(Station.level))
        .order_by(Station.unit_id, Station.id)
    )
    if unit is not None:
        query = query.where(Station.unit_id == unit.id)
    return list(db.session.scalars(query))


def evidence_for(station: Station, criterion: AwardCriterion) -> StationEvidence | None:
    return next((e for e in station.evidence if e.criterion_id == criterion.id), None)


def has_evidence(evidence: StationEvidence | None) -> bool:
    return evidence is not None and (bool(evidence.text.strip()) or bool(evidence.files))


def missing_criteria(station: Station) -> list[AwardCriterion]:
    """The programme's criteria without evidence (text or a file) for this station."""
    programme = db.session.get(AwardProgramme, station.programme_id)
    assert programme is not None
    return [c for c in programme.criteria if not has_evidence(evidence_for(station, c))]


def etag(station: Station) -> str:
    """The version of a nomination a page or program edits: it changes with every change of
    the station, its evidence or files (each bumps `updated_at`)."""
    return f"{station.id}-{int(station.updated_at.timestamp() * 1_000_000)}"


def check_version(station: Station, tags: set[str] | None) -> None:
    """An edit sent with If-Match must name the version it was made on (409 `stale` else)."""
    if tags is None or "*" in tags:
        return
    if etag(station) not in tags:
        error = Conflict("该站点已被他人修改，本次修改没有保存；请刷新后重试", code="stale")
        error.headers["ETag"] = f'"{etag(station)}"'
        raise error


# ---------------------------------------------------------------- changing a nomination
def _level(programme: AwardProgramme, key: str) -> Any:
    level = programmes.level_by_key(programme, key)
    if level is None:
        known = "、".join(level.key for level in programme.levels) or "（尚未设置等级）"
        raise Invalid(f"没有等级 {key}", {"level": [f"应为 {known} 之一"]})
    return level


def _name_free(
    programme: AwardProgramme, unit: AwardUnit, name: str, station_id: int | None
) -> None:
    query = select(Station.id).where(
        Station.programme_id == programme.id, Station.unit_id == unit.id, Station.name == name
    )
    if station_id is not None:
        query = query.where(Station.id != station_id)
    if db.session.scalar(query) is not None:
        raise Conflict(f"本单位已推荐名为“{name}”的站点", {"name": ["本单位已有同名站点"]})


def _refuse_locked(station: Station) -> None:
    if station.submitted_at is not None:
        raise Conflict("该站点的推荐已提交，不能再修改；如需修改请联系组委会退回")


def create_station(
    programme: AwardProgramme, unit: AwardUnit, spec: StationSpec, actor: User | None
) -> Station:
    level = _level(programme, spec.level)
    programme = lock_row(AwardProgramme, programme)
    require_open(programme)
    _name_free(programme, unit, spec.name, None)
    station = Station(
        programme_id=programme.id,
        unit_id=unit.id,
        level_id=level.id,
        name=spec.name,
        address=spec.address,
        district=spec.district,
        contact_name=spec.contact_name,
        contact_phone=spec.contact_phone,
        opening_hours=spec.opening_hours,
    )
    db.session.add(station)
    db.session.flush()
    audit.record(
        "award.station",
        actor,
        details={"programme_id": programme.id, "station_id": station.id, "unit_id": unit.id},
    )
    return station


def update_station(station: Station, changes: dict[str, Any], actor: User) -> Station:
    programme = station.unit.programme
    level = _level(programme, changes["level"]) if "level" in changes else None
    station = lock_row(Station, station)
    require_open(programme)
    _refuse_locked(station)
    if "name" in changes:
        _name_free(programme, station.unit, changes["name"], station.id)
    before: dict[str, Any] = {}
    for key in STATION_FIELDS:
        if key in changes and getattr(station, key) != changes[key]:
            before[key] = getattr(station, key)
            setattr(station, key, changes[key])
    if level is not None and level.id != station.level_id:
        before["level"] = station.level.key
        station.level_id = level.id
    station.updated_at = utcnow()
    audit.record(
        "award.station.update",
        actor,
        details={"programme_id": programme.id, "station_id": station.id, "before": before},
    )
    db.session.flush()
    db.session.expire(station, ["level"])
    return station


def touch(station: Station) -> None:
    """A change of the station's evidence is a change of the nomination (its ETag)."""
    station.updated_at = utcnow()


def evidence_row(station: Station, criterion: AwardCriterion) -> StationEvidence:
    evidence = evidence_for(station, criterion)
    if evidence is None:
        evidence = StationEvidence(station_id=station.id, criterion_id=criterion.id, text="")
        db.session.add(evidence)
        db.session.flush()
        db.session.expire(station, ["evidence"])
    return evidence


def get_criterion(station: Station, key: str) -> AwardCriterion:
    programme = station.unit.programme
    criterion = programmes.criterion_by_key(programme, key)
    if criterion is None:
        raise NotFound(f"本评选活动没有评审标准 {key}")
    return criterion


def set_evidence_text(
    station: Station, criterion: AwardCriterion, text: str, actor: User
) -> StationEvidence:
    programme = station.unit.programme
    station = lock_row(Station, station)
    require_open(programme)
    _refuse_locked(station)
    evidence = evidence_row(station, criterion)
    evidence.text = text.strip()
    evidence.updated_at = utcnow()
    touch(station)
    audit.record(
        "award.evidence",
        actor,
        details={
            "programme_id": programme.id,
            "station_id": station.id,
            "criterion": criterion.key,
            "length": len(evidence.text),
        },
    )
    db.session.flush()
    return evidence


def require_editable(station: Station) -> Station:
    """The checks before files are added or removed: open, not submitted (under a lock)."""
    programme = station.unit.programme
    station = lock_row(Station, station)
    require_open(programme)
    _refuse_locked(station)
    return station


def submit(station: Station, actor: User) -> Station:
    """Submit a complete nomination before the deadline (409 listing what is missing)."""
    programme = station.unit.programme
    station = lock_row(Station, station)
    require_open(programme)
    if station.submitted_at is not None:
        raise Conflict("该站点的推荐已提交")
    missing = missing_criteria(station)
    if missing:
        names = "、".join(c.name for c in missing)
        raise Conflict(
            f"推荐材料不完整：{names} 还没有材料（文字或文件），不能提交",
            {"missing": [c.key for c in missing]},
            code="incomplete",
        )
    station.submitted_at = utcnow()
    touch(station)
    audit.record(
        "award.station.submit",
        actor,
        details={"programme_id": programme.id, "station_id": station.id},
    )
    db.session.flush()
    return station


def hand_back(station: Station, reason: str, actor: User) -> Station:
    """An organiser hands a submitted nomination back to its unit to change (before any
    review of it)."""
    from competition.models import StationReview

    station = lock_row(Station, station)
    if station.submitted_at is None:
        raise Conflict("该站点尚未提交")
    reviewed = db.session.scalar(
        select(StationReview.id).where(StationReview.station_id == station.id).limit(1)
    )
    if reviewed is not None:
        raise Conflict("专家已开始评审该站点，不能退回")
    station.submitted_at = None
    touch(station)
    audit.record(
        "award.station.hand_back",
        actor,
        reason=reason,
        details={"programme_id": station.programme_id, "station_id": station.id},
    )
    db.session.flush()
    return station


def files_of(station: Station, criterion: AwardCriterion) -> list[EvidenceFile]:
    evidence = evidence_for(station, criterion)
    return list(evidence.files) if evidence is not None else []
