"""Factory fixtures shared by the unit, integration and e2e tests."""

import os
import re
import shutil
import tempfile
import threading
from datetime import time, timedelta
from itertools import count

import pytest
import time_machine
from flask import g

from brainstorm import create_app
from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import Role, TeamRole
from brainstorm.events.services import create_event
from brainstorm.extensions import db, socketio
from brainstorm.sessions import services as sessions
from brainstorm.timeutil import local_today, utcnow
from tests.servers import Postgres, Redis

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'data-token="([^"]+)"')
_numbers = count(1)


def pytest_configure(config):
    """Every app the tests make, in this process or as a server, keeps its instance folder
    (config, demo login, outbox) out of the checkout."""
    os.environ["BRAINSTORM_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="brainstorm-instance-")


def pytest_unconfigure(config):
    """Remove the instance folder again."""
    shutil.rmtree(os.environ.pop("BRAINSTORM_INSTANCE_PATH", ""), ignore_errors=True)


def pytest_sessionfinish(session, exitstatus):
    """Stop the timers a library left running (the rate limiter's in-memory storage expires
    its counters on one): Python waits for them at exit, and under libfaketime their timed
    wait never ends."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole run (Debian's; a database per test)."""
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """One Redis for the whole run (Debian's redis-server, no persistence)."""
    server = Redis().start()
    yield server
    server.stop()


@pytest.fixture
def clock():
    """The one clock of app and test (brainstorm.timeutil.utcnow, date.today, time.time), as
    the test sets it: clock.move_to(moment) jumps, clock.shift(delta) moves on; in between it
    ticks. It starts at the real moment, so fixtures built relative to it hold at any hour."""
    with time_machine.travel(utcnow(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def database_url(tmp_path):
    """The test's own database: a fresh SQLite file (integration tests also run on PostgreSQL)."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path, database_url):
    """An app on the test's fresh database; CSRF off here (one test turns it on to check it)."""
    app = create_app(
        {
            "TESTING": True,
            "SLOT_DELAY": 0,  # slot new ideas inline, so a test sees them at once
            "PRESENCE_DELAY": 0,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )

    @app.teardown_request
    def forget_user(_exc):
        # Requests reuse the test's app context (and g); in production each has its own.
        g.pop("_login_user", None)

    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_user(app):
    """make_user(role=..., email=...) -> User with password PASSWORD."""

    def make(role: Role = Role.FACILITATOR, email: str | None = None):
        email = email or f"user{next(_numbers)}@example.org"
        return accounts.create_user(email, PASSWORD, role, name=email.split("@")[0])

    return make


@pytest.fixture
def make_session(app, make_user):
    """make_session(facilitator=None, staff=()) -> BrainstormSession of an event in 13 days."""

    def make(facilitator=None, staff=()):
        facilitator = facilitator or make_user()
        day = local_today() + timedelta(days=13)
        event = create_event(facilitator, "Brainstormsessie RATO", day, time(15, 30), time(17))
        for member in staff:
            accounts.add_to_team(event.id, member, TeamRole.STAFF)
        db.session.commit()
        return sessions.create_session(event, "Vraagstukken Samen Opleiden")

    return make


@pytest.fixture
def login(app):
    """login(user) -> a Flask test client logged in as that user."""

    def do_login(user):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return do_login


def _socket_for(app, http_client, page_url: str, last_seq: int | None = None):
    """Open the page as a browser would, then connect its socket with the page's token."""
    page = http_client.get(page_url)
    assert page.status_code == 200, page.status_code
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    sock = socketio.test_client(
        app, flask_test_client=http_client, auth={"token": token, "last_seq": last_seq}
    )
    sock.http = http_client
    return sock


@pytest.fixture
def present(app, login):
    """present(bs, user) -> the socket of that user's presenter screen (projector) for a session."""

    def connect(bs, user):
        return _socket_for(app, login(user), f"/sessions/{bs.id}/present")

    return connect


@pytest.fixture
def reconnect(app):
    """reconnect(sock, page_url, last_seq) -> a new socket for the same browser, as after a drop."""

    def again(sock, page_url: str, last_seq: int | None):
        if sock.is_connected():
            sock.disconnect()
        return _socket_for(app, sock.http, page_url, last_seq)

    return again


@pytest.fixture
def join(app):
    """join(bs, name="") -> a connected participant socket, joined through the real join form."""

    def do_join(bs, name: str = ""):
        client = app.test_client()
        response = client.post("/join", data={"code": bs.join_code, "display_name": name})
        assert response.status_code == 302, "join failed"
        return _socket_for(app, client, f"/s/{bs.join_code}")

    return do_join


@pytest.fixture
def facilitate(app, login):
    """facilitate(bs, user) -> the facilitator console's socket for that session."""

    def connect(bs, user):
        return _socket_for(app, login(user), f"/sessions/{bs.id}/facilitate")

    return connect
