"""Outcomes carried forward: a session starts from an earlier session's themes.

The themes arrive as named, locked clusters with their deepening (summary, underlying question,
recommendation, audiences), so a congress-day session builds on the brainstorm before it. They
hold none of the earlier vraagstukken (those belong to the earlier session), so until the
engine has run here the new ideas are slotted in by what the earlier themes were about: their
title, question and vraagstukken, kept with the carried cluster. A slotted idea is marked
"nieuw", as in any locked cluster; an idea like none of them stays free for the engine.
The engine's runs and its live slotting keep comparing with what a carried theme was about,
so a theme that no idea joined before the first run still receives its kind afterwards.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from brainstorm.accounts.models import User
from brainstorm.accounts.services import can_facilitate
from brainstorm.background import run_blocking
from brainstorm.clustering import similar_groups
from brainstorm.errors import InputError
from brainstorm.extensions import db
from brainstorm.sessions import signals
from brainstorm.sessions.models import BrainstormSession, Phase
from brainstorm.workspace.models import Cluster, ClusterMember
from brainstorm.workspace.services import (
    PLENARY,
    TITLE_MAX,
    broadcast,
    last_run,
    members_by_cluster,
    ordered_clusters,
    places_of,
    scope_ideas,
    soon_after_board_change,
)

# An idea joins a carried theme only when at least this alike (cosine of the engine's
# features); below it the idea is about something new and waits for the engine.
SLOT_SIMILARITY = 0.25
REFERENCE_TEXTS = 200  # per theme: enough to recognise it, not a copy of the whole session
ENGINE_REFERENCES = 20  # of those, what a run and the live slotting after it compare with


class CarriedTheme(db.Model):
    """A cluster that came from an earlier session's theme, with what it was about."""

    __tablename__ = "carried_themes"

    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True
    )
    source_cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("clusters.id", ondelete="SET NULL"), index=True
    )
    source_session: Mapped[str] = mapped_column(String(200), default="")  # its title, kept
    texts: Mapped[list[str]] = mapped_column(JSON, default=list)


def sources_for(actor: User, target: BrainstormSession) -> list[BrainstormSession]:
    """The earlier sessions the actor may build on: with themes, in an event they facilitate."""
    query = (
        select(BrainstormSession)
        .where(
            BrainstormSession.id != target.id,
            BrainstormSession.id.in_(select(Cluster.session_id)),
        )
        .order_by(BrainstormSession.id.desc())
    )
    return [bs for bs in db.session.scalars(query) if can_facilitate(actor, bs.event_id)]


def carry_themes(
    target: BrainstormSession, source: BrainstormSession, actor: User
) -> list[Cluster]:
    """Start `target` from the themes of `source`: named, locked clusters in the same order,
    with their deepening. Refused when the target already has clusters."""
    if source.id == target.id or not can_facilitate(actor, source.event_id):
        raise InputError(_("Kies een eerdere sessie waarvan je de thema's mag gebruiken."))
    if ordered_clusters(target):
        raise InputError(
            _("Deze sessie heeft al thema's; thema's overnemen kan alleen in een lege sessie.")
        )
    themes = ordered_clusters(source)
    if not themes:
        raise InputError(_("De gekozen sessie heeft nog geen thema's."))
    members = members_by_cluster(source)
    rows = []
    for position, theme in enumerate(themes):
        row = Cluster(
            session_id=target.id,
            key=f"carried{theme.id}",
            title=theme.label[:TITLE_MAX],
            terms=list(theme.terms),
            position=position,
            locked=True,
            summary=theme.summary,
            question=theme.question,
            recommendation=theme.recommendation,
            audiences=list(theme.audiences),
        )
        db.session.add(row)
        db.session.flush()
        texts = [theme.label, theme.question, *(i.text for i in members.get(theme.id, []))]
        db.session.add(
            CarriedTheme(
                cluster_id=row.id,
                source_cluster_id=theme.id,
                source_session=source.title,
                texts=[t for t in texts if t][:REFERENCE_TEXTS],
            )
        )
        rows.append(row)
    text = ngettext(
        "%(num)d thema overgenomen uit “%(session)s”",
        "%(num)d thema's overgenomen uit “%(session)s”",
        len(rows),
        session=source.title,
    )
    broadcast(target, [PLENARY], actor, "carry", text)
    return rows


def carried(bs: BrainstormSession) -> dict[int, CarriedTheme]:
    """The session's carried themes by cluster id."""
    query = (
        select(CarriedTheme)
        .join(Cluster, Cluster.id == CarriedTheme.cluster_id)
        .where(Cluster.session_id == bs.id)
    )
    return {row.cluster_id: row for row in db.session.scalars(query)}


def references(bs: BrainstormSession) -> dict[int, list[str]]:
    """Per carried cluster id what the engine learns its theme from: the title, the question
    and the first of the earlier vraagstukken (ENGINE_REFERENCES, so an earlier session's 200
    do not outweigh this session's ideas)."""
    return {cid: row.texts[:ENGINE_REFERENCES] for cid, row in carried(bs).items()}


def slot_into_carried(bs: BrainstormSession) -> bool:
    """Place new plenary ideas into the carried theme they are most like, until the engine has
    run here (from then on its own slotting does it). True when something was placed."""
    if bs.phase == Phase.HIDDEN_INPUT or bs.groups_apart or last_run(bs, PLENARY) is not None:
        return False
    themes = carried(bs)
    if not themes:
        return False
    ideas = scope_ideas(bs, PLENARY)
    placed = places_of(ideas)
    fresh = [idea for idea in ideas if idea.id not in placed]
    if not fresh:
        return False
    members = members_by_cluster(bs)
    groups = {
        str(cid): [*theme.texts, *(i.text for i in members.get(cid, []))]
        for cid, theme in themes.items()
    }
    changed = False
    for idea, key in zip(
        fresh, run_blocking(_nearest, groups, [i.text for i in fresh]), strict=True
    ):
        if key is None:
            continue
        db.session.add(ClusterMember(idea_id=idea.id, cluster_id=int(key), new=True))
        changed = True
    if changed:
        db.session.flush()
        broadcast(bs, [PLENARY], None, "assign_new")
    return changed


def _nearest(groups: dict[str, list[str]], texts: list[str]) -> list[str | None]:
    """Per text the key of the theme it is most like, or None below SLOT_SIMILARITY."""
    result = []
    for text in texts:
        pairs = similar_groups({**groups, "idea": [text]}, SLOT_SIMILARITY)
        best = next((pair for pair in pairs if "idea" in pair[:2]), None)
        result.append(None if best is None else next(k for k in best[:2] if k != "idea"))
    return result


@signals.board_changed.connect
def _on_board_changed(bs: BrainstormSession, **_extra) -> None:
    soon_after_board_change(bs, "carry", slot_into_carried)
