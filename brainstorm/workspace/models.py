"""Clusters the facilitator shapes from the ideas, and the engine runs behind them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow


class Cluster(db.Model):
    """A theme: engine terms, the facilitator's title, and its place in the order."""

    __tablename__ = "clusters"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(20))  # the engine's stable identity across runs
    title: Mapped[str] = mapped_column(String(120), default="")
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    representative_idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        """The facilitator's title, or the engine's top terms until there is one."""
        return self.title or ", ".join(self.terms[:3])


class ClusterMember(db.Model):
    """An idea's place in a cluster; an idea is in at most one."""

    __tablename__ = "cluster_members"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), index=True
    )


class ClusteringRun(db.Model):
    """One engine run: who asked, with which k, what came out (kept for audit and evaluation)."""

    __tablename__ = "clustering_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_k: Mapped[int | None]
    k: Mapped[int]
    n_ideas: Mapped[int]
    duration_ms: Mapped[int]
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
