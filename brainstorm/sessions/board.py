"""The board of a live session: vraagstukken sent, edited and withdrawn, dot voting, and the
facilitator's moderation (hide, approve, pin, correct, merge).

Every change commits together with its entries in the session event log, then broadcasts
them; the workspace hears of new ideas on the board through sessions.signals.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts.models import User
from brainstorm.background import gathering, run_later_once, together
from brainstorm.errors import InputError, LimitReached, NotAllowed, NotFound, PhaseClosed
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions import signals
from brainstorm.sessions.models import (
    INPUT_PHASES,
    BrainstormSession,
    Idea,
    Participant,
    Phase,
    Vote,
)
from brainstorm.sessions.services import (
    current_group,
    group_audience,
    kept_to_author,
    my_votes,
    participant_actor,
    phase_of,
    user_actor,
    visible_ideas,
    votes_hidden,
)
from brainstorm.timeutil import utcnow

if TYPE_CHECKING:
    from brainstorm.breakouts.models import BreakoutGroup

_commit_and_emit = realtime.commit_and_emit


def _audience(bs: BrainstormSession, idea: Idea) -> str:
    """Who besides the facilitators may see this idea now."""
    if not idea.approved or kept_to_author(bs, idea):
        return realtime.participant_audience(idea.participant_id or 0)
    if bs.groups_apart and idea.group is not None and idea.group.active:
        return group_audience(idea.group)
    return EVERYONE


def _votes_on(idea: Idea) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).filter_by(idea_id=idea.id))


def _log_idea(
    bs: BrainstormSession, idea: Idea, name: str, actor: str, votes: int | None = None
) -> list[SessionEvent]:
    """Log an idea change for those who may see it, and its full state for the facilitators."""
    return realtime.log_events(bs.id, _idea_entries(bs, idea, name, votes), actor=actor)


def _idea_entries(
    bs: BrainstormSession, idea: Idea, name: str, votes: int | None = None
) -> list[tuple[str, dict, str]]:
    votes = _votes_on(idea) if votes is None else votes
    entries = []
    if not idea.hidden:
        payload = {"idea": idea.to_public(None if votes_hidden(bs) else votes)}
        entries.append((name, payload, _audience(bs, idea)))
    entries.append(("idea_moderated", {"idea": idea.to_facilitator(votes)}, FACILITATORS))
    return entries


def _log_removed(
    bs: BrainstormSession, idea: Idea, reason: str, actor: str, **extra: object
) -> list[SessionEvent]:
    payload = {"id": idea.id, "reason": reason, **extra}
    audience = _audience(bs, idea)
    entries = [("idea_removed", payload, audience)]
    if audience != EVERYONE:
        entries.append(("idea_removed", payload, FACILITATORS))
    return realtime.log_events(bs.id, entries, actor=actor)


# --- vraagstukken -------------------------------------------------------------------------


def clean_idea_text(text: object) -> str:
    """The vraagstuk as it will be stored, or an InputError that says what is wrong."""
    if not isinstance(text, str):
        raise InputError(_("Vul een vraagstuk in."))
    # Control characters (pasted binary) and lone surrogates would be stored invisibly or not
    # at all; tabs and newlines stay, and so do emoji joiners (category Cf).
    text = "".join(
        ch
        for ch in text.replace("\r\n", "\n")
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    text = text.strip()
    if not text:
        raise InputError(_("Vul een vraagstuk in."))
    limit = current_app.config["IDEA_MAX_LENGTH"]
    if len(text) > limit:
        raise InputError(
            _(
                "Je vraagstuk is te lang: %(n)d tekens, hoogstens %(max)d. Maak het wat korter.",
                n=len(text),
                max=limit,
            )
        )
    return text


def parse_client_id(raw: object) -> str:
    """The client-made UUID that makes a resend harmless."""
    try:
        return str(UUID(str(raw)))
    except ValueError:
        raise InputError(_("Het bericht mist een geldige client_id (UUID).")) from None


def _require_input_open(bs: BrainstormSession, participant: Participant) -> None:
    if phase_of(bs, current_group(bs, participant)) not in INPUT_PHASES:
        raise PhaseClosed(
            _("De invoer is gesloten: je kunt nu geen vraagstukken insturen of wijzigen.")
        )


def submit_idea(bs: BrainstormSession, author: Participant, text: str, client_id: str) -> Idea:
    """Store a vraagstuk once, however often the client resends it, and tell the room."""
    return submit(bs, author, text, client_id)[0]


def submit(
    bs: BrainstormSession, author: Participant, text: str, client_id: str
) -> tuple[Idea, int]:
    """submit_idea, and how many more vraagstukken the author may send (for the ack)."""
    text = clean_idea_text(text)
    client_id = parse_client_id(client_id)
    stored = _store_plain(bs, {author.id: author}, [(author.id, text, client_id)])[0]
    return stored or _not_stored(bs, author, text, client_id)


def _not_stored(
    bs: BrainstormSession, author: Participant, text: str, client_id: str
) -> tuple[Idea, int]:
    """Why an idea was not stored as a new one: a resend gets the stored idea; closed input
    or the limit reached gets an error in the sender's words."""
    # Only a refused idea looks for its client_id: a new one costs no extra SELECT.
    existing = _idea_by_client_id(bs, client_id)
    if existing is not None:
        return _resent(existing, author, text), ideas_left(bs, author)
    _require_input_open(bs, author)
    if ideas_left(bs, author) <= 0:
        raise LimitReached(
            ngettext(
                "Je hebt al %(num)d vraagstuk ingestuurd; meer kan niet in deze sessie.",
                "Je hebt al %(num)d vraagstukken ingestuurd; meer kan niet in deze sessie.",
                bs.idea_limit,
            )
        )
    # Its client_id was taken, and the idea that had it is gone since (personal data removed).
    raise InputError(_("Dit vraagstuk is niet opgeslagen. Stuur het opnieuw."))


