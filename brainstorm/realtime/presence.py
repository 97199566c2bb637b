"""Who is in a session's room right now: a head count shared by every server process.

One process keeps the count in memory. Several processes (SOCKETIO_MESSAGE_QUEUE=redis://…)
keep it in that Redis: a hash per session of "process:sid" -> participant id, and a key per
process that lives while the process does (a heartbeat renews it), so the connections of a
process that was killed stop counting within PRESENCE_PROCESS_TTL seconds instead of forever.
Announcements are batched: with 300 people arriving in a minute, one `presence` broadcast a
second instead of one per arrival to everyone already there.

Redis is not trusted to keep anything: each process also remembers its own connections and
writes them again at every heartbeat, so a Redis restarted empty is filled again within one
heartbeat. At each heartbeat a process also counts again every session it has pages of (which
drops the connections of dead processes) and tells its own pages when the count differs from
the one they last heard from it: a head count is right within a heartbeat or two after a
process dies or Redis restarts, even when a broadcast between processes was lost meanwhile.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import defaultdict
from typing import Protocol

import redis
from flask import Flask, current_app, has_app_context

from brainstorm.background import run_later_once
from brainstorm.config import shared_redis
from brainstorm.extensions import socketio
from brainstorm.realtime.models import EVERYONE
from brainstorm.realtime.services import audience_room, emit_ephemeral

PROCESS_TTL = 30  # seconds a process counts as alive after its last heartbeat
HEARTBEAT = 10  # seconds between heartbeats
PREFIX = "brainstorm:presence"

logger = logging.getLogger(__name__)


class PresenceStore(Protocol):
    def enter(self, session_id: int, sid: str, participant_id: int) -> None: ...
    def leave(self, session_id: int, sid: str) -> bool: ...
    def count(self, session_id: int) -> int: ...
    def participants(self, session_id: int) -> set[int]: ...
    def told(self, session_id: int, count: int) -> None: ...
    def keep_alive(self) -> None: ...


class MemoryPresence:
    """The count of one process: enough when it is the only one."""

    def __init__(self) -> None:
        self._present: dict[int, dict[str, int]] = defaultdict(dict)

    def enter(self, session_id: int, sid: str, participant_id: int) -> None:
        """Count a connection of a participant in."""
        self._present[session_id][sid] = participant_id

    def leave(self, session_id: int, sid: str) -> bool:
        """Count a connection out; False when it was not counted."""
        return self._present.get(session_id, {}).pop(sid, None) is not None

    def count(self, session_id: int) -> int:
        """Distinct participants connected (two tabs of one person count once)."""
        return len(self.participants(session_id))

    def participants(self, session_id: int) -> set[int]:
        """The ids of the participants connected now."""
        return set(self._present.get(session_id, {}).values())

    def told(self, session_id: int, count: int) -> None:
        """Nothing to remember: one process announces every change itself."""

    def keep_alive(self) -> None:
        """No heartbeat: nothing is shared."""


class RedisPresence:
    """The count of every process, kept in the Redis the processes already share."""

    def __init__(
        self, url: str, heartbeat: float = HEARTBEAT, process_ttl: float = PROCESS_TTL
    ) -> None:
        # Short timeouts: a Redis that does not answer must not hold up a connecting page.
        self._redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
        self._every = heartbeat
        self._ttl = max(1, round(process_ttl))
        self._process = ""
        self._beating = False
        self._down = False
        # This process's own connections, and what Redis last said: the truth to write back
        # after a Redis restart, and the answer while Redis is away.
        self._mine: dict[int, dict[str, int]] = defaultdict(dict)
        self._last: dict[int, set[int]] = {}
        self._told: dict[int, int] = {}  # the count this process's pages heard last from it

    def _me(self) -> str:
        # A forked worker must not share its parent's name: the name follows the pid.
        if not self._process.endswith(f"-{os.getpid()}"):
            self._process = f"{uuid.uuid4().hex[:12]}-{os.getpid()}"
            self._beating = False
            self._mine.clear()
        if not self._beating and has_app_context():
            self._beating = True
            app = current_app._get_current_object()
            socketio.start_background_task(self._heartbeat, self._process, app)
            self._redis_call(self._alive)
        return self._process

    def _alive(self) -> bool:
        """Renew this process's key (made anew when Redis has restarted empty)."""
        return bool(self._redis.set(f"{PREFIX}:process:{self._process}", 1, ex=self._ttl))

    def _redis_call(self, fn, *args):
        """fn(*args), or None while Redis is away (said once in the log, not per call)."""
        try:
            result = fn(*args)
        except redis.RedisError as error:
            if not self._down:
                logger.warning("presence: Redis unreachable (%s); counting locally", error)
            self._down = True
            return None
        if self._down:
            logger.warning("presence: Redis is back")
            self._down = False
        return result

    def _heartbeat(self, process: str, app: Flask) -> None:
        while True:
            socketio.sleep(self._every)
            if self._process != process:
                return  # closed, or a forked worker beating under its own name
            try:
                with app.app_context():
                    self.beat()
            except Exception:  # a bug in one beat must not end the heartbeat for good
                logger.exception("presence heartbeat failed")

    def beat(self) -> None:
        """Stay alive, write this process's connections again (Redis may have restarted
        empty), and tell this process's pages the count wherever it differs from what they
        were last told here (a dead process's connections dropped, Redis restarted, or a
        broadcast lost while the queue was away)."""
        if self._redis_call(self._alive) is None:
            return  # Redis away: the next beat tries again
        pipe = self._redis.pipeline(transaction=False)
        for session_id, connections in list(self._mine.items()):
            if connections:
                fields = {f"{self._process}:{sid}": pid for sid, pid in connections.items()}
                pipe.hset(f"{PREFIX}:{session_id}", mapping=fields)
        if self._redis_call(pipe.execute) is None:
            return
        for session_id in _sessions_served_here():
            count = self.count(session_id)
            if not self._down and self._told.get(session_id) != count:
                # To this process's pages only: every process corrects its own, so a count
                # lost on the way between processes is put right too.
                room = audience_room(session_id, EVERYONE)
                socketio.emit("presence", {"count": count}, to=room, ignore_queue=True)
                self._told[session_id] = count

    def keep_alive(self) -> None:
        """Start this process's heartbeat if it has not started yet (a console alone counts)."""
        self._me()

    def close(self) -> None:
        """Stop the heartbeat and take this store's connections out of the count at once."""
        process, mine = self._process, self._mine
        self._process, self._mine = "closed", defaultdict(dict)
        pipe = self._redis.pipeline(transaction=False)
        for session_id, connections in mine.items():
            if connections:
                pipe.hdel(f"{PREFIX}:{session_id}", *(f"{process}:{sid}" for sid in connections))
        pipe.delete(f"{PREFIX}:process:{process}")
        self._redis_call(pipe.execute)

    def enter(self, session_id: int, sid: str, participant_id: int) -> None:
        """Count a connection of a participant in."""
        me = self._me()
        self._mine[session_id][sid] = participant_id
        # The process key too: after a Redis restart the others must not take these for the
        # connections of a dead process until this process's next heartbeat.
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(f"{PREFIX}:process:{me}", 1, ex=self._ttl)
        pipe.hset(f"{PREFIX}:{session_id}", f"{me}:{sid}", participant_id)
        self._redis_call(pipe.execute)

    def leave(self, session_id: int, sid: str) -> bool:
        """Count a connection out; False when it was not counted."""
        me = self._me()
        mine = self._mine.get(session_id, {})
        was_mine = mine.pop(sid, None) is not None
        if not mine:
            self._mine.pop(session_id, None)
        removed = self._redis_call(self._redis.hdel, f"{PREFIX}:{session_id}", f"{me}:{sid}")
        return bool(removed) or was_mine

    def count(self, session_id: int) -> int:
        """Distinct participants connected (two tabs of one person count once)."""
        return len(self.participants(session_id))

    def participants(self, session_id: int) -> set[int]:
        """The ids of the participants connected to a living process; a dead one's are removed.
        While Redis is away: what it said last, with this process's own connections."""
        present = self._redis_call(self._living, session_id)
        if present is None:
            mine = set(self._mine.get(session_id, {}).values())
            return self._last.get(session_id, set()) | mine
        self._last[session_id] = present
        return present

    def _living(self, session_id: int) -> set[int]:
        key = f"{PREFIX}:{session_id}"
        present = self._redis.hgetall(key)
        by_process: dict[str, list[str]] = defaultdict(list)
        for field in present:
            by_process[field.split(":", 1)[0]].append(field)
        for process, fields in by_process.items():
            if not self._redis.exists(f"{PREFIX}:process:{process}"):
                self._redis.hdel(key, *fields)
                for field in fields:
                    del present[field]
        return {int(participant_id) for participant_id in present.values()}

    def told(self, session_id: int, count: int) -> None:
        """Remember the count this process just broadcast (its own pages heard it at once)."""
        self._told[session_id] = count


