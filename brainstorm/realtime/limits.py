"""Rate limits for Socket.IO commands, per person: Flask-Limiter guards the HTTP routes, this
guards what arrives over a websocket. Counted in the limiter's storage (Redis when several
processes run), so a person's budget is the same whichever process holds their socket.

While that storage is away (Redis restarting) the commands are counted in this process's
memory, as Flask-Limiter's in-memory fallback does for the routes, and the storage is tried
again every RATELIMIT_STORAGE_RETRY seconds: a limit is never the reason a command fails."""

import logging
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, session
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from brainstorm.errors import TooFast
from brainstorm.extensions import limiter

logger = logging.getLogger(__name__)


class _Fallback:
    """The in-memory count of one app, and when to try its storage again."""

    def __init__(self) -> None:
        self.limiter = FixedWindowRateLimiter(MemoryStorage())
        self.retry_at = 0.0


def _fallback(app: Flask) -> _Fallback:
    return app.extensions.setdefault("brainstorm.limits.fallback", _Fallback())


def hit(item: RateLimitItem, key: str) -> bool:
    """Count one command against the limit; False when it is over."""
    fallback = _fallback(current_app)
    now = time.monotonic()
    if now >= fallback.retry_at:
        try:
            # The storage itself, not limiter.limiter: that one stays on Flask-Limiter's own
            # fallback until an HTTP request finds Redis back.
            allowed = FixedWindowRateLimiter(limiter.storage).hit(item, key)
        except limiter.storage.base_exceptions as error:
            logger.warning("rate-limit storage unreachable (%s); counting in memory", error)
            fallback.retry_at = now + current_app.config["RATELIMIT_STORAGE_RETRY"]
        else:
            fallback.retry_at = 0.0
            return allowed
    return fallback.limiter.hit(item, key)


def socket_limit(bucket: str, limit: str) -> Callable:
    """At most `limit` ("30/minute") commands of this bucket per person; over it the ack says
    so in words and the connection stays (a page can retry, nothing is lost)."""
    item = parse(limit)

    def decorator(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args):
            identity = session.get("rt") or {}
            key = f"socket/{bucket}/{identity.get('kind')}/{identity.get('actor_id')}"
            limited = current_app.config.get("RATELIMIT_ENABLED", True)
            if limited and not hit(item, key):
                return TooFast().to_ack()
            return fn(*args)

        return wrapper

    return decorator


# Per person a minute: more than anyone types, votes or answers by hand (README, Trust).
IDEAS = socket_limit("ideas", "30/minute")  # send, edit, withdraw
VOTES = socket_limit("votes", "60/minute")  # dots on ideas and on themes, and taking them back
ANSWERS = socket_limit("answers", "30/minute")  # live poll answers
