"""Team results (团体成绩) of an event's final, and the units named for the 优秀组织奖.

The team ranking is worked out from the final's individual ranking as `services.results` gives
it (`round_results`), by the pure rule `scoring.rank_teams`: the same totals and places the
results JSON, pages and notice show, so the team table can never disagree with them. The
absent (缺考/弃权) and those still missing a score are not in that ranking, so they do not count
for their unit. Units considered are those with a finalist in the event.

The 优秀组织奖 list is the organisers' decision, not a computation: units are marked and
unmarked one by one, each change audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import exists, select

from competition import scoring
from competition.contest.services.results import Entrant, RoundResults, round_results
from competition.core import audit
from competition.core.errors import Invalid, NotFound
from competition.extensions import db
from competition.models import Contestant, Event, OrganisationAward, Round, Unit, User
from competition.models.contests import FINAL

UNIT_UNKNOWN = "本竞赛没有这个单位"
UNIT_NOT_IN_EVENT = "该单位在本赛项没有参赛选手"


@dataclass(frozen=True)
class TeamResults:
    """The final's team ranking with what the API, pages and notice need to show it.

    `units` names every unit shown (ranked, unranked or awarded); `contestants` are the
    final's people as its results show them; `awards` the units marked for the 优秀组织奖, by
    ascending id."""

    event: Event
    round: Round
    ranking: scoring.TeamRanking
    units: Mapping[int, str]
    contestants: Mapping[int, Entrant]
    awards: tuple[int, ...]

    @property
    def team_size(self) -> int:
        return self.ranking.team_size

    def members(self, team: scoring.RankedTeam) -> list[Entrant]:
        """The finalists whose totals make the team's, best placed first."""
        return [self.contestants[cid] for cid in team.members]

    @property
    def award_names(self) -> list[str]:
        """The names of the units named for the 优秀组织奖, as the pages and notice list them."""
        return [self.units[unit_id] for unit_id in self.awards]


def team_results(event: Event, results: RoundResults | None = None) -> TeamResults:
    """The team ranking of the event's final, from `results` when the caller already has the
    final's (whole) results, else from `round_results`."""
    final = event.round(FINAL)
    if results is None:
        results = round_results(event, final)
    if results.round.id != final.id or results.unit_id is not None:
        raise ValueError("team results come from the whole final's results")
    people = results.contestants
    entries = [
        scoring.TeamEntry(
            unit_id=people[entry.contestant_id].unit_id,
            contestant_id=entry.contestant_id,
            total=entry.total,
            rank=entry.rank,
        )
        for entry in results.ranking.ranked
    ]
    # Every unit with a finalist, those whose people are all absent or unscored included.
    finalist_units = {person.unit_id for person in people.values()}
    ranking = scoring.rank_teams(entries, event.team_size, finalist_units)
    names = {person.unit_id: person.unit.name for person in people.values()}
    awarded = award_unit_ids(event)
    missing = [unit_id for unit_id in awarded if unit_id not in names]
    if missing:
        rows = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(missing)))
        names.update((unit_id, name) for unit_id, name in rows)
    return TeamResults(
        event=event,
        round=final,
        ranking=ranking,
        units=MappingProxyType(names),
        contestants=people,
        awards=tuple(awarded),
    )


# ---------------------------------------------------------------- 优秀组织奖
def award_unit_ids(event: Event) -> list[int]:
    """The units marked for the event's 优秀组织奖, by ascending id."""
    return list(
        db.session.scalars(
            select(OrganisationAward.unit_id)
            .where(OrganisationAward.event_id == event.id)
            .order_by(OrganisationAward.unit_id)
        )
    )


