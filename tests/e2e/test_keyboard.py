"""Keyboard only, in Chromium: a participant joins, sends in a vraagstuk, votes and answers a live
poll question; a facilitator logs in, changes the phase, clusters, moves a vraagstuk to another
cluster and hides one. Nothing under test is clicked: Tab, Shift+Tab, Enter, Space and the arrow
keys do it all, and the key controls show where the focus is. New vraagstukken of others are
said politely to screen readers."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import open_console, open_tab, send

# Whether an element shows its focus: an outline, or a box-shadow that is neither transparent
# nor flat (Pico keeps a transparent 0px shadow on every control, focused or not).
FOCUS_SHOWN = """(element) => {
  const style = getComputedStyle(element);
  const alpha = (color) => {
    const parts = color.match(/[\\d.]+/g) ?? [];
    return color.startsWith("rgba") ? Number(parts[3]) : parts.length ? 1 : 0;
  };
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && alpha(style.outlineColor) > 0.2;
  const shadows = [...style.boxShadow.matchAll(
    /(rgba?\\([^)]*\\))\\s+(-?[\\d.]+)px\\s+(-?[\\d.]+)px\\s+([\\d.]+)px\\s+(-?[\\d.]+)px/g)];
  const shadow = shadows.some(([, color, , , blur, spread]) =>
    alpha(color) > 0.2 && (Number(blur) > 0 || Number(spread) > 0));
  return element === document.activeElement && (outline || shadow);
}"""

IS_FOCUSED = "(element) => element === document.activeElement"


def tab_to(page, target, *, backwards=False, limit=400):
    """Press Tab (Shift+Tab backwards) until `target` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate(IS_FOCUSED):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} × {key} never reached {target}")


def assert_focus_shown(target, what):
    """The focused control shows it (given a moment for Pico's 0.2 s transition)."""
    expect(target).to_be_focused()
    try:
        target.page.wait_for_function(f"({FOCUS_SHOWN})(document.activeElement)", timeout=2000)
    except Exception as error:
        style = target.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outline, s.boxShadow]; }"
        )
        raise AssertionError(f"no visible focus on {what}: outline/box-shadow {style}") from error


