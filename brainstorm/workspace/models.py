"""Clusters the facilitator shapes from the ideas, and the engine runs behind them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow

DEEPENING_MAX = 4000


class Audience(StrEnum):
    """Who a cluster's advice is meant for (DESIGN.md: report audiences)."""

    OCW = "ocw"
    UNIONS = "vakorganisaties"
    SECTOR_COUNCILS = "sectorraden"
    FRONTRUNNERS = "voorlopersgroep"


class Cluster(db.Model):
    """A theme: engine terms, the facilitator's title, its place in the order and its deepening."""

    __tablename__ = "clusters"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    # The breakout group it was made in: its scope while the groups are apart, its origin after.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_groups.id", ondelete="SET NULL"), index=True
    )
    key: Mapped[str] = mapped_column(String(20))  # the engine's stable identity across runs
    title: Mapped[str] = mapped_column(String(120), default="")
    # A phrase its members carry, kept up to date with them; the label until someone names it.
    suggested_title: Mapped[str] = mapped_column(String(120), default="")
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)  # members and title survive re-runs
    representative_idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL")
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")  # the underlying question
    recommendation: Mapped[str] = mapped_column(Text, default="")
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        """The facilitator's title, else the suggested one (the engine's terms only before any)."""
        return self.title or self.suggested_title or ", ".join(self.terms[:3])

    @property
    def shaped(self) -> bool:
        """True when the facilitator put something into it that a re-run must not throw away."""
        return bool(self.locked or self.title or self.summary or self.question)


class ClusterMember(db.Model):
    """An idea's place: in one cluster, or ("past nergens") in none by the facilitator's hand."""

    __tablename__ = "cluster_members"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), index=True
    )
    manual: Mapped[bool] = mapped_column(default=False)  # placed by hand: re-runs leave it
    new: Mapped[bool] = mapped_column(default=False)  # slotted in live since the last run


class ClusterVote(db.Model):
    """One dot a participant put on a cluster (several when stacking is allowed)."""

    __tablename__ = "cluster_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClusteringRun(db.Model):
    """One engine run: who asked, with which k, what came out (kept for audit and evaluation)."""

    __tablename__ = "clustering_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(20), default="plenary")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_k: Mapped[int | None]
    k: Mapped[int]
    n_ideas: Mapped[int]
    duration_ms: Mapped[int]
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkspaceUndo(db.Model):
    """The state of one scope just before a correction, so the correction can be undone."""

    __tablename__ = "workspace_undo"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    state: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
