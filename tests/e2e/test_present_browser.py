"""The projector with a full room, in Chromium at 1366×768: a board too full for one screen
pages by itself with "1–N van 60" and shows every idea once per round, nothing cut off; before
the first idea the join code and QR take the middle of the wall; during hidden input the number
of ideas that came in is large and grows."""

import re
import time

from playwright.sync_api import expect

from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import log_in, open_console, send

PROJECTOR = {"width": 1366, "height": 768}
PAGE_TEXT = re.compile(r"^(\d+)–(\d+) van (\d+)$")

# Every page the board shows, as it shows it: the counter, and each idea with its box. Recorded
# in the page itself (after each render, when the counter is written), so no page is missed
# however fast they turn.
RECORD_PAGES = """
window.wallPages = [];
document.addEventListener("DOMContentLoaded", () => {
  const pager = document.getElementById("ideas-pager");
  new MutationObserver(() => {
    if (pager.hidden) return;
    const text = pager.textContent;
    if (window.wallPages.at(-1)?.text === text) return;
    window.wallPages.push({
      text,
      width: window.innerWidth,
      height: window.innerHeight,
      ideas: [...document.querySelectorAll("#ideas > li")].map((li) => {
        const { top, left, bottom, right } = li.getBoundingClientRect();
        return { id: li.dataset.id, top, left, bottom, right };
      }),
    });
  }).observe(pager, { childList: true, characterData: true, subtree: true, attributes: true });
});
"""


