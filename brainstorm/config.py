"""Configuration: defaults → instance/config.py → environment → test config."""

import os
from collections.abc import Mapping
from typing import ClassVar

from flask import Flask


class Defaults:
    """Settings that work out of the box on one machine (SQLite, one process, mail to disk)."""

    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in instance/
    # pre_ping: a database restart costs no request; hide_parameters: an error in the log
    # never carries an idea's text or an email address from the statement's values.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True, "hide_parameters": True}
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    # gevent: thousands of websockets per process; CPU work goes to a real thread pool.
    ASYNC_MODE = "gevent"
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    SESSION_COOKIE_HTTPONLY = True
    # None: Secure exactly when BASE_URL is https (cookies then travel only encrypted).
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a facilitator's form may stay open for a whole session
    RATELIMIT_STORAGE_URI: str | None = None  # None: the Redis queue if any, else memory
    RATELIMIT_HEADERS_ENABLED = True
    # Redis away: limits count in each process's memory instead of answering 500; Redis is
    # tried again after a few seconds (Flask-Limiter: 1, 2, 4, ... 32 s; socket commands:
    # every RATELIMIT_STORAGE_RETRY seconds) and counts again once it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_RETRY = 5.0
    # A Redis machine gone without a word must cost a request a second, not a TCP timeout.
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    IDEA_MAX_LENGTH = 500
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # a request body (a session export to import)
    SOCKET_TOKEN_MAX_AGE = 24 * 3600
    REPLAY_LIMIT = 500  # more missed events than this: send one snapshot instead
    # An idea that arrives within this many seconds of the room's last one is stored together
    # with whatever else arrives meanwhile (one transaction for a burst); a lone one at once.
    GATHER_WITHIN = 0.05
    # New ideas are slotted into clusters in batches: with 300 people typing, one broadcast a
    # second instead of one per idea, and the submit ack never waits for the engine.
    SLOT_DELAY = 1.0
    # Arrivals and departures are announced together, at most once a second per session.
    PRESENCE_DELAY = 1.0
    # Several processes: each renews its life and writes its connections into Redis again this
    # often (a Redis restarted empty is filled again), and the connections of a process silent
    # for PRESENCE_PROCESS_TTL seconds stop counting; a changed count is then announced.
    PRESENCE_HEARTBEAT = 10.0
    PRESENCE_PROCESS_TTL = 30.0
    BASE_URL = "http://127.0.0.1:5000"  # for links in mails sent by commands (cron)
    MAIL_OUTBOX = ""  # with no MAIL_SERVER, mails are written here (default instance/outbox)
    MAIL_DEFAULT_SENDER = "Platform Samen Opleiden <noreply@brainstorm.local>"
    INVITE_DAYS = 7  # invitations with the personal login link go out this long before
    REMINDERS = False  # also a reminder the day before
    PURGE_DAYS = 30  # registrants' personal data is removed this long after the event
    PROXY_COUNT = 0  # trusted reverse proxies in front (BRAINSTORM_PROXY_COUNT=1 behind nginx)


# The conventional names are read as they are; everything else comes in as BRAINSTORM_<NAME>.
_PLAIN_ENV = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SOCKETIO_MESSAGE_QUEUE": "SOCKETIO_MESSAGE_QUEUE",
}


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in the documented order."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in _PLAIN_ENV.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    for env_name, value in os.environ.items():
        if env_name.startswith("MAIL_"):
            app.config[env_name] = value
    app.config.from_prefixed_env("BRAINSTORM")
    if test_config:
        app.config.update(test_config)
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config[name] is None:
            app.config[name] = app.config["BASE_URL"].startswith("https://")
    if not app.config["RATELIMIT_STORAGE_URI"]:
        # Several processes share the queue's Redis: one count per visitor, not per process.
        app.config["RATELIMIT_STORAGE_URI"] = shared_redis(app.config) or "memory://"
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = os.path.join(app.instance_path, "brainstorm.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file has no server to lose the connection to: no "SELECT 1" before every use.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def shared_redis(config: Mapping) -> str:
    """The Redis the server processes share (their Socket.IO queue), or "" for one process."""
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    return queue if queue.startswith(("redis://", "rediss://")) else ""
