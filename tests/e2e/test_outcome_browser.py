"""The outcome page in Chromium: the organiser publishes it, an anonymous reader opens it, opens
a theme, filters by sector and follows a theme's permanent link; without JavaScript the themes
are all there and the filter still works; axe finds nothing serious."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_session_browser import log_in


@pytest.fixture
def outcome_server(tmp_path):
    """A session whose 60 demo vraagstukken, sent by people of po, vo and mbo, are clustered
    into themes the facilitator named and showed the room; the outcome page is still a draft."""
    from sqlalchemy import select

    from brainstorm.demo_data import DEMO_IDEAS
    from brainstorm.extensions import db
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.workspace import runs
    from brainstorm.workspace import services as workspace
    from brainstorm.workspace.models import Cluster

    server = Server(tmp_path)
    with server.filling() as (info, bs, user):
        people = [
            sessions.join_session(bs, "", ("po", "vo", "mbo")[n % 3], "RATO Utrecht")
            for n in range(12)
        ]
        for index, text in enumerate(DEMO_IDEAS):
            board.submit_idea(bs, people[index % len(people)], text, str(uuid.uuid4()))
        runs.run_clustering(bs, user, 5)
        rows = db.session.scalars(select(Cluster).filter_by(session_id=bs.id)).all()
        for row in rows:
            row.title = f"Thema {row.label}"[:120]
        rows[0].question = "Wie betaalt de begeleiding structureel?"
        db.session.commit()
        workspace.show_themes(bs, user, True)  # shown to the room: no longer a draft
        info["event_id"] = bs.event_id
        info["themes"] = [c.title for c in sorted(rows, key=lambda c: c.position)]
    server.start()
    yield info
    server.stop()


def test_publish_open_a_theme_filter_and_follow_its_link(outcome_server, new_page):
    server = outcome_server
    outcome_url = f"{server['url']}/events/{server['event_id']}/uitkomst"
    assert new_page().goto(outcome_url).status == 404  # a draft: not there for outsiders

    organiser = new_page()
    log_in(organiser, server)
    organiser.goto(f"{server['url']}/events/{server['event_id']}/uitkomst/beheer")
    organiser.get_by_label("Openbaar: iedereen met het adres").check()
    organiser.get_by_role("button", name="Opslaan").click()
    expect(organiser.get_by_text("De uitkomstpagina is gepubliceerd.")).to_be_visible()

    reader = new_page()
    reader.goto(outcome_url)
    themes = reader.locator(".outcome-theme")
    expect(themes).to_have_count(5)
    expect(themes.locator(".theme-title")).to_have_text(server["themes"])
    assert_accessible(reader, "the outcome page")

    first = themes.first
    expect(first.locator(".theme-ideas")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator(".theme-ideas li").first).to_be_visible()
    assert_accessible(reader, "the outcome page with a theme open")

    # Filter by sector: only vraagstukken from mbo remain, and the address says so.
    reader.get_by_label("Sector").select_option("mbo")
    expect(reader).to_have_url(re.compile(r"\?sector=mbo"))
    visible = first.locator(".theme-ideas li:visible .tag", has_text="mbo")
    expect(visible.first).to_be_visible()
    expect(
        first.locator(".theme-ideas li:visible .tag", has_text=re.compile("^(po|vo)$"))
    ).to_have_count(0)
    reader.get_by_label("Sector").select_option("")

    # The permanent link opens the page at that theme, opened.
    first.get_by_role("link", name="Vaste link naar dit thema").click()
    expect(reader).to_have_url(re.compile(r"/uitkomst/thema/\d+#thema-\d+$"))
    theme_id = reader.url.rsplit("#", 1)[1]
    expect(reader.locator(f"#{theme_id} .theme-ideas li").first).to_be_visible()
    expect(reader.locator(f"#{theme_id}")).to_contain_text(server["themes"][0])
    assert reader.errors == []


def test_without_javascript_the_themes_are_there_and_the_filter_works(
    outcome_server, browser, new_page
):
    server = outcome_server
    organiser = new_page()
    log_in(organiser, server)
    organiser.goto(f"{server['url']}/events/{server['event_id']}/uitkomst/beheer")
    organiser.get_by_label("Openbaar: iedereen met het adres").check()
    organiser.get_by_role("button", name="Opslaan").click()

    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(f"{server['url']}/events/{server['event_id']}/uitkomst")
        expect(page.locator(".outcome-theme .theme-title")).to_have_text(server["themes"])
        page.locator(".outcome-theme summary").first.click()  # <details> needs no script
        expect(page.locator(".outcome-theme").first.locator(".theme-ideas")).to_be_visible()
        page.get_by_label("Sector").select_option("po")
        page.get_by_role("button", name="Filteren").click()
        expect(page).to_have_url(re.compile(r"sector=po"))
        shown = page.locator(".theme-ideas li:visible .tag", has_text=re.compile("^(vo|mbo)$"))
        expect(shown).to_have_count(0)
        expect(page.locator(".outcome-count")).to_contain_text("van 5 thema's")
    finally:
        context.close()
