"""The facilitator's workspace: run the engine, store its clusters, rename and reorder them."""

import time

from flask_babel import gettext as _
from sqlalchemy import delete, select

from brainstorm.accounts.models import User
from brainstorm.background import run_blocking
from brainstorm.clustering import Clustering, cluster
from brainstorm.errors import InputError, NotFound
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.sessions.services import visible_ideas
from brainstorm.workspace.models import Cluster, ClusteringRun, ClusterMember

K_MAX = 20
TITLE_MAX = 120


def ordered_clusters(bs: BrainstormSession) -> list[Cluster]:
    """The session's clusters in the facilitator's order."""
    return list(
        db.session.scalars(
            select(Cluster).filter_by(session_id=bs.id).order_by(Cluster.position, Cluster.id)
        )
    )


def members_by_cluster(bs: BrainstormSession) -> dict[int, list[Idea]]:
    """Visible ideas per cluster id, oldest first."""
    rows = db.session.execute(
        select(ClusterMember.cluster_id, Idea)
        .join(Idea, Idea.id == ClusterMember.idea_id)
        .where(Idea.session_id == bs.id)
        .order_by(Idea.id)
    )
    members: dict[int, list[Idea]] = {}
    for cluster_id, idea in rows:
        if idea.on_board:
            members.setdefault(cluster_id, []).append(idea)
    return members


def board_by_cluster(bs: BrainstormSession) -> tuple[list[dict], list[str]]:
    """The results as read after the session: themes in order with their texts, then the rest."""
    members = members_by_cluster(bs)
    themes = [
        {"label": c.label, "ideas": [idea.text for idea in members.get(c.id, [])]}
        for c in ordered_clusters(bs)
    ]
    clustered = {idea.id for ideas in members.values() for idea in ideas}
    rest = [idea.text for idea in visible_ideas(bs) if idea.id not in clustered]
    return [theme for theme in themes if theme["ideas"]], rest


def clusters_public(bs: BrainstormSession) -> list[dict]:
    """The clusters as every screen shows them: title, terms, order and member idea ids."""
    members = members_by_cluster(bs)
    return [
        {
            "id": c.id,
            "title": c.title,
            "label": c.label,
            "terms": c.terms,
            "position": index,
            "idea_ids": [idea.id for idea in members.get(c.id, [])],
        }
        for index, c in enumerate(ordered_clusters(bs))
    ]


def _broadcast_clusters(bs: BrainstormSession, actor: User) -> None:
    event = realtime.log_event(
        bs.id, "clusters_updated", {"clusters": clusters_public(bs)}, actor=f"user:{actor.id}"
    )
    db.session.commit()
    realtime.emit_logged(event)


def run_clustering(bs: BrainstormSession, actor: User, k: int | None = None) -> ClusteringRun:
    """Group the visible ideas; clusters that mostly keep their members keep title and place."""
    if k is not None and not 2 <= k <= K_MAX:
        raise InputError(
            _("Kies tussen 2 en %(max)d clusters, of laat het op automatisch staan.", max=K_MAX)
        )
    ideas = visible_ideas(bs)
    if len(ideas) < 2:
        raise InputError(_("Er zijn minstens 2 vraagstukken nodig om te clusteren."))
    existing = {c.key: c for c in ordered_clusters(bs)}
    members = members_by_cluster(bs)
    previous = {key: [i.id for i in members.get(c.id, [])] for key, c in existing.items()}

    started = time.perf_counter()
    result: Clustering = run_blocking(
        cluster, [i.text for i in ideas], k, ids=[i.id for i in ideas], previous=previous
    )
    duration_ms = round((time.perf_counter() - started) * 1000)

    _store_result(bs, existing, result)
    run = ClusteringRun(
        session_id=bs.id,
        user_id=actor.id,
        requested_k=k,
        k=result.k,
        n_ideas=len(ideas),
        duration_ms=duration_ms,
        result=result.to_dict(),
    )
    db.session.add(run)
    _broadcast_clusters(bs, actor)
    return run


def _store_result(bs: BrainstormSession, existing: dict[str, Cluster], result: Clustering) -> None:
    """Replace memberships with the engine's; matched keys keep title and relative order."""
    db.session.execute(
        delete(ClusterMember).where(
            ClusterMember.cluster_id.in_(select(Cluster.id).filter_by(session_id=bs.id))
        )
    )
    kept, new = [], []
    for info in result.clusters:
        row = existing.pop(info.key, None)
        if row is None:
            row = Cluster(session_id=bs.id, key=info.key)
            db.session.add(row)
            new.append(row)
        else:
            kept.append(row)
        row.terms = list(info.terms)
        row.representative_idea_id = info.representative
        db.session.flush()
        db.session.add_all(ClusterMember(idea_id=i, cluster_id=row.id) for i in info.members)
    for gone in existing.values():
        db.session.delete(gone)
    kept.sort(key=lambda c: c.position)
    for position, row in enumerate(kept + new):
        row.position = position


def _cluster_in(bs: BrainstormSession, cluster_id: object) -> Cluster:
    row = db.session.get(Cluster, cluster_id) if isinstance(cluster_id, int) else None
    if row is None or row.session_id != bs.id:
        raise NotFound(_("Dit cluster bestaat niet (meer)."))
    return row


def rename_cluster(bs: BrainstormSession, actor: User, cluster_id: int, title: str) -> Cluster:
    """Give a cluster the facilitator's title; an empty title goes back to the engine's terms."""
    row = _cluster_in(bs, cluster_id)
    title = " ".join(str(title or "").split())
    if len(title) > TITLE_MAX:
        raise InputError(_("Een titel mag hoogstens %(max)d tekens zijn.", max=TITLE_MAX))
    row.title = title
    _broadcast_clusters(bs, actor)
    return row


def move_cluster(bs: BrainstormSession, actor: User, cluster_id: int, direction: str) -> Cluster:
    """Move a cluster one place up or down in the order."""
    if direction not in ("up", "down"):
        raise InputError(_("Verplaatsen kan alleen omhoog of omlaag."))
    row = _cluster_in(bs, cluster_id)
    order = ordered_clusters(bs)
    index = order.index(row)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order):
        item.position = position
    _broadcast_clusters(bs, actor)
    return row
