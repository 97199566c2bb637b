"""The facilitator's corrections by hand (move, rename, merge, split, create, lock, reorder,
delete, deepen) and undo; each keeps an undo state and ends in one `clusters_updated` per
audience of its scope (see docs/workspace-protocol.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from uuid import uuid4

from flask_babel import gettext as _
from sqlalchemy import delete, select

from brainstorm.accounts.models import User
from brainstorm.background import run_blocking
from brainstorm.clustering import Clustering, cluster
from brainstorm.errors import InputError, NotFound
from brainstorm.extensions import db
from brainstorm.sessions import signals
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.workspace.models import (
    DEEPENING_MAX,
    Audience,
    Cluster,
    ClusterMember,
    ClusterVote,
    WorkspaceUndo,
)
from brainstorm.workspace.services import (
    CLUSTER_FIELDS,
    PLENARY,
    TITLE_MAX,
    action_label,
    active_groups,
    broadcast,
    check_k,
    cluster_in,
    cluster_votes,
    group_id_of,
    members_by_cluster,
    ordered_clusters,
    parse_scope,
    remember,
    scope_clusters,
    scope_ideas,
    scope_of,
    scope_of_cluster,
    scopes_of,
)

# --- undo -----------------------------------------------------------------------------------


def undo(bs: BrainstormSession, actor: User) -> str:
    """Put the workspace back as it was before the last correction; returns what was undone."""
    query = select(WorkspaceUndo).filter_by(session_id=bs.id).order_by(WorkspaceUndo.id.desc())
    step = db.session.scalar(query.limit(1))
    if step is None:
        raise InputError(_("Er is niets om ongedaan te maken."))
    scope = step.scope if step.scope in scopes_of(bs) else PLENARY
    state = step.state
    kept = {row["id"] for row in state["clusters"]}
    for c in scope_clusters(bs, scope):
        if c.id not in kept:
            db.session.delete(c)
    db.session.flush()
    for row in state["clusters"]:
        c = db.session.get(Cluster, row["id"])
        if c is None:
            c = Cluster(session_id=bs.id)
            db.session.add(c)
        for field in CLUSTER_FIELDS:
            setattr(c, field, row[field])
    db.session.flush()
    ideas = set(state["ideas"]) | {idea.id for idea in scope_ideas(bs, scope)}
    db.session.execute(delete(ClusterMember).where(ClusterMember.idea_id.in_(ideas)))
    existing = set(db.session.scalars(select(Idea.id).where(Idea.id.in_(ideas))))
    db.session.add_all(
        ClusterMember(idea_id=i, cluster_id=c, manual=m, new=n)
        for i, c, m, n in state["places"]
        if i in existing
    )
    db.session.delete(step)
    broadcast(bs, [scope], actor, "undo", action_label(step.action), coords=True)
    return step.action


# --- corrections by hand --------------------------------------------------------------------


def _renumber(clusters: Sequence[Cluster]) -> None:
    for position, row in enumerate(clusters):
        row.position = position


def move_idea(bs: BrainstormSession, actor: User, idea_id: object, cluster_id: object) -> None:
    """Put an idea in another cluster by hand, or (None) set it aside as "past nergens"."""
    idea = db.session.get(Idea, idea_id) if type(idea_id) is int else None
    if idea is None or idea.session_id != bs.id or not idea.on_board:
        raise NotFound(_("Dit vraagstuk staat niet (meer) op het bord."))
    scope = scope_of(idea.group_id, active_groups(bs))
    target = None
    if cluster_id is not None:
        target = cluster_in(bs, cluster_id)
        if scope_of_cluster(bs, target) != scope:
            raise InputError(_("Een vraagstuk kan alleen naar een cluster van dezelfde groep."))
    remember(bs, scope, "move_idea")
    place = db.session.get(ClusterMember, idea.id) or ClusterMember(idea_id=idea.id)
    place.cluster_id, place.manual, place.new = (target.id if target else None), True, False
    db.session.add(place)
    where = target.label if target else _("past nergens")
    broadcast(bs, [scope], actor, "move_idea", f"“{_short(idea.text)}” → {where}")


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def rename_cluster(
    bs: BrainstormSession, actor: User, cluster_id: object, title: object
) -> Cluster:
    """Give a cluster the facilitator's title; an empty title goes back to the engine's terms."""
    row = cluster_in(bs, cluster_id)
    title = " ".join(str(title or "").split())
    if len(title) > TITLE_MAX:
        raise InputError(_("Een titel mag hoogstens %(max)d tekens zijn.", max=TITLE_MAX))
    scope = scope_of_cluster(bs, row)
    remember(bs, scope, "rename")
    old, row.title = row.label, title
    broadcast(bs, [scope], actor, "rename", f"{old} → {row.label}")
    return row


def merge_clusters(
    bs: BrainstormSession, actor: User, cluster_id: object, into_id: object
) -> Cluster:
    """Put one cluster's ideas, votes and notes into another; the first disappears."""
    source, target = cluster_in(bs, cluster_id), cluster_in(bs, into_id)
    scope = scope_of_cluster(bs, target)
    if source.id == target.id or scope_of_cluster(bs, source) != scope:
        raise InputError(_("Kies twee verschillende clusters van dezelfde groep."))
    remember(bs, scope, "merge")
    # What was merged by hand stays together in a re-run (a must-link): every member becomes a
    # seed of the merged cluster, until the facilitator splits it.
    db.session.execute(
        ClusterMember.__table__.update()
        .where(ClusterMember.cluster_id.in_([source.id, target.id]))
        .values(cluster_id=target.id, manual=True)
    )
    _move_votes(bs, source, target)
    for field in ("title", "summary", "question", "recommendation"):
        if not getattr(target, field):
            setattr(target, field, getattr(source, field))
    target.audiences = sorted(set(target.audiences) | set(source.audiences))
    text = f"{source.label} + {target.label}"
    db.session.delete(source)
    db.session.flush()
    _renumber(scope_clusters(bs, scope))
    broadcast(bs, [scope], actor, "merge", text)
    return target