def unit_of(event: Event, unit_id: int) -> Unit:
    """A unit of the event's contest (404 for any other: it is not there for this event)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.contest_id != event.contest_id:
        raise NotFound(UNIT_UNKNOWN)
    return unit


def _takes_part(event: Event, unit: Unit) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Contestant.event_id == event.id, Contestant.unit_id == unit.id))
        )
    )


def _lock(event: Event) -> None:
    """Changes of one event's list one after the other (PostgreSQL; SQLite writes one at a
    time anyway): two organisers ticking the same unit at once make one row and one audit
    entry, not a unique-constraint error."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _award(event: Event, unit: Unit) -> OrganisationAward | None:
    return db.session.scalar(
        select(OrganisationAward).where(
            OrganisationAward.event_id == event.id, OrganisationAward.unit_id == unit.id
        )
    )


def mark_award(event: Event, unit: Unit, actor: User) -> OrganisationAward:
    """Name `unit` for the event's 优秀组织奖. Marking a unit already marked changes nothing
    (and records nothing): the PUT is idempotent. A unit with nobody in the event cannot have
    organised its part in it (422)."""
    if unit.contest_id != event.contest_id:
        raise NotFound(UNIT_UNKNOWN)
    _lock(event)
    found = _award(event, unit)
    if found is not None:
        return found
    if not _takes_part(event, unit):
        raise Invalid(UNIT_NOT_IN_EVENT, {"unit_id": [UNIT_NOT_IN_EVENT]})
    award = OrganisationAward(event_id=event.id, unit_id=unit.id, marked_by_id=actor.id)
    db.session.add(award)
    audit.record(
        "organisation_award.mark",
        actor,
        event_id=event.id,
        details={"unit_id": unit.id, "unit": unit.name},
    )
    db.session.flush()
    return award


def unmark_award(event: Event, unit: Unit, actor: User) -> bool:
    """Take `unit` off the event's 优秀组织奖 list; False (and nothing recorded) when it was
    not on it."""
    if unit.contest_id != event.contest_id:
        raise NotFound(UNIT_UNKNOWN)
    _lock(event)
    found = _award(event, unit)
    if found is None:
        return False
    db.session.delete(found)
    audit.record(
        "organisation_award.unmark",
        actor,
        event_id=event.id,
        details={"unit_id": unit.id, "unit": unit.name},
    )
    db.session.flush()
    return True


def set_awards(event: Event, unit_ids: Iterable[int], actor: User) -> tuple[list[int], list[int]]:
    """Make the 优秀组织奖 list exactly `unit_ids` (the console's ticked boxes): each unit
    added or taken off as `mark_award` and `unmark_award` do, so each change is audited.
    Returns (added, removed) unit ids."""
    wanted = {unit_id: unit_of(event, unit_id) for unit_id in sorted(set(unit_ids))}
    current = set(award_unit_ids(event))
    added = [unit_id for unit_id in wanted if unit_id not in current]
    removed = sorted(current - set(wanted))
    for unit_id in added:
        mark_award(event, wanted[unit_id], actor)
    for unit_id in removed:
        unmark_award(event, unit_of(event, unit_id), actor)
    return added, removed


def event_units(event: Event) -> list[Unit]:
    """The units with someone in the event, by name: who may be named for the award."""
    return list(
        db.session.scalars(
            select(Unit)
            .where(exists().where(Contestant.event_id == event.id, Contestant.unit_id == Unit.id))
            .order_by(Unit.name, Unit.id)
        )
    )


def carry_awards(unit: Unit, into: Unit | None) -> None:
    """Before `unit` is removed: its 优秀组织奖 go to `into` (a merge of one enterprise
    registered twice), or are dropped with it (`into` None: a unit registered by mistake).
    Where `into` is named for the same event already, one award stays. The merge or removal
    is audited by its caller; without this the awards' rows would keep the unit from going."""
    awards = db.session.scalars(
        select(OrganisationAward).where(OrganisationAward.unit_id == unit.id)
    )
    for award in list(awards):
        taken = into is not None and db.session.scalar(
            select(
                exists().where(
                    OrganisationAward.event_id == award.event_id,
                    OrganisationAward.unit_id == into.id,
                )
            )
        )
        if into is None or taken:
            db.session.delete(award)
        else:
            award.unit_id = into.id
    db.session.flush()
