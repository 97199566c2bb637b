"""The workspace with the database in the loop: a run, a correction, slotting a new idea.

    python -m tests.benchmarks.workspace [--sizes 100,300,1000] [--seed 0]

Per size a fresh SQLite file holds one session with that many ideas (perturbed texts of the
Dutch evaluation set). Measured through the services, as a socket handler calls them (commit,
event log, emit to rooms nobody listens to): `run_s` a clustering run with automatic k,
`rerun_s` a second run after a cluster was locked and an idea moved by hand, `move_ms` one hand
move, `slot_ms` a participant's new idea stored and slotted into the nearest cluster (in the
server the slotting pass runs after the ack, batched at most once a second), and the size of
one `clusters_updated` payload. One JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

from tests.benchmarks.clustering import perturbed_sample


def measure(n: int, seed: int) -> dict:
    """Build a session of n ideas and time the workspace's use cases."""
    from brainstorm import create_app
    from brainstorm.accounts import services as accounts
    from brainstorm.accounts.models import Role
    from brainstorm.events.services import create_event
    from brainstorm.extensions import db
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.workspace import corrections, runs
    from brainstorm.workspace import services as workspace

    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
            "TESTING": True,
            "SLOT_DELAY": 0,  # the slotting pass inline, so it can be timed
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        user = accounts.create_user(
            "bench@example.org", "correct horse battery", Role.FACILITATOR, name="Bench"
        )
        event = create_event(user, "Benchmark", date(2026, 12, 1), clock(9), clock(11))
        bs = sessions.create_session(event, "Benchmark")
        sessions.update_settings(bs, user, {"idea_limit": 100})
        texts = perturbed_sample(n + 1, seed)
        people = [sessions.join_session(bs, f"P{i}") for i in range(n // 100 + 1)]
        for i, text in enumerate(texts[:n]):
            board.submit_idea(bs, people[i // 100], text, f"00000000-0000-4000-8000-{i:012d}")

        started = time.perf_counter()
        runs.run_clustering(bs, user)
        run_s = time.perf_counter() - started
        clusters = workspace.scope_clusters(bs, workspace.PLENARY)
        payload = workspace.scope_payload(bs, workspace.PLENARY, coords=True)

        idea = payload["clusters"][0]["idea_ids"][0]
        started = time.perf_counter()
        corrections.move_idea(bs, user, idea, clusters[-1].id)
        move_ms = (time.perf_counter() - started) * 1000
        corrections.lock_cluster(bs, user, clusters[0].id, True)

        started = time.perf_counter()
        board.submit_idea(bs, people[-1], texts[n], "00000000-0000-4000-8000-999999999999")
        slot_ms = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        runs.run_clustering(bs, user)
        rerun_s = time.perf_counter() - started
        return {
            "benchmark": "workspace",
            "ideas": n,
            "k": len(clusters),
            "run_s": round(run_s, 3),
            "rerun_s": round(rerun_s, 3),
            "move_ms": round(move_ms, 1),
            "slot_ms": round(slot_ms, 1),
            "payload_kb": round(len(json.dumps(payload)) / 1024, 1),
        }


def main() -> None:
    """Print one JSON line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for n in (int(size) for size in args.sizes.split(",")):
        print(json.dumps(measure(n, args.seed)), flush=True)


if __name__ == "__main__":
    main()
