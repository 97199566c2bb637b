"""Personal data (AVG) across every domain: what the app holds about one participant (the
right of access), removing an event's personal data on request, and the purge after events.

It sits above the domains because a person's data is spread over them: registrations
(events), participants, ideas and votes (sessions), theme votes (workspace), poll answers
(polls) and the session event log (realtime).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from brainstorm.events import signals as event_signals
from brainstorm.events.mails import forget
from brainstorm.events.models import Event, Registration
from brainstorm.extensions import db
from brainstorm.polls.models import Answer, Question
from brainstorm.realtime.models import SessionEvent
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Vote
from brainstorm.timeutil import utcnow
from brainstorm.workspace.models import Cluster, ClusterVote


def _when(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def participant_data(bs: BrainstormSession, participant: Participant) -> dict[str, Any]:
    """Everything stored about this participant in this session: who they said they are,
    their vraagstukken (with what the facilitator did to them), their dots and poll answers."""
    ideas = db.session.scalars(
        select(Idea).filter_by(session_id=bs.id, participant_id=participant.id).order_by(Idea.id)
    )
    voted = db.session.execute(
        select(Idea.text, Vote.created_at)
        .join(Vote, Vote.idea_id == Idea.id)
        .where(Vote.participant_id == participant.id)
        .order_by(Vote.id)
    )
    cluster_votes = db.session.execute(
        select(Cluster.title, ClusterVote.created_at)
        .join(ClusterVote, ClusterVote.cluster_id == Cluster.id)
        .where(ClusterVote.participant_id == participant.id)
        .order_by(ClusterVote.id)
    )
    respondents = [f"participant:{participant.id}"]
    if participant.registration_id is not None:  # their answers before the session
        respondents.append(f"registration:{participant.registration_id}")
    answers = db.session.execute(
        select(Question.text, Answer.value, Answer.updated_at)
        .join(Answer, Answer.question_id == Question.id)
        .where(Answer.respondent.in_(respondents))
        .order_by(Answer.id)
    )
    return {
        "session": {"title": bs.title, "event": bs.event.title, "code": bs.join_code},
        "participant": {
            "display_name": participant.display_name,
            "sector": participant.sector,
            "partnership": participant.partnership,
            "may_be_named_in_reports": participant.may_be_named,
            "from_registration": participant.registration_id is not None,
            "joined_at": _when(participant.created_at),
        },
        "ideas": [
            {
                "text": idea.text,
                "original_text": idea.original_text,
                "sent_at": _when(idea.created_at),
                "withdrawn_at": _when(idea.withdrawn_at),
                "hidden_by_facilitator": idea.hidden,
                "merged_into_another": idea.merged_into_id is not None,
            }
            for idea in ideas
        ],
        "votes": [{"idea": text, "at": _when(at)} for text, at in voted],
        "theme_votes": [{"theme": title, "at": _when(at)} for title, at in cluster_votes],
        "poll_answers": [
            {"question": text, "answer": value, "at": _when(at)} for text, value, at in answers
        ],
    }


# --- removing personal data ---------------------------------------------------------------


@event_signals.registration_forgotten.connect
def _forget_participants(registration: Registration, **_extra) -> None:
    # A forgotten registrant's participant (from the invitation link) loses its name too.
    for participant in db.session.scalars(
        select(Participant).filter_by(registration_id=registration.id)
    ):
        participant.display_name = ""


def forget_event(event: Event) -> tuple[int, int]:
    """On request (AVG): remove the personal data of everyone in one event now: registrants'
    names, addresses and answers, participants' names and naming consent, and the sessions'
    event log (its facilitator entries name authors). The vraagstukken, votes and anonymous
    counts stay. Returns (registrations forgotten, participants made anonymous)."""
    registrations = list(
        db.session.scalars(select(Registration).filter_by(event_id=event.id, purged_at=None))
    )
    for registration in registrations:
        forget(registration)
    session_ids = select(BrainstormSession.id).where(BrainstormSession.event_id == event.id)
    named = 0
    for participant in db.session.scalars(
        select(Participant).where(Participant.session_id.in_(session_ids))
    ):
        named += bool(participant.display_name or participant.may_be_named)
        participant.display_name, participant.may_be_named = "", False
    db.session.execute(delete(SessionEvent).where(SessionEvent.session_id.in_(session_ids)))
    db.session.commit()
    return len(registrations), named


def purge_personal_data(now: datetime | None = None) -> int:
    """Forget the registrants of events that ended PURGE_DAYS ago or more; returns how many
    were forgotten now (again: 0)."""
    cutoff = (now or utcnow()) - timedelta(days=int(current_app.config["PURGE_DAYS"]))
    query = (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at <= cutoff, Registration.purged_at.is_(None))
    )
    registrations = list(db.session.scalars(query))
    for registration in registrations:
        forget(registration)
    db.session.commit()
    return len(registrations)
