"""The office lists through the API (issue #19): contestants, judges, finalists and a results
sheet as marks, read and checked by the same services as the console's import pages. A dry
run answers every row and stores nothing; a real import stores all rows, or none and 422
naming every bad row."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from competition.core import users as user_service
from competition.extensions import db
from competition.models import Absence, AuditEntry, Contestant, Finalist, JudgeAssignment, Mark
from tests.contest.web.console.support import scored_preliminary
from tests.contest.web.console.test_import_messy import UNIT, messy_workbook
from tests.support.errors import assert_error
from tests.support.factories import Api, build_world, judge, login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD_ID = "11010519491231002X"
BAD_ID = "110105194912310021"  # the checksum is wrong


def workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def send(api: Api, path: str, data: bytes, status: int, name: str = "名单.xlsx") -> Any:
    """POST the file as a multipart upload (field `file`)."""
    return api.call(
        "POST",
        path,
        status=status,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count(app, model: Any, **where: Any) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        return db.session.scalar(query)


# ---------------------------------------------------------------- contestants
def test_a_messy_registration_list_is_previewed_then_stored_as_the_page_stores_it(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, event_id = world.org, world.event_id
    org.post(f"/contests/{world.contest_id}/units", {"name": UNIT})
    path = f"/events/{event_id}/contestants/import"

    # The Tianjin unit is not registered: the dry run says so, row by row, and stores nothing.
    preview = send(org, path + "?dry_run=1", messy_workbook(), 200).get_json()
    assert preview["dry_run"] is True and preview["valid"] is False
    assert preview["missing_units"] == ["精工（天津）有限公司"]
    assert [r["line"] for r in preview["rows"]] == [4, 5, 6, 7, 8, 9]
    tianjin = [r for r in preview["rows"] if r["problems"]]
    assert [r["line"] for r in tianjin] == [8, 9]
    assert tianjin[0]["problems"] == ["单位“精工（天津）有限公司”未在本竞赛登记"]
    assert preview["rows"][0]["id_number"] == "110***********002X"  # masked, as everywhere
    assert {s["text"] for s in preview["skipped"]} >= {"合计 6 人", "审核人： 日期：2026年3月2日"}
    assert count(app, Contestant, event_id=event_id) == 0

    # Stored as it is, the file is refused whole, naming the rows.
    error = assert_error(send(org, path, messy_workbook(), 422), 422, "rows.8")
    assert set(error["fields"]) == {"rows.8", "rows.9"}
    assert count(app, Contestant, event_id=event_id) == 0

    # With create_units=1 the dry run passes and the import registers all six.
    again = send(org, path + "?dry_run=1&create_units=1", messy_workbook(), 200).get_json()
    assert again["valid"] is True and [r["new_unit"] for r in again["rows"]][-2:] == [True, True]
    done = send(org, path + "?create_units=1", messy_workbook(), 201).get_json()
    assert done["created"] == 6 and done["units_created"] == ["精工（天津）有限公司"]
    numbers = {c["name"]: c["number"] for c in done["contestants"]}
    assert numbers == {
        "王伟": "001",
        "孙丽": "002",
        "买买提·艾力": "003",
        "John Smith": "021",
        "李四": "020",
        "赵六": "022",
    }
    listed = org.get(f"/events/{event_id}/contestants")["contestants"]
    assert len(listed) == 6
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action)))
        assert actions.count("contestants.import") == 1


def test_every_bad_row_is_named_and_nothing_is_stored(app, client):
    world = build_world(app, client, per_unit=(1,))  # 选手1-1, number 001
    org, event_id = world.org, world.event_id
    data = workbook(
        ["姓名", "单位", "身份证号", "参赛号"],
        ["张三", "单位1", GOOD_ID, ""],  # 2: fine
        ["李四", "未知公司", "", ""],  # 3: unknown unit
        ["王五", "单位1", BAD_ID, ""],  # 4: bad checksum
        ["", "单位1", "", ""],  # 5: no name
        ["孙八", "单位1", "", "001"],  # 6: number in use
    )
    path = f"/events/{event_id}/contestants/import"
    preview = send(org, path + "?dry_run=1", data, 200).get_json()
    assert preview["valid"] is False
    problems = {r["line"]: r["problems"] for r in preview["rows"]}
    assert problems[2] == []
    assert problems[3] == ["单位“未知公司”未在本竞赛登记"]
    assert problems[4] and problems[5] == ["缺少姓名"]
    assert problems[6] == ["参赛号 001 已被使用"]

    error = assert_error(send(org, path, data, 422), 422)
    assert set(error["fields"]) == {"rows.3", "rows.4", "rows.5", "rows.6"}
    assert error["fields"]["rows.6"] == ["参赛号 001 已被使用"]
    assert "4 行有误" in error["message"]
    assert count(app, Contestant, event_id=event_id) == 1  # only the one registered before


def test_the_file_may_be_the_body_itself(app, client):
    world = build_world(app, client, per_unit=(0,))
    path = f"/api/v1/events/{world.event_id}/contestants/import"
    data = workbook(["姓名", "单位"], ["张三", "单位1"], ["李四", "单位1"])
    response = world.org.call("POST", path, status=201, data=data, content_type=XLSX)
    assert response.get_json()["created"] == 2
    data = workbook(["姓名", "单位"], ["赵六", "单位1"])
    octets = "application/octet-stream"
    response = world.org.call("POST", path, status=201, data=data, content_type=octets)
    assert response.get_json()["created"] == 1
    csv = "姓名,单位\n王五,单位1\n".encode()
    response = world.org.call("POST", path, status=201, data=csv, content_type="text/csv")
    assert [c["name"] for c in response.get_json()["contestants"]] == ["王五"]
    response = world.org.call("POST", path, data=data, content_type="application/pdf")
    assert_error(response, 422, "file")


def test_bad_input_is_refused_in_the_error_shape(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, event_id = world.org, world.event_id
    path = f"/events/{event_id}/contestants/import"
    good = workbook(["姓名", "单位"], ["张三", "单位1"])
    # no file at all, a JSON body, an old .xls, garbage named .xlsx, a header-only file
    assert_error(org.call("POST", path, {"file": "x"}), 422, "file")
    multipart = {"other": (io.BytesIO(good), "a.xlsx")}
    response = org.call("POST", path, data=multipart, content_type="multipart/form-data")
    assert_error(response, 422, "file")
    assert_error(send(org, path, good, 422, name="名单.xls"), 422, "file")
    assert_error(send(org, path, b"not a workbook", 422), 422, "file")
    assert_error(send(org, path, workbook(["姓名", "单位"]), 422), 422, "file")
    assert_error(send(org, path, workbook(["甲", "乙"], ["1", "2"]), 422), 422, "file")
    assert_error(send(org, path + "?dry_run=perhaps", good, 422), 422, "dry_run")
    assert_error(send(org, "/events/999999/contestants/import", good, 404), 404)
    assert count(app, Contestant, event_id=event_id) == 0


def test_the_size_limit_is_a_413_in_the_error_shape(app, client):
    world = build_world(app, client, per_unit=(0,))
    app.config["MAX_CONTENT_LENGTH"] = 1024
    path = f"/events/{world.event_id}/contestants/import"
    assert_error(send(world.org, path, b"x" * 4096, 413), 413)


def test_only_organisers_import(app, client):
    world = build_world(app, client, per_unit=(1,))
    event_id = world.event_id
    _, chief = judge(app, client, world.org, event_id, "chief", chief=True)
    good = workbook(["姓名", "单位"], ["张三", "单位1"])
    for path in (
        f"/events/{event_id}/contestants/import",
        f"/events/{event_id}/contestants/import?dry_run=1",
        f"/events/{event_id}/judges/import",
        f"/events/{event_id}/finalists/import",
        f"/events/{event_id}/rounds/preliminary/sheets/theory/{_chief_id(app)}/import",
    ):
        assert_error(send(chief, path, good, 403), 403)
        assert_error(send(Api(client), path, good, 401), 401)
    assert count(app, Contestant, event_id=event_id) == 1


def _chief_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(JudgeAssignment.user_id).where(JudgeAssignment.is_chief))


def test_a_published_preliminary_takes_no_more_contestants(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(80, 80)]})
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    good = workbook(["姓名", "单位"], ["张三", "单位1"])
    for query in ("?dry_run=1", ""):
        path = f"/events/{world.event_id}/contestants/import{query}"
        assert_error(send(world.org, path, good, 409), 409)


# ---------------------------------------------------------------- judges
def judges_list(*rows: list[Any]) -> bytes:
    return workbook(
        ["数控铣工赛项裁判名单"],
        ["序号", "姓 名", "工作单位", "职务", "裁判组"],
        *([n, *row] for n, row in enumerate(rows, 1)),
        ["联系人：赵老师"],
    )


def test_judges_are_created_and_their_passwords_given_once(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, event_id, unit1 = world.org, world.event_id, world.units[0]
    data = judges_list(
        ["张　伟", None, "裁判长", "决赛"],
        ["李娜", None, "裁判", None],
        ["王强", "单位1", "裁判员", "初赛"],
    )
    path = f"/events/{event_id}/judges/import"
    preview = send(org, path + "?dry_run=1", data, 200).get_json()
    assert preview["valid"] is True and preview["new_accounts"] == 3
    assert [(r["name"], r["username"], r["unit_id"], r["chief"]) for r in preview["rows"]] == [
        ("张伟", f"judge{event_id}-01", None, True),
        ("李娜", f"judge{event_id}-02", None, False),
        ("王强", f"judge{event_id}-03", unit1, False),
    ]
    assert "password" not in str(preview)
    assert count(app, JudgeAssignment, event_id=event_id) == 0

    response = send(org, path, data, 201)
    assert response.headers["Cache-Control"] == "no-store"
    done = response.get_json()
    assert done["created"] == 3
    passwords = [j["password"] for j in done["judges"]]
    assert len(set(passwords)) == 3 and all(passwords)
    chief = login(client, f"judge{event_id}-01", passwords[0])  # the password opens it
    assert chief.get("/users/me")["role"] == "judge"
    judges = {j["username"]: j for j in org.get(f"/events/{event_id}/judges")["judges"]}
    assert judges[f"judge{event_id}-01"]["chief"] is True
    assert judges[f"judge{event_id}-03"]["unit_id"] == unit1
    with app.app_context():
        assert user_service.authenticate(f"judge{event_id}-02", passwords[1]) is not None

    # The same list again: every judge is there already, so it is refused row by row.
    error = assert_error(send(org, path, data, 422), 422)
    assert set(error["fields"]) == {"rows.3", "rows.4", "rows.5"}
    assert "本赛项已有同名裁判" in error["fields"]["rows.3"][0]
    assert count(app, JudgeAssignment, event_id=event_id) == 3


# ---------------------------------------------------------------- finalists
# Unit 1 (001-004) ranks 001, 002, 003, 004; unit 2 (005-008) ranks 005, 006, 007, 008.
MARKS = {
    0: [(90, 90), (70, 80), (77, 77), (50, 50)],
    1: [(80, 80), (70, 70), (60, 60), (40, 40)],
}


def finalists_list(*rows: list[Any]) -> bytes:
    return workbook(["各单位推荐决赛选手名单"], ["所属单位", "参赛编号", "姓名"], *rows)


def finalists(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Finalist.contestant_id)))


def test_each_units_top_n_is_recommended_and_any_other_list_refused(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    org, event_id = world.org, world.event_id
    path = f"/events/{event_id}/finalists/import"
    unit1, unit2 = world.units
    wrong = finalists_list(
        ["单位1", "001", "选手1-1"],
        ["单位1", "002", "选手1-2"],
        ["单位1", "004", "选手1-4"],  # line 5: 4th in the unit
    )
    preview = send(org, path + "?dry_run=1", wrong, 200).get_json()
    assert preview["valid"] is False
    assert preview["rows"][2]["rank"] == 4
    assert preview["rows"][2]["problems"] == ["该选手在本单位初赛排名第4，推荐3人时不在前3名"]
    assert preview["units"] == [
        {
            "unit_id": unit1,
            "unit_name": "单位1",
            "count": 3,
            "problems": ["本单位初赛第 3 名 选手1-3（参赛号 003）不在名单中"],
            "notes": [],
        }
    ]
    error = assert_error(send(org, path, wrong, 422), 422, "rows.5")
    assert error["fields"][f"units.{unit1}"] == [
        "本单位初赛第 3 名 选手1-3（参赛号 003）不在名单中"
    ]
    assert finalists(app) == set()

    right = finalists_list(
        ["单位1", 2, "选手1-2"],  # typed as a number
        ["单位1", "001", "选手1-1"],
        ["单位1", "003", "选手1-3"],
        ["单位2", "005", "选手2-1"],
        ["单位2", "006", "选手2-2"],
        ["单位2", "007", "选手2-3"],
    )
    assert send(org, path + "?dry_run=1", right, 200).get_json()["valid"] is True
    assert finalists(app) == set()
    done = send(org, path, right, 201).get_json()
    chosen = {u["unit_id"]: sorted(u["finalists"]) for u in done["units"]}
    assert chosen == {unit1: world.contestants[unit1][:3], unit2: world.contestants[unit2][:3]}
    assert finalists(app) == {*world.contestants[unit1][:3], *world.contestants[unit2][:3]}


# ---------------------------------------------------------------- a results sheet as marks
def results_sheet(*rows: list[Any]) -> bytes:
    return workbook(
        ["数控铣工理论考试成绩单"],
        ["准考证号", "姓 名", "身份证号", "理论考试成绩"],
        *rows,
        ["合计", "3 人"],
    )


def test_a_results_sheet_becomes_the_judges_marks(app, client):
    world = build_world(app, client, per_unit=(3,))  # 选手1-1..1-3, numbers 001..003
    org, event_id = world.org, world.event_id
    first, second, third = world.contestants[world.units[0]]
    chief_id, _chief = judge(app, client, org, event_id, "chief", chief=True)
    path = f"/events/{event_id}/rounds/preliminary/sheets/theory/{chief_id}/import"
    data = results_sheet(
        [1, "选手1-1", None, "８６．５"],  # 001 typed as a number; a full-width score
        ["002", "选手1-2", None, "缺考"],
        ["003", "选手1-3", None, None],  # blank: left out
    )
    preview = send(org, path + "?dry_run=1", data, 200).get_json()
    assert preview["valid"] is True
    assert (preview["marks"], preview["absences"], preview["blanks"]) == (1, 1, 1)
    assert preview["component_name"] == "理论知识" and preview["max_score"] == "100.00"
    rows = preview["rows"]
    assert [(r["contestant_id"], r["value"], r["absence"], r["blank"]) for r in rows] == [
        (first, "86.50", None, False),
        (second, None, "absent", False),
        (third, None, None, True),
    ]
    assert count(app, Mark) == 0 and count(app, Absence) == 0

    done = send(org, path, data, 201).get_json()
    assert done == {
        "round": "preliminary",
        "component": "theory",
        "judge_id": chief_id,
        "marks": 1,
        "absences": 1,
        "blanks": 1,
    }
    with app.app_context():
        marks = db.session.execute(select(Mark.contestant_id, Mark.judge_id, Mark.value)).all()
        assert marks == [(first, chief_id, Decimal("86.5"))]
        assert db.session.scalars(select(Absence.contestant_id)).all() == [second]
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mark.set")).one()
        assert entry.judge_id == chief_id and entry.actor_id != chief_id  # the organiser's act
    results = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert [a["contestant_id"] for a in results["absent"]] == [second]


def test_bad_scores_are_named_and_no_mark_is_written(app, client):
    world = build_world(app, client, per_unit=(3,))
    org, event_id = world.org, world.event_id
    chief_id, _chief = judge(app, client, org, event_id, "chief", chief=True)
    path = f"/events/{event_id}/rounds/preliminary/sheets/theory/{chief_id}/import"
    data = results_sheet(
        ["001", "选手1-1", None, "90"],  # 3: fine
        ["002", "选手1-2", None, "120"],  # 4: above the maximum
        ["003", "王五", None, "八十"],  # 5: not 003's name, not a number
    )
    preview = send(org, path + "?dry_run=1", data, 200).get_json()
    assert preview["valid"] is False
    assert [bool(r["problems"]) for r in preview["rows"]] == [False, True, True]
    assert len(preview["rows"][2]["problems"]) == 2
    error = assert_error(send(org, path, data, 422), 422, "rows.4")
    assert set(error["fields"]) == {"rows.4", "rows.5"}
    assert count(app, Mark) == 0

    # Only blanks: nothing to import, said on the file.
    blanks = results_sheet(["001", "选手1-1", None, None])
    assert send(org, path + "?dry_run=1", blanks, 200).get_json()["valid"] is False
    assert_error(send(org, path, blanks, 422), 422, "file")


def test_a_sheet_the_event_does_not_have_is_a_404_and_a_locked_one_a_409(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(80, 80)]})
    org, event_id = world.org, world.event_id
    cid = world.contestants[world.units[0]][0]
    with app.app_context():
        panel_id = db.session.scalar(select(JudgeAssignment.user_id))
    data = results_sheet(["001", "选手1-1", None, "90"])
    base = f"/events/{event_id}/rounds"
    assert_error(send(org, f"{base}/preliminary/sheets/nothing/{panel_id}/import", data, 404), 404)
    assert_error(send(org, f"{base}/preliminary/sheets/theory/999999/import", data, 404), 404)
    assert_error(send(org, f"{base}/semifinal/sheets/theory/{panel_id}/import", data, 404), 404)
    # a judge of unit 1 has a final sheet, but not for unit 1's own people (回避)
    committee_id, _committee = judge(app, client, org, event_id, "unit", unit_id=world.units[0])
    refused = assert_error(
        send(org, f"{base}/final/sheets/theory/{committee_id}/import", data, 422), 422
    )
    assert "回避：决赛中裁判不能为本单位的选手评分" in refused["fields"]["rows.3"]

    org.post(f"{base}/preliminary/publish", status=200)
    path = f"{base}/preliminary/sheets/theory/{panel_id}/import"
    assert_error(send(org, path + "?dry_run=1", data, 409), 409)
    assert_error(send(org, path, data, 409), 409)
    with app.app_context():
        assert db.session.scalar(select(Mark.value).where(Mark.contestant_id == cid)) == 80
