"""Breakout groups in Chromium: four people split into two groups, each group sees only its own
ideas, and after the return to the plenary everyone sees every idea labelled with its group."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import open_console, open_tab, send

GROUPS = ("Noord", "Zuid")
PEOPLE = {"Anna": "Noord", "Bram": "Noord", "Chris": "Zuid", "Dewi": "Zuid"}
IDEAS = {
    "Anna": "Regionale afspraken over stageplekken in het noorden",
    "Bram": "Begeleiding van zij-instromers op kleine scholen",
    "Chris": "Werkdruk van schoolopleiders in het zuiden",
    "Dewi": "Samen opleiden met het mbo in de regio",
}


def idea(page, text):
    return page.locator("#ideas li", has_text=text)


def covered(locator) -> bool:
    """Whether something else lies over the middle of this element (where a click lands)."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate(
        """el => {
          const box = el.getBoundingClientRect();
          const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return !(top && (top === el || el.contains(top)));
        }"""
    )


def test_two_groups_see_only_their_own_ideas_until_they_return(own_server, new_page):
    # A server of its own: a split changes the whole session, which other tests share.
    server = own_server.info
    console = new_page()
    open_console(console, server)
    pages = {}
    for name in PEOPLE:
        pages[name] = new_page()
        join_by_code(pages[name], server, name)
    screen = new_page()
    screen.context.add_cookies(console.context.cookies())
    screen.clock.install()  # to let the presenter's message run its course at once
    screen.goto(f"{server['url']}/sessions/{server['session_id']}/present")
    expect(screen.locator("#status")).to_have_text("Verbonden")

    # The facilitator lets people choose between two named groups, at most two each.
    open_tab(console, "Groepen")
    console.get_by_label("Zelf kiezen").check()
    console.get_by_label("Aantal groepen").fill("2")
    console.get_by_label("Maximaal per groep").fill("2")
    console.get_by_label("Namen van de groepen").fill("\n".join(GROUPS))
    console.get_by_role("button", name="Groepen maken").click()
    expect(console.locator("#groups-body tr")).to_have_count(2)
    expect(screen.locator("#groups-list li")).to_have_count(2)

    for name, group in PEOPLE.items():
        page = pages[name]
        expect(page.locator("#choose-list li")).to_have_count(2)
        page.get_by_role("button", name=f"Kies {group}").click()
        expect(page.locator("#group-name")).to_have_text(f"Jouw groep: {group}")
        expect(page.locator("#status")).to_have_text("Verbonden")
    # Noord is full now: the last to choose there could not have.
    expect(console.locator("#groups-body tr", has_text="Noord")).to_contain_text("2 van 2")

    for name, text in IDEAS.items():
        send(pages[name], text)
    for name, page in pages.items():
        for other, text in IDEAS.items():
            if PEOPLE[other] == PEOPLE[name]:
                expect(idea(page, text)).to_have_count(1)
    console.get_by_role("button", name="Bekijk Zuid").click()
    expect(console.locator("#ideas li")).to_have_count(2)
    expect(console.locator("#ideas li", has_text=IDEAS["Anna"])).to_have_count(0)
    console.get_by_role("button", name="Alles tonen").click()
    expect(console.locator("#ideas li")).to_have_count(4)
    open_tab(console, "Groepen")
    for name, page in pages.items():  # neither group ever sees the other's ideas
        for other, text in IDEAS.items():
            if PEOPLE[other] != PEOPLE[name]:
                expect(idea(page, text)).to_have_count(0)
        expect(page.locator("#ideas li .tag-group")).to_have_count(0)
    expect(screen.locator("#ideas li")).to_have_count(0)

    console.get_by_label("Bericht aan alle groepen").fill("Nog 5 minuten")
    console.get_by_role("button", name="Versturen").click()
    for page in [*pages.values(), screen, console]:
        expect(page.locator("#announcement")).to_contain_text("Nog 5 minuten")
    back = console.get_by_role("button", name="Terug naar plenair (delen opbrengsten)")
    assert not covered(back)  # the message never hides a button
    for page in pages.values():
        assert not covered(page.get_by_role("button", name="Insturen"))
    screen.clock.fast_forward(21_000)  # the projector's message goes by itself
    expect(screen.locator("#announcement")).to_be_empty()
    expect(console.locator("#announcement")).to_contain_text("Nog 5 minuten")
    pages["Anna"].get_by_role("button", name="Bericht sluiten").click()
    expect(pages["Anna"].locator("#announcement")).to_be_empty()

    console.get_by_role("button", name="Terug naar plenair (delen opbrengsten)").click()
    for page in [*pages.values(), screen]:
        for name, text in IDEAS.items():
            expect(idea(page, text).locator(".tag-group")).to_have_text(
                re.compile(f"{PEOPLE[name]}$")
            )
    for page in pages.values():
        expect(page.locator("#group-box")).to_be_hidden()
        expect(page.locator("#ideas li")).to_have_count(4)
        expect(page.locator("#status")).to_have_text("Verbonden")

    # The presenter shows one group's outcome, then all again.
    console.get_by_role("button", name="Toon Zuid op het presentatiescherm").click()
    expect(screen.locator("#spotlight-heading")).to_have_text("Zuid")
    expect(screen.locator("#ideas li")).to_have_count(2)
    expect(idea(screen, IDEAS["Chris"])).to_have_count(1)
    console.get_by_role("button", name="Toon alle groepen op het presentatiescherm").click()
    expect(screen.locator("#spotlight-heading")).to_be_hidden()
    expect(screen.locator("#ideas li")).to_have_count(4)

    pages["Dewi"].set_viewport_size({"width": 360, "height": 740})  # a small phone
    assert pages["Dewi"].evaluate("document.documentElement.scrollWidth") <= 360
    for page in [console, screen, *pages.values()]:
        assert page.errors == [], page.errors


