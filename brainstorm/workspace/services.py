"""The facilitator's workspace: the engine proposes clusters, the facilitator shapes them.

Clusters live in a scope: the plenary, or a breakout group while the groups are apart. Every
correction keeps an undo state, is logged with who did it and ends in one `clusters_updated`
per audience of its scope (see docs/workspace-protocol.md).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from uuid import uuid4

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts.models import User
from brainstorm.background import run_blocking, run_later_once
from brainstorm.clustering import (
    Clustering,
    Guided,
    assign,
    cluster,
    cluster_guided,
    similar_groups,
    theme_titles,
)
from brainstorm.errors import InputError, LimitReached, NotFound, PhaseClosed
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions import signals
from brainstorm.sessions.models import BrainstormSession, BreakoutGroup, Idea, Participant, Phase
from brainstorm.sessions.services import (
    current_group,
    phase_of,
    settings_of,
    vote_counts,
    votes_hidden,
)
from brainstorm.timeutil import utcnow
from brainstorm.workspace.models import (
    DEEPENING_MAX,
    Audience,
    Cluster,
    ClusteringRun,
    ClusterMember,
    ClusterVote,
    WorkspaceUndo,
)

K_MAX = 20
TITLE_MAX = 120
PLENARY = "plenary"
UNDO_DEPTH = 30
LOG_LENGTH = 30
MERGE_SIMILARITY = 0.3  # clusters of different groups at least this alike are proposed


# --- scopes ---------------------------------------------------------------------------------


def _active_groups(bs: BrainstormSession) -> dict[int, BreakoutGroup]:
    if not bs.groups_apart:
        return {}
    query = select(BreakoutGroup).filter_by(session_id=bs.id, active=True)
    return {group.id: group for group in db.session.scalars(query)}


def _scope_of(group_id: int | None, active: dict[int, BreakoutGroup]) -> str:
    return f"group:{group_id}" if group_id in active else PLENARY


def scopes_of(bs: BrainstormSession) -> list[str]:
    """Every scope of the session now: the plenary, and each group while they are apart."""
    return [PLENARY, *(f"group:{gid}" for gid in sorted(_active_groups(bs)))]


def parse_scope(bs: BrainstormSession, scope: object) -> str:
    """A scope named by a client, checked against the session's groups."""
    if scope in (None, "", PLENARY):
        return PLENARY
    if isinstance(scope, str) and scope in scopes_of(bs):
        return scope
    raise NotFound(_("Deze groep bestaat niet (meer)."))


def _group_id(scope: str) -> int | None:
    return None if scope == PLENARY else int(scope.removeprefix("group:"))


def _audiences(scope: str) -> list[str]:
    if scope == PLENARY:
        return [EVERYONE]
    return [f"group:{_group_id(scope)}", FACILITATORS]


def scope_ideas(bs: BrainstormSession, scope: str) -> list[Idea]:
    """The ideas on the board in this scope, oldest first."""
    active = _active_groups(bs)
    query = select(Idea).filter_by(session_id=bs.id, withdrawn_at=None, merged_into_id=None)
    return [
        idea
        for idea in db.session.scalars(query.order_by(Idea.id))
        if idea.on_board and _scope_of(idea.group_id, active) == scope
    ]


def scope_clusters(bs: BrainstormSession, scope: str) -> list[Cluster]:
    """The clusters of one scope in the facilitator's order."""
    active = _active_groups(bs)
    return [c for c in ordered_clusters(bs) if _scope_of(c.group_id, active) == scope]


def ordered_clusters(bs: BrainstormSession) -> list[Cluster]:
    """All the session's clusters in the facilitator's order."""
    query = select(Cluster).filter_by(session_id=bs.id)
    return list(db.session.scalars(query.order_by(Cluster.position, Cluster.id)))


def _places(ideas: Iterable[Idea]) -> dict[int, ClusterMember]:
    ids = [idea.id for idea in ideas]
    if not ids:
        return {}
    rows = db.session.scalars(select(ClusterMember).where(ClusterMember.idea_id.in_(ids)))
    return {row.idea_id: row for row in rows}


def members_by_cluster(bs: BrainstormSession) -> dict[int, list[Idea]]:
    """Visible ideas per cluster id, oldest first."""
    rows = db.session.execute(
        select(ClusterMember.cluster_id, Idea)
        .join(Idea, Idea.id == ClusterMember.idea_id)
        .where(Idea.session_id == bs.id, ClusterMember.cluster_id.is_not(None))
        .order_by(Idea.id)
    )
    members: dict[int, list[Idea]] = {}
    for cluster_id, idea in rows:
        if idea.on_board:
            members.setdefault(cluster_id, []).append(idea)
    return members


