"""The score histogram's bands."""

from __future__ import annotations

from decimal import Decimal as D

from competition.contest.web.presenting import histogram


def _bands(h):
    return [(str(b.low), str(b.high), b.count) for b in h.bins]


def test_bands_start_near_the_lowest_total_in_round_widths():
    h = histogram([D("71.72"), D("91.72"), D("85.00"), D("100.00")], D(100))
    assert _bands(h) == [
        ("70", "75", 1),
        ("75", "80", 0),
        ("80", "85", 0),
        ("85", "90", 1),
        ("90", "95", 1),
        ("95", "100", 1),  # a perfect score is counted in the last band
    ]
    assert h.total == 4 and h.tallest == 1


def test_a_wide_spread_gets_tens_and_nothing_is_lost():
    totals = [D(v) for v in ("0", "9.99", "10", "55.5", "99.99")]
    h = histogram(totals, D(100))
    assert len(h.bins) == 10
    assert sum(b.count for b in h.bins) == len(totals)
    assert h.bins[0].count == 2 and h.bins[1].count == 1


def test_no_totals_still_draws_the_axis():
    h = histogram([], D(100))
    assert len(h.bins) == 10 and h.tallest == 0
