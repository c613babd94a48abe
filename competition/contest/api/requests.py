"""A request for a round's ranking, checked once for both of its answers: the JSON
(`views.get_results`) and the PDF (`documents.results_pdf`)."""

from __future__ import annotations

from dataclasses import dataclass

from competition.contest import policy
from competition.contest.services import contests as contest_service
from competition.core.errors import NotFound
from competition.extensions import db
from competition.http.api import current_user
from competition.http.loading import int_arg
from competition.models import Event, Round, Unit, User


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