def cluster_votes(bs: BrainstormSession) -> dict[int, int]:
    """Dots per cluster id."""
    rows = db.session.execute(
        select(ClusterVote.cluster_id, func.count())
        .filter_by(session_id=bs.id)
        .group_by(ClusterVote.cluster_id)
    )
    return dict(rows.all())


# --- what screens receive -------------------------------------------------------------------


def suggested_titles(c: Cluster, representative: str = "") -> list[str]:
    """A few titles to start from: the phrase its members carry, the top terms, a central idea."""
    terms = c.terms
    titles = [c.suggested_title] if c.suggested_title else []
    if terms:
        titles.append(terms[0][:1].upper() + terms[0][1:])
    if len(terms) >= 2:
        titles.append(f"{terms[0][:1].upper() + terms[0][1:]} en {terms[1]}")
    if representative and len(representative) <= 80:
        titles.append(representative.rstrip("?.!"))
    return list(dict.fromkeys(titles))


def _cluster_public(
    c: Cluster,
    scope: str,
    ideas: list[Idea],
    places: dict[int, ClusterMember],
    votes: int | None,
    origin: BreakoutGroup | None,
) -> dict:
    representative = next((i.text for i in ideas if i.id == c.representative_idea_id), "")
    return {
        "id": c.id,
        "scope": scope,
        "title": c.title,
        "label": c.label,
        "terms": c.terms,
        "suggested_title": c.suggested_title,
        "suggested_titles": suggested_titles(c, representative),
        "position": c.position,
        "locked": c.locked,
        "origin": {"id": origin.id, "name": origin.name} if origin else None,
        "idea_ids": [i.id for i in ideas],
        "new_idea_ids": [i.id for i in ideas if places[i.id].new],
        "manual_idea_ids": [i.id for i in ideas if places[i.id].manual],
        "representative_id": c.representative_idea_id,
        "votes": votes,
        "summary": c.summary,
        "question": c.question,
        "recommendation": c.recommendation,
        "audiences": c.audiences,
    }


def scope_payload(bs: BrainstormSession, scope: str, *, coords: bool = False) -> dict:
    """Everything a screen needs to draw one scope's clusters (without seq or change)."""
    ideas = scope_ideas(bs, scope)
    by_id = {idea.id: idea for idea in ideas}
    places = _places(ideas)
    clusters = scope_clusters(bs, scope)
    # Blind voting: the counts travel apart, to the facilitators only (see _vote_totals).
    votes = {} if votes_hidden(bs) else cluster_votes(bs)
    origins = {c.group_id for c in clusters if c.group_id}
    groups = {
        g.id: g
        for g in db.session.scalars(select(BreakoutGroup).filter(BreakoutGroup.id.in_(origins)))
    }
    members: dict[int, list[Idea]] = {c.id: [] for c in clusters}
    for idea in ideas:
        place = places.get(idea.id)
        if place and place.cluster_id in members:
            members[place.cluster_id].append(idea)
    run = _last_run(bs, scope)
    result = run.result if run else {}
    public = [
        _cluster_public(c, scope, members[c.id], places, votes.get(c.id), groups.get(c.group_id))
        for c in clusters
    ]
    for index, item in enumerate(public):
        item["position"] = index
    payload = {
        "scope": scope,
        "clusters": public,
        "unassigned": [i for i, p in places.items() if p.cluster_id is None and p.manual],
        "duplicates": [pair for pair in result.get("duplicates", []) if set(pair) <= by_id.keys()],
        "outliers": [i for i in result.get("outliers", []) if i in by_id],
        "merge_suggestions": _merge_suggestions(clusters, members),
        "k": run.k if run else None,  # what the last run made, for the k control
    }
    if coords:
        payload["coords"] = {
            str(i): xy for i, xy in result.get("coords", {}).items() if int(i) in by_id
        }
    return payload


def _merge_suggestions(clusters: list[Cluster], members: dict[int, list[Idea]]) -> list:
    """Similar clusters that came from different breakout groups (after the return)."""
    if len({c.group_id for c in clusters if c.group_id}) < 2:
        return []
    texts = {str(c.id): [i.text for i in members[c.id]] for c in clusters}
    origin = {str(c.id): c.group_id for c in clusters}
    return [
        [int(a), int(b), score]
        for a, b, score in similar_groups(texts, MERGE_SIMILARITY)
        if origin[a] != origin[b]
    ]