def submit_gathered(
    bs: BrainstormSession, author: Participant, text: str, client_id: str
) -> tuple[int, int]:
    """submit, stored in one transaction with the other new ideas that reach this process
    while the one before is being stored (a burst of a full room: one commit, not 300).
    Returns the idea's id and how many more vraagstukken the author may send."""
    text = clean_idea_text(text)
    client_id = parse_client_id(client_id)
    if not _gathering(bs.id):
        idea, left = submit(bs, author, text, client_id)
        return idea.id, left
    session_id, author_id = bs.id, author.id
    # The connection goes back to the pool while waiting: 300 callers must not hold 300.
    db.session.close()
    store = partial(_store_new_ideas, session_id)
    stored = together(("ideas", session_id), (author_id, text, client_id), store)
    if stored is not None:
        return stored
    # Not a plain new idea (a resend, input closed, the limit reached, a race): the one at a
    # time path decides and says why, in this caller's language.
    bs = db.session.get(BrainstormSession, session_id)
    author = db.session.get(Participant, author_id)
    if bs is None or author is None:
        raise NotAllowed(_("Je bent niet (meer) aangemeld bij deze sessie."))
    idea, left = submit(bs, author, text, client_id)
    return idea.id, left


def _gathering(session_id: int) -> bool:
    """Whether this idea joins a group commit: when the room is busy (another idea came within
    GATHER_WITHIN seconds, or a group is being stored); a lone idea goes straight through,
    without the wait for others and the second reading of its author."""
    if not current_app.config.get("GATHER_IDEAS", not current_app.testing):
        return False
    now = time.monotonic()
    last: dict[int, float] = current_app.extensions.setdefault("brainstorm.idea_arrivals", {})
    busy = now - last.get(session_id, float("-inf")) < current_app.config["GATHER_WITHIN"]
    last[session_id] = now
    return busy or gathering(("ideas", session_id))


def _store_new_ideas(
    session_id: int, items: Sequence[tuple[int, str, str]]
) -> list[tuple[int, int] | None]:
    """_store_plain for a group gathered by id: (idea id, ideas left) or None for each."""
    bs = db.session.get(BrainstormSession, session_id)
    if bs is None:
        return [None] * len(items)
    authors = {
        p.id: p
        for p in db.session.scalars(
            select(Participant).where(
                Participant.session_id == session_id,
                Participant.id.in_({author for author, _t, _c in items}),
            )
        )
    }
    stored = _store_plain(bs, authors, items)
    return [None if result is None else (result[0].id, result[1]) for result in stored]


_ideas = Idea.__table__
# Built once, with their cache keys: building a statement costs more than running it.
_SENT = (
    select(_ideas.c.participant_id, func.count())
    .where(
        _ideas.c.session_id == bindparam("session_id"),
        _ideas.c.participant_id.in_(bindparam("authors", expanding=True)),
        _ideas.c.withdrawn_at.is_(None),
    )
    .group_by(_ideas.c.participant_id)
)
_TAKEN = select(_ideas.c.client_id).where(
    _ideas.c.session_id == bindparam("session_id"),
    _ideas.c.client_id.in_(bindparam("client_ids", expanding=True)),
)
_INSERT_IDEAS = insert(_ideas).returning(_ideas.c.id, sort_by_parameter_order=True)
_IDEA_COLUMNS = [column.key for column in _ideas.columns if column.key != "id"]


