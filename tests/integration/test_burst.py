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


TEXTS = [
    "Hoe houden we zij-instromers vast in het eerste jaar?",
    "Wie betaalt de werkplekbegeleider als de subsidie stopt?",
    "Stageplekken in het mbo zijn schaars in onze regio.",
    "De werkdruk van schoolopleiders is te hoog.",
    "Roosters van pabo en opleidingsschool sluiten niet aan.",
    "Inductie van startende leraren verschilt per school.",
]


def test_ideas_sent_while_the_facilitator_clusters_are_stored_at_once(tmp_path):
    # The run computes in a thread for a second or more; a write held open meanwhile made
    # every idea sent in that second wait for SQLite's busy timeout with the whole process
    # (its busy wait blocks the gevent loop), then fail with a server error.
    url = f"sqlite:///{tmp_path / 'run.db'}"
    app, tokens = open_session(url, SECRET, [f"Deelnemer {n}" for n in range(10)])
    console_token = tokens.pop("facilitator")
    server = AppServer(tmp_path, url, SECRET_KEY=SECRET)
    server.start()

    async def session() -> tuple[list[tuple[float, float]], float, float, dict]:
        pages = [LiveParticipant(server.url, token) for token in tokens.values()]
        console = Console(server.url, console_token)
        await asyncio.gather(console.start(), *(page.start() for page in pages))
        for number in range(400):  # enough for the engine to take its time
            pages[number % len(pages)].write(f"{TEXTS[number % len(TEXTS)]} ({number})")
        await asyncio.gather(*(page.send_all_at_once() for page in pages))
        loop = asyncio.get_running_loop()
        started = loop.time()
        run = asyncio.ensure_future(console.sio.call("run_clustering", {}, timeout=60))
        sent: list[tuple[float, float]] = []
        while not run.done():
            page = pages[len(sent) % len(pages)]
            client_id = page.write(f"Tijdens het clusteren, vraagstuk {len(sent)}")
            before = loop.time()
            await page.send_outbox(timeout=30)  # raises on a refusal or a server error
            sent.append((before, loop.time()))
            assert client_id in page.acked
        ran = await run
        finished = loop.time()
        await asyncio.gather(console.sio.disconnect(), *(page.stop() for page in pages))
        return sent, started, finished, ran

    try:
        sent, started, finished, ran = asyncio.run(session())
    finally:
        server.stop()

    assert ran["ok"], ran
    during = [(a, b) for a, b in sent if a > started and b < finished]
    assert len(during) >= 3, f"the run took {finished - started:.2f} s; {len(sent)} ideas sent"
    assert max(b - a for a, b in during) < 1.0  # acked as usual, not after the run
    assert len(stored(app)) == 400 + len(sent)


def stored(app) -> dict[str, int]:
    """client_id -> idea id of every idea in the database."""
    with app.app_context():
        return dict(db.session.execute(select(Idea.client_id, Idea.id)).all())
