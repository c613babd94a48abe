"""Uploads waiting for confirmation go to a temporary folder, not the instance folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
