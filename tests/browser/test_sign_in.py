"""Signing in and out in a real browser."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in
from tests.support.factories import PASSWORD, make_user


def test_sign_in_and_out(app, live_server, page):
    make_user(app, "organiser", "organiser")
    page.goto(f"{live_server}/")
    screenshot(page, "home")
    sign_in(page, live_server, "organiser", "wrong password")
    assert "用户名或密码不正确" in page.inner_text(".flash")
    screenshot(page, "login-refused")
    sign_in(page, live_server, "organiser", PASSWORD)
    assert page.inner_text("header .who") == "organiser"
    page.click("header button:has-text('退出')")
    assert "已退出登录" in page.inner_text(".flash")


def test_language_switch(app, live_server, page):
    page.goto(f"{live_server}/login")
    page.click("text=English")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "en"


def test_forged_form_without_csrf_token_is_refused(app, client):
    make_user(app, "organiser", "organiser")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "organiser", "password": PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_a_page_needing_sign_in_redirects_to_login(app, client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert "返回首页" in response.get_data(as_text=True)
