"""Themes for everyone: a facilitator clusters, a participant on a phone sees the themes with
their ideas and dot-votes on one (a budget apart from idea votes), the presenter counts along."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import open_console, send

PHONE = {"width": 360, "height": 740}

IDEAS = [
    # werkdruk en begeleiding op de werkplek
    "Werkplekbegeleiders hebben te weinig tijd voor begeleiding naast hun lesrooster",
    "De werkdruk van werkplekbegeleiders in het po is te hoog",
    "Werkplekbegeleiding schiet erbij in als de werkdruk op school stijgt",
    "Hoe geven we werkplekbegeleiders echt uren voor begeleiding?",
    "Werkplekbegeleiders missen scholing in het begeleiden van studenten",
    "Begeleiding van studenten op de werkplek vraagt meer tijd dan roosters toelaten",
    # geld
    "Bekostiging van de inductie na 2027 is onzeker",
    "Wie betaalt de werkplekbegeleider als de subsidie stopt?",
    "Structurele bekostiging voor samen opleiden ontbreekt",
    "De subsidie voor samen opleiden loopt af en scholen kunnen het niet zelf betalen",
    "Bekostiging van opleidingsscholen moet structureel worden geregeld",
    "Zonder structurele subsidie stopt de inductie van startende leraren",
    # zij-instromers
    "Zij-instromers haken af in het eerste jaar",
    "Zij-instromers krijgen te weinig begeleiding naast hun baan",
    "Hoe selecteren we zij-instromers beter voor de pabo?",
    "Zij-instromers combineren studie, gezin en een volle baan",
    "Het zij-instroomtraject is voor zij-instromers te zwaar in het eerste jaar",
    "Zij-instromers uit het bedrijfsleven kennen het onderwijs nauwelijks",
    # startende leraren
    "Startende leraren krijgen geen inductieprogramma op hun school",
    "Startende leraren verlaten het onderwijs binnen vijf jaar",
    "Een goed inductieprogramma houdt startende leraren voor het onderwijs",
    "Startende leraren krijgen meteen de zwaarste klassen",
    "Inductie van startende leraren verschilt sterk per school",
    "Startende leraren willen een coach buiten hun eigen team",
]


def test_participant_sees_themes_and_votes_on_one(own_server, new_page):
    server = own_server.info
    console, screen = new_page(), new_page()
    open_console(console, server)
    screen.context.add_cookies(console.context.cookies())
    screen.set_viewport_size({"width": 1600, "height": 900})
    screen.goto(f"{server['url']}/sessions/{server['session_id']}/present")
    expect(screen.locator("#status")).to_have_text("Verbonden")

    people = [new_page() for _ in range(3)]
    for number, page in enumerate(people, start=1):
        join_by_code(page, server, f"Deelnemer {number}")
    for index, text in enumerate(IDEAS):
        page = people[index % len(people)]
        send(page, text)
        expect(page.locator("#ideas li", has_text=text)).to_have_count(1)
    phone = people[0]
    phone.set_viewport_size(PHONE)
    expect(phone.locator("#idea-count")).to_have_text(str(len(IDEAS)))
    expect(phone.locator("#clusters-section")).to_be_hidden()

    # The first run is the facilitator's draft: nothing of it on the phones or the wall.
    console.get_by_role("button", name="Clusteren").click()
    expect(console.locator("#clusters > li").first).to_be_visible(timeout=30_000)
    expect(console.locator("#ws-shown-note")).to_contain_text("Concept")
    expect(screen.locator("#board")).to_be_visible()
    expect(screen.locator("#clusters-section")).to_be_hidden()
    expect(phone.locator("#clusters-section")).to_be_hidden()
    console.get_by_role("button", name="Toon thema's aan de zaal").click()
    expect(console.locator("#ws-shown-note")).to_contain_text("De zaal ziet deze thema's")

    # Once shown, a new run is followed live: "Bezig met clusteren…" until the clusters come.
    screen.evaluate(
        """() => {
        const note = document.getElementById("clustering-note");
        window.sawClustering = false;
        new MutationObserver(() => { if (!note.hidden) window.sawClustering = true; })
          .observe(note, { attributes: true });
    }"""
    )
    console.get_by_role("button", name="Clusteren").click()

    themes = phone.locator("#clusters > li")
    expect(themes.first).to_be_visible(timeout=30_000)
    expect(phone.locator("#themes-news")).to_have_text(
        re.compile(r"De facilitator heeft de vraagstukken in \d+ thema's ingedeeld")
    )
    count = themes.count()
    assert count >= 2, count
    expect(screen.locator("#clusters > li.present-theme")).to_have_count(count)
    expect(screen.locator("#clustering-note")).to_be_hidden()
    assert screen.evaluate("window.sawClustering")
    expect(screen.locator("#board")).to_be_hidden()

    # Every idea is somewhere: in one theme (folded lists opened) or under "Nog niet ingedeeld".
    more = phone.get_by_role("button", name=re.compile(r"^Toon alle"))
    while more.count():  # one at a time: each click redraws the list the next is found in
        more.first.click()
    shown = phone.locator("#clusters-section .theme-idea-text").all_text_contents()
    assert sorted(shown) == sorted(IDEAS)
    first = themes.first
    first_ideas = first.locator(".theme-idea-text").all_text_contents()
    assert first_ideas and set(first_ideas) <= set(IDEAS)
    assert first.locator("h3").inner_text().strip()

    # A new idea while input is open is slotted into a theme and marked "nieuw".
    late = "Wie betaalt de begeleiding van zij-instromers als de subsidie stopt?"
    send(people[1], late)
    expect(phone.locator("#clusters li", has_text=late).locator(".tag-new")).to_have_text("nieuw")

    console.get_by_role("button", name="Stemmen", exact=True).click()
    theme_votes = phone.locator("#theme-votes-left")
    expect(theme_votes).to_have_text("Nog 3 stemmen voor thema's")
    expect(phone.locator("#votes-left")).to_have_text("Nog 3 stemmen voor vraagstukken")
    expect(phone.locator("#themes-budget")).to_be_visible()

    # Blind voting (the default): my own dots I see, nobody sees a count until the result.
    theme_id = first.get_attribute("data-id")
    on_screen = screen.locator(f'#clusters > li[data-id="{theme_id}"]')
    expect(phone.locator("#votes-hidden")).to_be_visible()
    column = console.locator(f'#clusters > li[data-id="{theme_id}"]')
    column.evaluate("li => { li.querySelector('.item-body').dataset.before = 'vote'; }")
    first.get_by_role("button", name="Stem", exact=True).click()
    expect(theme_votes).to_have_text("Nog 2 stemmen voor thema's")
    # The console counts along; a vote rewrites the number, not the column (a storm of votes
    # rebuilt every column several times a second, under the facilitator's hands).
    expect(column.locator(".tag-votes")).to_have_text("1 stem")
    assert column.locator(".item-body").get_attribute("data-before") == "vote"
    expect(first.locator(".my-votes")).to_contain_text("Je hebt op dit thema gestemd")
    other = people[2].locator(f'#clusters > li[data-id="{theme_id}"]')
    for page_theme in (first, on_screen, other):
        expect(page_theme.locator(".tag-votes")).to_have_count(0)
    expect(phone.locator("#result-box")).to_be_hidden()

    # "Uitslag tonen": the counts and the ranking reach presenter and phones.
    console.get_by_role("button", name="Uitslag tonen").click()
    ranking = phone.locator("#result-box .ranking li").first
    expect(ranking.locator(".ranking-label")).to_have_text(first.locator("h3").inner_text().strip())
    expect(ranking.locator(".ranking-count")).to_have_text("1 stem")
    expect(
        screen.locator("#result-stage .ranking li").first.locator(".ranking-count")
    ).to_have_text("1 stem")
    expect(phone.locator("#votes-hidden")).to_be_hidden()
    expect(first.locator(".tag-votes")).to_have_text("1 stem")
    # Idea votes are a budget of their own: untouched.
    expect(phone.locator("#votes-left")).to_have_text("Nog 3 stemmen voor vraagstukken")
    # Without stacking a second dot on the same theme is explained, not sent (the button stays
    # focusable but aria-disabled, which Playwright will only click when forced).
    first.get_by_role("button", name="Stem", exact=True).click(force=True)
    expect(first.locator(".item-error")).to_contain_text("hooguit één stem per thema")
    expect(theme_votes).to_have_text("Nog 2 stemmen voor thema's")

    # After the result another participant sees the counts live.
    expect(other.locator(".tag-votes")).to_have_text("1 stem")

    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.locator("#themes-heading").evaluate("heading => heading.scrollIntoView()")
    phone.screenshot(path="/tmp/themes-phone.png")
    first.screenshot(path="/tmp/themes-phone-theme.png")
    screen.screenshot(path="/tmp/themes-presenter.png")

    first.get_by_role("button", name="Stem terug", exact=True).click()
    expect(theme_votes).to_have_text("Nog 3 stemmen voor thema's")
    expect(first.locator(".my-votes")).to_have_count(0)
    expect(on_screen.locator(".tag-votes")).to_have_text("0 stemmen")
    expect(other.locator(".tag-votes")).to_have_text("0 stemmen")

    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for page in [console, screen, *people]:
        assert page.errors == [], page.errors