def _sent_by(session_id: int, author_ids: Collection[int]) -> dict[int, int]:
    """How many vraagstukken (not withdrawn) each of these participants sent."""
    params = {"session_id": session_id, "authors": list(author_ids)}
    return dict(db.session.execute(_SENT, params).all())


def _store_plain(
    bs: BrainstormSession,
    authors: dict[int, Participant],
    items: Sequence[tuple[int, str, str]],
) -> list[tuple[Idea, int] | None]:
    """Store the plain new ideas among (author_id, text, client_id) in one transaction, with
    one statement each for the counts, the ideas and the log, and tell the room. Each gets
    (the idea, how many more its author may send), or None when it is anything else: a resend,
    closed input, the limit reached (the caller finds out which)."""
    sent = _sent_by(bs.id, authors)
    # One idea alone needs no look-up: a taken client_id fails its INSERT instead. In a group
    # that would fail the others with it.
    taken: set[str] = set()
    if len(items) > 1:
        params = {"session_id": bs.id, "client_ids": [c for _a, _t, c in items]}
        taken.update(db.session.scalars(_TAKEN, params))
    now = utcnow()
    results: list[tuple[Idea, int] | None] = []
    for author_id, text, client_id in items:
        author = authors.get(author_id)
        left = bs.idea_limit - sent.get(author_id, 0)
        group = current_group(bs, author)
        if (
            author is None
            or client_id in taken
            or left <= 0
            or phase_of(bs, group) not in INPUT_PHASES
        ):
            results.append(None)
            continue
        taken.add(client_id)
        sent[author_id] = sent.get(author_id, 0) + 1
        # Written with one INSERT below, not through the unit of work: nothing reads them back.
        idea = Idea(
            session_id=bs.id,
            participant_id=author_id,
            author=author,
            text=text,
            client_id=client_id,
            hidden=False,
            approved=not bs.premoderation,
            pinned=False,
            group_id=group.id if group else None,
            group=group,
            source="",
            created_at=now,
        )
        results.append((idea, left - 1))
    new = [result[0] for result in results if result is not None]
    if not new:
        return results
    rows = [{column: getattr(idea, column) for column in _IDEA_COLUMNS} for idea in new]
    try:
        ids = db.session.scalars(_INSERT_IDEAS, rows).all()
    except IntegrityError:  # a resend, or the same client_id racing in on another connection
        db.session.rollback()
        return [None] * len(items)
    for idea, idea_id in zip(new, ids, strict=True):
        idea.id = idea_id
    entries = [
        (*entry, participant_actor(authors[idea.participant_id]))
        for idea in new
        for entry in _idea_entries(bs, idea, "idea_added", votes=0)
    ]
    _commit_and_emit(realtime.log_events_by(bs.id, entries), keep_loaded=True)
    signals.board_changed.send(bs)
    for group in {idea.group for idea in new}:
        _count_arrivals(bs, group)
    return results


def idea_count(bs: BrainstormSession) -> int:
    """How many vraagstukken are on the board (hidden input: arrived so far)."""
    return len(visible_ideas(bs))


def _count_arrivals(bs: BrainstormSession, group: BreakoutGroup | None) -> None:
    """Hidden input: every screen sees the number grow (never the texts), once a second."""
    if phase_of(bs, group) != Phase.HIDDEN_INPUT:
        return
    session_id = bs.id

    def send() -> None:
        session = db.session.get(BrainstormSession, session_id)
        if session is not None:
            realtime.emit_ephemeral(session_id, "idea_count", {"count": idea_count(session)})

    run_later_once(("idea-count", session_id), current_app.config["PRESENCE_DELAY"], send)


def add_ideas_from_elsewhere(
    bs: BrainstormSession, user: User, items: Iterable[tuple[str, str]], *, source: str
) -> int:
    """Put texts made elsewhere (poll answers) on the board as vraagstukken, each once.

    `items` are (client_id, text); a client_id already in the session is skipped, so doing
    it again adds only what is new. Returns how many were added.
    """
    known = set(db.session.scalars(select(Idea.client_id).filter_by(session_id=bs.id)))
    actor = user_actor(user)
    events, added = [], 0
    for client_id, text in items:
        text = " ".join(str(text).split())[: current_app.config["IDEA_MAX_LENGTH"]]
        if client_id in known or not text:
            continue
        known.add(client_id)
        idea = Idea(session_id=bs.id, client_id=client_id, text=text, source=source)
        db.session.add(idea)
        db.session.flush()
        events += _log_idea(bs, idea, "idea_added", actor, votes=0)
        added += 1
    _commit_and_emit(events)
    signals.board_changed.send(bs)
    return added


