"""Build the one AdviceReport value that every report format renders."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from flask_babel import force_locale
from sqlalchemy import select

from brainstorm.accounts.models import User
from brainstorm.events import registrations
from brainstorm.extensions import db
from brainstorm.polls import services as polls
from brainstorm.polls.models import Poll
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions.models import BrainstormSession, Idea, Participant
from brainstorm.sessions.services import participant_count, visible_ideas, vote_counts
from brainstorm.timeutil import to_local, utcnow
from brainstorm.workspace.services import (
    action_label,
    cluster_votes,
    members_by_cluster,
    ordered_clusters,
)

AUDIENCES = {
    "alles": "Alle betrokkenen",
    "ocw": "Ministerie van Onderwijs, Cultuur en Wetenschap",
    "vakorganisaties": "De vakorganisaties",
    "sectorraden": "PO-Raad, VO-raad en MBO Raad",
    "voorlopersgroep": "De Voorlopersgroep",
}


# Who a theme is for, in words for a reader (the keys are the deepening's audiences).
AUDIENCE_NAMES = {
    "ocw": "het ministerie van OCW",
    "vakorganisaties": "de vakorganisaties",
    "sectorraden": "de sectorraden",
    "voorlopersgroep": "de Voorlopersgroep",
}
# The session's phases as the console names them (the audit trail reads in Dutch).
PHASE_NAMES = {
    "lobby": "welkom",
    "input": "invoer open",
    "hidden_input": "verborgen invoer",
    "review": "bespreken",
    "voting": "stemmen",
    "closed": "afgesloten",
}


def audience_words(keys) -> str:
    """["ocw", "vakorganisaties"] -> "het ministerie van OCW en de vakorganisaties";
    no audiences: "alle betrokkenen"."""
    names = [AUDIENCE_NAMES.get(key, key) for key in keys]
    if not names:
        return "alle betrokkenen"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def addressee_phrase(audience: str) -> str:
    """The addressee inside a sentence: "voor alle betrokkenen", "voor De vakorganisaties"
    keeps the proper names' capitals."""
    return "alle betrokkenen" if audience == "alles" else AUDIENCES[audience]


def dutch_decimal(value) -> str:
    """2.96 -> "2,96"; whole numbers as they are; None -> "–"."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return (
            str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").replace(".", ",")
        )
    return str(value)


@dataclass(frozen=True)
class ReportIdea:
    """A vraagstuk as the report cites it: where it came from and how it was received."""

    text: str
    votes: int = 0
    group: str = ""  # the breakout group it came from ("" for the plenary)
    source: str = ""  # "poll" when it came from the pre-session poll
    status: str = ""  # in the appendix: "", "verborgen", "samengevoegd", "ingetrokken"
    session: str = ""  # in an event's report (several sessions): the session it came from


@dataclass(frozen=True)
class ReportCluster:
    """One ordered theme with its vraagstukken and the facilitator's deepening."""

    title: str
    terms: list[str]
    ideas: list[ReportIdea]
    summary: str = ""
    question: str = ""
    recommendation: str = ""
    audiences: list[str] = field(default_factory=list)
    votes: int = 0

    @property
    def for_whom(self) -> str:
        """The audiences in words: "het ministerie van OCW en de vakorganisaties"."""
        return audience_words(self.audiences)


@dataclass(frozen=True)
class ReportPollQuestion:
    """One poll question and its results as lines of text ("po: 12 (40%)"), with the
    aggregated results (polls.aggregate) for a chart."""

    text: str
    respondents: int
    lines: list[str]
    type: str = ""
    results: dict = field(default_factory=dict)
    label_low: str = ""  # a scale's words at its ends ("helemaal niet" ... "heel goed")
    label_high: str = ""


