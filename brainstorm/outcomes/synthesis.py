"""One advice from several sessions: the event's synthesis of its sessions' themes.

The engine proposes which themes of different sessions are the same, the way the workspace
proposes merges across breakout groups (`similar_groups` on what the themes hold, at the same
MERGE_SIMILARITY). The team confirms a proposal ("Samenvoegen") or keeps the two apart, renames
a merged theme, takes a theme out of it again or splits it. Themes nobody merged stand alone.
What the team decided is stored; the themes themselves stay in their sessions, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import delete, select

from brainstorm.accounts.models import User
from brainstorm.background import run_blocking
from brainstorm.clustering import similar_groups
from brainstorm.errors import InputError, NotFound
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.outcomes.models import SynthesisApart, SynthesisMember, SynthesisTheme
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.sessions.services import sessions_of
from brainstorm.workspace.models import Cluster
from brainstorm.workspace.services import (
    MERGE_SIMILARITY,
    TITLE_MAX,
    members_by_cluster,
    ordered_clusters,
)

SAMPLE = 3  # vraagstukken shown per theme beside a proposal: enough to judge, short to read


@dataclass(frozen=True)
class SessionTheme:
    """A theme of one session, with where it came from and what it holds."""

    cluster: Cluster
    session: BrainstormSession
    number: int  # its place in its session's order, from 1
    ideas: list[Idea]

    @property
    def id(self) -> int:
        """The cluster's id."""
        return self.cluster.id

    @property
    def title(self) -> str:
        """The facilitator's title (or the suggested one)."""
        return self.cluster.label

    @property
    def sample(self) -> list[Idea]:
        """A few of its vraagstukken."""
        return self.ideas[:SAMPLE]


@dataclass(frozen=True)
class EventTheme:
    """A theme of the synthesis: a confirmed merge (with its row), or one session's theme."""

    members: list[SessionTheme]
    row: SynthesisTheme | None = None

    @property
    def title(self) -> str:
        """The team's title, else its first theme's."""
        return (self.row.title if self.row else "") or self.members[0].title

    @property
    def sessions(self) -> list[BrainstormSession]:
        """The sessions it came from, in the event's order, each once."""
        seen: dict[int, BrainstormSession] = {}
        for member in self.members:
            seen.setdefault(member.session.id, member.session)
        return list(seen.values())

    @property
    def idea_count(self) -> int:
        """How many vraagstukken it holds over its sessions."""
        return sum(len(m.ideas) for m in self.members)


@dataclass(frozen=True)
class Proposal:
    """Themes of different sessions (at most one per session) the engine finds alike: pairs
    at least MERGE_SIMILARITY alike (cosine of what they hold), joined while no session comes
    twice, so a subject all four regions raised is one proposal, not six pairs."""

    members: list[SessionTheme]
    score: float  # its most alike pair
    # The confirmed merges some of them are already in (a merge then joins those).
    inside: dict[int, EventTheme] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        """Its themes' cluster ids."""
        return [m.id for m in self.members]


@dataclass(frozen=True)
class Synthesis:
    """The event's synthesis: its themes (merged first), the open proposals, the sessions."""

    event: Event
    sessions: list[BrainstormSession]
    themes: list[EventTheme]
    proposals: list[Proposal] = field(default_factory=list)
    decided: bool = False  # the team merged or kept apart at least one pair

    @property
    def merged(self) -> list[EventTheme]:
        """The confirmed merges."""
        return [theme for theme in self.themes if theme.row is not None]

    @property
    def single(self) -> list[EventTheme]:
        """The themes that stand alone."""
        return [theme for theme in self.themes if theme.row is None]

    @property
    def session_themes(self) -> list[SessionTheme]:
        """Every session's theme, session by session, for choosing by hand."""
        return sorted(
            (m for theme in self.themes for m in theme.members),
            key=lambda m: (self.sessions.index(m.session), m.number),
        )


def session_themes(event: Event) -> list[SessionTheme]:
    """Every theme of the event's sessions, session by session in their order."""
    result = []
    for bs in sessions_of(event):
        members = members_by_cluster(bs)
        for number, cluster in enumerate(ordered_clusters(bs), start=1):
            result.append(SessionTheme(cluster, bs, number, members.get(cluster.id, [])))
    return result


def _rows(event: Event) -> list[SynthesisTheme]:
    query = select(SynthesisTheme).filter_by(event_id=event.id).order_by(SynthesisTheme.id)
    return list(db.session.scalars(query))


