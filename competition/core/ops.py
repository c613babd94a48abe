"""Running in production: security headers, one structured log line per request, the health
check for the load balancer, and the proxy settings for a TLS-terminating front end."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from competition.extensions import db

request_log = logging.getLogger("competition.requests")
bp = Blueprint("ops", __name__)

# Scripts only from this site (no inline script, no CDN); inline style attributes are allowed
# (charts and tables use them), frames are refused so no page can be overlaid on ours.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@bp.get("/healthz")
def health() -> tuple[Response, int]:
    """For the load balancer: 200 while the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex


def _finish(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    request_id = g.get("request_id")
    if request_id:
        headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    if started is not None and request.endpoint != "ops.health":
        record: dict[str, Any] = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "remote": request.remote_addr,
            # Noted when the token was read: after the commit, `user.id` would reload the user.
            "user": g.get("api_user_id"),
        }
        request_log.info(json.dumps(record, ensure_ascii=False))
    return response


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        # Behind nginx/Caddy: trust one hop's X-Forwarded-For/-Proto (client address, https).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.before_request(_start_timer)
    app.after_request(_finish)
    app.register_blueprint(bp)
    if not request_log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = False
