"""The engine in the workspace: a run clusters a scope's ideas around what the facilitator
fixed (locked clusters, hand placements), and ideas that arrive later are slotted live into
the nearest cluster.
"""

from __future__ import annotations

import time

from flask_babel import gettext as _
from sqlalchemy import delete

from brainstorm.accounts.models import User
from brainstorm.background import run_blocking
from brainstorm.clustering import Clustering, Guided, assign, cluster, cluster_guided
from brainstorm.errors import InputError
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import FACILITATORS
from brainstorm.sessions import signals
from brainstorm.sessions.models import BrainstormSession, Idea, Phase
from brainstorm.sessions.services import phase_of
from brainstorm.workspace import carry
from brainstorm.workspace.models import Cluster, ClusteringRun, ClusterMember
from brainstorm.workspace.services import (
    PLENARY,
    active_groups,
    actor_name,
    broadcast,
    check_k,
    group_id_of,
    last_run,
    members_by_cluster,
    ordered_clusters,
    parse_scope,
    places_of,
    remember,
    room_audiences,
    scope_clusters,
    scope_ideas,
    scopes_of,
    soon_after_board_change,
)

# --- running the engine ---------------------------------------------------------------------


def run_clustering(
    bs: BrainstormSession, actor: User, k: int | None = None, scope: object = None
) -> list[ClusteringRun]:
    """Cluster the visible ideas of a scope (every group's while apart, unless one is named)."""
    check_k(k)
    if scope in (None, "") and bs.groups_apart:
        scopes = [s for s in scopes_of(bs) if s != PLENARY and len(scope_ideas(bs, s)) >= 2]
        if not scopes:
            raise InputError(_("Er zijn minstens 2 vraagstukken nodig om te clusteren."))
    else:
        scopes = [parse_scope(bs, scope)]
    runs = []
    for each in scopes:
        realtime.emit_to(
            bs.id,
            [*room_audiences(bs, each), FACILITATORS],
            "clustering_started",
            {"scope": each, "by": actor_name(actor)},
        )
        runs.append(_run_scope(bs, actor, k, each))
    return runs


def _run_scope(bs: BrainstormSession, actor: User, k: int | None, scope: str) -> ClusteringRun:
    ideas = scope_ideas(bs, scope)
    if len(ideas) < 2:
        raise InputError(_("Er zijn minstens 2 vraagstukken nodig om te clusteren."))
    clusters = scope_clusters(bs, scope)
    locked = {c.id for c in clusters if c.locked}
    places = places_of(ideas)
    # The facilitator's hand wins: ideas in locked clusters, moved by hand or set aside stay.
    fixed = {i for i, p in places.items() if p.manual or p.cluster_id in locked}
    free = [idea for idea in ideas if idea.id not in fixed]

    # Nothing is written before the engine is done: a write open while it computes would hold
    # SQLite's lock, and an idea sent meanwhile would wait in SQLite's busy wait, which holds
    # up every page of the process.
    started = time.perf_counter()
    texts, ids = [i.text for i in ideas], [i.id for i in ideas]
    previous = _previous(bs, clusters, locked, places)
    carried = carry.references(bs)
    about = {c.key: carried[c.id] for c in clusters if c.id in locked and c.id in carried}
    if fixed or about:
        # The facilitator's work is where the run starts: locked clusters (with what a carried
        # theme was about) and hand placements are seeds that pull similar free ideas; the rest
        # is grouped anew into what is left of k.
        guided: Guided = run_blocking(
            cluster_guided,
            texts,
            k,
            ids=ids,
            fixed=_seeds(clusters, locked, places),
            aside=[i for i, p in places.items() if p.manual and p.cluster_id is None],
            previous=previous,
            references=about,
        )
        whole, result = guided.whole, guided.rest
        free = [idea for idea in free if idea.id not in guided.joined]
    else:
        whole = result = run_blocking(cluster, texts, k, ids=ids, previous=previous)
    duration_ms = round((time.perf_counter() - started) * 1000)
    remember(bs, scope, "run")
    for place in places.values():
        place.new = False
    if fixed or about:  # before _store: it removes the clusters the joined ideas leave behind
        _join(clusters, locked, places, guided.joined)
    if result is not None:
        _store(bs, scope, clusters, locked, places, free, result)
    run = ClusteringRun(
        session_id=bs.id,
        scope=scope,
        user_id=actor.id,
        requested_k=k,
        k=len(scope_clusters(bs, scope)),
        n_ideas=len(ideas),
        duration_ms=duration_ms,
        result=whole.to_dict(),
    )
    db.session.add(run)
    db.session.flush()
    text = _("%(n)d clusters uit %(ideas)d vraagstukken", n=run.k, ideas=len(ideas))
    broadcast(bs, [scope], actor, "run", text, coords=True)
    return run


def _seeds(
    clusters: list[Cluster], locked: set[int], places: dict[int, ClusterMember]
) -> dict[str, list[int]]:
    """Per cluster key what the facilitator fixed: a locked cluster's members, hand placements."""
    key_of = {c.id: c.key for c in clusters}
    seeds: dict[str, list[int]] = {}
    for idea_id, place in places.items():
        if place.cluster_id in key_of and (place.manual or place.cluster_id in locked):
            seeds.setdefault(key_of[place.cluster_id], []).append(idea_id)
    return seeds