def _move_votes(bs: BrainstormSession, source: Cluster, target: Cluster) -> None:
    """Votes follow the merge; without stacking a second dot of one person goes back to them."""
    voters = Counter(
        db.session.scalars(select(ClusterVote.participant_id).filter_by(cluster_id=target.id))
    )
    for vote in db.session.scalars(select(ClusterVote).filter_by(cluster_id=source.id)):
        if voters[vote.participant_id] and not bs.vote_stacking:
            db.session.delete(vote)
        else:
            vote.cluster_id = target.id
            voters[vote.participant_id] += 1


def split_cluster(
    bs: BrainstormSession, actor: User, cluster_id: object, k: int | None = None
) -> list[Cluster]:
    """Run the engine inside one cluster: it keeps its largest part, the rest become new ones."""
    row = cluster_in(bs, cluster_id)
    if row.locked:
        raise InputError(_("Dit cluster staat vast. Maak het eerst los."))
    check_k(k)
    scope = scope_of_cluster(bs, row)
    members = members_by_cluster(bs).get(row.id, [])
    if len(members) < 2:
        raise InputError(_("Een cluster splitsen kan vanaf 2 vraagstukken."))
    # The engine first, then the writes (see runs._run_scope).
    result: Clustering = run_blocking(
        cluster, [i.text for i in members], min(k or 2, len(members)), ids=[i.id for i in members]
    )
    remember(bs, scope, "split")
    # A split undoes a merge's must-link: the parts are free again for the next run.
    db.session.execute(
        ClusterMember.__table__.update()
        .where(ClusterMember.cluster_id == row.id)
        .values(manual=False)
    )
    parts = [row]
    row.terms = list(result.clusters[0].terms) if not row.title else row.terms
    for info in result.clusters[1:]:
        part = Cluster(
            session_id=bs.id,
            key=_hand_key(),
            group_id=row.group_id,
            terms=list(info.terms),
            representative_idea_id=info.representative,
        )
        db.session.add(part)
        db.session.flush()
        db.session.execute(
            ClusterMember.__table__.update()
            .where(ClusterMember.idea_id.in_(info.members))
            .values(cluster_id=part.id, manual=False, new=False)
        )
        parts.append(part)
    order = scope_clusters(bs, scope)
    order = [c for c in order if c not in parts[1:]]
    index = order.index(row) + 1
    _renumber(order[:index] + parts[1:] + order[index:])
    text = _("%(name)s in %(n)d delen", name=row.label, n=len(parts))
    broadcast(bs, [scope], actor, "split", text)
    return parts


def _hand_key() -> str:
    # Not the engine's "c<n>": a hand-made cluster never takes over an engine cluster's identity.
    return f"m{uuid4().hex[:10]}"


def create_cluster(
    bs: BrainstormSession, actor: User, title: object, scope: object = None
) -> Cluster:
    """An empty cluster at the end, for ideas the facilitator will put in by hand."""
    scope = parse_scope(bs, scope)
    title = " ".join(str(title or "").split())
    if not title:
        raise InputError(_("Geef het nieuwe cluster een titel."))
    if len(title) > TITLE_MAX:
        raise InputError(_("Een titel mag hoogstens %(max)d tekens zijn.", max=TITLE_MAX))
    remember(bs, scope, "create")
    row = Cluster(
        session_id=bs.id,
        key=_hand_key(),
        group_id=group_id_of(scope),
        title=title,
        position=len(scope_clusters(bs, scope)),
    )
    db.session.add(row)
    db.session.flush()
    broadcast(bs, [scope], actor, "create", title)
    return row


