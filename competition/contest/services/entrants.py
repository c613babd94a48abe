"""The people a ranking shows, as plain rows: what `results` hands out and `live_ranking` keeps
between two marks (a module of their own, so that neither of the two imports the other)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnitName:
    """A unit as a ranking shows it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Entrant:
    """A contestant as a ranking shows them: who, which number, which unit.

    Why not the `Contestant` row: a ranking of 10,000 people reads these four columns, and
    building 10,000 full ORM objects (and their units) took longer than ranking them.
    Read-only on purpose: results are for showing, never for changing a contestant.
    """

    id: int
    number: str  # in the final, the drawn number once drawn
    name: str
    unit_id: int
    unit: UnitName


@dataclass(frozen=True, slots=True)
class AbsentEntry:
    """A contestant recorded as absent (缺考) or withdrawn (弃权) from the round: not ranked,
    listed with the reason instead of a score."""

    contestant_id: int
    status: str
    reason: str
    entrant: Entrant


__all__ = ["AbsentEntry", "Entrant", "UnitName"]
