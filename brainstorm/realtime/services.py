"""Write to the session event log, emit after commit, replay what a client missed.

Logged events leave through one outbox per app and process: the first event for a room goes
out at once (after the ack of the command that made it), and what follows within the window
(LIVE_BATCH_WINDOW) goes out as one `batch` message, encoded once for the whole room. Every
message carries `prev`, the seq of the message sent to the same room before it (by this
process), so a page that has not seen that seq knows it missed something and asks
(`catch_up`).
"""

import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence

from flask import Flask, current_app
from sqlalchemy import Executable, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from brainstorm.extensions import db, socketio
from brainstorm.realtime.models import EVERYONE, SessionCounter, SessionEvent
from brainstorm.timeutil import utcnow

BATCH = "batch"
# A burst of 300 phones arrives within a second: 100 ms keeps a page live to the eye and turns
# the burst into about ten messages per page.
DEFAULT_WINDOW = 0.1
FORGET_AFTER_ROOMS = 10_000
FORGET_AFTER_SECONDS = 3600.0
FORGET_EVERY = 60.0


def audience_room(session_id: int, audience: str) -> str:
    """The Socket.IO room of one audience of a session ("all", "facilitators", "participant:7")."""
    return f"s{session_id}:{audience}"


def audiences_in(session_id: int, rooms: Iterable[str]) -> list[str]:
    """The audiences of a session behind these Socket.IO rooms (those of one connection)."""
    prefix = audience_room(session_id, "")
    return [room[len(prefix) :] for room in rooms if room.startswith(prefix)]


def participant_audience(participant_id: int) -> str:
    """The audience of one participant: what only they (and replay to them) may see."""
    return f"participant:{participant_id}"


def emit_ephemeral(session_id: int, name: str, payload: dict) -> None:
    """Broadcast something that is not worth replaying (presence) to everyone in a session."""
    socketio.emit(name, payload, to=audience_room(session_id, EVERYONE))


def _seq_statement(upsert: Callable) -> Executable:
    counters = SessionCounter.__table__
    return (
        upsert(counters)
        .values(session_id=bindparam("session_id"), last_seq=bindparam("count"))
        .on_conflict_do_update(
            index_elements=[counters.c.session_id],
            set_={"last_seq": counters.c.last_seq + bindparam("count")},
        )
        .returning(counters.c.last_seq)
    )


# Built once: building a statement and its cache key cost more than running it (a submit
# takes seqs and writes the log on every idea).
_TAKE_SEQS = {
    "postgresql": _seq_statement(postgresql.insert),
    "sqlite": _seq_statement(sqlite.insert),
}
_LOG = insert(SessionEvent.__table__)
_LOG_COLUMNS = ("session_id", "seq", "name", "payload", "audience", "actor", "created_at")


def _take_seqs(session_id: int, count: int) -> int:
    """Atomically take `count` seqs in one statement; returns the last (an upsert, so
    concurrent writers never share one)."""
    stmt = _TAKE_SEQS[db.session.get_bind().dialect.name]
    return db.session.execute(stmt, {"session_id": session_id, "count": count}).scalar_one()


def log_events(
    session_id: int, entries: Sequence[tuple[str, dict, str]], *, actor: str = ""
) -> list[SessionEvent]:
    """Log several (name, payload, audience) in the caller's transaction, with one statement
    for their seqs; emit them after the commit."""
    return log_events_by(session_id, [(*entry, actor) for entry in entries])


def log_events_by(
    session_id: int, entries: Sequence[tuple[str, dict, str, str]]
) -> list[SessionEvent]:
    """log_events for entries of several actors: (name, payload, audience, actor)."""
    if not entries:
        return []
    first = _take_seqs(session_id, len(entries)) - len(entries) + 1
    now = utcnow()
    events = [
        SessionEvent(
            session_id=session_id,
            seq=first + number,
            name=name,
            payload=payload,
            audience=audience,
            actor=actor,
            created_at=now,
        )
        for number, (name, payload, audience, actor) in enumerate(entries)
    ]
    # One INSERT for all of them, outside the unit of work: the log is written once and never
    # changed, so the objects need no tracking (they only carry what is broadcast).
    rows = [{column: getattr(event, column) for column in _LOG_COLUMNS} for event in events]
    db.session.execute(_LOG, rows)
    return events


def log_event(
    session_id: int, name: str, payload: dict, *, audience: str = EVERYONE, actor: str = ""
) -> SessionEvent:
    """Add an event to the log inside the caller's transaction; emit it after the commit."""
    return log_events(session_id, [(name, payload, audience)], actor=actor)[0]


