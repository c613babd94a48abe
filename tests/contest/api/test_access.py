"""Who may mark and read what, the order of refusals, and the finalists' rules (api-v1.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.errors import assert_error
from tests.support.factories import Api, World, build_world, judge, login, make_user, mark

# One component marks the whole event, so a complete ranking takes one mark per contestant.
SIMPLE_EVENT = {
    "components": [{"key": "score", "name": "成绩", "weight": "1", "max_score": "100"}],
    "tie_breaks": [],
    "min_finalists_per_unit": 2,
}


@dataclass
class Contest:
    """Two units: A with three contestants, B with two; one judge for the whole event."""

    world: World
    judge: Api
    judge_id: int
    client: Any
    app: Any

    @property
    def org(self) -> Api:
        return self.world.org

    @property
    def event_id(self) -> int:
        return self.world.event_id

    @property
    def unit_a(self) -> int:
        return self.world.units[0]

    @property
    def unit_b(self) -> int:
        return self.world.units[1]

    @property
    def a(self) -> list[int]:
        return self.world.contestants[self.unit_a]

    @property
    def b(self) -> list[int]:
        return self.world.contestants[self.unit_b]

    def path(self, contestant_id: int, round_: str = "preliminary", key: str = "score") -> str:
        return f"/events/{self.event_id}/rounds/{round_}/marks/{contestant_id}/{key}"

    def results_path(self, round_: str = "preliminary", query: str = "") -> str:
        return f"/events/{self.event_id}/rounds/{round_}/results{query}"

    def user(self, username: str, role: str) -> Api:
        make_user(self.app, username, role)
        return login(self.client, username)

    def mark_all(self, values: dict[int, Any], round_: str = "preliminary") -> None:
        for contestant_id, value in values.items():
            mark(self.judge, self.event_id, round_, contestant_id, "score", value)

    def publish(self, round_: str = "preliminary") -> None:
        self.org.post(f"/events/{self.event_id}/rounds/{round_}/publish", status=200)

    def finalists(self, unit_id: int, count: int, status: int = 201) -> Any:
        body = {"unit_id": unit_id, "count": count}
        return self.org.call("POST", f"/events/{self.event_id}/finalists", body, status=status)

    def snapshot(self) -> dict[str, Any]:
        return {
            "audit": self.org.get(f"/events/{self.event_id}/audit")["entries"],
            "finalists": self.org.get(f"/events/{self.event_id}/finalists"),
            "preliminary": self.org.get(self.results_path("preliminary")),
            "final": self.org.get(self.results_path("final")),
        }


@pytest.fixture
def contest(app, client) -> Contest:
    world = build_world(app, client, per_unit=(3, 2), event=SIMPLE_EVENT)
    judge_id, api = judge(app, client, world.org, world.event_id, "j1")
    return Contest(world, api, judge_id, client, app)


@pytest.fixture
def ranked(contest: Contest) -> Contest:
    """Every contestant marked, no ties: A 90 > 80 > 70, B 85 > 75."""
    a, b = contest.a, contest.b
    contest.mark_all({a[0]: 90, a[1]: 80, a[2]: 70, b[0]: 85, b[1]: 75})
    return contest


# ---------------------------------------------------------------- who may mark
def test_an_assigned_judge_marks(contest):
    body = contest.judge.put(contest.path(contest.a[0]), {"value": "88.5"})
    assert body == {
        "contestant_id": contest.a[0],
        "component": "score",
        "judge_id": contest.judge_id,
        "value": "88.50",
    }


def test_a_judge_not_assigned_to_the_event_is_403(contest):
    stranger = contest.user("j2", "judge")
    before = contest.snapshot()
    assert_error(stranger.call("PUT", contest.path(contest.a[0]), {"value": 50}), 403)
    assert contest.snapshot() == before


def test_a_judge_of_another_event_is_403(contest):
    org, world = contest.org, contest.world
    other = org.post(f"/contests/{world.contest_id}/events", {"name": "车工", **SIMPLE_EVENT})
    elsewhere = org.post(
        f"/events/{other['id']}/contestants", {"name": "别的选手", "unit_id": contest.unit_a}
    )
    # j1 judges the first event only.
    path = f"/events/{other['id']}/rounds/preliminary/marks/{elsewhere['id']}/score"
    assert_error(contest.judge.call("PUT", path, {"value": 50}), 403)


@pytest.mark.parametrize("role", ["organiser", "expert", "trainee"])
def test_other_roles_cannot_enter_marks(contest, role):
    caller = contest.org if role == "organiser" else contest.user("someone", role)
    before = contest.snapshot()
    assert_error(caller.call("PUT", contest.path(contest.a[0]), {"value": 50}), 403)
    assert contest.snapshot() == before


def test_a_unit_committee_judge_marks_only_their_units_preliminary(contest):
    _, unit_judge = judge(
        contest.app, contest.client, contest.org, contest.event_id, "ja", unit_id=contest.unit_a
    )
    unit_judge.put(contest.path(contest.a[0]), {"value": 60})
    before = contest.snapshot()
    assert_error(unit_judge.call("PUT", contest.path(contest.b[0]), {"value": 60}), 403)
    # The final is the organising committee's, even for the unit's own finalists.
    contest.mark_all({a: 90 - i for i, a in enumerate(contest.a)})
    contest.mark_all({b: 80 - i for i, b in enumerate(contest.b)})
    finalist = contest.finalists(contest.unit_a, 2).get_json()["finalists"][0]
    before = contest.snapshot()
    final_path = contest.path(finalist, round_="final")
    assert_error(unit_judge.call("PUT", final_path, {"value": 60}), 403)
    assert contest.snapshot() == before
    # ... which the event-wide judge may mark.
    contest.judge.put(final_path, {"value": 60})


def test_a_unit_committee_judge_is_403_for_the_final_of_a_non_finalist(contest):
    # 403 before 422: the unit's judge may not mark the final at all.
    _, unit_judge = judge(
        contest.app, contest.client, contest.org, contest.event_id, "ja", unit_id=contest.unit_a
    )
    final_path = contest.path(contest.a[0], round_="final")
    assert_error(unit_judge.call("PUT", final_path, {"value": 60}), 403)


# ---------------------------------------------------------------- who may read results
def test_results_before_publication(contest):
    contest.mark_all({contest.a[0]: 90, contest.b[0]: 80})
    path = contest.results_path()
    assert_error(contest.client.get("/api/v1" + path), 404)
    for role in ["trainee", "expert", "judge"]:
        # A judge of no event (or another event) is as good as anyone else here.
        assert_error(contest.user(f"u-{role}", role).call("GET", path), 404)

    seen_by_judge = contest.judge.get(path)
    assert seen_by_judge["round"] == "preliminary" and seen_by_judge["published"] is False
    assert [e["contestant_id"] for e in seen_by_judge["ranking"]] == [contest.a[0], contest.b[0]]
    for entry in seen_by_judge["ranking"]:
        assert entry["name"] is None and entry["unit"] is None
        assert entry["number"] and entry["total"] and entry["scores"]["score"]
    incomplete = {i["contestant_id"] for i in seen_by_judge["incomplete"]}
    assert incomplete == {contest.a[1], contest.a[2], contest.b[1]}

    seen_by_org = contest.org.get(path)
    top = seen_by_org["ranking"][0]
    assert top["name"] == "选手1-1" and top["unit"] == "单位1"
    assert top["rank"] == 1 and top["total"] == "90.00" and top["decided_by"] is None
    # Apart from the identities, the judge sees the same results.
    for mine, theirs in zip(seen_by_judge["ranking"], seen_by_org["ranking"], strict=True):
        assert {**theirs, "name": None, "unit": None} == mine


def test_a_unit_committee_judge_reads_results_without_names(contest):
    _, unit_judge = judge(
        contest.app, contest.client, contest.org, contest.event_id, "ja", unit_id=contest.unit_a
    )
    contest.mark_all({contest.a[0]: 90})
    results = unit_judge.get(contest.results_path(query=f"?unit_id={contest.unit_a}"))
    assert [(e["name"], e["unit"]) for e in results["ranking"]] == [(None, None)]


def test_results_after_publication_are_public_with_names(ranked):
    ranked.publish()
    anonymous = Api(ranked.client)
    results = anonymous.get(ranked.results_path())
    assert results["published"] is True
    assert [e["contestant_id"] for e in results["ranking"]] == [
        ranked.a[0],
        ranked.b[0],
        ranked.a[1],
        ranked.b[1],
        ranked.a[2],
    ]
    assert [e["rank"] for e in results["ranking"]] == [1, 2, 3, 4, 5]
    assert results["ranking"][0]["name"] == "选手1-1"
    assert results["ranking"][0]["unit"] == "单位1"
    assert results["incomplete"] == [] and results["unresolved_ties"] == []
    # One unit's own ranking, for anyone too.
    unit_b = anonymous.get(ranked.results_path(query=f"?unit_id={ranked.unit_b}"))
    assert [(e["rank"], e["contestant_id"]) for e in unit_b["ranking"]] == [
        (1, ranked.b[0]),
        (2, ranked.b[1]),
    ]
    # Once published, the judges see the names as well; the final is still not public.
    assert ranked.judge.get(ranked.results_path())["ranking"][0]["name"] == "选手1-1"
    assert ranked.user("t1", "trainee").get(ranked.results_path())["published"] is True
    assert_error(anonymous.call("GET", ranked.results_path("final")), 404)


def test_results_of_a_missing_event_or_round_are_404(contest):
    assert_error(contest.org.call("GET", "/events/999999/rounds/preliminary/results"), 404)
    assert_error(contest.org.call("GET", contest.results_path("semifinal")), 404)
    assert_error(contest.client.get("/api/v1/events/999999/rounds/final/results"), 404)


# ---------------------------------------------------------------- the order of refusals
def test_anonymous_mark_on_a_missing_event_is_401(contest):
    path = "/api/v1/events/999999/rounds/preliminary/marks/1/score"
    assert_error(contest.client.put(path, json={"value": 50}), 401)
    assert_error(contest.client.put(path, data="{not json"), 401)
    assert_error(contest.client.put("/api/v1" + contest.path(contest.a[0]), data="{"), 401)


def test_a_bad_token_on_a_missing_event_is_401(contest):
    bad = Api(contest.client, "nonsense")
    assert_error(bad.call("PUT", "/events/999999/rounds/preliminary/marks/1/score", raw="{"), 401)


def test_judge_mark_on_a_missing_event_round_or_contestant_is_404(contest):
    stranger = contest.user("j2", "judge")
    for caller in [contest.judge, stranger]:
        for path in [
            "/events/999999/rounds/preliminary/marks/1/score",
            contest.path(999999),
            contest.path(contest.a[0], round_="semifinal"),
        ]:
            # 404 before 403 (the stranger) and before 400 (the body).
            assert_error(caller.call("PUT", path, raw="{not json"), 404)


def test_unassigned_judge_with_malformed_json_is_403(contest):
    stranger = contest.user("j2", "judge")
    assert_error(stranger.call("PUT", contest.path(contest.a[0]), raw="{not json"), 403)
    assert_error(stranger.call("PUT", contest.path(contest.a[0]), raw='{"value": NaN}'), 403)


def test_assigned_judge_with_malformed_json_is_400(contest):
    assert_error(contest.judge.call("PUT", contest.path(contest.a[0]), raw="{not json"), 400)
    # 400 before 422 as well: a malformed body is not read for an unknown component.
    path = contest.path(contest.a[0], key="attitude")
    assert_error(contest.judge.call("PUT", path, raw="{not json"), 400)


def test_on_a_published_round_invalid_is_422_and_valid_is_409(ranked):
    ranked.publish()
    before = ranked.snapshot()
    path = ranked.path(ranked.a[0])
    assert_error(ranked.judge.call("PUT", path, raw="{not json"), 400)
    assert_error(ranked.judge.call("PUT", path, {"value": 101}), 422, "value")
    assert_error(ranked.judge.call("PUT", path, {"value": "abc"}), 422, "value")
    assert_error(ranked.judge.call("PUT", ranked.path(ranked.a[0], key="nope"), {"value": 5}), 422)
    assert_error(ranked.judge.call("PUT", path, {"value": 50}), 409)
    # Sending the very same value again is refused as well: the round is locked.
    assert_error(ranked.judge.call("PUT", path, {"value": 90}), 409)
    assert ranked.snapshot() == before


def test_refusals_of_organiser_actions_follow_the_order(contest):
    stranger = contest.user("j2", "judge")
    event = contest.event_id
    for path in ["/events/999999/finalists", "/events/999999/rounds/preliminary/publish"]:
        assert_error(contest.client.post("/api/v1" + path, data="{"), 401)
        assert_error(stranger.call("POST", path, raw="{"), 404)
    for path in [f"/events/{event}/finalists", f"/events/{event}/rounds/preliminary/publish"]:
        assert_error(stranger.call("POST", path, raw="{"), 403)
        assert_error(contest.judge.call("POST", path, raw="{"), 403)
    assert_error(contest.org.call("POST", f"/events/{event}/finalists", raw="{"), 400)


# ---------------------------------------------------------------- finalists
def refuse_finalists(contest: Contest, unit_id: int, count: Any, status: int) -> dict[str, Any]:
    before = contest.snapshot()
    error = assert_error(contest.finalists(unit_id, count, status=None), status)
    assert contest.snapshot() == before
    return error


def test_finalists_are_the_units_top_count(ranked):
    body = ranked.finalists(ranked.unit_a, 2).get_json()
    assert body == {"unit_id": ranked.unit_a, "finalists": [ranked.a[0], ranked.a[1]]}
    listed = ranked.org.get(f"/events/{ranked.event_id}/finalists")["finalists"]
    assert listed == [
        {"contestant_id": ranked.a[0], "unit_id": ranked.unit_a},
        {"contestant_id": ranked.a[1], "unit_id": ranked.unit_a},
    ]
    # Sending it again replaces that unit's finalists.
    ranked.finalists(ranked.unit_a, 3)
    listed = ranked.org.get(f"/events/{ranked.event_id}/finalists")["finalists"]
    assert [f["contestant_id"] for f in listed] == ranked.a
    # The final ranks the finalists only.
    final = ranked.org.get(ranked.results_path("final"))
    assert {i["contestant_id"] for i in final["incomplete"]} == set(ranked.a)


def test_finalist_count_below_the_minimum_is_422(ranked):
    for count in [1, 0, -1]:
        refuse_finalists(ranked, ranked.unit_a, count, 422)


def test_finalist_count_above_the_ranked_is_422(ranked):
    refuse_finalists(ranked, ranked.unit_a, 4, 422)
    refuse_finalists(ranked, ranked.unit_b, 3, 422)


def test_finalists_with_a_bad_unit_or_count_are_422(ranked):
    refuse_finalists(ranked, 999999, 2, 422)
    org = ranked.org
    other = org.post("/contests", {"name": "另一个竞赛", "host": "总工会"})
    stranger = org.post(f"/contests/{other['id']}/units", {"name": "外单位"})
    refuse_finalists(ranked, stranger["id"], 2, 422)
    for count in ["2", True, 2.5, None]:
        refuse_finalists(ranked, ranked.unit_a, count, 422)


def test_finalists_of_an_incomplete_unit_ranking_are_409(contest):
    contest.mark_all({contest.a[0]: 90, contest.a[1]: 80})
    refuse_finalists(contest, contest.unit_a, 2, 409)
    # A count above the ranked is the request's own fault, which comes first (422 before 409).
    refuse_finalists(contest, contest.unit_a, 3, 422)


def test_finalists_cut_inside_an_unresolved_tie_is_409(contest):
    contest.mark_all({contest.a[0]: 90, contest.a[1]: 80, contest.a[2]: 80})
    refuse_finalists(contest, contest.unit_a, 2, 409)
    # Taking the whole tie group is fine.
    contest.finalists(contest.unit_a, 3)


def test_marking_the_final_for_a_non_finalist_is_422(ranked):
    ranked.finalists(ranked.unit_a, 2)
    before = ranked.snapshot()
    for outsider in [ranked.a[2], ranked.b[0]]:
        path = ranked.path(outsider, round_="final")
        assert_error(ranked.judge.call("PUT", path, {"value": 50}), 422)
    assert ranked.snapshot() == before
    ranked.judge.put(ranked.path(ranked.a[0], round_="final"), {"value": 50})


def test_finalists_cannot_change_once_a_final_mark_exists(ranked):
    ranked.finalists(ranked.unit_a, 2)
    ranked.judge.put(ranked.path(ranked.a[0], round_="final"), {"value": 50})
    refuse_finalists(ranked, ranked.unit_a, 3, 409)
    refuse_finalists(ranked, ranked.unit_a, 2, 409)
    # Nor another unit's: the final has begun for the whole event.
    refuse_finalists(ranked, ranked.unit_b, 2, 409)
