"""The 评分表 import as a service (services.imports_schemes): a CSV as Excel in China saves it,
what a preview holds, and storing only what the rules and the state still allow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.contest.services import imports_schemes as scheme_import
from competition.contest.services import schemes as scheme_service
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.models import Event, User
from tests.support.factories import build_world, judge, mark

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "10"},
    ]
}
CSV = "\r\n".join(
    [
        "数控铣工技能操作评分表,,,",
        "评分内容,配分,公差,类型",
        "外径Φ40,４,±０．０２,测量",
        "孔深20,1,+0.1/0,尺寸",
        "表面质量,5,,主观",
        "安全文明生产,5,,扣分项",
        "合计,10,,",
    ]
).encode("gb18030")


@pytest.fixture
def world(app, client):
    return build_world(app, client, per_unit=(2,), event=EVENT)


def test_a_gbk_csv_is_previewed_without_storing(app, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        checked = scheme_import.preview(event, "practical", CSV, "评分表.csv", "1")
        assert checked.can_store and checked.max_judgement_spread == 1
        assert checked.spread_from == "form"
        assert checked.counted_points == Decimal(10)
        assert [(r.code, r.kind, r.nominal, r.lower, r.upper) for r in checked.rows] == [
            ("M1", "measurement", Decimal(40), Decimal("-0.02"), Decimal("0.02")),
            ("M2", "measurement", Decimal(20), Decimal(0), Decimal("0.1")),
            ("J1", "judgement", None, None, None),
            ("D1", "deduction", None, None, None),
        ]
        assert [s.text for s in checked.skipped] == ["合计 10"]
        assert scheme_service.get_scheme(event.component("practical")) is None


def test_store_sets_the_scheme_and_refuses_what_the_preview_could_not(app, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        organiser = db.session.query(User).filter_by(username="org").one()
        bad = scheme_import.preview(event, "practical", CSV.replace(b",5,,", b",4,,"), "a.csv")
        assert not bad.can_store and not bad.bad_rows
        assert "现为 9" in bad.scheme_problems[0]
        with pytest.raises(Invalid):
            scheme_import.store(event, bad, organiser)
        with pytest.raises(NotFound):
            scheme_import.preview(event, "welding", CSV, "a.csv")
        checked = scheme_import.preview(event, "practical", CSV, "评分表.csv")
        scheme = scheme_import.store(event, checked, organiser)
        db.session.commit()
        assert [i.code for i in scheme.items] == ["M1", "M2", "J1", "D1"]
        assert scheme.max_judgement_spread is None


def test_a_mark_between_preview_and_store_is_409(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        checked = scheme_import.preview(event, "practical", CSV, "评分表.csv")
    _id, panel = judge(app, client, world.org, world.event_id, "panel1")
    mark(panel, world.event_id, "preliminary", world.all_contestants()[0], "practical", "8")
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        organiser = db.session.query(User).filter_by(username="org").one()
        with pytest.raises(Conflict):
            scheme_import.store(event, checked, organiser)
        with pytest.raises(Conflict):
            scheme_import.preview(event, "practical", CSV, "评分表.csv")
