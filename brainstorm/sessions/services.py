"""Live sessions: join, vraagstukken, dot voting, and the facilitator's steering of it all.

Every change commits together with its entries in the session event log, then broadcasts
them (realtime.emit_logged): what a page missed is replayed from that log.
"""

import math
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts.models import User
from brainstorm.errors import InputError, LimitReached, NotFound, PhaseClosed
from brainstorm.events.models import AgendaItem, Event
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions.codes import generate_code, is_valid_code, normalise_code
from brainstorm.sessions.models import (
    DISPLAY_NAME_MAX,
    INPUT_PHASES,
    BrainstormSession,
    Idea,
    Participant,
    Phase,
    Sector,
    Vote,
)
from brainstorm.timeutil import utcnow

IDEA_LIMIT_RANGE = (1, 100)
VOTE_BUDGET_RANGE = (1, 50)
TIMER_MAX_SECONDS = 2 * 60 * 60
SETTINGS = ("idea_limit", "vote_budget", "vote_stacking", "premoderation")


def create_session(event: Event, title: str) -> BrainstormSession:
    """Open a live session for an event, with a fresh unique join code."""
    title = title.strip()
    if not title:
        raise InputError(_("Geef de sessie een titel."))
    for _attempt in range(20):
        code = generate_code()
        if db.session.scalar(select(BrainstormSession.id).filter_by(join_code=code)) is None:
            break
    else:  # pragma: no cover - 20 collisions in 887 million codes means something else is wrong
        raise RuntimeError("no free join code")
    bs = BrainstormSession(event=event, title=title[:200], join_code=code)
    db.session.add(bs)
    db.session.commit()
    return bs


def find_session(raw_code: str) -> BrainstormSession:
    """The session for a join code as someone typed it."""
    code = normalise_code(raw_code)
    if not is_valid_code(code):
        raise InputError(_("Een sessiecode bestaat uit 6 tekens, bijvoorbeeld K7QM2P."))
    bs = db.session.scalar(select(BrainstormSession).filter_by(join_code=code))
    if bs is None:
        raise NotFound(_("Er is geen sessie met code %(code)s. Controleer de code.", code=code))
    return bs


def join_session(bs: BrainstormSession, display_name: str = "", sector: str = "") -> Participant:
    """Let someone in without an account; name and sector are optional."""
    name = " ".join(display_name.split())
    if len(name) > DISPLAY_NAME_MAX:
        raise InputError(_("Een naam mag hoogstens %(max)d tekens zijn.", max=DISPLAY_NAME_MAX))
    if sector and sector not in set(Sector):
        raise InputError(_("Kies po, vo, mbo of anders."))
    if bs.phase == Phase.CLOSED:
        raise PhaseClosed(_("Deze sessie is afgesloten."))
    participant = Participant(session=bs, display_name=name, sector=sector)
    db.session.add(participant)
    db.session.commit()
    return participant


# --- reading ----------------------------------------------------------------------------


def vote_counts(bs: BrainstormSession) -> dict[int, int]:
    """Votes per idea id in a session."""
    rows = db.session.execute(
        select(Vote.idea_id, func.count()).filter_by(session_id=bs.id).group_by(Vote.idea_id)
    )
    return dict(rows.all())


def _votes_on(idea: Idea) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).filter_by(idea_id=idea.id))


def visible_ideas(bs: BrainstormSession) -> list[Idea]:
    """The ideas on the board (not hidden, withdrawn, merged or awaiting approval), oldest first."""
    return [idea for idea in _live_ideas(bs) if idea.on_board]


def _live_ideas(bs: BrainstormSession) -> list[Idea]:
    query = select(Idea).filter_by(session_id=bs.id, withdrawn_at=None, merged_into_id=None)
    return list(db.session.scalars(query.order_by(Idea.id)))


def board_for_participant(bs: BrainstormSession, participant: Participant | None) -> list[dict]:
    """The ideas a participant's page shows: the board, or only their own while input is hidden."""
    counts = vote_counts(bs)
    own = participant.id if participant else None
    shown = []
    for idea in _live_ideas(bs):
        mine = own is not None and idea.participant_id == own
        if idea.hidden or (bs.phase == Phase.HIDDEN_INPUT and not mine):
            continue
        if idea.approved or mine:
            shown.append(idea.to_public(counts.get(idea.id, 0)))
    return shown