def _sessions_served_here() -> list[int]:
    """The sessions with a page connected to this process (any kind: the console counts)."""
    rooms = socketio.server.manager.rooms.get("/", {}) if socketio.server else {}
    suffix = audience_room(0, EVERYONE).removeprefix("s0")
    found = []
    for room, members in list(rooms.items()):
        if members and isinstance(room, str) and room.startswith("s") and room.endswith(suffix):
            number = room[1 : -len(suffix)]
            if number.isdigit():
                found.append(int(number))
    return found


def init_presence(app: Flask) -> None:
    """Choose the store: Redis when the processes share a Redis message queue."""
    shared = shared_redis(app.config)
    app.extensions["presence"] = (
        RedisPresence(shared, app.config["PRESENCE_HEARTBEAT"], app.config["PRESENCE_PROCESS_TTL"])
        if shared
        else MemoryPresence()
    )


def store() -> PresenceStore:
    """The app's presence store."""
    return current_app.extensions["presence"]


def announce(session_id: int) -> None:
    """Broadcast the head count soon (PRESENCE_DELAY), once for all arrivals until then."""
    store().keep_alive()

    def send() -> None:
        count = store().count(session_id)
        emit_ephemeral(session_id, "presence", {"count": count})
        store().told(session_id, count)

    run_later_once(("presence", session_id), current_app.config["PRESENCE_DELAY"], send)
