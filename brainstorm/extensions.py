"""Flask extensions, created unbound here and bound to the app in create_app()."""

import time

import socketio as python_socketio
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from brainstorm.wire import FanOut, install


class Base(DeclarativeBase):
    """Declarative base with named constraints, so Alembic can alter them on SQLite too."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class RedisQueue(python_socketio.RedisManager, FanOut):
    """python-socketio's Redis queue, listening again within a second of Redis's return.

    The library waits 1, 2, 4 ... up to 60 s between attempts, and whatever the other processes
    broadcast meanwhile never reaches this process's pages (a Redis away for 24 s left them
    deaf for about 7 s more). Listening costs one connection attempt a second while Redis is
    away. What comes in from Redis goes to this process's pages as one shared frame (FanOut,
    after the library's queue classes in the MRO). A broadcast is published before this
    process writes it to its own pages, so the other processes write theirs meanwhile."""

    # Half a second: after Redis returns, the processes hear each other again before a page
    # would notice; a retry against a Redis still away costs one refused connect.
    RETRY = 0.5
    _PUBLISHED = "brainstorm_published"

    def _handle_emit(self, message):
        # The library's emit hands its own message here first, then to _publish: 1 000 pages
        # here took 28 ms, which the other processes' pages waited on top of their own.
        if message.get("host_id") == self.host_id:
            super()._publish(message)
            message[self._PUBLISHED] = True
        super()._handle_emit(message)

    def _publish(self, data):
        if not data.pop(self._PUBLISHED, False):
            super()._publish(data)

    def _redis_listen_with_retries(self):  # the library's loop, without the growing wait
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                yield from self.pubsub.listen()
                subscribed = False  # listen() ends when the subscription is gone
            except Exception as exc:
                self._get_logger().error(
                    "Cannot receive from redis... retrying in %s secs",
                    self.RETRY,
                    extra={"redis_exception": str(exc)},
                )
                subscribed = False
                time.sleep(self.RETRY)


class BrainstormSocketIO(SocketIO):
    """Flask-SocketIO, broadcasting one shared websocket frame per message (brainstorm.wire),
    with the Redis queue that listens again quickly (RedisQueue)."""

    def init_app(self, app, **kwargs):
        """As Flask-SocketIO's, choosing RedisQueue for a redis:// message queue and FanOut
        without one."""
        queue = kwargs.get("message_queue") or ""
        if queue.startswith(("redis://", "rediss://")) and "client_manager" not in kwargs:
            channel = kwargs.pop("channel", "flask-socketio")
            # A connect timeout, not a read timeout: listening waits on the socket for long.
            options = {"socket_connect_timeout": 1, "socket_keepalive": True}
            kwargs["client_manager"] = RedisQueue(
                queue, channel=channel, write_only=app is None, redis_options=options
            )
        elif not queue and "client_manager" not in kwargs:
            kwargs["client_manager"] = FanOut()
        super().init_app(app, **kwargs)
        if app is not None:
            install(self.server.eio)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = BrainstormSocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
