"""One of two server processes killed behind nginx (deploy/nginx.conf, as `make run-scaled`
and production run it): its pages reconnect through nginx to the other at once, nothing is
lost, and the head count is put right and told to everyone."""

import asyncio
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.realtime.presence import PREFIX
from brainstorm.sessions.models import BrainstormSession
from tests.live_client import open_session
from tests.presence_pages import CountingPage, converged, head_counts_become, stored
from tests.servers import AppServer, Nginx

SECRET = "failover-secret"


def holding(servers: list[AppServer], redis_url: str, session_id: int) -> AppServer:
    """The server whose worker holds the session's counted connections (all of them)."""
    fields = redis.Redis.from_url(redis_url, decode_responses=True).hkeys(f"{PREFIX}:{session_id}")
    pids = {int(field.split(":", 1)[0].rsplit("-", 1)[1]) for field in fields}
    (holder,) = [server for server in servers if pids & set(server.workers())]
    assert pids <= set(holder.workers()), "the pages went to both processes"
    return holder


def test_pages_of_a_killed_process_move_through_nginx_to_the_other_and_lose_nothing(
    postgres, redis_server, tmp_path
):
    url = postgres.create_database()
    names = [f"Deelnemer {n}" for n in range(6)]
    app, tokens = open_session(url, SECRET, [*names, "Vertrekt", "Blijft"])
    with app.app_context():
        session_id = db.session.scalar(select(BrainstormSession.id))
    env = {
        "SECRET_KEY": SECRET,
        "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
        "BRAINSTORM_PROXY_COUNT": "1",
        "BRAINSTORM_PRESENCE_HEARTBEAT": "0.5",  # production: 10 s and 30 s
        "BRAINSTORM_PRESENCE_PROCESS_TTL": "2",
    }
    servers = [AppServer(tmp_path, url, **env), AppServer(tmp_path, url, **env)]
    with ThreadPoolExecutor() as pool:  # both at once: each takes seconds to boot
        list(pool.map(AppServer.start, servers))
    nginx = Nginx(servers).start()

    async def session() -> tuple[list[CountingPage], CountingPage, float, dict]:
        # Every page comes from 127.0.0.1, so ip_hash puts them all on one process; one more
        # page is opened on the other process directly, to see what its people see.
        pages = [CountingPage(nginx.url, tokens[name]) for name in names]
        leaving = CountingPage(nginx.url, tokens["Vertrekt"], reconnect=False)
        await asyncio.gather(*(page.start() for page in [*pages, leaving]))
        held = holding(servers, redis_server.url, session_id)
        staying = CountingPage(next(s for s in servers if s is not held).url, tokens["Blijft"])
        # It never reconnects: what the dead process committed but never sent reaches it by
        # the page's regular check against the log (30 s on a page, 0.5 s here).
        staying.check_every = 0.5
        await staying.start()
        everyone = [*pages, staying]
        await head_counts_become([*everyone, leaving], 8, timeout=10)

        for number, page in enumerate(everyone):
            for n in range(8):
                page.write(f"Deelnemer {number}, vraagstuk {n}: begeleiding op de werkplek")
        sending = [asyncio.create_task(page.send_outbox()) for page in everyone]
        while sum(len(page.acked) for page in everyone) < 12:
            await asyncio.sleep(0.005)
        killed = asyncio.get_running_loop().time()
        held.kill()  # the whole process, kill -9: its websockets drop without a goodbye
        while any(len(page.connected_at) < 2 for page in pages):
            assert asyncio.get_running_loop().time() - killed < 10, "pages did not come back"
            await asyncio.sleep(0.01)
        moved = max(page.connected_at[1] for page in pages) - killed

        # "Vertrekt" closed the laptop with the process: counted out and told to everyone.
        await head_counts_become(everyone, 7, timeout=10)
        await asyncio.wait_for(asyncio.gather(*sending), timeout=30)
        await converged(everyone, set(stored(app).values()), timeout=20)
        await asyncio.gather(*(page.stop() for page in everyone))
        return pages, staying, moved, stored(app)

    try:
        pages, staying, moved, in_database = asyncio.run(session())
    finally:
        with app.app_context():
            db.engine.dispose()
        nginx.stop()
        for server in servers:
            server.stop()
        postgres.drop_database(url)

    assert moved < 2, f"the last page was back after {moved:.1f} s"
    assert staying.counts_heard[-1] == 7 and len(staying.connected_at) == 1
    acked = {cid: idea for page in [*pages, staying] for cid, idea in page.acked.items()}
    assert len(acked) == 7 * 8 and acked == in_database


def test_a_process_whose_worker_dies_closes_its_port_at_once(tmp_path):
    # Otherwise gunicorn keeps the port open and answers only when a new worker has booted,
    # seconds later, and nginx waits for that instead of going to another process.
    server = AppServer(tmp_path, f"sqlite:///{tmp_path / 'one.db'}")
    server.start()
    try:
        (worker,) = server.workers()
        os.kill(worker, signal.SIGKILL)
        status = server.process.wait(timeout=2)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1)
    finally:
        server.stop()
    assert status != 0  # systemd and `make run-scaled` start it again
