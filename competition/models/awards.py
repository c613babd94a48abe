"""Award programmes such as the outdoor workers' service stations (最美工会户外劳动者服务站点,
domain.md §3): the programme and its rules, the base-level unions that nominate, the panel, and
the nominated stations with their evidence.

The four steps (基层推荐, 综合评议, 公示, 确认) are read from the programme's dates: nominations
close at `nomination_deadline`, the notice starts at `published_at` and lasts `notice_days`
working days, and `confirmed_at` locks the list for good. What the review produces (scores,
rulings, the selected list, objections, certificates) lives in `award_reviews.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.types import ExactDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.models.users import User


class AwardProgramme(db.Model):
    """One year's programme, e.g. 2021年度最美工会户外劳动者服务站点."""

    __tablename__ = "award_programmes"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None]
    host: Mapped[str] = mapped_column(String(200), default="")
    # Nominations are accepted until this moment (None: not yet set, so nominations are open).
    nomination_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The public notice (公示): how long it lasts, in working days, and when it started/ends.
    notice_days: Mapped[int] = mapped_column(default=5)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    # Confirmation (确认) locks the list: no review, objection or selection changes after it.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The panel lead's sign-off of the comprehensive review: it locks every judgement.
    review_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    levels: Mapped[list[AwardLevel]] = relationship(
        back_populates="programme", order_by="AwardLevel.position"
    )
    criteria: Mapped[list[AwardCriterion]] = relationship(
        back_populates="programme", order_by="AwardCriterion.position"
    )
    units: Mapped[list[AwardUnit]] = relationship(
        back_populates="programme", order_by="AwardUnit.id"
    )
    experts: Mapped[list[ProgrammeExpert]] = relationship(
        back_populates="programme", order_by="ProgrammeExpert.id"
    )

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def published(self) -> bool:
        return self.published_at is not None


class AwardLevel(db.Model):
    """A level of the programme with its quota and grant, e.g. 全国 150 stations.

    `position` orders the levels from the highest (0); a station not selected at one level is
    considered for the next one down.
    """

    __tablename__ = "award_levels"
    __table_args__ = (
        UniqueConstraint("programme_id", "key"),
        CheckConstraint("quota >= 0", name="quota_not_negative"),
        CheckConstraint("grant_amount >= 0", name="grant_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    quota: Mapped[int]
    # 奖补资金 per selected station, in yuan.
    grant_amount: Mapped[Decimal] = mapped_column(ExactDecimal(12, 2), default=Decimal("0.00"))
    position: Mapped[int]

    programme: Mapped[AwardProgramme] = relationship(back_populates="levels")


class AwardCriterion(db.Model):
    """One criterion (e.g. 有设施 of the 七有): scored in points up to `max_points`, or
    pass/fail (`max_points` None). `preferred` says what counts in a station's favour."""

    __tablename__ = "award_criteria"
    __table_args__ = (
        UniqueConstraint("programme_id", "key"),
        CheckConstraint("kind IN ('points', 'pass_fail')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    preferred: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="points")
    max_points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    position: Mapped[int]

    programme: Mapped[AwardProgramme] = relationship(back_populates="criteria")


class AwardUnit(db.Model):
    """A base-level union (基层工会) taking part; `user_id` is its account (role `union`),
    which nominates the unit's stations and sees nothing of other units'."""

    __tablename__ = "award_units"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[AwardProgramme] = relationship(back_populates="units")
    user: Mapped[User | None] = relationship()


class ProgrammeExpert(db.Model):
    """An expert (role `expert`) on the programme's review panel. `unit_id` is the expert's
    own base-level union, if any: they never review that unit's stations (回避)."""

    __tablename__ = "programme_experts"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("award_units.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[AwardProgramme] = relationship(back_populates="experts")
    user: Mapped[User] = relationship()
    unit: Mapped[AwardUnit | None] = relationship()


class Station(db.Model):
    """A nominated service station. `submitted_at` is set when its unit submits the
    nomination, which needs evidence for every criterion and must come before the deadline."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("award_programmes.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("award_units.id"), index=True)
    # The level applied for; the review may still place it at a lower level.
    level_id: Mapped[int] = mapped_column(ForeignKey("award_levels.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(50))
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    opening_hours: Mapped[str] = mapped_column(String(100), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[AwardUnit] = relationship()
    level: Mapped[AwardLevel] = relationship()
    evidence: Mapped[list[StationEvidence]] = relationship(
        back_populates="station", order_by="StationEvidence.criterion_id"
    )


class StationEvidence(db.Model):
    """What a station shows for one criterion: a text, and its files (`EvidenceFile`)."""

    __tablename__ = "station_evidence"
    __table_args__ = (UniqueConstraint("station_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criteria.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    station: Mapped[Station] = relationship(back_populates="evidence")
    criterion: Mapped[AwardCriterion] = relationship()
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="evidence", order_by="EvidenceFile.id"
    )


class EvidenceFile(db.Model):
    """A photo or PDF attached to a criterion's evidence. The bytes live on disk under the
    upload folder by their SHA-256 (`stored_name`); the name given is only ever displayed."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("station_evidence.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evidence: Mapped[StationEvidence] = relationship(back_populates="files")
