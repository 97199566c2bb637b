"""A burst: the input opens and a room sends its ideas at once (issue 24). A real gunicorn +
gevent server with its real coalescing window; the pages behave as static/js/live.js."""

import asyncio
import uuid

import socketio
from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.realtime.models import SessionEvent
from brainstorm.sessions.models import Idea
from tests.live_client import LiveParticipant, open_session
from tests.servers import AppServer

LISTENERS = 50
IDEAS = 200
SECRET = "burst-secret"


class Console:
    """The facilitator's console: it is in every room, so it must see every seq exactly once."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.seqs: list[int] = []
        self.batches = 0
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("*", self._any)

    async def _any(self, name: str, data=None) -> None:
        if name == "batch":
            self.batches += 1
            self.seqs += [event["data"]["seq"] for event in data["events"]]
        elif isinstance(data, dict) and "seq" in data and name != "session_snapshot":
            self.seqs.append(data["seq"])

    async def start(self) -> None:
        await self.sio.connect(
            self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=20
        )


def test_a_burst_of_200_ideas_reaches_50_pages_in_order_without_gaps(tmp_path):
    url = f"sqlite:///{tmp_path / 'burst.db'}"
    app, tokens = open_session(url, SECRET, [f"Deelnemer {n}" for n in range(LISTENERS)])
    console_token = tokens.pop("facilitator")
    server = AppServer(tmp_path, url, SECRET_KEY=SECRET)  # production settings: a real window
    server.start()

    async def session() -> tuple[list[LiveParticipant], Console]:
        pages = [LiveParticipant(server.url, token) for token in tokens.values()]
        console = Console(server.url, console_token)
        await asyncio.gather(console.start(), *(page.start() for page in pages))
        await asyncio.sleep(1.5)  # the head count settles
        for number in range(IDEAS):
            pages[number % LISTENERS].write(f"Vraagstuk {number}: {uuid.uuid4().hex[:8]}")
        # Every page fires its whole outbox at once: 200 commands in flight.
        await asyncio.wait_for(
            asyncio.gather(*(page.send_all_at_once() for page in pages)), timeout=60
        )
        expected = set(stored(app).values())
        deadline = asyncio.get_running_loop().time() + 20
        while any(set(page.board) != expected for page in pages):
            assert asyncio.get_running_loop().time() < deadline, "pages differ from the database"
            await asyncio.sleep(0.1)
        await asyncio.gather(console.sio.disconnect(), *(page.stop() for page in pages))
        return pages, console

    try:
        pages, console = asyncio.run(session())
    finally:
        server.stop()

    in_database = stored(app)
    assert len(in_database) == IDEAS
    with app.app_context():
        logged = list(db.session.scalars(select(SessionEvent.seq).order_by(SessionEvent.seq)))
    # The console (in every room) saw every event logged during the burst once: no gap.
    first = logged[-1] - 2 * IDEAS + 1  # idea_added and idea_moderated of each idea
    assert sorted(console.seqs) == list(range(first, logged[-1] + 1))
    assert console.batches > 0, "the burst left one message per event"
    for page in pages:
        assert set(page.board) == set(in_database.values())
        assert page.applied == sorted(page.applied), "a page applied ideas out of order"
        assert page.catch_ups == 0, "a page saw a gap that was not there"


def stored(app) -> dict[str, int]:
    """client_id -> idea id of every idea in the database."""
    with app.app_context():
        return dict(db.session.execute(select(Idea.client_id, Idea.id)).all())
