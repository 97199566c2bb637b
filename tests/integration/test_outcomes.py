"""The outcome shared: the event's outcome page (draft, public, secret link, "bijgewerkt op"),
the terugkoppeling through the local SMTP server, and a session that starts from an earlier
session's themes."""

from datetime import time, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from brainstorm.accounts.models import Role, TeamRole
from brainstorm.accounts.services import add_to_team
from brainstorm.events import registrations as reg
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.outcomes.models import Outcome
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Idea
from brainstorm.timeutil import local_today, to_local, utcnow
from brainstorm.workspace import services as workspace
from brainstorm.workspace.carry import CarriedTheme
from brainstorm.workspace.models import Cluster, ClusterMember

MONEY = [
    "Wie betaalt de werkplekbegeleider als de subsidie stopt?",
    "Bekostiging van de begeleiding moet structureel worden, niet per subsidieronde.",
    "De financiering van schoolopleiders is onzeker na 2027.",
]
ZIJ = [
    "Zij-instromers haken af omdat werk en studie niet te combineren zijn.",
    "Hoe selecteren we zij-instromers die echt geschikt zijn voor de klas?",
    "Begeleiding van zij-instromers verschilt enorm per school.",
]


def submit(sock, texts):
    for text in texts:
        ack = sock.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)
        assert ack["ok"], ack


@pytest.fixture
def clustered(make_user, make_session, join, facilitate):
    """A session with two named themes (one deepened) and the facilitator who ran it."""
    facilitator = make_user()
    bs = make_session(facilitator)
    submit(join(bs), MONEY + ZIJ)
    console = facilitate(bs, facilitator)
    assert console.emit("run_clustering", {"k": 2}, callback=True)["ok"]
    for row in db.session.scalars(select(Cluster).filter_by(session_id=bs.id)):
        texts = db.session.scalars(
            select(Idea.text).join(ClusterMember).where(ClusterMember.cluster_id == row.id)
        ).all()
        row.title = "Geld" if sum(t in MONEY for t in texts) * 2 > len(texts) else "Zij-instroom"
    db.session.commit()
    zij = db.session.scalar(select(Cluster).filter_by(session_id=bs.id, title="Zij-instroom"))
    zij.summary = "Zij-instromers hebben een eigen route nodig."
    zij.question = "Hoe houden we zij-instromers vast?"
    zij.recommendation = "Maak begeleiding van zij-instromers structureel."
    zij.audiences = ["ocw"]
    db.session.commit()
    assert console.emit("show_themes", {"shown": True}, callback=True)["ok"]
    return bs, facilitator


def publish(client, event_id, visibility="public"):
    response = client.post(f"/events/{event_id}/uitkomst/beheer", data={"visibility": visibility})
    assert response.status_code == 302


def test_a_draft_is_not_found_outside_the_team_and_a_preview_for_it(
    clustered, app, login, make_user, join
):
    bs, _facilitator = clustered
    staff = make_user(Role.STAFF)
    add_to_team(bs.event_id, staff, TeamRole.STAFF)
    db.session.commit()
    url = f"/events/{bs.event_id}/uitkomst"
    assert app.test_client().get(url).status_code == 404
    participant = join(bs).http
    assert participant.get(url).status_code == 404
    preview = login(staff).get(url)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Concept" in page and "Zij-instroom" in page and "Geld" in page


def test_themes_still_in_draft_wait_off_the_page(clustered, app, login):
    bs, facilitator = clustered
    console = login(facilitator)
    publish(console, bs.event_id)
    draft = sessions.create_session(bs.event, "Middagsessie")
    other = Cluster(session_id=draft.id, key="k1", title="Nog niet voor de zaal")
    db.session.add(other)
    db.session.commit()

    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert "Zij-instroom" in page
    assert "Nog niet voor de zaal" not in page
    manage = console.get(f"/events/{bs.event_id}/uitkomst/beheer").get_data(as_text=True)
    assert "de thema's zijn nog concept: Middagsessie" in manage.replace("&#39;", "'")

    sessions.set_phase(draft, facilitator, "closed")  # the session is over: its themes count
    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert "Nog niet voor de zaal" in page


