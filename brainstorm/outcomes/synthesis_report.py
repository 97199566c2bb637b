"""The advice report of an event's synthesis: one AdviceReport over all its sessions.

Made from the confirmed synthesis and handed to the report formats as they are: each theme of
the synthesis is one theme of the report, and each vraagstuk keeps its session and group,
which every format prints as its origin ("Regio Noord, groep 2"). The rest (polls,
participation, the appendix of everything sent and the audit trail) is each session's own
report put together.
"""

from __future__ import annotations

from dataclasses import replace

from brainstorm.events import registrations
from brainstorm.events.models import Event
from brainstorm.outcomes.services import report_introduction
from brainstorm.outcomes.synthesis import EventTheme, Synthesis, build_synthesis
from brainstorm.reports.services import (
    AUDIENCES,
    AdviceReport,
    AuditEntry,
    ReportCluster,
    ReportIdea,
    build_report,
    slugify,
)
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.sessions.services import vote_counts
from brainstorm.timeutil import to_local, utcnow
from brainstorm.workspace.services import cluster_votes

TERMS = 6  # a merged theme's key terms, from its sessions' themes in turn


def _cite(bs: BrainstormSession, votes: dict[int, int], idea: Idea) -> ReportIdea:
    return ReportIdea(
        idea.text,
        votes=votes.get(idea.id, 0),
        group=idea.group.name if idea.group else "",
        session=bs.title,
        source=idea.source,
    )


def _from_where(theme: EventTheme) -> str:
    """ "Samengevoegd uit: Regio Noord (“Werkdruk”), Regio Zuid (“Tijd”)." """
    parts = [f"{m.session.title} (“{m.title}”)" for m in theme.members]
    return "Samengevoegd uit: " + ", ".join(parts) + "."


def _title(theme: EventTheme, several: bool) -> str:
    """A merged theme's title; a theme of one session with its session, so the same subject
    of two sessions kept apart reads as two themes in the contents: "Werkdruk (Regio Noord)"."""
    if theme.row is not None or not several:
        return theme.title
    return f"{theme.title} ({theme.members[0].session.title})"


def _cluster(theme: EventTheme, idea_votes: dict, votes: dict, several: bool) -> ReportCluster:
    clusters = [m.cluster for m in theme.members]
    summaries = [c.summary for c in clusters if c.summary]
    recommendations = list(dict.fromkeys(c.recommendation for c in clusters if c.recommendation))
    audiences = list(dict.fromkeys(a for c in clusters for a in c.audiences))
    if any(not c.audiences for c in clusters):
        audiences = []  # one of its sessions meant it for everyone: so is the whole theme
    terms = list(dict.fromkeys(t for c in clusters for t in c.terms))[:TERMS]
    return ReportCluster(
        _title(theme, several),
        terms,
        [
            _cite(m.session, idea_votes[m.session.id], idea)
            for m in theme.members
            for idea in m.ideas
        ],
        summary="\n\n".join([_from_where(theme)] * (theme.row is not None) + summaries),
        question=next((c.question for c in clusters if c.question), ""),
        recommendation="\n\n".join(recommendations),
        audiences=audiences,
        votes=sum(votes[m.session.id].get(m.id, 0) for m in theme.members),
    )


def _sessions_line(sessions: list[BrainstormSession]) -> str:
    titles = [bs.title for bs in sessions]
    listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " en " + titles[-1]
    return f"Synthese van {len(titles)} sessies: {listed}"


def build_event_report(
    event: Event, audience: str = "alles", synthesis: Synthesis | None = None
) -> AdviceReport:
    """The event's advice report from its synthesis, for one audience (as build_report)."""
    audience = audience if audience in AUDIENCES else "alles"
    synthesis = synthesis or build_synthesis(event, propose=False)
    sessions = synthesis.sessions
    parts = {bs.id: build_report(bs, "alles") for bs in sessions}
    idea_votes = {bs.id: vote_counts(bs) for bs in sessions}
    votes = {bs.id: cluster_votes(bs) for bs in sessions}
    clusters = [
        cluster
        for cluster in (
            _cluster(theme, idea_votes, votes, len(sessions) > 1) for theme in synthesis.themes
        )
        if audience == "alles" or not cluster.audiences or audience in cluster.audiences
    ]
    reports = [parts[bs.id] for bs in sessions]
    registered = registrations.counts(event)
    polls = {poll.id: poll for report in reports for poll in report.polls}
    return AdviceReport(
        title=f"Adviesrapport: {event.title}",
        event_title=event.title,
        location=event.location,
        session_title=_sessions_line(sessions) if sessions else "",
        audience=audience,
        addressee=AUDIENCES[audience],
        event_start=to_local(event.starts_at),
        generated_at=to_local(utcnow()),
        participants=sum(r.participants for r in reports),
        idea_count=sum(r.idea_count for r in reports),
        clusters=clusters,
        unclustered=[_relabel(bs, idea) for bs in sessions for idea in parts[bs.id].unclustered],
        polls=list(polls.values()),
        registered_by_sector=registered["sector"],
        registered_by_partnership=registered["partnership"],
        participants_by_sector=registrations.ranked(*(r.participants_by_sector for r in reports)),
        participants_by_partnership=registrations.ranked(
            *(r.participants_by_partnership for r in reports)
        ),
        named_participants=sorted({name for r in reports for name in r.named_participants}),
        introduction=report_introduction(event),
        final=bool(reports) and all(r.final for r in reports),
        raw_input=[_relabel(bs, idea) for bs in sessions for idea in parts[bs.id].raw_input],
        audit=sorted(
            (
                AuditEntry(entry.at, entry.who, f"{bs.title}: {entry.what}")
                for bs in sessions
                for entry in parts[bs.id].audit
            ),
            key=lambda entry: entry.at,
        ),
        event_slug=f"{slugify(event.title)}-synthese",
    )


def _relabel(bs: BrainstormSession, idea: ReportIdea) -> ReportIdea:
    """A session report's vraagstuk with the session it came from."""
    return replace(idea, session=bs.title)
