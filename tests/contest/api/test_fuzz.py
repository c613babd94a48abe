"""The API fuzzed from its own OpenAPI document (schemathesis): whatever a caller sends, the
answer is never a server error, and it is what the document says — a documented status, the
documented content type, a body of the documented shape.

The document is read from the app itself (`/api/v1/openapi.json`, in-process over WSGI). Each
operation gets a fresh database with a contest (units, an event, contestants, a judge and his
marks) and a cohort (trainees, experts), so ids 1, 2, … exist and requests reach the rules, not
only the 404s. Requests carry an organiser's token (a judge's or an expert's for what only
they may do, such as marking). Generation is deterministic (a fixed seed,
no example database) and has no deadline, so a run is the same every time. SQLite only: what is
checked here is the document and the input handling, not the database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from competition.app import create_app
from competition.http.fields import DECIMAL_PATTERN, DecimalValue
from tests.reviews.helpers import SHORTCOMINGS, SUGGESTIONS
from tests.support.factories import build_world, judge, login, make_user, mark

# Every documented operation, fuzzed from its schema: minutes, not seconds.
pytestmark = pytest.mark.slow

# 50 examples an operation keep `make test` quick; a longer hunt: COMPETITION_FUZZ_EXAMPLES=1000.
EXAMPLES = int(os.environ.get("COMPETITION_FUZZ_EXAMPLES", "50"))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260601,
        "generation": {
            "mode": "all",  # valid requests and invalid ones
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
# The document as served; its app never touches a database (the document is built from code).
_document_app = create_app(
    {"ENV": "testing", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app, config=CONFIG)

SMALL_IDS = (1, 2, 3)
ID_FIELDS = {"unit_id", "user_id", "session_id", "contestant_id"}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Ids the seeded database has (1, 2, 3) more often as whatever was generated, so requests get
    past the 404 and reach the rules; a component key the event has, likewise."""
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    choices: dict[str, Any] = {}
    for name, value in path_parameters.items():
        if name.endswith("_id") and isinstance(value, int):
            choices[name] = st.sampled_from([*SMALL_IDS, value])
        elif name == "component_key":
            choices[name] = st.one_of(st.sampled_from(["theory", "practical"]), st.just(value))
        else:
            choices[name] = st.just(value)
    return st.fixed_dictionaries(choices)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Ids in a body (a unit, a user, …) that exist, more often than generated ones."""
    if not isinstance(body, dict) or not ID_FIELDS & set(body):
        return st.just(body)
    return st.fixed_dictionaries(
        {
            key: st.sampled_from([*SMALL_IDS, value])
            if key in ID_FIELDS and isinstance(value, int) and not isinstance(value, bool)
            else st.just(value)
            for key, value in body.items()
        }
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Who calls what: the organiser, except where only a judge or an expert gets past the 403.
CALLER = {
    "PUT /events/{event_id}/rounds/{round}/marks/{contestant_id}/{component_key}": "judge",
    "GET /events/{event_id}/rounds/{round}/marks": "judge",
    "PUT /cohorts/{cohort_id}/trainees/{trainee_id}/review": "expert",
    "GET /cohorts/{cohort_id}/trainees/{trainee_id}/review": "expert",
    "POST /cohorts/{cohort_id}/sign-off": "expert",
}


@dataclass
class Seeded:
    app: Flask
    tokens: dict[str, str]

    def headers(self, case: schemathesis.Case) -> dict[str, str]:
        caller = CALLER.get(f"{case.method.upper()} {case.path}", "organiser")
        return {"Authorization": f"Bearer {self.tokens[caller]}"}


@pytest.fixture
def seeded(app: Flask, client: Any) -> Seeded:
    """A contest and a cohort, so the ids the fuzzer tries (small integers) mostly exist."""
    world = build_world(app, client, per_unit=(3, 3))
    _judge_id, panel = judge(app, client, world.org, world.event_id, "judge1")
    for contestant_id in world.all_contestants():
        for component in ("theory", "practical"):
            mark(panel, world.event_id, "preliminary", contestant_id, component, "80")
    cohort = world.org.post("/cohorts", {"name": "2021年职工工匠研修班", "year": 2021})
    trainee_login = make_user(app, "trainee1", "trainee")
    for n in (1, 2):
        world.org.post(
            f"/cohorts/{cohort['id']}/trainees",
            {
                "name": f"学员{n}",
                "unit": f"单位{n}",
                "user_id": trainee_login if n == 1 else None,
            },
        )
    expert_id = make_user(app, "expert1", "expert")
    world.org.post(f"/cohorts/{cohort['id']}/experts", {"user_id": expert_id, "lead": True})
    expert = login(client, "expert1")
    expert.put(
        f"/cohorts/{cohort['id']}/trainees/1/review",
        {"score": 90, "shortcomings": SHORTCOMINGS, "suggestions": SUGGESTIONS},
    )
    tokens = {"organiser": world.org.token, "judge": panel.token, "expert": expert.token}
    return Seeded(app=app, tokens={k: v for k, v in tokens.items() if v is not None})


@schema.parametrize()
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_document_says(case: schemathesis.Case, seeded: Seeded) -> None:
    case.call_and_validate(app=seeded.app, headers=seeded.headers(case), checks=CHECKS)


def test_the_document_says_what_a_decimal_looks_like() -> None:
    """Scores travel as decimal strings; the document gives their pattern, which is exactly
    what the API reads (so the fuzzer can send valid marks) and what it writes."""
    document = schema.raw_schema
    mark_in = document["components"]["schemas"]["MarkIn"]["properties"]["value"]
    assert mark_in["type"] == "string" and mark_in["pattern"] == DECIMAL_PATTERN
    field = DecimalValue()
    for text in ("80", "83.33", "0.5", ".5", "+1", "100."):
        assert re.fullmatch(DECIMAL_PATTERN, text)
        field.deserialize(text)
    for text in ("1e3", "NaN", "八十", "1,5", ""):
        assert not re.fullmatch(DECIMAL_PATTERN, text)
        with pytest.raises(ValidationError):
            field.deserialize(text)
    assert re.fullmatch(DECIMAL_PATTERN, field._serialize(Decimal("83.3"), None, None) or "")
