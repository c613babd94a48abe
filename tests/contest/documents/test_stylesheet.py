"""The trimmed user-agent stylesheet makes documents faster and changes nothing on paper.

Every kind of document the demo prints is rendered twice, with WeasyPrint's own user-agent
stylesheet and with the trimmed one (`render.trimmed_ua_css`), and each page is compared pixel
by pixel.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML

from competition.core.demo_logins import ORGANISER_PASSWORD
from competition.pdf import render
from tests.support.factories import login
from tests.support.pdf import page_count, page_png

DOCUMENTS = [
    "/events/1/rounds/final/certificates.pdf",
    "/events/1/rounds/final/results.pdf",
    "/events/1/rounds/preliminary/results.pdf",
    "/events/1/rounds/final/score-sheets.pdf",
    "/cohorts/1/file.pdf",
]


def test_weasyprint_still_takes_its_stylesheet_from_the_hook():
    assert callable(getattr(HTML, "_ua_stylesheets", None))
    css = render.trimmed_ua_css()
    assert "::footnote-call" not in css and "[dir=rtl i]" not in css and "[hidden], area" not in css
    assert "li::marker" in css and "td, th { padding: 1px }" in css


@pytest.mark.slow  # renders every kind of document twice and compares the pictures
def test_documents_look_the_same_with_the_trimmed_stylesheet(app, client, runner, monkeypatch):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the drawing does not depend on the database")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    org = login(client, "organiser", ORGANISER_PASSWORD)
    printed: list[str] = []
    trimmed_class = render._html_class()

    class Keeping(trimmed_class):  # type: ignore[misc,valid-type]
        def __init__(self, *, string: str, **kwargs: object) -> None:
            printed.append(string)
            super().__init__(string=string, **kwargs)

    monkeypatch.setattr(render, "_html_class", lambda: Keeping)
    for path in DOCUMENTS:
        org.call("GET", path, status=200)
    assert len(printed) >= len(DOCUMENTS)

    def plain(html: str) -> bytes:
        return HTML(string=html, url_fetcher=render._safe_fetcher()).write_pdf()

    def trimmed(html: str) -> bytes:
        return trimmed_class(string=html, url_fetcher=render._safe_fetcher()).write_pdf()

    for html in set(printed):
        before, after = plain(html), trimmed(html)
        assert page_count(before) == page_count(after)
        for page in range(1, min(page_count(before), 2) + 1):
            assert page_png(before, page, dpi=60) == page_png(after, page, dpi=60), html[:300]
