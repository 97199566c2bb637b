"""An organiser publishes an event; a visitor finds it in the agenda, registers, and shows up
in the organiser's list."""

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.test_session_browser import log_in

TEAMS = "https://teams.microsoft.com/l/meetup-join/e2e"


def test_register_through_the_public_page_and_the_organiser_sees_it(own_server, new_page):
    server = own_server.info
    organiser = new_page()
    log_in(organiser, server)
    organiser.get_by_role("link", name="Brainstormsessie RATO").click()
    organiser.get_by_role("link", name="Bewerken").click()
    day = date.today() + timedelta(days=30)
    organiser.get_by_label("Datum", exact=True).fill(day.isoformat())
    organiser.get_by_label("Link naar de online bijeenkomst").fill(TEAMS)
    organiser.get_by_label("Doelgroep").fill("Programmaleiders van partnerschappen po, vo en mbo")
    organiser.get_by_label("Programma").fill("15.30 - 15.40 Welkom\n15.40 - 16.20 Deelsessies")
    organiser.get_by_label("Zichtbaar in de openbare agenda").check()
    organiser.get_by_role("button", name="Opslaan").click()
    expect(organiser.locator(".flash")).to_contain_text("Opgeslagen")

    visitor = new_page()
    visitor.goto(server["url"] + "/evenementen")
    visitor.get_by_role("link", name="Brainstormsessie RATO").click()
    expect(visitor.locator(".agenda")).to_contain_text("Deelsessies")
    expect(visitor.get_by_text(TEAMS)).to_have_count(0)
    visitor.get_by_label("Naam").fill("Fatima el Amrani")
    visitor.get_by_label("E-mailadres").fill("fatima@hogeschool.nl")
    visitor.get_by_label("Organisatie").fill("Hogeschool Utrecht")
    visitor.get_by_label("po", exact=True).check()
    visitor.get_by_label("Partnerschap of regio").fill("RATO Utrecht")
    visitor.get_by_role("button", name="Aanmelden").click()
    expect(visitor.locator(".field-error").first).to_contain_text("toestemming")  # forgot consent
    visitor.get_by_label("Ik geef toestemming").check()
    visitor.get_by_role("button", name="Aanmelden").click()
    expect(visitor.get_by_role("heading", name="Je bent aangemeld")).to_be_visible()
    expect(visitor.get_by_role("link", name=TEAMS)).to_be_visible()

    organiser.get_by_role("link", name="Aanmeldingen").click()
    expect(organiser.locator("#registrants")).to_contain_text("Fatima el Amrani")
    expect(organiser.locator("#registrants")).to_contain_text("RATO Utrecht")
    visitor.set_viewport_size({"width": 360, "height": 740})  # a phone: no sideways scrolling
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    visitor.goto(server["url"] + "/evenementen")
    visitor.get_by_role("link", name="Brainstormsessie RATO").click()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    for page in (organiser, visitor):
        # The form sent without consent answers 422 on purpose; nothing else may go wrong.
        unexpected = [error for error in page.errors if "status of 422" not in error]
        assert unexpected == [], unexpected
