"""Write to the session event log, emit after commit, replay what a client missed."""

from collections.abc import Collection, Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from brainstorm.extensions import db, socketio
from brainstorm.realtime.models import EVERYONE, SessionCounter, SessionEvent


def audience_room(session_id: int, audience: str) -> str:
    """The Socket.IO room of one audience of a session ("all", "facilitators", "participant:7")."""
    return f"s{session_id}:{audience}"


def participant_audience(participant_id: int) -> str:
    """The audience of one participant: what only they (and replay to them) may see."""
    return f"participant:{participant_id}"


def emit_ephemeral(session_id: int, name: str, payload: dict) -> None:
    """Broadcast something that is not worth replaying (presence) to everyone in a session."""
    socketio.emit(name, payload, to=audience_room(session_id, EVERYONE))


def _next_seq(session_id: int) -> int:
    """Atomically take the next seq (an upsert, so concurrent writers never share one)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(SessionCounter)
        .values(session_id=session_id, last_seq=1)
        .on_conflict_do_update(
            index_elements=[SessionCounter.session_id],
            set_={"last_seq": SessionCounter.last_seq + 1},
        )
        .returning(SessionCounter.last_seq)
    )
    return db.session.execute(stmt).scalar_one()


def log_event(
    session_id: int, name: str, payload: dict, *, audience: str = EVERYONE, actor: str = ""
) -> SessionEvent:
    """Add an event to the log inside the caller's transaction; emit it after the commit."""
    event = SessionEvent(
        session_id=session_id,
        seq=_next_seq(session_id),
        name=name,
        payload=payload,
        audience=audience,
        actor=actor,
    )
    db.session.add(event)
    return event


def emit_logged(event: SessionEvent) -> None:
    """Broadcast a committed event to its audience: the one emit path of the app."""
    socketio.emit(event.name, event.message(), to=audience_room(event.session_id, event.audience))


def commit_and_emit(events: Iterable[SessionEvent]) -> None:
    """Commit the change with its log entries, then tell the rooms (never before the commit)."""
    events = list(events)
    db.session.commit()
    for event in events:
        emit_logged(event)


def emit_to(session_id: int, audiences: Iterable[str], name: str, payload: dict) -> None:
    """Send something not worth replaying (work in progress) to some audiences of a session."""
    socketio.emit(
        name, payload, to=[audience_room(session_id, a) for a in dict.fromkeys(audiences)]
    )


def latest_seq(session_id: int) -> int:
    """The last seq handed out in a session (0 before anything happened)."""
    counter = db.session.get(SessionCounter, session_id)
    return counter.last_seq if counter else 0


def events_since(
    session_id: int, after_seq: int, audiences: Collection[str], limit: int
) -> list[SessionEvent] | None:
    """Events after a seq for these audiences; None when too many were missed to replay."""
    latest = latest_seq(session_id)
    # A seq from the future means the client saw another database (restored, reset).
    if after_seq > latest or latest - after_seq > limit:
        return None
    # A log emptied since (personal data removed on request) cannot be replayed.
    first = db.session.scalar(
        select(func.min(SessionEvent.seq)).where(
            SessionEvent.session_id == session_id, SessionEvent.seq > after_seq
        )
    )
    if after_seq < latest and first != after_seq + 1:
        return None
    return list(
        db.session.scalars(
            select(SessionEvent)
            .where(
                SessionEvent.session_id == session_id,
                SessionEvent.seq > after_seq,
                SessionEvent.audience.in_(list(audiences)),
            )
            .order_by(SessionEvent.seq)
        )
    )
