"""Tokens, users and the `users create` command (api-v1.md "Conventions" and "Users")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from competition.extensions import db
from competition.models import ApiToken, User
from competition.models.types import utcnow
from tests.support.errors import assert_error
from tests.support.factories import PASSWORD, Api, login, make_user, organiser

TOKENS = "/api/v1/tokens"


def user_count(app: Any, username: str | None = None) -> int:
    with app.app_context():
        query = select(func.count(User.id))
        if username is not None:
            query = query.where(User.username == username)
        return db.session.scalar(query) or 0


# ---------------------------------------------------------------- POST /tokens
def test_login_returns_a_token_and_the_user(app, client):
    user_id = make_user(app, "alice", "judge")
    response = client.post(TOKENS, json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["token"], str) and len(body["token"]) >= 20
    assert body["user"] == {"id": user_id, "username": "alice", "role": "judge"}


def test_each_login_gets_its_own_token(app, client):
    make_user(app, "alice", "judge")
    first = login(client, "alice").token
    second = login(client, "alice").token
    assert first != second
    Api(client, first).get("/users/me")
    Api(client, second).get("/users/me")


def test_wrong_password_and_unknown_user_are_the_same_401(app, client):
    make_user(app, "alice", "judge")
    wrong_password = client.post(TOKENS, json={"username": "alice", "password": "not-it-at-all"})
    unknown_user = client.post(TOKENS, json={"username": "nobody", "password": PASSWORD})
    first = assert_error(wrong_password, 401)
    second = assert_error(unknown_user, 401)
    assert first == second
    assert "token" not in wrong_password.get_json()


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "alice"}, "password"),
        ({}, "username"),
    ],
)
def test_login_with_a_missing_field_is_422(app, client, body, missing):
    make_user(app, "alice", "judge")
    assert_error(client.post(TOKENS, json=body), 422, missing)


@pytest.mark.parametrize("raw", ['{"username": "alice", "password": ', "not json", "{'a': 1}"])
def test_login_with_malformed_json_is_400(app, client, raw):
    response = client.post(TOKENS, data=raw, content_type="application/json")
    assert_error(response, 400)


def test_login_with_wrong_types_is_422(app, client):
    make_user(app, "alice", "judge")
    response = client.post(TOKENS, json={"username": "alice", "password": 12345678})
    assert_error(response, 422, "password")


# ---------------------------------------------------------------- using and losing a token
def test_a_token_opens_a_protected_endpoint(app, client):
    org = organiser(app, client)
    me = org.get("/users/me")
    assert me["username"] == "org" and me["role"] == "organiser"
    contest = org.post("/contests", {"name": "第五届职工职业技能竞赛", "host": "总工会"})
    assert contest["name"] == "第五届职工职业技能竞赛"


def test_without_a_token_a_protected_endpoint_is_401(app, client):
    assert_error(client.get("/api/v1/users/me"), 401)
    response = client.post("/api/v1/contests", json={"name": "x", "host": "y"})
    assert_error(response, 401)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_an_expired_token_is_401(app, client):
    org = organiser(app, client)
    org.get("/users/me")
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_error(org.call("GET", "/users/me"), 401)
    assert_error(org.call("POST", "/contests", {"name": "x", "host": "y"}), 401)


def test_a_token_still_valid_for_a_while_works(app, client):
    org = organiser(app, client)
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() + timedelta(minutes=1)))
        db.session.commit()
    org.get("/users/me")


def test_revoking_the_current_token(app, client):
    org = organiser(app, client)
    other = login(client, "org")
    response = org.call("DELETE", "/tokens/current")
    assert response.status_code in (200, 204)
    assert_error(org.call("GET", "/users/me"), 401)
    assert_error(org.call("DELETE", "/tokens/current"), 401)
    # Only that one token is revoked, not every session of the user.
    other.get("/users/me")


def test_revoking_without_a_token_is_401(client):
    assert_error(client.delete("/api/v1/tokens/current"), 401)


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Basic x", "Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer    ", "nonsense"],
)
@pytest.mark.parametrize("path", ["/api/v1/contests", "/api/v1/users/me"])
def test_bad_credentials_are_401_even_where_anonymous_is_allowed(app, client, header, path):
    anonymous = client.get(path)
    if path == "/api/v1/contests":
        assert anonymous.status_code == 200
    assert_error(client.get(path, headers={"Authorization": header}), 401)


def test_bad_credentials_are_401_on_published_results(app, client):
    # The results of a missing event would be 404 for anyone; a bad token is refused first.
    response = client.get(
        "/api/v1/events/999/rounds/final/results", headers={"Authorization": "Bearer nonsense"}
    )
    assert_error(response, 401)


def test_a_revoked_token_is_401_where_anonymous_is_allowed(app, client):
    org = organiser(app, client)
    org.call("DELETE", "/tokens/current")
    assert_error(org.call("GET", "/contests"), 401)


# ---------------------------------------------------------------- POST /users
def test_organiser_creates_a_user_who_can_log_in(app, client):
    org = organiser(app, client)
    body = {
        "username": "judge1",
        "password": "longpassword1",
        "role": "judge",
        "display_name": "张三",
    }
    created = org.post("/users", body)
    assert {"id", "username", "role"} <= set(created)
    assert created["username"] == "judge1" and created["role"] == "judge"
    assert "password" not in created and "password_hash" not in created
    judge = login(client, "judge1", "longpassword1")
    assert judge.get("/users/me")["id"] == created["id"]


@pytest.mark.parametrize("role", ["organiser", "judge", "expert", "trainee"])
def test_every_role_of_the_contract_can_be_created(app, client, role):
    org = organiser(app, client)
    created = org.post("/users", {"username": "u1", "password": "longpassword1", "role": role})
    assert created["role"] == role


def test_duplicate_username_is_409(app, client):
    org = organiser(app, client)
    org.post("/users", {"username": "judge1", "password": "longpassword1", "role": "judge"})
    response = org.call(
        "POST", "/users", {"username": "judge1", "password": "otherpassword2", "role": "expert"}
    )
    assert_error(response, 409)
    assert user_count(app, "judge1") == 1
    # The first account is untouched.
    assert login(client, "judge1", "longpassword1").get("/users/me")["role"] == "judge"


def test_judge_cannot_create_users(app, client):
    organiser(app, client)
    make_user(app, "j1", "judge")
    judge = login(client, "j1")
    before = user_count(app)
    body = {"username": "x1", "password": "longpassword1", "role": "organiser"}
    assert_error(judge.call("POST", "/users", body), 403)
    # 403 comes before 400: a judge learns nothing about the body.
    assert_error(judge.call("POST", "/users", raw="{not json"), 403)
    assert user_count(app) == before


def test_anonymous_cannot_create_users(app, client):
    body = {"username": "x1", "password": "longpassword1", "role": "organiser"}
    assert_error(client.post("/api/v1/users", json=body), 401)
    assert_error(client.post("/api/v1/users", data="{not json"), 401)
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "short"}, "password"),
        ({"password": "1234567"}, "password"),
        ({"role": "admin"}, "role"),
        ({"role": "Organiser"}, "role"),
        ({"role": None}, "role"),
        ({"username": "a"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": ""}, "username"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_invalid_new_user_is_422_naming_the_field(app, client, changes, field):
    org = organiser(app, client)
    before = user_count(app)
    body = {"username": "judge1", "password": "longpassword1", "role": "judge", **changes}
    assert_error(org.call("POST", "/users", body), 422, field)
    assert user_count(app) == before


@pytest.mark.parametrize("missing", ["username", "password", "role"])
def test_new_user_missing_a_field_is_422(app, client, missing):
    org = organiser(app, client)
    body = {"username": "judge1", "password": "longpassword1", "role": "judge"}
    del body[missing]
    assert_error(org.call("POST", "/users", body), 422, missing)


def test_create_user_with_malformed_json_is_400(app, client):
    org = organiser(app, client)
    before = user_count(app)
    assert_error(org.call("POST", "/users", raw='{"username": "x",'), 400)
    assert user_count(app) == before


def test_a_password_with_surrounding_spaces_logs_in_as_created(app, client):
    org = organiser(app, client)
    org.post("/users", {"username": "judge1", "password": "  spaced pass  ", "role": "judge"})
    response = client.post(TOKENS, json={"username": "judge1", "password": "  spaced pass  "})
    assert response.status_code == 201, response.get_data(as_text=True)
    # The spaces are part of the password, not noise around it.
    trimmed = client.post(TOKENS, json={"username": "judge1", "password": "spaced pass"})
    assert_error(trimmed, 401)


# ---------------------------------------------------------------- flask users create
CREATE_BOSS = ["users", "create", "boss", "--role", "organiser"]


def assert_cli_refused(result: Any) -> None:
    """Refused the way a person can read (a click error), not by an exception escaping."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error" in result.output
    assert "Traceback" not in result.output


