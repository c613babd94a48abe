"""The organisers' draw page (抽签), its printed record, and the pages that show the final's
numbers once drawn: the judges' sheets, the final's ranking and its notice. The preliminary
keeps the registration numbers everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Event, MarkingScheme, SchemeItem
from tests.contest.web.console.test_english import CJK, visible_text
from tests.support.factories import mark
from tests.support.finals import Finalists, finalists_world
from tests.support.pages import Session, text_of
from tests.support.pdf import pdf_text

ROW_NUMBER = re.compile(r'<th scope="row" class="number">\s*([^<\s]+)')
RANKED_NUMBER = re.compile(r'<td class="number">([^<]+)</td>')


def _world(app: Flask, client: FlaskClient, **kwargs: object) -> tuple[Finalists, Session]:
    world = finalists_world(app, client, **kwargs)  # type: ignore[arg-type]
    return world, Session(app, "org")


def _path(world: Finalists, tail: str = "") -> str:
    return f"/console/events/{world.event_id}/draw{tail}"


def _drawn(world: Finalists) -> dict[int, str]:
    body = world.org.get(f"/events/{world.event_id}/rounds/final/draw")
    return {int(cid): number for cid, number in body["numbers"].items()}


def test_the_event_page_leads_to_the_draw(app, client):
    world, org = _world(app, client)
    page = org.get(f"/console/events/{world.event_id}")
    assert f'href="{_path(world)}"' in page and "决赛抽签" in page


def test_the_organiser_draws_and_sees_the_key_with_the_record_to_print(app, client):
    world, org = _world(app, client)
    page = text_of(org.get(_path(world)))
    assert "尚未抽签" in page and "决赛选手 6 人" in page
    assert "参赛号对照表" not in page and "draw.pdf" not in org.get(_path(world))

    org.post(_path(world))
    page = org.get(_path(world))
    text = text_of(page)
    assert "抽签完成：6 名决赛选手已编号。" in text
    assert "已抽签。" in text and "由 org 抽签，共 6 名决赛选手" in text
    assert f'href="{_path(world, ".pdf")}"' in page
    numbers = _drawn(world)
    rows = re.findall(r"<tr><td><strong>(J\d+)</strong></td><td>([^<]+)</td><td>([^<]+)</td>", page)
    assert [number for number, _name, _unit in rows] == sorted(numbers.values())
    names = {f"选手{u}-{n}" for u in (1, 2) for n in (1, 2, 3)}
    assert {name for _number, name, _unit in rows} == names
    assert {unit for _number, _name, unit in rows} == {"单位1", "单位2"}
    assert 'name="confirm"' in page  # a redraw asks first


def test_a_redraw_must_be_confirmed_and_then_replaces_the_numbers(app, client):
    world, org = _world(app, client)
    org.post(_path(world))
    first = _drawn(world)
    page = org.post(_path(world), status=422).get_data(as_text=True)
    assert "重新抽签将作废现有的全部决赛参赛号，请勾选确认后再抽签。" in text_of(page)
    assert _drawn(world) == first
    org.post(_path(world), {"confirm": "yes"})
    assert "已重新抽签：6 名决赛选手的参赛号已全部更换。" in text_of(org.get(_path(world)))
    assert len(_audit_draws(app)) == 2


def _audit_draws(app: Flask) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry.id).where(AuditEntry.action == "final.draw"))
        )


def test_after_the_first_final_mark_the_page_refuses_clearly(app, client):
    world, org = _world(app, client)
    org.post(_path(world))
    numbers = _drawn(world)
    mark(world.chief, world.event_id, "final", next(iter(numbers)), "theory", "80")
    page = org.get(_path(world))
    assert "决赛已有评分，不能再抽签" in text_of(page)
    assert "console_draw_numbers" not in page and 'name="confirm"' not in page
    refused = org.post(_path(world), {"confirm": "yes"}, status=409).get_data(as_text=True)
    assert "决赛已有评分，不能再抽签" in text_of(refused)
    assert _drawn(world) == numbers


def test_without_finalists_there_is_nothing_to_draw(app, client):
    world, org = _world(app, client, per_unit=(3,))
    other = world.org.post(
        f"/contests/{world.world.contest_id}/events", {"name": "车工", "group": "职工组"}
    )
    path = f"/console/events/{other['id']}/draw"
    assert "还没有决赛选手" in text_of(org.get(path))
    assert "还没有决赛选手" in text_of(org.post(path, status=409).get_data(as_text=True))
    assert "尚未抽签" in text_of(org.get(f"/console/events/{other['id']}/draw.pdf", status=409))


def test_the_draw_record_prints_the_key_and_the_signature_lines(app, client):
    world, org = _world(app, client)
    org.post(_path(world))
    numbers = _drawn(world)
    response = org.client.get(_path(world, ".pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.get_data())
    assert "决赛抽签记录" in text and "第五届职工职业技能竞赛" in text
    assert "数控铣工（职工组）" in text and "决赛选手：6 人" in text
    assert "抽签人：org" in text and "抽签时间：" in text
    registered = world.registration_numbers(app)
    lines = [line.split() for line in text.splitlines() if re.search(r"\bJ0\d\b", line)]
    printed = {parts[1]: (parts[2], parts[4]) for parts in lines}
    assert set(printed) == set(numbers.values())
    for cid, number in numbers.items():
        assert printed[number][1] == registered[cid]
    for role in ("监督员签名", "裁判长签名", "组委会签名"):
        assert role in text


def _sheet_numbers(page: str) -> list[str]:
    return ROW_NUMBER.findall(page)


def test_the_judges_final_sheet_lists_the_drawn_numbers_in_order(app, client):
    world, org = _world(app, client)
    registered = world.registration_numbers(app)
    chief = Session(app, "chief")
    sheet = f"/judging/events/{world.event_id}/final/theory"
    assert _sheet_numbers(chief.get(sheet)) == sorted(registered.values())  # not drawn yet

    org.post(_path(world))
    numbers = _drawn(world)
    page = chief.get(sheet)
    assert _sheet_numbers(page) == sorted(numbers.values())
    for number in registered.values():
        assert f">{number}" not in page
    assert "J01 号的理论知识分数" in page
    # The blank sheets printed for the final's panel, likewise.
    blank = org.client.get(f"/console/events/{world.event_id}/rounds/final/score-sheets.pdf")
    printed = re.findall(r"^\s*\d+\s+(\S+)\s*$", pdf_text(blank.get_data()), re.M)
    assert printed == sorted(numbers.values()) * 2  # one sheet per component
    # The preliminary's sheet keeps the registration numbers.
    preliminary = chief.get(f"/judging/events/{world.event_id}/preliminary/theory")
    assert _sheet_numbers(preliminary) == sorted(registered.values())
    # The chief judge's review of the final's sheet, likewise by drawn number.
    someone = min(numbers, key=numbers.get)
    mark(world.chief, world.event_id, "final", someone, "theory", "80")
    review = chief.get(f"{sheet}/sheets/{world.chief_id}")
    assert re.findall(r'<th scope="row" class="number">(?:<a [^>]*>)?([^<]+)<', review) == sorted(
        numbers.values()
    )


def test_the_item_sheet_of_the_final_heads_each_block_with_the_drawn_number(app, client):
    world, org = _world(app, client)
    org.post(_path(world))
    numbers = _drawn(world)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        assert event is not None
        component = event.component("practical")
        assert component is not None
        scheme = MarkingScheme(component_id=component.id, max_judgement_spread=None)
        db.session.add(scheme)
        db.session.flush()
        db.session.add(
            SchemeItem(
                scheme_id=scheme.id,
                position=0,
                code="J1",
                kind="judgement",
                name="表面质量",
                points=Decimal(100),
            )
        )
        db.session.commit()
    page = Session(app, "chief").get(f"/judging/events/{world.event_id}/final/practical")
    headings = re.findall(r'<h2 class="number">([^<\s]+)', page)
    assert headings == sorted(numbers.values())


def test_the_finals_ranking_and_notice_show_the_drawn_numbers_the_preliminary_not(app, client):
    world, org = _world(app, client)
    registered = world.registration_numbers(app)
    org.post(_path(world))
    numbers = _drawn(world)
    people = sorted(numbers, key=numbers.get)
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(world.chief, world.event_id, "final", cid, key, str(90 - place))

    final = org.get(f"/console/events/{world.event_id}/rounds/final")
    assert RANKED_NUMBER.findall(final) == [numbers[cid] for cid in people]
    preliminary = org.get(f"/console/events/{world.event_id}/rounds/preliminary")
    assert set(RANKED_NUMBER.findall(preliminary)) == set(registered.values())

    response = org.client.get(f"/console/events/{world.event_id}/rounds/final/results.pdf")
    assert response.status_code == 200
    text = pdf_text(response.get_data())
    for cid in people:
        assert numbers[cid] in text
    for number in registered.values():
        assert not re.search(rf"(?<!\d){number}(?!\d)", text), number
    text = pdf_text(
        org.client.get(
            f"/console/events/{world.event_id}/rounds/preliminary/results.pdf"
        ).get_data()
    )
    assert all(number in text for number in registered.values()) and "J01" not in text


def test_the_draw_page_reads_in_english_refusal_included(app, client):
    world, org = _world(
        app,
        client,
        contest={"name": "Skills Contest", "host": "Union"},
        event={"name": "Milling", "group": "Workers"},
        unit_name="Works {unit}",
        person_name="Person {unit}-{n}",
    )
    org.client.get("/lang/en")
    pages = [org.get(_path(world))]  # not drawn yet
    org.post(_path(world))
    pages.append(org.get(_path(world)))  # drawn, with the key and the message
    assert "Person 1-1" in pages[-1] and "draw.pdf" in pages[-1]
    pages.append(org.post(_path(world), status=422).get_data(as_text=True))  # unconfirmed
    mark(world.chief, world.event_id, "final", next(iter(_drawn(world))), "theory", "80")
    pages.append(org.get(_path(world)))  # refused: marked
    pages.append(org.post(_path(world), {"confirm": "yes"}, status=409).get_data(as_text=True))
    for page in pages:
        text = visible_text(page)
        assert not CJK.findall(text), text