def press_phase(console, name):
    """The facilitator side that is not under test here: the console's phase buttons."""
    button = console.get_by_role("button", name=name, exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def test_a_participant_joins_sends_votes_and_answers_a_poll_with_the_keyboard(
    poll_server, new_page
):
    server = poll_server.info
    console = new_page()
    open_console(console, server)
    press_phase(console, "Invoer open")
    other = new_page()
    join_by_code(other, server, "Bram")

    # Join: the code field has the focus from the start; Tab from field to field.
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(server["url"] + "/join")
    code = phone.get_by_label("Sessiecode")
    assert_focus_shown(code, "the code field")
    phone.keyboard.type(server["code"].lower())
    phone.keyboard.press("Tab")
    expect(phone.get_by_label("Je naam")).to_be_focused()
    phone.keyboard.type("Anna")
    phone.keyboard.press("Tab")  # the sector: a radio group, chosen with Space and the arrows
    first_sector = phone.locator("input[name=sector]").first
    assert_focus_shown(first_sector, "the first sector")
    phone.keyboard.press("Space")
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("input[name=sector]").nth(1)).to_be_checked()
    phone.keyboard.press("Tab")
    expect(phone.get_by_label("Je partnerschap of regio")).to_be_focused()
    phone.keyboard.type("RATO Utrecht")
    phone.keyboard.press("Tab")
    named = phone.locator("input[type=checkbox]")
    assert_focus_shown(named, "the consent checkbox")
    phone.keyboard.press("Space")
    expect(named).to_be_checked()
    phone.keyboard.press("Tab")
    join = phone.get_by_role("button", name="Meedoen")
    assert_focus_shown(join, "Meedoen")
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(f"/s/{server['code']}$"))
    expect(phone.locator("#status")).to_have_text("Verbonden")

    # Everything the polite region for new vraagstukken says from here on.
    news = phone.locator("#ideas-news")
    news.evaluate(
        """region => {
            window.ideaNews = [];
            new MutationObserver(() => window.ideaNews.push(region.textContent))
                .observe(region, {childList: true, characterData: true, subtree: true});
        }"""
    )

    # Send in a vraagstuk: Tab to the field, type, Tab to "Insturen", Enter.
    field = phone.get_by_label("Jouw vraagstuk")
    tab_to(phone, field)
    assert_focus_shown(field, "the idea field")
    mine = "Hoe maken we de inductie voor starters structureel?"
    phone.keyboard.type(mine)
    phone.keyboard.press("Tab")
    submit = phone.get_by_role("button", name="Insturen")
    assert_focus_shown(submit, "Insturen")
    phone.keyboard.press("Enter")
    expect(phone.locator("#ideas li.mine", has_text=mine)).to_have_count(1)
    expect(field).to_have_value("")

    # Someone else's vraagstuk is said politely; my own was not news.
    expect(news).to_have_attribute("aria-live", "polite")
    theirs = "Werkplekbegeleiders hebben te weinig tijd voor hun studenten"
    send(other, theirs)
    expect(phone.locator("#ideas li", has_text=theirs)).to_have_count(1)
    expect(news).to_have_text(f"Nieuw vraagstuk: {theirs}")
    said = phone.evaluate("window.ideaNews")
    assert not [text for text in said if mine in text], said

    # Voting opens; Tab to "Stem" on the other one's vraagstuk and press Enter.
    press_phase(console, "Stemmen")
    expect(phone.locator("#votes-left")).to_have_text("Je hebt nog 3 stemmen")
    theirs_item = phone.locator("#ideas li", has_text=theirs)
    vote = theirs_item.get_by_role("button", name="Stem", exact=True)
    tab_to(phone, vote)
    assert_focus_shown(vote, "Stem")
    phone.keyboard.press("Enter")
    expect(phone.locator("#votes-left")).to_have_text("Je hebt nog 2 stemmen")
    expect(theirs_item.locator(".my-votes")).to_be_visible()
    unvote = theirs_item.get_by_role("button", name="Stem terugnemen")
    expect(unvote).to_be_focused()  # the focus stays on the vraagstuk just voted on

    # A live poll question opens above the board: back up with Shift+Tab, Space on two
    # options, Tab on to "Versturen", Enter.
    question = poll_server.info["polls"]["sector"]
    open_tab(console, "Polls")
    row = console.locator(f'#poll-console li[data-id="{question}"]')
    row.locator(".poll-console-actions button").first.click()
    group = phone.get_by_role("group", name="Welke sectoren zijn er vandaag bij jou aan tafel?")
    expect(group).to_be_visible()
    first = group.get_by_label("Primair onderwijs")
    tab_to(phone, first, backwards=True)
    assert_focus_shown(first, "a poll option")
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    expect(group.get_by_label("Mbo", exact=True)).to_be_focused()
    phone.keyboard.press("Space")
    expect(first).to_be_checked()
    expect(group.get_by_label("Mbo", exact=True)).to_be_checked()
    answer = phone.get_by_role("button", name="Versturen")
    tab_to(phone, answer)
    assert_focus_shown(answer, "Versturen")
    phone.keyboard.press("Enter")
    expect(phone.locator(".poll-saved")).to_contain_text("opgeslagen")
    for page in (phone, other, console):
        assert page.errors == [], page.errors


