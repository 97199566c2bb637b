"""@allow(...): the one access declaration on every view and Socket.IO handler.

Rules:
- public: anyone.
- user: any logged-in account.
- facilitator: accounts that may create events (facilitator or admin role).
- facilitator_of_event: on the event's team as facilitator (or admin).
- staff_of_event: on the event's team as staff or facilitator (or admin).
- participant: joined this session (HTTP: the cookie; socket: the connection's token).

HTTP views find the event (and session) from a route argument: how each argument (event_id,
session_id, code, poll_id, question_id) leads to them is declared by the package that owns
the model, with @finds in its access.py, so this door below the domains imports none of them.
Socket handlers (other than connect, which checks the token itself) declare their payload as
a model (`payload=`, see brainstorm/validation.py) and are called as handler(actor, bs,
payload), where actor is the Participant or User and payload the checked model; a payload of
another shape is refused in words before the handler runs, and a DomainError the handler
raises becomes the ack.

Being the one door to every view and handler, the decorator also keeps out what no database
column can hold: a request with NUL in its URL or form is a 400; a socket payload loses its NUL
characters and lone surrogates, and a giant integer or a deep nesting in it is refused.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from brainstorm.accounts import services as accounts
from brainstorm.accounts.identity import (
    PARTICIPANT,
    USER,
    current_participant,
    load_member,
    load_session,
)
from brainstorm.accounts.models import User
from brainstorm.errors import DomainError, InputError, NotAllowed
from brainstorm.extensions import db, login_manager
from brainstorm.validation import INT_MAX, Payload, read_payload

RULES = frozenset(
    {"public", "user", "facilitator", "facilitator_of_event", "staff_of_event", "participant"}
)


@dataclass
class Scope:
    """What the rules check: the event (its team) and, for participants, the live session."""

    event: Any = None  # an events Event: the rules read its id
    bs: Any = None  # a live session: the rules read its id, event and join_code


# route argument -> (order, finder); of a route's arguments, the one with the lowest order decides.
_finders: dict[str, tuple[int, Callable[[Any], Scope]]] = {}


def finds(argument: str, order: int) -> Callable:
    """Declare how a route argument leads to the event and session the rules check (or a 404);
    the package that owns the model registers it in its access.py."""

    def register(finder: Callable[[Any], Scope]) -> Callable[[Any], Scope]:
        _finders[argument] = (order, finder)
        return finder

    return register


def allow(*rules: str, payload: type[Payload] | None = None) -> Callable:
    """Declare who may call a view or socket handler (and a socket command's payload)."""
    unknown = set(rules) - RULES
    if not rules or unknown:
        raise ValueError(f"unknown access rules: {sorted(unknown) or 'none given'}")

    def decorator(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if getattr(request, "sid", None) is not None:
                return _socket_call(fn, rules, payload, args)
            return _http_call(fn, rules, args, kwargs)

        wrapper.allowed = frozenset(rules)
        wrapper.payload = payload
        return wrapper

    return decorator


# --- HTTP ---------------------------------------------------------------------------------


def _http_scope(kwargs: dict) -> Scope:
    for argument, (_order, finder) in sorted(_finders.items(), key=lambda item: item[1][0]):
        if argument in kwargs:
            return finder(kwargs[argument])
    return Scope()


def _user_allows(rule: str, user: User, scope: Scope) -> bool:
    if rule == "user":
        return True
    if rule == "facilitator":
        return accounts.can_create_events(user)
    if scope.event is None:
        return False
    if rule == "facilitator_of_event":
        return accounts.can_facilitate(user, scope.event.id)
    if rule == "staff_of_event":
        return accounts.can_read_reports(user, scope.event.id)
    return False


def _carries_nul() -> bool:
    """NUL in the URL, query or form: no person types it, and PostgreSQL cannot store it."""
    parts = [str(value) for value in (request.view_args or {}).values()]
    for data in (request.args, request.form):
        for key, values in data.lists():
            parts += [key, *values]
    return any("\x00" in part for part in parts)


def _http_call(fn: Callable, rules: tuple[str, ...], args: tuple, kwargs: dict):
    if _carries_nul():
        abort(400)
    if "public" in rules:
        return fn(*args, **kwargs)
    scope = _http_scope(kwargs)
    if "participant" in rules and scope.bs and current_participant(scope.bs.id):
        return fn(*args, **kwargs)
    if current_user.is_authenticated and any(_user_allows(r, current_user, scope) for r in rules):
        return fn(*args, **kwargs)
    if "participant" in rules and scope.bs is not None:
        return redirect(url_for("sessions.join", code=scope.bs.join_code))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)


# --- Socket.IO ----------------------------------------------------------------------------


def socket_actor(identity: dict | None, rules: tuple[str, ...]) -> tuple[Any, Any]:
    """The actor (a Participant or User) and the session behind a connection, if one of the
    rules lets them in; (None, None) otherwise."""
    if not identity:
        return None, None
    if identity["kind"] == PARTICIPANT:
        found = "participant" in rules and load_member(identity["actor_id"], identity["session_id"])
        return found or (None, None)
    bs = load_session(identity["session_id"])
    if bs is None:
        return None, None
    if identity["kind"] == USER:
        user = db.session.get(User, identity["actor_id"])
        if user and any(_user_allows(r, user, Scope(bs.event, bs)) for r in rules):
            return user, bs
    return None, None


# What JSON can carry but no column can store: NUL (PostgreSQL refuses it in text) and lone
# surrogates (not UTF-8; a page that cuts an emoji in half sends one). Integers past 64 bits
# (SQLite refuses them) are never an id, a count or a number of seconds. No payload nests
# deeper than a list in an object: the limit keeps the walk below far from Python's recursion
# limit, whatever a client sends.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_DEPTH_LIMIT = 32


def _storable(value: object, depth: int = 0) -> object:
    """The payload without unstorable characters; an InputError for a giant number or nesting."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("", value)
    if isinstance(value, int) and not -INT_MAX - 1 <= value <= INT_MAX:
        raise InputError(_("Dit bericht kan de server niet lezen."))
    if isinstance(value, list | dict) and depth >= _DEPTH_LIMIT:
        raise InputError(_("Dit bericht is te diep genest."))
    if isinstance(value, list):
        return [_storable(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item, depth + 1) for key, item in value.items()}
    return value


def _socket_call(
    fn: Callable, rules: tuple[str, ...], model: type[Payload] | None, args: tuple
) -> object:
    if "public" in rules:
        return fn(*args)
    actor, bs = socket_actor(session.get("rt"), rules)
    if actor is None:
        if "participant" in rules:
            return NotAllowed(_("Je bent niet (meer) aangemeld bij deze sessie.")).to_ack()
        return NotAllowed(_("Alleen de facilitator van deze sessie mag dit doen.")).to_ack()
    payload = args[0] if args and args[0] is not None else {}
    if not isinstance(payload, dict):
        return InputError(_("Dit bericht kan de server niet lezen.")).to_ack()
    try:
        payload = _storable(payload)
        return fn(actor, bs, read_payload(model, payload) if model else payload)
    except DomainError as error:
        db.session.rollback()
        return error.to_ack()