def board_for_facilitators(bs: BrainstormSession) -> list[dict]:
    """Every idea still in play, with moderation state and author."""
    counts = vote_counts(bs)
    return [idea.to_facilitator(counts.get(idea.id, 0)) for idea in _live_ideas(bs)]


def participant_state(bs: BrainstormSession, participant: Participant) -> dict:
    """What a participant's page needs about themselves: own ideas, votes, what is left."""
    own = list(
        db.session.scalars(
            select(Idea.id).filter_by(
                session_id=bs.id, participant_id=participant.id, withdrawn_at=None
            )
        )
    )
    votes = _my_votes(participant)
    return {
        "ideas": own,
        "votes": {str(idea_id): n for idea_id, n in votes.items()},
        "ideas_left": max(0, bs.idea_limit - len(own)),
        "votes_left": max(0, bs.vote_budget - sum(votes.values())),
    }


def settings_of(bs: BrainstormSession) -> dict:
    """The session's rules as pages show them."""
    return {name: getattr(bs, name) for name in SETTINGS}


def agenda_item_of(bs: BrainstormSession) -> dict | None:
    """The current programme item, if the facilitator chose one."""
    item = bs.agenda_item
    if item is None:
        return None
    return {
        "id": item.id,
        "title": item.title,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
    }


def timer_of(bs: BrainstormSession) -> dict:
    """The countdown as pages show it: running to ends_at, or paused with seconds remaining."""
    running = bs.timer_ends_at is not None
    return {
        "running": running,
        "ends_at": bs.timer_ends_at.isoformat() if running else None,
        "remaining": bs.timer_remaining,
    }


def participant_count(bs: BrainstormSession) -> int:
    """How many people joined the session (ever)."""
    return db.session.scalar(
        select(func.count()).select_from(Participant).filter_by(session_id=bs.id)
    )


def sessions_of(event: Event) -> list[BrainstormSession]:
    """An event's live sessions, oldest first, archived ones last."""
    query = select(BrainstormSession).filter_by(event_id=event.id)
    order = (BrainstormSession.archived_at.is_not(None), BrainstormSession.id)
    return list(db.session.scalars(query.order_by(*order)))


# --- broadcasting ------------------------------------------------------------------------


def _audience(bs: BrainstormSession, idea: Idea) -> str:
    """Who besides the facilitators may see this idea now."""
    if idea.approved and bs.phase != Phase.HIDDEN_INPUT:
        return EVERYONE
    return realtime.participant_audience(idea.participant_id or 0)


def _log_idea(bs: BrainstormSession, idea: Idea, name: str, actor: str) -> list[SessionEvent]:
    """Log an idea change for those who may see it, and its full state for the facilitators."""
    votes = _votes_on(idea)
    events = []
    if not idea.hidden:
        payload = {"idea": idea.to_public(votes)}
        events.append(
            realtime.log_event(bs.id, name, payload, audience=_audience(bs, idea), actor=actor)
        )
    events.append(
        realtime.log_event(
            bs.id,
            "idea_moderated",
            {"idea": idea.to_facilitator(votes)},
            audience=FACILITATORS,
            actor=actor,
        )
    )
    return events


def _log_removed(
    bs: BrainstormSession, idea: Idea, reason: str, actor: str, **extra: object
) -> list[SessionEvent]:
    payload = {"id": idea.id, "reason": reason, **extra}
    audience = _audience(bs, idea)
    events = [realtime.log_event(bs.id, "idea_removed", payload, audience=audience, actor=actor)]
    if audience != EVERYONE:
        events.append(
            realtime.log_event(bs.id, "idea_removed", payload, audience=FACILITATORS, actor=actor)
        )
    return events


def _commit_and_emit(events: Iterable[SessionEvent]) -> None:
    """Commit the change with its log entries, then tell the rooms (never before the commit)."""
    events = list(events)
    db.session.commit()
    for event in events:
        realtime.emit_logged(event)


def _user_actor(user: User) -> str:
    return f"user:{user.id}"


def _participant_actor(participant: Participant) -> str:
    return f"participant:{participant.id}"


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


def _require_input_open(bs: BrainstormSession) -> None:
    if bs.phase not in INPUT_PHASES:
        raise PhaseClosed(
            _("De invoer is gesloten: je kunt nu geen vraagstukken insturen of wijzigen.")
        )


