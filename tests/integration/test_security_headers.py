"""What protects every page and socket: headers, cookies, and the socket's own origin."""

from datetime import date, time

import requests
import socketio as socketio_client
from flask_migrate import upgrade

from brainstorm import create_app
from brainstorm.accounts import services as accounts
from brainstorm.accounts.identity import PARTICIPANT, socket_token
from brainstorm.accounts.models import Role
from brainstorm.events.services import create_event
from brainstorm.sessions import services as sessions
from tests.servers import AppServer


def test_pages_carry_a_strict_content_security_policy_and_safe_cookies(app, make_session):
    bs = make_session()
    client = app.test_client()
    response = client.post("/join", data={"code": bs.join_code, "display_name": "Anna"})

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path):
    app = create_app(
        {
            "BASE_URL": "https://brainstorm.example.nl",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "ASYNC_MODE": "threading",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_a_socket_from_another_site_is_refused(tmp_path):
    server = AppServer(tmp_path, f"sqlite:///{tmp_path / 'origin.db'}")
    config = {
        "SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"],
        "SECRET_KEY": server.env["SECRET_KEY"],
        "ASYNC_MODE": "threading",
    }
    app = create_app(config)
    with app.app_context(), app.test_request_context():
        upgrade()
        user = accounts.create_user("f@example.org", "lang-wachtwoord", Role.FACILITATOR)
        event = create_event(user, "Congresdag", date(2026, 12, 14), time(9), time(17))
        bs = sessions.create_session(event, "Vraagstukken")
        token = socket_token(PARTICIPANT, sessions.join_session(bs, "Anna").id, bs.id)
    server.start()
    try:
        handshake = f"{server.url}/socket.io/?EIO=4&transport=polling"
        stranger = requests.get(handshake, headers={"Origin": "https://evil.example"})
        assert stranger.status_code == 400
        assert "origin" in stranger.text.lower()
        own = socketio_client.Client(reconnection=False)
        own.connect(server.url, auth={"token": token}, transports=["websocket"])
        assert own.connected
        own.disconnect()
    finally:
        server.stop()
