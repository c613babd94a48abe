"""The craftsman training class (职工工匠研修班) and its graduation review (domain.md §2).

A cohort is one year's class; its trainees each give a trial lecture at a review session, and
the experts of its panel review every lecture: a score out of 100 (directly, or through the
cohort's rubric) and two written comments. The panel lead's signature locks the results.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow
from competition.scoring import BAND_LABELS, DEFAULT_BANDS, display

if TYPE_CHECKING:
    from competition.models.users import User


def default_bands() -> list[dict[str, str]]:
    """The usual bands (`scoring.DEFAULT_BANDS`, domain.md §2): excellent ≥ 85, pass ≥ 60;
    below them is fail.

    Stored as JSON with the minimums as decimal strings, so no float ever holds a threshold.
    """
    return [
        {"key": band.key, "label": BAND_LABELS[band.key], "minimum": display(band.minimum)}
        for band in DEFAULT_BANDS.bands
    ]


class Cohort(db.Model):
    """One year's craftsman training class, with its rules and the panel lead's signature."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None]
    host: Mapped[str] = mapped_column(String(200), default="")
    # [{"key": "excellent", "label": "优秀", "minimum": "85.00"}, ...]; see default_bands().
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=default_bands)
    # The lowest band recommended for appointment as a worker craftsman-teacher.
    appointment_band: Mapped[str] = mapped_column(String(32), default=DEFAULT_BANDS.recommend_from)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rubric_items: Mapped[list[RubricItem]] = relationship(
        back_populates="cohort", order_by="RubricItem.position"
    )
    trainees: Mapped[list[Trainee]] = relationship(back_populates="cohort", order_by="Trainee.id")
    experts: Mapped[list[CohortExpert]] = relationship(
        back_populates="cohort", order_by="CohortExpert.id"
    )
    sessions: Mapped[list[ReviewSession]] = relationship(
        back_populates="cohort", order_by="ReviewSession.id"
    )
    signed_by: Mapped[User | None] = relationship()

    @property
    def locked(self) -> bool:
        """Signed off by the panel lead: reviews and rules can no longer change."""
        return self.signed_at is not None


class RubricItem(db.Model):
    """One criterion of a cohort's rubric; `weight` is its percentage of the score."""

    __tablename__ = "rubric_items"
    __table_args__ = (UniqueConstraint("cohort_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2))
    position: Mapped[int]

    cohort: Mapped[Cohort] = relationship(back_populates="rubric_items")


class ReviewSession(db.Model):
    """A sitting of the graduation review: the day and place where trial lectures are given."""

    __tablename__ = "review_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class Trainee(db.Model):
    """A member of a cohort; `user_id` links their own login (role trainee), if they have one."""

    __tablename__ = "trainees"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200))
    # Honours and titles, e.g. 市劳动模范、大工匠、创新工作室领衔人.
    title: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("review_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="trainees")
    session: Mapped[ReviewSession | None] = relationship()


class CohortExpert(db.Model):
    """An expert on a cohort's review panel; one of them may be the panel lead, who signs."""

    __tablename__ = "cohort_experts"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="experts")
    user: Mapped[User] = relationship()


class Review(db.Model):
    """One expert's review of one trainee's trial lecture: the score out of 100, what fell
    short, what to improve, and for a rubric cohort the item scores the score came from."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("trainee_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2))
    shortcomings: Mapped[str] = mapped_column(Text)
    suggestions: Mapped[str] = mapped_column(Text)
    # {"content": "85.00", ...} for a rubric cohort (decimal strings), None otherwise.
    item_scores: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    trainee: Mapped[Trainee] = relationship()
    expert: Mapped[User] = relationship()
