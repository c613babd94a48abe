"""One world in which every role has something on its home page and every page has something
to show: the organiser's home (`services.dashboard`) and the walk over every page by links
(tests/browser/test_every_page_reachable.py) start from it.

Built through the services (no HTTP), so it takes a fraction of a second:

- contest 第五届职工职业技能竞赛, units 单位1 and 单位2, two events with the reference parts
  (theory 30 %, practical 70 %) and no tie-break chain, so equal totals are a tie to rule on;
- 数控铣工 ("lathe" below is the other one): the preliminary is published and in its notice
  period, with an appeal on file; the final is being marked: judge1 and chief1 have filled
  their sheets, a1 and b1 tie on the total, judge1's theory sheet is to be re-entered (second
  entry) and nothing is signed;
- 车工: both rounds published (the final's numbers drawn by lot), certificates issued, then
  new award rules moved a tier, so certificates wait to be printed again;
- 钳工: being set up, its contestants registered and nothing marked yet;
- a craftsman class with two trainees (trainee1's login is 学员1's), expert1 and lead1 (the
  panel lead); expert1 has reviewed 学员1.
- an award programme of the service stations (tests/awards/homes.py): union1 has a submitted
  station with a photo and one being filled in; lead1 and expert1 are its panel.
- another (tests/awards/homes_review.py) reviewed by lead1 and expert1, published and confirmed.

Every login's password is `tests.support.factories.PASSWORD`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flask import Flask

from competition.contest.documents import certificates as certificate_docs
from competition.contest.services import appeals as appeal_service
from competition.contest.services import awards as award_service
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.contest.services import draw as draw_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.contest.services.contests import ComponentSpec
from competition.core import users as user_service
from competition.extensions import db
from competition.models import Contestant, Event, Job, User
from competition.models.types import utcnow
from competition.reviews import services as craftsman_service
from tests.awards.homes import add_station_programme
from tests.awards.homes_review import add_confirmed_programme
from tests.support.factories import PASSWORD

PARTS = [
    ComponentSpec("theory", "理论知识", Decimal("0.3"), Decimal(100)),
    ComponentSpec("practical", "技能操作", Decimal("0.7"), Decimal(100)),
]
#: The logins, by role: the one whose home each role's walk starts from comes first.
LOGINS = {
    "organiser": ("org",),
    "judge": ("chief1", "judge1"),
    "expert": ("lead1", "expert1"),
    "trainee": ("trainee1",),
    "union": ("union1",),
}


@dataclass
class HomeWorld:
    users: dict[str, int] = field(default_factory=dict)  # username -> id
    ids: dict[str, int] = field(default_factory=dict)  # what the tests name -> id


def _marks(
    event: Event,
    kind: str,
    judge: User,
    people: dict[str, Contestant],
    values: dict[str, tuple[int, int]],
) -> None:
    round_ = event.round(kind)
    for key, (theory, practical) in values.items():
        for part, value in (("theory", theory), ("practical", practical)):
            mark_service.set_mark(event, round_, people[key], part, Decimal(value), judge)


def build_home_world(app: Flask) -> HomeWorld:
    world = HomeWorld()
    with app.app_context():
        users: dict[str, User] = {}
        for role, usernames in LOGINS.items():
            for username in usernames:
                users[username] = user_service.create_user(
                    username, PASSWORD, role, display_name=username
                )
        db.session.flush()
        world.users = {name: user.id for name, user in users.items()}
        org, chief, judge = users["org"], users["chief1"], users["judge1"]

        contest = contest_service.create_contest("职工职业技能竞赛", "总工会", edition="第五届")
        units = [contest_service.create_unit(contest, f"单位{n}") for n in (1, 2)]
        milling = contest_service.create_event(contest, "数控铣工", "职工组", 1, PARTS, [])
        lathe = contest_service.create_event(contest, "车工", "职工组", 1, PARTS, [])
        people: dict[str, Contestant] = {}
        lathe_people: dict[str, Contestant] = {}
        for key, unit in (("a1", units[0]), ("a2", units[0]), ("b1", units[1]), ("b2", units[1])):
            people[key] = contest_service.register_contestant(milling, f"选手{key}", unit.id)
            lathe_people[key] = contest_service.register_contestant(lathe, f"车工{key}", unit.id)
        for event in (milling, lathe):
            contest_service.assign_judge(event, chief.id, org, chief=True)
        contest_service.assign_judge(milling, judge.id, org)

        # 数控铣工: preliminary published, an appeal on file, the final being marked.
        preliminary = {"a1": (90, 90), "a2": (80, 80), "b1": (85, 85), "b2": (70, 70)}
        for marker in (chief, judge):
            _marks(milling, "preliminary", marker, people, preliminary)
        publication.publish(milling, milling.round("preliminary"), org)
        for unit in units:
            result_service.set_finalists(milling, unit.id, 1, org)
        appeal = appeal_service.file_appeal(
            milling,
            milling.round("preliminary"),
            people["a2"],
            "选手a2",
            utcnow(),
            "理论知识成绩漏计一题",
            org,
        )
        final = {"a1": (88, 88), "b1": (88, 88)}  # equal totals: a tie to rule on
        _marks(milling, "final", chief, people, final)
        _marks(milling, "final", judge, people, final)
        ref = judging_service.sheet_ref(milling, milling.round("final"), "theory", judge.id)
        judging_service.require_second_entry(ref, True, org)

        # 车工: published through the final, certificates out, then a tier moved.
        _marks(lathe, "preliminary", chief, lathe_people, preliminary)
        publication.publish(lathe, lathe.round("preliminary"), org)
        for unit in units:
            result_service.set_finalists(lathe, unit.id, 1, org)
        draw_service.draw_numbers(lathe, org)  # the final by drawn numbers (抽签)
        _marks(lathe, "final", chief, lathe_people, {"a1": (95, 95), "b1": (75, 75)})
        publication.publish(lathe, lathe.round("final"), org)
        rules = {"pass_line": None, "rounding": "half_up", "base": "ranked", "actor": org}
        award_service.set_rules(
            lathe, mode="count", tiers=[{"name": "一等奖", "count": 2}], **rules
        )
        certificate_service.issue_certificates(lathe, org)
        # …and that batch made once by a job worker: a done job and its file.
        made = Path(tempfile.mkdtemp(prefix="home-jobs-")) / "job.pdf"
        made.write_bytes(certificate_docs.event_certificates_pdf(lathe, org, "http://localhost"))
        db.session.add(
            Job(
                kind="certificates",
                event_id=lathe.id,
                status="done",
                created_by_id=org.id,
                result_path=str(made),
                result_name=f"certificates-event-{lathe.id}.pdf",
                result_type="application/pdf",
            )
        )
        award_service.set_rules(
            lathe, mode="count", tiers=[{"name": "一等奖", "count": 1}], **rules
        )

        # 钳工: being set up.
        fitting = contest_service.create_event(contest, "钳工", "职工组", 1, PARTS, [])
        for n, unit in enumerate(units, start=1):
            contest_service.register_contestant(fitting, f"钳工{n}", unit.id)

        # The craftsman class.
        cohort = craftsman_service.create_cohort("2021年职工工匠研修班", 2021)
        t1 = craftsman_service.add_trainee(
            cohort, "学员1", "市燃气集团", "市劳动模范", users["trainee1"].id
        )
        t2 = craftsman_service.add_trainee(cohort, "学员2", "市公交集团", "")
        craftsman_service.add_expert(cohort, users["expert1"].id, org)
        craftsman_service.add_expert(cohort, users["lead1"].id, org, lead=True)
        craftsman_service.set_review(
            cohort,
            t1,
            users["expert1"],
            score=Decimal(86),
            shortcomings="教学目标表述偏笼统，重难点不够突出。",
            suggestions="建议结合岗位实例提炼两到三个关键操作要领。",
        )

        # The award programme of the service stations (tests/awards/homes.py).
        stations = add_station_programme(users)
        world.ids.update({f"award_{key}": value for key, value in stations.items()})
        # One that went all the way to confirmation (tests/awards/homes_review.py).
        confirmed = add_confirmed_programme(world.users)
        world.ids.update({f"confirmed_{key}": value for key, value in confirmed.items()})

        world.ids.update(
            contest=contest.id,
            milling=milling.id,
            lathe=lathe.id,
            fitting=fitting.id,
            appeal=appeal.id,
            cohort=cohort.id,
            t1=t1.id,
            t2=t2.id,
            u1=units[0].id,
            u2=units[1].id,
            **{key: person.id for key, person in people.items()},
        )
        db.session.commit()
    return world
