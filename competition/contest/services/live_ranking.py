"""Rankings kept up to date mark by mark: a worker's last ranking of a round, moved on by the
marks that changed since, instead of worked out afresh.

Why: while judges mark, every mark renews the event's result stamp, so the cached ranking is
gone at once, and working out 10,000 places again costs most of a second on each database
(docs/benchmarks.md). Most of those changes are one judge's mark of one contestant.

How it stays right. The triggers of `marks` (migration 0015) write, with every
stamp they renew, a `ResultChange` row: the (round, contestant, component) whose marks changed,
the stamp the change replaced and the new one, the stamp row locked meanwhile. Every other
change to what results are made of (contestants, units, finalists, absences, rulings, the
rules…) renews the stamp through the triggers of migration 0008 *without* such a row. A
worker keeps, per (event, round, unit), the state it worked out after stamp A (`LiveState`).
Asked again when the stamp is B, it reads the event's rows written since, and walks from A:
the row whose `previous` is A, then the row whose `previous` is that row's `stamp`, and so on.

- It reaches B: every change between A and B was a mark's, and the rows name every pair that
  changed. Only those contestants' marks are read again (by the same grouped query and
  `scoring.aggregate_units` as everyone's), and `scoring.LiveRanking.replace` places them.
- It does not (a change without a row, a stamp this worker never saw, rows read too far
  back, too many changes): the ranking is worked out afresh, as before this module.

Stamps are random 64-bit tokens, each written once, so a stamp has at most one successor and
a walk can only follow what really happened, whatever order transactions commit in. What the
walk never relies on is the order of the rows' ids: they only bound how far back to read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from threading import Lock

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased

from competition import scoring
from competition.contest.services.entrants import AbsentEntry, Entrant
from competition.extensions import db
from competition.models import ResultChange, ResultStamp, Round

#: More rows than this since a kept ranking (a bulk import, a worker idle through a morning of
#: marking): rank afresh rather than read them all.
MAX_CHANGES = 2_000


@dataclass(frozen=True)
class Head:
    """The event's result stamp and its latest change row, read in one statement (so in one
    snapshot): rows after this stamp have greater ids than `position`."""

    stamp: int
    position: int


@dataclass(frozen=True)
class LiveState:
    """A round's ranking (of everyone, or of one unit) as worked out after `head.stamp`."""

    head: Head
    live: scoring.LiveRanking
    contestants: Mapping[int, Entrant]
    absent: tuple[AbsentEntry, ...]

    @property
    def ranking(self) -> scoring.Ranking:
        return self.live.ranking


def head(event_id: int) -> Head | None:
    """The event's stamp and latest change row; None for an event with no stamp yet."""
    latest = (
        select(func.coalesce(func.max(ResultChange.id), 0))
        .where(ResultChange.event_id == event_id)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(ResultStamp.stamp, latest).where(ResultStamp.event_id == event_id)
    ).first()
    if row is None:
        return None
    return Head(stamp=row[0], position=row[1])


def changed_since(event_id: int, round_id: int, since: Head, now: Head) -> set[int] | None:
    """The contestants of `round_id` whose marks changed between the two stamps, or None when
    something else may have changed too (or the rows cannot tell).

    Reads the event's change rows after `since.position` and walks from `since.stamp` to
    `now.stamp`. A stamp two rows claim to follow (only possible for an event that had no
    stamp row, whose first changes raced) ends the walk.
    """
    if since.stamp == now.stamp:
        return set()
    rows = db.session.execute(
        select(
            ResultChange.previous,
            ResultChange.stamp,
            ResultChange.round_id,
            ResultChange.contestant_id,
        )
        .where(ResultChange.event_id == event_id, ResultChange.id > since.position)
        .order_by(ResultChange.id)
        .limit(MAX_CHANGES + 1)
    ).all()
    if len(rows) > MAX_CHANGES:
        return None
    following: dict[int | None, tuple[int, int, int] | None] = {}
    for previous, stamp, row_round, contestant_id in rows:
        following[previous] = None if previous in following else (stamp, row_round, contestant_id)
    changed: set[int] = set()
    at = since.stamp
    for _ in range(len(rows)):
        step = following.get(at)
        if step is None:
            return None
        at, row_round, contestant_id = step
        if row_round == round_id:
            changed.add(contestant_id)
        if at == now.stamp:
            return changed
    return None