def test_cli_creates_an_organiser_who_can_log_in(app, client, runner):
    result = runner.invoke(args=CREATE_BOSS, input="longpassword1\nlongpassword1\n")
    assert result.exit_code == 0, result.output
    assert "boss" in result.output
    assert "longpassword1" not in result.output
    boss = login(client, "boss", "longpassword1")
    me = boss.get("/users/me")
    assert me["username"] == "boss" and me["role"] == "organiser"
    # An organiser made on the command line can make the next users through the API.
    boss.post("/users", {"username": "judge1", "password": "longpassword2", "role": "judge"})


def test_cli_with_a_single_line_creates_the_user(app, client, runner):
    result = runner.invoke(args=CREATE_BOSS, input="longpassword1\n")
    assert result.exit_code == 0, result.output
    login(client, "boss", "longpassword1")


def test_cli_without_a_final_newline_creates_the_user(app, client, runner):
    result = runner.invoke(args=CREATE_BOSS, input="longpassword1")
    assert result.exit_code == 0, result.output
    login(client, "boss", "longpassword1")


def test_cli_with_mismatching_lines_creates_nothing(app, client, runner):
    result = runner.invoke(args=CREATE_BOSS, input="longpassword1\nlongpassword2\n")
    assert_cli_refused(result)
    assert user_count(app) == 0
    assert_error(client.post(TOKENS, json={"username": "boss", "password": "longpassword1"}), 401)


