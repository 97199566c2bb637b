"""The session event log: every change, numbered per session, in the same transaction."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow

EVERYONE = "all"
FACILITATORS = "facilitators"
# and "participant:<id>" for what only one participant may see (realtime.participant_audience)


class SessionEvent(db.Model):
    """One fact that was broadcast (or must be replayed) to an audience of a session."""

    __tablename__ = "session_events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Known by id only: realtime imports no domain.
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE")
    )
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(40), default=EVERYONE)
    actor: Mapped[str] = mapped_column(String(40), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def message(self) -> dict:
        """The payload as it travels: flat, with the session's seq and the server's clock."""
        # sent_at lets a page correct its own clock (countdowns), also for replayed events.
        return {**self.payload, "seq": self.seq, "sent_at": utcnow().isoformat()}


class SessionCounter(db.Model):
    """The last seq handed out per session; one row lock serialises concurrent writers."""

    __tablename__ = "session_counters"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(default=0)
