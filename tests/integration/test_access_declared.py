"""Every HTTP route and Socket.IO command declares who may use it (a new one cannot forget)."""

from brainstorm.extensions import socketio


def test_every_view_declares_its_access_rules(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "allowed", None)
    ]
    assert undeclared == []


def test_every_socket_handler_declares_its_access_rules(app):
    handlers = socketio.server.handlers["/"]
    assert {"connect", "submit_idea", "run_clustering"} <= set(handlers)
    undeclared = [name for name, fn in handlers.items() if not getattr(fn, "allowed", None)]
    assert undeclared == []


def test_only_connecting_and_leaving_are_public_among_socket_handlers(app):
    public = [
        name
        for name, fn in socketio.server.handlers["/"].items()
        if "public" in getattr(fn, "allowed", ())
    ]
    assert sorted(public) == ["connect", "disconnect"]
