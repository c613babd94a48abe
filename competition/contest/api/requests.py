"""The checks the API's routes share, each in the contract's order (401, 404, 403): what an
organiser's route names (`organiser_contest`, `organiser_event`, `organiser_round`,
`organiser_contestant`), and a request for a round's ranking, checked once for both of its
answers: the JSON (`views.get_results`) and the PDF (`documents.results_pdf`)."""

from __future__ import annotations

from dataclasses import dataclass

from competition.contest import policy
from competition.contest.services import contests as contest_service
from competition.core import roles
from competition.core.errors import NotFound
from competition.extensions import db
from competition.http.api import current_user, require_user
from competition.http.loading import int_arg
from competition.models import Contest, Contestant, Event, Round, Unit, User


# ---------------------------------------------------------------- an organiser's routes
def contest_or_404(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound("没有这个竞赛")
    return contest


def organiser_contest(contest_id: int) -> tuple[User, Contest]:
    """The caller (401) and the contest (404), which they must organise (403)."""
    user = require_user()
    contest = contest_or_404(contest_id)
    roles.require_organiser(user)
    return user, contest


def organiser_event(event_id: int) -> tuple[User, Event]:
    """The caller (401) and the event (404), which they must organise (403)."""
    user = require_user()
    event = contest_service.get_event(event_id)
    roles.require_organiser(user)
    return user, event


def organiser_round(event_id: int, round_kind: str) -> tuple[User, Event, Round]:
    """The caller (401), the event and its round (404, in that order), then 403 for anyone
    but an organiser."""
    user = require_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    roles.require_organiser(user)
    return user, event, round_


def organiser_contestant(event_id: int, contestant_id: int) -> tuple[User, Event, Contestant]:
    """The caller (401), the event and its contestant (404, in that order), then 403 for
    anyone but an organiser."""
    user = require_user()
    event = contest_service.get_event(event_id)
    contestant = contest_service.get_contestant(event, contestant_id)
    roles.require_organiser(user)
    return user, event, contestant


# ---------------------------------------------------------------- a round's ranking


@dataclass(frozen=True)
class ResultsRequest:
    """A request for a round's ranking that may be answered: who asks (None when anonymous),
    the event and round, and the unit it is narrowed to (`?unit_id=`)."""

    user: User | None
    event: Event
    round: Round
    unit: Unit | None

    @property
    def unit_id(self) -> int | None:
        return self.unit.id if self.unit else None

    @property
    def sees_identities(self) -> bool:
        return policy.sees_identities(self.user, self.round)


def results_request(event_id: int, round_kind: str) -> ResultsRequest:
    """The checks of a ranking request, shared by its JSON and its PDF so that both answer the
    same callers with the same 404s: an unpublished round is not there for those who may not
    see it yet, nor is a unit of another contest."""
    user = current_user()
    event = contest_service.get_event(event_id)
    round_ = contest_service.get_round(event, round_kind)
    if not policy.may_read_results(user, event, round_):
        raise NotFound("本轮成绩尚未发布")
    unit_id = int_arg("unit_id")
    unit = None
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.contest_id != event.contest_id:
            raise NotFound("本竞赛没有这个单位")
    return ResultsRequest(user, event, round_, unit)
