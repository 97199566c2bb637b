"""Every integration test runs twice: on SQLite (the default) and on PostgreSQL (scaled out);
mail goes to a real SMTP server on 127.0.0.1 (the `smtp` fixture)."""

import email
import socket
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from brainstorm import create_app
from brainstorm.extensions import db

TEMPLATE = "brainstorm_schema"


@pytest.fixture(scope="session")
def postgres_schema(postgres):
    """A database holding the models' tables, copied for each test (faster than creating them)."""
    url = postgres.url(TEMPLATE)
    postgres.sql(f"CREATE DATABASE {TEMPLATE}")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return TEMPLATE


def _database(request, tmp_path, template: bool):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    postgres = request.getfixturevalue("postgres")
    url = postgres.create_database(request.getfixturevalue("postgres_schema") if template else None)
    yield url
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh database of each kind with the tables; a PostgreSQL one is dropped afterwards."""
    yield from _database(request, tmp_path, template=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A fresh database of each kind without tables (for the migrations)."""
    yield from _database(request, tmp_path, template=False)


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) the app sends to; .stop() and .start() make an outage."""
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    servers = []

    def start():
        servers.append(Controller(inbox, hostname="127.0.0.1", port=port))
        servers[-1].start()

    inbox.start, inbox.stop = start, lambda: servers[-1].stop()
    start()
    yield inbox
    if servers[-1].loop.is_running():
        servers[-1].stop()
