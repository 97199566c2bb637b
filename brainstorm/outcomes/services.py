"""An event's outcome: what its page shows, publishing it, and noticing later changes.

The themes, their deepening, votes, polls and participation come from the advice report
(reports.services.build_report, read only), so the page says what the report says; what the
page adds per vraagstuk (the sector of whoever sent it, for the filter) is read here.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from brainstorm.accounts.models import User
from brainstorm.accounts.services import can_facilitate
from brainstorm.errors import InputError, NotAllowed
from brainstorm.events import registrations
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.outcomes import synthesis
from brainstorm.outcomes.models import Outcome, Visibility
from brainstorm.reports.services import AdviceReport, ReportPoll, build_report
from brainstorm.sessions.models import BrainstormSession, Participant, Phase
from brainstorm.sessions.services import sessions_of, votes_hidden
from brainstorm.timeutil import utcnow
from brainstorm.workspace.services import (
    PLENARY,
    last_run,
    members_by_cluster,
    ordered_clusters,
)

INTRODUCTION_MAX = 20_000  # characters, as a session report's introduction

AUDIENCE_LABELS = {
    "ocw": _l("Ministerie van OCW"),
    "vakorganisaties": _l("Vakorganisaties"),
    "sectorraden": _l("Sectorraden"),
    "voorlopersgroep": _l("Voorlopersgroep"),
}
SECTOR_LABELS = {"po": "po", "vo": "vo", "mbo": "mbo", "anders": _l("anders")}
MAP_SIZE = 100  # the map's viewBox is MAP_SIZE square


@dataclass(frozen=True)
class OutcomeIdea:
    """A vraagstuk under a theme: its text, dots, breakout group and the sender's sector."""

    text: str
    votes: int
    group: str
    sector: str


@dataclass(frozen=True)
class OutcomeTheme:
    """One theme as the page shows it, with where it sits on the map."""

    id: int
    session_id: int
    session_title: str
    number: int  # its place in its session's order, from 1
    title: str
    summary: str
    question: str
    recommendation: str
    audiences: list[str]
    votes: int  # on the theme and on its vraagstukken together
    theme_votes: int  # on the theme itself, as the room saw them after "Uitslag tonen"
    ideas: list[OutcomeIdea]
    x: float = 50.0
    y: float = 50.0
    r: float = 4.0

    @property
    def sectors(self) -> list[str]:
        """The sectors its vraagstukken came from."""
        return sorted({i.sector for i in self.ideas if i.sector})

    @property
    def groups(self) -> list[str]:
        """The breakout groups its vraagstukken came from."""
        return sorted({i.group for i in self.ideas if i.group})


@dataclass(frozen=True)
class SessionOutcome:
    """One session's part: its themes and the report it came from."""

    id: int
    title: str
    themes: list[OutcomeTheme]
    report: AdviceReport
    votes_shown: bool


@dataclass(frozen=True)
class SharedTheme:
    """A theme of the event's synthesis: the same subject in several sessions' themes."""

    title: str
    themes: list[OutcomeTheme]


@dataclass(frozen=True)
class EventOutcome:
    """Everything the outcome page shows."""

    event: Event
    sessions: list[SessionOutcome]
    polls: list[ReportPoll] = field(default_factory=list)
    by_sector: dict[str, int] = field(default_factory=dict)
    by_partnership: dict[str, int] = field(default_factory=dict)
    named: list[str] = field(default_factory=list)
    participants: int = 0
    shared: list[SharedTheme] = field(default_factory=list)  # the confirmed synthesis

    @property
    def themes(self) -> list[OutcomeTheme]:
        """Every theme, session by session, in their order."""
        return [theme for s in self.sessions for theme in s.themes]

    @property
    def max_votes(self) -> int:
        """The longest bar."""
        return max((t.votes for t in self.themes), default=0)

    @property
    def sectors(self) -> list[str]:
        """The sectors to filter on."""
        return sorted({s for t in self.themes for s in t.sectors})

    @property
    def groups(self) -> list[str]:
        """The breakout groups to filter on."""
        return sorted({g for t in self.themes for g in t.groups})


# --- the page's settings ------------------------------------------------------------------


def outcome_of(event: Event) -> Outcome | None:
    """The event's outcome settings, or None while nobody set them (a draft)."""
    return db.session.scalar(select(Outcome).filter_by(event_id=event.id))


