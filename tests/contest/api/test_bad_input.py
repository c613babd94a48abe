"""What callers send wrong: marks, events, contestants and bodies (api-v1.md "Conventions").

Every refused request must leave the data as it was; each test compares a snapshot of what the
organiser can see (contestants, the audit trail, the results) before and after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.errors import assert_error
from tests.support.factories import Api, World, build_world, judge, mark

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number(first17: str) -> str:
    """A resident identity number with its GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def masked(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def assert_field_like(error: dict[str, Any], prefix: str) -> None:
    """Some field named `prefix` or nested under it (`components.0.weight`) is blamed."""
    assert any(k == prefix or k.startswith(prefix + ".") for k in error["fields"]), error


def snapshot(org: Api, event_id: int) -> dict[str, Any]:
    return {
        "contestants": org.get(f"/events/{event_id}/contestants")["contestants"],
        "audit": org.get(f"/events/{event_id}/audit")["entries"],
        "preliminary": org.get(f"/events/{event_id}/rounds/preliminary/results"),
        "final": org.get(f"/events/{event_id}/rounds/final/results"),
    }


# ---------------------------------------------------------------- marks
@dataclass
class Marking:
    world: World
    judge: Api
    contestant_id: int

    @property
    def org(self) -> Api:
        return self.world.org

    @property
    def event_id(self) -> int:
        return self.world.event_id

    def path(self, component: str = "theory", round_: str = "preliminary") -> str:
        return f"/events/{self.event_id}/rounds/{round_}/marks/{self.contestant_id}/{component}"

    def put(self, body: Any = None, raw: str | bytes | None = None, path: str | None = None) -> Any:
        return self.judge.call("PUT", path or self.path(), body, raw=raw)

    def theory_score(self) -> str:
        results = self.org.get(f"/events/{self.event_id}/rounds/preliminary/results")
        (entry,) = (e for e in results["ranking"] if e["contestant_id"] == self.contestant_id)
        return entry["scores"]["theory"]


@pytest.fixture
def marking(app, client) -> Marking:
    """One contestant with the judge's theory mark at 50.00 and practical at 60.00."""
    world = build_world(app, client, per_unit=(1,))
    _, api = judge(app, client, world.org, world.event_id, "j1")
    contestant_id = world.all_contestants()[0]
    mark(api, world.event_id, "preliminary", contestant_id, "theory", "50")
    # The practical mark makes the contestant ranked, so the theory score shows in the results.
    mark(api, world.event_id, "preliminary", contestant_id, "practical", "60")
    return Marking(world, api, contestant_id)


@pytest.fixture
def unchanged(marking: Marking) -> Iterator[None]:
    """After the test: the mark, the audit trail, the contestants and the results are as before."""
    before = snapshot(marking.org, marking.event_id)
    yield
    assert marking.theory_score() == "50.00"
    assert snapshot(marking.org, marking.event_id) == before


def refuse_all(marking: Marking, status: int, field: str | None, raws: list[str | bytes]) -> None:
    for raw in raws:
        response = marking.put(raw=raw)
        assert response.status_code == status, (raw, response.get_data(as_text=True))
        assert_error(response, status, field)


def test_non_json_number_literals_are_400(marking, unchanged):
    refuse_all(
        marking, 400, None, ['{"value": NaN}', '{"value": Infinity}', '{"value": -Infinity}']
    )


def test_malformed_json_mark_is_400(marking, unchanged):
    raws = ['{"value": 83.5', '{"value": 83.5}}', "{'value': 83.5}", '{"value": 083}', "value=1"]
    refuse_all(marking, 400, None, raws)


NON_NUMERIC = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "abc",
    "1e2x",
    "83,5",
    "",
    " ",
    "0x10",
    True,
    False,
    None,
    [],
    [83],
    {},
    {"value": 83},
]


def test_non_numeric_values_are_422(marking, unchanged):
    refuse_all(marking, 422, "value", [json.dumps({"value": v}) for v in NON_NUMERIC])


def test_values_outside_zero_to_max_are_422(marking, unchanged):
    raws = ['{"value": -0.01}', '{"value": "-0.01"}', '{"value": 100.01}', '{"value": "100.01"}']
    refuse_all(marking, 422, "value", raws)


