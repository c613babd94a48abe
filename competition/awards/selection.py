"""Selection, notice and confirmation of an award programme (综合评议 → 公示 → 确认).

The ranking per level comes from `competition.scoring.stations.select_levels` over the panel's
judgements and the recorded rulings; nothing here ranks. Publication freezes each level's
selected list as `StationSelection` rows (place and total as published) and starts the notice
(`notice_days` working days of the settings' calendar, `competition.core.clock.calendar`).

Objections (异议) are recorded during the notice under a real name, and decided with a reason.
An upheld objection withdraws the station (the row stays, saying why). **Filling the place**:
the organiser may then fill it with the next station of that level's ranking as the rules give
it (the best-ranked station that is on no list at all and eligible at that level); a station
already on a lower level's list stays there, so one withdrawal never sets off a chain of moves.
The station filled in joins the list for the rest of the same notice period: objections to it
are recorded until the notice ends like any other's.

Confirmation, after the last day of the notice and once every objection is decided, locks
everything (409 for any later change) and issues each listed station's honour with a serial.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.awards import review
from competition.core import audit, clock, normalise
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.serials import new_serial, normalise_serial
from competition.core.workdays import notice_ends_on
from competition.extensions import db
from competition.models import (
    AwardLevel,
    AwardProgramme,
    AwardRuling,
    Objection,
    Station,
    StationCertificate,
    StationSelection,
    User,
)
from competition.models.types import utcnow
from competition.scoring import stations as rules

UPHELD, DISMISSED = "upheld", "dismissed"


def today() -> date:
    """Today where the programme is run."""
    return clock.local_date(utcnow())


# ---------------------------------------------------------------- the ranking
@dataclass(frozen=True)
class Results:
    """The rules' selection with the rows it names, for the API, the pages and documents."""

    programme: AwardProgramme
    selection: rules.Selection
    stations: dict[int, Station]
    levels: dict[str, AwardLevel]

    def level_rows(self) -> list[tuple[AwardLevel, rules.LevelSelection]]:
        return [(self.levels[ls.level], ls) for ls in self.selection.levels]

    def station_names(self, ids: tuple[int, ...] | list[int]) -> list[str]:
        return [self.stations[i].name for i in ids]

    def names(self, ids: tuple[int, ...] | list[int]) -> str:
        """For a refusal's message (Chinese, as every service message)."""
        return "、".join(self.station_names(ids))


def _rulings(programme: AwardProgramme) -> list[rules.Ruling]:
    keys = {level.id: level.key for level in programme.levels}
    rows = db.session.scalars(
        select(AwardRuling).where(AwardRuling.programme_id == programme.id).order_by(AwardRuling.id)
    )
    return [
        rules.Ruling(keys[r.level_id], tuple(int(i) for i in r.station_ids))
        for r in rows
        if r.level_id in keys
    ]


def results(programme: AwardProgramme) -> Results:
    """Every level's ranking and cut as the rules give it now (before publication this is
    the live ranking; after it the frozen list is `published_list`)."""
    stations = review.submitted_stations(programme)
    ordered = sorted(programme.levels, key=lambda level: level.position)
    levels = tuple(
        rules.LevelQuota(level.key, index, level.quota) for index, level in enumerate(ordered)
    )
    selection = rules.select_levels(
        levels,
        review.criteria_rules(programme),
        review.station_marks(programme, stations),
        _rulings(programme),
    )
    return Results(
        programme=programme,
        selection=selection,
        stations={s.id: s for s in stations},
        levels={level.key: level for level in ordered},
    )


