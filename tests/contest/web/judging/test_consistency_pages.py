"""Judge consistency on the pages: the chief judge's sign-off page shows the component's figures
and each flagged mark (by number, never by name), refuses the signature until the mark has a
note, and takes the note; the organisers' page of the round does the same; both read in
English; the event's settings page sets the distance."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import Event, FlagNote
from tests.contest.web.console.test_english import _runs, visible_text
from tests.support.consistency import Panel, build_panel
from tests.support.pages import Session, text_of


def _review(panel: Panel, judge: str = "p4") -> str:
    return f"/judging/events/{panel.event_id}/preliminary/theory/sheets/{panel.users[judge]}"


def _note_url(panel: Panel, judge: str = "p4") -> str:
    return (
        f"/judging/events/{panel.event_id}/preliminary/consistency/theory/{panel.users[judge]}"
        f"/{panel.outlier}/note"
    )


def _console(panel: Panel, kind: str = "preliminary") -> str:
    return f"/console/events/{panel.event_id}/rounds/{kind}/consistency"


def _names(app, panel: Panel) -> list[str]:
    from competition.models import Contestant

    with app.app_context():
        return list(
            db.session.scalars(select(Contestant.name).where(Contestant.event_id == panel.event_id))
        )


def test_the_sign_off_is_refused_until_the_flagged_mark_has_a_note(app, client):
    panel = build_panel(app, client)
    chief = Session(app, "chief")
    page = chief.get(_review(panel))
    text = text_of(page)
    assert "评分一致性" in text and "标记距离：15.00 分" in text
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">p4</th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)] == [
        "6",
        "+4.38",
        "0.83",
        "1",
    ]
    assert "本评分表有被标记的评分尚未说明，暂不能签字：003 号" in text
    flagged = re.search(r'<tr id="flag-theory-\d+-\d+"[^>]*>(.*?)</tr>', page, re.S)
    assert flagged is not None
    assert text_of(flagged.group(1)).startswith("003 p4 95.00 70.00")
    for name in _names(app, panel):  # judges mark numbers, never names
        assert name not in page

    refused = chief.post(_review(panel) + "/sign")
    assert "须由裁判长逐一说明后才能签字：003" in text_of(chief.get(refused.location))

    empty = chief.post(_note_url(panel), {"note": "  ", "back": str(panel.users["p4"])})
    assert empty.location.endswith(_review(panel) + "#consistency")
    assert "请填写说明" in text_of(chief.get(empty.location))

    chief.post(_note_url(panel), {"note": "复核：工件确有缺陷", "back": str(panel.users["p4"])})
    page = text_of(chief.get(_review(panel)))
    assert "说明已保存。" in page and "已说明 复核：工件确有缺陷" in page
    assert "暂不能签字" not in page
    chief.post(_review(panel) + "/sign")
    assert "已签字确认，评分表已锁定" in chief.get(_review(panel))


def test_the_chief_notes_from_another_judges_sheet_and_returns_there(app, client):
    panel = build_panel(app, client)
    chief = Session(app, "chief")
    page = chief.get(_review(panel, "p2"))
    assert "003" in text_of(page) and "暂不能签字" not in text_of(page)  # p2's sheet: no flag
    done = chief.post(_note_url(panel), {"note": "复核无误", "back": str(panel.users["p2"])})
    assert done.location.endswith(_review(panel, "p2") + "#consistency")
    with app.app_context():
        assert db.session.scalars(select(FlagNote.note)).all() == ["复核无误"]


def test_a_panel_judge_may_neither_see_nor_note(app, client):
    panel = build_panel(app, client)
    p2 = Session(app, "p2")
    p2.get(_review(panel), status=403)
    p2.post(_note_url(panel), {"note": "没问题"}, status=403)
    p2.get(_console(panel), status=403)
    with app.app_context():
        assert db.session.scalars(select(FlagNote)).all() == []


def test_the_organisers_page_of_the_round_is_linked_and_takes_notes(app, client):
    panel = build_panel(app, client)
    org = Session(app, "org")
    progress = org.get("/console/progress")
    assert _console(panel) in progress and _console(panel, "final") in progress
    page = org.get(_console(panel))
    text = text_of(page)
    for judge in ("chief", "p2", "p3", "p4"):
        assert judge in text
    assert "待裁判长说明" not in text  # an organiser may note it himself: a form, not a wait
    assert 'name="note"' in page and 'value="console"' in page
    for name in _names(app, panel):
        assert name not in page
    done = org.post(_note_url(panel), {"note": "组委会复核无误", "back": "console"})
    assert done.location.endswith(f"{_console(panel)}#flag-theory-{panel.users['p4']}")
    assert "已说明 组委会复核无误" in text_of(org.get(_console(panel)))
    assert "暂无可比较的评分" in text_of(org.get(_console(panel, "final")))


def test_the_settings_page_sets_the_distance(app, client):
    panel = build_panel(app, client)
    org = Session(app, "org")
    edit = f"/console/events/{panel.event_id}/edit"
    form = org.get(edit)
    assert 'name="outlier_percent"' in form and 'value="15"' in form
    version = re.search(r'name="version"[^>]*value="(\d+)"', form)
    assert version is not None
    fields = dict(
        re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
        + re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?selected[^>]*value="([^"]*)"', form)
    )
    fields.pop("csrf_token", None)
    refused = org.client.post(
        edit, data={**fields, "outlier_percent": "0", "csrf_token": org.token}
    )
    assert refused.status_code == 422
    assert "应在 1 到 100 之间" in text_of(refused.get_data(as_text=True))
    org.post(edit, {**fields, "outlier_percent": "30"})
    with app.app_context():
        event = db.session.get(Event, panel.event_id)
        assert event is not None and event.outlier_percent == 30
    assert "标记距离：30.00 分" in text_of(org.get(_console(panel)))
    assert "003" not in text_of(org.get(_console(panel)))  # 25 from the median: within 30


def test_the_pages_read_in_english(app, client):
    """With flags, notes and a refusal on them, in English: no Chinese of the pages' own."""
    panel = build_panel(
        app,
        client,
        event={
            "name": "Milling",
            "group": "Workers",
            "components": [
                {"key": "theory", "name": "Theory", "weight": "0.3", "max_score": "100"},
                {"key": "practical", "name": "Practical", "weight": "0.7", "max_score": "100"},
            ],
        },
        contest={"name": "Skills Contest", "host": "Union"},
        unit_name="Works {unit}",
        person_name="Person {unit}-{n}",
    )
    chief, org = Session(app, "chief"), Session(app, "org")
    for session in (chief, org):
        session.client.get("/lang/en")
    problems = []
    for who, session, url in (
        ("chief", chief, _review(panel)),
        ("org", org, _console(panel)),
        ("org", org, _console(panel, "final")),
    ):
        found = _runs(visible_text(session.get(url)))
        if found:
            problems.append(f"{url} as {who}: {found}")
    # the settings page is others' work too: only its field for the distance is checked here
    settings = visible_text(org.get(f"/console/events/{panel.event_id}/edit"))
    assert "Judge consistency: flag a mark further from the other judges' median" in settings
    assert "偏离" not in settings and "被标记" not in settings
    english = visible_text(chief.get(_review(panel)))
    assert "Flagged marks on this sheet still need a note before it can be signed" in english
    assert "Rank correlation" in english
    empty = chief.post(_note_url(panel), {"note": " ", "back": str(panel.users["p4"])})
    refused = visible_text(chief.get(empty.location))
    assert "Please write a note" in refused
    chief.post(_note_url(panel), {"note": "Checked: a real defect", "back": "x"})
    noted = visible_text(chief.get(_review(panel)))
    assert "The note is saved." in noted and "Noted Checked: a real defect" in noted
    found = _runs(noted)
    if found:
        problems.append(f"{_review(panel)} after the note: {found}")
    assert not problems, "\n".join(problems)