def lock_cluster(bs: BrainstormSession, actor: User, cluster_id: object, locked: object) -> Cluster:
    """Fix a cluster (its members and title survive re-runs), or free it again."""
    row = cluster_in(bs, cluster_id)
    if not isinstance(locked, bool):
        raise InputError(_("Kies vastzetten of losmaken."))
    scope = scope_of_cluster(bs, row)
    action = "lock" if locked else "unlock"
    remember(bs, scope, action)
    row.locked = locked
    broadcast(bs, [scope], actor, action, row.label)
    return row


def reorder_clusters(bs: BrainstormSession, actor: User, cluster_ids: object) -> None:
    """Put a scope's clusters in the order given (all of them, each once)."""
    if not isinstance(cluster_ids, list) or not cluster_ids:
        raise InputError(_("Geef de nieuwe volgorde van alle clusters."))
    first = cluster_in(bs, cluster_ids[0])
    scope = scope_of_cluster(bs, first)
    current = scope_clusters(bs, scope)
    by_id = {c.id: c for c in current}
    if sorted(cluster_ids, key=str) != sorted(by_id, key=str):
        raise InputError(_("De volgorde klopt niet meer met de clusters. Probeer het opnieuw."))
    remember(bs, scope, "reorder")
    _renumber([by_id[i] for i in cluster_ids])
    broadcast(bs, [scope], actor, "reorder")


def move_cluster(
    bs: BrainstormSession, actor: User, cluster_id: object, direction: object
) -> Cluster:
    """Move a cluster one place up or down in the order (the keyboard way to reorder)."""
    if direction not in ("up", "down"):
        raise InputError(_("Verplaatsen kan alleen omhoog of omlaag."))
    row = cluster_in(bs, cluster_id)
    order = scope_clusters(bs, scope_of_cluster(bs, row))
    index = order.index(row)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    reorder_clusters(bs, actor, [c.id for c in order])
    return row


def delete_cluster(bs: BrainstormSession, actor: User, cluster_id: object) -> None:
    """Remove a cluster; its ideas wait unclustered for the next run or a hand."""
    row = cluster_in(bs, cluster_id)
    scope = scope_of_cluster(bs, row)
    remember(bs, scope, "delete")
    label = row.label
    db.session.delete(row)
    db.session.flush()
    _renumber(scope_clusters(bs, scope))
    broadcast(bs, [scope], actor, "delete", label)


def update_deepening(
    bs: BrainstormSession,
    actor: User,
    cluster_id: object,
    summary: object = "",
    question: object = "",
    recommendation: object = "",
    audiences: object = (),
) -> Cluster:
    """The deepening of a theme: summary, underlying question, recommendation, and for whom."""
    row = cluster_in(bs, cluster_id)
    texts = {}
    for field, value in (
        ("summary", summary),
        ("question", question),
        ("recommendation", recommendation),
    ):
        if not isinstance(value, str | None):
            raise InputError(_("Vul tekst in."))
        texts[field] = (value or "").strip()
        if len(texts[field]) > DEEPENING_MAX:
            raise InputError(_("Een tekst mag hoogstens %(max)d tekens zijn.", max=DEEPENING_MAX))
    known = {a.value for a in Audience}
    if not isinstance(audiences, list | tuple) or not all(
        isinstance(a, str) and a in known for a in audiences
    ):
        raise InputError(_("Kies uit OCW, vakorganisaties, sectorraden en Voorlopersgroep."))
    scope = scope_of_cluster(bs, row)
    remember(bs, scope, "deepen")
    for field, value in texts.items():
        setattr(row, field, value)
    row.audiences = [a.value for a in Audience if a.value in audiences]
    broadcast(bs, [scope], actor, "deepen", row.label)
    return row


def order_by_votes(bs: BrainstormSession, actor: User, scope: object = None) -> None:
    """Most-voted clusters first (ties keep their order)."""
    scope = parse_scope(bs, scope)
    votes = cluster_votes(bs)
    order = sorted(scope_clusters(bs, scope), key=lambda c: -votes.get(c.id, 0))
    remember(bs, scope, "order_by_votes")
    _renumber(order)
    broadcast(bs, [scope], actor, "order_by_votes")


def groups_returned(bs: BrainstormSession) -> None:
    """After the return to the plenary the groups' clusters are plenary clusters: tell everyone."""
    if db.session.scalar(select(Cluster.id).filter_by(session_id=bs.id).limit(1)):
        _renumber(
            sorted(
                ordered_clusters(bs),
                key=lambda c: (c.group_id is not None, c.group_id or 0, c.position),
            )
        )
        broadcast(bs, [PLENARY], None, "return", coords=False)


@signals.groups_returned.connect
def _on_groups_returned(bs: BrainstormSession, **_extra) -> None:
    groups_returned(bs)