def _last_run(bs: BrainstormSession, scope: str) -> ClusteringRun | None:
    query = select(ClusteringRun).filter_by(session_id=bs.id, scope=scope)
    return db.session.scalar(query.order_by(ClusteringRun.id.desc()).limit(1))


def workspace_snapshot(bs: BrainstormSession, scopes: Sequence[str], *, log: bool) -> dict:
    """The clusters and workspace state of these scopes, for a (re)connecting screen.

    With `log` the screen is a facilitator's: it also gets the change log and the vote totals;
    any other screen gets no clusters while they are the facilitator's draft.
    """
    if not log and not bs.themes_shown:
        scopes = []
    payloads = {scope: scope_payload(bs, scope, coords=True) for scope in scopes}
    workspace: dict = {
        "scopes": {
            scope: {
                key: value for key, value in payload.items() if key not in ("clusters", "scope")
            }
            for scope, payload in payloads.items()
        },
        "can_undo": _can_undo(bs),
    }
    if log:
        workspace["log"] = change_log(bs)
        workspace["totals"] = _vote_totals(bs)
    return {
        "clusters": [c for payload in payloads.values() for c in payload["clusters"]],
        "workspace": workspace,
    }


def viewer_scopes(bs: BrainstormSession, participant: Participant | None) -> list[str]:
    """What a participant may see: their group while apart, else the plenary."""
    group = current_group(bs, participant)
    return [f"group:{group.id}"] if group else [PLENARY]


def change_log(bs: BrainstormSession) -> list[dict]:
    """The last workspace corrections, newest first (who, what, when)."""
    # A group's change is logged for the group and for the facilitators: read the latter.
    query = (
        select(SessionEvent.payload)
        .where(
            SessionEvent.session_id == bs.id,
            SessionEvent.name == "clusters_updated",
            SessionEvent.audience.in_([EVERYONE, FACILITATORS]),
        )
        .order_by(SessionEvent.seq.desc())
        .limit(LOG_LENGTH)
    )
    return [payload["change"] for payload in db.session.scalars(query) if payload.get("change")]


def _can_undo(bs: BrainstormSession) -> bool:
    query = select(WorkspaceUndo.id).filter_by(session_id=bs.id).limit(1)
    return db.session.scalar(query) is not None


def _actor_name(actor: User | None) -> str:
    # Participants see this too: a name, never an email address.
    if actor is None:
        return ""
    return actor.name or _("de facilitator")


def _broadcast(
    bs: BrainstormSession,
    scopes: Iterable[str],
    actor: User | None,
    action: str,
    text: str = "",
    *,
    coords: bool = False,
    first: Sequence[SessionEvent] = (),
) -> None:
    """Commit, then send each scope's clusters to its audiences with what changed.

    `first` are events of the same change that pages must handle before the clusters.
    """
    change = {
        "action": action,
        "by": _actor_name(actor),
        "text": text,
        "at": utcnow().isoformat(),
    }
    actor_id = f"user:{actor.id}" if actor else "system"
    events = list(first)
    can_undo = _can_undo(bs)
    groups = _active_groups(bs)
    for scope in dict.fromkeys(scopes):
        _retitle(bs, scope)
        group = groups.get(_group_id(scope) or 0)
        payload = {
            **scope_payload(bs, scope, coords=coords),
            # Which board changed, so "2 clusters" of two groups can be told apart in the log.
            "change": {**change, "scope": scope, "group": group.name if group else None},
            "can_undo": can_undo,
        }
        for audience in _room_audiences(bs, scope):
            events.append(
                realtime.log_event(
                    bs.id, "clusters_updated", payload, audience=audience, actor=actor_id
                )
            )
    if votes_hidden(bs) and cluster_votes(bs):
        # Merges and deletions move dots: the console's counts follow (the room's stay hidden).
        totals = _vote_totals(bs)
        events.append(
            realtime.log_event(bs.id, "vote_totals", totals, audience=FACILITATORS, actor=actor_id)
        )
    realtime.commit_and_emit(events)


def _room_audiences(bs: BrainstormSession, scope: str) -> list[str]:
    """Who receives a scope's clusters: its audiences once shown, the facilitators before."""
    return _audiences(scope) if bs.themes_shown else [FACILITATORS]