def test_three_decimal_places_are_422(marking, unchanged):
    raws = ['{"value": 83.555}', '{"value": "83.555"}', '{"value": 83.001}', '{"value": 0.001}']
    refuse_all(marking, 422, "value", raws)


def test_huge_values_are_422(marking, unchanged):
    raws = ['{"value": 1e30}', '{"value": "100000000000000000000000000000"}', '{"value": 1e999}']
    refuse_all(marking, 422, "value", raws)


def test_a_decimal_string_and_a_number_are_both_accepted(marking):
    for raw in ['{"value": "83.5"}', '{"value": 83.5}', '{"value": " 83.50 "}']:
        marking.put({"value": 1})
        response = marking.put(raw=raw)
        assert response.status_code == 200, (raw, response.get_data(as_text=True))
        assert response.get_json()["value"] == "83.50"
        assert response.get_json()["component"] == "theory"
        assert response.get_json()["contestant_id"] == marking.contestant_id
        assert marking.theory_score() == "83.50"


def test_the_bounds_are_accepted(marking):
    for raw, shown in [('{"value": 0}', "0.00"), ('{"value": 100}', "100.00"), ('"-0"', "0.00")]:
        body = raw if raw.startswith("{") else '{"value": ' + raw + "}"
        response = marking.put(raw=body)
        assert response.status_code == 200, (raw, response.get_data(as_text=True))
        assert response.get_json()["value"] == shown
        assert marking.theory_score() == shown


def test_unknown_component_is_422(marking, unchanged):
    assert_error(marking.put({"value": 50}, path=marking.path("attitude")), 422)


def test_unknown_round_is_404(marking, unchanged):
    for round_ in ["semifinal", "Preliminary", "1"]:
        assert_error(marking.put({"value": 50}, path=marking.path(round_=round_)), 404)


def test_unknown_contestant_or_event_is_404(marking, unchanged):
    for path in [
        f"/events/{marking.event_id}/rounds/preliminary/marks/999999/theory",
        f"/events/999999/rounds/preliminary/marks/{marking.contestant_id}/theory",
    ]:
        assert_error(marking.put({"value": 50}, path=path), 404)


def test_contestant_of_another_event_is_404(marking):
    world = marking.world
    other = world.org.post(f"/contests/{world.contest_id}/events", {"name": "车工"})
    stranger = world.org.post(
        f"/events/{other['id']}/contestants", {"name": "别的选手", "unit_id": world.units[0]}
    )
    before = snapshot(world.org, marking.event_id)
    path = f"/events/{marking.event_id}/rounds/preliminary/marks/{stranger['id']}/theory"
    assert_error(marking.put({"value": 50}, path=path), 404)
    assert snapshot(world.org, marking.event_id) == before
    assert snapshot(world.org, other["id"])["audit"] == []


def test_unknown_fields_in_a_mark_are_422(marking, unchanged):
    for body in [{"value": 50, "score": 50}, {"value": 50, "judge_id": 1}, {"mark": 50}]:
        error = assert_error(marking.put(body), 422)
        assert set(body) - {"value"} <= set(error["fields"]), error


def test_a_mark_body_that_is_not_an_object_is_422(marking, unchanged):
    refuse_all(marking, 422, None, ["[]", '[{"value": 50}]', '"50"', "50", "null"])


def test_an_empty_or_undecodable_mark_body_is_400(marking, unchanged):
    refuse_all(marking, 400, None, [b"", b"   ", b"\n", b"\xff{", b'{"value": "\xff"}'])


def test_a_mark_without_a_value_is_422(marking, unchanged):
    assert_error(marking.put({}), 422, "value")


def test_a_deeply_nested_body_is_a_client_error(marking, unchanged):
    response = marking.put(raw="[" * 100_000 + "]" * 100_000)
    assert response.status_code in (400, 422), response.status_code
    assert_error(response, response.status_code)