def _apart(event: Event) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(SynthesisApart.first_id, SynthesisApart.second_id).filter_by(event_id=event.id)
    )
    return {(a, b) for a, b in rows}


def build_synthesis(event: Event, *, propose: bool = True) -> Synthesis:
    """The event's themes as the team grouped them, and (with `propose`) the engine's open
    proposals, most alike first."""
    themes = session_themes(event)
    by_id = {theme.id: theme for theme in themes}
    grouped: list[EventTheme] = []
    inside: dict[int, EventTheme] = {}
    for row in _rows(event):
        members = [by_id[m.cluster_id] for m in row.members if m.cluster_id in by_id]
        members.sort(key=themes.index)
        # A session's theme deleted since (a reset, a facilitator's delete) leaves its partner
        # on its own: a merge of one is no merge.
        if len(members) > 1:
            grouped.append(EventTheme(members, row))
            inside.update(dict.fromkeys((m.id for m in members), grouped[-1]))
    apart = _apart(event)
    singles = [EventTheme([theme]) for theme in themes if theme.id not in inside]
    # Themes shared by more sessions first: that is where the sessions agree.
    grouped.sort(key=lambda t: (-len(t.sessions), themes.index(t.members[0])))
    proposals = _proposals(themes, inside, apart) if propose else []
    sessions = sessions_of(event)
    return Synthesis(
        event,
        sessions,
        grouped + singles,
        proposals,
        decided=bool(grouped or apart),
    )


def _proposals(
    themes: list[SessionTheme], inside: dict[int, EventTheme], apart: set[tuple[int, int]]
) -> list[Proposal]:
    """The engine's alike pairs joined into groups whose themes are all alike, most alike
    first. A pair the team kept apart, or already merged, is left out; a group never holds two
    themes of one session (a facilitator already kept those apart)."""
    by_id = {theme.id: theme for theme in themes}
    groups: dict[int, list[int]] = {}
    scores: dict[int, float] = {}  # per theme: its best pair's score
    pairs = _similar(themes)
    alike = {(a, b) for a, b, _score in pairs} | {(b, a) for a, b, _score in pairs}
    for a, b, score in pairs:
        if inside.get(a) is not None and inside.get(a) is inside.get(b):
            continue
        left, right = groups.get(a, [a]), groups.get(b, [b])
        if left is right:
            continue
        if {by_id[i].session.id for i in left} & {by_id[i].session.id for i in right}:
            continue
        # Every two themes of a group alike, not just a chain: A like B and B like C does
        # not make A a proposal with C.
        if any((x, y) not in alike or (min(x, y), max(x, y)) in apart for x in left for y in right):
            continue
        joined = left + right
        for i in joined:
            groups[i] = joined
        scores[a] = max(score, scores.get(a, 0.0))
        scores[b] = max(score, scores.get(b, 0.0))
    unique = {id(group): group for group in groups.values()}
    proposals = [
        Proposal(
            sorted((by_id[i] for i in group), key=themes.index),
            max(scores[i] for i in group),
            {i: inside[i] for i in group if i in inside},
        )
        for group in unique.values()
    ]
    return sorted(proposals, key=lambda p: (-p.score, themes.index(p.members[0])))


def _similar(themes: list[SessionTheme]) -> list[tuple[int, int, float]]:
    """Pairs of themes of different sessions at least MERGE_SIMILARITY alike."""
    texts = tuple(
        (
            str(t.id),
            (
                t.title,
                *([t.cluster.question] if t.cluster.question else []),
                *(i.text for i in t.ideas),
            ),
        )
        for t in themes
    )
    session = {str(t.id): t.session.id for t in themes}
    if len(set(session.values())) < 2:
        return []
    pairs = run_blocking(_alike, texts)
    return [(int(a), int(b), score) for a, b, score in pairs if session[a] != session[b]]


@lru_cache(maxsize=16)
def _alike(texts: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str, float], ...]:
    """The engine's features cost most of a second for 4 × 8 themes; the page is opened again
    after every decision, with the same themes, so the pairs are kept per what they hold."""
    return tuple(similar_groups(dict(texts), MERGE_SIMILARITY))


# --- the team's decisions -------------------------------------------------------------------


