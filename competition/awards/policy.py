"""Who may do what in an award programme: one place for these rules, used by the API and the
pages alike. The organiser rule every feature shares is `competition.core.roles`.

A base-level union's account sees only its own unit's stations: another unit's station is
not found (404), as a contest says of what a caller may not know exists; asking to nominate
for another unit is refused (403). The panel reads every nominated station (the review itself is
`competition.awards.review`); avoidance of an expert's own unit applies to reviewing, not to
reading.
"""

from __future__ import annotations

from sqlalchemy import select

from competition.core.errors import Forbidden, Invalid, NotFound
from competition.core.roles import is_organiser
from competition.extensions import db
from competition.models import AwardProgramme, AwardUnit, ProgrammeExpert, Role, Station, User


def union_unit(user: User | None, programme: AwardProgramme) -> AwardUnit | None:
    """The unit whose account the user is, in this programme (None for anyone else)."""
    if user is None or user.role != Role.UNION:
        return None
    return db.session.scalar(
        select(AwardUnit).where(
            AwardUnit.programme_id == programme.id, AwardUnit.user_id == user.id
        )
    )


def panel_seat(user: User | None, programme: AwardProgramme) -> ProgrammeExpert | None:
    if user is None or user.role != Role.EXPERT:
        return None
    return db.session.scalar(
        select(ProgrammeExpert).where(
            ProgrammeExpert.programme_id == programme.id, ProgrammeExpert.user_id == user.id
        )
    )


def require_programme_member(user: User, programme: AwardProgramme) -> None:
    """Organisers, the programme's unions and its panel see the programme and its rules."""
    if is_organiser(user) or union_unit(user, programme) or panel_seat(user, programme):
        return
    raise Forbidden("您不是该评选活动的参与单位或评审专家")


def require_panel_reader(user: User, programme: AwardProgramme) -> None:
    """The list of units and the panel: organisers and the panel."""
    if not is_organiser(user) and panel_seat(user, programme) is None:
        raise Forbidden("只有组委会和评审专家可以查看")


def nominating_unit(user: User, programme: AwardProgramme, unit_id: int | None) -> AwardUnit:
    """The unit a nomination is made for: a union nominates for its own unit only; an
    organiser may act for any unit of the programme, naming it."""
    if is_organiser(user):
        if unit_id is None:
            raise _unit_needed()
        unit = db.session.get(AwardUnit, unit_id)
        if unit is None or unit.programme_id != programme.id:
            raise Invalid("本评选活动没有这个基层工会", {"unit_id": ["没有这个基层工会"]})
        return unit
    own = union_unit(user, programme)
    if own is None:
        raise Forbidden("只有基层工会账号或组委会可以推荐站点")
    if unit_id is not None and unit_id != own.id:
        raise Forbidden("只能推荐本单位的站点")
    return own


def _unit_needed() -> Invalid:
    return Invalid("组委会代为推荐时请指定基层工会（unit_id）", {"unit_id": ["必填"]})


def require_station_reader(user: User, station: Station) -> None:
    """Organisers, the owning unit's account and the programme's panel read a station, its
    evidence and files; another unit's account does not learn it exists (404)."""
    if is_organiser(user):
        return
    if user.role == Role.UNION:
        if station.unit.user_id == user.id:
            return
        raise NotFound("未找到该站点")
    programme = db.session.get(AwardProgramme, station.programme_id)
    assert programme is not None
    if panel_seat(user, programme) is not None:
        return
    raise Forbidden("您无权查看该站点")


def require_station_editor(user: User, station: Station) -> None:
    """Organisers and the owning unit's account change a nomination; the panel only reads."""
    if is_organiser(user):
        return
    if user.role == Role.UNION:
        if station.unit.user_id == user.id:
            return
        raise NotFound("未找到该站点")
    raise Forbidden("只有本单位的基层工会账号或组委会可以修改推荐材料")


def sees_all_stations(user: User, programme: AwardProgramme) -> bool:
    return is_organiser(user) or panel_seat(user, programme) is not None
