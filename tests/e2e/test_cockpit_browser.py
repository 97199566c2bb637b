"""The facilitator's cockpit in Chromium: with the 60 demo vraagstukken the phase steps, the
timer, the head count, "Clusteren" and the newest vraagstuk are on the first screen at 1366×768
and 1920×1080, and the bar stays in view (also with the four-digit counts of a big room); the
areas switch by mouse and by keyboard (the tab pattern) and the choice survives a reload; the
bar says what waits for approval and what is new on the Board."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import log_in, open_console, open_tab, send

VIEWPORTS = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]


def inside_first_screen(locator, viewport, what):
    """The element is visible and wholly within the first viewport (the page not scrolled)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None, what
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (what, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (what, box)
    return box


def first_screen_essentials(page):
    return {
        "phase steps": page.locator(".phase-steps"),
        "timer": page.locator(".bar-timer"),
        "head count": page.locator("#presence"),
        "joined": page.locator("#joined-count"),
        "idea count": page.locator("#idea-count"),
        "clustering": page.locator("#run-clustering"),
        "show to the room": page.locator("#show-themes"),
        "newest idea": page.locator("#ideas > li").first,
    }


def test_a_big_room_keeps_the_bar_as_it_is(seeded_server, new_page):
    # 300 people and 1 200 vraagstukken: four-digit counts stay beside the phase steps at
    # 1366 wide instead of wrapping onto a row of their own (which cost 40 px of the board).
    console = new_page()
    console.set_viewport_size(VIEWPORTS[0])
    open_console(console, seeded_server.info)
    expect(console.locator("#idea-count")).to_have_text("60")
    bar = console.locator(".cockpit-bar")
    height = bar.bounding_box()["height"]
    for count in ("#presence-count", "#joined-count", "#idea-count"):
        console.locator(count).evaluate("node => { node.textContent = '1200'; }")
    steps = console.locator(".phase-steps").bounding_box()
    counts = console.locator(".bar-counts").bounding_box()
    assert counts["y"] < steps["y"] + steps["height"], (counts, steps)
    assert bar.bounding_box()["height"] == height


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1366x768", "1920x1080"])
def test_the_first_screen_holds_the_live_loop(seeded_server, new_page, viewport):
    server = seeded_server.info
    console = new_page()
    console.set_viewport_size(viewport)
    open_console(console, server)
    expect(console.locator("#idea-count")).to_have_text("60")
    expect(console.locator("#ideas > li")).to_have_count(60)
    # The 20 demo people once took part; none of them is connected now.
    expect(console.locator("#joined-count")).to_have_text("20")
    expect(console.locator("#presence-count")).to_have_text("0")
    assert console.evaluate("window.scrollY") == 0
    for what, locator in first_screen_essentials(console).items():
        inside_first_screen(locator, viewport, what)
    for step in console.locator("button[data-phase]").all():
        inside_first_screen(step, viewport, f"phase step {step.inner_text()}")

    # A new vraagstuk lands first on the Board, on the first screen.
    console.get_by_role("button", name="Invoer open", exact=True).click()
    phone = new_page()
    join_by_code(phone, server, "Nieuw")
    expect(console.locator("#presence")).to_have_text("1 verbonden nu")  # both follow live
    expect(console.locator("#joined-count")).to_have_text("21")
    text = "Wie begeleidt de begeleider van de zij-instromer?"
    send(phone, text)
    newest = console.locator("#ideas > li").first
    expect(newest).to_contain_text(text)
    inside_first_screen(newest, viewport, "the new idea")
    expect(console.locator("#new-badge")).to_be_hidden()  # the Board shows it: nothing unseen

    # Away from the Board the bar counts what is new there; the badge leads back to it.
    open_tab(console, "Clusters")
    later = "Hoe houden we de werkplekbegeleider op school als de uren op zijn?"
    send(phone, later)
    badge = console.locator("#new-badge")
    expect(badge).to_be_visible()
    expect(console.locator("#new-badge-count")).to_have_text("1")
    badge.click()
    expect(console.get_by_role("tab", name="Bord", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(badge).to_be_hidden()
    inside_first_screen(console.locator("#ideas > li").first, viewport, "the later idea")
    expect(console.locator("#ideas > li").first).to_contain_text(later)

    # The bar stays in view when the area below scrolls, and so do its controls.
    console.mouse.move(viewport["width"] / 2, viewport["height"] - 50)
    console.mouse.wheel(0, 4000)
    for _ in range(50):  # wait_for_function would need eval, which the CSP forbids
        if console.evaluate("window.scrollY") > 1000:
            break
        console.wait_for_timeout(100)
    assert console.evaluate("window.scrollY") > 1000
    bar = console.locator(".cockpit-bar").bounding_box()
    assert -1 <= bar["y"] <= 1, bar
    for what in ("phase steps", "timer", "head count", "clustering"):
        inside_first_screen(first_screen_essentials(console)[what], viewport, f"{what} scrolled")
    assert console.errors == [] and phone.errors == [], console.errors + phone.errors


def test_areas_switch_by_mouse_and_keyboard_and_the_choice_survives_a_reload(live_server, new_page):
    console = new_page()
    console.set_viewport_size(VIEWPORTS[0])
    open_console(console, live_server)
    tabs = {
        name: console.get_by_role("tab", name=name, exact=True)
        for name in ("Bord", "Clusters", "Polls", "Groepen", "Instellingen")
    }
    panels = {
        "Bord": "#panel-board",
        "Clusters": "#panel-clusters",
        "Polls": "#panel-polls",
        "Groepen": "#panel-groups",
        "Instellingen": "#panel-session",
    }

    def only(name):
        for other, tab in tabs.items():
            expect(tab).to_have_attribute("aria-selected", "true" if other == name else "false")
            panel = console.locator(panels[other])
            if other == name:
                expect(panel).to_be_visible()
            else:
                expect(panel).to_be_hidden()

    only("Bord")  # the default
    expect(console.get_by_role("tablist")).to_be_visible()
    tabs["Clusters"].click()
    only("Clusters")
    expect(console.locator("#cluster-k")).to_be_visible()
    tabs["Polls"].click()
    only("Polls")

    # Keyboard: the arrows move the focus along the tabs (wrapping), Enter or Space opens one.
    tabs["Polls"].focus()
    console.keyboard.press("ArrowRight")
    expect(tabs["Groepen"]).to_be_focused()
    only("Polls")  # moving the focus does not open it yet
    console.keyboard.press("Enter")
    only("Groepen")
    expect(console.get_by_role("button", name="Groepen maken")).to_be_visible()
    console.keyboard.press("ArrowRight")
    console.keyboard.press("Space")
    only("Instellingen")
    console.keyboard.press("ArrowRight")
    expect(tabs["Bord"]).to_be_focused()
    console.keyboard.press("End")
    expect(tabs["Instellingen"]).to_be_focused()
    console.keyboard.press("Home")
    expect(tabs["Bord"]).to_be_focused()
    console.keyboard.press("ArrowLeft")
    expect(tabs["Instellingen"]).to_be_focused()
    # Tab leaves the tablist into the open panel, which takes the focus itself.
    console.keyboard.press("Tab")
    expect(console.locator("#panel-session")).to_be_focused()
    expect(console.get_by_label("Vraagstukken eerst goedkeuren")).to_be_visible()

    console.reload()
    expect(console.locator("#status")).to_have_text("Verbonden")
    only("Instellingen")
    tabs["Bord"].click()
    only("Bord")
    console.reload()
    only("Bord")
    assert console.errors == [], console.errors


def test_the_approval_badge_shows_what_waits_and_leads_to_the_queue(own_server, new_page):
    server = own_server.info
    console = new_page()
    console.set_viewport_size(VIEWPORTS[0])
    open_console(console, server)
    open_tab(console, "Instellingen")
    console.get_by_label("Vraagstukken eerst goedkeuren").check()
    console.get_by_role("button", name="Instellingen opslaan").click()
    expect(console.locator("#settings-feedback")).to_have_text("Opgeslagen")
    console.get_by_role("button", name="Invoer open", exact=True).click()
    open_tab(console, "Clusters")
    badge = console.locator("#pending-badge")
    expect(badge).to_be_hidden()

    phone = new_page()
    join_by_code(phone, server, "Wachtend")
    texts = ["Wie betaalt de opleidingsschool na 2027?", "Hoe delen we begeleiders tussen scholen?"]
    for text in texts:
        send(phone, text)
    expect(badge).to_be_visible()
    expect(console.locator("#pending-badge-count")).to_have_text("2")
    expect(badge).to_contain_text("Wacht op goedkeuring")
    inside_first_screen(badge, VIEWPORTS[0], "the approval badge")
    expect(console.locator("#new-badge")).to_be_hidden()  # waiting is not yet on the Board

    badge.click()
    expect(console.get_by_role("tab", name="Bord", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    queue = console.locator("#pending-ideas-section")
    expect(queue).to_be_visible()
    expect(queue.locator("#pending-ideas > li")).to_have_count(2)
    inside_first_screen(queue.locator("#pending-ideas > li").first, VIEWPORTS[0], "the queue")
    queue.locator("#pending-ideas > li", has_text=texts[0]).get_by_role(
        "button", name="Goedkeuren"
    ).click()
    expect(console.locator("#pending-badge-count")).to_have_text("1")
    expect(console.locator("#ideas > li").first).to_contain_text(texts[0])
    queue.locator("#pending-ideas > li").get_by_role("button", name="Goedkeuren").click()
    expect(badge).to_be_hidden()
    expect(queue).to_be_hidden()
    assert console.errors == [] and phone.errors == [], console.errors + phone.errors


def test_clustering_from_the_bar_opens_the_clusters(seeded_server, new_page):
    server = seeded_server.info
    console = new_page()
    console.set_viewport_size(VIEWPORTS[0])
    log_in(console, server)
    console.goto(f"{server['url']}/sessions/{server['session_id']}/facilitate")
    expect(console.locator("#ideas > li")).to_have_count(60)
    console.get_by_role("button", name="Clusteren").click()
    expect(console.get_by_role("tab", name="Clusters", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(console.locator("#run-clustering")).not_to_have_attribute(
        "aria-busy", "true", timeout=30_000
    )
    expect(console.locator("#cluster-status")).to_contain_text("Geclusterd in")
    first = console.locator("#clusters > li").first.bounding_box()
    assert first["y"] < VIEWPORTS[0]["height"], first  # the clusters begin on the first screen
    assert console.errors == [], console.errors
