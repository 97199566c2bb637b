"""Who is asking: signed socket tokens and the participant remembered in the cookie.

Participants and sessions belong to the sessions package, which sits above accounts: it
registers how they are loaded by id (register_loaders), so nothing here imports it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

PARTICIPANT = "participant"
USER = "user"  # a facilitator's or staff member's console: may send commands
PRESENTER = "presenter"  # a projector screen opened by a user: only watches


class Member(Protocol):
    """A participant as the door sees it: someone in one session."""

    id: int
    session_id: int


@dataclass
class _Loaders:
    session: Callable[[int], Any] = lambda _id: None
    participant: Callable[[int], Member | None] = lambda _id: None
    member: Callable[[int, int], tuple[Member, Any] | None] = lambda _id, _session_id: None


_loaders = _Loaders()


def register_loaders(
    *,
    session: Callable[[int], Any],
    participant: Callable[[int], Member | None],
    member: Callable[[int, int], tuple[Member, Any] | None],
) -> None:
    """Say how a session, a participant, and a participant with their session are found by id
    (called by the sessions package)."""
    _loaders.session, _loaders.participant, _loaders.member = session, participant, member


def load_session(session_id: object) -> Any:
    """The live session with this id, or None."""
    return _loaders.session(session_id)


def load_participant(participant_id: object) -> Member | None:
    """The participant with this id, or None."""
    return _loaders.participant(participant_id)


def load_member(participant_id: int, session_id: int) -> tuple[Member, Any] | None:
    """The participant with this id and their session, if it is the one with session_id."""
    return _loaders.member(participant_id, session_id)


@dataclass(frozen=True)
class SocketIdentity:
    """What a socket token says: a participant or a user, in one session."""

    kind: str
    actor_id: int
    session_id: int

    def as_dict(self) -> dict:
        """For keeping in the connection's session."""
        return {"kind": self.kind, "actor_id": self.actor_id, "session_id": self.session_id}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="brainstorm-socket")


def socket_token(kind: str, actor_id: int, session_id: int) -> str:
    """A signed token that lets a page's socket act for this person in this session."""
    return _serializer().dumps({"k": kind, "a": actor_id, "s": session_id})


def read_socket_token(token: object) -> SocketIdentity | None:
    """The identity in a token, or None when it is missing, forged or expired."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token, max_age=current_app.config["SOCKET_TOKEN_MAX_AGE"])
        identity = SocketIdentity(str(data["k"]), int(data["a"]), int(data["s"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return identity if identity.kind in (PARTICIPANT, USER, PRESENTER) else None


def remember_participant(participant: Member) -> None:
    """Keep the participant in the signed cookie, so a reload keeps their identity."""
    joined = dict(session.get("participants", {}))
    joined[str(participant.session_id)] = participant.id
    session["participants"] = joined


def current_participant(session_id: int) -> Any:
    """The participant this browser is in a session (a sessions Participant), if it joined."""
    participant_id = session.get("participants", {}).get(str(session_id))
    participant = load_participant(participant_id) if participant_id else None
    return participant if participant and participant.session_id == session_id else None