def submit_idea(bs: BrainstormSession, author: Participant, text: str, client_id: str) -> Idea:
    """Store a vraagstuk once, however often the client resends it, and tell the room."""
    text = clean_idea_text(text)
    client_id = parse_client_id(client_id)
    existing = _idea_by_client_id(bs, client_id)
    if existing:
        return existing
    _require_input_open(bs)
    if ideas_left(bs, author) <= 0:
        raise LimitReached(
            ngettext(
                "Je hebt al %(num)d vraagstuk ingestuurd; meer kan niet in deze sessie.",
                "Je hebt al %(num)d vraagstukken ingestuurd; meer kan niet in deze sessie.",
                bs.idea_limit,
            )
        )
    idea = Idea(
        session_id=bs.id,
        participant_id=author.id,
        text=text,
        client_id=client_id,
        approved=not bs.premoderation,
    )
    db.session.add(idea)
    try:
        db.session.flush()
    except IntegrityError:  # the same resend racing in on another connection
        db.session.rollback()
        return _idea_by_client_id(bs, client_id)
    _commit_and_emit(_log_idea(bs, idea, "idea_added", _participant_actor(author)))
    return idea


def ideas_left(bs: BrainstormSession, participant: Participant) -> int:
    """How many more vraagstukken this participant may send."""
    sent = db.session.scalar(
        select(func.count())
        .select_from(Idea)
        .filter_by(session_id=bs.id, participant_id=participant.id, withdrawn_at=None)
    )
    return max(0, bs.idea_limit - sent)


def _idea_by_client_id(bs: BrainstormSession, client_id: str) -> Idea | None:
    return db.session.scalar(select(Idea).filter_by(session_id=bs.id, client_id=client_id))


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
    _require_input_open(bs)
    idea.text = text
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", _participant_actor(participant)))
    return idea


def withdraw_idea(bs: BrainstormSession, participant: Participant, idea_id: object) -> Idea:
    """The author takes their own vraagstuk back while input is open; its votes go with it."""
    idea = _own_idea(bs, participant, idea_id)
    _require_input_open(bs)
    events = _log_removed(bs, idea, "withdrawn", _participant_actor(participant))
    idea.withdrawn_at = utcnow()
    db.session.execute(delete(Vote).filter_by(idea_id=idea.id))
    _commit_and_emit(events)
    return idea


# --- dot voting ---------------------------------------------------------------------------


def _my_votes(participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(Vote.idea_id, func.count())
        .filter_by(participant_id=participant.id)
        .group_by(Vote.idea_id)
    )
    return dict(rows.all())


def _vote_result(bs: BrainstormSession, participant: Participant) -> dict:
    votes = _my_votes(participant)
    return {
        "votes_left": max(0, bs.vote_budget - sum(votes.values())),
        "votes": {str(idea_id): n for idea_id, n in votes.items()},
    }


def _log_votes(bs: BrainstormSession, idea: Idea, actor: str) -> SessionEvent:
    payload = {"idea_id": idea.id, "votes": _votes_on(idea)}
    return realtime.log_event(bs.id, "votes_changed", payload, actor=actor)


def vote(bs: BrainstormSession, participant: Participant, idea_id: object) -> dict:
    """Put one of the participant's dots on an idea; returns what they have left."""
    if bs.phase != Phase.VOTING:
        raise PhaseClosed(_("Stemmen kan nu niet: de facilitator heeft het stemmen niet geopend."))
    idea = _idea(bs, idea_id)
    if not idea.on_board:
        raise NotFound(_("Dit vraagstuk bestaat niet (meer)."))
    # Lock the participant's row so two quick taps cannot both spend the last vote.
    db.session.execute(select(Participant.id).filter_by(id=participant.id).with_for_update())
    votes = _my_votes(participant)
    if sum(votes.values()) >= bs.vote_budget:
        raise LimitReached(_("Je stemmen zijn op. Haal er een weg om opnieuw te kiezen."))
    if votes.get(idea.id) and not bs.vote_stacking:
        raise InputError(_("Je hebt al op dit vraagstuk gestemd; één stem per vraagstuk."))
    db.session.add(Vote(session_id=bs.id, idea_id=idea.id, participant_id=participant.id))
    db.session.flush()
    _commit_and_emit([_log_votes(bs, idea, _participant_actor(participant))])
    return _vote_result(bs, participant)


def unvote(bs: BrainstormSession, participant: Participant, idea_id: object) -> dict:
    """Take one of the participant's dots back from an idea while voting is open."""
    if bs.phase != Phase.VOTING:
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
    _commit_and_emit([_log_votes(bs, idea, _participant_actor(participant))])
    return _vote_result(bs, participant)


