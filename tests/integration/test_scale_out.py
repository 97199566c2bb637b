"""Two server processes on one PostgreSQL, with Redis as the Socket.IO message queue: what
happens on one process reaches the people connected to the other, as in `make run-scaled`."""

import re
import threading
import uuid

import pytest
import redis
import requests
import socketio as socketio_client
from flask_migrate import upgrade

from brainstorm import create_app
from brainstorm.realtime.presence import PREFIX, RedisPresence
from tests.live_client import open_session
from tests.servers import AppServer

SECRET = "scale-out-secret"


class Listener:
    """A Socket.IO client over a real websocket that keeps what it receives."""

    def __init__(self, url: str, token: str):
        self.events: list[tuple[str, dict]] = []
        self.arrived = threading.Condition()
        self.client = socketio_client.Client(reconnection=False)
        self.client.on("*", self._keep)
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _keep(self, name: str, payload=None) -> None:
        with self.arrived:
            self.events.append((name, payload))
            self.arrived.notify_all()

    def wait_for(self, name: str, check=lambda payload: True, timeout: float = 10) -> dict:
        """The first event of that name whose payload passes check, waiting for it."""
        with self.arrived:
            found = self.arrived.wait_for(
                lambda: next((p for n, p in self.events if n == name and check(p)), None),
                timeout,
            )
        assert found is not None, f"no {name} within {timeout} s; got {self.events}"
        return found


@pytest.fixture
def two_processes(postgres, redis_server, tmp_path):
    """Processes A and B on one PostgreSQL database and one Redis; a session with input open,
    its facilitator and two participants (their socket tokens in `tokens`)."""
    # Every test database numbers its session 1: the head count of another test's session 1,
    # whose processes have just stopped, would still count here until their heartbeats expire.
    redis.Redis.from_url(redis_server.url).flushdb()
    url = postgres.create_database()
    _app, tokens = open_session(url, SECRET, ["anna", "bram"])
    env = {"SECRET_KEY": SECRET, "SOCKETIO_MESSAGE_QUEUE": redis_server.url}
    servers = [AppServer(tmp_path, url, **env), AppServer(tmp_path, url, **env)]
    for server in servers:
        server.start()
    clients: list[Listener] = []

    def connect(server: AppServer, who: str) -> Listener:
        clients.append(Listener(server.url, tokens[who]))
        return clients[-1]

    yield servers, connect
    for client in clients:
        client.client.disconnect()
    for server in servers:
        server.stop()
    postgres.drop_database(url)


def test_an_idea_sent_through_one_process_reaches_each_page_on_both_once(two_processes):
    (a, b), connect = two_processes
    anna = connect(a, "anna")
    bram = connect(b, "bram")
    text = "Hoe houden we zij-instromers vast in het eerste jaar?"

    ack = bram.client.call("submit_idea", {"text": text, "client_id": str(uuid.uuid4())})

    assert ack["ok"] is True
    seen = anna.wait_for("idea_added", lambda p: p["idea"]["text"] == text)
    assert seen["idea"]["id"] == ack["id"]

    # Once on each process: the next idea arrives after any second copy of the first would.
    again = bram.client.call(
        "submit_idea", {"text": "En de mentoren?", "client_id": str(uuid.uuid4())}
    )
    for page in (anna, bram):
        page.wait_for("idea_added", lambda p: p["idea"]["id"] == again["id"])
        ideas = [p["idea"]["id"] for name, p in page.events if name == "idea_added"]
        assert ideas == [ack["id"], again["id"]]


def test_a_phase_change_on_one_process_reaches_participants_on_the_other(two_processes):
    (a, b), connect = two_processes
    anna = connect(a, "anna")
    console = connect(b, "facilitator")

    ack = console.client.call("set_phase", {"phase": "voting"})

    assert ack == {"ok": True, "phase": "voting"}
    assert anna.wait_for("phase_changed")["phase"] == "voting"


def test_the_head_count_includes_people_on_both_processes(two_processes):
    (a, b), connect = two_processes
    anna = connect(a, "anna")
    connect(b, "bram")

    assert anna.wait_for("presence", lambda p: p["count"] == 2)["count"] == 2


def test_the_people_of_a_process_that_stops_leave_the_head_count_at_once(
    postgres, redis_server, tmp_path
):
    redis.Redis.from_url(redis_server.url).flushdb()
    url = postgres.create_database()
    _app, tokens = open_session(url, SECRET, ["anna", "bram"])
    env = {
        "SECRET_KEY": SECRET,
        "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
        "BRAINSTORM_PRESENCE_HEARTBEAT": "0.5",  # production: 10 s
        "BRAINSTORM_PRESENCE_PROCESS_TTL": "60",  # a killed process counts this long
    }
    a, b = AppServer(tmp_path, url, **env), AppServer(tmp_path, url, **env)
    try:
        a.start()
        b.start()
        Listener(a.url, tokens["anna"])
        bram = Listener(b.url, tokens["bram"])
        bram.wait_for("presence", lambda p: p["count"] == 2)
        a.stop()  # a restart or deploy: gunicorn stops its worker
        bram.wait_for("presence", lambda p: p["count"] == 1, timeout=5)
        bram.client.disconnect()
    finally:
        a.stop()
        b.stop()
        postgres.drop_database(url)


def test_the_connections_of_a_killed_process_stop_counting(app, redis_server):
    store = RedisPresence(redis_server.url)
    store.enter(41, "sid-1", 7)
    store.enter(41, "sid-2", 7)  # a second tab of the same person
    store.enter(41, "sid-3", 8)
    assert store.count(41) == 2

    # A process killed with SIGKILL sends no disconnects; its heartbeat key simply expires.
    shared = redis.Redis.from_url(redis_server.url)
    shared.delete(*shared.keys(f"{PREFIX}:process:*"))

    assert store.count(41) == 0
    assert shared.hlen(f"{PREFIX}:41") == 0


def test_a_rate_limit_counts_the_attempts_made_on_every_process(postgres, redis_server, tmp_path):
    url = postgres.create_database()
    with create_app({"SQLALCHEMY_DATABASE_URI": url, "ASYNC_MODE": "threading"}).app_context():
        upgrade()
    env = {"SOCKETIO_MESSAGE_QUEUE": redis_server.url, "BRAINSTORM_RATELIMIT_ENABLED": "true"}
    servers = [AppServer(tmp_path, url, **env), AppServer(tmp_path, url, **env)]
    for server in servers:
        server.start()
    try:
        browser = requests.Session()

        def try_login(server: AppServer) -> int:
            page = browser.get(f"{server.url}/login").text
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            form = {"csrf_token": csrf, "email": "raden@example.org", "password": "fout"}
            return browser.post(f"{server.url}/login", data=form).status_code

        # Ten wrong passwords a minute are allowed, spread over both processes.
        assert [try_login(servers[n % 2]) for n in range(10)] == [200] * 10
        assert try_login(servers[0]) == 429
        assert try_login(servers[1]) == 429
    finally:
        for server in servers:
            server.stop()
        postgres.drop_database(url)


def test_a_redis_restarted_empty_counts_everyone_again_after_one_heartbeat(app, redis_server):
    store = RedisPresence(redis_server.url)
    store.enter(43, "sid-1", 7)
    store.enter(43, "sid-2", 8)
    shared = redis.Redis.from_url(redis_server.url)
    # What a Redis restarted without persistence holds of it: nothing.
    shared.delete(f"{PREFIX}:43", *shared.keys(f"{PREFIX}:process:*"))
    assert store.count(43) == 0

    store.beat()  # every PRESENCE_HEARTBEAT seconds in a server process

    assert store.count(43) == 2