def wait_until(page, script, timeout=30.0):
    """Poll a script in the page until it is true (Playwright's wait_for_function would need
    eval, which the pages' Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(100)


def open_presenter(page, server, query=""):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{server['url']}/sessions/{server['session_id']}/present{query}")
    expect(page.locator("#status")).to_have_text("Verbonden")


def one_round(page, total):
    """The pages of one round of the board, from its first page to its last."""
    wait_until(page, "window.wallPages.filter((p) => p.text.startsWith('1–')).length >= 2", 60)
    pages = page.evaluate("window.wallPages")
    first = next(i for i, p in enumerate(pages) if p["text"].startswith("1–"))
    end = next(i for i, p in enumerate(pages) if i > first and p["text"].startswith("1–"))
    round_ = pages[first:end]
    for shown in round_:
        assert PAGE_TEXT.match(shown["text"]), shown["text"]
        assert shown["text"].endswith(f" van {total}"), shown["text"]
    return round_


def assert_on_screen(shown):
    """Each idea of the page lies wholly inside the window: nothing cut off."""
    for idea in shown["ideas"]:
        assert idea["left"] >= 0 and idea["top"] >= 0, (shown["text"], idea)
        assert idea["right"] <= shown["width"] and idea["bottom"] <= shown["height"], (
            shown["text"],
            idea,
        )


def test_a_full_board_pages_by_itself_and_shows_every_idea_once(seeded_server, new_page):
    server = seeded_server.info
    screen = new_page()
    log_in(screen, server)
    screen.add_init_script(RECORD_PAGES)
    open_presenter(screen, server, "?page_seconds=1")
    pager = screen.locator("#ideas-pager")
    expect(pager).to_have_text(re.compile(r"^1–\d+ van 60$"))
    expect(screen.locator("#idea-total")).to_have_text("60 vraagstukken binnen")

    round_ = one_round(screen, 60)
    assert len(round_) >= 2
    seen = []
    for shown in round_:
        first, last, _total = map(int, PAGE_TEXT.match(shown["text"]).groups())
        assert first == len(seen) + 1, (shown["text"], len(seen))  # the following ideas
        assert len(shown["ideas"]) == last - first + 1, shown
        assert_on_screen(shown)
        seen += [idea["id"] for idea in shown["ideas"]]
    assert len(seen) == 60 and len(set(seen)) == 60  # all of them, each once
    assert seen == sorted(seen, key=int, reverse=True)  # in the board's order: newest first

    # Readable from the room: the board does not shrink its type to squeeze more onto a page.
    size = screen.locator("#ideas .idea-text").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )
    assert size >= 20, size

    # Without motion: the pages still turn, only without the fade.
    screen.emulate_media(reduced_motion="reduce")
    before = len(screen.evaluate("window.wallPages"))
    wait_until(screen, f"window.wallPages.length > {before}")
    animation = screen.locator("#ideas").evaluate("ul => getComputedStyle(ul).animationName")
    assert animation == "none", animation
    # Checked without the fade: halfway through it the text is dimmer than the page ever rests.
    assert_accessible(screen, "presenter (board paged)")
    screen.screenshot(path="/tmp/present-board-paged.png")

    # A 1920×1080 projector: the same pages, nothing cut off there either.
    screen.set_viewport_size({"width": 1920, "height": 1080})
    wait_until(screen, "window.wallPages.some((p) => p.width === 1920)")
    screen.evaluate("window.wallPages = window.wallPages.filter((p) => p.width === 1920)")
    for shown in one_round(screen, 60):
        assert_on_screen(shown)
    screen.screenshot(path="/tmp/present-board-paged-1920.png")
    assert screen.errors == [], screen.errors


def test_a_new_idea_on_a_later_page_is_shown_at_the_next_turn(seeded_server, new_page):
    server = seeded_server.info
    screen, phone = new_page(), new_page()
    log_in(screen, server)
    screen.add_init_script(RECORD_PAGES)
    open_presenter(screen, server, "?page_seconds=2")
    join_by_code(phone, server, "Laat")
    wait_until(screen, "window.wallPages.some((p) => !p.text.startsWith('1–'))")
    text = "Wie begeleidt de zij-instromer die in januari begint?"
    send(phone, text)
    # Whichever page was up, the next turn brings the first page with the new idea on it.
    expect(screen.locator("#ideas li", has_text=text)).to_be_visible(timeout=8_000)
    expect(screen.locator("#ideas-pager")).to_have_text(re.compile(r"^1–\d+ van 61$"))
    assert screen.errors == [] and phone.errors == []


def test_the_lobby_shows_code_and_qr_large_until_the_first_idea(own_server, new_page):
    server = own_server.info
    screen, phone = new_page(), new_page()
    log_in(screen, server)
    open_presenter(screen, server)
    qr = screen.locator("img.qr")
    code = screen.locator(".big-code")
    expect(code).to_have_text(server["code"])
    expect(screen.locator("#live")).to_have_class(re.compile(r"\bpresent-lobby\b"))
    box = qr.bounding_box()
    assert box["width"] >= 300, box  # scanned from the middle of a hall
    assert box["y"] + box["height"] <= PROJECTOR["height"], box  # wholly on the screen
    code_size = code.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert code_size >= 100, code_size  # read from the back
    assert code.bounding_box()["width"] <= PROJECTOR["width"]
    assert screen.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    screen.screenshot(path="/tmp/present-lobby.png")

    join_by_code(phone, server, "Eerste")
    text = "Hoe houden we werkplekbegeleiders vast als de subsidie stopt?"
    send(phone, text)
    expect(screen.locator("#ideas li", has_text=text)).to_be_visible()
    expect(screen.locator("#live")).not_to_have_class(re.compile(r"\bpresent-lobby\b"))
    box = qr.bounding_box()
    assert box["width"] < 300, box  # back in the side column
    expect(code).to_be_visible()
    expect(screen.locator("#ideas-pager")).to_be_hidden()  # one idea: nothing to page
    screen.screenshot(path="/tmp/present-first-idea.png")
    assert screen.errors == [] and phone.errors == []


def start_hidden_input(console, screen, server):
    open_console(console, server)
    screen.context.add_cookies(console.context.cookies())
    console.get_by_role("button", name="Verborgen invoer", exact=True).click()
    open_presenter(screen, server)
    expect(screen.locator("#hidden-count")).to_be_visible()


def test_hidden_input_shows_the_count_large_and_it_grows_visibly(own_server, new_page):
    """The wall counts arrivals ({"count": n} in idea_count; a number, never what they say)."""
    server = own_server.info
    console, screen, phone = new_page(), new_page(), new_page()
    start_hidden_input(console, screen, server)
    join_by_code(phone, server, "Verborgen")
    counter = screen.locator("#hidden-count-text")
    number = counter.locator(".hidden-count-number")
    text = "Wat doen we als de regio zelf geen opleidingsschool heeft?"
    send(phone, text)
    expect(counter).to_have_text(re.compile(r"^1\s*vraagstuk binnen$"))
    size = number.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 120, size
    send(phone, "En wie betaalt dan de begeleiding?")
    expect(number).to_have_text("2")
    expect(number).to_have_class(re.compile(r"\bbump\b"))  # it pulses as it rises
    assert number.evaluate("n => getComputedStyle(n).animationName") == "present-bump"
    expect(screen.get_by_text(text)).to_have_count(0)
    screen.wait_for_timeout(900)  # the pulse is over
    screen.screenshot(path="/tmp/present-hidden-input.png")

    screen.emulate_media(reduced_motion="reduce")
    send(phone, "Hoe vinden we genoeg stageplekken?")
    expect(number).to_have_text("3")  # still counts, without moving
    assert number.evaluate("n => getComputedStyle(n).animationName") == "none"
    assert screen.errors == [] and console.errors == [] and phone.errors == []


def test_the_result_on_the_wall_shows_only_whole_rows(seeded_server, new_page):
    """A 1366×768 projector after "Uitslag tonen" with eight voted vraagstukken of two lines:
    every row shown lies wholly on the screen, and the bars compare (tracks of one length)."""
    from sqlalchemy import select

    from brainstorm.accounts.models import User
    from brainstorm.extensions import db
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import BrainstormSession, Idea, Phase

    info = seeded_server.info
    with seeded_server.app().app_context():
        bs = db.session.get(BrainstormSession, info["session_id"])
        user = db.session.scalar(select(User).filter_by(email=info["email"]))
        ideas = db.session.scalars(select(Idea).filter_by(session_id=bs.id)).all()
        longest = sorted(ideas, key=lambda idea: -len(idea.text))[:8]
        sessions.set_phase(bs, user, Phase.VOTING)
        dots = [sessions.join_session(bs, f"Stemmer {n}") for n in range(6)] * 3  # 3 each
        for rank, idea in enumerate(longest):  # 1, 2 or 3 dots, from different people
            for _ in range(1 + rank % 3):
                board.vote(bs, dots.pop(), idea.id)
        bs.results_shown = True
        db.session.commit()

    screen = new_page()
    screen.set_viewport_size({"width": 1366, "height": 768})
    log_in(screen, info)
    screen.goto(f"{info['url']}/sessions/{info['session_id']}/present")
    rows = screen.locator("#result-ideas-list .ranking li")
    expect(rows.first).to_be_visible()
    bottoms = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().bottom)")
    assert len(bottoms) >= 3 and max(bottoms) <= 768, bottoms
    tracks = screen.locator("#result-stage .ranking-bar").evaluate_all(
        "bars => bars.map(bar => Math.round(bar.getBoundingClientRect().width))"
    )
    assert len(set(tracks)) == 1, tracks
