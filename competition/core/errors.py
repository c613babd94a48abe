"""The app's errors and the one JSON error shape every API failure takes.

Services raise these without knowing about HTTP; the API turns them into
`{"error": {"code", "message", "fields"}}` and pages (later) into a readable message.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from competition.core.i18n import N_
from competition.extensions import db

FieldErrors = dict[str, Any]

# A person reads these; the `code` word is for programs.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("请求格式不正确")),
    401: ("unauthorized", N_("未登录或登录已失效")),
    403: ("forbidden", N_("无权进行此操作")),
    404: ("not_found", N_("未找到")),
    405: ("method_not_allowed", N_("不支持此请求方法")),
    409: ("conflict", N_("当前状态不允许此操作")),
    410: ("gone", N_("文件已过保留期限，已删除")),
    413: ("too_large", N_("请求内容过大")),
    415: ("unsupported_media_type", N_("请求内容类型不受支持")),
    422: ("invalid", N_("提交的数据有误")),
    429: ("too_many_requests", N_("请求过于频繁，请稍后再试")),
    500: ("server_error", N_("服务器内部错误，请稍后再试")),
}


class AppError(Exception):
    """A refusal with a status, a word for programs and a message for a person."""

    status = 500

    def __init__(
        self, message: str | None = None, fields: FieldErrors | None = None, code: str | None = None
    ) -> None:
        default_code, default_message = HTTP_CODES[self.status]
        self.message = message or default_message
        self.fields = fields or {}
        self.code = code or default_code
        #: Sent with the JSON error (e.g. the ETag of a mark as it is now, with a 409 `stale`).
        self.headers: dict[str, str] = {}
        super().__init__(self.message)


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    status = 409


class Gone(AppError):
    """What was here was deliberately removed (a job's file past its keeping days)."""

    status = 410


class Invalid(AppError):
    status = 422


def error_response(
    status: int, code: str, message: str, fields: FieldErrors | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="competition"'
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/v") or request.accept_mimetypes.best == "application/json"


def error_page(status: int, message: str, fields: FieldErrors | None = None) -> Any:
    """A readable page for a refusal; a page that needs a sign-in sends the visitor to it."""
    if status == 401:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    return render_template(
        "error.html", status=status, message=message, fields=fields or {}
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(error: AppError) -> Any:
        db.session.rollback()
        if not _wants_json():
            return error_page(error.status, error.message, error.fields)
        response = error_response(error.status, error.code, error.message, error.fields)
        response.headers.update(error.headers)
        return response

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError) -> Any:
        return error_page(400, N_("页面已过期或来源不明，请刷新页面后重试。"))

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Any:
        status = error.code or 500
        code, message = HTTP_CODES.get(status, ("error", error.description or ""))
        if not _wants_json():
            if status < 400:
                return error
            return error_page(status, message)
        return error_response(status, code, message)

    @app.errorhandler(StaleDataError)
    def handle_stale_row(error: StaleDataError) -> Any:
        # A versioned row (a mark, an event, a contest) changed by someone else between this
        # request's reading and its writing: the later writer is refused, nothing is written.
        db.session.rollback()
        message = N_("数据已被他人修改，本次操作没有保存，请刷新后重试")
        if not _wants_json():
            return error_page(409, message)
        return error_response(409, "stale", message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Any:
        # Nothing half-done may reach the database after a failure we did not foresee.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        code, message = HTTP_CODES[500]
        if _wants_json():
            return error_response(500, code, message)
        return error_page(500, message)
