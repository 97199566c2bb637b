"""Breakout groups (deelsessies) of a live session, and the rules for splitting the room."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.accounts.models import User
from brainstorm.extensions import db
from brainstorm.sessions.models import Phase
from brainstorm.timeutil import UTCDateTime


class SplitRule(StrEnum):
    """How participants are divided over breakout groups (late joiners too)."""

    RANDOM = "random"  # balanced sizes
    SECTOR = "sector"  # one group per sector (po / vo / mbo / anders)
    CHOICE = "choice"  # people pick a group, up to its capacity
    PARTNERSHIP = "partnership"  # each partnership (or region) kept together


class BreakoutGroup(db.Model):
    """A deelsessie: its own room, board, phase and timer while the groups are apart."""

    __tablename__ = "breakout_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    sector: Mapped[str] = mapped_column(String(10), default="")  # for the sector rule
    capacity: Mapped[int | None]  # for the choice rule
    # For the partnership rule: the partnerships (as typed) whose people go here.
    partnerships: Mapped[list[str]] = mapped_column(JSON, default=list)
    # use_alter: groups and participants point at each other; the cycle is broken here.
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL", use_alter=True)
    )
    # Or a co-facilitator hosts it (one of the two, never both).
    host_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    phase: Mapped[str] = mapped_column(String(20), default=Phase.INPUT)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_remaining: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)  # False once back in the plenary

    host_user: Mapped[User | None] = relationship()

    def to_public(self, members: int = 0) -> dict:
        """The group as every page shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "members": members,
            "capacity": self.capacity,
            "phase": self.phase,
            "host_id": self.host_id,
            "host_user": (
                {"id": self.host_user.id, "name": self.host_user.name}  # never the email
                if self.host_user
                else None
            ),
        }
