"""Rough edges a new user met (issue 20): the contest's title said its edition twice, locked
settings looked editable, names wrapped on the score sheet, and nothing said that a unit had
no judge for its preliminary."""

from __future__ import annotations

import re
from pathlib import Path

from competition.contest.demo import CONTEST_EDITION, CONTEST_NAME
from competition.contest.wording import contest_title
from competition.models import Contest
from tests.support.factories import build_world, judge, mark
from tests.support.pages import Pages, Session, organiser_pages, text_of


# ---------------------------------------------------------------- the contest's title
def test_the_title_says_the_edition_once():
    def title(name: str, edition: str) -> str:
        return contest_title(Contest(name=name, edition=edition, host="总工会"))

    # The demo's name already says 第五届: not "第五届北京…第五届…".
    assert title(CONTEST_NAME, CONTEST_EDITION) == CONTEST_NAME
    assert title("职工职业技能竞赛", "第五届") == "第五届职工职业技能竞赛"
    assert title("职工职业技能竞赛", "") == "职工职业技能竞赛"
    assert title("Skills Contest", "5th") == "5th Skills Contest"


def test_no_page_repeats_the_edition(app, client):
    org = build_world(app, client, per_unit=(1,)).org
    contest = org.post(
        "/contests", {"name": CONTEST_NAME, "edition": CONTEST_EDITION, "host": "总工会"}
    )
    org.post(f"/contests/{contest['id']}/events", {"name": "数控车工"})
    pages = organiser_pages(app, app.test_client())
    for page in (Pages(client).get("/"), pages.get(f"/console/contests/{contest['id']}")):
        text = text_of(page)
        assert CONTEST_NAME in text
        assert CONTEST_EDITION + CONTEST_NAME not in text


# ---------------------------------------------------------------- locked settings
def _component_inputs(page: str) -> list[str]:
    table = page[page.index('<table class="components">') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<(?:input|select)\b[^>]*>", table)


def test_locked_rules_look_locked(app, client):
    world = build_world(app, client, per_unit=(1,))
    pages = organiser_pages(app, app.test_client())
    url = f"/console/events/{world.event_id}/edit"
    before = _component_inputs(pages.get(url))
    assert before and not any("readonly" in i or "disabled" in i or "locked" in i for i in before)

    _uid, panel = judge(app, client, world.org, world.event_id, "panel1")
    mark(panel, world.event_id, "preliminary", world.all_contestants()[0], "theory", "80")
    page = pages.get(url)
    fields = _component_inputs(page)
    rules = [f for f in fields if 'name="components-' in f and "-unit" not in f.split('name="')[1]]
    hidden = [f for f in rules if 'type="hidden"' in f]
    shown = [f for f in rules if f not in hidden]
    assert shown
    for tag in shown:
        assert 'class="locked"' in tag, tag
        assert ("readonly" in tag) if tag.startswith("<input") else ("disabled" in tag), tag
    # The unit of measure is not a rule: it stays editable.
    units = [f for f in fields if re.search(r'name="components-\d+-unit"', f)]
    assert units and not any("readonly" in u or "locked" in u for u in units)
    assert 'name="name"' in page and not re.search(r'<input[^>]*name="name"[^>]*readonly', page)
    css = (Path(app.static_folder) / "app.css").read_text(encoding="utf-8")
    assert re.search(
        r"input\[readonly\][^{]*select:disabled[^{]*input\.locked[^{]*\{[^}]*"
        r"background: #eceef1; border-style: dashed",
        css,
    )


# ---------------------------------------------------------------- names on the score sheet
def test_a_name_on_the_score_sheet_never_wraps(app, client):
    world = build_world(app, client, per_unit=(2,), person_name="王小{n}")
    _uid, panel = judge(app, client, world.org, world.event_id, "panel1")
    for n, contestant_id in enumerate(world.all_contestants()):
        for key in ("theory", "practical"):
            mark(panel, world.event_id, "preliminary", contestant_id, key, str(80 + n))
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    # Once the round is published the judge's sheet names the people it marked.
    sheet = Session(app, "panel1").get(f"/judging/events/{world.event_id}/preliminary/theory")
    assert re.search(r'<span class="who"><span class="who-name">王小1</span> · 单位1</span>', sheet)
    css = (Path(app.static_folder) / "judging.css").read_text(encoding="utf-8")
    assert "table.sheet th.number .who-name { white-space: nowrap;" in css
    assert re.search(r"table\.sheet th\.number \{ min-width: [\d.]+rem; \}", css)


# ---------------------------------------------------------------- a unit without its judge
def test_a_unit_with_people_but_no_preliminary_judge_is_pointed_out(app, client):
    world = build_world(app, client, per_unit=(2, 1, 0))
    org = world.org
    pages = organiser_pages(app, app.test_client())
    judge(app, client, org, world.event_id, "panel1")  # the final's panel does not count
    overview = text_of(pages.get(f"/console/events/{world.event_id}"))
    judges = text_of(pages.get(f"/console/events/{world.event_id}/judges"))
    for text in (overview, judges):
        assert "单位1 有 2 名选手，还没有初赛裁判" in text
        assert "单位2 有 1 名选手，还没有初赛裁判" in text
        assert "单位3 有" not in text  # no people, nothing to mark
    assert "请在下方新建或分配裁判，评分范围选“单位1 初赛组委会”。" in judges

    judge(app, client, org, world.event_id, "committee1", unit_id=world.units[0])
    overview = text_of(pages.get(f"/console/events/{world.event_id}"))
    assert "单位1 有" not in overview and "单位2 有 1 名选手，还没有初赛裁判" in overview

    judge(app, client, org, world.event_id, "committee2", unit_id=world.units[1])
    for url in (f"/console/events/{world.event_id}", f"/console/events/{world.event_id}/judges"):
        assert "还没有初赛裁判" not in text_of(pages.get(url))