def _settings(event: Event) -> Outcome:
    """The event's outcome settings, made (as a draft) the first time one is set."""
    row = outcome_of(event)
    if row is None:
        row = Outcome(
            event_id=event.id, visibility=Visibility.DRAFT, token=secrets.token_urlsafe(16)
        )
        db.session.add(row)
    return row


def report_introduction(event: Event) -> str:
    """The team's introduction to the event's report ("" while none was written)."""
    row = outcome_of(event)
    return row.report_introduction if row else ""


def set_report_introduction(event: Event, actor: User, text: object) -> Outcome:
    """The team's introduction to the event's report; it opens every format of it."""
    text = str(text or "").strip()
    if len(text) > INTRODUCTION_MAX:
        raise InputError(
            _(
                "De inleiding is te lang: %(n)d tekens, hoogstens %(max)d.",
                n=len(text),
                max=INTRODUCTION_MAX,
            )
        )
    row = _settings(event)
    row.report_introduction = text
    db.session.commit()
    return row


def by_token(token: str) -> Outcome | None:
    """The outcome behind a secret link, when it is published."""
    if not token or len(token) > 32:
        return None
    row = db.session.scalar(select(Outcome).filter_by(token=token))
    return row if row is not None and row.published else None


def set_visibility(event: Event, actor: User, visibility: str) -> Outcome:
    """Publish the outcome page (publicly or by a secret link) or take it back to draft."""
    if not can_facilitate(actor, event.id):
        raise NotAllowed(_("Alleen de begeleiders van dit evenement publiceren de uitkomst."))
    if visibility not in {v.value for v in Visibility}:
        raise InputError(_("Kies concept, openbaar of via een geheime link."))
    row = _settings(event)
    was_published = row.published
    row.visibility = visibility
    if row.published and not was_published:
        row.published_at, row.updated_at = utcnow(), None
        row.fingerprint = fingerprint(build_outcome(event))
    db.session.commit()
    return row


def new_token(event: Event, actor: User) -> Outcome:
    """A new secret link; the old one stops working."""
    row = outcome_of(event)
    if row is None or not can_facilitate(actor, event.id):
        raise NotAllowed(_("Alleen de begeleiders van dit evenement publiceren de uitkomst."))
    row.token = secrets.token_urlsafe(16)
    db.session.commit()
    return row


def fingerprint(outcome: EventOutcome) -> str:
    """A digest of what readers see (not of when it was read)."""
    seen = [
        (s.title, s.themes, s.votes_shown, s.report.polls, s.report.named_participants)
        for s in outcome.sessions
    ]
    seen.append(("shared", [(t.title, [m.id for m in t.themes]) for t in outcome.shared]))
    return hashlib.sha256(repr(seen).encode()).hexdigest()


def note_changes(row: Outcome, outcome: EventOutcome) -> None:
    """When a published page shows something new, remember when (for "bijgewerkt op")."""
    if not row.published:
        return
    digest = fingerprint(outcome)
    if digest != row.fingerprint:
        row.fingerprint, row.updated_at = digest, utcnow()
        db.session.commit()


# --- what the page shows ------------------------------------------------------------------


def for_readers(bs: BrainstormSession) -> bool:
    """Whether a session's themes may go on the page: once the room saw them, the report is
    final or the session is over. Before that they are the facilitator's draft."""
    return bs.themes_shown or bs.report_final or bs.phase == Phase.CLOSED or bool(bs.archived_at)


def drafts_of(event: Event) -> list[BrainstormSession]:
    """The event's sessions whose themes are still the facilitator's draft (not on the page)."""
    return [bs for bs in sessions_of(event) if not for_readers(bs) and ordered_clusters(bs)]


def build_outcome(event: Event) -> EventOutcome:
    """The outcome of every session of the event whose themes readers may see, in order."""
    shown = [bs for bs in sessions_of(event) if for_readers(bs)]
    sessions = [_session_outcome(bs) for bs in shown if ordered_clusters(bs)]
    named: set[str] = set()
    polls: dict[int, ReportPoll] = {}
    for part in sessions:
        named.update(part.report.named_participants)
        for poll in part.report.polls:
            polls.setdefault(poll.id, poll)  # an event's poll is in each session's report
    return EventOutcome(
        event=event,
        sessions=sessions,
        polls=list(polls.values()),
        by_sector=registrations.ranked(*(p.report.participants_by_sector for p in sessions)),
        by_partnership=registrations.ranked(
            *(p.report.participants_by_partnership for p in sessions)
        ),
        named=sorted(named),
        participants=sum(p.report.participants for p in sessions),
        shared=_shared(event, sessions),
    )


