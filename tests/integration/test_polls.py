"""Polls: the builder, the public poll before the session, live polls, import and export."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brainstorm.extensions import db
from brainstorm.polls import services as polls
from brainstorm.polls.models import Answer, Poll, Question
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.timeutil import local_today, utcnow
from tests.helpers import received

QUESTIONS = [
    {"type": "single", "text": "Uit welke sector kom je?", "options": "po\nvo\nmbo"},
    {
        "type": "multiple",
        "text": "Welke thema's spelen?",
        "options": "werkdruk\nstage\ngeld",
        "max_choices": "2",
    },
    {
        "type": "scale",
        "text": "Hoe tevreden ben je?",
        "scale_high": "5",
        "label_low": "niet",
        "label_high": "zeer",
    },
    {"type": "ranking", "text": "Wat eerst?", "options": "inductie\nbekostiging\nregio"},
    {"type": "open", "text": "Welk vraagstuk wil je bespreken?", "required": "y"},
    {"type": "words", "text": "In een paar woorden?"},
]


def answers_in_db() -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


@pytest.fixture
def built(make_user, make_session, login):
    """A pre-session poll with one question of every type, built through the pages."""
    facilitator = make_user()
    bs = make_session(facilitator)
    client = login(facilitator)
    response = client.post(
        f"/events/{bs.event_id}/polls",
        data={"title": "Poll vooraf", "kind": "pre", "session_id": 0},
    )
    assert response.status_code == 302
    poll = db.session.scalar(select(Poll))
    for question in QUESTIONS:
        assert client.post(f"/polls/{poll.id}", data=question).status_code == 302
    db.session.refresh(poll)
    return poll, bs, facilitator, client


def form_for(poll, **overrides):
    q = {question.type: question.id for question in poll.questions}
    data = {
        f"q{q['single']}": "1",
        f"q{q['multiple']}": ["0", "2"],
        f"q{q['scale']}": "4",
        f"q{q['ranking']}_0": "2",
        f"q{q['ranking']}_1": "1",
        f"q{q['ranking']}_2": "3",
        f"q{q['open']}": "Hoe regelen we de inductie van starters in de regio?",
        f"q{q['words']}": "werkdruk en regie",
    }
    data.update(overrides)
    return data


def test_the_builder_makes_questions_of_every_type(built):
    poll, _bs, _facilitator, client = built
    assert [q.type for q in poll.questions] == [q["type"] for q in QUESTIONS]
    assert poll.questions[1].max_choices == 2 and poll.questions[2].label_high == "zeer"
    page = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert f"/p/{poll.slug}" in page and "Woordwolk" in page
    bad = client.post(
        f"/polls/{poll.id}", data={"type": "single", "text": "Eén keuze?", "options": "alleen"}
    )
    assert bad.status_code == 200 and "Geef tussen 2 en 20 keuzes" in bad.get_data(as_text=True)
    assert len(db.session.get(Poll, poll.id).questions) == len(QUESTIONS)  # nothing half-written


def test_reorder_duplicate_delete_and_no_edit_after_the_first_answer(built, app):
    poll, _bs, _facilitator, client = built
    first, second = poll.questions[0].id, poll.questions[1].id
    client.post(f"/questions/{second}/up")
    client.post(f"/questions/{first}/duplicate")
    db.session.expire_all()
    ids = [q.id for q in db.session.get(Poll, poll.id).questions]
    assert ids[:2] == [second, first] and len(ids) == len(QUESTIONS) + 1
    client.post(f"/questions/{ids[2]}/delete")
    db.session.expire_all()
    assert len(db.session.get(Poll, poll.id).questions) == len(QUESTIONS)

    app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    edit = client.post(
        f"/questions/{first}/edit", data={"type": "single", "text": "Anders", "options": "a\nb"}
    )
    assert "al beantwoord" in edit.get_data(as_text=True)
    assert db.session.get(Question, first).text == QUESTIONS[0]["text"]


def test_the_public_poll_takes_one_response_per_person(built, app):
    poll, *_ = built
    visitor = app.test_client()
    assert visitor.get(f"/p/{poll.slug}").status_code == 200
    response = visitor.post(f"/p/{poll.slug}", data=form_for(poll))
    assert response.status_code == 302 and response.location.endswith("/bedankt")
    stored = polls.answers_of(
        poll, next(iter({a.respondent for a in db.session.scalars(select(Answer))}))
    )
    ranking = next(q for q in poll.questions if q.type == "ranking")
    assert stored[ranking.id] == [1, 0, 2]  # bekostiging first, inductie, regio
    # Again from the same browser: replaces, never a second response.
    visitor.post(f"/p/{poll.slug}", data=form_for(poll, **{f"q{poll.questions[2].id}": "2"}))
    assert answers_in_db() == len(QUESTIONS)
    assert "al ingevuld" in visitor.get(f"/p/{poll.slug}").get_data(as_text=True)
    # Another browser is another person.
    app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    assert answers_in_db() == 2 * len(QUESTIONS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scale", "9", "Kies een getal van 1 tot 5"),
        ("multiple", ["0", "1", "2"], "Kies hoogstens 2 keuzes"),
        ("single", "7", "Kies één van de keuzes"),
        ("ranking", None, "Zet alle keuzes in een volgorde"),
        ("open", "x" * 501, "hoogstens 500 tekens"),
        ("open", "", "Deze vraag moet je beantwoorden"),
    ],
)
def test_bad_answers_get_a_clear_message_and_nothing_is_stored(built, app, field, value, message):
    poll, *_ = built
    question = next(q for q in poll.questions if q.type == field)
    if field == "ranking":
        overrides = {f"q{question.id}_0": "1", f"q{question.id}_1": "1", f"q{question.id}_2": "2"}
    else:
        overrides = {f"q{question.id}": value}
    response = app.test_client().post(f"/p/{poll.slug}", data=form_for(poll, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert answers_in_db() == 0


@pytest.mark.time_sensitive
def test_a_closed_poll_refuses_answers(built, app):
    poll, *_ = built
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    assert "gesloten" in response.get_data(as_text=True) and answers_in_db() == 0


def test_the_public_form_needs_its_csrf_token(built, app):
    poll, *_ = built
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True).lower()
    assert answers_in_db() == 0


def test_the_thank_you_page_shows_results_only_when_allowed(built, app):
    poll, *_ = built
    visitor = app.test_client()
    visitor.post(f"/p/{poll.slug}", data=form_for(poll))
    assert "De resultaten" not in visitor.get(f"/p/{poll.slug}/bedankt").get_data(as_text=True)
    poll.show_results = True
    db.session.commit()
    page = visitor.get(f"/p/{poll.slug}/bedankt").get_data(as_text=True)
    assert "De resultaten" in page and "werkdruk" in page


def test_open_answers_become_vraagstukken_once(built, app):
    poll, bs, _facilitator, client = built
    app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    app.test_client().post(
        f"/p/{poll.slug}",
        data=form_for(poll, **{f"q{poll.questions[4].id}": "Wie betaalt de schoolopleider?"}),
    )
    client.post(f"/polls/{poll.id}/import", data={"session_id": bs.id})
    client.post(f"/polls/{poll.id}/import", data={"session_id": bs.id})  # again: nothing new
    ideas = list(db.session.scalars(select(Idea).filter_by(session_id=bs.id)))
    assert sorted(i.text for i in ideas) == [
        "Hoe regelen we de inductie van starters in de regio?",
        "Wie betaalt de schoolopleider?",
    ]
    assert {i.source for i in ideas} == {"poll"}


def test_exports_hold_every_answer(built, app):
    poll, _bs, _facilitator, client = built
    app.test_client().post(f"/p/{poll.slug}", data=form_for(poll))
    csv_text = client.get(f"/polls/{poll.id}/export.csv").get_data(as_text=True)
    assert "bekostiging; inductie; regio" in csv_text and "Welk vraagstuk" in csv_text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/polls/{poll.id}/export.xlsx").data))
    assert book.sheetnames == ["Antwoorden", "Resultaten"]
    assert book["Antwoorden"].max_row == 1 + len(QUESTIONS)


def test_only_the_event_team_builds_and_reads(built, app, make_user, login):
    poll, *_ = built
    stranger = login(make_user())
    for url in (f"/polls/{poll.id}", f"/polls/{poll.id}/results", f"/polls/{poll.id}/export.csv"):
        assert stranger.get(url).status_code == 403
        assert app.test_client().get(url).status_code in (302, 401)


@pytest.fixture
def live(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    poll = polls.create_poll(bs.event, facilitator, "Live", "live", session=bs)
    question = polls.add_question(
        poll,
        facilitator,
        polls.QuestionData(type="single", text="Welke sector?", options=["po", "vo", "mbo"]),
    )
    participant, other = join(bs, "A"), join(bs, "B")
    console = facilitate(bs, facilitator)
    return question, console, participant, other


def test_a_live_question_opens_and_results_reach_everyone(live):
    question, console, participant, other = live
    closed = participant.emit(
        "poll_answer", {"question_id": question.id, "value": 0}, callback=True
    )
    assert closed["code"] == "phase_closed"
    assert console.emit("poll_state", {"question_id": question.id, "state": "open"}, callback=True)[
        "ok"
    ]
    assert received(other, "poll_question")[-1]["question"]["state"] == "open"
    assert participant.emit("poll_answer", {"question_id": question.id, "value": 2}, callback=True)[
        "ok"
    ]
    assert participant.emit("poll_answer", {"question_id": question.id, "value": 1}, callback=True)[
        "ok"
    ]
    last = received(other, "poll_results")[-1]
    assert [o["count"] for o in last["options"]] == [0, 1, 0]  # replaced, not added
    bad = participant.emit("poll_answer", {"question_id": question.id, "value": 5}, callback=True)
    assert bad["code"] == "invalid_input"
    refused = participant.emit(
        "poll_state", {"question_id": question.id, "state": "closed"}, callback=True
    )
    assert refused["code"] == "not_allowed"


def test_hidden_results_show_only_a_count_until_revealed(live):
    question, console, participant, other = live
    console.emit("poll_state", {"question_id": question.id, "state": "open"}, callback=True)
    console.emit("poll_hide_results", {"question_id": question.id, "hidden": True}, callback=True)
    other.get_received()
    console.get_received()
    participant.emit("poll_answer", {"question_id": question.id, "value": 0}, callback=True)
    seen = received(other, "poll_results")[-1]
    assert seen == {
        "question_id": question.id,
        "hidden": True,
        "respondents": 1,
        **{k: seen[k] for k in ("seq", "sent_at", "prev")},
    }
    assert any("options" in e for e in received(console, "poll_results"))  # the facilitator sees
    console.emit("poll_state", {"question_id": question.id, "state": "closed"}, callback=True)
    console.emit("poll_hide_results", {"question_id": question.id, "hidden": False}, callback=True)
    assert received(other, "poll_results")[-1]["options"][0]["count"] == 1
    late = participant.emit("poll_answer", {"question_id": question.id, "value": 1}, callback=True)
    assert late["code"] == "phase_closed" and "gesloten" in late["error"]


def test_behind_a_proxy_the_limit_counts_the_real_client(tmp_path):
    from brainstorm import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "PROXY_COUNT": 1,
        }
    )
    with app.app_context():
        db.create_all()
        seen = []

        @app.get("/_whoami")
        def whoami():
            from flask import request

            seen.append((request.remote_addr, request.scheme))
            return ""

        app.test_client().get(
            "/_whoami", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
        )
        db.session.remove()
    assert seen == [("203.0.113.7", "https")]


def test_a_reconnecting_phone_gets_the_open_question_and_its_own_answer(live, reconnect):
    question, console, participant, _other = live
    console.emit("poll_state", {"question_id": question.id, "state": "open"}, callback=True)
    participant.emit("poll_answer", {"question_id": question.id, "value": 2}, callback=True)
    bs = db.session.get(BrainstormSession, question.poll.session_id)
    again = reconnect(participant, f"/s/{bs.join_code}", None)
    (snapshot,) = received(again, "session_snapshot")
    (item,) = snapshot["polls"]["questions"]
    assert item["question"]["state"] == "open" and item["results"]["options"][2]["count"] == 1
    assert snapshot["polls"]["my_answers"] == {str(question.id): [2]}


def test_a_registrants_personal_link_counts_as_one_person_on_any_device(built, app):
    from brainstorm.events import registrations as reg

    poll, bs, *_ = built
    registration = reg.register(
        bs.event,
        reg.RegistrationData(name="Noor", email="noor@school.nl", consent=True),
    )
    url = f"/p/{poll.slug}?aanmelding={registration.token}"
    app.test_client().post(url, data=form_for(poll))
    app.test_client().post(url, data=form_for(poll))  # another browser, the same person
    respondents = set(db.session.scalars(select(Answer.respondent)))
    assert respondents == {f"registration:{registration.id}"}
    assert answers_in_db() == len(QUESTIONS)
    assert "al ingevuld" in app.test_client().get(url).get_data(as_text=True)


def test_the_confirmation_page_links_to_the_poll_with_the_personal_link(built, app):
    from brainstorm.events import registrations as reg

    poll, bs, *_ = built
    registration = reg.register(
        bs.event, reg.RegistrationData(name="Noor", email="noor@school.nl", consent=True)
    )
    page = app.test_client().get(f"/aanmelding/{registration.token}").get_data(as_text=True)
    assert f"/p/{poll.slug}?aanmelding={registration.token}" in page


def test_one_browser_is_limited_but_a_school_behind_one_address_is_not(tmp_path):
    from datetime import time

    from brainstorm import create_app
    from brainstorm.accounts import services as accounts
    from brainstorm.accounts.models import Role
    from brainstorm.events.services import create_event

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.db'}",
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
        user = accounts.create_user("f@example.org", "correct horse battery", Role.FACILITATOR)
        event = create_event(user, "Peiling", local_today() + timedelta(days=30), time(9), time(10))
        poll = polls.create_poll(event, user, "Vooraf")
        question = polls.add_question(
            poll, user, polls.QuestionData(type="scale", text="Hoe urgent?")
        )
        url, data = f"/p/{poll.slug}", {f"q{question.id}": "3"}
        eager = app.test_client()
        eager.get(url)
        codes = [eager.post(url, data=data).status_code for _ in range(11)]
        assert codes[:10] == [302] * 10 and codes[10] == 429
        assert "te vaak geprobeerd" in eager.post(url, data=data).get_data(as_text=True)
        # Twenty colleagues on the same school network (one address) each get through.
        for _ in range(20):
            colleague = app.test_client()
            colleague.get(url)
            assert colleague.post(url, data=data).status_code == 302
        db.session.remove()
