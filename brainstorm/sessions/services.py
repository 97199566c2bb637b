"""Live sessions: create, join, submit vraagstukken, and what a page needs to start."""

from uuid import UUID

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from brainstorm.errors import InputError, NotFound, PhaseClosed
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.sessions.codes import generate_code, is_valid_code, normalise_code
from brainstorm.sessions.models import (
    DISPLAY_NAME_MAX,
    BrainstormSession,
    Idea,
    Participant,
    Phase,
)


def create_session(event: Event, title: str) -> BrainstormSession:
    """Open a live session for an event, with a fresh unique join code."""
    title = title.strip()
    if not title:
        raise InputError(_("Geef de sessie een titel."))
    for _attempt in range(20):
        code = generate_code()
        if db.session.scalar(select(BrainstormSession.id).filter_by(join_code=code)) is None:
            break
    else:  # pragma: no cover - 20 collisions in 887 million codes means something else is wrong
        raise RuntimeError("no free join code")
    bs = BrainstormSession(event=event, title=title[:200], join_code=code)
    db.session.add(bs)
    db.session.commit()
    return bs


def find_session(raw_code: str) -> BrainstormSession:
    """The session for a join code as someone typed it."""
    code = normalise_code(raw_code)
    if not is_valid_code(code):
        raise InputError(_("Een sessiecode bestaat uit 6 tekens, bijvoorbeeld K7QM2P."))
    bs = db.session.scalar(select(BrainstormSession).filter_by(join_code=code))
    if bs is None:
        raise NotFound(_("Er is geen sessie met code %(code)s. Controleer de code.", code=code))
    return bs


def join_session(bs: BrainstormSession, display_name: str = "") -> Participant:
    """Let someone in without an account; the name is optional."""
    name = " ".join(display_name.split())
    if len(name) > DISPLAY_NAME_MAX:
        raise InputError(_("Een naam mag hoogstens %(max)d tekens zijn.", max=DISPLAY_NAME_MAX))
    participant = Participant(session=bs, display_name=name)
    db.session.add(participant)
    db.session.commit()
    return participant


def clean_idea_text(text: object) -> str:
    """The vraagstuk as it will be stored, or an InputError that says what is wrong."""
    if not isinstance(text, str):
        raise InputError(_("Vul een vraagstuk in."))
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise InputError(_("Vul een vraagstuk in."))
    limit = current_app.config["IDEA_MAX_LENGTH"]
    if len(text) > limit:
        raise InputError(
            _(
                "Je vraagstuk is te lang: %(n)d tekens, hoogstens %(max)d. Maak het wat korter.",
                n=len(text),
                max=limit,
            )
        )
    return text


def parse_client_id(raw: object) -> str:
    """The client-made UUID that makes a resend harmless."""
    try:
        return str(UUID(str(raw)))
    except ValueError:
        raise InputError(_("Het bericht mist een geldige client_id (UUID).")) from None


def submit_idea(bs: BrainstormSession, author: Participant, text: str, client_id: str) -> Idea:
    """Store a vraagstuk once, however often the client resends it, and tell the room."""
    text = clean_idea_text(text)
    client_id = parse_client_id(client_id)
    existing = _idea_by_client_id(bs, client_id)
    if existing:
        return existing
    if bs.phase != Phase.INPUT:
        raise PhaseClosed(_("De invoer is gesloten: je kunt nu geen vraagstukken meer insturen."))
    idea = Idea(session_id=bs.id, participant_id=author.id, text=text, client_id=client_id)
    db.session.add(idea)
    try:
        db.session.flush()
    except IntegrityError:  # the same resend racing in on another connection
        db.session.rollback()
        return _idea_by_client_id(bs, client_id)
    event = realtime.log_event(
        bs.id, "idea_added", idea.to_public(), actor=f"participant:{author.id}"
    )
    db.session.commit()
    realtime.emit_logged(event)
    return idea


def _idea_by_client_id(bs: BrainstormSession, client_id: str) -> Idea | None:
    return db.session.scalar(select(Idea).filter_by(session_id=bs.id, client_id=client_id))


def visible_ideas(bs: BrainstormSession) -> list[Idea]:
    """The ideas everyone in the session may see, oldest first."""
    return list(
        db.session.scalars(select(Idea).filter_by(session_id=bs.id, hidden=False).order_by(Idea.id))
    )


def participant_count(bs: BrainstormSession) -> int:
    """How many people joined the session (ever)."""
    return db.session.scalar(
        select(func.count()).select_from(Participant).filter_by(session_id=bs.id)
    )


def sessions_of(event: Event) -> list[BrainstormSession]:
    """An event's live sessions, oldest first."""
    return list(
        db.session.scalars(
            select(BrainstormSession).filter_by(event_id=event.id).order_by(BrainstormSession.id)
        )
    )
