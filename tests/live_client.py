"""A participant's page, as static/js/room.js behaves, for tests that drive many of them over
real websockets: an outbox of ideas not acked yet (resent after every reconnect with the same
client_id), the last seq it saw (sent on reconnect, so the server replays what it missed), and
a board built from the snapshot and the events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import time

import socketio
from flask import Flask
from flask_migrate import upgrade

from brainstorm import create_app
from brainstorm.accounts import services as accounts
from brainstorm.accounts.identity import PARTICIPANT, USER, socket_token
from brainstorm.accounts.models import Role
from brainstorm.events.services import create_event
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Phase
from brainstorm.timeutil import local_today


def open_session(database_url: str, secret: str, names: Sequence[str]) -> tuple[Flask, dict]:
    """A migrated database with a session taking input (100 ideas a person allowed), its
    facilitator and these participants. Returns the app (to read the database) and socket
    tokens by name, "facilitator" for the console's."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret, "ASYNC_MODE": "threading"}
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        user = accounts.create_user("facilitator@example.org", "lang-wachtwoord", Role.FACILITATOR)
        event = create_event(user, "Congresdag", local_today(), time(9), time(17))
        bs = sessions.create_session(event, "Vraagstukken")
        sessions.update_settings(bs, user, {"idea_limit": 100})
        sessions.set_phase(bs, user, Phase.INPUT)
        tokens = {"facilitator": socket_token(USER, user.id, bs.id)}
        for name in names:
            tokens[name] = socket_token(PARTICIPANT, sessions.join_session(bs, name).id, bs.id)
    return app, tokens


class LiveParticipant:
    """One participant page on an asyncio loop."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token
        self.seq = 0
        self.board: dict[int, str] = {}
        self.outbox: dict[str, str] = {}  # client_id -> text, until acked
        self.acked: dict[str, int] = {}  # client_id -> idea id
        self.connected = asyncio.Event()
        self.sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("session_snapshot", self._on_snapshot)
        self.sio.on("idea_added", self._on_idea)

    async def start(self) -> None:
        """Connect (auth is asked again at every reconnect, with the seq seen so far)."""
        await self.sio.connect(
            self.url,
            auth=lambda: {"token": self.token, "last_seq": self.seq},
            transports=["websocket"],
            wait_timeout=20,
        )

    async def stop(self) -> None:
        """Close the page."""
        await self.sio.disconnect()

    async def _on_connect(self) -> None:
        self.connected.set()

    async def _on_disconnect(self, *_reason) -> None:
        self.connected.clear()

    async def _on_snapshot(self, snapshot: dict) -> None:
        self.board = {idea["id"]: idea["text"] for idea in snapshot["ideas"]}
        self.seq = snapshot["seq"]

    async def _on_idea(self, event: dict) -> None:
        self.board[event["idea"]["id"]] = event["idea"]["text"]
        self.seq = max(self.seq, event["seq"])

    def write(self, text: str) -> str:
        """Type an idea: it goes into the outbox first, as on the page."""
        client_id = str(uuid.uuid4())
        self.outbox[client_id] = text
        return client_id

    async def send_outbox(self, timeout: float = 10) -> None:
        """Send what is not acked yet, again and again, until all of it is (reconnecting as
        needed); an ack with ok=False is a bug here, so it raises."""
        while self.outbox:
            await self.connected.wait()
            for client_id, text in list(self.outbox.items()):
                try:
                    ack = await self.sio.call(
                        "submit_idea", {"text": text, "client_id": client_id}, timeout=timeout
                    )
                except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                    break  # the server went away: wait for the reconnect, then resend
                if not ack.get("ok"):
                    raise AssertionError(f"refused: {ack}")
                self.acked[client_id] = ack["id"]
                del self.outbox[client_id]
            else:
                continue
            await asyncio.sleep(0.1)
