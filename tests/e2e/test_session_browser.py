"""A facilitator runs a session in Chromium: phases, ideas, voting, timer, presenter, outage."""

import re
import sqlite3

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code


def log_in(page, server):
    page.goto(server["url"] + "/login")
    page.get_by_label("E-mailadres").fill(server["email"])
    page.get_by_label("Wachtwoord").fill(server["password"])
    page.get_by_role("button", name="Inloggen").click()


def open_console(page, server):
    log_in(page, server)
    page.goto(f"{server['url']}/sessions/{server['session_id']}/facilitate")
    expect(page.locator("#status")).to_have_text("Verbonden")


def open_tab(page, name):
    """Open one area of the console (Bord, Clusters, Polls, Groepen, Instellingen)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def send(page, text):
    page.get_by_label("Jouw vraagstuk").fill(text)
    page.get_by_role("button", name="Insturen").click()


def test_facilitator_opens_input_then_voting_and_counts_show(live_server, new_page):
    console = new_page()
    open_console(console, live_server)
    people = [new_page() for _ in range(3)]
    for number, page in enumerate(people, start=1):
        join_by_code(page, live_server, f"Deelnemer {number}")

    console.get_by_role("button", name="Welkom", exact=True).click()
    expect(people[0].locator("#input-closed")).to_be_visible()
    console.get_by_role("button", name="Invoer open", exact=True).click()
    expect(people[0].get_by_role("button", name="Insturen")).to_be_visible()

    texts = [
        "Werkdruk van werkplekbegeleiders in het po",
        "Bekostiging van de inductie na 2027",
        "Zij-instromers haken af in het eerste jaar",
    ]
    for page, text in zip(people, texts, strict=True):
        send(page, text)
    for page in [*people, console]:
        for text in texts:
            expect(page.locator("#ideas li", has_text=text)).to_have_count(1)

    console.get_by_role("button", name="Stemmen", exact=True).click()
    target = people[1].locator("#ideas li", has_text=texts[0])
    target.get_by_role("button", name="Stem", exact=True).click()
    expect(people[1].locator("#votes-left")).to_contain_text(re.compile("nog 2 stemmen", re.I))
    people[2].locator("#ideas li", has_text=texts[0]).get_by_role(
        "button", name="Stem", exact=True
    ).click()
    # Blind voting: the console follows the counts, the phones see them after the result.
    expect(console.locator("#ideas li", has_text=texts[0])).to_contain_text("2 stemmen")
    expect(people[0].locator("#ideas li", has_text=texts[0]).locator(".tag-votes")).to_have_count(0)
    console.get_by_role("button", name="Uitslag tonen").click()
    expect(people[0].locator("#ideas li", has_text=texts[0])).to_contain_text("2 stemmen")
    top = people[0].locator("#result-box .ranking li").first
    expect(top).to_contain_text(texts[0])
    expect(top.locator(".ranking-count")).to_have_text("2 stemmen")
    people[0].set_viewport_size({"width": 360, "height": 740})  # a small phone
    assert people[0].evaluate("document.documentElement.scrollWidth") <= 360
    for page in [*people, console]:
        assert page.errors == [], page.errors


def test_presenter_shows_qr_and_a_running_timer(live_server, new_page):
    console, screen = new_page(), new_page()
    open_console(console, live_server)
    screen.context.add_cookies(console.context.cookies())
    screen.goto(f"{live_server['url']}/sessions/{live_server['session_id']}/present")
    expect(screen.locator(".big-code")).to_have_text(live_server["code"])
    qr = screen.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    # Pause, +1 min and Stop are there only while a timer runs: without one they took room.
    pause = console.get_by_role("button", name="Pauze")
    expect(pause).to_be_hidden()
    console.locator("#timer-minutes").fill("2")
    console.locator("#timer-form").get_by_role("button", name="Start").click()
    expect(pause).to_be_visible()
    display = screen.locator("#timer-display")
    expect(display).to_have_text(re.compile(r"^1:5\d$|^2:00$"))
    first = display.inner_text()
    screen.wait_for_timeout(2100)
    assert display.inner_text() != first  # it counts down on its own
    console.locator("#timer-stop").click()
    expect(screen.locator("#timer")).to_be_hidden()
    expect(pause).to_be_hidden()
    assert screen.errors == [] and console.errors == []


def test_a_timer_that_ran_out_is_gone_after_the_next_phase_and_never_in_closed(
    own_server, new_page
):
    # A server of its own: phases and timer belong to the whole session.
    server = own_server.info
    console, screen, phone = new_page(), new_page(), new_page()
    open_console(console, server)
    screen.context.add_cookies(console.context.cookies())
    screen.goto(f"{server['url']}/sessions/{server['session_id']}/present")
    join_by_code(phone, server, "Anna")
    pages = (console, screen, phone)

    minutes = console.locator("#timer-minutes")
    minutes.evaluate("input => { input.min = '0'; }")  # the form allows a minute at least
    minutes.fill("0.05")  # three seconds
    console.locator("#timer-form").get_by_role("button", name="Start").click()
    for page in pages:
        expect(page.locator("#timer-note")).to_have_text("De tijd is om", timeout=10_000)
    console.locator(".phase-steps").get_by_role("button", name="Stemmen").click()
    for page in pages:
        expect(page.locator("#timer")).to_be_hidden()

    console.locator("#timer-minutes").fill("5")  # a running timer goes too once closed
    console.locator("#timer-form").get_by_role("button", name="Start").click()
    expect(screen.locator("#timer")).to_be_visible()
    console.locator(".phase-steps").get_by_role("button", name="Afgesloten").click()
    for page in (console, screen):
        expect(page.locator("#timer")).to_be_hidden()
    screen.reload()
    expect(screen.locator("#status")).to_have_text("Verbonden")
    expect(screen.locator("#timer")).to_be_hidden()
    assert screen.errors == [] and console.errors == []


def test_idea_typed_during_an_outage_arrives_once_after_restart(own_server, new_page):
    server = own_server.info
    page = new_page()
    join_by_code(page, server, "Onderweg")
    own_server.stop()
    expect(page.locator("#status")).to_contain_text("Geen verbinding", timeout=15_000)

    text = "Getypt terwijl de server weg was"
    send(page, text)
    expect(page.locator("#pending li", has_text=text)).to_have_count(1)

    own_server.start()
    expect(page.locator("#status")).to_have_text("Verbonden", timeout=20_000)
    expect(page.locator("#ideas li", has_text=text)).to_have_count(1)
    expect(page.locator("#pending li")).to_have_count(0)
    page.reload()
    expect(page.locator("#ideas li", has_text=text)).to_have_count(1)
    with sqlite3.connect(own_server.tmp / "e2e.db") as db:
        (stored,) = db.execute("select count(*) from ideas where text = ?", (text,)).fetchone()
    assert stored == 1
