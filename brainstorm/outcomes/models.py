"""An event's outcome page: whether and how it is published, and when it last changed."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def published(self) -> bool:
        """Visible outside the team (publicly or by the link)."""
        return self.visibility != Visibility.DRAFT
