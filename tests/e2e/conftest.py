"""A real server (gunicorn + gevent, as in production) and real Chromium for browser tests."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from brainstorm import create_app
from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import Role, User
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import BrainstormSession
from brainstorm.timeutil import local_today
from tests.servers import CHROMIUM, CHROMIUM_ARGS, AppServer

PASSWORD = "e2e-wachtwoord-123"


class Server(AppServer):
    """The app under gunicorn + gevent with a SQLite file of its own, and a session in it."""

    def __init__(self, tmp: Path):
        super().__init__(tmp, f"sqlite:///{tmp / 'e2e.db'}")
        self.info: dict = {}

    def prepare(self) -> dict:
        """Migrate the database and make a facilitator, an event and a session."""
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"], "ASYNC_MODE": "threading"}
        )
        with app.app_context():
            upgrade()
            user = accounts.create_user("facilitator@example.org", PASSWORD, Role.FACILITATOR)
            day = local_today() + timedelta(days=13)
            event = create_event(user, "Brainstormsessie RATO", day, time(15, 30), time(17))
            bs = sessions.create_session(event, "Vraagstukken Samen Opleiden")
            self.info = {
                "url": self.url,
                "code": bs.join_code,
                "session_id": bs.id,
                "email": user.email,
                "password": PASSWORD,
                "day": day.isoformat(),
            }
        return self.info

    def app(self, **config):
        """An app on this server's database, to fill it before the server starts."""
        database = {"SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"], "ASYNC_MODE": "threading"}
        return create_app({**database, **config})

    @contextmanager
    def filling(self, **config) -> Iterator[tuple[dict, BrainstormSession, User]]:
        """prepare(), then an app context on the database with the session and its
        facilitator, to fill it before the server starts; yields (info, session, user)."""
        info = self.prepare()
        with self.app(**config).app_context():
            bs = db.session.get(BrainstormSession, info["session_id"])
            yield info, bs, db.session.scalar(select(User).filter_by(email=info["email"]))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A server shared by the browser tests that do not stop it."""
    server = Server(tmp_path_factory.mktemp("e2e"))
    info = server.prepare()
    server.start()
    yield info
    server.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server of the test's own, which it may stop and restart."""
    server = Server(tmp_path)
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """new_page() -> a page in its own browser context (its own cookies, like another person)."""
    contexts = []

    def make():
        context = browser.new_context(locale="nl-NL")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda msg: msg.type == "error" and page.errors.append(f"{msg.text} {msg.location}"),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def seeded_server(tmp_path):
    """A server of the test's own whose session already holds the 60 demo vraagstukken."""
    import uuid

    from brainstorm.demo_data import DEMO_IDEAS

    server = Server(tmp_path)
    with server.filling(SLOT_DELAY=0) as (_info, bs, _user):
        people = [sessions.join_session(bs, f"Deelnemer {n}") for n in range(1, 21)]
        for index, text in enumerate(DEMO_IDEAS):
            board.submit_idea(bs, people[index % len(people)], text, str(uuid.uuid4()))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def poll_server(tmp_path):
    """A server of the test's own with two polls for its event: a live one in the session (a
    multiple-choice question, and a single-choice one with its results hidden; both still
    drafts, opened by the test) and a public one before the session (a ranking and a scale)
    whose thank-you page shows the results. Their ids are in `info["polls"]`."""
    from brainstorm.polls import services as polls

    server = Server(tmp_path)
    with server.filling() as (info, bs, user):
        live = polls.create_poll(bs.event, user, "Live in de sessie", "live", session=bs)
        sector = polls.add_question(
            live,
            user,
            polls.QuestionData(
                type="multiple",
                text="Welke sectoren zijn er vandaag bij jou aan tafel?",
                options=["Primair onderwijs", "Voortgezet onderwijs", "Mbo", "Lerarenopleiding"],
                max_choices=2,
            ),
        )
        mood = polls.add_question(
            live,
            user,
            polls.QuestionData(
                type="single",
                text="Is de inductie van starters in jouw regio goed geregeld?",
                options=["Ja", "Deels", "Nee"],
            ),
        )
        mood.results_hidden = True
        before = polls.create_poll(bs.event, user, "Vooraf", "pre", show_results=True)
        polls.add_question(
            before,
            user,
            polls.QuestionData(
                type="ranking",
                text="Welk thema moet als eerste op de agenda?",
                options=["Werkdruk", "Bekostiging", "Inductie"],
            ),
        )
        polls.add_question(
            before,
            user,
            polls.QuestionData(
                type="scale",
                text="Hoe tevreden ben je over de samenwerking in het partnerschap?",
                scale_high=5,
                label_low="zeer ontevreden",
                label_high="zeer tevreden",
            ),
        )
        db.session.commit()
        info["event_id"] = bs.event_id
        info["polls"] = {
            "live": live.id,
            "sector": sector.id,
            "mood": mood.id,
            "before": before.id,
            "slug": before.slug,
        }
    server.start()
    yield server
    server.stop()
