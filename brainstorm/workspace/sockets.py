"""Socket.IO commands of the clustering workspace: the facilitator's corrections, and
participants' dots on clusters. Each only translates; the rules are in services."""

from typing import Annotated

from pydantic import BeforeValidator, Field

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.extensions import socketio
from brainstorm.realtime import limits
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.validation import Id, Nothing, Payload, one_of, text_up_to, whole
from brainstorm.workspace import corrections, runs, services
from brainstorm.workspace.models import DEEPENING_MAX, Audience
from brainstorm.workspace.services import K_MAX, TITLE_MAX

# "plenary" or "group:<id>"; the service checks it against the session's groups.
Scope = text_up_to(40)
Title = text_up_to(TITLE_MAX)
Deepening = text_up_to(DEEPENING_MAX)
# More than a session ever has; the service checks the order holds every cluster once.
CLUSTERS_MAX = 1000


def _automatic(value: object) -> object:
    """The console's "auto" (and an emptied number field, "") mean what null means."""
    return None if isinstance(value, str) and value in ("auto", "") else value


# How many clusters: 2 to K_MAX, or (null, "auto", "") chosen by the engine.
ClusterCount = Annotated[whole(2, K_MAX) | None, BeforeValidator(_automatic)]


class RunClustering(Payload):
    """How many clusters, and which board (none, while apart: every group's)."""

    k: ClusterCount = None
    scope: Scope | None = None


@socketio.on("run_clustering")
@allow("facilitator_of_event", payload=RunClustering)
def on_run_clustering(user: User, bs: BrainstormSession, payload: RunClustering) -> dict:
    """Cluster a scope's ideas (k automatic unless given); every group's while apart."""
    done = runs.run_clustering(bs, user, payload.k, payload.scope)
    return {
        "ok": True,
        "k": sum(run.k for run in done),
        "duration_ms": sum(run.duration_ms for run in done),
    }


class MoveIdea(Payload):
    """An idea, and the cluster it goes to (none: set aside)."""

    idea_id: Id
    cluster_id: Id | None = None


@socketio.on("move_idea")
@allow("facilitator_of_event", payload=MoveIdea)
def on_move_idea(user: User, bs: BrainstormSession, payload: MoveIdea) -> dict:
    """Put an idea in another cluster, or (cluster_id null) set it aside."""
    corrections.move_idea(bs, user, payload.idea_id, payload.cluster_id)
    return {"ok": True}


class OneCluster(Payload):
    """One cluster."""

    cluster_id: Id


class RenameCluster(OneCluster):
    """Its new title (empty or none: the engine's terms again)."""

    title: Title | None = None


@socketio.on("rename_cluster")
@allow("facilitator_of_event", payload=RenameCluster)
def on_rename_cluster(user: User, bs: BrainstormSession, payload: RenameCluster) -> dict:
    """Give a cluster a title."""
    row = corrections.rename_cluster(bs, user, payload.cluster_id, payload.title)
    return {"ok": True, "id": row.id, "title": row.title}


class MergeClusters(OneCluster):
    """The cluster it goes into."""

    into_id: Id


@socketio.on("merge_clusters")
@allow("facilitator_of_event", payload=MergeClusters)
def on_merge_clusters(user: User, bs: BrainstormSession, payload: MergeClusters) -> dict:
    """Put one cluster into another."""
    row = corrections.merge_clusters(bs, user, payload.cluster_id, payload.into_id)
    return {"ok": True, "id": row.id}


class SplitCluster(OneCluster):
    """Into how many parts (none: the engine chooses)."""

    k: ClusterCount = None


@socketio.on("split_cluster")
@allow("facilitator_of_event", payload=SplitCluster)
def on_split_cluster(user: User, bs: BrainstormSession, payload: SplitCluster) -> dict:
    """Let the engine split one cluster."""
    parts = corrections.split_cluster(bs, user, payload.cluster_id, payload.k)
    return {"ok": True, "cluster_ids": [part.id for part in parts]}


class CreateCluster(Payload):
    """The new cluster's title, and its board (none: the plenary)."""

    title: Title
    scope: Scope | None = None


@socketio.on("create_cluster")
@allow("facilitator_of_event", payload=CreateCluster)
def on_create_cluster(user: User, bs: BrainstormSession, payload: CreateCluster) -> dict:
    """Make an empty cluster with a title."""
    row = corrections.create_cluster(bs, user, payload.title, payload.scope)
    return {"ok": True, "id": row.id}


class LockCluster(OneCluster):
    """Locked or free."""

    locked: bool


