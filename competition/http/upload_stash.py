"""An uploaded spreadsheet waiting between its preview and the organiser's confirmation.

Both imports (contestants of an event, trainees of a cohort) show every row before anything is
stored, so the file must outlive the request that uploaded it. It waits in the instance folder
under a random name that only this browser session lists (the session cookie is signed), for
what it was previewed for only, at most an hour and at most five per session; the
confirmation checks it again from scratch, since someone may have registered people in
between, and then drops it.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, session

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP_SECONDS = 3600
MAX_PENDING = 5  # per session and kind


def _folder() -> Path:
    """IMPORT_FOLDER if set (tests use a temporary one), else `imports` in the instance folder."""
    folder = Path(
        current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class UploadStash:
    """One kind of pending upload. `suffix` keeps each kind's files (and its sweep) apart in
    the shared folder; `owner` names what an upload was previewed for (`event_id`,
    `cohort_id`), so a token cannot be confirmed against another event or cohort."""

    session_key: str
    suffix: str
    owner: str

    def _path(self, token: str) -> Path:
        return _folder() / f"{token}{self.suffix}"

    def put(self, owner_id: int, data: bytes, filename: str) -> str:
        """Keep `data`; the token to confirm it with. Files nobody confirmed go after an hour."""
        folder = _folder()
        limit = time.time() - KEEP_SECONDS
        for path in folder.glob(f"*{self.suffix}"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except FileNotFoundError:  # another worker swept it first
                pass
        token = secrets.token_urlsafe(18)
        (folder / f"{token}{self.suffix}").write_bytes(data)
        pending = dict(session.get(self.session_key, {}))
        pending[token] = {self.owner: owner_id, "filename": filename[-200:], "at": time.time()}
        for old in sorted(pending, key=lambda t: pending[t]["at"])[:-MAX_PENDING]:
            self._forget(old, pending)
        session[self.session_key] = pending
        return token

    def get(self, owner_id: int, token: str) -> tuple[bytes, str] | None:
        """The file and its name, or None when the token is not this session's for `owner_id`,
        or has expired."""
        if not TOKEN.fullmatch(token):
            return None
        entry = session.get(self.session_key, {}).get(token)
        if not entry or entry.get(self.owner) != owner_id:
            return None
        path = self._path(token)
        if not path.exists() or time.time() - entry["at"] > KEEP_SECONDS:
            return None
        return path.read_bytes(), str(entry["filename"])

    def drop(self, token: str) -> None:
        """After the confirmation: the file and the session's note of it go."""
        pending = dict(session.get(self.session_key, {}))
        self._forget(token, pending)
        session[self.session_key] = pending

    def _forget(self, token: str, pending: dict[str, Any]) -> None:
        pending.pop(token, None)
        self._path(token).unlink(missing_ok=True)
