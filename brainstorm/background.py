"""Keep CPU-bound work (scikit-learn, report rendering) off the gevent event loop."""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def run_blocking(fn: Callable[..., T], /, *args, **kwargs) -> T:
    """Run fn in a real OS thread under gevent (other sockets keep flowing), inline otherwise."""
    if _gevent_active():
        from gevent import get_hub

        return get_hub().threadpool.apply(fn, args, kwargs)
    return fn(*args, **kwargs)