def _retitle(bs: BrainstormSession, scope: str) -> None:
    """Give every cluster of the scope the phrase its members carry now."""
    clusters = scope_clusters(bs, scope)
    if not clusters:
        return
    members = members_by_cluster(bs)
    session = [idea.text for idea in scope_ideas(bs, scope)]
    themes = [[idea.text for idea in members.get(c.id, [])] for c in clusters]
    for c, title in zip(clusters, theme_titles(themes, session), strict=True):
        if c.suggested_title != title[:TITLE_MAX]:
            c.suggested_title = title[:TITLE_MAX]


def _vote_totals(bs: BrainstormSession) -> dict:
    """Every count at once: dots per idea and per cluster id."""
    return {
        "ideas": {str(i): n for i, n in vote_counts(bs).items()},
        "clusters": {str(c): n for c, n in cluster_votes(bs).items()},
    }


# --- undo -----------------------------------------------------------------------------------

_CLUSTER_FIELDS = (
    "id",
    "group_id",
    "key",
    "title",
    "terms",
    "position",
    "locked",
    "representative_idea_id",
    "summary",
    "question",
    "recommendation",
    "audiences",
)


def _remember(bs: BrainstormSession, scope: str, action: str) -> None:
    """Keep the scope's state as it is now, so the coming correction can be undone."""
    clusters = scope_clusters(bs, scope)
    ideas = scope_ideas(bs, scope)
    state = {
        "clusters": [{f: getattr(c, f) for f in _CLUSTER_FIELDS} for c in clusters],
        "places": [[p.idea_id, p.cluster_id, p.manual, p.new] for p in _places(ideas).values()],
        "ideas": [idea.id for idea in ideas],
    }
    db.session.add(WorkspaceUndo(session_id=bs.id, scope=scope, action=action, state=state))
    old = select(WorkspaceUndo.id).filter_by(session_id=bs.id).order_by(WorkspaceUndo.id.desc())
    keep = list(db.session.scalars(old.limit(UNDO_DEPTH - 1)))
    db.session.execute(
        delete(WorkspaceUndo).where(
            WorkspaceUndo.session_id == bs.id, WorkspaceUndo.id.not_in(keep or [0])
        )
    )


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
        for field in _CLUSTER_FIELDS:
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
    _broadcast(bs, [scope], actor, "undo", action_label(step.action), coords=True)
    return step.action


def action_label(action: str) -> str:
    """A workspace change in words ("clusters samenvoegen"), for the log and the report."""
    return {
        "run": _("clusteren"),
        "move_idea": _("vraagstuk verplaatsen"),
        "rename": _("naam wijzigen"),
        "merge": _("clusters samenvoegen"),
        "split": _("cluster splitsen"),
        "create": _("nieuw cluster"),
        "lock": _("vastzetten"),
        "unlock": _("losmaken"),
        "reorder": _("volgorde wijzigen"),
        "deepen": _("verdieping"),
        "order_by_votes": _("sorteren op stemmen"),
        "delete": _("cluster verwijderen"),
        "move_cluster": _("volgorde wijzigen"),
        "undo": _("ongedaan maken"),
        "assign_new": _("nieuwe vraagstukken ingedeeld"),
        "return": _("groepen terug in de plenaire sessie"),
        "show": _("getoond aan de zaal"),
        "hide": _("verborgen voor de zaal"),
    }.get(action, action)


# --- running the engine ---------------------------------------------------------------------


def _check_k(k: int | None) -> None:
    if k is not None and not 2 <= k <= K_MAX:
        raise InputError(
            _("Kies tussen 2 en %(max)d clusters, of laat het op automatisch staan.", max=K_MAX)
        )


def run_clustering(
    bs: BrainstormSession, actor: User, k: int | None = None, scope: object = None
) -> list[ClusteringRun]:
    """Cluster the visible ideas of a scope (every group's while apart, unless one is named)."""
    _check_k(k)
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
            [*_room_audiences(bs, each), FACILITATORS],
            "clustering_started",
            {"scope": each, "by": _actor_name(actor)},
        )
        runs.append(_run_scope(bs, actor, k, each))
    return runs