def record_ruling(
    programme: AwardProgramme, level_id: int, station_ids: list[int], reason: str, actor: User
) -> AwardRuling:
    """Record the order of stations the rules cannot separate at a level (first = better).

    The stations must be two or more, considered at that level, and equal by every rule
    (total and each criterion): a ruling breaks a tie, it never overturns the scores. After
    publication only stations on no list may be ordered (a tie in line for a vacant place):
    the published list itself never moves.
    """
    level = next((lv for lv in programme.levels if lv.id == level_id), None)
    if level is None:
        raise Invalid("本评选活动没有这个级别", {"level_id": ["没有这个级别"]})
    if len(set(station_ids)) != len(station_ids) or len(station_ids) < 2:
        raise Invalid(
            "请按先后顺序列出至少两个并列的站点，不能重复", {"station_ids": ["至少两个，不能重复"]}
        )
    if not reason.strip():
        raise Invalid("请写明裁定理由", {"reason": ["必填"]})
    programme = review.lock_programme(programme)
    if programme.confirmed_at is not None:
        raise Conflict("评选结果已确认并锁定")
    found = results(programme)
    ranking = found.selection.level(level.key)
    if ranking.blocked:
        raise Conflict("请先裁定上一级别的并列，本级别的名单取决于它")
    considered = {p.station_id for p in ranking.ranking}
    outside = [i for i in station_ids if i not in considered]
    if outside:
        raise Invalid(
            "这些站点不在本级别的排名中",
            {"station_ids": [f"站点 {i} 不在本级别的排名中" for i in outside]},
        )
    if programme.published_at is not None:
        on_a_list = {r.station_id for r in published_list(programme, include_withdrawn=True)}
        if on_a_list & set(station_ids):
            raise Conflict("评选名单已公示：只能裁定尚未入选的站点之间的先后（递补空缺时）")
    criteria = review.criteria_rules(programme)
    keys = {i: rules.rules_key(criteria, found.selection.results[i]) for i in station_ids}
    if len(set(keys.values())) != 1:
        raise Invalid(
            "只有按规则无法区分（总分及各项得分均相同）的站点才能裁定先后",
            {"station_ids": ["所列站点按规则并不并列"]},
        )
    ruling = AwardRuling(
        programme_id=programme.id,
        level_id=level.id,
        station_ids=list(station_ids),
        reason=reason.strip(),
        decided_by_id=actor.id,
    )
    db.session.add(ruling)
    audit.record(
        "award.ruling",
        actor,
        reason=reason.strip(),
        details={"programme_id": programme.id, "level": level.key, "station_ids": station_ids},
    )
    db.session.flush()
    return ruling


# ---------------------------------------------------------------- publication
def publish(programme: AwardProgramme, actor: User) -> AwardProgramme:
    """Freeze each level's selected list and start the notice. 409 before the panel lead's
    sign-off, while a station is not completely reviewed, and while a cut is unresolved (the
    message names the tied stations)."""
    programme = review.lock_programme(programme)
    if programme.published_at is not None:
        raise Conflict("评选名单已经公示")
    if not review.signed_off(programme):
        raise Conflict("评审结果尚未经专家组组长签署，不能公示")
    found = results(programme)
    if found.selection.incomplete:
        ids = list(found.selection.incomplete)
        raise Conflict(
            "尚有站点未评审完毕：" + found.names(ids), {"incomplete": [str(i) for i in ids]}
        )
    ties = found.selection.unresolved
    if ties:
        tie = ties[0]
        level = found.levels[tie.level]
        raise Conflict(
            f"{level.name}名额线上有并列，规则无法区分，请先记录裁定：{found.names(tie.station_ids)}",
            {"unresolved": [str(i) for i in tie.station_ids]},
            code="tie_unresolved",
        )
    now = utcnow()
    for level, chosen in found.level_rows():
        for placed in chosen.selected:
            db.session.add(
                StationSelection(
                    programme_id=programme.id,
                    level_id=level.id,
                    station_id=placed.station_id,
                    place=placed.place,
                    total=placed.total,
                    selected_at=now,
                )
            )
    programme.published_at = now
    programme.published_by_id = actor.id
    programme.notice_ends_on = notice_ends_on(
        clock.local_date(now), programme.notice_days, clock.calendar()
    )
    audit.record(
        "award.publish",
        actor,
        details={
            "programme_id": programme.id,
            "lists": {
                level.key: [p.station_id for p in chosen.selected]
                for level, chosen in found.level_rows()
            },
        },
    )
    db.session.flush()
    return programme


def require_published(programme: AwardProgramme) -> None:
    """409 before publication: no list, notice, grant or honour exists yet."""
    if programme.published_at is None:
        raise Conflict("评选名单尚未公示")


def published_list(
    programme: AwardProgramme, include_withdrawn: bool = False
) -> list[StationSelection]:
    """The list as published, level by level and place by place."""
    positions = {level.id: level.position for level in programme.levels}
    query = (
        select(StationSelection)
        .where(StationSelection.programme_id == programme.id)
        .options(
            selectinload(StationSelection.station).selectinload(Station.unit),
            selectinload(StationSelection.level),
        )
    )
    if not include_withdrawn:
        query = query.where(StationSelection.withdrawn_at.is_(None))
    rows = list(db.session.scalars(query))
    rows.sort(key=lambda r: (positions.get(r.level_id, 0), r.place))
    return rows


def in_notice(programme: AwardProgramme, on: date | None = None) -> bool:
    if programme.published_at is None or programme.confirmed_at is not None:
        return False
    assert programme.notice_ends_on is not None
    return (on or today()) <= programme.notice_ends_on


# ---------------------------------------------------------------- objections
def _listed(programme: AwardProgramme, station_id: int) -> StationSelection:
    row = db.session.scalar(
        select(StationSelection).where(
            StationSelection.programme_id == programme.id,
            StationSelection.station_id == station_id,
            StationSelection.withdrawn_at.is_(None),
        )
    )
    if row is None:
        raise Invalid("该站点不在公示名单上", {"station_id": ["不在公示名单上"]})
    return row


