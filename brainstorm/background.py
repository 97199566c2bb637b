"""Keep CPU-bound work (scikit-learn, report rendering) off the gevent event loop."""

import contextvars
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from brainstorm.extensions import socketio

T = TypeVar("T")


def _gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def run_blocking(fn: Callable[..., T], /, *args, **kwargs) -> T:
    """Run fn in a real OS thread under gevent (other sockets keep flowing), inline otherwise.

    The thread runs in a copy of the caller's context variables, so Flask's app and request
    context (render_template, gettext, url_for) work there as in the caller; the caller's
    greenlet waits meanwhile, so nothing else uses them at the same time."""
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
