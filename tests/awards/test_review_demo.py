"""The demo's review: loaded with the demo programme, every submitted station judged by every
expert who may review it, so the organiser's ranking is complete from the start."""

from __future__ import annotations

from sqlalchemy import func, select

from competition.awards.demo import EXPERT_PASSWORD
from competition.extensions import db
from competition.models import AuditEntry, AwardProgramme
from tests.support.factories import login


def test_the_demo_shows_a_ranking(app, client, runner) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        pid = db.session.scalars(select(AwardProgramme)).one().id
        audited = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "award.review.set")
        )
    lead = login(client, "award_expert1", EXPERT_PASSWORD)
    selection = lead.get(f"/award-programmes/{pid}/selection")
    assert selection["incomplete"] == [] and not selection["signed_off"]
    ranked = [p for level in selection["levels"] for p in level["ranking"]]
    assert len(ranked) + len(selection["ineligible"]) == 18
    totals = [p["total"] for p in selection["levels"][0]["ranking"]]
    assert len(set(totals)) > 1  # a ranking, not a block of equal totals
    assert audited and audited > 18 * 7
    # award_expert2 sits for the first union: its stations are not on their list
    own = login(client, "award_expert2", EXPERT_PASSWORD)
    names = {s["unit"] for s in own.get(f"/award-programmes/{pid}/review/stations")["stations"]}
    assert "东城区环卫中心工会" not in names