def _join(
    clusters: list[Cluster],
    locked: set[int],
    places: dict[int, ClusterMember],
    joined: dict[int, str],
) -> None:
    """Put the free ideas a run pulled towards the facilitator's clusters into them."""
    by_key = {c.key: c for c in clusters}
    for idea_id, key in joined.items():
        row = by_key[key]
        place = places.get(idea_id) or ClusterMember(idea_id=idea_id)
        # In a locked cluster it is marked "nieuw": the facilitator may take it out again.
        place.cluster_id, place.manual, place.new = row.id, False, row.id in locked
        db.session.add(place)
        places[idea_id] = place
    db.session.flush()


def _previous(
    bs: BrainstormSession,
    clusters: list[Cluster],
    locked: set[int],
    places: dict[int, ClusterMember],
) -> dict[str, list[int]]:
    """The last run's {key: [free member ids]}; every other key of the session is taken."""
    scope_ids = {c.id for c in clusters if c.id not in locked}
    members: dict[str, list[int]] = {c.key: [] for c in ordered_clusters(bs)}
    key_of = {c.id: c.key for c in clusters}
    for idea_id, place in places.items():
        if place.cluster_id in scope_ids and not place.manual:
            members[key_of[place.cluster_id]].append(idea_id)
    return members


def _store(
    bs: BrainstormSession,
    scope: str,
    clusters: list[Cluster],
    locked: set[int],
    places: dict[int, ClusterMember],
    free: list[Idea],
    result: Clustering,
) -> None:
    """Put the free ideas where the engine says; matched clusters keep title, notes and place."""
    by_key = {c.key: c for c in clusters if c.id not in locked}
    free_ids = {idea.id for idea in free}
    db.session.execute(delete(ClusterMember).where(ClusterMember.idea_id.in_(free_ids)))
    for idea_id in free_ids:
        places.pop(idea_id, None)
    db.session.flush()
    kept, new = [], []
    for info in result.clusters:
        row = by_key.pop(info.key, None)
        if row is None:
            row = Cluster(session_id=bs.id, key=info.key, group_id=group_id_of(scope))
            db.session.add(row)
            new.append(row)
        else:
            kept.append(row)
        row.terms = list(info.terms)
        row.representative_idea_id = info.representative
        db.session.flush()
        for idea_id in info.members:
            place = ClusterMember(idea_id=idea_id, cluster_id=row.id)
            db.session.add(place)
            places[idea_id] = place
    hand_placed = {p.cluster_id for p in places.values() if p.manual}
    for gone in by_key.values():
        # An unmatched cluster the facilitator shaped or placed ideas in stays (perhaps empty).
        if gone.shaped or gone.id in hand_placed:
            kept.append(gone)
        else:
            db.session.delete(gone)
    db.session.flush()
    order = sorted([c for c in clusters if c.id in locked or c in kept], key=lambda c: c.position)
    for position, row in enumerate(order + new):
        row.position = position


# --- slotting new ideas in live -------------------------------------------------------------


def slot_new_ideas(bs: BrainstormSession) -> None:
    """Put ideas that appeared on a board since its last run into the nearest cluster."""
    active = active_groups(bs)
    changed = []
    for scope in scopes_of(bs):
        if phase_of(bs, active.get(group_id_of(scope) or 0)) == Phase.HIDDEN_INPUT:
            continue  # placing them would show how many there are, and where
        run = last_run(bs, scope)
        clusters = scope_clusters(bs, scope)
        if run is None or not clusters:
            continue
        seen = {int(i) for i in run.result.get("coords", {})}
        ideas = scope_ideas(bs, scope)
        placed = places_of(ideas)
        fresh = [i for i in ideas if i.id not in placed and i.id not in seen]
        if fresh and _slot(bs, clusters, fresh, new=True):
            changed.append(scope)
    if changed:
        broadcast(bs, changed, None, "assign_new")


@signals.board_changed.connect
def _on_board_changed(bs: BrainstormSession, **_extra) -> None:
    soon_after_board_change(bs, "slot", slot_new_ideas)


def _slot(bs: BrainstormSession, clusters: list[Cluster], ideas: list[Idea], *, new: bool) -> bool:
    """Place ideas into the nearest cluster with members or a carried theme; False when there
    is none.

    A locked cluster receives them too: marked "nieuw", the facilitator can move them out.
    """
    members = members_by_cluster(bs)
    carried = carry.references(bs)
    texts = {
        c.id: [*carried.get(c.id, []), *(i.text for i in members.get(c.id, []))] for c in clusters
    }
    groups = {str(cid): about for cid, about in texts.items() if about}
    if not groups:
        return False
    keys = run_blocking(assign, groups, [idea.text for idea in ideas])
    placed = places_of(ideas)  # a re-run also slots free ideas that still have a place
    for idea, key in zip(ideas, keys, strict=True):
        place = placed.get(idea.id) or ClusterMember(idea_id=idea.id)
        place.cluster_id, place.new = int(key), new
        db.session.add(place)
    db.session.flush()
    return True