def _theme_of(event: Event, cluster_id: object) -> Cluster:
    """A cluster of one of the event's sessions, or a clear refusal."""
    cluster = db.session.get(Cluster, cluster_id) if isinstance(cluster_id, int) else None
    bs = db.session.get(BrainstormSession, cluster.session_id) if cluster is not None else None
    if bs is None or bs.event_id != event.id:
        raise NotFound(_("Dit thema hoort niet (meer) bij dit evenement."))
    return cluster


def _row_of(event: Event, theme_id: object) -> SynthesisTheme:
    row = db.session.get(SynthesisTheme, theme_id) if isinstance(theme_id, int) else None
    if row is None or row.event_id != event.id:
        raise NotFound(_("Dit samengevoegde thema bestaat niet (meer)."))
    return row


def _membership(cluster: Cluster) -> SynthesisMember | None:
    return db.session.get(SynthesisMember, cluster.id)


def _themes_of(event: Event, cluster_ids: list) -> list[Cluster]:
    clusters = list({c.id: c for c in (_theme_of(event, i) for i in cluster_ids)}.values())
    if len(clusters) < 2:
        raise InputError(_("Kies twee verschillende thema's."))
    return clusters


def merge(event: Event, actor: User, cluster_ids: list) -> SynthesisTheme:
    """Confirm that these themes are the same: one synthesis theme holds them all (and
    whatever any of them was already merged with)."""
    clusters = _themes_of(event, cluster_ids)
    held = [_membership(c) for c in clusters]
    rows = list({m.theme.id: m.theme for m in held if m is not None}.values())
    if rows:
        row = rows[0]
    else:
        row = SynthesisTheme(event_id=event.id)
        db.session.add(row)
        db.session.flush()
    for other in rows[1:]:
        for member in list(other.members):
            member.theme_id = row.id
        db.session.flush()
        row.title = row.title or other.title
        db.session.delete(other)
    for cluster, member in zip(clusters, held, strict=True):
        if member is None:
            db.session.add(SynthesisMember(cluster_id=cluster.id, theme_id=row.id))
    ids = [c.id for c in clusters]
    db.session.execute(
        delete(SynthesisApart).where(
            SynthesisApart.first_id.in_(ids), SynthesisApart.second_id.in_(ids)
        )
    )
    db.session.commit()
    db.session.refresh(row)
    return row


def keep_apart(event: Event, actor: User, cluster_ids: list) -> None:
    """These themes are not the same: the engine does not propose them together again."""
    clusters = _themes_of(event, cluster_ids)
    for index, cluster in enumerate(clusters):
        _keep_apart_from(event, cluster.id, [c.id for c in clusters[index + 1 :]])
    db.session.commit()


def rename(event: Event, actor: User, theme_id: object, title: str) -> SynthesisTheme:
    """Give a merged theme its own title (empty: its first theme's title again)."""
    row = _row_of(event, theme_id)
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise InputError(_("Een titel is hoogstens %(n)d tekens.", n=TITLE_MAX))
    row.title = title
    db.session.commit()
    return row


def take_out(event: Event, actor: User, cluster_id: object) -> None:
    """Take one session's theme out of its merge again; a merge left with one theme ends."""
    cluster = _theme_of(event, cluster_id)
    member = _membership(cluster)
    if member is None:
        raise InputError(_("Dit thema is niet samengevoegd."))
    row = member.theme
    row.members.remove(member)
    if len(row.members) < 2:
        db.session.delete(row)
    _keep_apart_from(event, cluster.id, [m.cluster_id for m in row.members])
    db.session.commit()


def split(event: Event, actor: User, theme_id: object) -> None:
    """Undo a merge: each of its themes stands alone again, and is not proposed with the
    others again."""
    row = _row_of(event, theme_id)
    ids = [m.cluster_id for m in row.members]
    db.session.delete(row)
    for index, cluster_id in enumerate(ids):
        _keep_apart_from(event, cluster_id, ids[index + 1 :])
    db.session.commit()


def _keep_apart_from(event: Event, cluster_id: int, others: list[int]) -> None:
    """What the team took apart is not proposed again a moment later."""
    for other in others:
        low, high = sorted((cluster_id, other))
        query = select(SynthesisApart).filter_by(first_id=low, second_id=high)
        if db.session.scalar(query) is None:
            db.session.add(SynthesisApart(event_id=event.id, first_id=low, second_id=high))
    db.session.flush()


def has_synthesis(event: Event) -> bool:
    """True when the team merged at least two sessions' themes."""
    query = select(SynthesisTheme.id).filter_by(event_id=event.id).limit(1)
    return db.session.scalar(query) is not None
