"""Who may call what: every /api/v1 route and every signed-in page × every kind of caller.

Two tables, one row per route (method + rule as in `app.url_map`), one expected status per
caller. The completeness tests read the URL map: a route added without a row here fails them,
so no endpoint is ever forgotten. Each row sends a valid request (body, state), so what it
shows is the access rule and not a validation error: 2xx for whoever may, else 401, 404 or 403
in the contract's order (401, 404, 403, …; 404 also for what the caller may not know exists).

The callers, always in this order (the columns of the tables):

  ano  anonymous: no token, no session
  trn  a trainee of the cohort, whose own file is the one in the paths
  xot  an expert of another cohort
  exp  an expert of the cohort (not its lead)
  led  the cohort's panel lead
  jot  a judge of another event
  jdg  a judge of the event's final panel (not chief); his sheet is the one in the paths
  chf  the event's chief judge
  unj  a judge of one unit's preliminary committee (the unit of the contestant in the paths)
  org  an organiser
  uni  a base-level union's account (role union), of the unit of the award programme's station

Path parameters are filled in from the rule's names (see `World.params`): the event, its
preliminary, contestant a1 of unit 1, component `score`, the cohort, its first trainee, …

To add a row: copy one, put the rule exactly as `app.url_map` has it, one status per column,
and a `body` (a function of the world) or a `prepare` step when the route needs one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select

from competition.contest.services import absences as absence_service
from competition.contest.services import appeals as appeal_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import results as result_service
from competition.contest.services.contests import ComponentSpec
from competition.core import users as user_service
from competition.extensions import db
from competition.models import Contestant, Event, Finalist, Job, MarkingScheme, SchemeItem, User
from competition.models.types import utcnow
from competition.reviews import services as craftsman_service
from tests.awards.helpers import JPEG
from tests.awards.matrix import add_award_programme
from tests.awards.matrix_nomination import (
    evidence_file,
    link_union,
    new_station,
    station_workbook,
)
from tests.support.factories import PASSWORD

ROLES = ("ano", "trn", "xot", "exp", "led", "jot", "jdg", "chf", "unj", "org", "uni")
SHORTCOMINGS = "教学目标表述偏笼统，重难点不够突出。"
SUGGESTIONS = "建议结合岗位实例提炼两到三个关键操作要领。"


@dataclass
class World:
    """Everything the rows refer to, by name; `tokens` and `users` are per caller."""

    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """The values of the rules' path parameters."""
        return {
            "contest_id": self.ids["contest"],
            "event_id": self.ids["event"],
            "round_kind": "preliminary",
            "kind": "preliminary",
            "contestant_id": self.ids["a1"],
            "component_key": "score",
            "judge_id": self.users["jdg"],
            "cohort_id": self.ids["cohort"],
            "trainee_id": self.ids["t1"],
            "appeal_id": self.ids["appeal"],
            "unit_id": self.ids["u1"],
            "code": "J1",
            "serial": "ABCD-EFGH-JKMN-PQRS",  # no such certificate: the final is not published
            "job_id": self.ids.get("job", 999),  # `_job` makes one
            # the award programme (tests/awards/matrix.py); no objection exists: 404
            "programme_id": self.ids["programme"],
            "station_id": self.ids["station"],
            "level_id": self.ids["level"],
            "objection_id": 999,
            # nomination (tests/awards/matrix_nomination.py); `_evidence_file` makes the file
            "award_unit_id": self.ids["award_unit"],
            "criterion_key": "place",
            "file_id": self.ids.get("file", 999),
        }


@dataclass(frozen=True)
class Upload:
    """A multipart body with one file."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expect: str  # one status per ROLES column, separated by spaces
    body: Callable[[World], Any] | None = None
    prepare: Callable[[Flask, World], None] | None = None

    def statuses(self) -> dict[str, int]:
        values = [int(v) for v in self.expect.split()]
        assert len(values) == len(ROLES), f"{self.method} {self.rule}: {len(values)} columns"
        return dict(zip(ROLES, values, strict=True))

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


def _path(rule: str, world: World) -> str:
    params = world.params()
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(params[m.group(1)]), rule)


# ---------------------------------------------------------------- preparing the state a row needs
def _in_app(step: Callable[[World], None]) -> Callable[[Flask, World], None]:
    def run(app: Flask, world: World) -> None:
        with app.app_context():
            step(world)
            db.session.commit()

    return run


@_in_app
def _absent(world: World) -> None:
    """Contestant a1 recorded as absent from the preliminary, for the undo to undo."""
    event = db.session.get(Event, world.ids["event"])
    contestant = db.session.get(Contestant, world.ids["a1"])
    organiser = db.session.get(User, world.users["org"])
    assert event is not None and contestant is not None
    absence_service.record_absence(
        event, event.round("preliminary"), contestant, "absent", "未到场", organiser
    )


@_in_app
def _publishable(world: World) -> None:
    """The tie ruled on and the second entry no longer asked for: nothing blocks publication."""
    event = db.session.get(Event, world.ids["event"])
    organiser = db.session.get(User, world.users["org"])
    assert event is not None and organiser is not None
    preliminary = event.round("preliminary")
    order = [world.ids["a1"], world.ids["a2"]]
    result_service.resolve_tie(event, preliminary, order, "抽签决定", organiser)
    ref = judging_service.sheet_ref(event, preliminary, "score", world.users["jdg"])
    judging_service.require_second_entry(ref, False, organiser)


@_in_app
def _scheme(world: World) -> None:
    """A marking scheme on `score`, made directly: the marks already there would refuse it."""
    event = db.session.get(Event, world.ids["event"])
    assert event is not None
    component = event.component("score")
    assert component is not None
    if db.session.scalar(select(MarkingScheme).where(MarkingScheme.component_id == component.id)):
        return  # prepared for an earlier caller already
    scheme = MarkingScheme(component_id=component.id, max_judgement_spread=None)
    db.session.add(scheme)
    db.session.flush()
    db.session.add(
        SchemeItem(
            scheme_id=scheme.id, position=0, code="J1", kind="judgement", name="工艺",
            points=Decimal(100),
        )
    )  # fmt: skip


def _finalists(world: World) -> None:
    """a1 and a2 of unit 1 through to the final, made directly (their ranking is tied)."""
    event = db.session.get(Event, world.ids["event"])
    assert event is not None
    if not result_service.finalist_ids(event):
        for key in ("a1", "a2"):
            db.session.add(
                Finalist(event_id=event.id, unit_id=world.ids["u1"], contestant_id=world.ids[key])
            )
        db.session.flush()


@_in_app
def _finalists_through(world: World) -> None:
    _finalists(world)


@_in_app
def _drawn(world: World) -> None:
    """The final's numbers drawn for a1 and a2, for reading the draw and printing its record."""
    _finalists(world)
    event = db.session.get(Event, world.ids["event"])
    organiser = db.session.get(User, world.users["org"])
    assert event is not None and organiser is not None
    if event.round("final").drawn_at is None:
        draw_service.draw_numbers(event, organiser)


