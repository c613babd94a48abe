"""Test helpers: an API caller that states expectations, and a contest set up in a few calls.

Defaults are overridable so a test states only what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from competition.core import users as user_service
from competition.extensions import db

PASSWORD = "correct-horse-battery"


class Api:
    """A client bound to one bearer token; every call may assert its status."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        status: int | None = None,
        raw: bytes | str | None = None,
        **kwargs: Any,
    ) -> Any:
        url = path if path.startswith("/") and path.startswith("/api") else "/api/v1" + path
        if raw is not None:
            kwargs["data"] = raw
            kwargs["content_type"] = "application/json"
        elif body is not None:
            kwargs["json"] = body
        response = self.client.open(url, method=method, headers=self._headers(), **kwargs)
        if status is not None:
            assert response.status_code == status, (
                f"{method} {url} -> {response.status_code}, expected {status}: "
                f"{response.get_data(as_text=True)[:2000]}"
            )
        return response

    def get(self, path: str, status: int | None = 200, **kw: Any) -> Any:
        return self.call("GET", path, status=status, **kw).get_json()

    def post(self, path: str, body: Any = None, status: int | None = 201, **kw: Any) -> Any:
        return self.call("POST", path, body, status=status, **kw).get_json()

    def put(self, path: str, body: Any = None, status: int | None = 200, **kw: Any) -> Any:
        return self.call("PUT", path, body, status=status, **kw).get_json()


def make_user(app: Flask, username: str, role: str, password: str = PASSWORD) -> int:
    with app.app_context():
        user = user_service.create_user(username, password, role, display_name=username)
        db.session.commit()
        return user.id


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Api:
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return Api(client, response.get_json()["token"])


def organiser(app: Flask, client: FlaskClient, username: str = "org") -> Api:
    make_user(app, username, "organiser")
    return login(client, username)


def judge(
    app: Flask,
    client: FlaskClient,
    org: Api,
    event_id: int,
    username: str,
    unit_id: int | None = None,
    chief: bool = False,
) -> tuple[int, Api]:
    user_id = make_user(app, username, "judge")
    org.post(f"/events/{event_id}/judges", {"user_id": user_id, "unit_id": unit_id, "chief": chief})
    return user_id, login(client, username)


@dataclass
class World:
    """A contest with one event, some units and their contestants, and an organiser."""

    org: Api
    contest_id: int
    event_id: int
    units: list[int]
    contestants: dict[int, list[int]] = field(default_factory=dict)  # unit id -> contestant ids

    def all_contestants(self) -> list[int]:
        return [cid for ids in self.contestants.values() for cid in ids]


def build_world(
    app: Flask,
    client: FlaskClient,
    per_unit: Sequence[int] = (4, 4),
    event: dict[str, Any] | None = None,
    contest: dict[str, Any] | None = None,
    unit_name: str = "单位{unit}",
    person_name: str = "选手{unit}-{n}",
) -> World:
    """`contest` and `event` override the bodies posted; `unit_name` and `person_name` are
    formats of the unit's number and the person's number in it (from 1)."""
    org = organiser(app, client)
    body = contest or {"name": "第五届职工职业技能竞赛", "host": "总工会"}
    made = org.post("/contests", body)
    ev = org.post(f"/contests/{made['id']}/events", {"name": "数控铣工", **(event or {})})
    world = World(org=org, contest_id=made["id"], event_id=ev["id"], units=[])
    for index, count in enumerate(per_unit):
        name = unit_name.format(unit=index + 1)
        unit = org.post(f"/contests/{made['id']}/units", {"name": name})
        world.units.append(unit["id"])
        world.contestants[unit["id"]] = [
            org.post(
                f"/events/{ev['id']}/contestants",
                {"name": person_name.format(unit=index + 1, n=n + 1), "unit_id": unit["id"]},
            )["id"]
            for n in range(count)
        ]
    return world


def mark(
    api: Api,
    event_id: int,
    round_: str,
    contestant_id: int,
    component: str,
    value: Any,
    status: int = 200,
) -> Any:
    return api.put(
        f"/events/{event_id}/rounds/{round_}/marks/{contestant_id}/{component}",
        {"value": value},
        status=status,
    )
