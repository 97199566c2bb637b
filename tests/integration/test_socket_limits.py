"""Per-person rate limits on what arrives over the websocket: a clear refusal in the ack, and
the connection stays (Flask-Limiter guards the HTTP routes)."""

from uuid import uuid4

from sqlalchemy import func, select

from brainstorm import create_app
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


def test_guessing_join_codes_is_slowed_down_in_words(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'guess.db'}",
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
        }
    )
    with app.app_context():
        db.create_all()
    guesser = app.test_client()

    answers = [guesser.post("/join", data={"code": f"ZZZZ{n:02d}"}) for n in range(31)]

    assert {a.status_code for a in answers[:30]} == {200}  # "no session with that code"
    assert answers[30].status_code == 429
    assert "Even rustig aan" in answers[30].get_data(as_text=True)