def test_a_themes_votes_say_which_the_room_saw_on_the_theme_itself(clustered, app, login):
    bs, facilitator = clustered
    sessions.set_phase(bs, facilitator, "voting")
    zij = _theme(bs, "Zij-instroom")
    idea = db.session.scalar(select(ClusterMember.idea_id).filter_by(cluster_id=zij.id))
    voters = [sessions.join_session(bs, f"Stemmer {n}") for n in range(2)]
    workspace.vote_cluster(bs, voters[0], zij.id)  # the wall shows "1 stem" for the theme
    board.vote(bs, voters[0], idea)
    board.vote(bs, voters[1], idea)
    sessions.update_settings(bs, facilitator, {"hide_votes": False})
    publish(login(facilitator), bs.event_id)

    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert "3 stemmen (1 op het thema zelf)" in page


def test_only_the_events_facilitator_publishes_and_sends(clustered, app, login, make_user, join):
    bs, facilitator = clustered
    staff = make_user(Role.STAFF)
    add_to_team(bs.event_id, staff, TeamRole.STAFF)
    db.session.commit()
    participant = join(bs).http
    for path in ("beheer", "terugkoppeling"):
        url = f"/events/{bs.event_id}/uitkomst/{path}"
        data = {"visibility": "public"}
        assert app.test_client().post(url, data=data).location.startswith("/login")
        assert participant.post(url, data=data).location.startswith("/login")
        assert login(staff).post(url, data=data).status_code == 403
    assert app.test_client().get(f"/events/{bs.event_id}/uitkomst").status_code == 404

    publish(login(facilitator), bs.event_id)
    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Concept" not in text
    # Themes in order, with the deepening and the vraagstukken.
    assert "Hoe houden we zij-instromers vast?" in text
    assert "Maak begeleiding van zij-instromers structureel." in text
    assert "Ministerie van OCW" in text
    assert all(idea in text for idea in MONEY + ZIJ)
    zij = db.session.scalar(select(Cluster).filter_by(session_id=bs.id, title="Zij-instroom"))
    theme = app.test_client().get(f"/events/{bs.event_id}/uitkomst/thema/{zij.id}")
    assert theme.status_code == 200
    assert f'id="thema-{zij.id}" data-session="{bs.id}">\n            <details open>' in (
        theme.get_data(as_text=True)
    )
    assert app.test_client().get(f"/events/{bs.event_id}/uitkomst/thema/999999").status_code == 404


def test_a_secret_link_works_only_with_its_token(clustered, app, login):
    bs, facilitator = clustered
    client = login(facilitator)
    publish(client, bs.event_id, "link")
    row = db.session.scalar(select(Outcome).filter_by(event_id=bs.event_id))
    anonymous = app.test_client()
    assert anonymous.get(f"/events/{bs.event_id}/uitkomst").status_code == 404
    assert anonymous.get(f"/uitkomst/{row.token}").status_code == 200
    assert anonymous.get(f"/uitkomst/{row.token[:-1]}x").status_code == 404
    old = row.token
    client.post(f"/events/{bs.event_id}/uitkomst/beheer", data={"action": "new_link"})
    db.session.refresh(row)
    assert anonymous.get(f"/uitkomst/{old}").status_code == 404
    assert anonymous.get(f"/uitkomst/{row.token}").status_code == 200
    publish(client, bs.event_id, "draft")
    assert anonymous.get(f"/uitkomst/{row.token}").status_code == 404


def test_a_change_after_publishing_shows_when(clustered, app, login, clock):
    bs, facilitator = clustered
    publish(login(facilitator), bs.event_id)
    anonymous = app.test_client()
    assert "bijgewerkt op" not in anonymous.get(f"/events/{bs.event_id}/uitkomst").get_data(
        as_text=True
    )
    clock.shift(timedelta(hours=2))
    geld = db.session.scalar(select(Cluster).filter_by(session_id=bs.id, title="Geld"))
    geld.recommendation = "Bekostig de begeleiding structureel."
    db.session.commit()
    seen = to_local(utcnow())
    page = anonymous.get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert f"bijgewerkt op {seen:%d-%m-%Y %H:%M}" in page or (
        f"bijgewerkt op {seen + timedelta(minutes=1):%d-%m-%Y %H:%M}" in page
    )
    assert "Bekostig de begeleiding structureel." in page


# --- terugkoppeling -----------------------------------------------------------------------


