"""Names printed whole: a judge's name on the blank score sheets, an issuing body's name on the
certificate. Chinese breaks a line between any two characters, so a name in a narrow column
or a long name in the issuers' block used to come out as "王小 / 明" or "…人力资源和社会保 /
障局"."""

from __future__ import annotations

from competition.contest.documents.certificates import ISSUER_MIN_PT, ISSUER_PT, issuer_size
from competition.core import users as user_service
from competition.extensions import db
from competition.models import Contest
from tests.contest.documents.helpers import published_final
from tests.support.factories import PASSWORD, build_world
from tests.support.pdf import pdf_text

JUDGES = ("王小明", "李建国", "赵志刚", "孙丽娟", "周海涛", "吴晓峰", "郑国栋", "冯立军", "陈静怡")
LONG_BODY = "北京经济技术开发区人力资源和社会保障局"


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]


def test_a_crowded_score_sheet_prints_every_judges_name_on_one_line(app, client):
    world = build_world(app, client, per_unit=(3,))
    with app.app_context():
        ids = []
        for n, name in enumerate(JUDGES):
            ids.append(user_service.create_user(f"j{n}", PASSWORD, "judge", name).id)
        db.session.commit()
    for n, user_id in enumerate(ids):
        body = {"user_id": user_id, "unit_id": world.units[0], "chief": n == 0}
        world.org.post(f"/events/{world.event_id}/judges", body)
    path = f"/events/{world.event_id}/rounds/preliminary/score-sheets.pdf?component=theory"
    lines = _lines(world.org.call("GET", path, status=200).data)
    heading = next(line for line in lines if "序号" in line)
    for name in JUDGES:  # nine columns, each name whole in the heading row
        assert name in heading, heading
        assert any(line.startswith(f"{name}签名") or f" {name}签名" in line for line in lines)
    assert f"裁判长确认（{JUDGES[0]}）签名" in "".join(lines).replace(" ", "")


def test_a_long_label_breaks_only_before_its_bracket(app, client):
    world = build_world(app, client, per_unit=(2,))
    labels = ("决赛裁判员（二）", "决赛裁判员（三）", "决赛裁判员（四）", "决赛裁判员（五）")
    with app.app_context():
        ids = [
            user_service.create_user(f"p{n}", PASSWORD, "judge", label).id
            for n, label in enumerate(labels)
        ]
        db.session.commit()
    for user_id in ids:
        world.org.post(
            f"/events/{world.event_id}/judges", {"user_id": user_id, "unit_id": world.units[0]}
        )
    path = f"/events/{world.event_id}/rounds/preliminary/score-sheets.pdf?component=theory"
    lines = _lines(world.org.call("GET", path, status=200).data)
    text = "\n".join(lines)
    assert "决赛裁判员" in text
    for broken in ("决赛裁判\n", "决赛裁\n", "裁判员（\n"):
        assert broken not in text


def test_each_issuing_body_prints_whole_on_its_own_line(app, client):
    final = published_final(app, client)
    with app.app_context():
        contest = db.session.get(Contest, final.contest_id)
        contest.co_hosts = f"北京经济技术开发区社会事业局、{LONG_BODY}"
        db.session.commit()
    path = f"/events/{final.event_id}/rounds/final/certificates.pdf"
    lines = _lines(final.org.call("GET", path, status=200).data)
    first_page = lines[: next(i for i, line in enumerate(lines) if "二〇" in line) + 1]
    assert any(line.endswith(LONG_BODY) for line in first_page), first_page
    assert any(line.endswith("北京经济技术开发区社会事业局") for line in first_page)
    assert any(line.endswith("总工会") for line in first_page)


def test_a_long_name_is_set_smaller_to_fit_and_never_below_the_floor():
    assert issuer_size("北京经济技术开发区总工会") == ISSUER_PT
    assert ISSUER_MIN_PT < issuer_size(LONG_BODY) < ISSUER_PT
    assert issuer_size("局" * 60) == ISSUER_MIN_PT
    # A Latin letter takes about half the width of a Chinese character.
    assert issuer_size("Labour Bureau") == ISSUER_PT
