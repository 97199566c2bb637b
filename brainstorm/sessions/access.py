"""How the access door finds a live session: by id or join code in a route, and a session or
participant by id for socket tokens and the cookie. Registered on import (see create_app)."""

from flask import abort
from sqlalchemy import bindparam, select

from brainstorm.accounts.access import Scope, finds
from brainstorm.accounts.identity import register_loaders
from brainstorm.extensions import db
from brainstorm.sessions.codes import normalise_code
from brainstorm.sessions.models import BrainstormSession, Participant


@finds("session_id", order=10)
def by_session_id(session_id: int) -> Scope:
    """A session's pages: the session and its event."""
    bs = db.get_or_404(BrainstormSession, session_id)
    return Scope(event=bs.event, bs=bs)


@finds("code", order=20)
def by_join_code(code: str) -> Scope:
    """A participant's pages, reached by the join code as typed."""
    bs = db.session.scalar(select(BrainstormSession).filter_by(join_code=normalise_code(code)))
    if bs is None:
        abort(404)
    return Scope(event=bs.event, bs=bs)


def load_session(session_id: int) -> BrainstormSession | None:
    """A session by the id in a socket token."""
    return db.session.get(BrainstormSession, session_id)


def load_participant(participant_id: int) -> Participant | None:
    """A participant by the id in a socket token or the cookie."""
    return db.session.get(Participant, participant_id)


# Every command a phone sends passes the door here: one statement, built once (two gets cost
# twice the time, most of it SQLAlchemy's, not the database's).
_MEMBER = (
    select(Participant, BrainstormSession)
    .join(BrainstormSession, Participant.session_id == BrainstormSession.id)
    .where(Participant.id == bindparam("participant"), BrainstormSession.id == bindparam("bs"))
)


def load_member(
    participant_id: int, session_id: int
) -> tuple[Participant, BrainstormSession] | None:
    """A participant and their session, by the ids in a socket token (None unless they match)."""
    row = db.session.execute(_MEMBER, {"participant": participant_id, "bs": session_id}).first()
    return None if row is None else (row[0], row[1])


register_loaders(session=load_session, participant=load_participant, member=load_member)