@dataclass(frozen=True)
class ReportPoll:
    """A poll of the event, before or during the session."""

    id: int
    title: str
    questions: list[ReportPollQuestion]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail: when, who, what (moderation and clustering)."""

    at: datetime
    who: str
    what: str


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
    unclustered: list[ReportIdea] = field(default_factory=list)
    polls: list[ReportPoll] = field(default_factory=list)
    # Registered people per sector and per partnership: counts only, never names.
    registered_by_sector: dict[str, int] = field(default_factory=dict)
    registered_by_partnership: dict[str, int] = field(default_factory=dict)
    # Participants of the session, counted the same way.
    participants_by_sector: dict[str, int] = field(default_factory=dict)
    participants_by_partnership: dict[str, int] = field(default_factory=dict)
    named_participants: list[str] = field(default_factory=list)  # only who agreed
    introduction: str = ""
    final: bool = False  # until then every format says "concept"
    raw_input: list[ReportIdea] = field(default_factory=list)  # appendix: everything sent
    audit: list[AuditEntry] = field(default_factory=list)  # appendix: moderation, clustering
    event_slug: str = ""


def build_report(bs: BrainstormSession, audience: str = "alles") -> AdviceReport:
    """Collect a session's ordered clusters for one audience: those tagged for it and the
    untagged ones ("alles": every cluster), with their deepening, votes, the polls the
    facilitator chose, participation counts and the appendix."""
    audience = audience if audience in AUDIENCES else "alles"
    ideas = visible_ideas(bs)
    members = members_by_cluster(bs)
    votes = cluster_votes(bs)
    idea_votes = vote_counts(bs)
    cite = partial(_cite, idea_votes)
    clusters = [
        ReportCluster(
            c.label,
            list(c.terms),
            [cite(i) for i in members.get(c.id, [])],
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
    people = list(db.session.scalars(select(Participant).filter_by(session_id=bs.id)))
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
        unclustered=[cite(i) for i in ideas if i.id not in clustered],
        polls=_dutch_polls(bs),
        registered_by_sector=registered["sector"],
        registered_by_partnership=registered["partnership"],
        participants_by_sector=_counted(p.sector for p in people),
        participants_by_partnership=_counted(p.partnership for p in people),
        named_participants=sorted(
            p.display_name for p in people if p.may_be_named and p.display_name
        ),
        introduction=bs.report_introduction,
        final=bs.report_final,
        raw_input=_raw_input(bs, idea_votes),
        audit=audit_trail(bs),
        event_slug=slugify(bs.event.title),
    )


def _counted(values) -> dict[str, int]:
    return registrations.ranked(Counter(value or registrations.UNKNOWN for value in values))


def _cite(votes: dict[int, int], idea: Idea) -> ReportIdea:
    return ReportIdea(
        idea.text,
        votes=votes.get(idea.id, 0),
        group=idea.group.name if idea.group else "",
        source=idea.source,
    )


def _raw_input(bs: BrainstormSession, votes: dict[int, int]) -> list[ReportIdea]:
    """Every vraagstuk that was sent, in order, with what became of it."""
    query = select(Idea).filter_by(session_id=bs.id).order_by(Idea.id)
    rows = []
    for idea in db.session.scalars(query):
        status = (
            "ingetrokken" if idea.withdrawn_at else
            "samengevoegd" if idea.merged_into_id else
            "verborgen" if idea.hidden else
            "niet goedgekeurd" if not idea.approved else ""
        )  # fmt: skip
        rows.append(replace(_cite(votes, idea), status=status))
    return rows


def audit_trail(bs: BrainstormSession) -> list[AuditEntry]:
    """Who changed what and when: moderation, clustering corrections, phases (oldest first)."""
    names = {u.id: u.display_name for u in db.session.scalars(select(User))}
    query = select(SessionEvent).where(
        SessionEvent.session_id == bs.id,
        SessionEvent.audience.in_([EVERYONE, FACILITATORS]),
        SessionEvent.name.in_(["idea_moderated", "clusters_updated", "phase_changed"]),
        SessionEvent.actor.like("user:%"),
    )
    entries = []
    for event in db.session.scalars(query.order_by(SessionEvent.seq)):
        who = names.get(int(event.actor.removeprefix("user:")), "")
        what = _audit_text(event)
        if what:
            entries.append(AuditEntry(to_local(event.created_at), who, what))
    return entries


def _audit_text(event: SessionEvent) -> str:
    payload = event.payload
    if event.name == "clusters_updated":
        change = payload.get("change") or {}
        label = action_label(change.get("action", "")) if change.get("action") else ""
        return ": ".join(filter(None, [label, change.get("text", "")]))
    if event.name == "phase_changed":
        phase = payload.get("phase", "")
        return f"fase: {PHASE_NAMES.get(phase, phase)}"
    idea = payload.get("idea") or {}
    state = "verborgen" if idea.get("hidden") else "op het bord"
    return f"moderatie: “{idea.get('text', '')}” ({state})"


def slugify(text: str) -> str:
    """ "Brainstormsessie RATO's" -> "brainstormsessie-rato-s" (for file names)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "sessie"