def _run_scope(bs: BrainstormSession, actor: User, k: int | None, scope: str) -> ClusteringRun:
    ideas = scope_ideas(bs, scope)
    if len(ideas) < 2:
        raise InputError(_("Er zijn minstens 2 vraagstukken nodig om te clusteren."))
    clusters = scope_clusters(bs, scope)
    locked = {c.id for c in clusters if c.locked}
    places = _places(ideas)
    # The facilitator's hand wins: ideas in locked clusters, moved by hand or set aside stay.
    fixed = {i for i, p in places.items() if p.manual or p.cluster_id in locked}
    free = [idea for idea in ideas if idea.id not in fixed]
    _remember(bs, scope, "run")

    started = time.perf_counter()
    texts, ids = [i.text for i in ideas], [i.id for i in ideas]
    previous = _previous(bs, clusters, locked, places)
    if fixed:
        # The facilitator's work is where the run starts: locked clusters and hand placements
        # are seeds that pull similar free ideas; the rest is grouped anew into what is left of k.
        guided: Guided = run_blocking(
            cluster_guided,
            texts,
            k,
            ids=ids,
            fixed=_seeds(clusters, locked, places),
            aside=[i for i, p in places.items() if p.manual and p.cluster_id is None],
            previous=previous,
        )
        whole, result = guided.whole, guided.rest
        free = [idea for idea in free if idea.id not in guided.joined]
    else:
        whole = result = run_blocking(cluster, texts, k, ids=ids, previous=previous)
    duration_ms = round((time.perf_counter() - started) * 1000)
    for place in places.values():
        place.new = False
    if fixed:  # before _store: it removes the clusters the joined ideas leave behind
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
    _broadcast(bs, [scope], actor, "run", text, coords=True)
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
            row = Cluster(session_id=bs.id, key=info.key, group_id=_group_id(scope))
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
    active = _active_groups(bs)
    changed = []
    for scope in scopes_of(bs):
        if phase_of(bs, active.get(_group_id(scope) or 0)) == Phase.HIDDEN_INPUT:
            continue  # placing them would show how many there are, and where
        run = _last_run(bs, scope)
        clusters = scope_clusters(bs, scope)
        if run is None or not clusters:
            continue
        seen = {int(i) for i in run.result.get("coords", {})}
        ideas = scope_ideas(bs, scope)
        placed = _places(ideas)
        fresh = [i for i in ideas if i.id not in placed and i.id not in seen]
        if fresh and _slot(bs, clusters, fresh, new=True):
            changed.append(scope)
    if changed:
        _broadcast(bs, changed, None, "assign_new")


@signals.board_changed.connect
def _on_board_changed(bs: BrainstormSession, **_extra) -> None:
    session_id = bs.id

    def slot() -> None:
        try:
            session = db.session.get(BrainstormSession, session_id)
            if session is not None:
                slot_new_ideas(session)
        except IntegrityError:  # another process slotted the same ideas first
            db.session.rollback()

    run_later_once(("slot", session_id), current_app.config["SLOT_DELAY"], slot)


@signals.groups_returned.connect
def _on_groups_returned(bs: BrainstormSession, **_extra) -> None:
    groups_returned(bs)


def _slot(bs: BrainstormSession, clusters: list[Cluster], ideas: list[Idea], *, new: bool) -> bool:
    """Place ideas into the nearest non-empty cluster; False when there is none.

    A locked cluster receives them too: marked "nieuw", the facilitator can move them out.
    """
    members = members_by_cluster(bs)
    groups = {
        str(c.id): [i.text for i in members.get(c.id, [])] for c in clusters if members.get(c.id)
    }
    if not groups:
        return False
    keys = run_blocking(assign, groups, [idea.text for idea in ideas])
    placed = _places(ideas)  # a re-run also slots free ideas that still have a place
    for idea, key in zip(ideas, keys, strict=True):
        place = placed.get(idea.id) or ClusterMember(idea_id=idea.id)
        place.cluster_id, place.new = int(key), new
        db.session.add(place)
    db.session.flush()
    return True


# --- corrections by hand --------------------------------------------------------------------


def _cluster_in(bs: BrainstormSession, cluster_id: object) -> Cluster:
    row = db.session.get(Cluster, cluster_id) if type(cluster_id) is int else None
    if row is None or row.session_id != bs.id:
        raise NotFound(_("Dit cluster bestaat niet (meer)."))
    return row


def _scope_of_cluster(bs: BrainstormSession, row: Cluster) -> str:
    return _scope_of(row.group_id, _active_groups(bs))


def _renumber(clusters: Sequence[Cluster]) -> None:
    for position, row in enumerate(clusters):
        row.position = position


