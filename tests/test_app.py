"""Configuration, the API's description and its docs page."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from competition.config import ConfigError, load_config
from competition.http.blueprints import api as api_blueprint
from competition.http.openapi import UndocumentedRoute, build_spec, operation, undocumented
from tests.conftest import BACKENDS
from tests.support.factories import PASSWORD, make_user
from tests.support.pages import Pages

needs_postgres = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="PostgreSQL is not among this run's databases"
)


def test_secret_key_is_required_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("COMPETITION_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/contest")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/contest"
    monkeypatch.delenv("DATABASE_URL")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("competition.sqlite3")


def test_only_a_database_servers_idle_connections_are_pinged(monkeypatch, tmp_path):
    """A restarted server drops pooled connections; a file cannot, and a ping costs a mark a
    round trip."""
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example/contest")
    assert load_config(str(tmp_path))["DATABASE_PING_AFTER"] == 1.0
    assert load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"] == {}
    monkeypatch.delenv("DATABASE_URL")
    assert load_config(str(tmp_path))["DATABASE_PING_AFTER"] is None
    given = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3}, "DATABASE_PING_AFTER": 5}
    config = load_config(str(tmp_path), given)
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_size": 3}
    assert config["DATABASE_PING_AFTER"] == 5


def _pings(monkeypatch, engine) -> list[object]:
    pings: list[object] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


@needs_postgres
def test_a_connection_used_a_moment_ago_is_not_pinged_one_left_idle_is(
    monkeypatch, postgres_server
):
    from sqlalchemy import create_engine, event

    from competition.extensions import ping_idle_connections

    engine = create_engine(postgres_server)
    ping_idle_connections(engine, 60)
    pings = _pings(monkeypatch, engine)
    aging: list[bool] = []

    @event.listens_for(engine, "checkin")  # after the idle clock's own: it goes back a minute
    def _lain_idle_a_minute(dbapi_connection, record) -> None:
        if aging:
            aging.pop()
            record.info["idle_since"] -= 61

    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first and pings == []  # the same one, straight back
        aging.append(True)
        assert _backend_pid(engine) == first and pings == []  # then left idle a minute
        assert _backend_pid(engine) == first and len(pings) == 1
        assert _backend_pid(engine) == first and len(pings) == 1
    finally:
        engine.dispose()


@needs_postgres
def test_an_idle_connection_the_server_dropped_is_replaced_not_failed(postgres_server):
    """As after a restart of the database server in a quiet moment: the next request is served
    on a new connection instead of failing on the dead one."""
    from sqlalchemy import create_engine

    from competition.extensions import ping_idle_connections

    engine, other = create_engine(postgres_server), create_engine(postgres_server)
    ping_idle_connections(engine, 0)
    try:
        dead = _backend_pid(engine)
        with other.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({dead})")
        assert _backend_pid(engine) != dead
    finally:
        engine.dispose()
        other.dispose()


def test_public_base_url_must_be_a_web_address(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert load_config(str(tmp_path))["PUBLIC_BASE_URL"] is None
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://contest.example.org/")
    assert load_config(str(tmp_path))["PUBLIC_BASE_URL"] == "https://contest.example.org"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://example.org/union/contest")
    assert load_config(str(tmp_path))["PUBLIC_BASE_URL"] == "https://example.org/union/contest"
    for wrong in ("contest.example.org", "ftp://contest.example.org", "https://", "https://a b"):
        monkeypatch.setenv("PUBLIC_BASE_URL", wrong)
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
            load_config(str(tmp_path))


def test_unknown_environment_name_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPETITION_ENV", "staging")
    with pytest.raises(ConfigError, match="COMPETITION_ENV"):
        load_config(str(tmp_path))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from sqlalchemy import text

    from competition.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_openapi_describes_every_api_route(app, client):
    """The document is made from the routes, so this holds by construction; it is the
    document as served that is checked, with the rules spelled out independently."""
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, operations in spec["paths"].items()
        for method in operations
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_document":
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", "{" + name + "}").replace(
                f"<{name}>", "{" + name + "}"
            )
        path = path.replace("{round_kind}", "{round}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((method, path))
    assert routed == documented
    assert spec["openapi"].startswith("3.")
    assert "Error" in spec["components"]["schemas"]


def _api_app() -> tuple[Flask, Blueprint]:
    """A bare app with a blueprint named and placed as the API's, to try `build_spec` on."""
    app = Flask(__name__)
    return app, Blueprint(api_blueprint.name, __name__, url_prefix=api_blueprint.url_prefix)


def test_an_undocumented_api_route_fails_the_document():
    app, bp = _api_app()

    @bp.get("/things/<int:thing_id>")
    @operation("a thing", tag="things", auth="none", errors=(404,))
    def thing(thing_id: int) -> str:
        return ""

    @bp.post("/things")
    def add_thing() -> str:
        return ""

    app.register_blueprint(bp)
    with pytest.raises(UndocumentedRoute, match=r"POST /api/v1/things \(api.add_thing\)"):
        build_spec(app)


def test_the_document_takes_each_route_from_the_url_map():
    """Paths relative to the prefix with `{name}` for each argument, the method from the rule,
    one `@operation` per method where a view serves several; the document itself is left
    out."""
    app, bp = _api_app()

    @bp.route("/things/<int:thing_id>/parts/<part>.pdf", methods=["GET", "PUT"])
    @operation("read", tag="things", auth="optional", method="get")
    @operation("write", tag="things", auth="required", status=204, method="put")
    def part(thing_id: int, part: str) -> str:
        return ""

    @bp.get("/openapi.json")
    @undocumented
    def document() -> str:
        return ""

    app.register_blueprint(bp)
    spec = build_spec(app)
    assert build_spec(app) is spec  # built once per app
    assert list(spec["paths"]) == ["/things/{thing_id}/parts/{part}.pdf"]
    operations = spec["paths"]["/things/{thing_id}/parts/{part}.pdf"]
    assert {m: o["summary"] for m, o in operations.items()} == {"get": "read", "put": "write"}
    assert operations["get"]["operationId"] == "get_things_thing_id_parts_part.pdf"
    assert [p["name"] for p in operations["put"]["parameters"]] == ["thing_id", "part"]
    assert list(operations["put"]["responses"]) == ["204"]

    app, bp = _api_app()

    @bp.route("/things", methods=["GET", "POST"])
    @operation("read only", tag="things", auth="none", method="get")
    def things() -> str:
        return ""

    app.register_blueprint(bp)
    with pytest.raises(UndocumentedRoute, match="POST /api/v1/things"):
        build_spec(app)


def test_api_docs_page_lists_the_contract(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/v1/events/{event_id}/rounds/{round}/results" in page
    assert "TieResolutionIn" in page


def test_unknown_api_path_gets_the_error_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_the_favicon_is_served_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page


def test_signing_in_lands_on_the_page_of_what_the_role_can_use(app):
    homes = {
        "organiser": "/console",
        "judge": "/judging",
        "expert": "/review",
        "trainee": "/my/review",
    }
    for role, home in homes.items():
        make_user(app, f"the-{role}", role)
        pages = Pages(app.test_client())
        token = pages.token("/login")
        answer = pages.client.post(
            "/login", data={"username": f"the-{role}", "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 302 and answer.headers["Location"] == home, role
        assert pages.client.get(home).status_code == 200, role
    # a link that asked for a page still leads there
    pages = Pages(app.test_client())
    token = pages.token("/login")
    answer = pages.client.post(
        "/login?next=/results",
        data={"username": "the-judge", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.headers["Location"] == "/results"
