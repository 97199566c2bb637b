"""Per-person rate limits on what arrives over the websocket: a clear refusal in the ack, and
the connection stays (Flask-Limiter guards the HTTP routes)."""

from uuid import uuid4

from sqlalchemy import func, select

from brainstorm.extensions import db, limiter
from brainstorm.sessions.models import Idea


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


def test_a_participant_sending_too_fast_is_told_to_wait_and_stays_connected(
    app, make_user, make_session, join, facilitate
):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)  # the test app starts with limits off: give them their storage
    facilitator = make_user()
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    command(console, "update_settings", idea_limit=100)
    command(console, "set_phase", phase="input")
    person = join(bs, "Snelle typer")

    acks = [
        command(person, "submit_idea", text=f"Vraagstuk {n} over werkdruk", client_id=str(uuid4()))
        for n in range(31)
    ]

    assert all(ack["ok"] for ack in acks[:30])
    assert acks[30]["ok"] is False and acks[30]["code"] == "rate_limited"
    assert "Wacht even" in acks[30]["error"]
    assert person.is_connected()
    assert db.session.scalar(select(func.count(Idea.id))) == 30
    # Someone else in the room has a budget of their own.
    other = join(bs, "Rustige typer")
    assert command(other, "submit_idea", text="Eén vraagstuk", client_id=str(uuid4()))["ok"]