def move_idea(bs: BrainstormSession, actor: User, idea_id: object, cluster_id: object) -> None:
    """Put an idea in another cluster by hand, or (None) set it aside as "past nergens"."""
    idea = db.session.get(Idea, idea_id) if type(idea_id) is int else None
    if idea is None or idea.session_id != bs.id or not idea.on_board:
        raise NotFound(_("Dit vraagstuk staat niet (meer) op het bord."))
    scope = _scope_of(idea.group_id, _active_groups(bs))
    target = None
    if cluster_id is not None:
        target = _cluster_in(bs, cluster_id)
        if _scope_of_cluster(bs, target) != scope:
            raise InputError(_("Een vraagstuk kan alleen naar een cluster van dezelfde groep."))
    _remember(bs, scope, "move_idea")
    place = db.session.get(ClusterMember, idea.id) or ClusterMember(idea_id=idea.id)
    place.cluster_id, place.manual, place.new = (target.id if target else None), True, False
    db.session.add(place)
    where = target.label if target else _("past nergens")
    _broadcast(bs, [scope], actor, "move_idea", f"“{_short(idea.text)}” → {where}")


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def rename_cluster(
    bs: BrainstormSession, actor: User, cluster_id: object, title: object
) -> Cluster:
    """Give a cluster the facilitator's title; an empty title goes back to the engine's terms."""
    row = _cluster_in(bs, cluster_id)
    title = " ".join(str(title or "").split())
    if len(title) > TITLE_MAX:
        raise InputError(_("Een titel mag hoogstens %(max)d tekens zijn.", max=TITLE_MAX))
    scope = _scope_of_cluster(bs, row)
    _remember(bs, scope, "rename")
    old, row.title = row.label, title
    _broadcast(bs, [scope], actor, "rename", f"{old} → {row.label}")
    return row