def ideas_left(bs: BrainstormSession, participant: Participant) -> int:
    """How many more vraagstukken this participant may send."""
    return max(0, bs.idea_limit - _sent_by(bs.id, [participant.id]).get(participant.id, 0))


def _idea_by_client_id(bs: BrainstormSession, client_id: str) -> Idea | None:
    return db.session.scalar(select(Idea).filter_by(session_id=bs.id, client_id=client_id))


def _resent(idea: Idea, author: Participant, text: str) -> Idea:
    """The stored idea for a resend: the same author with the same text (an idempotency key)."""
    # Another text, or someone else's client_id, gets the same words: nothing tells whose the
    # idea was or what it said.
    if idea.participant_id != author.id or text not in (idea.text, idea.original_text):
        raise InputError(
            _(
                "Dit vraagstuk is niet opgeslagen: het kenmerk (client_id) is al gebruikt. "
                "Stuur het opnieuw."
            )
        )
    return idea


def _idea(bs: BrainstormSession, idea_id: object) -> Idea:
    """An idea of this session still in play, or NotFound (also for another session's id)."""
    if isinstance(idea_id, bool) or not isinstance(idea_id, int):
        raise InputError(_("Geef een geldig vraagstuk op."))
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.session_id != bs.id or idea.gone:
        raise NotFound(_("Dit vraagstuk bestaat niet (meer)."))
    return idea


def _own_idea(bs: BrainstormSession, participant: Participant, idea_id: object) -> Idea:
    idea = _idea(bs, idea_id)
    if idea.participant_id != participant.id:
        raise NotFound(_("Dit vraagstuk bestaat niet (meer)."))
    return idea


def edit_idea(
    bs: BrainstormSession, participant: Participant, idea_id: object, text: object
) -> Idea:
    """The author rewords their own vraagstuk while input is open."""
    idea = _own_idea(bs, participant, idea_id)
    text = clean_idea_text(text)
    _require_input_open(bs, participant)
    idea.text = text
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", participant_actor(participant)))
    return idea


def withdraw_idea(bs: BrainstormSession, participant: Participant, idea_id: object) -> Idea:
    """The author takes their own vraagstuk back while input is open; its votes go with it."""
    idea = _own_idea(bs, participant, idea_id)
    _require_input_open(bs, participant)
    events = _log_removed(bs, idea, "withdrawn", participant_actor(participant))
    idea.withdrawn_at = utcnow()
    db.session.execute(delete(Vote).filter_by(idea_id=idea.id))
    _commit_and_emit(events)
    _count_arrivals(bs, idea.group)
    return idea


# --- dot voting ---------------------------------------------------------------------------


def _vote_result(bs: BrainstormSession, participant: Participant) -> dict:
    votes = my_votes(participant)
    return {
        "votes_left": max(0, bs.vote_budget - sum(votes.values())),
        "votes": {str(idea_id): n for idea_id, n in votes.items()},
    }


def _log_votes(bs: BrainstormSession, idea: Idea, actor: str) -> list[SessionEvent]:
    payload = {"idea_id": idea.id, "votes": _votes_on(idea)}
    # Blind voting: only the facilitators follow the counts until the result is shown.
    audience = FACILITATORS if votes_hidden(bs) else _audience(bs, idea)
    entries = [("votes_changed", payload, audience)]
    if audience != EVERYONE:
        entries.append(("votes_changed", payload, FACILITATORS))
    return realtime.log_events(bs.id, entries, actor=actor)


