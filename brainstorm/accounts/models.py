"""People with accounts, and who works on which event."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow


class Role(StrEnum):
    """A user's global role."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    STAFF = "staff"


class TeamRole(StrEnum):
    """What a user does for one event."""

    FACILITATOR = "facilitator"
    STAFF = "staff"


class User(UserMixin, db.Model):
    """A facilitator, staff member or admin who logs in with email and password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.FACILITATOR)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        """Store only a salted hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        """Admins may do everything."""
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        """Name to show, falling back to the email address."""
        return self.name or self.email


class EventTeamMember(db.Model):
    """One user's role on one event's team."""

    __tablename__ = "event_team"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
