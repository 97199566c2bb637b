"""gunicorn settings every brainstorm process runs with (`-c deploy/gunicorn.conf.py`).

One gevent worker per process holds all of its websockets. When that worker dies, gunicorn
would start a new one on the same port, and nginx, finding the port open, would wait the
seconds that takes. Instead the whole process stops: the port closes, nginx sends the
browsers to another process at once, and systemd (or `make run-scaled`) starts this one again.
"""

from gunicorn.errors import HaltServer


def child_exit(server, worker):
    """A worker gone with no other left while the server is not stopping: stop it all."""
    # stop() closes the listeners first; a reload (HUP) starts the new worker before the old
    # one leaves: neither is a worker dying.
    if server.LISTENERS and not server.WORKERS:
        raise HaltServer(f"worker {worker.pid} died; leaving the port to the other processes", 1)


def worker_exit(server, worker):
    """A worker leaving on purpose (a deploy, a restart, Ctrl-C) takes its pages out of the
    shared head count at once; the other processes tell theirs at their next heartbeat. A
    worker that is killed cannot: its connections expire with its heartbeat key."""
    app = getattr(worker, "wsgi", None)
    presence = getattr(app, "extensions", {}).get("presence")
    close = getattr(presence, "close", None)
    if close is not None:
        try:
            close()
        except Exception as error:  # Redis away: the heartbeat key expires all the same
            server.log.warning("head count not updated on exit: %s", error)