# --- steering: phase, settings, timer -----------------------------------------------------


def set_phase(
    bs: BrainstormSession, user: User, phase: object, agenda_item_id: object = None
) -> BrainstormSession:
    """Move the session to a phase (and programme item); leaving hidden input reveals all."""
    try:
        new = Phase(phase)
    except ValueError:
        raise InputError(_("Onbekende fase.")) from None
    item = None
    if agenda_item_id not in (None, ""):
        item = (
            db.session.get(AgendaItem, agenda_item_id) if isinstance(agenda_item_id, int) else None
        )
        if item is None or item.event_id != bs.event_id:
            raise NotFound(_("Dit programma-onderdeel hoort niet bij dit evenement."))
    actor = _user_actor(user)
    events = []
    revealing = bs.phase == Phase.HIDDEN_INPUT and new != Phase.HIDDEN_INPUT
    bs.phase = new
    bs.agenda_item = item
    if revealing:
        counts = vote_counts(bs)
        ideas = [idea.to_public(counts.get(idea.id, 0)) for idea in visible_ideas(bs)]
        events.append(realtime.log_event(bs.id, "ideas_revealed", {"ideas": ideas}, actor=actor))
    payload = {"phase": new.value, "agenda_item": agenda_item_of(bs)}
    events.append(realtime.log_event(bs.id, "phase_changed", payload, actor=actor))
    _commit_and_emit(events)
    return bs


