"""Team results (团体成绩) and the 优秀组织奖 through the API (api-v1 "Judging in depth"):
the ranking worked out from the final's results, who may read it, the awards list, and the
event's team size."""

from __future__ import annotations

from decimal import Decimal

from tests.support.errors import assert_error
from tests.support.factories import Api, build_world, login, make_user
from tests.support.teams import team_final


def test_units_ranked_by_their_best_three_with_equal_totals_decided_by_best_place(app, client):
    final = team_final(app, client)
    u1, u2, u3, u4 = final.units
    body = final.org.get(final.path)
    assert body["team_size"] == 3 and body["published"] is False
    assert body["ranking"] == [
        {"rank": 1, "unit_id": u2, "unit": "单位2", "total": "243.32",
         "members": final.people[u2]},
        {"rank": 2, "unit_id": u1, "unit": "单位1", "total": "243.32",
         "members": final.people[u1][:3]},
    ]  # fmt: skip
    # 单位3 has two finalists; 单位4 three, but one is absent and so not ranked.
    assert body["unranked"] == [
        {"unit_id": u3, "unit": "单位3", "reason": "决赛排名的选手 2 名，少于团体成绩计入的 3 名"},
        {"unit_id": u4, "unit": "单位4", "reason": "决赛排名的选手 2 名，少于团体成绩计入的 3 名"},
    ]
    assert body["organisation_awards"] == []


def test_the_team_results_agree_with_the_individual_results(app, client):
    final = team_final(app, client)
    results = final.org.get(f"/events/{final.event_id}/rounds/final/results")
    total = {r["contestant_id"]: r["total"] for r in results["ranking"]}
    rank = {r["contestant_id"]: r["rank"] for r in results["ranking"]}
    for team in final.org.get(final.path)["ranking"]:
        assert Decimal(team["total"]) == sum(Decimal(total[cid]) for cid in team["members"])
        assert [rank[cid] for cid in team["members"]] == sorted(rank[c] for c in team["members"])


def test_readable_as_the_finals_results_are(app, client):
    final = team_final(app, client)
    anonymous = Api(client)
    assert_error(anonymous.call("GET", final.path), 404)
    assert_error(Api(client, "bad-token").call("GET", final.path), 401)
    # A judge before publication: places and totals, but no unit (by id or name) nor members.
    judged = final.judge.get(final.path)
    assert [(t["rank"], t["unit_id"], t["unit"], t["total"], t["members"])
            for t in judged["ranking"]] == [(1, None, None, "243.32", []),
                                            (2, None, None, "243.32", [])]  # fmt: skip
    assert all(t["unit_id"] is None and t["unit"] is None for t in judged["unranked"])
    make_user(app, "outsider", "judge")
    assert_error(login(client, "outsider").call("GET", final.path), 404)
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    public = anonymous.get(final.path)
    assert public["published"] is True
    assert [t["unit"] for t in public["ranking"]] == ["单位2", "单位1"]
    assert final.judge.get(final.path) == public
    assert_error(anonymous.call("GET", f"/events/{final.event_id + 99}/rounds/final/team-results"),
                 404)  # fmt: skip


def test_the_team_size_counts_and_is_set_on_the_event(app, client):
    final = team_final(app, client, event={"team_size": 2})
    assert final.org.get(f"/events/{final.event_id}")["team_size"] == 2
    body = final.org.get(final.path)
    assert body["team_size"] == 2
    assert [(t["unit"], t["total"]) for t in body["ranking"]] == [
        ("单位2", "167.00"),  # 90 + 77
        ("单位1", "163.33"),  # 83.33 + 80
        ("单位3", "158.00"),  # 88 + 70
        ("单位4", "145.00"),  # 85 + 60: the absent third does not matter now
    ]
    assert body["unranked"] == []
    # Changed before the final is published; locked after.
    changed = final.org.call("PATCH", f"/events/{final.event_id}", {"team_size": 4}, status=200)
    assert changed.get_json()["team_size"] == 4
    body = final.org.get(final.path)
    assert [t["unit"] for t in body["ranking"]] == ["单位1"]  # the only unit with 4
    assert body["ranking"][0]["total"] == "293.32"
    assert [(t["unit"], t["reason"]) for t in body["unranked"]] == [
        ("单位2", "决赛排名的选手 3 名，少于团体成绩计入的 4 名"),
        ("单位3", "决赛排名的选手 2 名，少于团体成绩计入的 4 名"),
        ("单位4", "决赛排名的选手 2 名，少于团体成绩计入的 4 名"),
    ]
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    refused = final.org.call("PATCH", f"/events/{final.event_id}", {"team_size": 3})
    assert_error(refused, 409, "team_size")
    same = final.org.call("PATCH", f"/events/{final.event_id}", {"team_size": 4}, status=200)
    assert same.get_json()["team_size"] == 4