def person(n, **extra):
    return reg.RegistrationData(
        name=f"Persoon {n}",
        email=f"persoon{n}@school.nl",
        sector="mbo",
        partnership="RATO Utrecht",
        consent=True,
        **extra,
    )


def test_the_feedback_mail_goes_once_to_each_person_through_smtp(smtp, clustered, app, login):
    bs, facilitator = clustered
    reg.register(bs.event, person(1))
    reg.register(bs.event, person(2)).language = "en"  # registered on the English page
    db.session.commit()
    smtp.messages.clear()  # the confirmations
    client = login(facilitator)
    # Not before the page is published: the mail links to it.
    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling")
    assert smtp.messages == []
    publish(client, bs.event_id)

    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling", data={"report": "yes"})
    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling", data={"report": "yes"})
    subjects = {1: "Terugkoppeling: Brainstormsessie RATO", 2: "Feedback: Brainstormsessie RATO"}
    for n in (1, 2):
        (message,) = smtp.to(f"persoon{n}@school.nl")
        assert message["Subject"] == subjects[n]  # each in the language they registered in
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert f"http://localhost/events/{bs.event_id}/uitkomst" in text
        assert "- Zij-instroom" in text and "- Geld" in text
        (pdf,) = [
            p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
        ]
        assert pdf.get_content().startswith(b"%PDF")


def test_a_failed_feedback_mail_shows_on_the_registrations_page_and_goes_later(
    smtp, clustered, app, login
):
    bs, facilitator = clustered
    reg.register(bs.event, person(1))
    smtp.messages.clear()
    client = login(facilitator)
    publish(client, bs.event_id)
    smtp.stop()
    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling")
    page = client.get(f"/events/{bs.event_id}/registrations").get_data(as_text=True)
    assert "terugkoppeling: mislukt" in page
    smtp.start()
    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling")
    client.post(f"/events/{bs.event_id}/uitkomst/terugkoppeling")
    (message,) = smtp.to("persoon1@school.nl")
    assert message.get_body(preferencelist=("plain",)).get_content().count("Persoon 1") == 1
    assert not list(message.iter_attachments())  # no PDF unless chosen
    page = client.get(f"/events/{bs.event_id}/registrations").get_data(as_text=True)
    assert "terugkoppeling: verstuurd" in page


# --- outcomes carried forward -------------------------------------------------------------


def test_a_session_starts_from_an_earlier_sessions_themes(clustered, app, login, join):
    earlier, facilitator = clustered
    day = local_today() + timedelta(days=40)
    congress = create_event(facilitator, "Congresdag", day, time(10), time(16))
    bs = sessions.create_session(congress, "Vervolg op het congres")
    url = f"/sessions/{bs.id}/thema-overnemen"
    assert app.test_client().post(url, data={"source": earlier.id}).location.startswith("/login")

    client = login(facilitator)
    assert f"Brainstormsessie RATO · {earlier.title}" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"source": earlier.id})
    assert response.location == f"/sessions/{bs.id}/facilitate"
    rows = list(
        db.session.scalars(select(Cluster).filter_by(session_id=bs.id).order_by(Cluster.position))
    )
    before = list(
        db.session.scalars(
            select(Cluster).filter_by(session_id=earlier.id).order_by(Cluster.position)
        )
    )
    assert [r.title for r in rows] == [c.title for c in before]
    assert all(r.locked for r in rows)
    zij = next(r for r in rows if r.title == "Zij-instroom")
    assert zij.question == "Hoe houden we zij-instromers vast?" and zij.audiences == ["ocw"]
    assert db.session.get(CarriedTheme, zij.id).source_session == earlier.title

    # A second time is refused: the session has themes now.
    client.post(url, data={"source": earlier.id})
    assert (
        db.session.scalar(select(db.func.count()).select_from(Cluster).filter_by(session_id=bs.id))
        == 2
    )

    sock = join(bs)
    submit(
        sock,
        ["Zij-instromers hebben te weinig begeleiding op school.", "Waar parkeren we de fietsen?"],
    )
    places = {
        idea_text: place
        for idea_text, place in db.session.execute(
            select(Idea.text, ClusterMember)
            .join(ClusterMember, ClusterMember.idea_id == Idea.id)
            .where(Idea.session_id == bs.id)
        )
    }
    slotted = places["Zij-instromers hebben te weinig begeleiding op school."]
    assert slotted.cluster_id == zij.id and slotted.new
    assert "Waar parkeren we de fietsen?" not in places  # like no theme: free for the engine


