"""Configuration from the environment, so one build runs on a laptop and behind gunicorn alike."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from competition.core.workdays import parse_dates


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot give a safe configuration."""


def _default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "competition.sqlite3")


def _dates(variable: str) -> frozenset[Any]:
    try:
        return parse_dates(os.environ.get(variable))
    except ValueError as error:
        raise ConfigError(f"{variable}: {error}") from error


def _public_base_url() -> str | None:
    """The address printed in the certificates' QR codes. A typo here would be printed on
    every certificate of a final, so anything but an http(s) address stops the start."""
    value = (os.environ.get("PUBLIC_BASE_URL") or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
        raise ConfigError(
            f"PUBLIC_BASE_URL must be the site's public address, such as "
            f"https://contest.example.org, not {value!r}"
        )
    return value.rstrip("/")


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app's settings.

    `COMPETITION_ENV` is `production` unless said otherwise: a forgotten variable must fail closed
    (a missing SECRET_KEY stops the app) rather than run a public server with a known key.
    """
    overrides = dict(overrides or {})
    env = overrides.pop("ENV", None) or os.environ.get("COMPETITION_ENV", "production")
    if env not in {"production", "development", "testing"}:
        raise ConfigError(
            f"COMPETITION_ENV must be production, development or testing, not {env!r}"
        )
    config: dict[str, Any] = {
        "COMPETITION_ENV": env,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or _default_database_url(instance_path),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "TOKEN_TTL": timedelta(hours=int(os.environ.get("TOKEN_TTL_HOURS", "12"))),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # scrypt costs ~0.1 s a hash, which is the point; the test suite creates hundreds.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000" if env == "testing" else "scrypt",
        "JSON_SORT_KEYS": False,
        # Chinese is the source language of every message; other languages are translations.
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind TLS in production; a plain-HTTP trial sets SESSION_COOKIE_SECURE=0.
        "SESSION_COOKIE_SECURE": os.environ.get(
            "SESSION_COOKIE_SECURE", "1" if env == "production" else "0"
        )
        == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "PROXY_FIX": os.environ.get("PROXY_FIX", "0") == "1",
        # Unset: the address each request came in on (fine behind a proxy with PROXY_FIX=1).
        "PUBLIC_BASE_URL": _public_base_url(),
        # Per-process memory counts each gunicorn worker apart (limits × workers at worst);
        # point it at Redis or Memcached (e.g. redis://localhost:6379) for exact shared counts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Rankings kept per worker, each under its event's result stamp (see services/results):
        # a ranking of 10,000 people takes some 10-20 MB; 0 turns the cache off.
        "RESULTS_CACHE_ENTRIES": int(os.environ.get("RESULTS_CACHE_ENTRIES", "8")),
        # Each gunicorn worker renders a throwaway certificate before its first request
        # (gunicorn.conf.py, competition/contest/documents/warm.py), so the first real one
        # after a restart costs what a warm one does. Off in tests and development: they start
        # many apps.
        "WARM_START": os.environ.get("WARM_START", "1" if env == "production" else "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Public holidays and the weekend days worked instead (调休), for the notice period (公示):
        # ISO dates or ranges, e.g. HOLIDAYS="2026-10-01..2026-10-07" WORKING_WEEKENDS="2026-10-10".
        "HOLIDAYS": _dates("HOLIDAYS"),
        "WORKING_WEEKENDS": _dates("WORKING_WEEKENDS"),
        # The job queue (competition.core.jobs): empty is a SQLite file beside the database
        # (no server: `make run`); redis://host:6379/0 when workers run on several machines.
        "JOB_QUEUE_URL": os.environ.get("JOB_QUEUE_URL", ""),
        # Finished jobs' files; every web server offering them must see this folder.
        "JOB_FILES_DIR": os.environ.get("JOB_FILES_DIR") or None,
        # A running job whose worker is silent this long is taken up again by another.
        "JOB_STALE_SECONDS": float(os.environ.get("JOB_STALE_SECONDS", "60")),
        # A finished job's file is deleted this many days after it was made (the job stays,
        # marked expired; its page offers to make the file again).
        "JOB_RESULT_DAYS": int(os.environ.get("JOB_RESULT_DAYS", "7")),
        # A confirmed import of more rows than this runs as a job, with progress.
        "IMPORT_JOB_ROWS": int(os.environ.get("IMPORT_JOB_ROWS", "2000")),
        # Processes laying out a big batch of certificates (competition.pdf.parallel): one per
        # core by default, one in tests (a test about parallelism asks for more).
        "PDF_PROCESSES": int(
            os.environ.get("PDF_PROCESSES") or (1 if env == "testing" else os.cpu_count() or 1)
        ),
        # Award programmes' evidence files (photos, PDFs): stored under their SHA-256 in this
        # folder (default: award-files in the instance folder), each at most this size, at
        # most this many per criterion of a station.
        "AWARD_UPLOAD_FOLDER": os.environ.get("AWARD_UPLOAD_FOLDER") or None,
        "AWARD_FILE_MAX_BYTES": int(os.environ.get("AWARD_FILE_MAX_BYTES", str(5 * 1024 * 1024))),
        "AWARD_FILES_PER_CRITERION": int(os.environ.get("AWARD_FILES_PER_CRITERION", "10")),
    }
    if env in {"development", "testing"} and not config["SECRET_KEY"]:
        config["SECRET_KEY"] = f"{env}-only-not-secret"
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgres://"):
        # Heroku-style URLs name a dialect SQLAlchemy 2 no longer accepts.
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql://" + config[
            "SQLALCHEMY_DATABASE_URI"
        ].removeprefix("postgres://")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + config[
            "SQLALCHEMY_DATABASE_URI"
        ].removeprefix("postgresql://")
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # A server can restart, or a firewall drop a quiet connection: a pooled connection left
    # idle this many seconds is pinged before use (`extensions.ping_idle_connections`), which
    # spares the first request after it an error. One used a moment ago is not: under load a
    # ping before every request cost each mark a round trip. A database file cannot drop a
    # connection: None, no ping.
    config.setdefault(
        "DATABASE_PING_AFTER",
        None if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else 1.0,
    )
    if not config["SECRET_KEY"]:
        raise ConfigError(
            "SECRET_KEY is not set. Set it to a long random string, e.g.\n"
            "  export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
            "or set COMPETITION_ENV=development for a local trial."
        )
    return config
