"""Live polls in Chromium: a phone answers and the presenter's bar grows, hidden results show
only a count until revealed; the public poll before the session filled in with the keyboard,
and its thank-you page with charts."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import open_console, open_tab

# The rendered width of an option's bar on a page (-1 while there is no bar).
BAR_WIDTH = """([root, index]) => {
  const bar = document.querySelector(`${root} .pc-row[data-key="o${index}"] .pc-bar`);
  return bar ? bar.getBBox().width : -1;
}"""


def command(console, name, payload):
    """What the facilitator does with the console's live-poll buttons."""
    row = console.locator(f'#poll-console li[data-id="{payload["question_id"]}"]')
    toggle, hide = row.locator(".poll-console-actions button").all()
    if name == "poll_state":
        toggle.click()
        state = {"open": "Open", "closed": "Gesloten"}[payload["state"]]
        expect(row.locator(".poll-console-meta .tag").first).to_have_text(state)
    else:
        hide.click()
        label = "Resultaten tonen" if payload["hidden"] else "Resultaten verbergen"
        expect(hide).to_have_text(label)


def three_screens(server, new_page):
    """The console, the presenter on a projector and one participant's phone."""
    console = new_page()
    open_console(console, server)
    open_tab(console, "Polls")
    screen = new_page()
    screen.set_viewport_size({"width": 1600, "height": 900})
    screen.context.add_cookies(console.context.cookies())
    screen.goto(f"{server['url']}/sessions/{server['session_id']}/present")
    expect(screen.locator("#status")).to_have_text("Verbonden")
    phone = new_page()
    phone.set_viewport_size({"width": 360, "height": 740})
    join_by_code(phone, server, "Anna")
    return console, screen, phone


def test_a_phone_answers_and_the_bar_on_the_presenter_grows(poll_server, new_page):
    server = poll_server.info
    question = server["polls"]["sector"]
    console, screen, phone = three_screens(server, new_page)
    screen.evaluate("window.sameScreen = true")  # gone after a reload

    command(console, "poll_state", {"question_id": question, "state": "open"})
    text = "Welke sectoren zijn er vandaag bij jou aan tafel?"
    expect(phone.get_by_role("group", name=text)).to_be_visible()
    expect(screen.locator("#poll-stage-question")).to_have_text(text)
    expect(screen.locator("#poll-stage-state")).to_have_text("Antwoord op je telefoon")
    expect(screen.locator("#board")).to_be_hidden()  # the question has the wall
    assert screen.evaluate(BAR_WIDTH, ["#poll-stage-chart", 0]) == 0

    phone.get_by_label("Primair onderwijs").check()
    phone.get_by_label("Mbo", exact=True).check()
    phone.get_by_label("Lerarenopleiding").click()  # a third, where at most two may be chosen
    expect(phone.locator(".poll-error")).to_contain_text("hoogstens 2")
    expect(phone.get_by_label("Lerarenopleiding")).not_to_be_checked()
    phone.get_by_role("button", name="Versturen").click()
    expect(phone.locator(".poll-saved")).to_have_text(
        "Je antwoord is opgeslagen; je kunt het nog wijzigen."
    )

    expect(screen.locator("#poll-stage-count")).to_have_text("1 antwoord")
    screen.wait_for_function(f"() => ({BAR_WIDTH})(['#poll-stage-chart', 0]) > 300")
    assert screen.evaluate(BAR_WIDTH, ["#poll-stage-chart", 1]) == 0
    assert screen.evaluate("window.sameScreen") is True
    expect(screen.locator("#poll-stage-chart table")).to_contain_text("Mbo")  # for screen readers

    # The phone shows the results under the question, and answering again replaces.
    expect(phone.locator("#polls .pc-row")).to_have_count(4)
    phone.get_by_label("Primair onderwijs").uncheck()
    phone.get_by_label("Voortgezet onderwijs").check()
    phone.get_by_role("button", name="Versturen").click()
    expect(screen.locator("#poll-stage-count")).to_have_text("1 antwoord")
    screen.wait_for_function(f"() => ({BAR_WIDTH})(['#poll-stage-chart', 1]) > 300")
    screen.wait_for_function(f"() => ({BAR_WIDTH})(['#poll-stage-chart', 0]) === 0")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.errors == [] and screen.errors == []


