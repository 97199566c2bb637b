"""A whole session as one JSON document, for the organisation's own archive, and back.

The export holds the session's settings, breakout groups, participants (as the session knew
them), vraagstukken with their moderation state, dots, clusters with their deepening and
members, theme dots, and the session's live polls with their answers. Rows refer to each
other by their ids at export time ("refs"); an import gives every row a new id and rewires
the refs, so a document can be imported into any event, any number of times. What belongs to
one installation or to the live moment stays out: accounts, registrations, the programme,
the event log, the undo history and the engine's runs (the map appears after a new run). An
imported session starts closed, and its pages start from a snapshot.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from brainstorm.breakouts.models import BreakoutGroup
from brainstorm.errors import InputError
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.polls.models import Answer, Poll, Question
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Phase, Vote
from brainstorm.sessions.services import free_join_code
from brainstorm.timeutil import UTCDateTime, utcnow
from brainstorm.workspace.models import Cluster, ClusterMember, ClusterVote

FORMAT, VERSION = "brainstorm-session", 1

# name -> (model, {column: collection it refers to, or None to leave out}), in insert order.
TABLES: dict[str, tuple[type, dict[str, str | None]]] = {
    "groups": (BreakoutGroup, {"host_id": "participants", "host_user_id": None}),
    "participants": (Participant, {"group_id": "groups", "registration_id": None}),
    "ideas": (
        Idea,
        {"participant_id": "participants", "merged_into_id": "ideas", "group_id": "groups"},
    ),
    "votes": (Vote, {"idea_id": "ideas", "participant_id": "participants"}),
    "clusters": (Cluster, {"group_id": "groups", "representative_idea_id": "ideas"}),
    "members": (ClusterMember, {"idea_id": "ideas", "cluster_id": "clusters"}),
    "cluster_votes": (ClusterVote, {"cluster_id": "clusters", "participant_id": "participants"}),
    "polls": (Poll, {"event_id": None}),
    "questions": (Question, {"poll_id": "polls"}),
    "answers": (Answer, {"question_id": "questions"}),
}  # fmt: skip
# Refs that may point forward (a later row of the same or a later table): set afterwards.
LATE = {("groups", "host_id"), ("ideas", "merged_into_id")}
SESSION_LEAVE_OUT = {"id", "event_id", "join_code", "agenda_item_id", "archived_at"}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(model: type, row: object, leave_out: set[str]) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(row, column.key))
        for column in model.__table__.columns
        if column.key not in leave_out
    }


def _queries(bs: BrainstormSession) -> dict[str, Select]:
    """Every row of the session, per table, in a stable order."""
    own = {
        name: select(model).filter_by(session_id=bs.id).order_by(model.id)
        for name, (model, _refs) in TABLES.items()
        if name in ("groups", "participants", "ideas", "votes", "clusters", "cluster_votes")
    }
    live_polls = select(Poll.id).where(Poll.session_id == bs.id)
    questions = select(Question.id).where(Question.poll_id.in_(live_polls))
    return own | {
        "members": select(ClusterMember)
        .join(Idea, Idea.id == ClusterMember.idea_id)
        .where(Idea.session_id == bs.id)
        .order_by(ClusterMember.idea_id),
        "polls": select(Poll).where(Poll.session_id == bs.id).order_by(Poll.id),
        "questions": select(Question).where(Question.poll_id.in_(live_polls)).order_by(Question.id),
        "answers": select(Answer).where(Answer.question_id.in_(questions)).order_by(Answer.id),
    }


def export_session(bs: BrainstormSession) -> dict[str, Any]:
    """The session as one JSON-able document (see the module's docstring)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "event": {"title": bs.event.title, "starts_at": _plain(bs.event.starts_at)},
        "session": _row(BrainstormSession, bs, SESSION_LEAVE_OUT),
    }
    queries = _queries(bs)
    for name, (model, refs) in TABLES.items():
        leave_out = {"session_id"} | {column for column, to in refs.items() if to is None}
        document[name] = [_row(model, row, leave_out) for row in db.session.scalars(queries[name])]
    return document


def _value(column, value: Any) -> Any:
    if value is not None and isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


def _respondent(value: str, participants: dict[int, int]) -> str:
    kind, _sep, ref = value.partition(":")
    if kind == "participant" and ref.isdecimal() and int(ref) in participants:
        return f"participant:{participants[int(ref)]}"
    return f"archive:{ref}" if kind == "registration" else value


def import_session(event: Event, document: object) -> BrainstormSession:
    """Make a new, closed session in this event from an exported document; all or nothing."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(_("Dit is geen export van een brainstormsessie."))
    if document.get("version") != VERSION:
        raise InputError(_("Deze export komt uit een andere versie en kan niet worden gelezen."))
    try:
        bs = _build(event, document)
        db.session.flush()
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        db.session.rollback()
        raise InputError(_("De export is onvolledig of beschadigd.")) from error
    db.session.commit()
    return bs


def _build(event: Event, document: dict) -> BrainstormSession:
    session_values = {
        column.key: _value(column, document["session"][column.key])
        for column in BrainstormSession.__table__.columns
        if column.key not in SESSION_LEAVE_OUT and column.key in document["session"]
    }
    old_poll_ids = session_values.pop("report_poll_ids", None)
    bs = BrainstormSession(**session_values, event=event, join_code=free_join_code())
    bs.phase = Phase.CLOSED
    bs.title = str(bs.title)[:200]
    db.session.add(bs)
    db.session.flush()
    new_ids: dict[str, dict[int, int]] = {name: {} for name in TABLES}
    late: list[tuple[object, str, str, int]] = []
    for name, (model, refs) in TABLES.items():
        for values in document.get(name, []):
            row = model()
            for column in model.__table__.columns:
                key = column.key
                if key == "id" or key not in values or refs.get(key, "") is None:
                    continue
                value = values[key]
                target = refs.get(key)
                if target and value is not None:
                    if (name, key) in LATE:
                        late.append((row, key, target, value))
                        continue
                    value = new_ids[target][value]
                setattr(row, key, _value(column, value))
            if hasattr(row, "session_id"):
                row.session_id = bs.id
            if name == "polls":
                row.event_id, row.slug = event.id, secrets.token_urlsafe(12)
            if name == "answers":
                row.respondent = _respondent(row.respondent, new_ids["participants"])
            db.session.add(row)
            db.session.flush()
            if "id" in values and hasattr(row, "id"):
                new_ids[name][values["id"]] = row.id
    for row, key, target, old in late:
        setattr(row, key, new_ids[target][old])
    if old_poll_ids is not None:
        # The session's own polls came along with new ids; the event's polls (before the
        # session) stay where they are and keep their ids when imported into the same event.
        event_polls = set(
            db.session.scalars(
                select(Poll.id).where(Poll.event_id == event.id, Poll.session_id.is_(None))
            )
        )
        bs.report_poll_ids = [
            new_ids["polls"].get(i, i)
            for i in old_poll_ids
            if i in new_ids["polls"] or i in event_polls
        ]
    return bs
