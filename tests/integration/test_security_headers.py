"""What protects every page and socket: headers, cookies, and the socket's own origin."""

import requests
import socketio as socketio_client

from brainstorm import create_app
from tests.live_client import open_session
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
    _app, tokens = open_session(server.env["DATABASE_URL"], server.env["SECRET_KEY"], ["Anna"])
    token = tokens["Anna"]
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
