"""Accounts and event teams: who someone is and what they may do for an event."""

from uuid import uuid4

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from brainstorm import mail
from brainstorm.accounts.models import EventTeamMember, Role, TeamRole, User
from brainstorm.errors import InputError, NotAllowed
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


RESET_MAX_AGE = 3600  # a password-reset link works one hour


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def request_password_reset(email: str) -> None:
    """Mail a reset link if there is such an account (the page says the same either way)."""
    user = find_user(email or "")
    if user is None:
        return
    # The link carries a piece of the current password hash: once used, it stops working.
    token = _reset_serializer().dumps({"u": user.id, "h": user.password_hash[-16:]})
    queued = mail.queue(
        f"reset:{user.id}:{uuid4().hex}",
        user.email,
        "password_reset",
        user=user,
        reset_url=mail.external_url("accounts.reset_password", token=token),
    )
    db.session.commit()
    mail.deliver(queued)


def user_for_reset(token: str) -> User:
    """The account a reset link is for, if it is genuine, fresh and unused."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired:
        raise NotAllowed(_("Deze link is verlopen. Vraag een nieuwe aan.")) from None
    except BadSignature:
        raise NotAllowed(_("Deze link klopt niet. Vraag een nieuwe aan.")) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise NotAllowed(_("Deze link is al gebruikt. Vraag een nieuwe aan."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link (which then stops working)."""
    user = user_for_reset(token)
    if len(password) < 10:
        raise InputError(_("Kies een wachtwoord van minstens 10 tekens."))
    user.set_password(password)
    db.session.commit()
    return user
