"""The facilitator's workspace: scopes, what screens receive, the undo memory, what the room
is shown, participants' votes on clusters and the view after the session. The engine's runs
and live slotting are in runs.py, corrections by hand and undo in corrections.py.

Clusters live in a scope: the plenary, or a breakout group while the groups are apart. Every
correction keeps an undo state, is logged with who did it and ends in one `clusters_updated`
per audience of its scope (see docs/workspace-protocol.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts.models import User
from brainstorm.background import run_later_once
from brainstorm.breakouts.models import BreakoutGroup
from brainstorm.clustering import reads_as_title, similar_groups, theme_titles
from brainstorm.errors import InputError, LimitReached, NotFound, PhaseClosed
from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions import signals
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Phase
from brainstorm.sessions.services import (
    current_group,
    phase_of,
    settings_of,
    vote_counts,
    votes_hidden,
)
from brainstorm.timeutil import utcnow
from brainstorm.workspace.models import (
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


def active_groups(bs: BrainstormSession) -> dict[int, BreakoutGroup]:
    if not bs.groups_apart:
        return {}
    query = select(BreakoutGroup).filter_by(session_id=bs.id, active=True)
    return {group.id: group for group in db.session.scalars(query)}


def scope_of(group_id: int | None, active: dict[int, BreakoutGroup]) -> str:
    return f"group:{group_id}" if group_id in active else PLENARY


def scopes_of(bs: BrainstormSession) -> list[str]:
    """Every scope of the session now: the plenary, and each group while they are apart."""
    return [PLENARY, *(f"group:{gid}" for gid in sorted(active_groups(bs)))]


def parse_scope(bs: BrainstormSession, scope: object) -> str:
    """A scope named by a client, checked against the session's groups."""
    if scope in (None, "", PLENARY):
        return PLENARY
    if isinstance(scope, str) and scope in scopes_of(bs):
        return scope
    raise NotFound(_("Deze groep bestaat niet (meer)."))


def group_id_of(scope: str) -> int | None:
    return None if scope == PLENARY else int(scope.removeprefix("group:"))


def _audiences(scope: str) -> list[str]:
    if scope == PLENARY:
        return [EVERYONE]
    return [f"group:{group_id_of(scope)}", FACILITATORS]


def scope_ideas(bs: BrainstormSession, scope: str) -> list[Idea]:
    """The ideas on the board in this scope, oldest first."""
    active = active_groups(bs)
    query = select(Idea).filter_by(session_id=bs.id, withdrawn_at=None, merged_into_id=None)
    return [
        idea
        for idea in db.session.scalars(query.order_by(Idea.id))
        if idea.on_board and scope_of(idea.group_id, active) == scope
    ]


def scope_clusters(bs: BrainstormSession, scope: str) -> list[Cluster]:
    """The clusters of one scope in the facilitator's order."""
    active = active_groups(bs)
    return [c for c in ordered_clusters(bs) if scope_of(c.group_id, active) == scope]


def ordered_clusters(bs: BrainstormSession) -> list[Cluster]:
    """All the session's clusters in the facilitator's order."""
    query = select(Cluster).filter_by(session_id=bs.id)
    return list(db.session.scalars(query.order_by(Cluster.position, Cluster.id)))


def places_of(ideas: Iterable[Idea]) -> dict[int, ClusterMember]:
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


def check_k(k: int | None) -> None:
    if k is not None and not 2 <= k <= K_MAX:
        raise InputError(
            _("Kies tussen 2 en %(max)d clusters, of laat het op automatisch staan.", max=K_MAX)
        )


def cluster_in(bs: BrainstormSession, cluster_id: object) -> Cluster:
    row = db.session.get(Cluster, cluster_id) if type(cluster_id) is int else None
    if row is None or row.session_id != bs.id:
        raise NotFound(_("Dit cluster bestaat niet (meer)."))
    return row


def scope_of_cluster(bs: BrainstormSession, row: Cluster) -> str:
    return scope_of(row.group_id, active_groups(bs))


# --- what screens receive -------------------------------------------------------------------


def suggested_titles(c: Cluster, representative: str = "") -> list[str]:
    """A few titles to start from: the phrase its members carry, the top terms, a central idea."""
    # A top term can be a question word or filler ("Studenten en hoeveel"): never a title's edge.
    terms = [term for term in c.terms if reads_as_title(term)]
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
    places = places_of(ideas)
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
    run = last_run(bs, scope)
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


def last_run(bs: BrainstormSession, scope: str) -> ClusteringRun | None:
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


def actor_name(actor: User | None) -> str:
    # Participants see this too: a name, never an email address.
    if actor is None:
        return ""
    return actor.name or _("de facilitator")


def broadcast(
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
        "by": actor_name(actor),
        "text": text,
        "at": utcnow().isoformat(),
    }
    actor_id = f"user:{actor.id}" if actor else "system"
    events = list(first)
    can_undo = _can_undo(bs)
    groups = active_groups(bs)
    for scope in dict.fromkeys(scopes):
        _retitle(bs, scope)
        group = groups.get(group_id_of(scope) or 0)
        payload = {
            **scope_payload(bs, scope, coords=coords),
            # Which board changed, so "2 clusters" of two groups can be told apart in the log.
            "change": {**change, "scope": scope, "group": group.name if group else None},
            "can_undo": can_undo,
        }
        for audience in room_audiences(bs, scope):
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


def room_audiences(bs: BrainstormSession, scope: str) -> list[str]:
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

CLUSTER_FIELDS = (
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


def remember(bs: BrainstormSession, scope: str, action: str) -> None:
    """Keep the scope's state as it is now, so the coming correction can be undone."""
    clusters = scope_clusters(bs, scope)
    ideas = scope_ideas(bs, scope)
    state = {
        "clusters": [{f: getattr(c, f) for f in CLUSTER_FIELDS} for c in clusters],
        "places": [[p.idea_id, p.cluster_id, p.manual, p.new] for p in places_of(ideas).values()],
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
        "carry": _("thema's overgenomen"),
    }.get(action, action)


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
    broadcast(bs, scopes, actor, "show" if shown else "hide", coords=True, first=[settings])


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
    row = cluster_in(bs, cluster_id)
    scope = scope_of_cluster(bs, row)
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
    scope = scope_of_cluster(bs, row)
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


def soon_after_board_change(
    bs: BrainstormSession, key: str, step: Callable[[BrainstormSession], object]
) -> None:
    """Run step on the session once, SLOT_DELAY after the board changed (many changes, one
    run); losing a race to another process that placed the same ideas is no error."""
    session_id = bs.id

    def run() -> None:
        try:
            session = db.session.get(BrainstormSession, session_id)
            if session is not None:
                step(session)
        except IntegrityError:
            db.session.rollback()

    run_later_once((key, session_id), current_app.config["SLOT_DELAY"], run)