def merge_clusters(
    bs: BrainstormSession, actor: User, cluster_id: object, into_id: object
) -> Cluster:
    """Put one cluster's ideas, votes and notes into another; the first disappears."""
    source, target = _cluster_in(bs, cluster_id), _cluster_in(bs, into_id)
    scope = _scope_of_cluster(bs, target)
    if source.id == target.id or _scope_of_cluster(bs, source) != scope:
        raise InputError(_("Kies twee verschillende clusters van dezelfde groep."))
    _remember(bs, scope, "merge")
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
    _broadcast(bs, [scope], actor, "merge", text)
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
    row = _cluster_in(bs, cluster_id)
    if row.locked:
        raise InputError(_("Dit cluster staat vast. Maak het eerst los."))
    _check_k(k)
    scope = _scope_of_cluster(bs, row)
    members = members_by_cluster(bs).get(row.id, [])
    if len(members) < 2:
        raise InputError(_("Een cluster splitsen kan vanaf 2 vraagstukken."))
    _remember(bs, scope, "split")
    # A split undoes a merge's must-link: the parts are free again for the next run.
    db.session.execute(
        ClusterMember.__table__.update()
        .where(ClusterMember.cluster_id == row.id)
        .values(manual=False)
    )
    result: Clustering = run_blocking(
        cluster, [i.text for i in members], min(k or 2, len(members)), ids=[i.id for i in members]
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
    _broadcast(bs, [scope], actor, "split", text)
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
    _remember(bs, scope, "create")
    row = Cluster(
        session_id=bs.id,
        key=_hand_key(),
        group_id=_group_id(scope),
        title=title,
        position=len(scope_clusters(bs, scope)),
    )
    db.session.add(row)
    db.session.flush()
    _broadcast(bs, [scope], actor, "create", title)
    return row


def lock_cluster(bs: BrainstormSession, actor: User, cluster_id: object, locked: object) -> Cluster:
    """Fix a cluster (its members and title survive re-runs), or free it again."""
    row = _cluster_in(bs, cluster_id)
    if not isinstance(locked, bool):
        raise InputError(_("Kies vastzetten of losmaken."))
    scope = _scope_of_cluster(bs, row)
    action = "lock" if locked else "unlock"
    _remember(bs, scope, action)
    row.locked = locked
    _broadcast(bs, [scope], actor, action, row.label)
    return row


def reorder_clusters(bs: BrainstormSession, actor: User, cluster_ids: object) -> None:
    """Put a scope's clusters in the order given (all of them, each once)."""
    if not isinstance(cluster_ids, list) or not cluster_ids:
        raise InputError(_("Geef de nieuwe volgorde van alle clusters."))
    first = _cluster_in(bs, cluster_ids[0])
    scope = _scope_of_cluster(bs, first)
    current = scope_clusters(bs, scope)
    by_id = {c.id: c for c in current}
    if sorted(cluster_ids, key=str) != sorted(by_id, key=str):
        raise InputError(_("De volgorde klopt niet meer met de clusters. Probeer het opnieuw."))
    _remember(bs, scope, "reorder")
    _renumber([by_id[i] for i in cluster_ids])
    _broadcast(bs, [scope], actor, "reorder")


def move_cluster(
    bs: BrainstormSession, actor: User, cluster_id: object, direction: object
) -> Cluster:
    """Move a cluster one place up or down in the order (the keyboard way to reorder)."""
    if direction not in ("up", "down"):
        raise InputError(_("Verplaatsen kan alleen omhoog of omlaag."))
    row = _cluster_in(bs, cluster_id)
    order = scope_clusters(bs, _scope_of_cluster(bs, row))
    index = order.index(row)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    reorder_clusters(bs, actor, [c.id for c in order])
    return row


def delete_cluster(bs: BrainstormSession, actor: User, cluster_id: object) -> None:
    """Remove a cluster; its ideas wait unclustered for the next run or a hand."""
    row = _cluster_in(bs, cluster_id)
    scope = _scope_of_cluster(bs, row)
    _remember(bs, scope, "delete")
    label = row.label
    db.session.delete(row)
    db.session.flush()
    _renumber(scope_clusters(bs, scope))
    _broadcast(bs, [scope], actor, "delete", label)


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
    row = _cluster_in(bs, cluster_id)
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
    scope = _scope_of_cluster(bs, row)
    _remember(bs, scope, "deepen")
    for field, value in texts.items():
        setattr(row, field, value)
    row.audiences = [a.value for a in Audience if a.value in audiences]
    _broadcast(bs, [scope], actor, "deepen", row.label)
    return row


def order_by_votes(bs: BrainstormSession, actor: User, scope: object = None) -> None:
    """Most-voted clusters first (ties keep their order)."""
    scope = parse_scope(bs, scope)
    votes = cluster_votes(bs)
    order = sorted(scope_clusters(bs, scope), key=lambda c: -votes.get(c.id, 0))
    _remember(bs, scope, "order_by_votes")
    _renumber(order)
    _broadcast(bs, [scope], actor, "order_by_votes")


def groups_returned(bs: BrainstormSession) -> None:
    """After the return to the plenary the groups' clusters are plenary clusters: tell everyone."""
    if db.session.scalar(select(Cluster.id).filter_by(session_id=bs.id).limit(1)):
        _renumber(
            sorted(
                ordered_clusters(bs),
                key=lambda c: (c.group_id is not None, c.group_id or 0, c.position),
            )
        )
        _broadcast(bs, [PLENARY], None, "return", coords=False)


# --- what the room is shown --------------------------------------------------------------


def show_themes(bs: BrainstormSession, actor: User, shown: bool) -> None:
    """ "Toon aan de zaal": the clusters leave the facilitator's draft (or go back into it)."""
    if bs.themes_shown == shown:
        return
    bs.themes_shown = shown
    # Pages learn it from the settings first: hiding clears their themes, showing is followed
    # by each scope's clusters (to the facilitators only when hidden: the log line).
    settings = realtime.log_event(
        bs.id, "settings_changed", {"settings": settings_of(bs)}, actor=f"user:{actor.id}"
    )
    scopes = scopes_of(bs) if shown else [PLENARY]
    _broadcast(bs, scopes, actor, "show" if shown else "hide", coords=True, first=[settings])


def show_results(bs: BrainstormSession, actor: User, shown: bool) -> None:
    """ "Uitslag tonen": the counts and the ranking go to the room (or are taken down again)."""
    if bs.results_shown == shown:
        return
    bs.results_shown = shown
    actor_id = f"user:{actor.id}"
    events = [
        realtime.log_event(bs.id, "settings_changed", {"settings": settings_of(bs)}, actor=actor_id)
    ]
    if not votes_hidden(bs):
        events.append(realtime.log_event(bs.id, "vote_totals", _vote_totals(bs), actor=actor_id))
    realtime.commit_and_emit(events)


@signals.votes_visibility_changed.connect
def _on_votes_visibility(bs: BrainstormSession, **_extra) -> None:
    # The setting changed after voting began: the room gets the counts it may now see.
    if not votes_hidden(bs):
        realtime.commit_and_emit([realtime.log_event(bs.id, "vote_totals", _vote_totals(bs))])


# --- participants voting on clusters ------------------------------------------------------


def _votable(bs: BrainstormSession, participant: Participant, cluster_id: object) -> Cluster:
    row = _cluster_in(bs, cluster_id)
    scope = _scope_of_cluster(bs, row)
    if scope not in viewer_scopes(bs, participant):
        raise NotFound(_("Dit cluster bestaat niet (meer)."))
    if not bs.themes_shown:
        raise NotFound(_("De thema's zijn nog niet getoond."))
    if phase_of(bs, current_group(bs, participant)) != Phase.VOTING:
        raise PhaseClosed(_("Stemmen is nu niet open."))
    return row


def _my_cluster_votes(bs: BrainstormSession, participant: Participant) -> Counter[int]:
    query = select(ClusterVote.cluster_id).filter_by(
        session_id=bs.id, participant_id=participant.id
    )
    return Counter(db.session.scalars(query))


def cluster_votes_left(bs: BrainstormSession, participant: Participant) -> int:
    """Dots a participant still has for clusters (a budget apart from idea votes)."""
    return max(0, bs.vote_budget - sum(_my_cluster_votes(bs, participant).values()))


def participant_cluster_state(bs: BrainstormSession, participant: Participant) -> dict:
    """The participant's own dots on clusters, for their snapshot."""
    mine = _my_cluster_votes(bs, participant)
    return {
        "cluster_votes": {str(k): v for k, v in mine.items()},
        "cluster_votes_left": max(0, bs.vote_budget - sum(mine.values())),
    }


def vote_cluster(bs: BrainstormSession, participant: Participant, cluster_id: object) -> dict:
    """Put a dot on a cluster."""
    row = _votable(bs, participant, cluster_id)
    mine = _my_cluster_votes(bs, participant)
    if sum(mine.values()) >= bs.vote_budget:
        raise LimitReached(_("Je hebt al je stemmen voor thema's gebruikt."))
    if mine[row.id] and not bs.vote_stacking:
        raise LimitReached(_("Je hebt al op dit thema gestemd."))
    db.session.add(ClusterVote(session_id=bs.id, cluster_id=row.id, participant_id=participant.id))
    return _after_vote(bs, participant, row)


def unvote_cluster(bs: BrainstormSession, participant: Participant, cluster_id: object) -> dict:
    """Take a dot back from a cluster."""
    row = _votable(bs, participant, cluster_id)
    query = select(ClusterVote).filter_by(cluster_id=row.id, participant_id=participant.id)
    vote = db.session.scalar(query.order_by(ClusterVote.id.desc()).limit(1))
    if vote is None:
        raise InputError(_("Je hebt niet op dit thema gestemd."))
    db.session.delete(vote)
    return _after_vote(bs, participant, row)


def _after_vote(bs: BrainstormSession, participant: Participant, row: Cluster) -> dict:
    db.session.flush()
    votes = cluster_votes(bs).get(row.id, 0)
    scope = _scope_of_cluster(bs, row)
    actor = f"participant:{participant.id}"
    payload = {"cluster_id": row.id, "votes": votes}
    # Blind voting: the count goes to the facilitators only until the result is shown.
    audiences = [FACILITATORS] if votes_hidden(bs) else _audiences(scope)
    realtime.commit_and_emit(
        realtime.log_event(bs.id, "cluster_votes", payload, audience=audience, actor=actor)
        for audience in audiences
    )
    left = cluster_votes_left(bs, participant)
    return {"votes": None if votes_hidden(bs) else votes, "votes_left": left}


# --- after the session --------------------------------------------------------------------


RANKING_SIZE = 10


def results_of(bs: BrainstormSession, *, staff: bool) -> dict:
    """The results as read after the session: the ranking, themes in order, then the rest.

    The room sees counts only once they are visible and themes only once shown; staff see all.
    """
    counts = {} if votes_hidden(bs) and not staff else vote_counts(bs)
    theme_votes = {} if votes_hidden(bs) and not staff else cluster_votes(bs)
    members = members_by_cluster(bs) if bs.themes_shown or staff else {}

    def idea_row(idea: Idea) -> dict:
        return {"text": idea.text, "votes": counts.get(idea.id, 0)}

    themes = [
        {
            "label": c.label,
            "votes": theme_votes.get(c.id, 0),
            "ideas": sorted((idea_row(i) for i in members[c.id]), key=lambda row: -row["votes"]),
        }
        for c in ordered_clusters(bs)
        if members.get(c.id)
    ]
    clustered = {idea.id for ideas in members.values() for idea in ideas}
    board = scope_ideas(bs, PLENARY)
    top_ideas = sorted((idea_row(i) for i in board if counts.get(i.id)), key=lambda r: -r["votes"])
    top_themes = sorted((t for t in themes if t["votes"]), key=lambda t: -t["votes"])
    return {
        "themes": themes,
        "rest": [idea_row(i) for i in board if i.id not in clustered],
        "counts_shown": bool(counts) or not votes_hidden(bs),
        "ranking": {"ideas": top_ideas[:RANKING_SIZE], "themes": top_themes[:RANKING_SIZE]},
    }
