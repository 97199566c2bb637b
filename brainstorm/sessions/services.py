"""Live sessions: join, vraagstukken, dot voting, and the facilitator's steering of it all.

Every change commits together with its entries in the session event log, then broadcasts
them (realtime.emit_logged): what a page missed is replayed from that log.
"""

import math
import unicodedata
from collections.abc import Callable, Iterable
from datetime import timedelta
from uuid import UUID

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import EventTeamMember, TeamRole, User
from brainstorm.background import run_later_once
from brainstorm.errors import InputError, LimitReached, NotAllowed, NotFound, PhaseClosed
from brainstorm.events.models import AgendaItem, Event
from brainstorm.extensions import db
from brainstorm.realtime import presence
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions import clocks, grouping, signals
from brainstorm.sessions.codes import generate_code, is_valid_code, normalise_code
from brainstorm.sessions.models import (
    DISPLAY_NAME_MAX,
    INPUT_PHASES,
    PARTNERSHIP_MAX,
    BrainstormSession,
    BreakoutGroup,
    Idea,
    Participant,
    Phase,
    Sector,
    SplitRule,
    Vote,
)
from brainstorm.timeutil import utcnow

IDEA_LIMIT_RANGE = (1, 100)
VOTE_BUDGET_RANGE = (1, 50)
TIMER_MAX_SECONDS = 2 * 60 * 60
SETTINGS = ("idea_limit", "vote_budget", "vote_stacking", "premoderation", "hide_votes")
# What the room is shown now: part of the settings pages receive, changed by its own command.
SHOWN = ("themes_shown", "results_shown")


def create_session(event: Event, title: str) -> BrainstormSession:
    """Open a live session for an event, with a fresh unique join code."""
    title = title.strip()
    if not title:
        raise InputError(_("Geef de sessie een titel."))
    bs = BrainstormSession(event=event, title=title[:200], join_code=free_join_code())
    db.session.add(bs)
    db.session.commit()
    return bs


def free_join_code() -> str:
    """A join code no session has yet."""
    for _attempt in range(20):
        code = generate_code()
        if db.session.scalar(select(BrainstormSession.id).filter_by(join_code=code)) is None:
            return code
    # 20 collisions in 887 million codes means something else is wrong.
    raise RuntimeError("no free join code")  # pragma: no cover


def find_session(raw_code: str) -> BrainstormSession:
    """The session for a join code as someone typed it."""
    code = normalise_code(raw_code)
    if not is_valid_code(code):
        raise InputError(_("Een sessiecode bestaat uit 6 tekens, bijvoorbeeld K7QM2P."))
    bs = db.session.scalar(select(BrainstormSession).filter_by(join_code=code))
    if bs is None:
        raise NotFound(_("Er is geen sessie met code %(code)s. Controleer de code.", code=code))
    return bs


def join_session(
    bs: BrainstormSession,
    display_name: str = "",
    sector: str = "",
    partnership: str = "",
    *,
    may_be_named: bool = False,
) -> Participant:
    """Let someone in without an account; name, sector and partnership are optional, and the
    name appears in a report only when they agree."""
    name = " ".join(display_name.split())
    if len(name) > DISPLAY_NAME_MAX:
        raise InputError(_("Een naam mag hoogstens %(max)d tekens zijn.", max=DISPLAY_NAME_MAX))
    if sector and sector not in set(Sector):
        raise InputError(_("Kies po, vo, mbo of anders."))
    partnership = " ".join(partnership.split())
    if len(partnership) > PARTNERSHIP_MAX:
        raise InputError(
            _("Een partnerschap of regio mag hoogstens %(max)d tekens zijn.", max=PARTNERSHIP_MAX)
        )
    if bs.phase == Phase.CLOSED:
        raise PhaseClosed(_("Deze sessie is afgesloten."))
    participant = Participant(
        session=bs,
        display_name=name,
        sector=sector,
        partnership=partnership,
        may_be_named=bool(may_be_named and name),
    )
    db.session.add(participant)
    db.session.flush()
    events = [
        realtime.log_event(
            bs.id,
            "participant_joined",
            {"participant": person_of(participant)},
            audience=FACILITATORS,
            actor="system",
        )
    ]
    # Late joiners are placed by the same rule as everyone else (or choose themselves).
    events += late_joiner_events(bs, participant)
    _commit_and_emit(events)
    return participant


