"""Live sessions, their participants and the vraagstukken they submit."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow

DISPLAY_NAME_MAX = 60


class Phase(StrEnum):
    """What participants can do right now."""

    INPUT = "input"
    CLOSED = "closed"


class BrainstormSession(db.Model):
    """One live room of an event, entered with a join code."""

    __tablename__ = "brainstorm_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.INPUT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()


class Participant(db.Model):
    """A pseudonymous person in one session; no account, identified by a signed token."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[BrainstormSession] = relationship()


class Idea(db.Model):
    """A vraagstuk. client_id makes a resend after a dropped connection harmless."""

    __tablename__ = "ideas"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    client_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def to_public(self) -> dict:
        """What every participant may see of this idea (no author: the board is anonymous)."""
        return {"id": self.id, "text": self.text, "created_at": self.created_at.isoformat()}