@_in_app
def _job(world: World) -> None:
    """A queued certificates job the organiser started (the row only: no worker runs it)."""
    job = Job(kind="certificates", event_id=world.ids["event"], created_by_id=world.users["org"])
    db.session.add(job)
    db.session.flush()
    world.ids["job"] = job.id


@_in_app
def _evidence_file(world: World) -> None:
    """A photo in the world's station's evidence, for the rows that read or remove it."""
    world.ids["file"] = evidence_file(world.ids["station"])


def _review(world: World, *experts: str, trainees: tuple[str, ...] = ("t1",)) -> None:
    cohort = craftsman_service.get_cohort(world.ids["cohort"])
    for key in trainees:
        trainee = craftsman_service.get_trainee(cohort, world.ids[key])
        for expert in experts:
            user = db.session.get(User, world.users[expert])
            assert user is not None
            craftsman_service.set_review(
                cohort,
                trainee,
                user,
                score=Decimal(80),
                shortcomings=SHORTCOMINGS,
                suggestions=SUGGESTIONS,
            )


@_in_app
def _reviews_of_t1(world: World) -> None:
    _review(world, "exp", "led")


@_in_app
def _every_trainee_reviewed(world: World) -> None:
    _review(world, "exp", "led", trainees=("t1", "t2"))


def _trainee_workbook(world: World) -> Upload:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "工作单位"])
    sheet.append(["新学员", "市燃气集团"])
    buffer = io.BytesIO()
    book.save(buffer)
    return Upload("trainees.xlsx", buffer.getvalue())


def _office_list(*rows: list[Any]) -> Callable[[World], Upload]:
    """An office's list as an .xlsx upload, for the imports of the event's set-up."""

    def body(world: World) -> Upload:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return Upload("list.xlsx", buffer.getvalue())

    return body


RUBRIC = {
    "items": [
        {"key": "content", "name": "教学内容", "weight": "60"},
        {"key": "delivery", "name": "语言表达", "weight": "40"},
    ]
}
BANDS = {
    "bands": [{"key": "excellent", "minimum": "85"}, {"key": "pass", "minimum": "60"}],
    "appointment_band": "pass",
}

