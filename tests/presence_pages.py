"""Participant pages (tests/live_client.py) that also keep what a person sees of the head
count and of their own connection: the last count they were told, and when they connected;
and the checks the fault tests make on them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.sessions.models import Idea
from tests.live_client import LiveParticipant


class CountingPage(LiveParticipant):
    """A participant page that remembers the head count it shows and its (re)connections."""

    def __init__(self, url: str, token: str, reconnect: bool = True):
        super().__init__(url, token)
        self.sio.reconnection = reconnect  # False: a laptop closed, it never comes back
        self.head_count: int | None = None
        self.counts_heard: list[int] = []  # from `presence` broadcasts only, not snapshots
        self.connected_at: list[float] = []  # loop time of every (re)connection
        self.sio.on("presence", self._on_presence)

    async def _on_connect(self) -> None:
        self.connected_at.append(asyncio.get_running_loop().time())
        await super()._on_connect()

    async def _on_snapshot(self, snapshot: dict) -> None:
        await super()._on_snapshot(snapshot)
        self.head_count = snapshot["presence"]

    async def _on_presence(self, payload: dict) -> None:
        self.head_count = payload["count"]
        self.counts_heard.append(payload["count"])


async def head_counts_become(pages: list[CountingPage], count: int, timeout: float) -> float:
    """Wait until every page shows that head count; returns how long it took (loop seconds)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while any(page.head_count != count for page in pages):
        if loop.time() - start > timeout:
            shown = [page.head_count for page in pages]
            raise AssertionError(f"head count not {count} within {timeout} s: {shown}")
        await asyncio.sleep(0.05)
    return loop.time() - start


def stored(app) -> dict[str, int]:
    """client_id -> idea id of every idea in the database (a duplicate would show as fewer)."""
    with app.app_context():
        rows = db.session.execute(select(Idea.client_id, Idea.id)).all()
        assert len(rows) == len({client_id for client_id, _ in rows}), "an idea stored twice"
        return dict(rows)


async def converged(pages: list[LiveParticipant], expected: set[int], timeout: float) -> None:
    """Wait until every page shows exactly the expected ideas."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while any(set(page.board) != expected for page in pages):
        if loop.time() > deadline:
            off = {n: sorted(expected ^ set(p.board)) for n, p in enumerate(pages)}
            off = {n: ideas for n, ideas in off.items() if ideas}
            raise AssertionError(f"pages (by index) differ in these ideas: {off}")
        await asyncio.sleep(0.1)
