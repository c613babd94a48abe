"""The demo programme's comprehensive review: every expert of the panel judges every submitted
station they may review (never their own union's), so the organiser's selection page shows a
ranking with its cut as soon as the demo is loaded. The panel lead has not signed yet: the
experts can still change their judgements, and the organiser sees the ranking as provisional.

Added to the demo programme through `competition.awards.demo.load_demo_programme(then=...)`.
Deterministic (`random.Random(2021)`); goes through `competition.awards.review.set_reviews`,
so every judgement is checked and audited as an expert's would be; flushes, never commits.
"""

from __future__ import annotations

import random
from decimal import Decimal

from competition.awards import review
from competition.core.demo_logins import DemoLogins
from competition.models import AwardProgramme
from competition.scoring.stations import POINTS

SEED = 2021
COMMENTS = {
    True: ("材料翔实，现场照片与台账一致", "服务项目齐全，利用率高", "制度上墙，专人负责"),
    False: ("材料较少，建议补充使用记录", "设施尚不齐全", "宣传内容需更新"),
}


def add_demo_review(programme: AwardProgramme, logins: DemoLogins) -> None:
    """Judge every criterion of every submitted station by every expert who may review it:
    points around a station's own level of quality (so the ranking has a clear order), one
    station in ten failing a pass/fail criterion by majority."""
    del logins  # the panel's accounts are already made; kept for the `then` signature
    rng = random.Random(SEED)
    seats = review.panel(programme)
    for station in review.submitted_stations(programme):
        quality = Decimal(rng.randint(60, 95)) / 100
        for seat in seats:
            if seat.unit_id is not None and seat.unit_id == station.unit_id:
                continue
            judged = []
            for criterion in programme.criteria:
                good = rng.random() < float(quality)
                if criterion.kind == POINTS:
                    assert criterion.max_points is not None
                    share = quality + Decimal(rng.randint(-8, 8)) / 100
                    share = min(Decimal(1), max(Decimal(0), share))
                    points = (criterion.max_points * share).quantize(Decimal("0.5"))
                    judged.append(
                        review.Judged(
                            criterion.key, points=points, comment=rng.choice(COMMENTS[good])
                        )
                    )
                else:
                    judged.append(
                        review.Judged(
                            criterion.key, passed=good, comment=rng.choice(COMMENTS[good])
                        )
                    )
            review.set_reviews(programme, station, seat.user, judged)
