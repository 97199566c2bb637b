"""Accounts and event teams: who someone is and what they may do for an event."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from brainstorm.accounts.models import EventTeamMember, Role, TeamRole, User
from brainstorm.errors import InputError
from brainstorm.extensions import db


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively."""
    return email.strip().lower()


def create_user(email: str, password: str, role: Role, name: str = "") -> User:
    """Make an account; refuses a duplicate email or a short password."""
    email = normalise_email(email)
    if "@" not in email:
        raise InputError(_("Geef een geldig e-mailadres."))
    if len(password) < 10:
        raise InputError(_("Kies een wachtwoord van minstens 10 tekens."))
    if find_user(email):
        raise InputError(_("Er is al een account voor %(email)s.", email=email))
    user = User(email=email, role=Role(role), name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email: str) -> User | None:
    """The account for an email address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None (same answer for both mistakes)."""
    user = find_user(email)
    return user if user and user.check_password(password) else None


def team_role(user: User, event_id: int) -> str | None:
    """The user's role on one event's team, if they are on it."""
    return db.session.scalar(
        select(EventTeamMember.role).where(
            EventTeamMember.event_id == event_id, EventTeamMember.user_id == user.id
        )
    )


def can_facilitate(user: User, event_id: int) -> bool:
    """Admins, and the event's facilitators, may run its sessions."""
    return user.is_admin or team_role(user, event_id) == TeamRole.FACILITATOR


def can_read_reports(user: User, event_id: int) -> bool:
    """The event's staff may read its reports and data, and so may whoever facilitates it."""
    return user.is_admin or team_role(user, event_id) in (TeamRole.FACILITATOR, TeamRole.STAFF)


def can_create_events(user: User) -> bool:
    """Facilitators (and admins) create events."""
    return user.role in (Role.ADMIN, Role.FACILITATOR)


def add_to_team(event_id: int, user: User, role: TeamRole) -> EventTeamMember:
    """Put a user on an event's team (or change their role there); caller commits."""
    member = db.session.scalar(
        select(EventTeamMember).where(
            EventTeamMember.event_id == event_id, EventTeamMember.user_id == user.id
        )
    )
    if member is None:
        member = EventTeamMember(event_id=event_id, user_id=user.id, role=role)
        db.session.add(member)
    member.role = role
    return member
