"""The results JSON with its ranking rows written once per ranked entry, not once per request.

Why: at 10,000 contestants, building the rows' dicts and encoding them took most of a results
request (docs/benchmarks.md): more than working out the ranking once it is kept, so the
results right after a mark could not come under 150 ms however fast the ranking was moved on.
A ranked entry never changes (`scoring.RankedEntry` is frozen), a kept ranking is shared by
the requests of its stamp, and a ranking moved on by a mark (`scoring.LiveRanking.replace`)
keeps most of the entry objects of the one before, with the same contestants. So each row is
encoded once, as the rest of the body is (`flask.json`, compact, the app's settings), kept per
worker beside the ranking, and spliced into the body: the bytes are those `jsonify` gives for
the whole body (a test holds them equal).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import current_app, jsonify
from flask.wrappers import Response

from competition.contest.services.results import Entrant, RoundResults
from competition.scoring import RankedEntry, Ranking

#: Stands for the ranking in the body until the rows are spliced in: no value of the body
#: before it (ids, kind, flags, a date) can encode to this text.
_MARK = "\x00ranking rows\x00"


@dataclass(frozen=True)
class _Rows:
    """A ranking's rows as UTF-8 JSON, one per entry, for one way of showing identities."""

    ranking: Ranking
    contestants: Mapping[int, Entrant]
    rows: tuple[bytes, ...]
    joined: bytes


class _KeptRows:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], _Rows] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[Any, ...]) -> _Rows | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple[Any, ...], rows: _Rows) -> None:
        with self._lock:
            self._items[key] = rows
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def row(entry: RankedEntry, contestants: Mapping[int, Entrant], identities: bool) -> dict[str, Any]:
    """One ranking row as `schemas.ResultsOut` describes it. Scores and totals come from the
    rules already rounded to exactly 2 places, so `str()` is their published form."""
    shown = contestants[entry.contestant_id]
    return {
        "rank": entry.rank,
        "contestant_id": entry.contestant_id,
        "number": entry.number,
        "name": shown.name if identities else None,
        "unit": shown.unit.name if identities else None,
        "scores": {key: str(score) for key, score in entry.scores.items()},
        "total": str(entry.total),
        "decided_by": entry.decided_by,
    }


def _encoded_rows(results: RoundResults, identities: bool) -> bytes:
    """The ranking's rows as UTF-8 JSON, from what this worker kept where it can."""
    size = current_app.config.get("RESULTS_CACHE_ENTRIES", 0)
    kept_rows = current_app.extensions.get("results_json")
    if kept_rows is None:
        kept_rows = current_app.extensions.setdefault("results_json", _KeptRows(max(size, 1)))
    key = (results.event.id, results.round.id, results.unit_id, identities)
    ranking, contestants = results.ranking, results.contestants
    kept = kept_rows.get(key)
    if kept is not None and kept.ranking is ranking and kept.contestants is contestants:
        return kept.joined
    # A ranking moved on keeps, at the same places, the very entry objects of the one before
    # (above the change, and below it when nobody came or left): their rows stand as they were.
    before: tuple[RankedEntry, ...] = ()
    before_rows: tuple[bytes, ...] = ()
    if kept is not None and kept.contestants is contestants:
        before, before_rows = kept.ranking.ranked, kept.rows
    provider = current_app.json
    encode = json.JSONEncoder(
        ensure_ascii=provider.ensure_ascii,  # type: ignore[attr-defined]
        sort_keys=provider.sort_keys,  # type: ignore[attr-defined]
        separators=(",", ":"),
    ).encode
    count = len(before)
    rows = tuple(
        before_rows[index]
        if index < count and before[index] is entry
        else encode(row(entry, contestants, identities)).encode()
        for index, entry in enumerate(ranking.ranked)
    )
    joined = b"[" + b",".join(rows) + b"]"
    kept_rows.put(key, _Rows(ranking, contestants, rows, joined))
    return joined


def response(body: dict[str, Any], results: RoundResults, identities: bool) -> Response:
    """`jsonify(body)` with `body["ranking"]` the results' rows, those rows encoded once."""
    provider = current_app.json
    compact = getattr(provider, "compact", None)
    plain = (compact is None and current_app.debug) or compact is False
    if plain or not current_app.config.get("RESULTS_CACHE_ENTRIES", 0):
        body["ranking"] = [row(e, results.contestants, identities) for e in results.ranking.ranked]
        return jsonify(body)
    body["ranking"] = _MARK
    text = provider.dumps(body, separators=(",", ":"))
    mark = json.dumps(_MARK)
    if text.count(mark) != 1:  # pragma: no cover - only if a value were this very text
        body["ranking"] = [row(e, results.contestants, identities) for e in results.ranking.ranked]
        return jsonify(body)
    head, tail = text.split(mark)
    encoded = head.encode() + _encoded_rows(results, identities) + tail.encode() + b"\n"
    return current_app.response_class(encoded, mimetype=provider.mimetype)  # type: ignore[attr-defined]