def _members(cluster):
    query = select(Idea.text).join(ClusterMember).where(ClusterMember.cluster_id == cluster.id)
    return set(db.session.scalars(query))


ROOSTERS = [
    "De roosters van de opleidingsschool sluiten niet aan op die van de pabo.",
    "Roosters van studenten en scholen botsen elke periode opnieuw.",
    "Wie maakt het rooster voor de stagedagen in het tweede jaar?",
    "Kunnen de roosters van de instituten en de scholen eerder vastliggen?",
]


def test_a_carried_theme_no_idea_joined_before_the_run_still_receives_its_kind(
    clustered, login, join, facilitate
):
    earlier, facilitator = clustered
    bs = sessions.create_session(earlier.event, "Middagronde")
    login(facilitator).post(f"/sessions/{bs.id}/thema-overnemen", data={"source": earlier.id})
    geld, zij = _theme(bs, "Geld"), _theme(bs, "Zij-instroom")
    sock, console = join(bs), facilitate(bs, facilitator)
    # Sent while the input is hidden, nothing is slotted: the run places all of them.
    assert console.emit("set_phase", {"phase": "hidden_input"}, callback=True)["ok"]
    submit(sock, ROOSTERS + MONEY[:2] + ZIJ[:2])
    assert not _members(geld) and not _members(zij)
    assert console.emit("run_clustering", {}, callback=True)["ok"]
    assert _members(geld) == set(MONEY[:2]) and _members(zij) == set(ZIJ[:2])
    # After the run, live: a theme still without members is as much a place as any.
    assert console.emit("set_phase", {"phase": "input"}, callback=True)["ok"]
    late = "Hoe lang betaalt de subsidie de begeleiding op school nog?"
    submit(sock, [late])
    assert late in _members(geld)


def test_two_sessions_of_an_event_filter_by_session_without_javascript(clustered, app, login):
    earlier, facilitator = clustered
    afternoon = sessions.create_session(earlier.event, "Middagronde")
    client = login(facilitator)
    client.post(f"/sessions/{afternoon.id}/thema-overnemen", data={"source": earlier.id})
    db.session.get(Cluster, _theme(afternoon, "Geld").id).title = "Geld in de middag"
    db.session.commit()
    workspace.show_themes(afternoon, facilitator, True)
    publish(client, earlier.event_id)

    page = app.test_client().get(f"/events/{earlier.event_id}/uitkomst?sessie={afternoon.id}")
    text = page.get_data(as_text=True)
    morning_theme = _theme(earlier, "Geld")
    assert f'id="thema-{morning_theme.id}" data-session="{earlier.id}" hidden>' in text
    afternoon_theme = _theme(afternoon, "Geld in de middag")
    assert f'id="thema-{afternoon_theme.id}" data-session="{afternoon.id}">' in text
    assert "2 van 4 thema" in text


def _theme(bs, title):
    return db.session.scalar(select(Cluster).filter_by(session_id=bs.id, title=title))


def test_a_scale_shows_its_mean_and_what_its_ends_mean(clustered, app, login):
    from brainstorm.polls import services as polls

    bs, facilitator = clustered
    poll = polls.create_poll(bs.event, facilitator, "Peiling vooraf")
    question = polls.QuestionData(
        "scale", "Hoe goed ken je de plannen?", label_low="helemaal niet", label_high="heel goed"
    )
    scale = polls.add_question(poll, facilitator, question)
    for n, score in enumerate([1, 2, 4, 5]):
        polls.submit_response(poll, f"respondent-{n}", {scale.id: score})
    publish(login(facilitator), bs.event_id)

    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert "Gemiddeld 3 op een schaal van 1 tot 5" in page
    assert "1 (helemaal niet)" in page and "5 (heel goed)" in page


def test_only_a_theme_with_advice_or_an_audience_says_for_whom(clustered, app, login):
    bs, facilitator = clustered  # "Zij-instroom" has advice for OCW; "Geld" has none
    publish(login(facilitator), bs.event_id)

    page = app.test_client().get(f"/events/{bs.event_id}/uitkomst").get_data(as_text=True)
    assert page.count("<dt>Voor</dt>") == 1
    assert "Alle betrokkenen" not in page
