"""A programme set up through the API in one call, so each test states only what it is about:
two levels, the 七有, two base-level unions with their accounts, and a panel of two."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import Api, login, make_user, organiser

#: The smallest files of each kind the uploads accept (their magic numbers and a little).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

STATION = {
    "level": "national",
    "name": "建国门环卫驿站",
    "address": "东城区建国门内大街 18 号",
    "district": "东城区",
    "contact_name": "李红",
    "contact_phone": "13800000000",
    "opening_hours": "24小时",
}


@dataclass
class Programme:
    id: int
    org: Api
    unions: dict[str, Api]
    unit_ids: dict[str, int]
    experts: dict[str, Api] = field(default_factory=dict)
    criteria: list[str] = field(default_factory=list)

    def station(self, union: str = "u1", **changes: Any) -> dict[str, Any]:
        return self.unions[union].post(
            f"/award-programmes/{self.id}/stations", {**STATION, **changes}
        )

    def complete(self, union: str, station_id: int) -> None:
        for key in self.criteria:
            self.unions[union].put(
                f"/stations/{station_id}/evidence/{key}", {"text": f"{key} 的情况说明"}
            )


def upload(
    api: Api, station_id: int, key: str, *files: tuple[str, bytes], status: int = 201
) -> Any:
    data = {"file": [(io.BytesIO(body), name) for name, body in files]}
    response = api.call(
        "POST",
        f"/stations/{station_id}/evidence/{key}/files",
        status=status,
        data=data,
        content_type="multipart/form-data",
    )
    return response.get_json()


def setup_programme(
    app: Flask, client: FlaskClient, deadline: str | None = "2099-06-30T17:00:00+08:00"
) -> Programme:
    org = organiser(app, client)
    body: dict[str, Any] = {
        "name": "2021年度最美工会户外劳动者服务站点",
        "year": 2021,
        "host": "市总工会",
    }
    if deadline:
        body["nomination_deadline"] = deadline
    programme = org.post("/award-programmes", body)
    pid = programme["id"]
    org.put(
        f"/award-programmes/{pid}/levels",
        {
            "levels": [
                {"key": "national", "name": "全国最美工会户外劳动者服务站点", "quota": 150,
                 "grant_amount": "50000"},
                {"key": "beijing", "name": "北京市最美工会户外劳动者服务站点", "quota": 200,
                 "grant_amount": "20000"},
            ]
        },
    )  # fmt: skip
    rules = org.post(f"/award-programmes/{pid}/criteria/reference", status=200)
    unions: dict[str, Api] = {}
    unit_ids: dict[str, int] = {}
    for key, name in (("u1", "东城区环卫中心工会"), ("u2", "朝阳区快递行业工会")):
        unit = org.post(
            f"/award-programmes/{pid}/units",
            {"name": name, "username": f"{key}_union", "password": "union-password-1"},
        )
        unit_ids[key] = unit["id"]
        unions[key] = login(client, f"{key}_union", "union-password-1")
    experts: dict[str, Api] = {}
    for key in ("e1", "e2"):
        user_id = make_user(app, key, "expert")
        org.post(f"/award-programmes/{pid}/experts", {"user_id": user_id, "lead": key == "e1"})
        experts[key] = login(client, key)
    return Programme(pid, org, unions, unit_ids, experts, [c["key"] for c in rules["criteria"]])
