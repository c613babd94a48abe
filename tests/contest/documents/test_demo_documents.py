"""The demo contest prints real certificates: its colours and its 10 / 20 / 30 % awards."""

from __future__ import annotations

from collections import Counter

from competition.core.demo_logins import ORGANISER_PASSWORD
from tests.support.factories import login
from tests.support.pdf import page_count


def test_demo_certificates_carry_the_award_tiers(app, client, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    org = login(client, "organiser", ORGANISER_PASSWORD)
    assert org.get("/contests/1/colours")["primary"] == "#9e1b1e"
    rules = org.get("/events/1/award-rules")
    assert [t["share"] for t in rules["tiers"]] == ["0.10", "0.20", "0.30"]
    pdf = org.call("GET", "/events/1/rounds/final/certificates.pdf", status=200).data
    assert page_count(pdf) == 24
    certificates = org.get("/events/1/certificates")["certificates"]
    # 24 finalists: 2.4 → 2, 4.8 → 5, 7.2 → 7 places (half-up), everyone above 60.
    assert Counter(c["tier"] for c in certificates) == {
        "一等奖": 2,
        "二等奖": 5,
        "三等奖": 7,
        None: 10,
    }
    assert [c["place"] for c in certificates] == list(range(1, 25))
