"""Build the one AdviceReport value that every report format renders."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from brainstorm.events import registrations
from brainstorm.extensions import db
from brainstorm.polls import services as polls
from brainstorm.polls.models import Poll
from brainstorm.sessions.models import BrainstormSession
from brainstorm.sessions.services import participant_count, visible_ideas
from brainstorm.timeutil import to_local, utcnow
from brainstorm.workspace.services import cluster_votes, members_by_cluster, ordered_clusters

AUDIENCES = {
    "alles": "Alle betrokkenen",
    "ocw": "Ministerie van Onderwijs, Cultuur en Wetenschap",
    "vakorganisaties": "De vakorganisaties",
    "sectorraden": "PO-Raad, VO-raad en MBO Raad",
    "voorlopersgroep": "De Voorlopersgroep",
}


@dataclass(frozen=True)
class ReportCluster:
    """One ordered theme with its vraagstukken and the facilitator's deepening."""

    title: str
    terms: list[str]
    ideas: list[str]
    summary: str = ""
    question: str = ""
    recommendation: str = ""
    audiences: list[str] = field(default_factory=list)
    votes: int = 0


@dataclass(frozen=True)
class ReportPollQuestion:
    """One poll question and its results as lines of text ("po: 12 (40%)")."""

    text: str
    respondents: int
    lines: list[str]


@dataclass(frozen=True)
class ReportPoll:
    """A poll of the event, before or during the session."""

    title: str
    questions: list[ReportPollQuestion]


@dataclass(frozen=True)
class AdviceReport:
    """Everything a report says, independent of its format."""

    title: str
    event_title: str
    location: str
    session_title: str
    audience: str
    addressee: str
    event_start: datetime
    generated_at: datetime
    participants: int
    idea_count: int
    clusters: list[ReportCluster]
    unclustered: list[str] = field(default_factory=list)
    polls: list[ReportPoll] = field(default_factory=list)
    # Registered people per sector and per partnership: counts only, never names.
    registered_by_sector: dict[str, int] = field(default_factory=dict)
    registered_by_partnership: dict[str, int] = field(default_factory=dict)


def build_report(bs: BrainstormSession, audience: str = "alles") -> AdviceReport:
    """Collect a session's ordered clusters for one audience: those tagged for it and the
    untagged ones ("alles": every cluster), with their deepening, votes and the event's polls."""
    audience = audience if audience in AUDIENCES else "alles"
    ideas = visible_ideas(bs)
    members = members_by_cluster(bs)
    votes = cluster_votes(bs)
    clusters = [
        ReportCluster(
            c.label,
            list(c.terms),
            [i.text for i in members.get(c.id, [])],
            summary=c.summary,
            question=c.question,
            recommendation=c.recommendation,
            audiences=list(c.audiences),
            votes=votes.get(c.id, 0),
        )
        for c in ordered_clusters(bs)
        if audience == "alles" or not c.audiences or audience in c.audiences
    ]
    clustered = {i.id for group in members.values() for i in group}
    registered = registrations.counts(bs.event)
    return AdviceReport(
        title=f"Adviesrapport: {bs.event.title}",
        event_title=bs.event.title,
        location=bs.event.location,
        session_title=bs.title,
        audience=audience,
        addressee=AUDIENCES[audience],
        event_start=to_local(bs.event.starts_at),
        generated_at=to_local(utcnow()),
        participants=participant_count(bs),
        idea_count=len(ideas),
        clusters=clusters,
        unclustered=[i.text for i in ideas if i.id not in clustered],
        polls=_polls(bs),
        registered_by_sector=registered["sector"],
        registered_by_partnership=registered["partnership"],
    )


def _polls(bs: BrainstormSession) -> list[ReportPoll]:
    """The event's pre-session polls and this session's live polls, with their results."""
    query = select(Poll).where(
        Poll.event_id == bs.event_id, (Poll.session_id.is_(None)) | (Poll.session_id == bs.id)
    )
    return [
        ReportPoll(
            poll.title,
            [
                ReportPollQuestion(
                    item["question"]["text"],
                    item["results"]["respondents"],
                    [
                        f"{label}: {number}" if number != "" else label
                        for label, number in polls.result_lines(item["results"])
                    ],
                )
                for item in polls.poll_results(poll)
            ],
        )
        for poll in db.session.scalars(query.order_by(Poll.id))
        if poll.questions
    ]
