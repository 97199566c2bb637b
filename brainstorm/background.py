"""Keep CPU-bound work (scikit-learn, report rendering) off the gevent event loop, run work
later, and gather work that arrives together into one go."""

import contextvars
import logging
import sqlite3
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from flask import current_app

from brainstorm.extensions import db, socketio

T = TypeVar("T")
R = TypeVar("R")


def _gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def _writing_to_sqlite() -> bool:
    """Whether this context's database session is inside an SQLite write transaction."""
    session = db.session()
    if not session.in_transaction():
        return False
    connection = session.connection().connection.dbapi_connection
    return isinstance(connection, sqlite3.Connection) and connection.in_transaction


def run_blocking(fn: Callable[..., T], /, *args, **kwargs) -> T:
    """Run fn in a real OS thread under gevent (other sockets keep flowing), inline otherwise.

    The thread runs in a copy of the caller's context variables, so Flask's app and request
    context (render_template, gettext, url_for) work there as in the caller; the caller's
    greenlet waits meanwhile, so nothing else uses them at the same time.

    Never with a write open: SQLite's lock would be held while fn runs, and a write of
    another greenlet would wait in SQLite's busy wait, which holds up the whole process (the
    holder cannot get back to commit) until it fails. Tests fail on it; production logs it."""
    if _writing_to_sqlite():
        if current_app.testing:
            raise RuntimeError("run_blocking() inside an SQLite write transaction")
        logging.getLogger(__name__).error("run_blocking() inside an SQLite write transaction")
    if _gevent_active():
        from gevent import get_hub

        context = contextvars.copy_context()
        return get_hub().threadpool.apply(context.run, (fn, *args), kwargs)
    return fn(*args, **kwargs)


def run_later(delay: float, fn: Callable[[], object]) -> None:
    """Run fn after `delay` seconds in a background task with the app's context (now if 0)."""
    if delay <= 0:
        fn()
        return
    app = current_app._get_current_object()

    def task() -> None:
        socketio.sleep(delay)
        with app.app_context():
            fn()

    socketio.start_background_task(task)


def run_later_once(key: Hashable, delay: float, fn: Callable[[], object]) -> None:
    """Like run_later, but while a run with this key is pending (in this app and process) a
    second call adds nothing: many triggers, one run."""
    pending: set = current_app.extensions.setdefault("brainstorm.pending", set())
    if key in pending:
        return
    pending.add(key)

    def once() -> None:
        pending.discard(key)
        fn()

    run_later(delay, once)


class _Waiting:
    """One caller's item, waiting for its result from the gathered run."""

    def __init__(self, item: object):
        self.item = item
        self.done = threading.Event()  # a gevent Event under the gevent worker (monkey-patched)
        self.result: object = None
        self.error: BaseException | None = None


_together_lock = threading.Lock()


def together(key: Hashable, item: T, fn: Callable[[Sequence[T]], Sequence[R]]) -> R | None:
    """fn([item])[0], but items with the same key that arrive meanwhile go into the same call
    (a group commit): a burst costs one transaction instead of one each.

    fn runs in a background task with the app's context and returns one result per item, in
    order; its exception fails every caller of that run. The first run starts at once (after
    the loop has let the callers that are ready add theirs), the next one as soon as it ends,
    with everything that came meanwhile. Per app and process. None when the run was stopped
    before it gave a result (the worker is shutting down)."""
    app = current_app._get_current_object()
    waiting = _Waiting(item)
    with _together_lock:
        queues: dict = app.extensions.setdefault("brainstorm.together", {})
        queue = queues.get(key)
        if queue is None:
            queues[key] = [waiting]
            socketio.start_background_task(_gathered_runs, app, queues, key, fn)
        else:
            queue.append(waiting)
    waiting.done.wait()
    if waiting.error is not None:
        raise waiting.error
    return waiting.result  # type: ignore[return-value]


def gathering(key: Hashable) -> bool:
    """Whether a run of `together` with this key is under way (or about to start)."""
    return key in current_app.extensions.get("brainstorm.together", {})


def _gathered_runs(app, queues: dict, key: Hashable, fn: Callable) -> None:
    batch: list[_Waiting] = []
    try:
        while True:
            socketio.sleep(0)  # let the callers that are ready add their items first
            with _together_lock:
                batch = queues[key]
                if not batch:
                    del queues[key]
                    return
                queues[key] = []
            try:
                with app.app_context():
                    results = fn([waiting.item for waiting in batch])
                for waiting, result in zip(batch, results, strict=True):
                    waiting.result = result
            except Exception as error:
                for waiting in batch:
                    waiting.error = error
            for waiting in batch:
                waiting.done.set()
    except BaseException:  # stopped (GreenletExit): nobody may wait forever
        with _together_lock:
            left = batch + queues.pop(key, [])
        for waiting in left:
            waiting.done.set()
        raise