def test_a_refused_mark_does_not_touch_the_audit_trail(marking):
    before = marking.org.get(f"/events/{marking.event_id}/audit")["entries"]
    marking.put(raw='{"value": 101}')
    marking.put(raw='{"value": NaN}')
    marking.put({"value": "abc"})
    assert marking.org.get(f"/events/{marking.event_id}/audit")["entries"] == before
    # A good one is recorded, with the old and the new value.
    assert marking.put({"value": "70"}).status_code == 200
    entries = marking.org.get(f"/events/{marking.event_id}/audit")["entries"]
    assert len(entries) == len(before) + 1
    assert entries[-1]["old_value"] == "50.00" and entries[-1]["new_value"] == "70.00"


# ---------------------------------------------------------------- events
@pytest.fixture
def contest(app, client) -> tuple[Api, int]:
    world = build_world(app, client, per_unit=())
    return world.org, world.contest_id


def event_names(org: Api, contest_id: int) -> list[str]:
    return [e["name"] for e in org.get(f"/contests/{contest_id}")["events"]]


def component(key: str, weight: Any, max_score: Any = "100", **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "weight": weight, "max_score": max_score, **extra}


def create_event(contest: tuple[Api, int], **body: Any) -> Any:
    org, contest_id = contest
    return org.call("POST", f"/contests/{contest_id}/events", {"name": "数控车工", **body})


def refuse_event(contest: tuple[Api, int], field: str, **body: Any) -> dict[str, Any]:
    org, contest_id = contest
    before = event_names(org, contest_id)
    error = assert_error(create_event(contest, **body), 422)
    assert_field_like(error, field)
    assert event_names(org, contest_id) == before
    return error


def with_theory(**theory: Any) -> list[dict[str, Any]]:
    """The reference components with the theory component changed."""
    return [{**component("theory", "0.30"), **theory}, component("practical", "0.70")]


def test_weights_not_adding_up_to_one_are_422(contest):
    for weights in [("0.30", "0.60"), ("0.50", "0.60"), ("0.3", "0.7", "0.01"), ("1", "1")]:
        components = [component(f"c{i}", w) for i, w in enumerate(weights)]
        error = refuse_event(contest, "components", components=components, tie_breaks=[])
        assert "components" in error["fields"], (weights, error)


def test_only_weight_zero_components_are_422(contest):
    refuse_event(contest, "components", components=[component("a", "0")], tie_breaks=[])


def test_duplicate_component_keys_are_422(contest):
    components = [component("theory", "0.5"), component("theory", "0.5")]
    error = refuse_event(contest, "components", components=components, tie_breaks=[])
    assert "components" in error["fields"]


def test_no_components_is_422(contest):
    refuse_event(contest, "components", components=[], tie_breaks=[])


def test_bad_tie_breaks_are_422(contest):
    for tie_breaks in [["speed"], ["practical", "practical"], [1], "practical"]:
        refuse_event(contest, "tie_breaks", tie_breaks=tie_breaks)


def test_bad_weight_is_422(contest):
    for weight in ["abc", "NaN", True, None, -0.3, "1.5", "0.12345", [0.5]]:
        refuse_event(contest, "components", components=with_theory(weight=weight))


def test_bad_max_score_is_422(contest):
    for max_score in ["0", -100, "abc", None, "100.001"]:
        refuse_event(contest, "components", components=with_theory(max_score=max_score))


def test_bad_component_key_is_422(contest):
    for key in ["Theory", "1st", "with space", "", "k" * 33]:
        refuse_event(contest, "components", components=with_theory(key=key))


@pytest.mark.parametrize("which", ["weight", "max_score"])
def test_huge_weight_or_max_score_is_422(contest, which):
    refuse_event(contest, "components", components=with_theory(**{which: 1e30}))


def test_a_weight_zero_component_is_allowed(contest):
    components = [
        component("theory", "0.30"),
        component("practical", 0.7),
        component("time_used", "0", "600", higher_is_better=False),
    ]
    response = create_event(contest, components=components, tie_breaks=["practical", "time_used"])
    assert response.status_code == 201, response.get_data(as_text=True)
    event = response.get_json()
    assert [c["weight"] for c in event["components"]] == ["0.30", "0.70", "0.00"]
    assert event["components"][2]["higher_is_better"] is False
    assert event["tie_breaks"] == ["practical", "time_used"]
    assert [r["round"] for r in event["rounds"]] == ["preliminary", "final"]


