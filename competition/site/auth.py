"""Signing in and out, and the language switch."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from competition.core import users as user_service
from competition.core.i18n import LANGUAGE_COOKIE, LANGUAGES, _, lazy_gettext
from competition.core.ratelimits import sign_in_limited
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import safe_next
from competition.models import Role

#: Where each role lands after signing in: the page of what it can use, not the public front.
HOMES = {
    Role.ORGANISER: "web.console_home",
    Role.JUDGE: "web.judging_index",
    Role.EXPERT: "web.review_index",
    Role.TRAINEE: "web.my_review",
    Role.UNION: "web.union_home",
}


def home_of(role: str) -> str:
    return url_for(HOMES.get(role, "web.index"))


class LoginForm(FlaskForm):
    username = StringField(
        lazy_gettext("用户名"),
        validators=[DataRequired(lazy_gettext("请输入用户名")), Length(max=64)],
    )
    password = PasswordField(
        lazy_gettext("密码"),
        validators=[DataRequired(lazy_gettext("请输入密码")), Length(max=256)],
    )


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limited
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.username.data.strip(), form.password.data)
        if user is None:
            flash(_("用户名或密码不正确。"), "error")
        else:
            login_user(user)
            db.session.commit()
            asked = request.args.get("next")
            return redirect(safe_next(asked) if asked else home_of(user.role))
    status = 401 if request.method == "POST" else 200
    return render_template("site/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("已退出登录。"), "info")
    return redirect("/")


@bp.get("/lang/<code>")
def switch_language(code: str) -> ResponseReturnValue:
    response = make_response(redirect(safe_next(request.args.get("next"))))
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
