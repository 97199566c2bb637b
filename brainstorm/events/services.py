"""Events: create one with its programme; list what a user works on."""

from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select

from brainstorm.accounts.models import EventTeamMember, TeamRole, User
from brainstorm.accounts.services import add_to_team
from brainstorm.errors import InputError
from brainstorm.events.models import AgendaItem, Event
from brainstorm.extensions import db
from brainstorm.timeutil import local_to_utc


def create_event(
    actor: User,
    title: str,
    day: date,
    start: time,
    end: time,
    *,
    location: str = "",
    description: str = "",
    agenda: list[tuple[time, time, str]] = (),
) -> Event:
    """Create an event (times are Amsterdam wall-clock) and put its creator on the team."""
    title = title.strip()
    if not title:
        raise InputError(_("Geef het evenement een titel."))
    if end <= start:
        raise InputError(_("De eindtijd moet na de begintijd liggen."))
    event = Event(
        title=title,
        starts_at=local_to_utc(day, start),
        ends_at=local_to_utc(day, end),
        location=location.strip(),
        description=description.strip(),
        created_by_id=actor.id,
    )
    for item_start, item_end, item_title in agenda:
        event.agenda.append(
            AgendaItem(
                title=item_title,
                starts_at=local_to_utc(day, item_start),
                ends_at=local_to_utc(day, item_end),
            )
        )
    db.session.add(event)
    db.session.flush()
    add_to_team(event.id, actor, TeamRole.FACILITATOR)
    db.session.commit()
    return event


def events_for(user: User) -> list[Event]:
    """The events a user works on (all of them for an admin), newest first."""
    query = select(Event).order_by(Event.starts_at.desc())
    if not user.is_admin:
        query = query.join(EventTeamMember, EventTeamMember.event_id == Event.id).where(
            EventTeamMember.user_id == user.id
        )
    return list(db.session.scalars(query))