# --- reading ----------------------------------------------------------------------------


def vote_counts(bs: BrainstormSession) -> dict[int, int]:
    """Votes per idea id in a session."""
    rows = db.session.execute(
        select(Vote.idea_id, func.count()).filter_by(session_id=bs.id).group_by(Vote.idea_id)
    )
    return dict(rows.all())


def votes_hidden(bs: BrainstormSession) -> bool:
    """Whether the room sees no vote counts now: blind voting until "Uitslag tonen"."""
    return bs.hide_votes and not bs.results_shown


def room_votes(bs: BrainstormSession) -> Callable[[Idea], int | None]:
    """An idea's vote count as the room may see it: None while the counts are hidden."""
    if votes_hidden(bs):
        return lambda idea: None
    counts = vote_counts(bs)
    return lambda idea: counts.get(idea.id, 0)


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
    votes = room_votes(bs)
    own = participant.id if participant else None
    group = current_group(bs, participant)
    shown = []
    for idea in _live_ideas(bs):
        mine = own is not None and idea.participant_id == own
        if idea.hidden or (_kept_to_author(bs, idea) and not mine):
            continue
        if bs.groups_apart and (idea.group_id != group.id if group else idea.group_id is not None):
            continue  # while apart: a group sees only its own board, nobody another group's
        if idea.approved or mine:
            shown.append(idea.to_public(votes(idea)))
    return shown


def _kept_to_author(bs: BrainstormSession, idea: Idea) -> bool:
    """Hidden input: until the reveal only its author (and the facilitators) see the idea."""
    return phase_of(bs, idea.group) == Phase.HIDDEN_INPUT


def others_kept_from(bs: BrainstormSession, participant: Participant) -> bool:
    """Whether hidden input keeps someone else's idea from this participant now."""
    return any(
        _kept_to_author(bs, idea) and idea.participant_id != participant.id
        for idea in _live_ideas(bs)
    )


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
        "group": _group_public(group) if (group := current_group(bs, participant)) else None,
    }


def settings_of(bs: BrainstormSession) -> dict:
    """The session's rules as pages show them."""
    return {name: getattr(bs, name) for name in (*SETTINGS, *SHOWN)}


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