def test_team_size_on_creation(app, client):
    world = build_world(app, client, per_unit=(0,))
    path = f"/contests/{world.contest_id}/events"
    assert world.org.post(path, {"name": "焊工"})["team_size"] == 3
    assert world.org.post(path, {"name": "钳工", "team_size": 5})["team_size"] == 5
    assert world.org.post(path, {"name": "电工", "team_size": 20})["team_size"] == 20
    for bad in (0, 21, -1, "3", 2.5, True, None):
        response = world.org.call("POST", path, {"name": "车工", "team_size": bad})
        assert_error(response, 422, "team_size")
    patched = world.org.call("PATCH", f"/events/{world.event_id}", {"team_size": 0})
    assert_error(patched, 422, "team_size")


def test_organisation_awards_marked_and_unmarked_by_organisers(app, client):
    final = team_final(app, client)
    org, u1, u3 = final.org, final.units[0], final.units[2]
    award = f"/events/{final.event_id}/organisation-awards"
    marked = org.put(f"{award}/{u3}")
    assert (marked["event_id"], marked["unit_id"], marked["unit"]) == (final.event_id, u3, "单位3")
    assert marked["marked_at"]
    assert org.put(f"{award}/{u3}") == marked  # again: nothing new
    org.put(f"{award}/{u1}")
    assert org.get(final.path)["organisation_awards"] == [u1, u3]
    assert org.call("DELETE", f"{award}/{u1}", status=204).data == b""
    org.call("DELETE", f"{award}/{u1}", status=204)  # not on the list: still 204
    assert org.get(final.path)["organisation_awards"] == [u3]
    entries = org.get(f"/events/{final.event_id}/audit")["entries"]
    changes = [(e["action"], e["details"]["unit_id"]) for e in entries
               if e["action"].startswith("organisation_award.")]  # fmt: skip
    assert changes == [
        ("organisation_award.mark", u3),
        ("organisation_award.mark", u1),
        ("organisation_award.unmark", u1),
    ]
    # Judges see none of it before publication; everybody sees it after.
    assert final.judge.get(final.path)["organisation_awards"] == []
    org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    assert Api(client).get(final.path)["organisation_awards"] == [u3]


def test_organisation_award_refusals(app, client):
    final = team_final(app, client)
    org = final.org
    award = f"/events/{final.event_id}/organisation-awards"
    other = org.post("/contests", {"name": "另一个竞赛", "host": "总工会"})
    stranger = org.post(f"/contests/{other['id']}/units", {"name": "外单位"})["id"]
    idle = org.post(f"/contests/{final.contest_id}/units", {"name": "未参赛单位"})["id"]
    assert_error(org.call("PUT", f"{award}/{stranger}"), 404)
    assert_error(org.call("DELETE", f"{award}/{stranger}"), 404)
    assert_error(org.call("PUT", f"{award}/999999"), 404)
    assert_error(org.call("PUT", f"/events/999999/organisation-awards/{final.units[0]}"), 404)
    assert_error(org.call("PUT", f"{award}/{idle}"), 422, "unit_id")
    assert_error(final.judge.call("PUT", f"{award}/{final.units[0]}"), 403)
    assert_error(final.judge.call("DELETE", f"{award}/{final.units[0]}"), 403)
    assert_error(Api(client).call("PUT", f"{award}/{final.units[0]}"), 401)
    assert org.get(final.path)["organisation_awards"] == []


def test_awards_follow_a_merged_unit_and_go_with_a_removed_one(app, client):
    world = build_world(app, client, per_unit=(1, 1, 1))
    org, (legacy, proper, mistake) = world.org, world.units
    award = f"/events/{world.event_id}/organisation-awards"
    path = f"/events/{world.event_id}/rounds/final/team-results"
    for unit in (legacy, proper, mistake):
        org.put(f"{award}/{unit}")
    units = f"/contests/{world.contest_id}/units"
    org.post(f"{units}/{legacy}/merge", {"into_unit_id": proper, "reason": "同一单位"}, status=200)
    assert org.get(path)["organisation_awards"] == [proper, mistake]  # one award, not two
    (person,) = world.contestants[mistake]
    org.call("DELETE", f"/events/{world.event_id}/contestants/{person}", {"reason": "登记错误"},
             status=204)  # fmt: skip
    org.call("DELETE", f"{units}/{mistake}", {"reason": "登记错误"}, status=204)
    assert org.get(path)["organisation_awards"] == [proper]
    # A merge into a unit not yet named hands the award over.
    other = org.post(units, {"name": "单位4"})["id"]
    org.post(f"{units}/{proper}/merge", {"into_unit_id": other, "reason": "同一单位"}, status=200)
    assert org.get(path)["organisation_awards"] == [other]
