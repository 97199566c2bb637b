"""A participant's page, as static/js/room.js behaves, for tests that drive many of them over
real websockets: an outbox of ideas not acked yet (resent after every reconnect with the same
client_id), the seq up to which it is complete (sent on reconnect, so the server replays what
it missed), a board built from the snapshot and the events (one at a time or in a `batch`),
and, as static/js/live.js, a `catch_up` request when a message's `prev` is a seq it never saw
and (with `check_every`) at regular times, however busy the room."""

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

    GAP_GRACE = 0.5  # seconds a missed seq may still be on its way before the page asks
    check_every: float | None = None  # seconds between checks against the log (page: 30)

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
        self.sio.on("batch", self._on_batch)
        self.sio.on("*", self._on_other)
        self.floor = 0  # every seq up to here is applied (snapshot, catch-up)
        self.seen: set[int] = set()  # seqs applied above the floor
        self.applied: list[int] = []  # the seqs of the ideas applied, in the order applied
        self.catch_ups = 0  # catch_up requests sent
        self._asking: asyncio.Task | None = None

    async def start(self) -> None:
        """Connect (auth is asked again at every reconnect, with the seq seen so far)."""
        # The floor, not the highest seq seen: with two processes a higher seq may have come
        # in while a lower one, committed by a process that then died, was never sent.
        await self.sio.connect(
            self.url,
            auth=lambda: {"token": self.token, "last_seq": self.floor},
            transports=["websocket"],
            wait_timeout=20,
        )
        if self.check_every:
            self._checking = asyncio.ensure_future(self._check_regularly())

    async def _check_regularly(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            if self.sio.connected and (self._asking is None or self._asking.done()):
                self._asking = asyncio.ensure_future(self._ask())

    async def stop(self, settle: float = 5) -> None:
        """Close the page once it shows the ideas it had acked (up to `settle` seconds): the
        server acks first and broadcasts right after."""
        for _ in range(int(settle / 0.05)):
            if set(self.acked.values()) <= set(self.board) or not self.sio.connected:
                break
            await asyncio.sleep(0.05)
        if self.check_every:
            self._checking.cancel()
        await self.sio.disconnect()

    async def _on_connect(self) -> None:
        self.connected.set()

    async def _on_disconnect(self, *_reason) -> None:
        self.connected.clear()

    async def _on_snapshot(self, snapshot: dict) -> None:
        self.board = {idea["id"]: idea["text"] for idea in snapshot["ideas"]}
        self.seq = snapshot["seq"]
        self.floor = snapshot["seq"]
        self.seen.clear()

    def _apply(self, name: str, event: dict) -> None:
        if event["seq"] <= self.floor or event["seq"] in self.seen:
            return
        self.seen.add(event["seq"])
        self.seq = max(self.seq, event["seq"])
        if name == "idea_added":
            self.board[event["idea"]["id"]] = event["idea"]["text"]
            self.applied.append(event["seq"])

    def _check(self, prev: int | None) -> None:
        """A `prev` never seen: ask for what was missed after a grace (it may be on its way)."""
        if prev is None or prev <= self.floor or prev in self.seen:
            return
        if self._asking is None or self._asking.done():
            self._asking = asyncio.ensure_future(self._catch_up(prev))

    async def _catch_up(self, prev: int) -> None:
        await asyncio.sleep(self.GAP_GRACE)
        if prev <= self.floor or prev in self.seen:
            return
        self.catch_ups += 1
        await self._ask()

    async def _ask(self) -> None:
        # From the floor: a run of lost messages announces only its last one.
        after = self.floor
        try:
            answer = await self.sio.call("catch_up", {"last_seq": after}, timeout=10)
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
            return  # the reconnect replays it
        if answer.get("ok"):
            for event in answer["events"]:
                self._apply(event["name"], event["data"])
            if after <= self.floor:
                self.floor = max(self.floor, answer["complete_to"])
            else:
                self.seen.update(range(after + 1, answer["complete_to"] + 1))
            self.seq = max(self.seq, answer["complete_to"])

    async def _on_other(self, name: str, event: object = None) -> None:
        if isinstance(event, dict) and isinstance(event.get("seq"), int):
            self._apply(name, event)
            self._check(event.get("prev"))

    async def _on_idea(self, event: dict) -> None:
        self._apply("idea_added", event)
        self._check(event.get("prev"))

    async def _on_batch(self, batch: dict) -> None:
        for event in batch["events"]:
            self._apply(event["name"], event["data"])
        self._check(batch.get("prev"))

    def write(self, text: str) -> str:
        """Type an idea: it goes into the outbox first, as on the page."""
        client_id = str(uuid.uuid4())
        self.outbox[client_id] = text
        return client_id

    async def send_all_at_once(self, timeout: float = 30) -> None:
        """Send the whole outbox at once, without waiting for one ack before the next."""
        items = list(self.outbox.items())
        acks = await asyncio.gather(
            *(
                self.sio.call("submit_idea", {"text": text, "client_id": cid}, timeout=timeout)
                for cid, text in items
            )
        )
        for (client_id, _text), ack in zip(items, acks, strict=True):
            if not ack.get("ok"):
                raise AssertionError(f"refused: {ack}")
            self.acked[client_id] = ack["id"]
            del self.outbox[client_id]

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