def _shared(event: Event, sessions: list[SessionOutcome]) -> list[SharedTheme]:
    """The synthesis' merged themes, each with the sessions' themes on this page it joins."""
    if len(sessions) < 2 or not synthesis.has_synthesis(event):
        return []
    on_page = {theme.id: theme for part in sessions for theme in part.themes}
    shared = []
    for theme in synthesis.build_synthesis(event, propose=False).merged:
        parts = [on_page[m.id] for m in theme.members if m.id in on_page]
        if len(parts) > 1:
            shared.append(SharedTheme(theme.title, parts))
    return shared


def _session_outcome(bs: BrainstormSession) -> SessionOutcome:
    report = build_report(bs)
    clusters = ordered_clusters(bs)  # the report's order: "alles" keeps every cluster
    members = members_by_cluster(bs)
    sector_of = dict(
        db.session.execute(
            select(Participant.id, Participant.sector).filter_by(session_id=bs.id)
        ).all()
    )
    shown = not votes_hidden(bs)
    spots = _map_spots(bs, [c.id for c in clusters], members)
    themes = []
    for number, (row, theme) in enumerate(zip(clusters, report.clusters, strict=True), 1):
        ideas = [
            OutcomeIdea(
                cited.text,
                cited.votes if shown else 0,
                cited.group,
                sector_of.get(idea.participant_id) or "",
            )
            for idea, cited in zip(members.get(row.id, []), theme.ideas, strict=True)
        ]
        votes = theme.votes + sum(i.votes for i in ideas) if shown else 0
        themes.append(
            OutcomeTheme(
                id=row.id,
                session_id=bs.id,
                session_title=bs.title,
                number=number,
                title=theme.title,
                summary=theme.summary,
                question=theme.question,
                recommendation=theme.recommendation,
                audiences=[str(AUDIENCE_LABELS.get(a, a)) for a in theme.audiences],
                votes=votes,
                theme_votes=theme.votes if shown else 0,
                ideas=sorted(ideas, key=lambda i: -i.votes),
                **spots.get(row.id, {}),
            )
        )
    return SessionOutcome(bs.id, bs.title, themes, report, shown)


def _map_spots(
    bs: BrainstormSession, cluster_ids: list[int], members: dict[int, list]
) -> dict[int, dict[str, float]]:
    """Where each theme sits on the map: the middle of its vraagstukken in the engine's last
    picture of the board (themes without one on a circle), sized by how many it holds."""
    run = last_run(bs, PLENARY)
    coords = run.result.get("coords", {}) if run else {}
    raw: dict[int, tuple[float, float]] = {}
    for cid in cluster_ids:
        points = [coords[str(i.id)] for i in members.get(cid, []) if str(i.id) in coords]
        if points:
            raw[cid] = (
                sum(p[0] for p in points) / len(points),
                sum(p[1] for p in points) / len(points),
            )
    spots: dict[int, dict[str, float]] = {}
    if raw:
        xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
        span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
        for cid, (x, y) in raw.items():
            spots[cid] = {
                "x": round(14 + 72 * (x - min(xs)) / span_x, 1),
                "y": round(14 + 72 * (y - min(ys)) / span_y, 1),
            }
    rest = [cid for cid in cluster_ids if cid not in spots]
    for n, cid in enumerate(rest):
        angle = 2 * math.pi * n / max(len(rest), 1)
        spots[cid] = {
            "x": round(50 + 34 * math.cos(angle), 1),
            "y": round(50 + 34 * math.sin(angle), 1),
        }
    largest = max((len(members.get(cid, [])) for cid in cluster_ids), default=1) or 1
    for cid in cluster_ids:
        spots[cid]["r"] = round(4 + 8 * math.sqrt(len(members.get(cid, [])) / largest), 1)
    return spots


def filtered(outcome: EventOutcome, session: str, sector: str, group: str) -> list[OutcomeTheme]:
    """The themes a filter keeps (without JavaScript the server filters): of that session,
    with at least one vraagstuk from that sector and breakout group."""
    kept = []
    for theme in outcome.themes:
        if session and str(theme.session_id) != session:
            continue
        ideas = [
            i
            for i in theme.ideas
            if (not sector or i.sector == sector) and (not group or i.group == group)
        ]
        if (sector or group) and not ideas:
            continue
        kept.append(theme)
    return kept