def test_event_defaults_are_the_reference_rules(contest):
    response = create_event(contest)
    assert response.status_code == 201, response.get_data(as_text=True)
    event = response.get_json()
    assert event["group"] == "职工组"
    assert event["min_finalists_per_unit"] == 3
    assert [(c["key"], c["weight"]) for c in event["components"]] == [
        ("theory", "0.30"),
        ("practical", "0.70"),
    ]
    assert event["tie_breaks"] == ["practical"]


def test_bad_min_finalists_per_unit_is_422(contest):
    for value in [0, -1, True, False, "3", 2.5, None]:
        refuse_event(contest, "min_finalists_per_unit", min_finalists_per_unit=value)


def test_empty_event_name_or_group_is_422(contest):
    refuse_event(contest, "name", name="  ")
    refuse_event(contest, "group", group="")


def test_unknown_field_in_an_event_is_422(contest):
    refuse_event(contest, "rounds", rounds=["preliminary"])
    refuse_event(contest, "components", components=with_theory(colour="red"))


def test_malformed_or_empty_event_body(contest):
    org, contest_id = contest
    before = event_names(org, contest_id)
    assert_error(org.call("POST", f"/contests/{contest_id}/events", raw='{"name": "x"'), 400)
    assert_error(org.call("POST", f"/contests/{contest_id}/events", raw=""), 400)
    assert_error(org.call("POST", f"/contests/{contest_id}/events", raw="[]"), 422)
    assert event_names(org, contest_id) == before


# ---------------------------------------------------------------- contestants
@pytest.fixture
def registry(app, client) -> World:
    return build_world(app, client, per_unit=(1,))


def register(world: World, **body: Any) -> Any:
    payload = {"name": "李四", "unit_id": world.units[0], **body}
    return world.org.call("POST", f"/events/{world.event_id}/contestants", payload)


def refuse_contestant(world: World, status: int, field: str | None = None, **kw: Any) -> None:
    before = snapshot(world.org, world.event_id)
    raw = kw.pop("raw", None)
    if raw is not None:
        response = world.org.call("POST", f"/events/{world.event_id}/contestants", raw=raw)
    else:
        response = register(world, **kw)
    assert response.status_code == status, (kw, raw, response.get_data(as_text=True))
    assert_error(response, status, field)
    assert snapshot(world.org, world.event_id) == before


def test_unknown_unit_or_unit_of_another_contest_is_422(registry):
    refuse_contestant(registry, 422, "unit_id", unit_id=999999)
    org = registry.org
    other = org.post("/contests", {"name": "另一个竞赛", "host": "总工会"})
    stranger = org.post(f"/contests/{other['id']}/units", {"name": "外单位"})
    refuse_contestant(registry, 422, "unit_id", unit_id=stranger["id"])


def test_unit_id_that_is_not_an_integer_is_422(registry):
    for unit_id in [str(registry.units[0]), True, None, 1.5]:
        refuse_contestant(registry, 422, "unit_id", unit_id=unit_id)


def test_bad_id_number_is_422(registry):
    assert id_number("11010519900307123") == "110105199003071239"
    for value in [
        "110105199003071238",  # the check character is 9
        "110105199003071230",
        "11010519491231002Y",
        "110105194912310021",  # the check character is X
        "1101051949123100",
        "1101051949123100211",
        "ABCDEFGHIJKLMNOPQR",
        "",
        110105199003071239,
    ]:
        refuse_contestant(registry, 422, "id_number", id_number=value)


def test_an_id_number_is_only_ever_returned_masked(registry):
    value = id_number("11010519900307123")
    response = register(registry, id_number=value)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert {"id", "number", "name", "unit_id"} <= set(created)
    assert created["name"] == "李四" and created["unit_id"] == registry.units[0]
    assert value not in response.get_data(as_text=True)
    assert created["id_number"] == "110***********1239"
    for path in [
        f"/events/{registry.event_id}/contestants",
        f"/events/{registry.event_id}/audit",
        f"/events/{registry.event_id}/rounds/preliminary/results",
        f"/events/{registry.event_id}/rounds/preliminary/results.pdf",
        f"/events/{registry.event_id}",
    ]:
        page = registry.org.call("GET", path).get_data()
        assert value.encode() not in page, path
    listed = registry.org.get(f"/events/{registry.event_id}/contestants")["contestants"]
    mine = next(c for c in listed if c["id"] == created["id"])
    assert mine["id_number"] == "110***********1239"