def test_a_host_runs_their_groups_phase_and_timer(own_server, new_page):
    server = own_server.info
    console = new_page()
    open_console(console, server)
    host, member = new_page(), new_page()
    join_by_code(host, server, "Gastvrouw")
    join_by_code(member, server, "Lid")

    open_tab(console, "Groepen")
    console.get_by_label("Willekeurig (gelijke groepen)").check()
    console.get_by_label("Aantal groepen").fill("2")
    console.get_by_role("button", name="Groepen maken").click()
    for page in (host, member):
        expect(page.locator("#group-name")).to_have_text(re.compile(r"^Jouw groep: Groep \d$"))
    group = host.locator("#group-name").inner_text().removeprefix("Jouw groep: ")
    console.locator("#people-details summary").click()
    console.get_by_label("Groep van Lid").select_option(label=group)
    expect(member.locator("#group-name")).to_have_text(f"Jouw groep: {group}")
    console.get_by_label(f"Gastheer of -vrouw van {group}").select_option(label="Gastvrouw")

    expect(host.locator("#host-box")).to_be_visible()
    expect(member.locator("#host-box")).to_be_hidden()
    host.locator("#host-phases").get_by_role("button", name="Stemmen").click()
    expect(member.locator("#phase-label")).to_have_text("Stemmen")
    expect(member.get_by_role("button", name="Insturen")).to_be_hidden()
    expect(console.locator("#groups-body tr", has_text=group)).to_contain_text("Stemmen")
    host.get_by_label("Minuten").fill("3")
    host.locator("#host-timer-form").get_by_role("button", name="Start").click()
    expect(member.locator("#timer-display")).to_have_text(re.compile(r"^(2:5\d|3:00)$"))
    expect(host.locator("#host-timer-toggle")).to_have_text("Pauze")
    expect(host.locator("#host-timer-stop")).to_have_attribute("aria-disabled", "false")
    host.locator("#host-timer-stop").click()
    expect(member.locator("#timer")).to_be_hidden()
    host.set_viewport_size({"width": 360, "height": 740})
    assert host.evaluate("document.documentElement.scrollWidth") <= 360
    for page in (console, host, member):
        assert page.errors == [], page.errors


def test_split_by_partnership_one_group_each(own_server, new_page):
    server = own_server.info
    console = new_page()
    open_console(console, server)
    people = {"Ada": "RATO Utrecht", "Bas": "rato utrecht", "Cas": "Partnerschap Noord"}
    pages = {name: new_page() for name in people}
    for name, partnership in people.items():
        join_by_code(pages[name], server, name, partnership)

    open_tab(console, "Groepen")
    console.get_by_label("Per partnerschap of regio").check()
    expect(console.get_by_label("Namen van de groepen")).to_be_hidden()
    console.get_by_label("Aantal groepen").fill("")  # empty: one group per partnership
    console.get_by_role("button", name="Groepen maken").click()
    expect(console.locator("#groups-body tr")).to_have_count(2)
    for name, group in (
        ("Ada", "RATO Utrecht"),
        ("Bas", "RATO Utrecht"),
        ("Cas", "Partnerschap Noord"),
    ):
        expect(pages[name].locator("#group-name")).to_have_text(f"Jouw groep: {group}")
    console.locator("#people-details summary").click()
    expect(console.locator("#people li", has_text="Cas")).to_contain_text("Partnerschap Noord")
    for page in (console, *pages.values()):
        assert page.errors == [], page.errors


def test_a_split_places_who_is_connected_and_someone_back_later_gets_a_group(own_server, new_page):
    server = own_server.info
    console = new_page()
    open_console(console, server)
    pages = {name: new_page() for name in ("Anna", "Bram", "Chris")}
    for name, page in pages.items():
        join_by_code(page, server, name)
    expect(console.locator("#presence-count")).to_have_text("3")
    pages["Chris"].goto("about:blank")  # Chris's phone went to sleep
    expect(console.locator("#presence-count")).to_have_text("2")
    expect(console.locator("#joined-count")).to_have_text("3")

    open_tab(console, "Groepen")
    console.get_by_label("Willekeurig (gelijke groepen)").check()
    console.get_by_label("Aantal groepen").fill("2")
    console.get_by_role("button", name="Groepen maken").click()
    in_a_group = re.compile(r"^Jouw groep: Groep \d$")
    for name in ("Anna", "Bram"):
        expect(pages[name].locator("#group-name")).to_have_text(in_a_group)
    members = console.locator('#groups-body td[data-label="Deelnemers"]')
    expect(members).to_have_text(["1", "1"])  # only the two who are here
    console.locator("#people-details summary").click()
    expect(console.locator("#people-details summary")).to_contain_text("3 meegedaan")
    expect(console.get_by_label("Groep van Chris")).to_have_value("")

    # Chris comes back: placed by the same rule, and the console follows at once.
    pages["Chris"].goto(f"{server['url']}/s/{server['code']}")
    expect(pages["Chris"].locator("#group-name")).to_have_text(in_a_group)
    group = pages["Chris"].locator("#group-name").inner_text().removeprefix("Jouw groep: ")
    expect(console.get_by_label("Groep van Chris").locator("option:checked")).to_have_text(group)
    expect(console.locator("#groups-body tr", has_text=group)).to_contain_text("2")
    expect(console.locator("#presence-count")).to_have_text("3")
    expect(console.locator("#joined-count")).to_have_text("3")
    for page in (console, *pages.values()):
        assert page.errors == [], page.errors