class _Outbox:
    """What waits to be broadcast, per room; one per app and process."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.pending: dict[str, list[tuple[int, str, dict]]] = {}
        self.scheduled: set[str] = set()
        self.sent_at: dict[str, float] = {}  # room -> when its last message left
        self.prev: dict[str, int] = {}  # room -> the highest seq sent to it
        self.pruned_at = float("-inf")

    def window(self) -> float:
        default = 0.0 if self.app.testing else DEFAULT_WINDOW
        return float(self.app.config.get("LIVE_BATCH_WINDOW", default))

    def add(self, items: Iterable[tuple[str, int, str, dict]]) -> None:
        window = self.window()
        later: list[tuple[str, float]] = []
        with self.lock:
            for room, seq, name, message in items:
                self.pending.setdefault(room, []).append((seq, name, message))
                if room not in self.scheduled:
                    self.scheduled.add(room)
                    since = time.monotonic() - self.sent_at.get(room, float("-inf"))
                    later.append((room, max(0.0, window - since)))
        for room, delay in later:
            if window <= 0:
                # No window (tests with socketio.test_client): each event as itself, at once.
                self.flush(room, batch=False)
            else:
                socketio.start_background_task(self._flush_after, room, delay)

    def _flush_after(self, room: str, delay: float) -> None:
        # A zero delay still waits for the loop: the command's ack leaves before the broadcast.
        socketio.sleep(delay)
        self.flush(room)

    def flush(self, room: str, *, batch: bool = True) -> None:
        """Send what waits for one room: one event as itself, more as one `batch`."""
        # Held while emitting, so two flushes of one room never overtake each other.
        with self.lock:
            items = sorted(self.pending.pop(room, []), key=lambda item: item[0])
            self.scheduled.discard(room)
            if not items:
                return
            prev = self.prev.get(room)
            self.prev[room] = max(prev or 0, items[-1][0])
            self.sent_at[room] = now = time.monotonic()
            if len(self.sent_at) > FORGET_AFTER_ROOMS and now > self.pruned_at + FORGET_EVERY:
                self._forget_quiet_rooms()
            if len(items) > 1 and batch:
                events = [{"name": name, "data": message} for _seq, name, message in items]
                socketio.emit(BATCH, {"prev": prev, "events": events}, to=room)
                return
            for seq, name, message in items:
                socketio.emit(name, {**message, "prev": prev}, to=room)
                prev = seq

    def _forget_quiet_rooms(self) -> None:
        # A process lives for months of sessions, and every participant has a room: what was
        # sent to rooms quiet for an hour is forgotten. Their next message carries no `prev`;
        # their pages still check every half minute.
        self.pruned_at = time.monotonic()  # at most every FORGET_EVERY: it reads every room
        before = self.pruned_at - FORGET_AFTER_SECONDS
        for room in [room for room, at in self.sent_at.items() if at < before]:
            if room not in self.scheduled:
                del self.sent_at[room]
                self.prev.pop(room, None)

    def flush_all(self) -> None:
        with self.lock:
            rooms = list(self.pending)
        for room in rooms:
            self.flush(room)


def _outbox() -> _Outbox:
    app = current_app._get_current_object()
    outbox = app.extensions.get("brainstorm.outbox")
    if outbox is None:
        outbox = app.extensions.setdefault("brainstorm.outbox", _Outbox(app))
    return outbox


def flush() -> None:
    """Send everything waiting in this app's outbox now (tests with a real window)."""
    _outbox().flush_all()


def _staged(event: SessionEvent) -> tuple[str, int, str, dict]:
    return (audience_room(event.session_id, event.audience), event.seq, event.name, event.message())


def emit_logged(event: SessionEvent) -> None:
    """Broadcast a committed event to its audience: the one emit path of the app."""
    _outbox().add([_staged(event)])


def commit_and_emit(events: Iterable[SessionEvent], *, keep_loaded: bool = False) -> None:
    """Commit the change with its log entries, then tell the rooms (never before the commit).

    `keep_loaded`: the objects keep what they hold instead of being read again after the
    commit (the caller only reads what it just wrote)."""
    # Read before the commit: afterwards every attribute would cost a SELECT.
    staged = [_staged(event) for event in events]
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = expire and not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    _outbox().add(staged)


def emit_to(session_id: int, audiences: Iterable[str], name: str, payload: dict) -> None:
    """Send something not worth replaying (work in progress) to some audiences of a session."""
    socketio.emit(
        name, payload, to=[audience_room(session_id, a) for a in dict.fromkeys(audiences)]
    )


def latest_seq(session_id: int) -> int:
    """The last seq handed out in a session (0 before anything happened)."""
    return db.session.scalar(select(SessionCounter.last_seq).filter_by(session_id=session_id)) or 0


def events_since(
    session_id: int, after_seq: int, audiences: Collection[str], limit: int
) -> list[SessionEvent] | None:
    """Events after a seq for these audiences; None when too many were missed to replay."""
    caught = catch_up(session_id, after_seq, audiences, limit)
    return None if caught is None else caught[0]


def catch_up(
    session_id: int, after_seq: int, audiences: Collection[str], limit: int
) -> tuple[list[SessionEvent], int] | None:
    """What these audiences missed after a seq, and the seq up to which that is complete
    (every seq at or below it was committed); None when too many were missed to replay."""
    # Read first: a seq is visible only when every lower one was committed (one counter row,
    # locked until the commit), so the events read next include all of them.
    latest = latest_seq(session_id)
    # A seq from the future means the client saw another database (restored, reset).
    if after_seq > latest:
        return None
    if after_seq == latest:
        return [], latest  # the usual answer to a page that only checks: one statement
    # A log emptied since (personal data removed on request) cannot be replayed.
    first = db.session.scalar(
        select(func.min(SessionEvent.seq)).where(
            SessionEvent.session_id == session_id, SessionEvent.seq > after_seq
        )
    )
    if first != after_seq + 1:
        return None
    events = list(
        db.session.scalars(
            select(SessionEvent)
            .where(
                SessionEvent.session_id == session_id,
                SessionEvent.seq > after_seq,
                SessionEvent.audience.in_(list(audiences)),
            )
            .order_by(SessionEvent.seq)
            .limit(limit + 1)
        )
    )
    # Counted for these audiences only: a phone that asks every half minute during a burst
    # of 300 people misses little of its own, though many seqs went by for the facilitators.
    if len(events) > limit:
        return None
    return events, latest
