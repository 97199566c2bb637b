"""One event with everything the security tests point at, and the five people around it.

Shared by test_authorization_matrix.py and test_fuzzing.py. Those files run many short tests
against the same world, so they share one app per file (its templates compiled once) on a
SQLite file, and each test gets the database back as the world was built (`Snapshot`), with
fresh browsers holding the actors' cookies. Users get a cheap password hash (one PBKDF2 round),
so logging in through the real form costs nothing: these tests are about who may do what.
"""

import dataclasses
import shutil
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from uuid import uuid4

from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from brainstorm import create_app
from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import Role, TeamRole, User
from brainstorm.events import mails, registrations
from brainstorm.events.services import create_event, set_questions
from brainstorm.extensions import db, socketio
from brainstorm.outcomes.models import Outcome, Visibility
from brainstorm.polls import services as polls
from brainstorm.polls.models import PollKind, QuestionState
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.timeutil import utcnow
from brainstorm.workspace import corrections
from brainstorm.workspace import services as workspace
from tests.conftest import PASSWORD, TOKEN

CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")

# The five actors, from least to most rights; refused ones are tried before allowed ones, so
# an allowed call that changes something (close, delete) cannot spoil a later check.
ANONYMOUS, OTHER, PARTICIPANT, STAFF, FACILITATOR = ACTORS = (
    "anonymous",
    "other_participant",
    "participant",
    "staff",
    "facilitator",
)

IDEAS = (
    "De werkdruk van schoolopleiders is te hoog",
    "Werkdruk bij werkplekbegeleiders neemt toe",
    "Te weinig stageplekken voor studenten in het mbo",
    "Stageplekken verdelen over de scholen in de regio",
)


@dataclass
class World:
    """Ids of everything made, and a logged-in (or joined) test client per actor."""

    app: Flask
    event_id: int
    session_id: int
    code: str
    other_session_id: int
    facilitator_id: int
    staff_id: int
    member_id: int  # a second staff member: the one a facilitator may take off the team
    participant_id: int
    other_participant_id: int
    idea_ids: list[int]
    cluster_ids: list[int]
    poll_id: int
    slug: str
    question_id: int
    live_question_id: int
    registration_id: int
    registration_token: str
    invitation_token: str
    reset_token: str
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    outcome_token: str = ""  # the event's outcome page is published, also by this secret link

    @property
    def bs(self) -> BrainstormSession:
        return db.session.get(BrainstormSession, self.session_id)

    @property
    def other_bs(self) -> BrainstormSession:
        return db.session.get(BrainstormSession, self.other_session_id)

    @property
    def facilitator(self) -> User:
        return db.session.get(User, self.facilitator_id)

    @property
    def participant(self) -> Participant:
        return db.session.get(Participant, self.participant_id)

    def url_values(self, endpoint: str) -> dict[str, object]:
        """Real values for the URL parts of the routes; a token is the endpoint's own kind."""
        token = {
            "accounts.reset_password": self.reset_token,
            "events.invitation": self.invitation_token,
            "outcomes.secret": self.outcome_token,
            "outcomes.secret_theme": self.outcome_token,
        }.get(endpoint, self.registration_token)
        return {
            "event_id": self.event_id,
            "session_id": self.session_id,
            "code": self.code,
            "poll_id": self.poll_id,
            "question_id": self.question_id,
            "registration_id": self.registration_id,
            "user_id": self.member_id,
            "slug": self.slug,
            "lang": "nl",
            "token": token,
            "cluster_id": self.cluster_ids[0],
        }

    def page_token(self, actor: str) -> str | None:
        """The socket token the actor's own page hands out, or None without such a page."""
        paths = {
            OTHER: f"/s/{self.other_bs.join_code}",
            PARTICIPANT: f"/s/{self.code}",
            STAFF: f"/sessions/{self.session_id}/present",  # staff's only page with a token
            FACILITATOR: f"/sessions/{self.session_id}/facilitate",
        }
        if actor not in paths:
            return None
        page = self.clients[actor].get(paths[actor])
        assert page.status_code == 200, (actor, page.status_code)
        return TOKEN.search(page.get_data(as_text=True)).group(1)

    def socket(self, actor: str):
        """A connected socket for the actor's own page (not connected for anonymous)."""
        token = self.page_token(actor)
        client = self.clients[actor] if token else self.app.test_client()
        return socketio.test_client(
            self.app, flask_test_client=client, auth={"token": token} if token else None
        )


def _user(email: str, role: Role) -> User:
    user = User(email=email, name=email.split("@")[0], role=role, password_hash=CHEAP_HASH)
    db.session.add(user)
    db.session.commit()
    return user


