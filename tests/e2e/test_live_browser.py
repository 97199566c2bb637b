"""Two people in real Chromium: one submits, the other sees it appear without reloading."""

import re

from playwright.sync_api import expect


def join_by_code(page, server, name, partnership=""):
    page.goto(server["url"] + "/join")
    page.get_by_label("Sessiecode").fill(server["code"].lower())
    page.get_by_label("Je naam").fill(name)
    page.get_by_label("Je partnerschap of regio").fill(partnership)
    page.get_by_role("button", name="Meedoen").click()
    expect(page).to_have_url(re.compile(f"/s/{server['code']}$"))
    expect(page.locator("#status")).to_have_text("Verbonden")


def test_idea_typed_on_one_page_appears_on_another(live_server, new_page):
    alice, bob = new_page(), new_page()
    join_by_code(alice, live_server, "Alice")
    join_by_code(bob, live_server, "Bob")

    text = "Hoe houden we de werkplekbegeleiding betaalbaar als de subsidie stopt?"
    alice.get_by_label("Jouw vraagstuk").fill(text)
    alice.get_by_role("button", name="Insturen").click()

    expect(bob.locator("#ideas li", has_text=text)).to_have_count(1)
    expect(alice.locator("#ideas li.mine", has_text=text)).to_have_count(1)
    expect(alice.get_by_label("Jouw vraagstuk")).to_have_value("")
    assert alice.errors == [] and bob.errors == []


def test_facilitator_clusters_and_participants_see_themes(live_server, new_page):
    participant = new_page()
    join_by_code(participant, live_server, "")
    for text in (
        "Wie betaalt de werkplekbegeleider na 2027?",
        "Bekostiging van begeleiders moet structureel geregeld worden.",
        "Zij-instromers hebben meer begeleiding nodig in het eerste jaar.",
        "Hoe selecteren we zij-instromers voor de pabo?",
    ):
        participant.get_by_label("Jouw vraagstuk").fill(text)
        participant.get_by_role("button", name="Insturen").click()
        expect(participant.locator("#ideas li", has_text=text)).to_have_count(1)

    console = new_page()
    console.goto(live_server["url"] + "/login")
    console.get_by_label("E-mailadres").fill(live_server["email"])
    console.get_by_label("Wachtwoord").fill(live_server["password"])
    console.get_by_role("button", name="Inloggen").click()
    console.goto(f"{live_server['url']}/sessions/{live_server['session_id']}/facilitate")
    expect(console.locator("#status")).to_have_text("Verbonden")
    console.get_by_role("tab", name="Clusters", exact=True).click()
    console.get_by_label("Aantal clusters").fill("2")  # the slider; "Automatisch" goes off
    console.get_by_role("button", name="Clusteren").click()

    expect(console.locator("#clusters > li")).to_have_count(2)
    console.get_by_role("button", name="Toon thema's aan de zaal").click()
    console.get_by_label("Titel voor cluster 1").fill("Eerste thema")
    console.locator("#clusters > li").first.get_by_role("button", name="Opslaan").click()
    expect(participant.locator("#clusters > li h3").first).to_have_text("Eerste thema")
    assert participant.errors == [] and console.errors == []
