"""An organiser publishes an event; a visitor finds it in the agenda, registers, shows up in
the organiser's list, and walks into the live session with the link from the invitation."""

import email
import re
from datetime import timedelta
from email.policy import default

from playwright.sync_api import expect

from brainstorm.timeutil import local_today
from tests.e2e.test_session_browser import log_in

TEAMS = "https://teams.microsoft.com/l/meetup-join/e2e"


def invitation_link(outbox, address: str) -> str:
    """The login link from the invitation mail written to the outbox folder."""
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        if message["To"] == address and "inloglink" in message["Subject"]:
            text = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"http://\S+/uitnodiging/\S+", text).group(0)
    raise AssertionError(f"no invitation for {address} in {outbox}")


def test_register_through_the_public_page_and_the_organiser_sees_it(own_server, new_page):
    server = own_server.info
    organiser = new_page()
    log_in(organiser, server)
    organiser.get_by_role("link", name="Brainstormsessie RATO").click()
    organiser.get_by_role("link", name="Bewerken").click()
    day = local_today() + timedelta(days=30)
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

    # The invitation goes out; its personal link puts her in the live session as herself.
    organiser.get_by_role("button", name="Uitnodigingen nu versturen").click()
    expect(organiser.locator("#registrants")).to_contain_text("uitnodiging: verstuurd")
    link = invitation_link(own_server.tmp / "outbox", "fatima@hogeschool.nl")
    guest = new_page()
    guest.goto(link)
    expect(guest.locator("#status")).to_have_text("Verbonden")
    expect(guest.locator("hgroup")).to_contain_text("Fatima el Amrani")
    guest.get_by_label("Jouw vraagstuk").fill("Hoe houden we zij-instromers vast in de regio?")
    guest.get_by_role("button", name="Insturen").click()
    expect(guest.locator("#ideas li")).to_contain_text(["Hoe houden we zij-instromers vast"])
    visitor.set_viewport_size({"width": 360, "height": 740})  # a phone: no sideways scrolling
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    visitor.goto(server["url"] + "/evenementen")
    visitor.get_by_role("link", name="Brainstormsessie RATO").click()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    for page in (organiser, visitor, guest):
        # The form sent without consent answers 422 on purpose; nothing else may go wrong.
        unexpected = [error for error in page.errors if "status of 422" not in error]
        assert unexpected == [], unexpected