def _login(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


def _join(app: Flask, bs: BrainstormSession, name: str) -> tuple[FlaskClient, Participant]:
    client = app.test_client()
    response = client.post("/join", data={"code": bs.join_code, "display_name": name})
    assert response.status_code == 302, "join failed"
    participant = db.session.scalar(
        select(Participant).filter_by(session_id=bs.id).order_by(Participant.id.desc()).limit(1)
    )
    return client, participant


def build_world(app: Flask) -> World:
    """A published event with a session full of things, a second event's session, and people."""
    facilitator = _user("facilitator@example.org", Role.FACILITATOR)
    staff = _user("staf@example.org", Role.STAFF)
    member = _user("collega@example.org", Role.STAFF)
    stranger = _user("ander@example.org", Role.FACILITATOR)
    day = (utcnow() + timedelta(days=60)).date()
    event = create_event(
        facilitator,
        "Brainstormsessie RATO",
        day,
        time(15, 30),
        time(17),
        agenda=[(time(15, 30), time(16), "Welkom"), (time(16), time(17), "Deelsessies")],
    )
    event.published = True
    accounts.add_to_team(event.id, staff, TeamRole.STAFF)
    accounts.add_to_team(event.id, member, TeamRole.STAFF)
    db.session.commit()
    bs = sessions.create_session(event, "Vraagstukken Samen Opleiden")
    other_event = create_event(stranger, "Ander evenement", day, time(9), time(11))
    other_bs = sessions.create_session(other_event, "Andere sessie")

    participant_client, participant = _join(app, bs, "Alice")
    other_client, other = _join(app, other_bs, "Bob")
    ideas = [board.submit_idea(bs, participant, text, str(uuid4())).id for text in IDEAS]
    first = corrections.create_cluster(bs, facilitator, "Werkdruk")
    second = corrections.create_cluster(bs, facilitator, "Stage")
    workspace.show_themes(bs, facilitator, True)  # participants vote on shown themes only
    for idea_id, cluster in zip(ideas, (first, first, second, second), strict=True):
        corrections.move_idea(bs, facilitator, idea_id, cluster.id)
    db.session.commit()

    pre = polls.create_poll(event, facilitator, "Poll vooraf", PollKind.PRE)
    question = polls.add_question(
        pre, facilitator, polls.QuestionData(type="single", text="Sector?", options=["po", "vo"])
    )
    for kind, options in (
        ("multiple", ["werkdruk", "stage", "geld"]),
        ("scale", []),
        ("ranking", ["inductie", "bekostiging", "regio"]),
        ("open", []),
        ("words", []),
    ):
        polls.add_question(
            pre, facilitator, polls.QuestionData(type=kind, text=f"{kind}?", options=options)
        )
    live = polls.create_poll(event, facilitator, "Live poll", PollKind.LIVE, session=bs)
    live_question = polls.add_question(
        live, facilitator, polls.QuestionData(type="scale", text="Hoe tevreden?")
    )
    live_question.state = QuestionState.OPEN
    db.session.commit()

    registration = registrations.register(
        event,
        registrations.RegistrationData(
            name="Carla", email="carla@school.nl", sector="vo", consent=True
        ),
    )
    set_questions(event, facilitator, "Dieetwensen\n* Rol | student; docent")
    invitation = mails.login_link(registration).rsplit("/", 1)[1]
    outcome = Outcome(event_id=event.id, visibility=Visibility.PUBLIC, token="w" * 22)
    db.session.add(outcome)
    db.session.commit()
    reset = accounts._reset_serializer().dumps({"u": member.id, "h": member.password_hash[-16:]})

    world = World(
        app=app,
        event_id=event.id,
        session_id=bs.id,
        code=bs.join_code,
        other_session_id=other_bs.id,
        facilitator_id=facilitator.id,
        staff_id=staff.id,
        member_id=member.id,
        participant_id=participant.id,
        other_participant_id=other.id,
        idea_ids=ideas,
        cluster_ids=[first.id, second.id],
        poll_id=pre.id,
        slug=pre.slug,
        question_id=question.id,
        live_question_id=live_question.id,
        registration_id=registration.id,
        registration_token=registration.token,
        invitation_token=invitation,
        reset_token=reset,
        outcome_token=outcome.token,
    )
    world.clients = {
        ANONYMOUS: app.test_client(),
        OTHER: other_client,
        PARTICIPANT: participant_client,
        STAFF: _login(app, staff),
        FACILITATOR: _login(app, facilitator),
    }
    return world


def dump(skip_session_id: int | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (a small database), to prove that nothing was written.

    Rows of `skip_session_id` are left out: what another session's participant did in their
    own session is theirs.
    """
    rows = {}
    for table in db.metadata.sorted_tables:
        query = table.select()
        if skip_session_id is not None and "session_id" in table.c:
            query = query.where(
                (table.c.session_id != skip_session_id) | table.c.session_id.is_(None)
            )
        rows[table.name] = sorted(map(tuple, db.session.execute(query)), key=repr)
    return rows


def make_app(folder: Path) -> Flask:
    """An app as tests/conftest.py makes one, on a SQLite file in `folder`, tables created."""
    app = create_app(
        {
            "TESTING": True,
            "SLOT_DELAY": 0,
            "PRESENCE_DELAY": 0,
            "MAIL_OUTBOX": str(folder / "outbox"),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'test.db'}",
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )

    @app.teardown_request
    def forget_user(_exc):
        g.pop("_login_user", None)  # requests reuse the test's app context (and g)

    with app.app_context():
        db.create_all()
    return app


class Snapshot:
    """The world built once on `app`'s SQLite file; `restore()` hands it back to each test."""

    def __init__(self, app: Flask, folder: Path) -> None:
        self.app = app
        self.database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        self.copy = folder / "world.db"
        self.world = build_world(app)
        name = app.config["SESSION_COOKIE_NAME"]
        self.cookies = {
            actor: cookie.value if (cookie := client.get_cookie(name)) else None
            for actor, client in self.world.clients.items()
        }
        self._close()
        shutil.copyfile(self.database, self.copy)

    def _close(self) -> None:
        db.session.remove()
        db.engine.dispose()  # the last connection to close folds the WAL into the file
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)

    def restore(self) -> World:
        """The database as the world left it, and new browsers with the actors' cookies."""
        self._close()
        shutil.copyfile(self.copy, self.database)
        name = self.app.config["SESSION_COOKIE_NAME"]
        clients = {}
        for actor, value in self.cookies.items():
            clients[actor] = client = self.app.test_client()
            if value is not None:
                client.set_cookie(name, value)
        return dataclasses.replace(self.world, clients=clients)
