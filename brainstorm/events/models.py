"""Events (a meeting with its programme)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow


class Event(db.Model):
    """A meeting such as "Brainstormsessie RATO", with its live sessions and agenda."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    online_url: Mapped[str] = mapped_column(String(500), default="")  # shown to registrants only
    audience: Mapped[str] = mapped_column(Text, default="")  # doelgroep
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # po / vo / mbo
    costs: Mapped[str] = mapped_column(String(200), default="")
    organisers: Mapped[str] = mapped_column(String(300), default="")
    published: Mapped[bool] = mapped_column(default=False)  # on the public event list
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]  # places; beyond them people go on the waiting list
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="event", order_by="AgendaItem.starts_at", cascade="all, delete-orphan"
    )
    questions: Mapped[list["ExtraQuestion"]] = relationship(
        back_populates="event", order_by="ExtraQuestion.position", cascade="all, delete-orphan"
    )


class AgendaItem(db.Model):
    """One programme item ("15.40u – Deelsessies"); the live session follows the same agenda."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="agenda")


class ExtraQuestion(db.Model):
    """A question of the organisers on the registration form (text or a choice)."""

    __tablename__ = "event_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: a text answer
    required: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="questions")


class RegistrationStatus(StrEnum):
    """Where a registration stands."""

    REGISTERED = "registered"
    WAITING = "waiting"  # the event was full; moves up, in order, when someone cancels
    CANCELLED = "cancelled"


class Registration(db.Model):
    """Someone who signed up for an event (personal data: purged after the event, see AVG)."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")  # function
    sector: Mapped[str] = mapped_column(String(10), default="")
    partnership: Mapped[str] = mapped_column(String(120), default="")  # or region
    remarks: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # extra question id -> answer
    status: Mapped[str] = mapped_column(String(12), default=RegistrationStatus.REGISTERED)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # for the personal links
    attended: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(5), default="nl")  # of the mails
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # personal data removed

    event: Mapped[Event] = relationship()