def record_objection(
    programme: AwardProgramme,
    station_id: int,
    name: str,
    text: str,
    actor: User,
    contact: str = "",
) -> Objection:
    """An objection to a listed station, under the objector's real name, during the notice."""
    name = normalise.person_name(name)
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = ["异议须署真实姓名"]
    if not text.strip():
        fields["text"] = ["请写明异议内容"]
    if fields:
        raise Invalid(next(iter(fields.values()))[0], fields)
    _listed(programme, station_id)
    programme = review.lock_programme(programme)
    if not in_notice(programme):
        raise Conflict("不在公示期内，不能登记异议")
    objection = Objection(
        programme_id=programme.id,
        station_id=station_id,
        name=name,
        contact=normalise.plain(contact),
        text=text.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(
        "award.objection",
        actor,
        details={
            "programme_id": programme.id,
            "objection_id": objection.id,
            "station_id": station_id,
        },
    )
    return objection


def get_objection(programme: AwardProgramme, objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.programme_id != programme.id:
        raise NotFound("本评选活动没有这条异议")
    return objection


def objections(programme: AwardProgramme) -> list[Objection]:
    return list(
        db.session.scalars(
            select(Objection).where(Objection.programme_id == programme.id).order_by(Objection.id)
        )
    )


def decide_objection(
    programme: AwardProgramme, objection: Objection, decision: str, reason: str, actor: User
) -> Objection:
    """Decide an objection with a reason: upheld withdraws the station from the list."""
    if decision not in (UPHELD, DISMISSED):
        raise Invalid("决定应为 upheld（成立）或 dismissed（不成立）", {"decision": ["取值无效"]})
    if not reason.strip():
        raise Invalid("请写明理由", {"reason": ["必填"]})
    programme = review.lock_programme(programme)
    if programme.confirmed_at is not None:
        raise Conflict("评选结果已确认并锁定，不能再处理异议")
    if objection.decision is not None:
        raise Conflict("这条异议已经处理")
    now = utcnow()
    objection.decision = decision
    objection.reason = reason.strip()
    objection.decided_at = now
    objection.decided_by_id = actor.id
    if decision == UPHELD:
        row = db.session.scalar(
            select(StationSelection).where(
                StationSelection.programme_id == programme.id,
                StationSelection.station_id == objection.station_id,
            )
        )
        if row is not None and row.withdrawn_at is None:
            row.withdrawn_at = now
            row.withdraw_reason = f"异议成立：{reason.strip()}"
    audit.record(
        "award.objection.decide",
        actor,
        reason=reason.strip(),
        details={
            "programme_id": programme.id,
            "objection_id": objection.id,
            "station_id": objection.station_id,
            "decision": decision,
        },
    )
    db.session.flush()
    return objection


def open_places(level: AwardLevel, listed: Sequence[StationSelection]) -> int:
    """The level's places not held by a station on its published list (withdrawn ones free
    theirs): what may be filled during the notice."""
    held = sum(1 for r in listed if r.level_id == level.id and r.withdrawn_at is None)
    return max(0, level.quota - held)


def next_in_line(
    programme: AwardProgramme,
    level: AwardLevel,
    found: Results | None = None,
    every: Sequence[StationSelection] | None = None,
) -> rules.Placed | rules.UnresolvedTie | None:
    """Who would fill a vacant place at `level` now: a station, a tie to rule on first, or
    nobody (`rules.next_in_line`)."""
    found = found or results(programme)
    if every is None:
        every = published_list(programme, include_withdrawn=True)
    return rules.next_in_line(
        found.selection,
        review.criteria_rules(programme),
        _rulings(programme),
        level.key,
        (r.station_id for r in every),
    )


def fill_place(programme: AwardProgramme, level_id: int, actor: User) -> StationSelection:
    """Fill a place left by a withdrawn station with the next station of the level's ranking
    (see the module's rule). 409 when the level has no vacancy or no station to take it, and
    409 `tie_unresolved` when the next stations are tied and no ruling orders them."""
    level = next((lv for lv in programme.levels if lv.id == level_id), None)
    if level is None:
        raise Invalid("本评选活动没有这个级别", {"level_id": ["没有这个级别"]})
    programme = review.lock_programme(programme)
    if programme.published_at is None:
        raise Conflict("评选名单尚未公示")
    if programme.confirmed_at is not None:
        raise Conflict("评选结果已确认并锁定")
    every = published_list(programme, include_withdrawn=True)
    if not open_places(level, every):
        raise Conflict(f"{level.name}名额已满，没有空缺")
    found = results(programme)
    nxt = next_in_line(programme, level, found, every)
    if nxt is None:
        raise Conflict("本级别排名中已没有可递补的站点")
    if isinstance(nxt, rules.UnresolvedTie):
        raise Conflict(
            f"{level.name}递补的站点并列，规则无法区分，请先记录裁定：{found.names(nxt.station_ids)}",
            {"unresolved": [str(i) for i in nxt.station_ids]},
            code="tie_unresolved",
        )
    place = max((r.place for r in every if r.level_id == level.id), default=0) + 1
    row = StationSelection(
        programme_id=programme.id,
        level_id=level.id,
        station_id=nxt.station_id,
        place=place,
        total=nxt.total,
    )
    db.session.add(row)
    audit.record(
        "award.fill_place",
        actor,
        details={"programme_id": programme.id, "level": level.key, "station_id": nxt.station_id},
    )
    db.session.flush()
    return row


# ---------------------------------------------------------------- confirmation and honours
def confirm(programme: AwardProgramme, actor: User) -> AwardProgramme:
    """Confirm the list after the notice: every objection decided; locks everything and
    issues each listed station's honour (certificate or plaque) with its serial."""
    programme = review.lock_programme(programme)
    if programme.published_at is None:
        raise Conflict("评选名单尚未公示")
    if programme.confirmed_at is not None:
        raise Conflict("评选结果已经确认")
    if in_notice(programme):
        raise Conflict(f"公示期至 {programme.notice_ends_on} 结束，公示期满后才能确认")
    open_ones = [o for o in objections(programme) if o.decision is None]
    if open_ones:
        raise Conflict(
            f"尚有 {len(open_ones)} 条异议未处理",
            {"objections": [str(o.id) for o in open_ones]},
        )
    now = utcnow()
    programme.confirmed_at = now
    programme.confirmed_by_id = actor.id
    taken = set(db.session.scalars(select(StationCertificate.serial)))
    for row in published_list(programme):
        serial = new_serial()
        while serial in taken:
            serial = new_serial()
        taken.add(serial)
        db.session.add(
            StationCertificate(
                serial=serial,
                programme_id=programme.id,
                station_id=row.station_id,
                level_id=row.level_id,
                station_name=row.station.name,
                unit_name=row.station.unit.name,
                level_name=row.level.name,
                issued_at=now,
                issued_by_id=actor.id,
            )
        )
    audit.record("award.confirm", actor, details={"programme_id": programme.id})
    db.session.flush()
    return programme


def certificates(programme: AwardProgramme) -> list[StationCertificate]:
    positions = {level.id: level.position for level in programme.levels}
    rows = list(
        db.session.scalars(
            select(StationCertificate).where(StationCertificate.programme_id == programme.id)
        )
    )
    places = {r.station_id: r.place for r in published_list(programme, include_withdrawn=True)}
    rows.sort(key=lambda c: (positions.get(c.level_id, 0), places.get(c.station_id, 0)))
    return rows


def find_certificate(serial_text: str) -> StationCertificate | None:
    serial = normalise_serial(serial_text)
    if serial is None:
        return None
    return db.session.scalar(select(StationCertificate).where(StationCertificate.serial == serial))


# ---------------------------------------------------------------- grants
@dataclass(frozen=True)
class GrantLine:
    unit: str
    level: str
    station: str
    amount: Decimal


@dataclass(frozen=True)
class Grants:
    """The grant schedule (奖补资金): a line per listed station, sums per unit, the total."""

    lines: tuple[GrantLine, ...]
    by_unit: tuple[tuple[str, int, Decimal], ...]  # unit, stations, amount
    total: Decimal


def grants(programme: AwardProgramme) -> Grants:
    """Each station on the list (withdrawn ones not) gets its level's grant; exact sums."""
    lines = tuple(
        GrantLine(r.station.unit.name, r.level.name, r.station.name, r.level.grant_amount)
        for r in published_list(programme)
    )
    sums: dict[str, list[Decimal]] = defaultdict(list)
    for line in lines:
        sums[line.unit].append(line.amount)
    by_unit = tuple(
        (unit, len(amounts), sum(amounts, Decimal("0.00")))
        for unit, amounts in sorted(sums.items())
    )
    return Grants(lines, by_unit, sum((line.amount for line in lines), Decimal("0.00")))


# ---------------------------------------------------------------- the public list
def public_stations(
    programme: AwardProgramme, district: str = "", name: str = ""
) -> list[StationSelection]:
    """The confirmed stations, searchable by district and by a part of the name (both
    normalised as typed: full-width, spaces)."""
    if programme.confirmed_at is None:
        return []
    district = normalise.plain(district).replace(" ", "")
    name = normalise.plain(name)
    rows = published_list(programme)
    return [
        r
        for r in rows
        if (not district or r.station.district == district)
        and (not name or name in normalise.plain(r.station.name))
    ]


def districts(programme: AwardProgramme) -> list[str]:
    return sorted({r.station.district for r in published_list(programme)})
