"""The award programme of the home pages' world (tests/support/homes.py): made through the
services, so the union's pages and the console's have something to show: the 七有, two
levels, two unions (union1's login is the first's), lead1 and expert1 on the panel, and two
stations of the first union, one submitted with a photo and one still being filled in."""

from __future__ import annotations

from competition.awards import nominations, uploads
from competition.awards import programmes as service
from competition.awards.demo import LEVELS
from competition.models import User
from tests.awards.helpers import JPEG


def add_station_programme(users: dict[str, User]) -> dict[str, int]:
    org = users["org"]
    programme = service.create_programme("2021年度最美工会户外劳动者服务站点", 2021, "北京市总工会")
    service.set_levels(programme, LEVELS, org)
    service.use_reference_criteria(programme, org)
    first = service.add_unit(programme, "东城区环卫中心工会", users["union1"].id, org)
    service.add_unit(programme, "朝阳区快递物流行业联合工会", None, org)
    service.add_expert(programme, users["lead1"].id, org, lead=True)
    service.add_expert(programme, users["expert1"].id, org, unit_id=first.id)
    ids: dict[str, int] = {"programme": programme.id}
    for name, done in (("建国门环卫驿站", True), ("东四环卫工人之家", False)):
        spec = nominations.StationSpec("national", name, "东城区某街 1 号", "东城区")
        station = nominations.create_station(programme, first, spec, users["union1"])
        for criterion in programme.criteria if done else programme.criteria[:3]:
            nominations.set_evidence_text(station, criterion, "情况说明", users["union1"])
        if done:
            place = programme.criteria[0]
            upload = uploads.Upload("门面.jpg", JPEG)
            ids["file"] = uploads.add_files(station, place, [upload], users["union1"])[0].id
            nominations.submit(station, users["union1"])
            ids["station"] = station.id
    return ids
