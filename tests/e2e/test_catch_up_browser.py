"""A page that misses a broadcast (Redis pub/sub is at-most-once) catches up by seq by itself:
the next message names the seq sent before it, and the page asks for what it did not see —
also what was lost before that, which no message points at."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code

MISSED = "Wie betaalt de opleidingsschool als het aantal studenten daalt?"
MISSED_TOO = "Hoeveel uur krijgt een werkplekbegeleider voor een student?"
NEXT = "Hoe begeleiden we zij-instromers in hun eerste maanden voor de klas?"


def test_a_page_that_missed_a_broadcast_shows_the_idea_without_reload(live_server, new_page):
    alice, bob = new_page(), new_page()
    dropped = []

    def drop_the_missed_idea(ws) -> None:
        # Between Bob's page and the server: every frame passes, except the broadcasts of the
        # first two ideas, as a message queue that loses a run of messages would.
        server = ws.connect_to_server()

        def from_server(message) -> None:
            # Each broadcast once: the catch-up's answer carries the same texts again.
            lost = [text for text in (MISSED, MISSED_TOO) if text not in "".join(dropped)]
            if isinstance(message, str) and any(text in message for text in lost):
                dropped.append(message)
                return
            ws.send(message)

        server.on_message(from_server)
        ws.on_message(server.send)

    bob.route_web_socket(re.compile(r"/socket\.io/"), drop_the_missed_idea)
    join_by_code(alice, live_server, "Alice")
    join_by_code(bob, live_server, "Bob")
    expect(bob.locator("#status")).to_have_text("Verbonden")

    for text in (MISSED, MISSED_TOO):
        send(alice, text)
        expect(alice.locator("#ideas li.mine", has_text=text)).to_have_count(1)
        alice.wait_for_timeout(300)  # the next idea leaves in a message of its own
    expect(bob.locator("#ideas li", has_text=MISSED)).to_have_count(0)
    assert len(dropped) == 2, "the broadcasts were not dropped (not over the websocket?)"

    send(alice, NEXT)

    expect(bob.locator("#ideas li", has_text=NEXT)).to_have_count(1)
    for text in (MISSED, MISSED_TOO):
        expect(bob.locator("#ideas li", has_text=text)).to_have_count(1)
    assert alice.errors == [] and bob.errors == []


def send(page, text: str) -> None:
    page.get_by_label("Jouw vraagstuk").fill(text)
    page.get_by_role("button", name="Insturen").click()