# ---------------------------------------------------------------- the API table
# fmt: off
API: tuple[Row, ...] = (
    #                                                                          ano trn xot exp led jot jdg chf unj org uni
    Row("POST",   "/tokens",                                                  "201 201 201 201 201 201 201 201 201 201 201",
        body=lambda w: {"username": "org", "password": PASSWORD}),
    Row("DELETE", "/tokens/current",                                          "401 204 204 204 204 204 204 204 204 204 204"),
    Row("GET",    "/users/me",                                                "401 200 200 200 200 200 200 200 200 200 200"),
    Row("POST",   "/users",                                                   "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"username": "newcomer", "password": PASSWORD, "role": "judge"}),
    Row("GET",    "/openapi.json",                                            "200 200 200 200 200 200 200 200 200 200 200"),
    # contests, units, events
    Row("GET",    "/contests",                                                "200 200 200 200 200 200 200 200 200 200 200"),
    Row("POST",   "/contests",                                                "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "第六届职工职业技能竞赛", "host": "总工会"}),
    Row("GET",    "/contests/<int:contest_id>",                               "200 200 200 200 200 200 200 200 200 200 200"),
    Row("PATCH",  "/contests/<int:contest_id>",                               "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"theme": "匠心筑梦", "notice_working_days": 7}),
    Row("GET",    "/contests/<int:contest_id>/units",                         "200 200 200 200 200 200 200 200 200 200 200"),
    Row("POST",   "/contests/<int:contest_id>/units",                         "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "新单位"}),
    Row("POST",   "/contests/<int:contest_id>/events",                        "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "焊工"}),
    # corrections: u1 has people (409 for its removal); a1 has marks and an appeal (likewise)
    Row("PATCH",  "/contests/<int:contest_id>/units/<int:unit_id>",           "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"name": "单位一", "reason": "按营业执照更正"}),
    Row("POST",   "/contests/<int:contest_id>/units/<int:unit_id>/merge",     "401 403 403 403 403 403 403 403 403 200 404",
        body=lambda w: {"into_unit_id": w.ids["u2"], "reason": "同一单位重复登记"}),
    Row("DELETE", "/contests/<int:contest_id>/units/<int:unit_id>",           "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"reason": "登记错误"}),
    Row("GET",    "/events/<int:event_id>",                                   "200 200 200 200 200 200 200 200 200 200 200"),
    Row("PATCH",  "/events/<int:event_id>",                                   "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"name": "数控铣工（四级）", "notice_working_days": 3}),
    # contestants and judges
    Row("POST",   "/events/<int:event_id>/contestants",                       "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "新选手", "unit_id": w.ids["u1"]}),
    Row("GET",    "/events/<int:event_id>/contestants",                       "401 404 404 404 404 404 200 200 200 200 404"),
    Row("POST",   "/events/<int:event_id>/contestants/import",                "401 403 403 403 403 403 403 403 403 201 403",
        body=_office_list(["姓名", "单位"], ["新选手", "单位1"])),
    Row("PATCH",  "/events/<int:event_id>/contestants/<int:contestant_id>",   "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"name": "王 伟", "reason": "报名表笔误"}),
    Row("DELETE", "/events/<int:event_id>/contestants/<int:contestant_id>",   "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"reason": "登记错误"}),
    Row("POST",   "/events/<int:event_id>/judges",                            "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"user_id": w.users["spare_judge"]}),
    Row("GET",    "/events/<int:event_id>/judges",                            "401 403 403 403 403 403 403 403 403 200 403"),
    Row("POST",   "/events/<int:event_id>/judges/import",                     "401 403 403 403 403 403 403 403 403 201 403",
        body=_office_list(["姓名", "职务", "裁判组"], ["新裁判", "裁判", "决赛"])),
    # marks, results, publication
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/marks/<int:contestant_id>/<component_key>",
                                                                              "401 403 403 403 403 403 200 200 200 403 403",
        body=lambda w: {"value": "75.5"}),
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/marks",         "401 404 404 404 404 404 200 200 200 200 404"),
    # marking schemes and item marks (the world's `score` already has marks: a scheme is 409)
    Row("PUT",    "/events/<int:event_id>/components/<component_key>/scheme", "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"max_judgement_spread": 1, "items": [
            {"code": "J1", "kind": "judgement", "name": "工艺", "points": "100"}]}),
    Row("GET",    "/events/<int:event_id>/components/<component_key>/scheme", "401 403 403 403 403 403 200 200 200 200 403",
        prepare=_scheme),
    Row("DELETE", "/events/<int:event_id>/components/<component_key>/scheme", "401 403 403 403 403 403 403 403 403 409 403",
        prepare=_scheme),
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/marks/<int:contestant_id>/<component_key>/items/<code>",
                                                                              "401 403 403 403 403 403 200 200 200 403 403",
        prepare=_scheme, body=lambda w: {"value": "2"}),
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/results",       "404 404 404 404 404 404 200 200 200 200 404"),
    # team results: read as the final's results are (not published here); 优秀组织奖 of u1
    Row("GET",    "/events/<int:event_id>/rounds/final/team-results",         "404 404 404 404 404 404 200 200 200 200 404"),
    Row("PUT",    "/events/<int:event_id>/organisation-awards/<int:unit_id>", "401 403 403 403 403 403 403 403 403 200 403"),
    Row("DELETE", "/events/<int:event_id>/organisation-awards/<int:unit_id>", "401 403 403 403 403 403 403 403 403 204 403"),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/tie-resolutions",
                                                                              "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"order": [w.ids["a2"], w.ids["a1"]], "reason": "抽签决定"}),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/publish",       "401 403 403 403 403 403 403 403 403 200 403",
        prepare=_publishable),
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>",
                                                                              "401 403 403 403 403 403 403 200 403 200 403",
        body=lambda w: {"status": "absent", "reason": "理论考试未到场"}),
    Row("DELETE", "/events/<int:event_id>/rounds/<round_kind>/absences/<int:contestant_id>",
                                                                              "401 403 403 403 403 403 403 204 403 204 403",
        prepare=_absent),
    Row("POST",   "/events/<int:event_id>/finalists",                         "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"unit_id": w.ids["u2"], "count": 1}),
    Row("GET",    "/events/<int:event_id>/finalists",                         "404 404 404 404 404 404 200 200 200 200 404"),
    Row("POST",   "/events/<int:event_id>/rounds/final/draw",                 "401 403 403 403 403 403 403 403 403 201 403",
        prepare=_finalists_through),
    Row("GET",    "/events/<int:event_id>/rounds/final/draw",                 "401 403 403 403 403 403 403 403 403 200 403",
        prepare=_drawn),
    Row("POST",   "/events/<int:event_id>/finalists/import",                  "401 403 403 403 403 403 403 403 403 201 403",
        body=_office_list(["参赛号", "姓名"], ["003", "选手b1"])),
    Row("GET",    "/events/<int:event_id>/audit",                             "401 403 403 403 403 403 403 403 403 200 403"),
    # score sheets: jdg's preliminary sheet of `score`, which has no marks yet (so signing it
    # and settling a row of it are refused as 409 to those who may)
    Row("GET",    "/events/<int:event_id>/sheets",                            "401 403 403 403 403 403 200 200 200 200 403"),
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>",
                                                                              "401 403 403 403 403 403 403 200 403 200 403"),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/sign",
                                                                              "401 403 403 403 403 403 403 409 403 403 403"),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/reopen",
                                                                              "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"reason": "裁判申请更正第 3 行"}),
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/second-entry",
                                                                              "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"required": True}),
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/second-entry/<int:contestant_id>",
                                                                              "401 403 403 403 403 403 403 204 403 204 403",
        body=lambda w: {"value": "75.5"}),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/settle/<int:contestant_id>",
                                                                              "401 403 403 403 403 403 403 409 403 409 403",
        body=lambda w: {"stands": "first"}),
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/sheets/<component_key>/<int:judge_id>/import",
                                                                              "401 403 403 403 403 403 403 403 403 201 403",
        body=_office_list(["参赛号", "成绩"], ["001", "75"])),
    Row("PUT",    "/events/<int:event_id>/sign-off",                          "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"required": True}),
    # judge consistency: only jdg marked, so nothing is flagged (a note is 409 to those who may)
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/consistency",   "401 403 403 403 403 403 403 200 403 200 403"),
    Row("PUT",    "/events/<int:event_id>/rounds/<round_kind>/consistency/notes/<int:contestant_id>/<component_key>/<int:judge_id>",
                                                                              "401 403 403 403 403 403 403 409 403 409 403",
        body=lambda w: {"note": "复核无误"}),
    # appeals: the preliminary is not published, so none can be filed (409)
    Row("POST",   "/events/<int:event_id>/rounds/<round_kind>/appeals",       "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"contestant_id": w.ids["a1"], "filed_by": "张三", "subject": "理论成绩有误"}),
    Row("POST",   "/appeals/<int:appeal_id>/decision",                        "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"outcome": "rejected", "reason": "查无错误"}),
    Row("GET",    "/events/<int:event_id>/appeals",                           "401 403 403 403 403 403 403 403 403 200 403"),
    Row("GET",    "/appeals/<int:appeal_id>",                                 "401 403 403 403 403 403 403 403 403 200 403"),
    # craftsman class reviews
    Row("POST",   "/cohorts",                                                 "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "2022年职工工匠研修班"}),
    Row("GET",    "/cohorts",                                                 "401 200 200 200 200 200 200 200 200 200 200"),
    Row("GET",    "/cohorts/<int:cohort_id>",                                 "401 200 403 200 200 403 403 403 403 200 403"),
    Row("PUT",    "/cohorts/<int:cohort_id>/rubric",                          "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: RUBRIC),
    Row("PUT",    "/cohorts/<int:cohort_id>/bands",                           "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: BANDS),
    Row("POST",   "/cohorts/<int:cohort_id>/sessions",                        "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"date": "2021-06-18", "place": "职工大学 301 教室"}),
    Row("POST",   "/cohorts/<int:cohort_id>/trainees",                        "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "新学员", "unit": "市公交集团"}),
    Row("GET",    "/cohorts/<int:cohort_id>/trainees",                        "401 403 403 200 200 403 403 403 403 200 403"),
    Row("POST",   "/cohorts/<int:cohort_id>/trainees/import",                 "401 403 403 403 403 403 403 403 403 201 403",
        body=_trainee_workbook),
    Row("GET",    "/cohorts/<int:cohort_id>/trainees/<int:trainee_id>",       "401 200 403 403 403 403 403 403 403 200 403"),
    Row("PUT",    "/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/review",
                                                                              "401 403 403 200 200 403 403 403 403 403 403",
        body=lambda w: {"score": 80, "shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS}),
    Row("GET",    "/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/review",
                                                                              "401 403 403 200 200 403 403 403 403 403 403",
        prepare=_reviews_of_t1),
    Row("POST",   "/cohorts/<int:cohort_id>/experts",                         "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"user_id": w.users["spare_expert"]}),
    Row("GET",    "/cohorts/<int:cohort_id>/experts",                         "401 403 403 200 200 403 403 403 403 200 403"),
    Row("PUT",    "/cohorts/<int:cohort_id>/lead",                            "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"user_id": w.users["exp"]}),
    Row("GET",    "/cohorts/<int:cohort_id>/results",                         "401 403 403 403 200 403 403 403 403 200 403"),
    Row("GET",    "/cohorts/<int:cohort_id>/results.xlsx",                    "401 403 403 403 200 403 403 403 403 200 403"),
    Row("POST",   "/cohorts/<int:cohort_id>/sign-off",                        "401 403 403 403 200 403 403 403 403 403 403",
        prepare=_every_trainee_reviewed),
    Row("GET",    "/cohorts/<int:cohort_id>/audit",                           "401 403 403 403 403 403 403 403 403 200 403"),
    # printed documents
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/results.pdf",   "404 404 404 404 404 404 200 200 200 200 404"),
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/results.xlsx",  "404 404 404 404 404 404 200 200 200 200 404"),
    Row("GET",    "/events/<int:event_id>/rounds/<round_kind>/score-sheets.pdf",
                                                                              "401 403 403 403 403 403 200 200 200 200 403"),
    Row("GET",    "/events/<int:event_id>/rounds/final/certificates.pdf",     "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/events/<int:event_id>/rounds/final/replacements.pdf",     "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/events/<int:event_id>/contestants/<int:contestant_id>/certificate.pdf",
                                                                              "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/events/<int:event_id>/certificates",                      "401 403 403 403 403 403 403 403 403 200 403"),
    Row("GET",    "/certificates/<serial>",                                   "404 404 404 404 404 404 404 404 404 404 404"),
    Row("GET",    "/certificates/<serial>.pdf",                               "401 404 404 404 404 404 404 404 404 404 404"),
    Row("POST",   "/certificates/<serial>/revoke",                            "401 404 404 404 404 404 404 404 404 404 404",
        body=lambda w: {"reason": "获奖资格经复核撤销"}),
    Row("POST",   "/certificates/<serial>/reissue",                           "401 404 404 404 404 404 404 404 404 404 404",
        body=lambda w: {"reason": "姓名更正后重新颁发"}),
    # no award rules set for this event: 404 for everyone (public once set)
    Row("GET",    "/events/<int:event_id>/award-rules",                       "404 404 404 404 404 404 404 404 404 404 404"),
    Row("PUT",    "/events/<int:event_id>/award-rules",                       "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"mode": "count", "tiers": [{"name": "一等奖", "count": 1}]}),
    Row("GET",    "/contests/<int:contest_id>/colours",                       "200 200 200 200 200 200 200 200 200 200 200"),
    Row("PUT",    "/contests/<int:contest_id>/colours",                       "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"primary": "#a3161a", "accent": "#c9a227"}),
    Row("GET",    "/cohorts/<int:cohort_id>/file.pdf",                        "401 403 403 403 403 403 403 403 403 200 403"),
    # background jobs (issue #22): the final is not published, so starting one is a 409
    Row("POST",   "/events/<int:event_id>/jobs",                              "401 403 403 403 403 403 403 403 403 409 403",
        body=lambda w: {"kind": "certificates"}),
    Row("GET",    "/jobs/<int:job_id>",                                       "401 404 404 404 404 404 404 404 404 200 404",
        prepare=_job),
    Row("GET",    "/jobs/<int:job_id>/result",                                "401 404 404 404 404 404 404 404 404 409 404",
        prepare=_job),
    # a cohort's job: an unknown kind, so the organiser's answer (422) queues nothing
    Row("POST",   "/cohorts/<int:cohort_id>/jobs",                            "401 403 403 403 403 403 403 403 403 422 403",
        body=lambda w: {"kind": "nothing"}),
    Row("GET",    "/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf",
                                                                              "401 200 403 403 403 403 403 403 403 200 403"),
    # award programmes: the review (the panel: exp, led the lead), selection, notice, papers
    Row("GET",    "/award-programmes/<int:programme_id>/review/stations",    "401 403 403 200 200 403 403 403 403 403 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/stations/<int:station_id>/review",
                                                                              "401 403 403 200 200 403 403 403 403 403 403"),
    Row("PUT",    "/award-programmes/<int:programme_id>/stations/<int:station_id>/review",
                                                                              "401 403 403 200 200 403 403 403 403 403 403",
        body=lambda w: {"criteria": [{"criterion": "place", "points": "15", "comment": "临街"}]}),
    # the station is not judged by everyone yet: the lead's sign-off is refused (409)
    Row("POST",   "/award-programmes/<int:programme_id>/review/sign-off",    "401 403 403 403 409 403 403 403 403 403 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/selection",          "401 403 403 403 200 403 403 403 403 200 403"),
    # the station is not ranked yet (no judgement): the organiser's ruling is refused (422)
    Row("POST",   "/award-programmes/<int:programme_id>/rulings",            "401 403 403 403 403 403 403 403 403 422 403",
        body=lambda w: {"level_id": w.ids["level"], "station_ids": [w.ids["station"], 999], "reason": "抽签"}),
    Row("POST",   "/award-programmes/<int:programme_id>/publish",            "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/notice",             "404 404 404 404 404 404 404 404 404 404 404"),
    Row("GET",    "/award-programmes/<int:programme_id>/confirmed-stations", "200 200 200 200 200 200 200 200 200 200 200"),
    Row("GET",    "/award-programmes/<int:programme_id>/objections",         "401 403 403 403 403 403 403 403 403 200 403"),
    Row("POST",   "/award-programmes/<int:programme_id>/objections",         "401 403 403 403 403 403 403 403 403 422 403",
        body=lambda w: {"station_id": w.ids["station"], "name": "张三", "text": "站点常年关门"}),
    Row("POST",   "/award-programmes/<int:programme_id>/objections/<int:objection_id>/decision",
                                                                              "401 404 404 404 404 404 404 404 404 404 404",
        body=lambda w: {"decision": "dismissed", "reason": "无具体事实"}),
    Row("POST",   "/award-programmes/<int:programme_id>/levels/<int:level_id>/fill",
                                                                              "401 403 403 403 403 403 403 403 403 409 403"),
    Row("POST",   "/award-programmes/<int:programme_id>/confirm",            "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/grants",             "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/grants.xlsx",        "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/grants.pdf",         "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/notice.pdf",         "401 403 403 403 403 403 403 403 403 409 403"),
    Row("GET",    "/award-programmes/<int:programme_id>/certificates.pdf",   "401 403 403 403 403 403 403 403 403 409 403"),
    # award programmes: set-up (the organiser; the panel and the unit's account read it)
    Row("POST",   "/award-programmes",                                        "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "2022年度最美工会户外劳动者服务站点", "year": 2022}),
    Row("GET",    "/award-programmes",                                        "401 200 200 200 200 200 200 200 200 200 200"),
    Row("GET",    "/award-programmes/<int:programme_id>",                     "401 403 403 200 200 403 403 403 403 200 200"),
    Row("PATCH",  "/award-programmes/<int:programme_id>",                     "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"host": "北京市总工会"}),
    Row("PUT",    "/award-programmes/<int:programme_id>/levels",              "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"levels": [{"key": "national", "name": "全国", "quota": 150},
                                   {"key": "beijing", "name": "北京市", "quota": 200}]}),
    Row("PUT",    "/award-programmes/<int:programme_id>/criteria",            "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"criteria": [{"key": "place", "name": "有场地", "max_points": "20"},
                                     {"key": "facilities", "name": "有设施", "max_points": "30"},
                                     {"key": "rules", "name": "有制度", "kind": "pass_fail"}]}),
    Row("POST",   "/award-programmes/<int:programme_id>/criteria/reference",  "401 403 403 403 403 403 403 403 403 200 403"),
    Row("POST",   "/award-programmes/<int:programme_id>/units",               "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"name": "新基层工会"}),
    Row("GET",    "/award-programmes/<int:programme_id>/units",               "401 403 403 200 200 403 403 403 403 200 403"),
    Row("PUT",    "/award-programmes/<int:programme_id>/units/<int:award_unit_id>/account",
                                                                              "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"user_id": w.users["uni"]}),
    Row("POST",   "/award-programmes/<int:programme_id>/experts",             "401 403 403 403 403 403 403 403 403 201 403",
        body=lambda w: {"user_id": w.users["spare_expert"]}),
    Row("GET",    "/award-programmes/<int:programme_id>/experts",             "401 403 403 200 200 403 403 403 403 200 403"),
    Row("PUT",    "/award-programmes/<int:programme_id>/lead",                "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"user_id": w.users["led"]}),
    # nomination: the unit's account and the organiser; the world's station is submitted, so
    # changing it is refused (409) to those who may
    Row("POST",   "/award-programmes/<int:programme_id>/stations",            "401 403 403 403 403 403 403 403 403 201 201",
        body=lambda w: new_station(w.ids["award_unit"])),
    Row("GET",    "/award-programmes/<int:programme_id>/stations",            "401 403 403 200 200 403 403 403 403 200 200"),
    Row("POST",   "/award-programmes/<int:programme_id>/stations/import",     "401 403 403 403 403 403 403 403 403 201 201",
        body=lambda w: Upload(*station_workbook())),
    Row("GET",    "/stations/<int:station_id>",                               "401 403 403 200 200 403 403 403 403 200 200"),
    Row("PATCH",  "/stations/<int:station_id>",                               "401 403 403 403 403 403 403 403 403 409 409",
        body=lambda w: {"opening_hours": "24小时"}),
    Row("PUT",    "/stations/<int:station_id>/evidence/<criterion_key>",      "401 403 403 403 403 403 403 403 403 409 409",
        body=lambda w: {"text": "临街门面"}),
    Row("POST",   "/stations/<int:station_id>/evidence/<criterion_key>/files",
                                                                              "401 403 403 403 403 403 403 403 403 409 409",
        body=lambda w: Upload("门面.jpg", JPEG)),
    Row("POST",   "/stations/<int:station_id>/submit",                        "401 403 403 403 403 403 403 403 403 409 409"),
    Row("POST",   "/stations/<int:station_id>/hand-back",                     "401 403 403 403 403 403 403 403 403 200 403",
        body=lambda w: {"reason": "照片不清晰"}),
    Row("GET",    "/evidence-files/<int:file_id>",                            "401 403 403 200 200 403 403 403 403 200 200",
        prepare=_evidence_file),
    Row("DELETE", "/evidence-files/<int:file_id>",                            "401 403 403 403 403 403 403 403 403 409 409",
        prepare=_evidence_file),
)

# ---------------------------------------------------------------- the pages table (GET)
# Anonymous visitors are sent to the sign-in page (302); a signed-in user without the right
# gets a readable 403 page.
PAGES: tuple[Row, ...] = (
    #                                                                          ano trn xot exp led jot jdg chf unj org uni
    Row("GET", "/console",                                                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/progress",                                           "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/appeals",                                            "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/appeals/<int:appeal_id>",                            "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/contestants/<int:contestant_id>/audit",              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/contests/<int:contest_id>",                          "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/contests/<int:contest_id>/events/new",               "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/contests/<int:contest_id>/units/<int:unit_id>",      "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>",                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/edit",                         "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/appeals/new",                  "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/contestants",                  "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/contestants/<int:contestant_id>/correct",
                                                                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/contestants/import",           "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/contestants/template.xlsx",    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/marks/import",                 "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/marks/template.xlsx",          "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/judges/import",                "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/judges/template.xlsx",         "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/finalists/import",             "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/finalists/template.xlsx",      "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/finalists",                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/judges",                       "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>",                "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/results.xlsx",   "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/board",          "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/slips",                        "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/results.pdf",    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/score-sheets.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/final/certificates.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/final/replacements.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/console/events/<int:event_id>/certificates",                 "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/jobs/<int:job_id>",                                  "302 403 403 403 403 403 403 403 403 200 403",
        prepare=_job),
    Row("GET", "/console/jobs/<int:job_id>/result",                           "302 403 403 403 403 403 403 403 403 409 403",
        prepare=_job),
    Row("GET", "/console/events/<int:event_id>/awards",                       "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/teams",                        "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/draw",                         "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/draw.pdf",                     "302 403 403 403 403 403 403 403 403 200 403",
        prepare=_drawn),
    Row("GET", "/console/events/<int:event_id>/components/<component_key>/scheme",
                                                                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/components/<component_key>/scheme/import",
                                                                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/components/<component_key>/scheme/template.xlsx",
                                                                              "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/components/<component_key>/item-sheets.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 200 403",
        prepare=_scheme),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/components/<component_key>/marking-records.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 200 403",
        prepare=_scheme),
    Row("GET", "/console/events/<int:event_id>/rounds/<kind>/consistency",   "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts",                                            "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>",                            "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/experts",                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/file.pdf",                   "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/import",                     "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/import/template.xlsx",       "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/results.xlsx",               "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/rules",                      "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/trainees",                   "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/cohorts/<int:cohort_id>/trainees/<int:trainee_id>",  "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf", "302 200 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/review",                                                     "302 403 200 200 200 403 403 403 403 403 403"),
    Row("GET", "/review/cohorts/<int:cohort_id>",                             "302 403 403 200 200 403 403 403 403 403 403"),
    Row("GET", "/review/cohorts/<int:cohort_id>/sign-off",                    "302 403 403 403 200 403 403 403 403 403 403"),
    Row("GET", "/review/cohorts/<int:cohort_id>/trainees/<int:trainee_id>",   "302 403 403 200 200 403 403 403 403 403 403"),
    Row("GET", "/my/review",                                                  "302 200 403 403 403 403 403 403 403 403 403"),
    Row("GET", "/awards/review",                                              "302 403 200 200 200 403 403 403 403 403 403"),
    Row("GET", "/awards/review/<int:programme_id>",                           "302 403 403 200 200 403 403 403 403 403 403"),
    Row("GET", "/awards/review/<int:programme_id>/stations/<int:station_id>", "302 403 403 200 200 403 403 403 403 403 403"),
    Row("GET", "/awards/review/<int:programme_id>/sign-off",                  "302 403 403 403 200 403 403 403 403 403 403"),
    Row("GET", "/console/awards/<int:programme_id>/selection",      "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/awards/<int:programme_id>/notice.pdf",     "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/console/awards/<int:programme_id>/grants.xlsx",    "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/console/awards/<int:programme_id>/grants.pdf",     "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/console/awards/<int:programme_id>/certificates.pdf",
                                                                              "302 403 403 403 403 403 403 403 403 409 403"),
    Row("GET", "/judging",                                                    "302 403 403 403 403 200 200 200 200 403 403"),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/absences",        "302 403 403 403 403 403 403 200 403 200 403"),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>", "302 403 403 403 403 403 200 200 200 403 403"),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>/marks/<int:contestant_id>",
                                                                              "302 403 403 403 403 403 200 200 200 403 403"),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>",
                                                                              "302 403 403 403 403 403 403 200 403 200 403"),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>/sheets/<int:judge_id>/second-entry",
                                                                              "302 403 403 403 403 403 403 200 403 200 403"),
    # the papers of a component marked item by item: the chief judge's (organisers: the console's)
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>/item-sheets.pdf",
                                                                              "302 403 403 403 403 403 403 200 403 403 403",
        prepare=_scheme),
    Row("GET", "/judging/events/<int:event_id>/<round_kind>/<component_key>/marking-records.pdf",
                                                                              "302 403 403 403 403 403 403 200 403 403 403",
        prepare=_scheme),
    # award programmes: the console's set-up, the union's nomination pages
    Row("GET", "/console/awards",                                             "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/awards/<int:programme_id>",                          "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/awards/<int:programme_id>/rules",                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/awards/<int:programme_id>/units",                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/console/awards/<int:programme_id>/experts",                  "302 403 403 403 403 403 403 403 403 200 403"),
    Row("GET", "/union",                                                      "302 403 403 403 403 403 403 403 403 403 200"),
    Row("GET", "/awards/programmes/<int:programme_id>/stations/new",          "302 403 403 403 403 403 403 403 403 200 200"),
    Row("GET", "/awards/programmes/<int:programme_id>/import",                "302 403 403 403 403 403 403 403 403 200 200"),
    Row("GET", "/awards/programmes/<int:programme_id>/import/template.xlsx",  "302 403 403 403 403 403 403 403 403 200 200"),
    Row("GET", "/awards/stations/<int:station_id>",                           "302 403 403 403 403 403 403 403 403 200 200"),
    Row("GET", "/awards/files/<int:file_id>",                                 "302 403 403 200 200 403 403 403 403 200 200",
        prepare=_evidence_file),
)
# fmt: on

# Pages for everyone, signed in or not: no row, on purpose.
PUBLIC_PAGES = {
    "/",
    "/api/docs",
    "/favicon.ico",
    "/judging/sheet-worker.js",
    "/login",
    "/lang/<code>",
    "/lookup",
    "/results",
    "/results/events/<int:event_id>/<kind>",
    # the venue board: counts before publication, revealed results after (services.board)
    "/board/events/<int:event_id>/<kind>",
    "/board/events/<int:event_id>/<kind>/state.json",
    # the award programmes' notice and confirmed stations (404 before publication)
    "/service-stations",
    "/service-stations/<int:programme_id>",
}


# ---------------------------------------------------------------- the world every row runs in
def _user(world: World, key: str, username: str, role: str) -> User:
    user = user_service.create_user(username, PASSWORD, role, display_name=username)
    world.users[key] = user.id
    return user


def build_world(app: Flask) -> World:
    """One contest with two events, one cohort beside another, and a user per caller.

    Event 1 (the one in the paths) has one component, `score`, and its preliminary is marked
    with a tie between a1 and a2 of unit 1; unit 2 is ranked without a tie. Judge `jdg` has
    to have his sheet re-entered (second entry), and an appeal is on file. Nothing is
    published.
    """
    world = World()
    with app.app_context():
        org = _user(world, "org", "org", "organiser")
        trainee = _user(world, "trn", "trainee1", "trainee")
        for key, username, role in (
            ("xot", "expert_other", "expert"),
            ("exp", "expert1", "expert"),
            ("led", "lead1", "expert"),
            ("jot", "judge_other", "judge"),
            ("jdg", "judge1", "judge"),
            ("chf", "chief1", "judge"),
            ("unj", "unit1_judge", "judge"),
            ("spare_judge", "spare_judge", "judge"),
            ("spare_expert", "spare_expert", "expert"),
            ("uni", "union1", "union"),
        ):
            _user(world, key, username, role)
        db.session.flush()

        contest = contest_service.create_contest("第五届职工职业技能竞赛", "总工会")
        units = [contest_service.create_unit(contest, f"单位{n}") for n in (1, 2)]
        only_score = [ComponentSpec("score", "成绩", Decimal(1), Decimal(100))]
        event = contest_service.create_event(contest, "数控铣工", "职工组", 1, only_score, [])
        other = contest_service.create_event(contest, "车工", "职工组", 1, only_score, [])
        people: dict[str, Contestant] = {}
        for key, unit in (("a1", units[0]), ("a2", units[0]), ("b1", units[1]), ("b2", units[1])):
            people[key] = contest_service.register_contestant(event, f"选手{key}", unit.id)
        contest_service.assign_judge(event, world.users["jdg"], org)
        contest_service.assign_judge(event, world.users["chf"], org, chief=True)
        contest_service.assign_judge(event, world.users["unj"], org, unit_id=units[0].id)
        contest_service.assign_judge(other, world.users["jot"], org)
        preliminary = event.round("preliminary")
        judge = db.session.get(User, world.users["jdg"])
        assert judge is not None
        for key, value in (("a1", 80), ("a2", 80), ("b1", 70), ("b2", 60)):
            mark_service.set_mark(event, preliminary, people[key], "score", Decimal(value), judge)
        ref = judging_service.sheet_ref(event, preliminary, "score", judge.id)
        judging_service.require_second_entry(ref, True, org)
        appeal = appeal_service.file_appeal(
            event, preliminary, people["a1"], "张三", utcnow(), "理论成绩有误", org
        )

        cohort = craftsman_service.create_cohort("2021年职工工匠研修班", 2021)
        other_cohort = craftsman_service.create_cohort("2020年职工工匠研修班", 2020)
        t1 = craftsman_service.add_trainee(cohort, "学员1", "单位1", "市劳动模范", trainee.id)
        t2 = craftsman_service.add_trainee(cohort, "学员2", "单位2", "")
        craftsman_service.add_expert(cohort, world.users["exp"], org)
        craftsman_service.add_expert(cohort, world.users["led"], org, lead=True)
        craftsman_service.add_expert(other_cohort, world.users["xot"], org)

        world.ids.update(
            contest=contest.id,
            u1=units[0].id,
            u2=units[1].id,
            event=event.id,
            cohort=cohort.id,
            t1=t1.id,
            t2=t2.id,
            appeal=appeal.id,
            **{key: person.id for key, person in people.items()},
        )
        world.ids.update(add_award_programme(world.users))
        world.ids.update(link_union(world.users["uni"], world.ids["station"]))
        ttl = timedelta(hours=1)
        for key in ROLES[1:]:
            user = db.session.get(User, world.users[key])
            assert user is not None
            world.tokens[key] = user_service.issue_token(user, ttl).token
        db.session.commit()
    return world


# ---------------------------------------------------------------- running a row
def _api_call(client: FlaskClient, row: Row, world: World, role: str) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "ano" else {}
    kwargs: dict[str, Any] = {"headers": headers}
    body = row.body(world) if row.body is not None else None
    if isinstance(body, Upload):
        kwargs["data"] = {"file": (io.BytesIO(body.data), body.name)}
        kwargs["content_type"] = "multipart/form-data"
    elif body is not None:
        kwargs["json"] = body
    return client.open("/api/v1" + _path(row.rule, world), method=row.method, **kwargs)


def _error_shaped(response: Any) -> bool:
    body = response.get_json(silent=True)
    return (
        isinstance(body, dict)
        and set(body) == {"error"}
        and set(body["error"]) == {"code", "message", "fields"}
    )


@pytest.mark.parametrize("row", API, ids=lambda r: r.id)
def test_api_route_answers_each_caller_as_the_table_says(app, client, row: Row) -> None:
    world = build_world(app)
    if row.prepare is not None:
        row.prepare(app, world)
    wrong = []
    done = False
    for role, expected in row.statuses().items():
        if done and expected < 300 and row.prepare is not None:
            row.prepare(app, world)  # the state the one before used up (an absence undone)
        response = _api_call(client, row, world, role)
        done = done or response.status_code < 300
        if response.status_code != expected:
            text = response.get_data(as_text=True)[:300]
            wrong.append(f"{role}: {response.status_code}, expected {expected}: {text}")
        elif expected >= 400 and not _error_shaped(response):
            wrong.append(f"{role}: {expected} without the error shape")
    assert not wrong, f"{row.id}\n" + "\n".join(wrong)


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _signed_in(app: Flask, username: str) -> FlaskClient:
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = CSRF.search(page)
    assert token, "no CSRF token on the sign-in page"
    response = browser.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return browser


@pytest.mark.parametrize("row", PAGES, ids=lambda r: r.id)
def test_page_answers_each_caller_as_the_table_says(app, row: Row) -> None:
    world = build_world(app)
    if row.prepare is not None:
        row.prepare(app, world)
    path = _path(row.rule, world)
    with app.app_context():
        usernames = {
            key: db.session.get(User, world.users[key]).username  # type: ignore[union-attr]
            for key in ROLES[1:]
        }
    wrong = []
    for role, expected in row.statuses().items():
        browser = app.test_client() if role == "ano" else _signed_in(app, usernames[role])
        response = browser.open(path, method=row.method)
        if response.status_code != expected:
            text = response.get_data(as_text=True)[:300]
            wrong.append(f"{role}: {response.status_code}, expected {expected}: {text}")
        elif expected == 302 and not response.location.startswith("/login?next="):
            wrong.append(f"{role}: sent to {response.location}, not to the sign-in page")
    assert not wrong, f"{row.id}\n" + "\n".join(wrong)


# ---------------------------------------------------------------- no route forgotten
def _routes(app: Flask, prefix: str) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(prefix)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_has_a_row(app) -> None:
    routes = {(m, r.removeprefix("/api/v1")) for m, r in _routes(app, "api.")}
    table = [(row.method, row.rule) for row in API]
    assert len(table) == len(set(table)), "a route has two rows"
    missing = sorted(routes - set(table))
    assert not missing, "routes without a row in API: " + ", ".join(" ".join(m) for m in missing)
    stale = sorted(set(table) - routes)
    assert not stale, "rows for routes that do not exist: " + ", ".join(" ".join(s) for s in stale)


def test_every_page_has_a_row_or_is_public(app) -> None:
    pages = {(m, r) for m, r in _routes(app, "web.") if m == "GET"}
    table = [(row.method, row.rule) for row in PAGES]
    assert len(table) == len(set(table)), "a page has two rows"
    public = {("GET", rule) for rule in PUBLIC_PAGES}
    missing = sorted(pages - set(table) - public)
    assert not missing, "pages without a row in PAGES: " + ", ".join(" ".join(m) for m in missing)
    stale = sorted((set(table) | public) - pages)
    assert not stale, "rows for pages that do not exist: " + ", ".join(" ".join(s) for s in stale)
    assert not public & set(table), "a public page has a row"


def test_public_pages_need_no_sign_in(app, client) -> None:
    """The exemptions really are public: none sends an anonymous visitor to sign in."""
    world = build_world(app)
    for rule in sorted(PUBLIC_PAGES):
        path = rule.replace("<code>", "en").replace("<kind>", "preliminary")
        response = client.get(_path(path, world))
        assert response.status_code in (200, 302, 404), (rule, response.status_code)
        if response.status_code == 302:
            assert not response.location.startswith("/login"), (rule, response.location)
