"""A cohort set up in a few calls, and the assertions the craftsman tests share.

Defaults are overridable so a test states only what it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import Api, login, make_user, organiser

SHORTCOMINGS = "教学目标表述偏笼统，重难点不够突出。"
SUGGESTIONS = "建议结合岗位实例提炼两到三个关键操作要领。"

LECTURE_RUBRIC = [
    {"key": "objectives", "name": "教学目标", "weight": "20"},
    {"key": "content", "name": "教学内容", "weight": "30"},
    {"key": "organisation", "name": "教学组织", "weight": "20"},
    {"key": "delivery", "name": "语言表达", "weight": "20"},
    {"key": "aids", "name": "教具使用", "weight": "10"},
]


def assert_chinese(error: dict[str, Any]) -> None:
    """Every message of an error is for a person, in Chinese: no English detail of the rules
    leaks through."""
    messages = [error["message"], *(m for ms in error["fields"].values() for m in ms)]
    for message in messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@dataclass
class Cohort:
    """A cohort with trainees (each with an own login) and a panel; `experts[0]` leads."""

    app: Flask
    client: FlaskClient
    org: Api
    id: int
    trainees: list[int]
    trainee_logins: list[Api]
    expert_ids: list[int]
    experts: list[Api]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lead(self) -> Api:
        return self.experts[0]

    def path(self, rest: str = "") -> str:
        return f"/cohorts/{self.id}{rest}"

    def review_path(self, trainee_id: int) -> str:
        return self.path(f"/trainees/{trainee_id}/review")

    def review(
        self,
        expert: int | Api,
        trainee_id: int,
        score: Any = None,
        items: dict[str, Any] | None = None,
        status: int = 200,
        **changes: Any,
    ) -> Any:
        """PUT one review; `expert` is an index into `experts` or an Api."""
        api = self.experts[expert] if isinstance(expert, int) else expert
        body: dict[str, Any] = {"shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS}
        if score is not None:
            body["score"] = score
        if items is not None:
            body["items"] = items
        body.update(changes)
        return api.call("PUT", self.review_path(trainee_id), body, status=status).get_json()

    def results(self) -> dict[str, Any]:
        return self.org.get(self.path("/results"))

    def file(self, trainee_id: int, api: Api | None = None) -> dict[str, Any]:
        return (api or self.org).get(self.path(f"/trainees/{trainee_id}"))

    def snapshot(self) -> dict[str, Any]:
        """What the organiser can see of the cohort; a refused request must not change it."""
        return {
            "cohort": self.org.get(self.path()),
            "trainees": self.org.get(self.path("/trainees")),
            "experts": self.org.get(self.path("/experts")),
            "results": self.results(),
            "files": [self.file(t) for t in self.trainees],
            "audit": self.org.get(self.path("/audit")),
        }


def build_cohort(
    app: Flask,
    client: FlaskClient,
    trainees: int = 3,
    experts: int = 3,
    rubric: list[dict[str, Any]] | None = None,
    org: Api | None = None,
    name: str = "2021年职工工匠研修班",
) -> Cohort:
    """A cohort with `trainees` trainees (logins trainee1…) and `experts` experts (expert1…,
    the first one the panel lead); `org` reuses an organiser for a second cohort."""
    prefix = "" if org is None else f"c{len(org.get('/cohorts')['cohorts']) + 1}_"
    org = org or organiser(app, client)
    cohort = org.post("/cohorts", {"name": name, "year": 2021})
    if rubric is not None:
        org.put(f"/cohorts/{cohort['id']}/rubric", {"items": rubric})
    trainee_ids: list[int] = []
    trainee_logins: list[Api] = []
    for n in range(1, trainees + 1):
        username = f"{prefix}trainee{n}"
        user_id = make_user(app, username, "trainee")
        created = org.post(
            f"/cohorts/{cohort['id']}/trainees",
            {"name": f"学员{n}", "unit": f"单位{n}", "title": "市劳动模范", "user_id": user_id},
        )
        trainee_ids.append(created["id"])
        trainee_logins.append(login(client, username))
    expert_ids: list[int] = []
    expert_logins: list[Api] = []
    for n in range(1, experts + 1):
        username = f"{prefix}expert{n}"
        user_id = make_user(app, username, "expert")
        org.post(f"/cohorts/{cohort['id']}/experts", {"user_id": user_id, "lead": n == 1})
        expert_ids.append(user_id)
        expert_logins.append(login(client, username))
    return Cohort(
        app=app,
        client=client,
        org=org,
        id=cohort["id"],
        trainees=trainee_ids,
        trainee_logins=trainee_logins,
        expert_ids=expert_ids,
        experts=expert_logins,
    )