@pytest.mark.parametrize("stdin", ["", "short\nshort\n"])
def test_cli_without_a_usable_password_creates_nothing(app, runner, stdin):
    assert_cli_refused(runner.invoke(args=CREATE_BOSS, input=stdin))
    assert user_count(app) == 0


def test_cli_with_an_unknown_role_creates_nothing(app, runner):
    result = runner.invoke(
        args=["users", "create", "boss", "--role", "admin"], input="longpassword1\n"
    )
    assert result.exit_code != 0
    assert user_count(app) == 0


def test_cli_duplicate_name_fails_clearly(app, client, runner):
    first = runner.invoke(args=CREATE_BOSS, input="longpassword1\n")
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        args=["users", "create", "boss", "--role", "judge"], input="otherpassword2\n"
    )
    assert_cli_refused(second)
    assert "boss" in second.output
    assert user_count(app, "boss") == 1
    # The existing account keeps its password and role.
    assert login(client, "boss", "longpassword1").get("/users/me")["role"] == "organiser"


def test_the_api_neither_reads_nor_renews_the_pages_session_cookie(app, client):
    """Signed in on the pages, the same browser calling the API is anonymous there: the API
    knows bearer tokens only, and leaves the session cookie alone."""
    from tests.support.pages import organiser_pages

    pages = organiser_pages(app, client)
    assert client.get_cookie("session") is not None
    assert pages.client.get("/console").status_code == 200  # signed in on the pages
    response = client.get("/api/v1/users/me")
    assert_error(response, 401)
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.vary
    listed = client.get("/api/v1/contests")
    assert listed.status_code == 200 and "Set-Cookie" not in listed.headers
    assert client.get("/console").status_code == 200  # still signed in on the pages
