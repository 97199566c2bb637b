"""What the app holds about one participant (AVG right of access), as plain JSON-able data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.polls.models import Answer, Question
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Vote
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
