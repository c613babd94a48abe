"""The pending uploads of both imports (contestants, trainees): one `UploadStash`, one set of
rules for whose file may be confirmed, against what, and for how long."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from flask import Flask, session

from competition.http.upload_stash import KEEP_SECONDS, MAX_PENDING, UploadStash

CONTESTANTS = UploadStash(session_key="contestant_imports", suffix=".upload", owner="event_id")
TRAINEES = UploadStash(session_key="cohort_imports", suffix=".cohort-upload", owner="cohort_id")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "imports"


@pytest.fixture
def request_context(folder: Path):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", IMPORT_FOLDER=str(folder))
    with app.test_request_context("/"):
        yield


@pytest.mark.usefixtures("request_context")
def test_a_file_is_given_back_only_for_what_it_was_previewed_for(folder: Path) -> None:
    token = CONTESTANTS.put(7, b"rows", "报名表.xlsx")
    assert CONTESTANTS.get(7, token) == (b"rows", "报名表.xlsx")
    assert CONTESTANTS.get(8, token) is None  # another event
    assert TRAINEES.get(7, token) is None  # the other import's list does not have it
    assert CONTESTANTS.get(7, "../../etc/passwd") is None  # not a token at all
    assert [p.name for p in folder.iterdir()] == [f"{token}.upload"]


@pytest.mark.usefixtures("request_context")
def test_dropping_removes_the_file_and_the_sessions_note(folder: Path) -> None:
    token = TRAINEES.put(3, b"x", "名单.xlsx")
    TRAINEES.drop(token)
    assert TRAINEES.get(3, token) is None
    assert list(folder.iterdir()) == []
    assert session["cohort_imports"] == {}


@pytest.mark.usefixtures("request_context")
def test_after_an_hour_a_file_is_refused_and_swept_by_the_next_upload(folder: Path) -> None:
    old = CONTESTANTS.put(1, b"old", "a.csv")
    session["contestant_imports"][old]["at"] -= KEEP_SECONDS + 1
    assert CONTESTANTS.get(1, old) is None

    long_ago = time.time() - KEEP_SECONDS - 1
    os.utime(folder / f"{old}.upload", (long_ago, long_ago))
    trainees = TRAINEES.put(1, b"kept", "b.xlsx")  # another kind's sweep leaves it alone
    assert (folder / f"{old}.upload").exists()
    new = CONTESTANTS.put(1, b"new", "c.csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{new}.upload", f"{trainees}.cohort-upload"]
    )


@pytest.mark.usefixtures("request_context")
def test_a_session_keeps_its_newest_uploads_only(folder: Path) -> None:
    tokens = [CONTESTANTS.put(1, bytes([n]), f"{n}.csv") for n in range(MAX_PENDING + 2)]
    assert [CONTESTANTS.get(1, t) is not None for t in tokens] == [False] * 2 + [True] * MAX_PENDING
    assert len(list(folder.iterdir())) == MAX_PENDING
