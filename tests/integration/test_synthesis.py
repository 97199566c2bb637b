"""One advice from several sessions: the engine proposes which themes of different sessions are
the same, the team merges, keeps apart, renames and splits, and the event's report (every
format) shows each theme's sessions and each vraagstuk's session and group."""

import io
import re
import subprocess
from datetime import time, timedelta

import docx
import pytest
from sqlalchemy import select

from brainstorm.accounts.models import Role, TeamRole
from brainstorm.accounts.services import add_to_team
from brainstorm.breakouts.models import BreakoutGroup
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.outcomes.models import SynthesisApart, SynthesisTheme
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Idea, Phase
from brainstorm.timeutil import local_today
from brainstorm.workspace.models import Cluster, ClusterMember

WERKDRUK = [
    "De werkdruk van werkplekbegeleiders is te hoog om studenten goed te begeleiden.",
    "Begeleiders hebben geen tijd: de werkdruk in de school laat begeleiding niet toe.",
    "Werkdruk en gebrek aan tijd voor begeleiding van studenten op de werkplek.",
]
TIJD = [
    "Werkplekbegeleiders krijgen te weinig tijd voor begeleiding naast hun werkdruk.",
    "De hoge werkdruk maakt dat begeleiders studenten te weinig tijd geven.",
    "Tijd voor begeleiding van studenten verdwijnt door werkdruk in de school.",
]
ZIJ_NOORD = [
    "Zij-instromers haken af omdat werk en studie niet te combineren zijn.",
    "Zij-instromers hebben een eigen begeleidingsroute nodig.",
]
ZIJ_WEST = [
    "Hoe houden we zij-instromers vast in het eerste jaar?",
    "Zij-instromers verdienen een begeleidingsroute die past bij hun ervaring.",
]
GELD = [
    "Wie betaalt de schoolopleider als de subsidie stopt?",
    "De bekostiging van opleiden in de school moet structureel worden.",
]
DIGITAAL = [
    "Studenten leren te weinig over digitale geletterdheid en AI in de klas.",
    "Lerarenopleidingen lopen achter met digitale didactiek.",
]


def make_event(facilitator, spec: dict[str, dict[str, list[str]]], group_of: dict | None = None):
    """An event with one session per key of `spec`, each with its named themes (in order) and
    their vraagstukken; `group_of` puts a vraagstuk in a breakout group by text."""
    day = local_today() + timedelta(days=13)
    event = create_event(facilitator, "Regionale brainstorms", day, time(15, 30), time(17))
    db.session.commit()
    groups: dict[tuple[int, str], BreakoutGroup] = {}
    for title, themes in spec.items():
        bs = sessions.create_session(event, title)
        bs.phase = Phase.CLOSED  # it took place: its themes are the outcome
        for position, (theme, texts) in enumerate(themes.items()):
            cluster = Cluster(session_id=bs.id, key=f"c{position}", title=theme, position=position)
            db.session.add(cluster)
            db.session.flush()
            for n, text in enumerate(texts):
                name = (group_of or {}).get(text)
                if name and (bs.id, name) not in groups:
                    groups[bs.id, name] = BreakoutGroup(session_id=bs.id, name=name)
                    db.session.add(groups[bs.id, name])
                    db.session.flush()
                idea = Idea(
                    session_id=bs.id,
                    client_id=f"{bs.id}-{position}-{n}",
                    text=text,
                    group_id=groups[bs.id, name].id if name else None,
                )
                db.session.add(idea)
                db.session.flush()
                db.session.add(ClusterMember(idea_id=idea.id, cluster_id=cluster.id))
    db.session.commit()
    return event


def theme_id(title: str) -> int:
    return db.session.scalar(select(Cluster.id).filter_by(title=title))