def timer_of(clock: "BrainstormSession | BreakoutGroup") -> dict:
    """A countdown as pages show it: running to ends_at, or paused with seconds remaining."""
    if clock.phase == Phase.CLOSED:  # a closed session shows no countdown
        return {"running": False, "ends_at": None, "remaining": None}
    running = clock.timer_ends_at is not None
    return {
        "running": running,
        "ends_at": clock.timer_ends_at.isoformat() if running else None,
        "remaining": clock.timer_remaining,
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
    if not idea.approved or _kept_to_author(bs, idea):
        return realtime.participant_audience(idea.participant_id or 0)
    if bs.groups_apart and idea.group is not None and idea.group.active:
        return group_audience(idea.group)
    return EVERYONE


def group_audience(group: BreakoutGroup) -> str:
    """The audience of one breakout group."""
    return f"group:{group.id}"


def current_group(bs: BrainstormSession, participant: Participant | None) -> BreakoutGroup | None:
    """The participant's breakout group while the groups are apart."""
    if not bs.groups_apart or participant is None or participant.group is None:
        return None
    return participant.group if participant.group.active else None


def phase_of(bs: BrainstormSession, group: BreakoutGroup | None) -> str:
    """The phase that rules here: the group's while apart, else the session's."""
    if bs.groups_apart and group is not None and group.active:
        return group.phase
    return bs.phase


def _log_idea(bs: BrainstormSession, idea: Idea, name: str, actor: str) -> list[SessionEvent]:
    """Log an idea change for those who may see it, and its full state for the facilitators."""
    votes = _votes_on(idea)
    events = []
    if not idea.hidden:
        payload = {"idea": idea.to_public(None if votes_hidden(bs) else votes)}
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


_commit_and_emit = realtime.commit_and_emit


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


def _require_input_open(bs: BrainstormSession, participant: Participant) -> None:
    if phase_of(bs, current_group(bs, participant)) not in INPUT_PHASES:
        raise PhaseClosed(
            _("De invoer is gesloten: je kunt nu geen vraagstukken insturen of wijzigen.")
        )


def submit_idea(bs: BrainstormSession, author: Participant, text: str, client_id: str) -> Idea:
    """Store a vraagstuk once, however often the client resends it, and tell the room."""
    text = clean_idea_text(text)
    client_id = parse_client_id(client_id)
    existing = _idea_by_client_id(bs, client_id)
    if existing:
        return _resent(existing, author, text)
    _require_input_open(bs, author)
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
        group=current_group(bs, author),
    )
    db.session.add(idea)
    try:
        db.session.flush()
    except IntegrityError:  # the same client_id racing in on another connection
        db.session.rollback()
        return _resent(_idea_by_client_id(bs, client_id), author, text)
    _commit_and_emit(_log_idea(bs, idea, "idea_added", _participant_actor(author)))
    signals.board_changed.send(bs)
    _count_arrivals(bs, idea.group)
    return idea


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
    actor = _user_actor(user)
    events, added = [], 0
    for client_id, text in items:
        text = " ".join(str(text).split())[: current_app.config["IDEA_MAX_LENGTH"]]
        if client_id in known or not text:
            continue
        known.add(client_id)
        idea = Idea(session_id=bs.id, client_id=client_id, text=text, source=source)
        db.session.add(idea)
        db.session.flush()
        events += _log_idea(bs, idea, "idea_added", actor)
        added += 1
    _commit_and_emit(events)
    signals.board_changed.send(bs)
    return added


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
    _commit_and_emit(_log_idea(bs, idea, "idea_updated", _participant_actor(participant)))
    return idea


def withdraw_idea(bs: BrainstormSession, participant: Participant, idea_id: object) -> Idea:
    """The author takes their own vraagstuk back while input is open; its votes go with it."""
    idea = _own_idea(bs, participant, idea_id)
    _require_input_open(bs, participant)
    events = _log_removed(bs, idea, "withdrawn", _participant_actor(participant))
    idea.withdrawn_at = utcnow()
    db.session.execute(delete(Vote).filter_by(idea_id=idea.id))
    _commit_and_emit(events)
    _count_arrivals(bs, idea.group)
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


