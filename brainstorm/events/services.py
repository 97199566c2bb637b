"""Events: create one with its programme; list what a user works on."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from brainstorm.accounts.models import EventTeamMember, TeamRole, User
from brainstorm.accounts.services import add_to_team, find_user
from brainstorm.errors import InputError
from brainstorm.events.models import AgendaItem, Event, ExtraQuestion
from brainstorm.extensions import db
from brainstorm.timeutil import local_to_utc, to_local, utcnow


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


@dataclass
class EventDetails:
    """What the event form edits besides title and times."""

    location: str = ""
    online_url: str = ""
    description: str = ""
    audience: str = ""
    sectors: list[str] = field(default_factory=list)
    costs: str = ""
    organisers: str = ""
    published: bool = False
    registration_deadline: datetime | None = None
    capacity: int | None = None


def update_event(
    event: Event,
    actor: User,
    title: str,
    day: date,
    start: time,
    end: time,
    details: EventDetails,
    agenda: list[tuple[time, time, str]] | None = None,
) -> Event:
    """Change an event's page: what, when, where, for whom, places and deadline, programme."""
    title = " ".join(title.split())
    if not title:
        raise InputError(_("Geef het evenement een titel."))
    if end <= start:
        raise InputError(_("De eindtijd moet na de begintijd liggen."))
    if details.online_url and not details.online_url.startswith(("https://", "http://")):
        raise InputError(_("De link naar de online bijeenkomst begint met https://."))
    if not set(details.sectors) <= {"po", "vo", "mbo"}:
        raise InputError(_("Kies uit po, vo en mbo."))
    if details.capacity is not None and details.capacity < 1:
        raise InputError(_("Het aantal plaatsen is minstens 1 (of leeg: geen maximum)."))
    event.title = title
    event.starts_at, event.ends_at = local_to_utc(day, start), local_to_utc(day, end)
    for name, value in vars(details).items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    if agenda is not None:
        event.agenda = [
            AgendaItem(
                title=item_title,
                starts_at=local_to_utc(day, item_start),
                ends_at=local_to_utc(day, item_end),
            )
            for item_start, item_end, item_title in agenda
        ]
    db.session.commit()
    return event


def parse_agenda(text: str) -> list[tuple[time, time, str]]:
    """Programme lines as organisers write them: "15.40 - 16.20 Deelsessies" (or 15:40)."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _AGENDA_LINE.match(line)
        if match is None:
            raise InputError(
                _("Regel %(n)d van het programma: schrijf „15.40 - 16.20 Deelsessies”.", n=number)
            )
        start = time(int(match["h1"]), int(match["m1"]))
        end = time(int(match["h2"]), int(match["m2"])) if match["h2"] else start
        items.append((start, end, match["title"].strip(" –-")))
    return items


_AGENDA_LINE = re.compile(
    r"^(?P<h1>[01]?\d|2[0-3])[.:](?P<m1>[0-5]\d)u?"
    r"(?:\s*[-–]\s*(?P<h2>[01]?\d|2[0-3])[.:](?P<m2>[0-5]\d)u?)?\s*[-–]?\s*(?P<title>.+)$"
)


def agenda_lines(event: Event) -> str:
    """The programme as the form shows it again."""
    return "\n".join(
        f"{to_local(i.starts_at):%H.%M} - {to_local(i.ends_at):%H.%M} {i.title}"
        for i in event.agenda
    )


def duplicate_event(event: Event, actor: User, day: date) -> Event:
    """A copy on another day: page, programme and registration questions; no registrations."""
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    copy = create_event(
        actor,
        event.title,
        day,
        start.time(),
        end.time(),
        location=event.location,
        description=event.description,
        agenda=[
            (to_local(i.starts_at).time(), to_local(i.ends_at).time(), i.title)
            for i in event.agenda
        ],
    )
    for name in ("online_url", "audience", "sectors", "costs", "organisers", "capacity"):
        setattr(copy, name, getattr(event, name))
    copy.questions = [
        ExtraQuestion(
            label=q.label, options=list(q.options), required=q.required, position=q.position
        )
        for q in event.questions
    ]
    db.session.commit()
    return copy


def public_events(*, past: bool = False, sector: str = "") -> list[Event]:
    """Published events, upcoming (soonest first) or past (latest first), by sector."""
    now = utcnow()
    query = select(Event).filter_by(published=True)
    if past:
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc())
    else:
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at)
    events = list(db.session.scalars(query))
    return [e for e in events if not sector or sector in e.sectors]


def set_questions(event: Event, actor: User, text: str) -> None:
    """Extra registration questions, one per line: "Vraag" or "Vraag | keuze; keuze", and a
    "*" at the start for a required one."""
    questions = []
    for position, line in enumerate(filter(None, map(str.strip, text.splitlines()))):
        required = line.startswith("*")
        label, _sep, options = line.lstrip("* ").partition("|")
        choices = [o.strip() for o in options.split(";") if o.strip()]
        if not label.strip() or len(label) > 300:
            raise InputError(_("Een extra vraag heeft tekst, hoogstens 300 tekens."))
        questions.append(
            ExtraQuestion(
                label=label.strip(), options=choices, required=required, position=position
            )
        )
    event.questions = questions
    db.session.commit()


def question_lines(event: Event) -> str:
    """The extra questions as the form shows them again."""
    return "\n".join(
        ("* " if q.required else "") + q.label + (" | " + "; ".join(q.options) if q.options else "")
        for q in event.questions
    )


def team_of(event: Event) -> list[tuple[User, str]]:
    """Who is on the event's team, and as what."""
    rows = db.session.execute(
        select(User, EventTeamMember.role)
        .join(EventTeamMember, EventTeamMember.user_id == User.id)
        .where(EventTeamMember.event_id == event.id)
        .order_by(User.name, User.email)
    )
    return [(user, role) for user, role in rows]


def add_team_member(event: Event, actor: User, email: str, role: str) -> User:
    """Put an existing account on the team (facilitator or staff)."""
    if role not in set(TeamRole):
        raise InputError(_("Kies facilitator of staf."))
    user = find_user(email or "")
    if user is None:
        raise InputError(_("Er is geen account met dit e-mailadres."))
    member = db.session.scalar(
        select(EventTeamMember).filter_by(event_id=event.id, user_id=user.id)
    )
    if member is None:
        add_to_team(event.id, user, TeamRole(role))
    else:
        member.role = role
    db.session.commit()
    return user


def remove_team_member(event: Event, actor: User, user_id: int) -> None:
    """Take someone off the team; the last facilitator stays."""
    facilitators = [u for u, role in team_of(event) if role == TeamRole.FACILITATOR]
    if facilitators and all(u.id == user_id for u in facilitators):
        raise InputError(_("Een evenement houdt minstens één facilitator."))
    db.session.execute(
        EventTeamMember.__table__.delete().where(
            EventTeamMember.event_id == event.id, EventTeamMember.user_id == user_id
        )
    )
    db.session.commit()