@pytest.fixture
def three(make_user):
    """Three regional sessions: workload in Noord and Zuid, zij-instroom in Noord and West."""
    facilitator = make_user()
    event = make_event(
        facilitator,
        {
            "Regio Noord": {"Werkdruk": WERKDRUK, "Zij-instroom": ZIJ_NOORD},
            "Regio Zuid": {"Tijd voor begeleiding": TIJD, "Bekostiging": GELD},
            "Regio West": {"Zij-instromers vasthouden": ZIJ_WEST, "Digitalisering": DIGITAAL},
        },
        group_of={WERKDRUK[0]: "Groep 2"},
    )
    return event, facilitator


def proposed_groups(page: str) -> list[frozenset[int]]:
    """The themes of each open proposal on the synthesis page."""
    proposals = page[page.index('id="voorstellen"') : page.index('id="samengevoegd"')]
    return [
        frozenset(int(i) for i in re.findall(r'name="themes" value="(\d+)"', block))
        for block in proposals.split('class="syn-proposal"')[1:]
    ]


def act(client, event, **data):
    response = client.post(f"/events/{event.id}/synthese", data=data)
    assert response.status_code == 302
    return client.get(response.location).get_data(as_text=True)


def test_a_confirmed_merge_and_a_theme_kept_apart_make_the_event_report(
    three, login, make_user, tmp_path
):
    event, _facilitator = three
    staff = make_user(Role.STAFF)
    add_to_team(event.id, staff, TeamRole.STAFF)
    db.session.commit()
    client = login(staff)
    werkdruk, tijd = theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")
    zij_noord, zij_west = theme_id("Zij-instroom"), theme_id("Zij-instromers vasthouden")

    page = client.get(f"/events/{event.id}/synthese").get_data(as_text=True)
    proposals = page[page.index('id="voorstellen"') : page.index('id="samengevoegd"')]
    proposed = proposed_groups(page)
    assert any({werkdruk, tijd} <= group for group in proposed)
    assert any({zij_noord, zij_west} <= group for group in proposed)
    assert WERKDRUK[0] in proposals  # a few vraagstukken beside each theme, to judge by

    page = act(client, event, action="merge", themes=[werkdruk, tijd])
    page = act(client, event, action="apart", themes=[zij_noord, zij_west])
    row = db.session.scalar(select(SynthesisTheme))
    page = act(client, event, action="rename", theme=row.id, title="Werkdruk in de begeleiding")
    assert 'value="Werkdruk in de begeleiding"' in page
    groups = proposed_groups(page)
    assert not any({zij_noord, zij_west} <= group for group in groups)  # not proposed again
    assert not any({werkdruk, tijd} <= group for group in groups)  # merged: no longer open

    response = client.get(f"/events/{event.id}/synthese/rapport.docx")
    assert response.status_code == 200
    assert "synthese" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Werkdruk in de begeleiding" in text
    assert (
        "Samengevoegd uit: Regio Noord (“Werkdruk”), Regio Zuid (“Tijd voor begeleiding”)" in text
    )
    assert f"{WERKDRUK[0]} (Regio Noord, Groep 2)" in text  # session and group kept
    assert f"{TIJD[0]} (Regio Zuid)" in text
    # Kept apart: two themes, each with its own session.
    headings = [
        p.text.split(". ", 1)[-1] for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert "Zij-instroom (Regio Noord)" in headings
    assert "Zij-instromers vasthouden (Regio West)" in headings
    assert "Synthese van 3 sessies: Regio Noord, Regio Zuid en Regio West" in text

    response = client.get(f"/events/{event.id}/synthese/rapport.pdf")
    assert response.status_code == 200
    path = tmp_path / "synthese.pdf"
    path.write_bytes(response.data)
    pdf = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    flat = " ".join(pdf.stdout.split())
    assert "Werkdruk in de begeleiding" in flat
    assert (
        "Samengevoegd uit: Regio Noord (“Werkdruk”), Regio Zuid (“Tijd voor begeleiding”)" in flat
    )
    assert "Zij-instromers vasthouden (Regio West)" in flat
    assert "Regio Noord, Groep 2" in flat

    for fmt in ("md", "xlsx", "zip"):  # every format the session's report offers
        assert client.get(f"/events/{event.id}/synthese/rapport.{fmt}").status_code == 200
    markdown = client.get(f"/events/{event.id}/synthese/rapport.md").get_data(as_text=True)
    assert "Regio Zuid, groep" not in markdown  # the plenary is just the session
    assert "Regio Noord, Groep 2" in markdown


def test_taking_out_and_splitting_undo_a_merge_and_are_not_proposed_again(three, login):
    event, facilitator = three
    client = login(facilitator)
    werkdruk, tijd = theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")
    geld, digitaal = theme_id("Bekostiging"), theme_id("Digitalisering")
    act(client, event, action="merge", themes=[werkdruk, tijd])
    page = act(client, event, action="merge", themes=[tijd, geld])  # by hand: joins it
    row = db.session.scalar(select(SynthesisTheme))
    assert len(row.members) == 3
    assert "3 vraagstukken" not in page and "8 vraagstukken" in page

    act(client, event, action="take_out", cluster=geld)
    db.session.refresh(row)
    assert {m.cluster_id for m in row.members} == {werkdruk, tijd}
    page = act(client, event, action="split", theme=row.id)
    assert db.session.scalar(select(SynthesisTheme)) is None
    assert "Nog niets samengevoegd" in page
    apart = {(a.first_id, a.second_id) for a in db.session.scalars(select(SynthesisApart))}
    assert (min(werkdruk, tijd), max(werkdruk, tijd)) in apart

    # Bad input: a clear refusal, nothing written.
    page = act(client, event, action="merge", themes=[werkdruk, werkdruk])
    assert "Kies twee verschillende thema" in page
    page = act(client, event, action="merge", themes=[digitaal, "999999"])
    assert "hoort niet (meer) bij dit evenement" in page
    page = act(client, event, action="rename", theme="1", title="x" * 121)
    assert db.session.scalar(select(SynthesisTheme)) is None


def test_a_theme_of_another_event_cannot_be_merged_in(three, login, make_user):
    event, facilitator = three
    other = make_event(facilitator, {"Elders": {"Werkdruk elders": WERKDRUK}})
    client = login(facilitator)
    page = act(
        client,
        event,
        action="merge",
        themes=[theme_id("Werkdruk"), theme_id("Werkdruk elders")],
    )
    assert "hoort niet (meer) bij dit evenement" in page
    assert db.session.scalar(select(SynthesisTheme)) is None
    assert other.id != event.id


def test_only_the_events_team_sees_or_changes_the_synthesis(three, login, make_user, app):
    """Staff of another event get a 403, anyone not logged in the login page (participants:
    see test_authorization_matrix)."""
    event, _facilitator = three
    werkdruk, tijd = theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")
    for client, refused in ((login(make_user(Role.STAFF)), 403), (app.test_client(), 302)):
        assert client.get(f"/events/{event.id}/synthese").status_code == refused
        assert client.get(f"/events/{event.id}/synthese/rapport.md").status_code == refused
        data = {"action": "merge", "themes": [werkdruk, tijd]}
        assert client.post(f"/events/{event.id}/synthese", data=data).status_code == refused
    assert db.session.scalar(select(SynthesisTheme)) is None


def test_the_outcome_page_shows_what_several_sessions_raised(three, login):
    event, facilitator = three
    client = login(facilitator)
    page = client.get(f"/events/{event.id}/uitkomst").get_data(as_text=True)
    assert "In meerdere sessies" not in page  # nothing merged yet
    act(
        client,
        event,
        action="merge",
        themes=[theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")],
    )
    act(
        client,
        event,
        action="rename",
        theme=db.session.scalar(select(SynthesisTheme.id)),
        title="Tijd",
    )
    page = client.get(f"/events/{event.id}/uitkomst").get_data(as_text=True)
    shared = page[
        page.index("In meerdere sessies") : page.index("</ul>", page.index("In meerdere sessies"))
    ]
    assert "<strong>Tijd</strong>" in shared and "2 sessies" in shared
    werkdruk = theme_id("Werkdruk")
    assert f'uitkomst/thema/{werkdruk}#thema-{werkdruk}">Regio Noord: Werkdruk</a>' in shared
    assert "Regio Zuid: Tijd voor begeleiding</a>" in shared


def test_a_theme_deleted_in_its_session_leaves_its_partner_on_its_own(three, login):
    event, facilitator = three
    client = login(facilitator)
    werkdruk, tijd = theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")
    act(client, event, action="merge", themes=[werkdruk, tijd])
    db.session.delete(db.session.get(Cluster, tijd))  # the facilitator of Regio Zuid deletes it
    db.session.commit()
    page = client.get(f"/events/{event.id}/synthese").get_data(as_text=True)
    assert "Nog niets samengevoegd" in page
    markdown = client.get(f"/events/{event.id}/synthese/rapport.md").get_data(as_text=True)
    assert "Werkdruk (Regio Noord)" in markdown
    assert "Samengevoegd uit" not in markdown


def test_an_audience_version_holds_the_themes_meant_for_it(three, login):
    event, facilitator = three
    for title, audiences in (("Werkdruk", ["ocw"]), ("Tijd voor begeleiding", ["ocw"])):
        db.session.get(Cluster, theme_id(title)).audiences = audiences
    db.session.get(Cluster, theme_id("Bekostiging")).audiences = ["sectorraden"]
    db.session.commit()
    client = login(facilitator)
    act(
        client,
        event,
        action="merge",
        themes=[theme_id("Werkdruk"), theme_id("Tijd voor begeleiding")],
    )
    markdown = client.get(f"/events/{event.id}/synthese/rapport.md?audience=ocw").get_data(
        as_text=True
    )
    assert "### 1. Werkdruk" in markdown  # merged, for OCW in both sessions
    assert "Bekostiging" not in markdown  # only for the sectorraden
    assert "Digitalisering (Regio West)" in markdown  # for everyone
    assert "ministerie" in markdown.lower()


def test_an_event_without_two_sessions_says_so_and_still_gives_a_report(make_user, login):
    facilitator = make_user()
    event = make_event(facilitator, {"Alleen": {"Werkdruk": WERKDRUK}})
    client = login(facilitator)
    page = client.get(f"/events/{event.id}/synthese").get_data(as_text=True)
    assert "dit evenement heeft er nog geen twee" in page
    assert "Geen open voorstellen" in page
    markdown = client.get(f"/events/{event.id}/synthese/rapport.md").get_data(as_text=True)
    assert "Werkdruk" in markdown and WERKDRUK[0] in markdown
    empty = make_event(facilitator, {})
    assert client.get(f"/events/{empty.id}/synthese/rapport.pdf").status_code == 200


def test_the_teams_introduction_opens_the_event_report(three, login):
    event, facilitator = three
    client = login(facilitator)
    introduction = "Op 14 december spraken drie regio's over de RATO.\n\nDit zijn hun vragen."

    page = act(client, event, action="introduction", introduction=introduction)

    assert "De inleiding is opgeslagen." in page
    assert "Op 14 december spraken drie regio&#39;s over de RATO." in page  # kept in the form
    document = docx.Document(
        io.BytesIO(client.get(f"/events/{event.id}/synthese/rapport.docx").data)
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert "Op 14 december spraken drie regio's over de RATO." in paragraphs
    participation = next(
        i
        for i, p in enumerate(document.paragraphs)
        if p.text == "Deelname" and p.style.name.startswith("Heading")
    )
    assert paragraphs.index("Dit zijn hun vragen.") < participation


def test_an_introduction_too_long_is_refused_in_words_and_keeps_the_last(three, login):
    event, facilitator = three
    client = login(facilitator)
    act(client, event, action="introduction", introduction="Kort en goed.")

    page = act(client, event, action="introduction", introduction="x" * 20_001)

    assert "De inleiding is te lang: 20001 tekens, hoogstens 20000." in page
    assert ">Kort en goed.</textarea>" in page