def _bounded_int(value: object, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(message)
    try:
        number = int(value)
    except ValueError:
        raise InputError(message) from None
    if not low <= number <= high:
        raise InputError(message)
    return number


def update_settings(bs: BrainstormSession, user: User, changes: dict) -> dict:
    """Change the per-person limit, vote budget, stacking or pre-moderation."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise InputError(_("Onbekende instelling: %(names)s.", names=", ".join(sorted(unknown))))
    values = {}
    if "idea_limit" in changes:
        low, high = IDEA_LIMIT_RANGE
        message = _("Het maximum per persoon ligt tussen %(low)d en %(high)d.", low=low, high=high)
        values["idea_limit"] = _bounded_int(changes["idea_limit"], low, high, message)
    if "vote_budget" in changes:
        low, high = VOTE_BUDGET_RANGE
        message = _("Het aantal stemmen ligt tussen %(low)d en %(high)d.", low=low, high=high)
        values["vote_budget"] = _bounded_int(changes["vote_budget"], low, high, message)
    for flag in ("vote_stacking", "premoderation"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                raise InputError(_("Kies aan of uit."))
            values[flag] = changes[flag]
    for name, value in values.items():
        setattr(bs, name, value)
    event = realtime.log_event(
        bs.id, "settings_changed", {"settings": settings_of(bs)}, actor=_user_actor(user)
    )
    _commit_and_emit([event])
    return settings_of(bs)


def _log_timer(bs: BrainstormSession, user: User) -> SessionEvent:
    return realtime.log_event(
        bs.id, "timer_changed", {"timer": timer_of(bs)}, actor=_user_actor(user)
    )


def _seconds(value: object, low: int, high: int) -> int:
    return _bounded_int(
        value,
        low,
        high,
        _("Geef een tijd tussen %(low)d en %(high)d seconden.", low=low, high=high),
    )


def start_timer(bs: BrainstormSession, user: User, seconds: object) -> dict:
    """Start (or restart) the countdown everyone sees."""
    bs.timer_ends_at = utcnow() + timedelta(seconds=_seconds(seconds, 1, TIMER_MAX_SECONDS))
    bs.timer_remaining = None
    _commit_and_emit([_log_timer(bs, user)])
    return timer_of(bs)


def pause_timer(bs: BrainstormSession, user: User) -> dict:
    """Stop the clock, keeping the seconds that were left."""
    if bs.timer_ends_at is None:
        raise InputError(_("Er loopt geen timer."))
    left = (bs.timer_ends_at - utcnow()).total_seconds()
    bs.timer_remaining = max(0, math.ceil(left))
    bs.timer_ends_at = None
    _commit_and_emit([_log_timer(bs, user)])
    return timer_of(bs)


def resume_timer(bs: BrainstormSession, user: User) -> dict:
    """Let a paused countdown run on."""
    if bs.timer_remaining is None:
        raise InputError(_("Er staat geen gepauzeerde timer."))
    bs.timer_ends_at = utcnow() + timedelta(seconds=bs.timer_remaining)
    bs.timer_remaining = None
    _commit_and_emit([_log_timer(bs, user)])
    return timer_of(bs)


def extend_timer(bs: BrainstormSession, user: User, seconds: object) -> dict:
    """Add (or take off) time on the running or paused countdown."""
    delta = _seconds(seconds, -TIMER_MAX_SECONDS, TIMER_MAX_SECONDS)
    now = utcnow()
    if bs.timer_ends_at is not None:
        bs.timer_ends_at = max(now, bs.timer_ends_at + timedelta(seconds=delta))
    elif bs.timer_remaining is not None:
        bs.timer_remaining = max(0, bs.timer_remaining + delta)
    else:
        raise InputError(_("Er loopt geen timer."))
    _commit_and_emit([_log_timer(bs, user)])
    return timer_of(bs)


def stop_timer(bs: BrainstormSession, user: User) -> dict:
    """Take the countdown off every screen."""
    bs.timer_ends_at = None
    bs.timer_remaining = None
    _commit_and_emit([_log_timer(bs, user)])
    return timer_of(bs)


# --- moderation ---------------------------------------------------------------------------


def hide_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Take an idea off every screen; it stays in the database and the log."""
    idea = _idea(bs, idea_id)
    if idea.hidden:
        return idea
    actor = _user_actor(user)
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
    _commit_and_emit(_log_idea(bs, idea, "idea_added", _user_actor(user)))
    return idea


def approve_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Let an idea that waits for pre-moderation onto the board."""
    idea = _idea(bs, idea_id)
    if idea.approved:
        return idea
    idea.approved = True
    _commit_and_emit(_log_idea(bs, idea, "idea_added", _user_actor(user)))
    return idea


def pin_idea(bs: BrainstormSession, user: User, idea_id: object, pinned: object) -> Idea:
    """Pin an idea to the top of every board (or unpin it)."""
    if not isinstance(pinned, bool):
        raise InputError(_("Kies vastpinnen aan of uit."))
    idea = _idea(bs, idea_id)
    idea.pinned = pinned
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", _user_actor(user)))
    return idea


def correct_idea(bs: BrainstormSession, user: User, idea_id: object, text: object) -> Idea:
    """Fix a typo in someone's idea; the first original is kept."""
    idea = _idea(bs, idea_id)
    text = clean_idea_text(text)
    if text != idea.text:
        idea.original_text = idea.original_text or idea.text
        idea.text = text
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", _user_actor(user)))
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
    actor = _user_actor(user)
    events = _log_removed(bs, merged, "merged", actor, into=keep.id)
    merged.merged_into_id = keep.id
    db.session.flush()
    events += [_log_votes(bs, keep, actor), *_log_idea(bs, keep, "idea_updated", actor)]
    _commit_and_emit(events)
    return keep


# --- lifecycle ----------------------------------------------------------------------------


def duplicate_session(bs: BrainstormSession, user: User) -> BrainstormSession:
    """A fresh session with the same set-up (a template), for the same event."""
    copy = create_session(bs.event, _("%(title)s (kopie)", title=bs.title)[:200])
    for name in SETTINGS:
        setattr(copy, name, getattr(bs, name))
    db.session.commit()
    return copy


def reset_session(bs: BrainstormSession, user: User) -> BrainstormSession:
    """After a rehearsal: remove participants, input, votes, clusters and the log; keep set-up."""
    # Every table that hangs off a session, whichever package owns it, children first.
    for table in reversed(db.metadata.sorted_tables):
        if table.name != BrainstormSession.__tablename__ and "session_id" in table.c:
            db.session.execute(table.delete().where(table.c.session_id == bs.id))
    bs.phase = Phase.LOBBY
    bs.agenda_item = None
    bs.timer_ends_at = None
    bs.timer_remaining = None
    db.session.commit()
    # The log starts again at 1, so open pages cannot follow by seq: they reload.
    realtime.emit_ephemeral(bs.id, "session_reset", {})
    return bs


def close_session(bs: BrainstormSession, user: User) -> BrainstormSession:
    """Make the session read-only; participants get the results."""
    return set_phase(bs, user, Phase.CLOSED)


def archive_session(bs: BrainstormSession, user: User) -> BrainstormSession:
    """Close the session and put it out of sight in the event's list."""
    if bs.phase != Phase.CLOSED:
        close_session(bs, user)
    bs.archived_at = utcnow()
    db.session.commit()
    return bs