def test_a_judge_sees_no_id_number_at_all(app, client, registry):
    value = id_number("11010519900307123")
    assert register(registry, id_number=value).status_code == 201
    _, api = judge(app, client, registry.org, registry.event_id, "j1")
    page = api.call("GET", f"/events/{registry.event_id}/contestants", status=200)
    assert value not in page.get_data(as_text=True)
    assert "1239" not in page.get_data(as_text=True)


def test_an_id_number_with_x_is_masked_too(registry):
    value = id_number("11010519491231002")
    assert value.endswith("X")
    created = register(registry, id_number=value)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert value not in created.get_data(as_text=True)
    listed = registry.org.call("GET", f"/events/{registry.event_id}/contestants")
    assert value not in listed.get_data(as_text=True)
    assert masked(value) in listed.get_data(as_text=True)


def test_duplicate_explicit_contest_number_is_409(registry):
    first = register(registry, number="A07")
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json()["number"] == "A07"
    refuse_contestant(registry, 409, number="A07", name="王五")


def test_bad_explicit_contest_number_is_422(registry):
    for number in ["A/07", "", "A" * 17, "一号"]:
        refuse_contestant(registry, 422, "number", number=number)


def test_unknown_fields_in_a_contestant_are_422(registry):
    for field in ["gender", "id", "finalist"]:
        refuse_contestant(registry, 422, field, **{field: "x"})


def test_a_contestant_body_that_is_not_an_object_is_422(registry):
    for raw in ["[]", '[{"name": "李四", "unit_id": 1}]', "null", '"李四"']:
        refuse_contestant(registry, 422, raw=raw)


def test_an_empty_or_malformed_contestant_body_is_400(registry):
    for raw in ["", "  ", '{"name": "李四"', "{name: 1}"]:
        refuse_contestant(registry, 400, raw=raw)


def test_a_contestant_missing_a_field_is_422(registry):
    for missing in ["name", "unit_id"]:
        body = {"name": "李四", "unit_id": registry.units[0]}
        del body[missing]
        refuse_contestant(registry, 422, missing, raw=json.dumps(body))


# ---------------------------------------------------------------- numbers out of any range
def test_a_huge_unit_id_is_422(registry):
    refuse_contestant(registry, 422, "unit_id", unit_id=2**70)


def test_a_huge_event_id_in_the_path_is_404(registry):
    assert_error(registry.org.call("GET", "/events/99999999999999999999"), 404)


def test_a_huge_id_in_the_path_is_404_whatever_the_method(registry):
    """Found by fuzzing: GET of a path whose POST twin exists was a 405, not a 404."""
    huge = 2**40
    for method, path in [
        ("GET", f"/contests/{huge}/units"),
        ("POST", f"/contests/{huge}/units"),
        ("GET", f"/events/{huge}/judges"),
        ("POST", f"/events/{huge}/judges"),
        ("PUT", f"/cohorts/{huge}/rubric"),
    ]:
        assert_error(registry.org.call(method, path, {"name": "x"}), 404)
    assert registry.org.client.get(f"/console/contests/{huge}").status_code in (302, 404)


def test_a_bad_unit_id_query_argument_is_422(registry):
    for value in ["abc", "-1", "1.5"]:
        path = f"/events/{registry.event_id}/rounds/preliminary/results?unit_id={value}"
        assert_error(registry.org.call("GET", path), 422, "unit_id")


def test_a_superscript_digit_unit_id_query_argument_is_422(registry):
    path = f"/events/{registry.event_id}/rounds/preliminary/results?unit_id=%C2%B2"
    assert_error(registry.org.call("GET", path), 422, "unit_id")


def test_an_unknown_unit_id_query_argument_is_404(registry):
    path = f"/events/{registry.event_id}/rounds/preliminary/results?unit_id=999999"
    assert_error(registry.org.call("GET", path), 404)


def test_an_unknown_api_path_is_404_in_the_error_shape(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404)
