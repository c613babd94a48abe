"""Contests and everything that hangs off one: units, events, components, rounds, people."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.access_codes import new_access_code
from competition.models.types import ExactDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.models.schemes import MarkingScheme
    from competition.models.users import User

PRELIMINARY = "preliminary"
FINAL = "final"
ROUND_KINDS = (PRELIMINARY, FINAL)
DEFAULT_PRIMARY_COLOUR = "#a3161a"  # the red of the pages' header
DEFAULT_ACCENT_COLOUR = "#b8860b"  # gold


class Contest(db.Model):
    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    edition: Mapped[str] = mapped_column(String(50), default="")
    co_hosts: Mapped[str] = mapped_column(String(200), default="")
    theme: Mapped[str] = mapped_column(String(200), default="")
    # 公示期: how many working days published results stay open to objections (an event may
    # override it).
    notice_working_days: Mapped[int] = mapped_column(default=5, server_default="5")
    # The contest's colours on its printed documents (certificate frame, titles), "#rrggbb".
    primary_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_PRIMARY_COLOUR)
    accent_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT_COLOUR)
    # How to raise an objection during the notice period (printed on every notice), e.g.
    # "监督仲裁组：张老师，010-12345678，实名书面提出".
    objection_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The words before the place on a certificate ("…决赛中成绩优异，荣获"); empty: the neutral
    # default, which claims no merit the rules did not award.
    certificate_wording: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raised by every saved edit of the settings (services.setup): a form sent from an older
    # version is refused instead of overwriting the newer settings.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    units: Mapped[list[Unit]] = relationship(back_populates="contest", order_by="Unit.id")
    events: Mapped[list[Event]] = relationship(back_populates="contest", order_by="Event.id")


class Unit(db.Model):
    """An enterprise that sends contestants and runs their preliminary."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("contest_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    contest: Mapped[Contest] = relationship(back_populates="units")


class Event(db.Model):
    """A trade run for one group (组别), with its own rules."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("contest_id", "name", "group_name"),
        CheckConstraint("min_finalists_per_unit >= 1", name="min_finalists_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    group_name: Mapped[str] = mapped_column(String(50))
    min_finalists_per_unit: Mapped[int]
    # None: the contest's notice period applies.
    notice_working_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Judging: when on, a round is published only once the chief judge has signed every sheet.
    require_sign_off: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Team results (团体成绩): a unit's total is the sum of its best `team_size` final totals.
    team_size: Mapped[int] = mapped_column(default=3, server_default="3")
    # Judge consistency: a mark further than this percentage of the component's maximum from
    # the other judges' median is flagged for the chief judge.
    outlier_percent: Mapped[int] = mapped_column(default=15, server_default="15")
    # Raised by every saved edit of the set-up (services.setup), rules included though they
    # live in other rows: a form sent from an older version is refused, not applied.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    contest: Mapped[Contest] = relationship(back_populates="events")
    components: Mapped[list[Component]] = relationship(
        back_populates="event", order_by="Component.position"
    )
    rounds: Mapped[list[Round]] = relationship(back_populates="event", order_by="Round.id")

    @property
    def tie_breaks(self) -> list[Component]:
        chain = [c for c in self.components if c.tie_break_position is not None]
        return sorted(chain, key=lambda c: c.tie_break_position or 0)

    def round(self, kind: str) -> Round:
        return next(r for r in self.rounds if r.kind == kind)

    def component(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)


class Component(db.Model):
    """A marked part of an event (theory, practical, time used, …), shared by both rounds."""

    __tablename__ = "components"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(ExactDecimal(6, 4))
    max_score: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int]
    tie_break_position: Mapped[int | None]
    # The unit a score of this component is printed in ("分钟" for time used); empty: points.
    unit_label: Mapped[str] = mapped_column(String(16), default="", server_default="")

    event: Mapped[Event] = relationship(back_populates="components")
    # Its marking scheme (评分细则), if it is marked item by item.
    scheme: Mapped[MarkingScheme | None] = relationship(viewonly=True)


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("event_id", "kind"),
        CheckConstraint("kind IN ('preliminary', 'final')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last day of the public notice period (公示), fixed when the round is published.
    notice_ends_on: Mapped[date | None]
    # The final's contest numbers drawn by lot (抽签): when and by whom (Finalist.final_number).
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # No foreign key: adding one rebuilds the table on SQLite (and drops its triggers).
    drawn_by_id: Mapped[int | None]
    # How far the organiser has revealed this round's published results on the venue board
    # (0: nothing yet; each step one more tier or place).
    board_step: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="rounds")

    @property
    def published(self) -> bool:
        return self.published_at is not None


class Contestant(db.Model):
    __tablename__ = "contestants"
    __table_args__ = (
        UniqueConstraint("event_id", "number"),
        UniqueConstraint("event_id", "id_number"),
        UniqueConstraint("access_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(18))
    # Printed on the admission slip: with the contest number it opens the personal look-up.
    # Never derived from the identity number.
    access_code: Mapped[str] = mapped_column(String(16), default=new_access_code)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    finalist: Mapped[Finalist | None] = relationship(back_populates="contestant")

    @property
    def masked_id_number(self) -> str | None:
        """The first 3 and last 4 characters, as printed on lists that must not expose the rest."""
        if not self.id_number:
            return None
        value = self.id_number
        return value[:3] + "*" * (len(value) - 7) + value[-4:]


class JudgeAssignment(db.Model):
    """A judge's right to mark an event. `unit_id` is the judge's own unit: in the preliminary
    they mark only its people (the unit's own committee); in the final never its people (回避)."""

    __tablename__ = "judge_assignments"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    is_chief: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class Finalist(db.Model):
    """A contestant recommended by their unit into the final."""

    __tablename__ = "finalists"
    # An index rather than a constraint: adding it does not rebuild the table on SQLite.
    __table_args__ = (
        Index("uq_finalists_event_id_final_number", "event_id", "final_number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    contestant_id: Mapped[int] = mapped_column(ForeignKey("contestants.id"), unique=True)
    # The number drawn by lot for the final (services.draw); None until drawn, when the
    # registration number stands.
    final_number: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contestant: Mapped[Contestant] = relationship(back_populates="finalist")