def _log_votes(bs: BrainstormSession, idea: Idea, actor: str) -> list[SessionEvent]:
    payload = {"idea_id": idea.id, "votes": _votes_on(idea)}
    # Blind voting: only the facilitators follow the counts until the result is shown.
    audience = FACILITATORS if votes_hidden(bs) else _audience(bs, idea)
    events = [realtime.log_event(bs.id, "votes_changed", payload, audience=audience, actor=actor)]
    if audience != EVERYONE:
        events.append(
            realtime.log_event(bs.id, "votes_changed", payload, audience=FACILITATORS, actor=actor)
        )
    return events


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
    votes = _my_votes(participant)
    if sum(votes.values()) >= bs.vote_budget:
        raise LimitReached(_("Je stemmen zijn op. Haal er een weg om opnieuw te kiezen."))
    if votes.get(idea.id) and not bs.vote_stacking:
        raise InputError(_("Je hebt al op dit vraagstuk gestemd; één stem per vraagstuk."))
    db.session.add(Vote(session_id=bs.id, idea_id=idea.id, participant_id=participant.id))
    db.session.flush()
    _commit_and_emit(_log_votes(bs, idea, _participant_actor(participant)))
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
    _commit_and_emit(_log_votes(bs, idea, _participant_actor(participant)))
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
    # A new round of voting starts blind again (when counts are hidden while voting).
    blind_again = new == Phase.VOTING and bs.phase != Phase.VOTING and bs.results_shown
    bs.phase = new
    bs.agenda_item = item
    if revealing:
        votes = room_votes(bs)
        ideas = [idea.to_public(votes(idea)) for idea in visible_ideas(bs)]
        events.append(realtime.log_event(bs.id, "ideas_revealed", {"ideas": ideas}, actor=actor))
    if blind_again:
        bs.results_shown = False
        settings = {"settings": settings_of(bs)}
        events.append(realtime.log_event(bs.id, "settings_changed", settings, actor=actor))
    payload = {"phase": new.value, "agenda_item": agenda_item_of(bs)}
    events.append(realtime.log_event(bs.id, "phase_changed", payload, actor=actor))
    if clocks.outlived(bs, new):
        clocks.clear(bs)
        events.append(
            realtime.log_event(bs.id, "timer_changed", {"timer": timer_of(bs)}, actor=actor)
        )
    _commit_and_emit(events)
    signals.board_changed.send(bs)
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
    for flag in ("vote_stacking", "premoderation", "hide_votes"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                raise InputError(_("Kies aan of uit."))
            values[flag] = changes[flag]
    was_hidden = votes_hidden(bs)
    for name, value in values.items():
        setattr(bs, name, value)
    event = realtime.log_event(
        bs.id, "settings_changed", {"settings": settings_of(bs)}, actor=_user_actor(user)
    )
    _commit_and_emit([event])
    if votes_hidden(bs) != was_hidden:
        signals.votes_visibility_changed.send(bs)
    return settings_of(bs)


def _seconds(value: object, low: int, high: int) -> int:
    return _bounded_int(
        value,
        low,
        high,
        _("Geef een tijd tussen %(low)d en %(high)d seconden.", low=low, high=high),
    )


Clock = BrainstormSession | BreakoutGroup
TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")


def _wind(clock: Clock, action: str, seconds: object) -> None:
    """Change a countdown: running until timer_ends_at, or paused with timer_remaining."""
    if clock.phase == Phase.CLOSED and action != "stop":
        raise PhaseClosed()
    now = utcnow()
    if action == "start":
        clock.timer_ends_at = now + timedelta(seconds=_seconds(seconds, 1, TIMER_MAX_SECONDS))
        clock.timer_remaining = None
    elif action == "pause":
        if clock.timer_ends_at is None:
            raise InputError(_("Er loopt geen timer."))
        left = (clock.timer_ends_at - now).total_seconds()
        clock.timer_remaining, clock.timer_ends_at = max(0, math.ceil(left)), None
    elif action == "resume":
        if clock.timer_remaining is None:
            raise InputError(_("Er staat geen gepauzeerde timer."))
        clock.timer_ends_at = now + timedelta(seconds=clock.timer_remaining)
        clock.timer_remaining = None
    elif action == "extend":
        delta = _seconds(seconds, -TIMER_MAX_SECONDS, TIMER_MAX_SECONDS)
        if clock.timer_ends_at is not None:
            clock.timer_ends_at = max(now, clock.timer_ends_at + timedelta(seconds=delta))
        elif clock.timer_remaining is not None:
            clock.timer_remaining = max(0, clock.timer_remaining + delta)
        else:
            raise InputError(_("Er loopt geen timer."))
    elif action == "stop":
        clock.timer_ends_at = clock.timer_remaining = None
    else:
        raise InputError(_("Onbekende timeropdracht."))


def change_timer(bs: BrainstormSession, user: User, action: str, seconds: object = None) -> dict:
    """Start, pause, resume, extend or stop the countdown everyone sees."""
    _wind(bs, action, seconds)
    payload = {"timer": timer_of(bs)}
    _commit_and_emit([realtime.log_event(bs.id, "timer_changed", payload, actor=_user_actor(user))])
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
    signals.board_changed.send(bs)
    return idea


def approve_idea(bs: BrainstormSession, user: User, idea_id: object) -> Idea:
    """Let an idea that waits for pre-moderation onto the board."""
    idea = _idea(bs, idea_id)
    if idea.approved:
        return idea
    idea.approved = True
    _commit_and_emit(_log_idea(bs, idea, "idea_added", _user_actor(user)))
    signals.board_changed.send(bs)
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
    events += [*_log_votes(bs, keep, actor), *_log_idea(bs, keep, "idea_updated", actor)]
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


# --- breakout groups (deelsessies) --------------------------------------------------------

GROUP_COUNT_RANGE = (2, 50)
GROUP_CAPACITY_RANGE = (1, 1000)
SECTOR_GROUP_NAMES = {"po": "po", "vo": "vo", "mbo": "mbo", "anders": "Anders"}
MESSAGE_MAX = 200
GROUP_NAME_MAX = 80


def active_groups(bs: BrainstormSession) -> list[BreakoutGroup]:
    """The session's breakout groups while they are apart, in order."""
    query = select(BreakoutGroup).filter_by(session_id=bs.id, active=True)
    return list(db.session.scalars(query.order_by(BreakoutGroup.position, BreakoutGroup.id)))


def _members(bs: BrainstormSession) -> dict[int, int]:
    rows = db.session.execute(
        select(Participant.group_id, func.count())
        .where(Participant.session_id == bs.id, Participant.group_id.is_not(None))
        .group_by(Participant.group_id)
    )
    return dict(rows.all())


def _slots(bs: BrainstormSession) -> list[grouping.Slot]:
    members = _members(bs)
    return [
        grouping.Slot(
            g.id,
            g.sector,
            g.capacity,
            members.get(g.id, 0),
            frozenset(map(grouping.partnership_key, g.partnerships)),
        )
        for g in active_groups(bs)
    ]


def _person(participant: Participant) -> grouping.Person:
    return grouping.Person(participant.id, participant.sector, participant.partnership)


def _group_public(group: BreakoutGroup) -> dict:
    members = db.session.scalar(
        select(func.count()).select_from(Participant).filter_by(group_id=group.id)
    )
    return {**group.to_public(members), "timer": timer_of(group)}


def groups_overview(bs: BrainstormSession) -> list[dict]:
    """Every active group with its members, ideas and last activity, for the facilitator."""
    activity = dict(
        db.session.execute(
            select(Idea.group_id, func.max(Idea.created_at))
            .where(Idea.session_id == bs.id)
            .group_by(Idea.group_id)
        ).all()
    )
    ideas = dict(
        db.session.execute(
            select(Idea.group_id, func.count())
            .where(
                Idea.session_id == bs.id,
                Idea.withdrawn_at.is_(None),
                Idea.merged_into_id.is_(None),
            )
            .group_by(Idea.group_id)
        ).all()
    )
    overview = []
    for group in active_groups(bs):
        last = activity.get(group.id)
        overview.append(
            {
                **_group_public(group),
                "ideas": ideas.get(group.id, 0),
                "last_activity": last.isoformat() if last else None,
            }
        )
    return overview


def _log_groups(bs: BrainstormSession, actor: str) -> SessionEvent:
    payload = {"apart": bs.groups_apart, "rule": bs.split_rule, "groups": groups_overview(bs)}
    return realtime.log_event(bs.id, "groups_changed", payload, actor=actor)


def _assign(
    bs: BrainstormSession, participant: Participant, group: BreakoutGroup | None, actor: str
) -> list[SessionEvent]:
    """Put someone in a group; their page reconnects to follow its room."""
    participant.group = group
    db.session.flush()
    payload = {"group": _group_public(group) if group else None}
    audience = realtime.participant_audience(participant.id)
    moved = {"participant": person_of(participant)}
    return [
        realtime.log_event(bs.id, "group_assigned", payload, audience=audience, actor=actor),
        realtime.log_event(bs.id, "participant_moved", moved, audience=FACILITATORS, actor=actor),
    ]


def person_of(participant: Participant) -> dict:
    """A participant as the facilitators see them (never shown to other participants)."""
    return {
        "id": participant.id,
        "name": participant.display_name,
        "sector": participant.sector,
        "partnership": participant.partnership,
        "group_id": participant.group_id,
    }


def people_of(bs: BrainstormSession) -> list[dict]:
    """Everyone who joined, for the facilitator's group management."""
    query = select(Participant).filter_by(session_id=bs.id).order_by(Participant.id)
    return [person_of(participant) for participant in db.session.scalars(query)]


def spotlight_group(bs: BrainstormSession, user: User, group_id: object) -> dict | None:
    """Show one group's outcome on the presenter screen (None: every group)."""
    group = None
    if group_id is not None:
        group = db.session.get(BreakoutGroup, group_id) if isinstance(group_id, int) else None
        if group is None or group.session_id != bs.id:
            raise NotFound(_("Deze groep bestaat niet (meer)."))
    payload = {"group": {"id": group.id, "name": group.name} if group else None}
    event = realtime.log_event(bs.id, "spotlight", payload, actor=_user_actor(user))
    _commit_and_emit([event])
    return payload["group"]


def split_into_groups(
    bs: BrainstormSession,
    user: User,
    rule: object,
    count: object = None,
    capacity: object = None,
    names: object = None,
) -> list[BreakoutGroup]:
    """Divide the session into breakout groups by a rule; everyone connected now is placed."""
    if bs.groups_apart:
        raise InputError(
            _("De groepen zijn al uiteen. Haal ze eerst terug naar de plenaire sessie.")
        )
    try:
        rule = SplitRule(rule)
    except ValueError:
        raise InputError(
            _("Kies willekeurig, per sector, per partnerschap of regio, of zelf kiezen.")
        ) from None
    # Only who is connected now: people who joined earlier and left would fill groups with
    # absentees. Whoever comes back while the groups are apart is placed then (place_arrival).
    connected = presence.store().participants(bs.id)
    people = list(
        db.session.scalars(
            select(Participant)
            .where(Participant.session_id == bs.id, Participant.id.in_(connected))
            .order_by(Participant.id)
        )
    )
    low, high = GROUP_COUNT_RANGE
    count_message = _("Kies tussen %(low)d en %(high)d groepen.", low=low, high=high)
    partnerships: list[list[str]] = []
    if rule == SplitRule.SECTOR:
        labels = list(SECTOR_GROUP_NAMES.items())
    elif rule == SplitRule.PARTNERSHIP:
        number = None if count in (None, "") else _bounded_int(count, low, high, count_message)
        known = [p.partnership for p in people]
        partnerships = grouping.partnership_groups(known, number or high)
        if len(partnerships) < 2:
            raise InputError(
                _(
                    "Er zijn nog geen twee partnerschappen of regio's bekend onder wie nu "
                    "verbonden is. Kies een andere indeling."
                )
            )
        labels = [("", _partnership_group_name(names)) for names in partnerships]
    else:
        number = _bounded_int(count, low, high, count_message)
        labels = [("", name) for name in _group_names(names, number)]
    limit = None
    if rule == SplitRule.CHOICE and capacity not in (None, ""):
        low, high = GROUP_CAPACITY_RANGE
        message = _("Het maximum per groep ligt tussen %(low)d en %(high)d.", low=low, high=high)
        limit = _bounded_int(capacity, low, high, message)
    groups = [
        BreakoutGroup(
            session_id=bs.id,
            name=name,
            sector=sector,
            position=i,
            capacity=limit,
            partnerships=partnerships[i] if partnerships else [],
        )
        for i, (sector, name) in enumerate(labels)
    ]
    db.session.add_all(groups)
    bs.split_rule, bs.groups_apart = rule.value, True
    db.session.flush()
    actor = _user_actor(user)
    plan = grouping.split(rule, [_person(p) for p in people], _slots(bs), seed=bs.id)
    by_id = {group.id: group for group in groups}
    events = []
    for participant in people:
        events += _assign(bs, participant, by_id.get(plan.get(participant.id)), actor)
    _commit_and_emit([_log_groups(bs, actor), *events])
    return groups


def late_joiner_events(bs: BrainstormSession, participant: Participant) -> list[SessionEvent]:
    """Put someone who arrives while the groups are apart in a group by the split rule."""
    if not bs.groups_apart or bs.phase == Phase.CLOSED:
        return []
    if current_group(bs, participant) is not None:
        return []
    # Two tabs of one person connecting at once must not place them twice: look again, locked.
    db.session.refresh(participant, with_for_update=True)
    if current_group(bs, participant) is not None:
        return []
    group_id = grouping.place(bs.split_rule or "", _person(participant), _slots(bs))
    if group_id is None:  # they choose themselves
        return []
    group = db.session.get(BreakoutGroup, group_id)
    # groups_changed too: member counts on console, presenter and phones stay right.
    return [*_assign(bs, participant, group, "system"), _log_groups(bs, "system")]


def place_arrival(bs: BrainstormSession, participant: Participant) -> BreakoutGroup | None:
    """Place someone who (re)connects without a group while apart; the group, or None."""
    events = late_joiner_events(bs, participant)
    if not events:
        return None
    _commit_and_emit(events)
    return participant.group


def _partnership_group_name(partnerships: list[str]) -> str:
    """ "Utrecht" or "Utrecht, Amersfoort", shortened to "Utrecht + 3" when it gets long."""
    name = ", ".join(partnerships)
    if len(name) <= GROUP_NAME_MAX:
        return name
    first, more = partnerships[0][: GROUP_NAME_MAX - 8], len(partnerships) - 1
    return f"{first} + {more}" if more else first


def _group_names(names: object, number: int) -> list[str]:
    given = [str(n).strip()[:GROUP_NAME_MAX] for n in names] if isinstance(names, list) else []
    return [
        given[i] if i < len(given) and given[i] else _("Groep %(n)d", n=i + 1)
        for i in range(number)
    ]


def _group(bs: BrainstormSession, group_id: object) -> BreakoutGroup:
    group = db.session.get(BreakoutGroup, group_id) if isinstance(group_id, int) else None
    if group is None or group.session_id != bs.id or not group.active:
        raise NotFound(_("Deze groep bestaat niet (meer)."))
    return group


def choose_group(
    bs: BrainstormSession, participant: Participant, group_id: object
) -> BreakoutGroup:
    """A participant picks a group themselves (choice rule), while it has room."""
    if not bs.groups_apart or bs.split_rule != SplitRule.CHOICE:
        raise PhaseClosed(_("Je kunt nu geen groep kiezen."))
    group = _group(bs, group_id)
    db.session.execute(select(BreakoutGroup.id).filter_by(id=group.id).with_for_update())
    taken = _members(bs).get(group.id, 0) - (participant.group_id == group.id)
    if group.capacity is not None and taken >= group.capacity:
        raise LimitReached(_("%(name)s is vol; kies een andere groep.", name=group.name))
    actor = _participant_actor(participant)
    events = _assign(bs, participant, group, actor)
    _commit_and_emit([*events, _log_groups(bs, actor)])
    return group


def move_participant(
    bs: BrainstormSession, user: User, participant_id: object, group_id: object
) -> Participant:
    """The facilitator moves someone to another group."""
    participant = (
        db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    )
    if participant is None or participant.session_id != bs.id:
        raise NotFound(_("Deze deelnemer is niet in deze sessie."))
    group = _group(bs, group_id)
    actor = _user_actor(user)
    _commit_and_emit([*_assign(bs, participant, group, actor), _log_groups(bs, actor)])
    return participant


def set_group_host(
    bs: BrainstormSession,
    user: User,
    group_id: object,
    participant_id: object = None,
    user_id: object = None,
) -> BreakoutGroup:
    """Name a group's host: one of its members or a co-facilitator (or nobody)."""
    group = _group(bs, group_id)
    group.host_id = group.host_user = None
    if participant_id is not None:
        host = db.session.get(Participant, participant_id) if type(participant_id) is int else None
        if host is None or host.group_id != group.id:
            raise InputError(_("De gastheer of -vrouw moet in deze groep zitten."))
        group.host_id = host.id
    elif user_id is not None:
        host_user = db.session.get(User, user_id) if type(user_id) is int else None
        if host_user is None or not accounts.can_facilitate(host_user, bs.event_id):
            raise InputError(_("Alleen een facilitator van dit evenement kan een groep leiden."))
        group.host_user = host_user
    _commit_and_emit([_log_groups(bs, _user_actor(user))])
    return group


def co_facilitators(bs: BrainstormSession) -> list[dict]:
    """The event's facilitators who may host a group, by name."""
    query = (
        select(User)
        .join(EventTeamMember, EventTeamMember.user_id == User.id)
        .where(
            EventTeamMember.event_id == bs.event_id,
            EventTeamMember.role == TeamRole.FACILITATOR,
        )
        .order_by(User.name, User.email)
    )
    return [{"id": u.id, "name": u.display_name} for u in db.session.scalars(query)]


def _may_run(group: BreakoutGroup, actor: Participant | User) -> str:
    """The actor string of a facilitator or of this group's host; anyone else is refused."""
    if isinstance(actor, User):
        return _user_actor(actor)
    if group.host_id == actor.id and actor.group_id == group.id:
        return _participant_actor(actor)
    raise NotAllowed(_("Alleen de gastheer of -vrouw van deze groep mag dit doen."))


def set_group_phase(
    bs: BrainstormSession, actor: Participant | User, group_id: object, phase: object
) -> BreakoutGroup:
    """Move one group to another phase (its host or a facilitator)."""
    group = _group(bs, group_id)
    who = _may_run(group, actor)
    try:
        new = Phase(phase)
    except ValueError:
        raise InputError(_("Onbekende fase.")) from None
    events = []
    if group.phase == Phase.HIDDEN_INPUT and new != Phase.HIDDEN_INPUT:
        group.phase = new
        votes = room_votes(bs)
        ideas = [
            idea.to_public(votes(idea)) for idea in visible_ideas(bs) if idea.group_id == group.id
        ]
        payload = {"ideas": ideas, "group_id": group.id}
        events += _log_to_group(bs, group, "ideas_revealed", payload, who)
    if clocks.outlived(group, new):
        clocks.clear(group)
        payload = {"timer": timer_of(group), "group_id": group.id}
        events += _log_to_group(bs, group, "group_timer_changed", payload, who)
    group.phase = new
    payload = {"phase": new.value, "group_id": group.id}
    events += [*_log_to_group(bs, group, "group_phase_changed", payload, who), _log_groups(bs, who)]
    _commit_and_emit(events)
    signals.board_changed.send(bs)
    return group


def change_group_timer(
    bs: BrainstormSession,
    actor: Participant | User,
    group_id: object,
    action: object,
    seconds: object = None,
) -> dict:
    """Run one group's countdown (its host or a facilitator)."""
    group = _group(bs, group_id)
    who = _may_run(group, actor)
    if action not in TIMER_ACTIONS:
        raise InputError(_("Onbekende timeropdracht."))
    _wind(group, action, seconds)
    payload = {"timer": timer_of(group), "group_id": group.id}
    _commit_and_emit(_log_to_group(bs, group, "group_timer_changed", payload, who))
    return timer_of(group)


def _log_to_group(
    bs: BrainstormSession, group: BreakoutGroup, name: str, payload: dict, actor: str
) -> list[SessionEvent]:
    """Log for the group's members, and a copy for the facilitators who follow every group."""
    return [
        realtime.log_event(bs.id, name, payload, audience=audience, actor=actor)
        for audience in (group_audience(group), FACILITATORS)
    ]


def message_all(bs: BrainstormSession, user: User, text: object) -> str:
    """A short message on every screen, in every group ("nog 5 minuten")."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(_("Typ een bericht."))
    text = " ".join(text.split())
    if len(text) > MESSAGE_MAX:
        raise InputError(_("Een bericht mag hoogstens %(max)d tekens zijn.", max=MESSAGE_MAX))
    event = realtime.log_event(bs.id, "announcement", {"text": text}, actor=_user_actor(user))
    _commit_and_emit([event])
    return text


def return_to_plenary(bs: BrainstormSession, user: User) -> BrainstormSession:
    """ "Delen opbrengsten": every group's ideas onto the plenary board, labelled, votes kept."""
    if not bs.groups_apart:
        raise InputError(_("De groepen zijn niet uiteen."))
    for group in active_groups(bs):
        group.active = False
    bs.groups_apart = False
    db.session.flush()
    votes = room_votes(bs)
    ideas = [idea.to_public(votes(idea)) for idea in visible_ideas(bs)]
    actor = _user_actor(user)
    returned = realtime.log_event(bs.id, "groups_returned", {"ideas": ideas}, actor=actor)
    _commit_and_emit([returned, _log_groups(bs, actor)])
    signals.groups_returned.send(bs)
    return bs