def vote(bs: BrainstormSession, participant: Participant, idea_id: object) -> dict:
    """Put one of the participant's dots on an idea; returns what they have left."""
    group = current_group(bs, participant)
    if phase_of(bs, group) != Phase.VOTING:
        raise PhaseClosed(_("Stemmen kan nu niet: de facilitator heeft het stemmen niet geopend."))
    idea = _idea(bs, idea_id)
    if not idea.on_board or (group is not None and idea.group_id != group.id):
        raise NotFound(_("Dit vraagstuk bestaat niet (meer)."))
    # Lock the participant's row so two quick taps cannot both spend the last vote.
    db.session.execute(select(Participant.id).filter_by(id=participant.id).with_for_update())
    votes = my_votes(participant)
    if sum(votes.values()) >= bs.vote_budget:
        raise LimitReached(_("Je stemmen zijn op. Haal er een weg om opnieuw te kiezen."))
    if votes.get(idea.id) and not bs.vote_stacking:
        raise InputError(_("Je hebt al op dit vraagstuk gestemd; één stem per vraagstuk."))
    db.session.add(Vote(session_id=bs.id, idea_id=idea.id, participant_id=participant.id))
    db.session.flush()
    _commit_and_emit(_log_votes(bs, idea, participant_actor(participant)))
    return _vote_result(bs, participant)


def unvote(bs: BrainstormSession, participant: Participant, idea_id: object) -> dict:
    """Take one of the participant's dots back from an idea while voting is open."""
    if phase_of(bs, current_group(bs, participant)) != Phase.VOTING:
        raise PhaseClosed(_("Het stemmen is gesloten; je stemmen staan vast."))
    idea = _idea(bs, idea_id)
    last = db.session.scalar(
        select(Vote)
        .filter_by(idea_id=idea.id, participant_id=participant.id)
        .order_by(Vote.id.desc())
        .limit(1)
    )
    if last is None:
        raise InputError(_("Je had geen stem op dit vraagstuk."))
    db.session.delete(last)
    db.session.flush()
    _commit_and_emit(_log_votes(bs, idea, participant_actor(participant)))
    return _vote_result(bs, participant)


# --- moderation ---------------------------------------------------------------------------


def hide_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Take an idea off every screen; it stays in the database and the log."""
    idea = _idea(bs, idea_id)
    if idea.hidden:
        return idea
    actor = user_actor(user)
    events = _log_removed(bs, idea, "hidden", actor)
    idea.hidden = True
    events += _log_idea(bs, idea, "idea_updated", actor)
    _commit_and_emit(events)
    return idea


def unhide_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Put a hidden idea back on the board."""
    idea = _idea(bs, idea_id)
    if not idea.hidden:
        return idea
    idea.hidden = False
    _commit_and_emit(_log_idea(bs, idea, "idea_added", user_actor(user)))
    signals.board_changed.send(bs)
    return idea


def approve_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Let an idea that waits for pre-moderation onto the board."""
    idea = _idea(bs, idea_id)
    if idea.approved:
        return idea
    idea.approved = True
    _commit_and_emit(_log_idea(bs, idea, "idea_added", user_actor(user)))
    signals.board_changed.send(bs)
    return idea


def pin_idea(bs: BrainstormSession, user: User, idea_id: object, pinned: object) -> Idea:
    """Pin an idea to the top of every board (or unpin it)."""
    if not isinstance(pinned, bool):
        raise InputError(_("Kies vastpinnen aan of uit."))
    idea = _idea(bs, idea_id)
    idea.pinned = pinned
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", user_actor(user)))
    return idea


def correct_idea(bs: BrainstormSession, user: User, idea_id: object, text: object) -> Idea:
    """Fix a typo in someone's idea; the first original is kept."""
    idea = _idea(bs, idea_id)
    text = clean_idea_text(text)
    if text != idea.text:
        idea.original_text = idea.original_text or idea.text
        idea.text = text
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", user_actor(user)))
    return idea


def merge_ideas(bs: BrainstormSession, user: User, keep_id: object, merge_id: object) -> Idea:
    """Fold an idea into one that says the same: its votes move, nobody's counts twice."""
    keep = _idea(bs, keep_id)
    merged = _idea(bs, merge_id)
    if keep.id == merged.id:
        raise InputError(_("Kies twee verschillende vraagstukken om samen te voegen."))
    if not bs.vote_stacking:
        # Whoever voted on both keeps one vote: the one already on the idea that stays.
        voted_on_keep = select(Vote.participant_id).filter_by(idea_id=keep.id)
        db.session.execute(
            delete(Vote).where(Vote.idea_id == merged.id, Vote.participant_id.in_(voted_on_keep))
        )
    db.session.execute(update(Vote).filter_by(idea_id=merged.id).values(idea_id=keep.id))
    actor = user_actor(user)
    events = _log_removed(bs, merged, "merged", actor, into=keep.id)
    merged.merged_into_id = keep.id
    db.session.flush()
    events += [*_log_votes(bs, keep, actor), *_log_idea(bs, keep, "idea_updated", actor)]
    _commit_and_emit(events)
    return keep