def test_a_facilitator_steers_clusters_and_moderates_with_the_keyboard(seeded_server, new_page):
    server = seeded_server.info
    phone = new_page()
    join_by_code(phone, server, "Kijker")  # the participant's side, to see the moderation

    # Log in: the e-mail field has the focus; Tab to the password; Enter sends the form.
    console = new_page()
    console.set_viewport_size({"width": 1280, "height": 900})
    console.goto(server["url"] + "/login")
    email = console.get_by_label("E-mailadres")
    assert_focus_shown(email, "the e-mail field")
    console.keyboard.type(server["email"])
    console.keyboard.press("Tab")
    console.keyboard.type(server["password"])
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="Mijn evenementen")).to_be_visible()
    console.goto(f"{server['url']}/sessions/{server['session_id']}/facilitate")
    expect(console.locator("#status")).to_have_text("Verbonden")

    # The phase: Tab to "Invoer open", Enter; the participant follows.
    phase = console.get_by_role("button", name="Invoer open", exact=True)
    tab_to(console, phase)
    assert_focus_shown(phase, "a phase button")
    console.keyboard.press("Enter")
    expect(phase).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#phase-label")).to_have_text("Invoer open")
    # Shift+Tab back to "Welkom" and forth again: the phase buttons are plain tab stops.
    console.keyboard.press("Shift+Tab")
    expect(console.get_by_role("button", name="Welkom", exact=True)).to_be_focused()
    console.keyboard.press("Tab")
    expect(phase).to_be_focused()

    # Cluster: Tab on to "Clusteren", Enter.
    run = console.locator("#run-clustering")
    tab_to(console, run)
    assert_focus_shown(run, "Clusteren")
    console.keyboard.press("Enter")
    expect(run).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(console.locator("#cluster-status")).to_have_text(re.compile(r"^Geclusterd in \d+"))
    expect(console.locator(".ws-board li.ws-idea")).to_have_count(60)

    # Move a vraagstuk: Tab to its "Verplaats naar…", an arrow key picks the cluster, Tab to
    # "Verplaatsen", Enter; the focus follows the vraagstuk to its new cluster.
    choice = console.get_by_label("Verplaats naar", exact=True).first
    tab_to(console, choice)
    assert_focus_shown(choice, "Verplaats naar…")
    item = console.locator("li.ws-idea", has=console.locator(":focus"))
    text = item.locator(".ws-idea-text").inner_text()[:50]
    origin = item.evaluate("li => li.closest('li[data-id]').dataset.id")
    console.keyboard.press("ArrowDown")
    destination = choice.input_value()
    assert destination not in ("", origin), destination
    console.keyboard.press("Tab")
    move = item.get_by_role("button", name="Verplaatsen")
    assert_focus_shown(move, "Verplaatsen")
    console.keyboard.press("Enter")
    column = console.locator(f'#clusters > li[data-id="{destination}"]')
    arrived = column.locator("li.ws-idea", has_text=text)
    expect(arrived).to_have_count(1)
    expect(arrived.get_by_label("Verplaats naar", exact=True)).to_be_focused()

    # Moderate: back to the tabs, the arrow key to "Bord", Enter; on to the list of
    # vraagstukken, "Verbergen" on the newest, Enter; the participant no longer sees it.
    clusters_tab = console.get_by_role("tab", name="Clusters", exact=True)
    tab_to(console, clusters_tab, backwards=True, limit=800)
    console.keyboard.press("ArrowLeft")
    board_tab = console.get_by_role("tab", name="Bord", exact=True)
    assert_focus_shown(board_tab, "the Bord tab")
    console.keyboard.press("Enter")
    expect(board_tab).to_have_attribute("aria-selected", "true")
    newest = console.locator("#ideas > li").first
    hidden_text = newest.locator(".idea-text").inner_text()
    hide = newest.get_by_role("button", name="Verbergen", exact=True)
    tab_to(console, hide, limit=800)
    assert_focus_shown(hide, "Verbergen")
    console.keyboard.press("Enter")
    expect(newest.locator(".tag-hidden")).to_be_visible()
    expect(phone.locator("#ideas li", has_text=hidden_text)).to_have_count(0)
    expect(newest.locator("[data-action=hide]")).to_be_focused()
    for page in (console, phone):
        assert page.errors == [], page.errors
