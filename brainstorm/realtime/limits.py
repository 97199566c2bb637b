"""Rate limits for Socket.IO commands, per person: Flask-Limiter guards the HTTP routes, this
guards what arrives over a websocket. Counted in the limiter's storage (Redis when several
processes run), so a person's budget is the same whichever process holds their socket."""

from collections.abc import Callable
from functools import wraps

from flask import current_app, session
from limits import parse

from brainstorm.errors import TooFast
from brainstorm.extensions import limiter


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
            if limited and not limiter.limiter.hit(item, key):
                return TooFast().to_ack()
            return fn(*args)

        return wrapper

    return decorator


# Per person a minute: more than anyone types, votes or answers by hand (README, Trust).
IDEAS = socket_limit("ideas", "30/minute")  # send, edit, withdraw
VOTES = socket_limit("votes", "60/minute")  # dots on ideas and on themes, and taking them back
ANSWERS = socket_limit("answers", "30/minute")  # live poll answers
