"""Redis, which the server processes share (Socket.IO queue, head count, rate limits), killed
and started again empty in the middle of a session: pages, joining and logging in go on, and
everything comes right again by itself. Real gunicorn processes, a Redis of the test's own."""

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.sessions.models import BrainstormSession, Idea
from tests.live_client import open_session
from tests.presence_pages import CountingPage, converged, head_counts_become, stored
from tests.servers import AppServer, Redis

SECRET = "redis-outage-secret"


@pytest.fixture
def own_redis():
    """A Redis this test may kill (the shared one serves the other tests)."""
    server = Redis().start()
    yield server
    server.stop()


def post_form(browser: requests.Session, url: str, fields: dict) -> requests.Response:
    """Fill in the form on that page as a browser does (with its CSRF token) and send it."""
    page = browser.get(url)
    assert page.status_code == 200, page.status_code
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return browser.post(url, data={"csrf_token": csrf, **fields})


async def send_one(url: str, token: str, text: str) -> CountingPage:
    """A participant page that sends one idea and waits for its ack and the head count."""
    page = CountingPage(url, token)
    await page.start()
    page.write(text)
    await page.send_outbox()
    await head_counts_become([page], 1, timeout=5)  # counted, with or without Redis
    await page.stop()
    return page


def test_while_redis_is_down_people_join_log_in_and_send_and_limits_count_in_redis_again(
    postgres, own_redis, tmp_path
):
    url = postgres.create_database()
    app, tokens = open_session(url, SECRET, ["Anna"])
    with app.app_context():
        code = db.session.scalar(select(BrainstormSession.join_code))
    server = AppServer(
        tmp_path, url, SECRET_KEY=SECRET, SOCKETIO_MESSAGE_QUEUE=own_redis.url,
        BRAINSTORM_RATELIMIT_ENABLED="true", BRAINSTORM_RATELIMIT_STORAGE_RETRY="0.5",
    )  # fmt: skip
    server.start()
    shared = redis.Redis.from_url(own_redis.url)
    try:
        own_redis.kill()
        browser = requests.Session()

        joined = post_form(browser, f"{server.url}/join", {"code": code, "display_name": "Carla"})
        assert joined.status_code == 200 and joined.url.endswith(f"/s/{code}")
        wrong = {"email": "raden@example.org", "password": "fout"}
        refused = post_form(browser, f"{server.url}/login", wrong)
        assert refused.status_code == 200
        assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in refused.text
        during = asyncio.run(send_one(server.url, tokens["Anna"], "Tijdens de storing"))

        own_redis.restart()
        # The limiter tries Redis again after 1, 2, 4 ... s: people go on joining meanwhile.
        deadline = time.monotonic() + 15
        while not shared.keys("*LIMITER/*join*"):
            assert time.monotonic() < deadline, "the join limit never counted in Redis again"
            again = post_form(browser, f"{server.url}/join", {"code": "ZZZZZZ"})
            assert again.status_code == 200 and "ZZZZZZ" in again.text
            time.sleep(0.3)
        time.sleep(0.6)  # RATELIMIT_STORAGE_RETRY: the socket commands try Redis again
        after = asyncio.run(send_one(server.url, tokens["Anna"], "Na de storing"))
        assert shared.keys("*LIMITER/socket/ideas/*")
        with app.app_context():
            texts = set(db.session.scalars(select(Idea.text)))
            db.engine.dispose()
    finally:
        server.stop()
        postgres.drop_database(url)

    assert len(during.acked) == len(after.acked) == 1
    assert texts == {"Tijdens de storing", "Na de storing"}


def test_after_a_redis_restart_processes_hear_each_other_and_the_head_count_is_right_again(
    postgres, own_redis, tmp_path
):
    url = postgres.create_database()
    names = [f"Deelnemer {n}" for n in range(6)]
    app, tokens = open_session(url, SECRET, [*names, "Laatkomer"])
    env = {
        "SECRET_KEY": SECRET,
        "SOCKETIO_MESSAGE_QUEUE": own_redis.url,
        "BRAINSTORM_PRESENCE_HEARTBEAT": "0.5",  # production: 10 s
        "BRAINSTORM_PRESENCE_PROCESS_TTL": "3",
    }
    servers = [AppServer(tmp_path, url, **env), AppServer(tmp_path, url, **env)]
    with ThreadPoolExecutor() as pool:  # both at once: each takes seconds to boot
        list(pool.map(AppServer.start, servers))

    async def session() -> tuple[list[CountingPage], float, dict, set[int]]:
        pages = [CountingPage(servers[n % 2].url, tokens[name]) for n, name in enumerate(names)]
        await asyncio.gather(*(page.start() for page in pages))
        await head_counts_become(pages, 6, timeout=10)
        for number, page in enumerate(pages):
            for n in range(6):
                page.write(f"Deelnemer {number}, vraagstuk {n}: inwerken van nieuwe collega's")
        sending = [asyncio.create_task(page.send_outbox()) for page in pages]
        while sum(len(page.acked) for page in pages) < 6:
            await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        own_redis.kill()  # kill -9: the queue, the head count and the limits are gone
        killed = loop.time()
        await asyncio.wait_for(asyncio.gather(*sending), timeout=30)  # sending goes on
        # Away 4 s: the Socket.IO library alone would listen again only 3 s after the return.
        await asyncio.sleep(max(0.0, 4 - (loop.time() - killed)))
        await asyncio.to_thread(own_redis.restart)
        restarted = loop.time()

        # The processes hear each other again at once: what is sent through one process
        # reaches the pages on the other within 2 s of Redis's return.
        probes: set[int] = set()
        while not probes & set(pages[1].board):
            assert loop.time() - restarted < 2, "the processes did not hear each other again"
            probe = pages[0].write(f"Horen de servers elkaar weer? ({len(probes) + 1})")
            await pages[0].send_outbox()
            probes.add(pages[0].acked[probe])
            await asyncio.sleep(0.2)

        late = CountingPage(servers[1].url, tokens["Laatkomer"])
        await late.start()
        pages.append(late)
        for number, page in enumerate(pages):
            page.write(f"Na de herstart, deelnemer {number}: roosters van de opleidingsschool")
        await asyncio.gather(*(page.send_outbox() for page in pages))
        await head_counts_become(pages, 7, timeout=30)
        took = loop.time() - restarted
        # What Redis dropped while it was away reaches every page: the next message names a
        # seq the page never saw, and it catches up by seq, without reconnecting.
        await converged(pages, set(stored(app).values()), timeout=10)
        await asyncio.gather(*(page.stop() for page in pages))
        return pages, took, stored(app), probes

    try:
        pages, took, in_database, probes = asyncio.run(session())
    finally:
        with app.app_context():
            db.engine.dispose()
        for server in servers:
            server.stop()
        postgres.drop_database(url)

    assert took < 30
    assert all(len(page.connected_at) == 1 for page in pages)  # nobody reconnected
    acked = {cid: idea for page in pages for cid, idea in page.acked.items()}
    assert len(acked) == 6 * 6 + len(probes) + 7 and acked == in_database