def prune_changes(keep: int | None = None) -> int:
    """Delete each event's change rows but its latest `keep` (MAX_CHANGES); returns how many
    went.

    A reader more than MAX_CHANGES rows behind works its ranking out afresh anyway, so older
    rows can serve nobody: without this, the table grows by a row for every mark ever changed.
    Pruning is safe at any moment: a reader whose rows were pruned under it finds its walk
    broken (`changed_since` gives None) and works the ranking out afresh, never wrongly.
    Run by the job workers' sweeper (`competition.contest.jobs`); flushes, never commits.
    """
    newer = aliased(ResultChange)
    kept_from = (
        select(newer.id)
        .where(newer.event_id == ResultChange.event_id)
        .order_by(newer.id.desc())
        .limit(1)
        .offset(MAX_CHANGES if keep is None else keep)
        .scalar_subquery()
    )
    result = db.session.execute(
        delete(ResultChange).where(ResultChange.id <= kept_from),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class LiveRankings:
    """A worker's last state of each (event, round, unit) ranking, the latest few kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._states: OrderedDict[tuple[int, int, int | None], LiveState] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[int, int, int | None]) -> LiveState | None:
        with self._lock:
            state = self._states.get(key)
            if state is not None:
                self._states.move_to_end(key)
            return state

    def put(self, key: tuple[int, int, int | None], state: LiveState) -> None:
        with self._lock:
            self._states[key] = state
            self._states.move_to_end(key)
            while len(self._states) > self.size:
                self._states.popitem(last=False)


def _store() -> LiveRankings:
    store = current_app.extensions.get("live_rankings")
    if store is None:
        size = max(1, current_app.config.get("RESULTS_CACHE_ENTRIES", 0))
        store = current_app.extensions.setdefault("live_rankings", LiveRankings(size))
    return store  # type: ignore[no-any-return]


def ranking_state(
    round_: Round,
    unit_id: int | None,
    now: Head,
    afresh: Callable[[Head], LiveState],
    scores_of: Callable[[Round, Iterable[int]], dict[int, dict[str, Decimal]]],
) -> LiveState:
    """The round's ranking after stamp `now.stamp`: moved on from the state this worker kept
    when marks alone changed since, else `afresh(now)` (which is then kept)."""
    store = _store()
    key = (round_.event_id, round_.id, unit_id)
    kept = store.get(key)
    if kept is not None:
        moved = _moved_on(kept, round_, now, scores_of)
        if moved is not None:
            store.put(key, moved)
            return moved
    state = afresh(now)
    store.put(key, state)
    return state


def _moved_on(
    kept: LiveState,
    round_: Round,
    now: Head,
    scores_of: Callable[[Round, Iterable[int]], dict[int, dict[str, Decimal]]],
) -> LiveState | None:
    changed = changed_since(round_.event_id, round_.id, kept.head, now)
    if changed is None:
        return None
    live = kept.live
    # Marks of people this ranking does not show (another unit, a non-finalist, the absent)
    # change nothing in it.
    mine = [contestant_id for contestant_id in changed if contestant_id in live]
    if len(mine) > max(MAX_CHANGES // 4, 1):
        return None
    if mine:
        scores = scores_of(round_, mine)
        contestants = kept.contestants
        live = live.replace(
            scoring.Entry(
                contestant_id=contestant_id,
                number=contestants[contestant_id].number,
                scores=scores.get(contestant_id, {}),
            )
            for contestant_id in sorted(mine)
        )
    return replace(kept, head=now, live=live)
