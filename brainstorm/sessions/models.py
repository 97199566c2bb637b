"""Live sessions, their participants and the vraagstukken they submit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.events.models import AgendaItem, Event
from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:  # breakouts builds on sessions; the relationships name the class
    from brainstorm.breakouts.models import BreakoutGroup

DISPLAY_NAME_MAX = 60
PARTNERSHIP_MAX = 120


class Phase(StrEnum):
    """What participants can do right now."""

    LOBBY = "lobby"  # welcome: input closed
    INPUT = "input"
    HIDDEN_INPUT = "hidden_input"  # input open, everyone sees only their own until revealed
    REVIEW = "review"  # input closed, board visible
    VOTING = "voting"
    CLOSED = "closed"  # read-only


INPUT_PHASES = frozenset({Phase.INPUT, Phase.HIDDEN_INPUT})


class Sector(StrEnum):
    """The education sector someone works in."""

    PO = "po"
    VO = "vo"
    MBO = "mbo"
    OTHER = "anders"


class BrainstormSession(db.Model):
    """One live room of an event, entered with a join code."""

    __tablename__ = "brainstorm_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.INPUT)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    idea_limit: Mapped[int] = mapped_column(default=10)  # per participant
    vote_budget: Mapped[int] = mapped_column(default=3)  # dots per participant
    vote_stacking: Mapped[bool] = mapped_column(default=False)  # several dots on one idea
    premoderation: Mapped[bool] = mapped_column(default=False)  # ideas wait for approval
    # Dot voting blind, as in GroupMap: counts reach the room only after "Uitslag tonen".
    hide_votes: Mapped[bool] = mapped_column(default=True)
    results_shown: Mapped[bool] = mapped_column(default=False)
    # Clusters are the facilitator's draft until "Toon aan de zaal"; then they follow live.
    themes_shown: Mapped[bool] = mapped_column(default=False)
    # The countdown: running until timer_ends_at, or paused with timer_remaining seconds.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_remaining: Mapped[int | None]
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Breakout groups: while apart, ideas, votes, phase and timer live inside each group.
    # The advice report: the facilitator's introduction, which polls go in (None: all), and
    # whether it is final (until then every format says "concept").
    report_introduction: Mapped[str] = mapped_column(Text, default="")
    report_poll_ids: Mapped[list[int] | None] = mapped_column(JSON)
    report_final: Mapped[bool] = mapped_column(default=False)
    split_rule: Mapped[str | None] = mapped_column(String(20))
    groups_apart: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()


class Participant(db.Model):
    """A pseudonymous person in one session; no account, identified by a signed token."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX), default="")
    sector: Mapped[str] = mapped_column(String(10), default="")
    partnership: Mapped[str] = mapped_column(String(PARTNERSHIP_MAX), default="")  # or region
    may_be_named: Mapped[bool] = mapped_column(default=False)  # agreed to be named in reports
    # Came in through an invitation: known from the registration (sector, partnership).
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_groups.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[BrainstormSession] = relationship()
    group: Mapped[BreakoutGroup | None] = relationship("BreakoutGroup", foreign_keys=[group_id])


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
    hidden: Mapped[bool] = mapped_column(default=False)  # by a facilitator; kept, not shown
    approved: Mapped[bool] = mapped_column(default=True)  # False while awaiting pre-moderation
    pinned: Mapped[bool] = mapped_column(default=False)
    original_text: Mapped[str | None] = mapped_column(Text)  # before a facilitator's correction
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    # The breakout group it was sent in: kept after the return to the plenary, as its label.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_groups.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(10), default="")  # "poll": from a poll answer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Participant | None] = relationship()
    group: Mapped[BreakoutGroup | None] = relationship("BreakoutGroup")

    @property
    def gone(self) -> bool:
        """Withdrawn by its author or merged into another idea: on no screen any more."""
        return self.withdrawn_at is not None or self.merged_into_id is not None

    @property
    def on_board(self) -> bool:
        """Shown to everyone (phase permitting)."""
        return not self.gone and not self.hidden and self.approved

    def to_public(self, votes: int | None = 0) -> dict:
        """What every participant may see of this idea (no author: the board is anonymous).

        `votes` is None while the counts are hidden from the room (blind voting).
        """
        return {
            "id": self.id,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
            "pinned": self.pinned,
            "votes": votes,
            "group": {"id": self.group.id, "name": self.group.name} if self.group else None,
            "source": self.source,
            # Only the author and the facilitators ever receive an idea that is still pending.
            "pending": not self.approved,
        }

    def to_facilitator(self, votes: int = 0) -> dict:
        """The idea with what only its session's facilitators see."""
        return {
            **self.to_public(votes),
            "hidden": self.hidden,
            "original_text": self.original_text,
            "author": self.author.display_name if self.author else "",
        }


class Vote(db.Model):
    """One dot a participant put on an idea (several on one idea when stacking is allowed)."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
