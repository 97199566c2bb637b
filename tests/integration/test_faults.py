"""Faults a real session meets: the server killed mid-session, the database busy or
restarted, and a room of 200 people all sending at once. Real gunicorn processes, real
websockets; the clients behave as the participant page does (tests/live_client.py)."""

import asyncio
import sqlite3
import threading

from sqlalchemy import func, select

from brainstorm.extensions import db
from brainstorm.sessions.models import Idea
from tests.live_client import LiveParticipant, open_session
from tests.servers import AppServer

SECRET = "faults-secret"
CLIENT_ID = "0b7e6f1c-3d2a-4c5b-9e8f-1a2b3c4d5e6f"


def serve(tmp_path, database_url: str, people: int) -> tuple:
    """A session taking input with that many participants, served by a real gunicorn; returns
    the app (to read the database), the participants' socket tokens and the started server."""
    app, tokens = open_session(database_url, SECRET, [f"Deelnemer {n}" for n in range(people)])
    server = AppServer(tmp_path, database_url, SECRET_KEY=SECRET)
    server.start()
    return app, [token for name, token in tokens.items() if name != "facilitator"], server


def stored(app) -> dict[str, int]:
    """client_id -> idea id of every idea in the database (a duplicate would show as fewer)."""
    with app.app_context():
        rows = db.session.execute(select(Idea.client_id, Idea.id)).all()
        assert len(rows) == len({client_id for client_id, _ in rows}), "an idea stored twice"
        return dict(rows)


async def converged(pages: list[LiveParticipant], expected: set[int], timeout: float) -> None:
    """Wait until every page shows exactly the expected ideas."""
    deadline = asyncio.get_running_loop().time() + timeout
    while any(set(page.board) != expected for page in pages):
        if asyncio.get_running_loop().time() > deadline:
            off = [len(set(p.board) ^ expected) for p in pages if set(p.board) != expected]
            raise AssertionError(f"{len(off)} pages differ from the database: {off[:10]}")
        await asyncio.sleep(0.1)


def test_a_server_killed_mid_session_loses_no_acked_idea_and_pages_converge(tmp_path):
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    app, tokens, server = serve(tmp_path, url, people=10)

    async def session() -> list[LiveParticipant]:
        pages = [LiveParticipant(server.url, token) for token in tokens]
        await asyncio.gather(*(page.start() for page in pages))
        for number, page in enumerate(pages):
            for n in range(12):
                page.write(f"Vraagstuk {n} van deelnemer {number}: begeleiding van starters")
        sending = [asyncio.create_task(page.send_outbox()) for page in pages]
        while sum(len(page.acked) for page in pages) < 30:  # well into the sending
            await asyncio.sleep(0.005)
        server.kill()  # SIGKILL: no goodbye, acks in flight are lost
        acked_before = sum(len(page.acked) for page in pages)
        await asyncio.to_thread(server.start)
        await asyncio.wait_for(asyncio.gather(*sending), timeout=60)
        await converged(pages, set(stored(app).values()), timeout=20)
        assert acked_before < 120, "the kill came after everything was sent"
        await asyncio.gather(*(page.stop() for page in pages))
        return pages

    try:
        pages = asyncio.run(session())
    finally:
        server.stop()

    in_database = stored(app)
    acked = {cid: idea for page in pages for cid, idea in page.acked.items()}
    assert len(acked) == 120
    assert acked == in_database  # every acked idea once, nothing else


def test_a_busy_sqlite_database_gives_a_clear_error_and_nothing_half_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    app, tokens, server = serve(tmp_path, url, people=1)
    release = threading.Event()
    locked = threading.Event()

    def hold_the_write_lock() -> None:
        # Another program (a backup, say) holds the database longer than busy_timeout (5 s).
        connection = sqlite3.connect(tmp_path / "busy.db", timeout=1)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(15)
        connection.rollback()
        connection.close()

    async def session() -> tuple[dict, dict]:
        page = LiveParticipant(server.url, tokens[0])
        await page.start()
        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        locked.wait(5)
        payload = {"text": "Hoe verdelen we de stageplekken?", "client_id": CLIENT_ID}
        refused = await page.sio.call("submit_idea", payload, timeout=15)
        release.set()
        holder.join()
        accepted = await page.sio.call("submit_idea", payload, timeout=15)
        await page.stop()
        return refused, accepted

    try:
        refused, accepted = asyncio.run(session())
    finally:
        release.set()
        server.stop()

    assert refused["ok"] is False and refused["code"] == "server_error"
    assert "Probeer het opnieuw" in refused["error"]
    assert accepted["ok"] is True
    assert list(stored(app)) == [CLIENT_ID]  # the retry stored it once


def test_a_postgresql_restart_during_a_session_is_survived(postgres, tmp_path):
    url = postgres.create_database()
    _app, tokens, server = serve(tmp_path, url, people=1)

    async def session() -> LiveParticipant:
        page = LiveParticipant(server.url, tokens[0])
        await page.start()
        page.write("Voor de herstart van de database")
        await page.send_outbox()
        await asyncio.to_thread(postgres.restart)
        page.write("Na de herstart van de database")
        await page.send_outbox()
        await page.stop()
        return page

    try:
        page = asyncio.run(session())
    finally:
        server.stop()
        postgres.drop_database(url)

    assert len(page.acked) == 2
    assert sorted(page.board.values()) == [
        "Na de herstart van de database",
        "Voor de herstart van de database",
    ]


def test_two_hundred_people_sending_ten_ideas_at_once_all_arrive_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'load.db'}"
    app, tokens, server = serve(tmp_path, url, people=200)

    async def session() -> list[LiveParticipant]:
        pages = [LiveParticipant(server.url, token) for token in tokens]
        for start in range(0, len(pages), 50):  # connect in waves, as people arrive
            await asyncio.gather(*(page.start() for page in pages[start : start + 50]))
        for number, page in enumerate(pages):
            for n in range(10):
                page.write(f"Deelnemer {number}, vraagstuk {n}: werkdruk in de begeleiding")
        await asyncio.wait_for(
            asyncio.gather(*(page.send_outbox(timeout=60) for page in pages)), timeout=240
        )
        await converged(pages, set(stored(app).values()), timeout=120)
        await asyncio.gather(*(page.stop() for page in pages))
        return pages

    try:
        pages = asyncio.run(session())
    finally:
        server.stop()

    with app.app_context():
        assert db.session.scalar(select(func.count(Idea.id))) == 2000
    acked = {cid: idea for page in pages for cid, idea in page.acked.items()}
    assert acked == stored(app)
