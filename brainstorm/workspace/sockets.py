"""Socket.IO commands of the clustering workspace: the facilitator's corrections, and
participants' dots on clusters. Each only translates; the rules are in services."""

from flask_babel import gettext as _

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.errors import InputError
from brainstorm.extensions import socketio
from brainstorm.realtime import limits
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.workspace import services


def _optional_int(value: object) -> int | None:
    if value in (None, "", "auto"):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(_("Geef een geheel getal."))
    try:
        return int(value)
    except ValueError:
        raise InputError(_("Geef een geheel getal.")) from None


@socketio.on("run_clustering")
@allow("facilitator_of_event")
def on_run_clustering(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Cluster a scope's ideas (k automatic unless given); every group's while apart."""
    runs = services.run_clustering(bs, user, _optional_int(payload.get("k")), payload.get("scope"))
    return {
        "ok": True,
        "k": sum(run.k for run in runs),
        "duration_ms": sum(run.duration_ms for run in runs),
    }


@socketio.on("move_idea")
@allow("facilitator_of_event")
def on_move_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Put an idea in another cluster, or (cluster_id null) set it aside."""
    services.move_idea(bs, user, payload.get("idea_id"), payload.get("cluster_id"))
    return {"ok": True}


@socketio.on("rename_cluster")
@allow("facilitator_of_event")
def on_rename_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Give a cluster a title."""
    row = services.rename_cluster(bs, user, payload.get("cluster_id"), payload.get("title"))
    return {"ok": True, "id": row.id, "title": row.title}


@socketio.on("merge_clusters")
@allow("facilitator_of_event")
def on_merge_clusters(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Put one cluster into another."""
    row = services.merge_clusters(bs, user, payload.get("cluster_id"), payload.get("into_id"))
    return {"ok": True, "id": row.id}


@socketio.on("split_cluster")
@allow("facilitator_of_event")
def on_split_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Let the engine split one cluster."""
    k = _optional_int(payload.get("k"))
    parts = services.split_cluster(bs, user, payload.get("cluster_id"), k)
    return {"ok": True, "cluster_ids": [part.id for part in parts]}


@socketio.on("create_cluster")
@allow("facilitator_of_event")
def on_create_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Make an empty cluster with a title."""
    row = services.create_cluster(bs, user, payload.get("title"), payload.get("scope"))
    return {"ok": True, "id": row.id}


@socketio.on("lock_cluster")
@allow("facilitator_of_event")
def on_lock_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Fix a cluster against re-runs, or free it."""
    services.lock_cluster(bs, user, payload.get("cluster_id"), payload.get("locked"))
    return {"ok": True}


@socketio.on("reorder_clusters")
@allow("facilitator_of_event")
def on_reorder_clusters(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Put a scope's clusters in a new order."""
    services.reorder_clusters(bs, user, payload.get("cluster_ids"))
    return {"ok": True}


@socketio.on("move_cluster")
@allow("facilitator_of_event")
def on_move_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Move a cluster up or down."""
    row = services.move_cluster(bs, user, payload.get("cluster_id"), payload.get("direction"))
    return {"ok": True, "id": row.id}


@socketio.on("delete_cluster")
@allow("facilitator_of_event")
def on_delete_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Remove a cluster; its ideas wait unclustered."""
    services.delete_cluster(bs, user, payload.get("cluster_id"))
    return {"ok": True}


@socketio.on("update_deepening")
@allow("facilitator_of_event")
def on_update_deepening(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Save a cluster's summary, underlying question, recommendation and audiences."""
    services.update_deepening(
        bs,
        user,
        payload.get("cluster_id"),
        payload.get("summary"),
        payload.get("question"),
        payload.get("recommendation"),
        payload.get("audiences", []),
    )
    return {"ok": True}


@socketio.on("order_clusters_by_votes")
@allow("facilitator_of_event")
def on_order_clusters_by_votes(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Most-voted clusters first."""
    services.order_by_votes(bs, user, payload.get("scope"))
    return {"ok": True}


@socketio.on("undo_workspace")
@allow("facilitator_of_event")
def on_undo_workspace(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Undo the last correction."""
    return {"ok": True, "undone": services.undo(bs, user)}


@socketio.on("vote_cluster")
@limits.VOTES
@allow("participant")
def on_vote_cluster(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Put a dot on a cluster."""
    return {"ok": True, **services.vote_cluster(bs, participant, payload.get("cluster_id"))}


@socketio.on("unvote_cluster")
@limits.VOTES
@allow("participant")
def on_unvote_cluster(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Take a dot back from a cluster."""
    return {"ok": True, **services.unvote_cluster(bs, participant, payload.get("cluster_id"))}
