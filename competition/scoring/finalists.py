"""From a unit's preliminary ranking to its finalists (api-v1.md "From the preliminary to the
final").

Each unit's committee recommends its top ``count`` by its own preliminary ranking, and a unit
that enters the final enters at least ``minimum`` people (domain.md: 不少于3名).  Recommending is
refused while the ranking could still change who is in the top ``count``: someone is still
unscored, or the cut falls inside a tie nobody has ruled on.

The errors carry a stable ``code`` for programs, a Chinese ``message`` for the organiser, the
numbers involved as attributes, and ``status``, the HTTP status the API contract gives them
(422 for a bad ``count``, 409 for a ranking not ready), so the HTTP layer need not keep its own
table in step with this one.
"""

from __future__ import annotations

from competition.scoring.ranking import Ranking

__all__ = [
    "CountAboveRanked",
    "CountBelowMinimum",
    "CutInsideTie",
    "FinalistError",
    "RankingIncomplete",
    "select_finalists",
    "tie_at_cut",
]


def N_(message: str) -> str:
    """Marks a message for the translation catalog (``pybabel extract -k N_``) and returns it
    unchanged: the rules stay free of any translation machinery, while a page can still show
    ``_(error.template, **error.params)`` in the reader's language."""
    return message


class FinalistError(Exception):
    """Finalists cannot be selected as asked; ``code`` says why, ``message`` says it in Chinese.

    ``template`` is the message with ``%(name)d`` placeholders and ``params`` their values:
    ``message == template % params``, the one wording, which a page translates whole.
    """

    code: str = "finalist_error"
    status: int = 422
    template: str = "%(message)s"

    def __init__(self, **params: object) -> None:
        self.params = params
        self.message = self.template % params
        super().__init__(self.message)


class CountBelowMinimum(FinalistError):
    """``count`` is below the event's minimum number of finalists per unit (422)."""

    code = "count_below_minimum"
    status = 422
    template = N_("决赛人数不得少于 %(minimum)d 名，现为 %(count)d 名")

    def __init__(self, count: int, minimum: int) -> None:
        super().__init__(minimum=minimum, count=count)
        self.count = count
        self.minimum = minimum


class CountAboveRanked(FinalistError):
    """``count`` is above the number of the unit's ranked contestants (422)."""

    code = "count_above_ranked"
    status = 422
    template = N_("决赛人数 %(count)d 名超过本单位初赛已排名的 %(ranked)d 名")

    def __init__(self, count: int, ranked: int) -> None:
        super().__init__(count=count, ranked=ranked)
        self.count = count
        self.ranked = ranked


class RankingIncomplete(FinalistError):
    """The unit's preliminary ranking still has contestants without a score (409)."""

    code = "ranking_incomplete"
    status = 409
    template = N_("本单位初赛尚有 %(count)d 名选手成绩不全，排名未定，暂不能推荐决赛选手")

    def __init__(self, contestant_ids: tuple[int, ...]) -> None:
        super().__init__(count=len(contestant_ids))
        self.contestant_ids = contestant_ids


class CutInsideTie(FinalistError):
    """Places ``count`` and ``count + 1`` are in one unresolved tie group (409)."""

    code = "cut_inside_tie"
    status = 409
    template = N_(
        "第 %(count)d 名与第 %(next)d 名并列未定（%(size)d 名选手同分），"
        "请先裁定并列名次再推荐决赛选手"
    )

    def __init__(self, count: int, group: tuple[int, ...]) -> None:
        super().__init__(count=count, next=count + 1, size=len(group))
        self.count = count
        self.group = group


def select_finalists(unit_ranking: Ranking, count: int, minimum: int) -> tuple[int, ...]:
    """The unit's top ``count`` contestant ids, in rank order.

    Checks, first failure wins: ``CountBelowMinimum``, ``CountAboveRanked``,
    ``RankingIncomplete``, ``CutInsideTie`` -- the request's own faults (422) before the state's
    (409), as the API's error order prescribes.  A negative ``count`` is always below the
    minimum.  A tie group lying wholly inside the top ``count`` is fine: everyone in it goes to
    the final whatever the order.  Only a group holding both places ``count`` and ``count + 1``
    blocks, since then the ranking cannot yet say who goes.
    """
    if count < minimum or count < 0:
        raise CountBelowMinimum(count, minimum)
    ranked = unit_ranking.ranked
    if count > len(ranked):
        raise CountAboveRanked(count, len(ranked))
    if unit_ranking.incomplete:
        raise RankingIncomplete(tuple(i.contestant_id for i in unit_ranking.incomplete))
    group = tie_at_cut(unit_ranking, count)
    if group:
        raise CutInsideTie(count, group)
    return tuple(entry.contestant_id for entry in ranked[:count])


def tie_at_cut(unit_ranking: Ranking, count: int) -> tuple[int, ...]:
    """The unresolved tie group holding both places ``count`` and ``count + 1``, or ``()``.

    Such a group is the only tie that blocks recommending ``count`` people: one lying wholly
    inside the top ``count`` (or wholly below it) changes nobody's going to the final.  There is
    no cut, and so no tie at it, when ``count`` is 0 or not below the number ranked.
    """
    ranked = unit_ranking.ranked
    if not 0 < count < len(ranked):
        return ()
    last_in, first_out = ranked[count - 1].contestant_id, ranked[count].contestant_id
    for group in unit_ranking.unresolved_ties:
        if last_in in group and first_out in group:
            return tuple(group)
    return ()