def report_filename(report: AdviceReport, ext: str) -> str:
    """adviesrapport-<event-slug>-<audience>-<date>.<ext>"""
    return (
        f"adviesrapport-{report.event_slug}-{report.audience}-{report.event_start:%Y-%m-%d}.{ext}"
    )


def _dutch_polls(bs: BrainstormSession) -> list[ReportPoll]:
    """The polls in Dutch whatever the visitor's language (reports are always Dutch)."""
    with force_locale("nl"):
        return _polls(bs)


def _polls(bs: BrainstormSession) -> list[ReportPoll]:
    """The event's pre-session polls and this session's live polls the facilitator chose
    (all of them until a choice is made), with their results."""
    chosen = bs.report_poll_ids
    return [
        ReportPoll(
            poll.id,
            poll.title,
            [
                ReportPollQuestion(
                    item["question"]["text"],
                    item["results"]["respondents"],
                    _result_lines(item["results"]),
                    type=item["question"]["type"],
                    results=item["results"],
                    label_low=item["question"].get("label_low", ""),
                    label_high=item["question"].get("label_high", ""),
                )
                for item in polls.poll_results(poll)
            ],
        )
        for poll in report_polls(bs)
        if poll.questions and (chosen is None or poll.id in chosen)
    ]


def _result_lines(results: dict) -> list[str]:
    """A question's results as Dutch lines: "gemiddelde: 2,96", "po: 12"; open answers
    grouped, the most frequent first, with their count when more than one gave it."""
    if results.get("type") == "open":
        grouped = Counter(str(answer) for answer in results.get("answers", []) if answer)
        return [
            f"{answer} ({number}×)" if number > 1 else answer
            for answer, number in sorted(grouped.items(), key=lambda item: (-item[1], item[0]))
        ]
    return [
        f"{label}: {dutch_decimal(number)}" if number != "" else label
        for label, number in polls.result_lines(results)
    ]


def report_polls(bs: BrainstormSession) -> list[Poll]:
    """The polls that could go into the report, for the facilitator's choice."""
    query = select(Poll).where(
        Poll.event_id == bs.event_id, (Poll.session_id.is_(None)) | (Poll.session_id == bs.id)
    )
    return list(db.session.scalars(query.order_by(Poll.id)))


def save_report_settings(
    bs: BrainstormSession, introduction: str, poll_ids: list[int], final: bool
) -> None:
    """The facilitator's introduction, the chosen polls and whether the report is final."""
    known = {poll.id for poll in report_polls(bs)}
    bs.report_introduction = (introduction or "").strip()[:20000]
    bs.report_poll_ids = [i for i in poll_ids if i in known]
    bs.report_final = bool(final)
    db.session.commit()


@dataclass(frozen=True)
class AudienceVersion:
    """What one audience's version holds: the themes tagged for it and those for everyone."""

    key: str
    name: str
    tagged: list[str]
    everyone: list[str]


def audience_versions(bs: BrainstormSession) -> list[AudienceVersion]:
    """Per audience, which themes its report holds (from the deepening's audiences), for the
    report page; "alles" holds every theme."""
    clusters = ordered_clusters(bs)
    untagged = [c.label for c in clusters if not c.audiences]
    versions = [AudienceVersion("alles", AUDIENCES["alles"], [c.label for c in clusters], [])]
    for key, name in AUDIENCES.items():
        if key != "alles":
            tagged = [c.label for c in clusters if key in c.audiences]
            versions.append(AudienceVersion(key, name, tagged, untagged))
    return versions


@dataclass(frozen=True)
class Unfinished:
    """A theme the facilitator may want to finish before marking the report final."""

    title: str
    unnamed: bool  # enters the report with its suggested title
    no_deepening: bool  # no summary, question or recommendation


def unfinished_clusters(bs: BrainstormSession) -> list[Unfinished]:
    """Themes without a name of their own or without any deepening, in the report's order."""
    return [
        Unfinished(
            c.label,
            unnamed=not c.title,
            no_deepening=not (c.summary or c.question or c.recommendation),
        )
        for c in ordered_clusters(bs)
        if not c.title or not (c.summary or c.question or c.recommendation)
    ]
