"""Live sessions: join, what pages read, the facilitator's steering (phase, settings, timer)
and the session's lifecycle. The board itself (vraagstukken, dot voting, moderation) is in
board.py, breakout groups in brainstorm/breakouts.

Every change commits together with its entries in the session event log, then broadcasts
them (realtime.emit_logged): what a page missed is replayed from that log.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select

from brainstorm.accounts.models import User
from brainstorm.errors import InputError, NotFound, PhaseClosed
from brainstorm.events import mails
from brainstorm.events.models import AgendaItem, Event
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import FACILITATORS
from brainstorm.sessions import clocks, signals
from brainstorm.sessions.codes import generate_code, is_valid_code, normalise_code
from brainstorm.sessions.models import (
    DISPLAY_NAME_MAX,
    PARTNERSHIP_MAX,
    BrainstormSession,
    Idea,
    Participant,
    Phase,
    Sector,
    Vote,
)
from brainstorm.timeutil import utcnow

if TYPE_CHECKING:  # a group is read through its relationships; breakouts builds on sessions
    from brainstorm.breakouts.models import BreakoutGroup

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
    # Late joiners are placed in a group in the same transaction (breakouts listens).
    for _receiver, more in signals.participant_joined.send(bs, participant=participant):
        events += more or []
    _commit_and_emit(events)
    return participant


# --- coming in through an invitation ------------------------------------------------------


def live_session_of(event: Event) -> BrainstormSession:
    """The session people are invited into: the event's first that is not archived."""
    query = (
        select(BrainstormSession)
        .filter_by(event_id=event.id, archived_at=None)
        .order_by(BrainstormSession.id)
    )
    bs = db.session.scalars(query).first()
    if bs is None:
        raise NotFound(_("De live sessie van deze bijeenkomst is nog niet geopend."))
    return bs


def redeem_invitation(token: str, now: datetime | None = None) -> Participant:
    """The participant behind a personal login link, made on first use from the registration."""
    registration = mails.registration_of_link(token, now)
    bs = live_session_of(registration.event)
    participant = db.session.scalar(
        select(Participant).filter_by(session_id=bs.id, registration_id=registration.id)
    )
    if participant is None:
        participant = join_session(
            bs, registration.name, registration.sector, registration.partnership
        )
        participant.registration_id = registration.id
        db.session.commit()
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
        if idea.hidden or (kept_to_author(bs, idea) and not mine):
            continue
        if bs.groups_apart and (idea.group_id != group.id if group else idea.group_id is not None):
            continue  # while apart: a group sees only its own board, nobody another group's
        if idea.approved or mine:
            shown.append(idea.to_public(votes(idea)))
    return shown


def kept_to_author(bs: BrainstormSession, idea: Idea) -> bool:
    """Hidden input: until the reveal only its author (and the facilitators) see the idea."""
    return phase_of(bs, idea.group) == Phase.HIDDEN_INPUT


def others_kept_from(bs: BrainstormSession, participant: Participant) -> bool:
    """Whether hidden input keeps someone else's idea from this participant now."""
    return any(
        kept_to_author(bs, idea) and idea.participant_id != participant.id
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
    votes = my_votes(participant)
    return {
        "ideas": own,
        "votes": {str(idea_id): n for idea_id, n in votes.items()},
        "ideas_left": max(0, bs.idea_limit - len(own)),
        "votes_left": max(0, bs.vote_budget - sum(votes.values())),
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


def timer_of(clock: BrainstormSession | BreakoutGroup) -> dict:
    """A countdown as pages show it: running to ends_at, or paused with seconds remaining."""
    if clock.phase == Phase.CLOSED:  # a closed session shows no countdown
        return {"running": False, "ends_at": None, "remaining": None}
    running = clock.timer_ends_at is not None
    return {
        "running": running,
        "ends_at": clock.timer_ends_at.isoformat() if running else None,
        "remaining": clock.timer_remaining,
    }


def my_votes(participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(Vote.idea_id, func.count())
        .filter_by(participant_id=participant.id)
        .group_by(Vote.idea_id)
    )
    return dict(rows.all())


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


_commit_and_emit = realtime.commit_and_emit


def user_actor(user: User) -> str:
    return f"user:{user.id}"


def participant_actor(participant: Participant) -> str:
    return f"participant:{participant.id}"


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
    actor = user_actor(user)
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


def bounded_int(value: object, low: int, high: int, message: str) -> int:
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
        values["idea_limit"] = bounded_int(changes["idea_limit"], low, high, message)
    if "vote_budget" in changes:
        low, high = VOTE_BUDGET_RANGE
        message = _("Het aantal stemmen ligt tussen %(low)d en %(high)d.", low=low, high=high)
        values["vote_budget"] = bounded_int(changes["vote_budget"], low, high, message)
    for flag in ("vote_stacking", "premoderation", "hide_votes"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                raise InputError(_("Kies aan of uit."))
            values[flag] = changes[flag]
    was_hidden = votes_hidden(bs)
    for name, value in values.items():
        setattr(bs, name, value)
    event = realtime.log_event(
        bs.id, "settings_changed", {"settings": settings_of(bs)}, actor=user_actor(user)
    )
    _commit_and_emit([event])
    if votes_hidden(bs) != was_hidden:
        signals.votes_visibility_changed.send(bs)
    return settings_of(bs)


def _seconds(value: object, low: int, high: int) -> int:
    return bounded_int(
        value,
        low,
        high,
        _("Geef een tijd tussen %(low)d en %(high)d seconden.", low=low, high=high),
    )


TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")


def wind(clock: BrainstormSession | BreakoutGroup, action: str, seconds: object) -> None:
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
    wind(bs, action, seconds)
    payload = {"timer": timer_of(bs)}
    _commit_and_emit([realtime.log_event(bs.id, "timer_changed", payload, actor=user_actor(user))])
    return timer_of(bs)


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
