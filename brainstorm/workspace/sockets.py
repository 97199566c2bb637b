"""Socket.IO commands of the facilitator's clustering workspace."""

from flask_babel import gettext as _

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.errors import InputError
from brainstorm.extensions import socketio
from brainstorm.sessions.models import BrainstormSession
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
    """Cluster the session's ideas (k automatic unless given)."""
    run = services.run_clustering(bs, user, _optional_int(payload.get("k")))
    return {"ok": True, "k": run.k, "duration_ms": run.duration_ms}


@socketio.on("rename_cluster")
@allow("facilitator_of_event")
def on_rename_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Give a cluster a title."""
    row = services.rename_cluster(bs, user, payload.get("cluster_id"), payload.get("title"))
    return {"ok": True, "id": row.id, "title": row.title}


@socketio.on("move_cluster")
@allow("facilitator_of_event")
def on_move_cluster(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Move a cluster up or down."""
    row = services.move_cluster(bs, user, payload.get("cluster_id"), payload.get("direction"))
    return {"ok": True, "id": row.id}
