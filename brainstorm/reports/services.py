"""Build the one AdviceReport value that every report format renders."""

from dataclasses import dataclass, field
from datetime import datetime

from brainstorm.sessions.models import BrainstormSession
from brainstorm.sessions.services import participant_count, visible_ideas
from brainstorm.timeutil import to_local, utcnow
from brainstorm.workspace.services import members_by_cluster, ordered_clusters

AUDIENCES = {
    "alles": "Alle betrokkenen",
    "ocw": "Ministerie van Onderwijs, Cultuur en Wetenschap",
    "vakorganisaties": "De vakorganisaties",
    "sectorraden": "PO-Raad, VO-raad en MBO Raad",
    "voorlopersgroep": "De Voorlopersgroep",
}


@dataclass(frozen=True)
class ReportCluster:
    """One ordered theme with its vraagstukken."""

    title: str
    terms: list[str]
    ideas: list[str]


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


def build_report(bs: BrainstormSession, audience: str = "alles") -> AdviceReport:
    """Collect a session's ordered clusters and their ideas for one audience."""
    ideas = visible_ideas(bs)
    members = members_by_cluster(bs)
    clusters = [
        ReportCluster(c.label, list(c.terms), [i.text for i in members.get(c.id, [])])
        for c in ordered_clusters(bs)
    ]
    clustered = {i.id for group in members.values() for i in group}
    return AdviceReport(
        title=f"Adviesrapport: {bs.event.title}",
        event_title=bs.event.title,
        location=bs.event.location,
        session_title=bs.title,
        audience=audience,
        addressee=AUDIENCES.get(audience, AUDIENCES["alles"]),
        event_start=to_local(bs.event.starts_at),
        generated_at=to_local(utcnow()),
        participants=participant_count(bs),
        idea_count=len(ideas),
        clusters=clusters,
        unclustered=[i.text for i in ideas if i.id not in clustered],
    )
