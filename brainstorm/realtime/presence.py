"""Who is in a session's room right now: a head count shared by every server process.

One process keeps the count in memory. Several processes (SOCKETIO_MESSAGE_QUEUE=redis://…)
keep it in that Redis: a hash per session of "process:sid" -> participant id, and a key per
process that lives while the process does (a heartbeat renews it), so the connections of a
process that was killed stop counting within PROCESS_TTL seconds instead of forever.
Announcements are batched: with 300 people arriving in a minute, one `presence` broadcast a
second instead of one per arrival to everyone already there.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import defaultdict
from typing import Protocol

import redis
from flask import Flask, current_app

from brainstorm.background import run_later_once
from brainstorm.config import shared_redis
from brainstorm.extensions import socketio
from brainstorm.realtime.services import emit_ephemeral

PROCESS_TTL = 30  # seconds a process counts as alive after its last heartbeat
HEARTBEAT = 10  # seconds between heartbeats
PREFIX = "brainstorm:presence"

logger = logging.getLogger(__name__)


class PresenceStore(Protocol):
    def enter(self, session_id: int, sid: str, participant_id: int) -> None: ...
    def leave(self, session_id: int, sid: str) -> bool: ...
    def count(self, session_id: int) -> int: ...
    def participants(self, session_id: int) -> set[int]: ...


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


class RedisPresence:
    """The count of every process, kept in the Redis the processes already share."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, decode_responses=True)
        self._process = ""
        self._beating = False

    def _me(self) -> str:
        # A forked worker must not share its parent's name: the name follows the pid.
        if not self._process.endswith(f"-{os.getpid()}"):
            self._process = f"{uuid.uuid4().hex[:12]}-{os.getpid()}"
            self._beating = False
        if not self._beating:
            self._beating = True
            self._alive()
            socketio.start_background_task(self._heartbeat, self._process)
        return self._process

    def _alive(self) -> None:
        self._redis.set(f"{PREFIX}:process:{self._process}", 1, ex=PROCESS_TTL)

    def _heartbeat(self, process: str) -> None:
        while self._process == process:
            socketio.sleep(HEARTBEAT)
            try:
                self._alive()
            except redis.RedisError:  # away for a moment: the next beat tries again
                logger.warning("presence heartbeat failed; retrying")

    def enter(self, session_id: int, sid: str, participant_id: int) -> None:
        """Count a connection of a participant in."""
        self._redis.hset(f"{PREFIX}:{session_id}", f"{self._me()}:{sid}", participant_id)

    def leave(self, session_id: int, sid: str) -> bool:
        """Count a connection out; False when it was not counted."""
        return bool(self._redis.hdel(f"{PREFIX}:{session_id}", f"{self._me()}:{sid}"))

    def count(self, session_id: int) -> int:
        """Distinct participants connected (two tabs of one person count once)."""
        return len(self.participants(session_id))

    def participants(self, session_id: int) -> set[int]:
        """The ids of the participants connected to a living process; a dead one's are removed."""
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


def init_presence(app: Flask) -> None:
    """Choose the store: Redis when the processes share a Redis message queue."""
    shared = shared_redis(app.config)
    app.extensions["presence"] = RedisPresence(shared) if shared else MemoryPresence()


def store() -> PresenceStore:
    """The app's presence store."""
    return current_app.extensions["presence"]


def announce(session_id: int) -> None:
    """Broadcast the head count soon (PRESENCE_DELAY), once for all arrivals until then."""

    def send() -> None:
        emit_ephemeral(session_id, "presence", {"count": store().count(session_id)})

    run_later_once(("presence", session_id), current_app.config["PRESENCE_DELAY"], send)
