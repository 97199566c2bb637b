"""An event's outcome page: whether and how it is published, and when it last changed."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow


class Visibility(StrEnum):
    """Who may open the outcome page."""

    DRAFT = "draft"  # only the event's team
    PUBLIC = "public"  # anyone with its address
    LINK = "link"  # anyone with the secret link


class Outcome(db.Model):
    """The outcome page of one event (a row appears when the organiser first sets it)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.DRAFT)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # the secret link's key
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the page showed when last seen, so a later change shows "bijgewerkt op ...".
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organiser's last choice: the feedback mail carries each session's PDF report.
    attach_report: Mapped[bool] = mapped_column(default=False)
    # The team's introduction to the event's report (the synthesis of its sessions).
    report_introduction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def published(self) -> bool:
        """Visible outside the team (publicly or by the link)."""
        return self.visibility != Visibility.DRAFT


class SynthesisTheme(db.Model):
    """A theme of the event's synthesis: themes of different sessions the team confirmed are
    the same (a theme of one session that was never merged stands alone, without a row)."""

    __tablename__ = "synthesis_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120), default="")  # "" = its first theme's title
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["SynthesisMember"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan"
    )


class SynthesisMember(db.Model):
    """A session's theme (cluster) inside a synthesis theme; a cluster is in at most one."""

    __tablename__ = "synthesis_members"

    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("synthesis_themes.id", ondelete="CASCADE"), index=True
    )

    theme: Mapped[SynthesisTheme] = relationship(back_populates="members")


class SynthesisApart(db.Model):
    """Two sessions' themes the team decided to keep apart: not proposed again."""

    __tablename__ = "synthesis_apart"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
