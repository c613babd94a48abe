"""Craftsman-class pages through the Flask test client: each person signs in with their own
cookie jar and posts forms with the CSRF token read from a page, as a browser would.

Cohorts are set up through the API (tests/reviews/helpers.py), as an organiser's program
would; the pages are then used as organisers, experts and trainees use them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.reviews.helpers import LECTURE_RUBRIC, Cohort, build_cohort
from tests.support.factories import PASSWORD
from tests.support.pages import Pages, sign_in

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class Person(Pages):
    """A signed-in visitor who can also call the pages' JSON endpoints (session + CSRF header)."""

    def json(
        self, method: str, url: str, body: Any, status: int | None = None, token: bool = True
    ) -> Any:
        headers = {"Accept": "application/json"}
        if token:
            headers["X-CSRFToken"] = self.token("/login")
        response = self.client.open(url, method=method, json=body, headers=headers)
        if status is not None:
            assert response.status_code == status, (
                f"{method} {url} -> {response.status_code}, expected {status}: "
                f"{response.get_data(as_text=True)[:1500]}"
            )
        return response


def person(app: Flask, username: str, password: str = PASSWORD) -> Person:
    pages = sign_in(app.test_client(), username, password)
    return Person(pages.client)


@pytest.fixture(autouse=True)
def _import_folder(app, tmp_path):
    """Uploads waiting for confirmation go to a temporary folder, not the instance folder."""
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")


@pytest.fixture
def rubric_cohort(app, client) -> Cohort:
    """3 trainees (logins trainee1…3), 3 experts (expert1 leads), the lecture rubric."""
    return build_cohort(app, client, trainees=3, experts=3, rubric=LECTURE_RUBRIC)


@pytest.fixture
def direct_cohort(app, client) -> Cohort:
    """3 trainees and 3 experts, no rubric: experts give the score directly."""
    return build_cohort(app, client, trainees=3, experts=3)


def form_url(cohort: Cohort, trainee_id: int, rest: str = "") -> str:
    return f"/review/cohorts/{cohort.id}/trainees/{trainee_id}{rest}"