@socketio.on("lock_cluster")
@allow("facilitator_of_event", payload=LockCluster)
def on_lock_cluster(user: User, bs: BrainstormSession, payload: LockCluster) -> dict:
    """Fix a cluster against re-runs, or free it."""
    corrections.lock_cluster(bs, user, payload.cluster_id, payload.locked)
    return {"ok": True}


class ReorderClusters(Payload):
    """Every cluster of one board, in the new order."""

    cluster_ids: Annotated[list[Id], Field(min_length=1, max_length=CLUSTERS_MAX)]


@socketio.on("reorder_clusters")
@allow("facilitator_of_event", payload=ReorderClusters)
def on_reorder_clusters(user: User, bs: BrainstormSession, payload: ReorderClusters) -> dict:
    """Put a scope's clusters in a new order."""
    corrections.reorder_clusters(bs, user, payload.cluster_ids)
    return {"ok": True}


class MoveCluster(OneCluster):
    """One place up or down."""

    direction: one_of(("up", "down"))


@socketio.on("move_cluster")
@allow("facilitator_of_event", payload=MoveCluster)
def on_move_cluster(user: User, bs: BrainstormSession, payload: MoveCluster) -> dict:
    """Move a cluster up or down."""
    row = corrections.move_cluster(bs, user, payload.cluster_id, payload.direction)
    return {"ok": True, "id": row.id}


@socketio.on("delete_cluster")
@allow("facilitator_of_event", payload=OneCluster)
def on_delete_cluster(user: User, bs: BrainstormSession, payload: OneCluster) -> dict:
    """Remove a cluster; its ideas wait unclustered."""
    corrections.delete_cluster(bs, user, payload.cluster_id)
    return {"ok": True}


class Deepen(OneCluster):
    """A cluster's deepening, saved together (a text left out: empty)."""

    summary: Deepening | None = ""
    question: Deepening | None = ""
    recommendation: Deepening | None = ""
    audiences: Annotated[
        list[one_of(Audience)], Field(max_length=len(Audience), default_factory=list)
    ]


@socketio.on("update_deepening")
@allow("facilitator_of_event", payload=Deepen)
def on_update_deepening(user: User, bs: BrainstormSession, payload: Deepen) -> dict:
    """Save a cluster's summary, underlying question, recommendation and audiences."""
    corrections.update_deepening(
        bs,
        user,
        payload.cluster_id,
        payload.summary,
        payload.question,
        payload.recommendation,
        payload.audiences,
    )
    return {"ok": True}


class OneScope(Payload):
    """One board (none: the plenary)."""

    scope: Scope | None = None


@socketio.on("order_clusters_by_votes")
@allow("facilitator_of_event", payload=OneScope)
def on_order_clusters_by_votes(user: User, bs: BrainstormSession, payload: OneScope) -> dict:
    """Most-voted clusters first."""
    corrections.order_by_votes(bs, user, payload.scope)
    return {"ok": True}


@socketio.on("undo_workspace")
@allow("facilitator_of_event", payload=Nothing)
def on_undo_workspace(user: User, bs: BrainstormSession, payload: Nothing) -> dict:
    """Undo the last correction."""
    return {"ok": True, "undone": corrections.undo(bs, user)}


class Shown(Payload):
    """Show to the room (true) or take back (false)."""

    shown: bool


@socketio.on("show_themes")
@allow("facilitator_of_event", payload=Shown)
def on_show_themes(user: User, bs: BrainstormSession, payload: Shown) -> dict:
    """ "Toon aan de zaal": the clusters reach presenter and phones, or go back to the draft."""
    services.show_themes(bs, user, payload.shown)
    return {"ok": True}


@socketio.on("show_results")
@allow("facilitator_of_event", payload=Shown)
def on_show_results(user: User, bs: BrainstormSession, payload: Shown) -> dict:
    """ "Uitslag tonen": the vote counts and the ranking reach presenter and phones."""
    services.show_results(bs, user, payload.shown)
    return {"ok": True}


@socketio.on("vote_cluster")
@limits.VOTES
@allow("participant", payload=OneCluster)
def on_vote_cluster(participant: Participant, bs: BrainstormSession, payload: OneCluster) -> dict:
    """Put a dot on a cluster."""
    return {"ok": True, **services.vote_cluster(bs, participant, payload.cluster_id)}


@socketio.on("unvote_cluster")
@limits.VOTES
@allow("participant", payload=OneCluster)
def on_unvote_cluster(participant: Participant, bs: BrainstormSession, payload: OneCluster) -> dict:
    """Take a dot back from a cluster."""
    return {"ok": True, **services.unvote_cluster(bs, participant, payload.cluster_id)}
