"""Background jobs: long work a worker does instead of a web request (issue #22)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competition.extensions import db
from competition.models.types import UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class Job(db.Model):
    """One piece of long work: what (`kind`, `params`), how far (`progress` of `total`), and
    its file once done. The queue (Huey) carries only the job's id; this row is the truth a
    page or a program reads, and what a worker taking it up again resumes from."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    total: Mapped[int] = mapped_column(default=0, server_default="0")
    result_path: Mapped[str | None] = mapped_column(Text)
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the retention sweep deleted the job's file (`JOB_RESULT_DAYS` after it was made):
    #: the row stays, done, so its page can say so and offer to make the file again.
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