def test_hidden_results_show_only_the_count_until_revealed(poll_server, new_page):
    server = poll_server.info
    question = server["polls"]["mood"]  # its results are hidden
    console, screen, phone = three_screens(server, new_page)

    command(console, "poll_state", {"question_id": question, "state": "open"})
    phone.get_by_label("Deels").check()
    phone.get_by_role("button", name="Versturen").click()
    expect(phone.locator(".poll-saved")).to_contain_text("opgeslagen")

    stage = screen.locator("#poll-stage")
    expect(stage.locator(".pc-hidden-count")).to_have_text("1 antwoord")
    expect(stage.get_by_text("Resultaten verborgen")).to_be_visible()
    expect(stage.locator("svg")).to_have_count(0)
    expect(phone.locator("#polls .pc-hidden-note")).to_have_text(
        "Resultaten volgen zodra de facilitator ze toont."
    )
    expect(phone.locator("#polls svg")).to_have_count(0)

    command(console, "poll_hide_results", {"question_id": question, "hidden": False})
    expect(stage.locator(".pc-row")).to_have_count(3)
    expect(stage.get_by_text("Resultaten verborgen")).to_be_hidden()
    screen.wait_for_function(f"() => ({BAR_WIDTH})(['#poll-stage-chart', 1]) > 300")
    expect(phone.locator("#polls .pc-row")).to_have_count(3)

    # Closed: the phone shows the results and what it answered, no form.
    command(console, "poll_state", {"question_id": question, "state": "closed"})
    closed = phone.locator("#polls .poll-card.is-closed")
    expect(closed).to_contain_text("Jouw antwoord: Deels")
    expect(phone.get_by_role("button", name="Versturen")).to_have_count(0)
    expect(screen.locator("#poll-stage-state")).to_have_text("Gesloten")
    assert phone.errors == [] and screen.errors == []


def test_a_reloaded_phone_gets_the_open_question_back_with_its_answer(poll_server, new_page):
    server = poll_server.info
    question = server["polls"]["mood"]
    console = new_page()
    open_console(console, server)
    open_tab(console, "Polls")
    phone = new_page()
    join_by_code(phone, server, "Anna")
    command(console, "poll_state", {"question_id": question, "state": "open"})
    phone.get_by_label("Deels").check()
    phone.get_by_role("button", name="Versturen").click()
    expect(phone.locator(".poll-saved")).to_contain_text("opgeslagen")
    phone.reload()
    expect(phone.locator("#status")).to_have_text("Verbonden")
    expect(phone.get_by_label("Deels")).to_be_checked(timeout=3000)


def test_the_public_poll_works_with_the_keyboard_and_thanks_with_charts(poll_server, new_page):
    server = poll_server.info
    page = new_page()
    page.goto(f"{server['url']}/p/{server['polls']['slug']}")
    first = page.get_by_role("combobox").first
    for _ in range(20):  # from the top of the page to the first place of the ranking
        page.keyboard.press("Tab")
        if first.evaluate("select => select === document.activeElement"):
            break
    # Places by typing: Werkdruk 2, Bekostiging 1, Inductie 3.
    for place in ("2", "1", "3"):
        page.keyboard.type(place)
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the scale: 1, then three to the right
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/bedankt$"))
    charts = page.locator(".poll-result .poll-chart svg")
    expect(charts).to_have_count(2)
    ranking = page.locator(".poll-result", has_text="Welk thema moet als eerste")
    expect(ranking.locator(".pc-row.is-lead")).to_contain_text("Bekostiging")
    scale = page.locator(".poll-result", has_text="Hoe tevreden")
    expect(scale.locator(".pc-mean-value")).to_have_text("4")
    page.set_viewport_size({"width": 360, "height": 740})
    expect(ranking.locator(".pc-row.is-lead")).to_contain_text("Bekostiging")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.errors == []
