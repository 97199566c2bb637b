"""The facilitator's clustering workspace in Chromium: 60 vraagstukken clustered, one dragged to
another cluster with the mouse and one moved from the keyboard, a cluster renamed and locked, a
late idea slotted into its nearest cluster on the console and on a participant's phone, a re-run
that keeps the lock, the name and the hand placement, and undo (Ctrl+Z)."""

import re

from playwright.sync_api import expect

from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import open_console, open_tab, send

# One of the 60 demo vraagstukken, and a late one that says nearly the same.
TWIN = "Hoe voorkomen we dat zij-instromers na een half jaar afhaken"
LATE = (
    "Zij-instromers haken na een half jaar af, omdat werk, studie en gezin samen gewoon "
    "niet te doen zijn."
)
TITLE = "Tijd en ruimte voor begeleiding"
DESKTOP = {"width": 1280, "height": 900}


def column(page, cluster_id):
    return page.locator(f'#clusters > li[data-id="{cluster_id}"]')


def column_of(page, text):
    """The id of the cluster column holding this idea."""
    item = page.locator("#clusters li.ws-idea", has_text=text)
    return item.evaluate("li => li.closest('li[data-id]').dataset.id")


def drag(page, source, target):
    """A real mouse drag in small steps: press, move past SortableJS's tolerance, drop."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    end = target.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + 12
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + end["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * step / 20, y0 + (y1 - y0) * step / 20)
        page.wait_for_timeout(20)
    page.mouse.up()


def run_and_wait(page):
    """Click "Clusteren" and wait until the run is over (its progress shown meanwhile)."""
    button = page.locator("#run-clustering")
    button.click()
    expect(button).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(page.locator("#cluster-status")).to_have_text(re.compile(r"^Geclusterd in \d+ clusters"))


def test_facilitator_shapes_clusters_and_a_late_idea_finds_its_place(seeded_server, new_page):
    server = seeded_server.info
    console = new_page()
    console.set_viewport_size(DESKTOP)
    open_console(console, server)
    phone = new_page()
    phone.set_viewport_size({"width": 360, "height": 740})
    join_by_code(phone, server, "Laatkomer")
    expect(console.locator("#idea-count")).to_have_text("60")
    open_tab(console, "Clusters")
    expect(console.locator(".ws-empty")).to_be_visible()

    # Clustering shows its progress, then every vraagstuk is on the board exactly once.
    console.locator("#cluster-status").evaluate(
        """status => {
            window.statusTexts = [];
            new MutationObserver(() => window.statusTexts.push(status.textContent))
                .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    run_and_wait(console)
    assert "Bezig met clusteren…" in console.evaluate("window.statusTexts")
    columns = console.locator("#clusters > li")
    expect(columns.first).to_be_visible()
    count = columns.count()
    assert count >= 3, count
    # On automatic the k control shows what the run chose, not a number nobody picked.
    expect(console.locator("#cluster-k-value")).to_have_text(str(count))
    expect(console.locator("#cluster-auto")).to_be_checked()
    expect(console.locator(".ws-board li.ws-idea")).to_have_count(60)
    expect(console.locator("#ws-last")).to_contain_text("geclusterd")
    console.get_by_role("button", name="Toon thema's aan de zaal").click()
    expect(phone.locator("#clusters > li")).to_have_count(count)
    expect(console.locator("#ws-last")).to_contain_text("getoond aan de zaal")

    # Drag an idea to another cluster with the mouse.
    twin_id = column_of(console, TWIN)
    ids = [li.get_attribute("data-id") for li in columns.all()]
    source_id, target_id = [i for i in ids if i != twin_id][:2]
    source = column(console, source_id).locator("li.ws-idea").first
    moved = source.locator(".ws-idea-text").inner_text()[:50]
    drag(console, source, column(console, target_id).locator("li.ws-idea").first)
    dropped = column(console, target_id).locator("li.ws-idea", has_text=moved)
    expect(dropped).to_have_count(1)
    expect(dropped.locator(".ws-tag-manual")).to_have_text("met de hand geplaatst")
    expect(column(console, source_id).locator("li.ws-idea", has_text=moved)).to_have_count(0)
    expect(console.locator("#ws-last")).to_contain_text("vraagstuk verplaatst")

    # Rename and lock that cluster; the participant sees the name.
    target = column(console, target_id)
    target.get_by_label(re.compile(r"^Titel voor cluster \d+$")).fill(TITLE)
    target.get_by_role("button", name="Opslaan", exact=True).click()
    expect(phone.locator(f'#clusters > li[data-id="{target_id}"] h3')).to_have_text(TITLE)
    lock = target.locator("button[data-action='lock']")
    expect(lock).to_have_attribute("aria-pressed", "false")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(target.locator(".ws-tag-lock")).to_have_text("Vast")
    members = sorted(target.locator(".ws-idea-text").all_inner_texts())

    # A late idea lands in the cluster of its near twin, marked "nieuw", on both screens, while
    # the facilitator is typing that cluster's summary: the typing goes on undisturbed.
    twin = column(console, twin_id)
    twin.locator("details.ws-deepen summary").click()
    summary = twin.get_by_label("Samenvatting")
    summary.fill("Zij-instromers haken af")
    theme = phone.locator(f'#clusters > li[data-id="{twin_id}"]')
    more = theme.get_by_role("button", name=re.compile(r"^Toon alle"))
    if more.count():
        more.click()
    send(phone, LATE)
    late = twin.locator("li.ws-idea", has_text=LATE)
    expect(late).to_have_count(1, timeout=15_000)
    expect(late.locator(".ws-tag-new")).to_have_text("nieuw")
    expect(theme.locator(".theme-idea-text", has_text=LATE)).to_have_count(1)
    expect(summary).to_be_focused()
    console.keyboard.type(" in het eerste jaar.")
    expect(summary).to_have_value("Zij-instromers haken af in het eerste jaar.")

    # A re-run keeps the locked cluster (name and members) and the idea placed by hand; what
    # it adds to the locked cluster is marked "nieuw", so the facilitator can take it out.
    run_and_wait(console)
    expect(target.get_by_label(re.compile(r"^Titel voor cluster \d+$"))).to_have_value(TITLE)
    expect(lock).to_have_attribute("aria-pressed", "true")
    after = target.locator("li.ws-idea")
    kept = [item for item in after.all() if item.locator(".ws-tag-new").count() == 0]
    assert sorted(item.locator(".ws-idea-text").inner_text() for item in kept) == members
    expect(column(console, target_id).locator("li.ws-idea", has_text=moved)).to_have_count(1)
    expect(phone.locator(f'#clusters > li[data-id="{target_id}"] h3')).to_have_text(TITLE)

    # The keyboard way: "Verplaats naar…", Tab, Enter; focus follows the idea. Ctrl+Z undoes it.
    ids = [li.get_attribute("data-id") for li in columns.all()]
    origin_id = next(i for i in ids if i != target_id)
    item = column(console, origin_id).locator("li.ws-idea").first
    text = item.locator(".ws-idea-text").inner_text()[:50]
    choice = item.get_by_label("Verplaats naar", exact=True)
    choice.focus()
    console.keyboard.press("ArrowDown")
    destination = choice.input_value()
    assert destination not in ("", origin_id), destination
    console.keyboard.press("Tab")
    expect(item.get_by_role("button", name="Verplaatsen")).to_be_focused()
    console.keyboard.press("Enter")
    arrived = column(console, destination).locator("li.ws-idea", has_text=text)
    expect(arrived).to_have_count(1)
    expect(arrived.get_by_label("Verplaats naar", exact=True)).to_be_focused()
    expect(console.locator("#ws-undo")).to_have_attribute("aria-disabled", "false")
    console.keyboard.press("Control+z")
    expect(column(console, origin_id).locator("li.ws-idea", has_text=text)).to_have_count(1)
    expect(column(console, destination).locator("li.ws-idea", has_text=text)).to_have_count(0)
    status = console.locator("#cluster-status")
    expect(status).to_have_text("Ongedaan gemaakt: vraagstuk verplaatst.")

    # The map draws every idea, coloured by cluster, with a legend.
    console.locator("details.ws-map summary").click()
    expect(console.locator(".ws-point")).to_have_count(61)
    expect(console.locator(".ws-legend li")).to_have_count(columns.count())
    console.locator(".ws-point").first.focus()
    expect(console.locator(".ws-map-caption")).not_to_be_empty()

    console.locator("#workspace").evaluate("section => section.scrollIntoView()")
    console.mouse.move(1, 1)
    console.screenshot(path="/tmp/ws-board.png")
    console.locator("details.ws-map").screenshot(path="/tmp/ws-map.png")
    console.set_viewport_size({"width": 1024, "height": 800})
    assert console.evaluate("document.documentElement.scrollWidth") <= 1024
    console.locator("#workspace").evaluate("section => section.scrollIntoView()")
    console.screenshot(path="/tmp/ws-1024.png")
    for page in (console, phone):
        assert page.errors == [], page.errors


def test_on_a_laptop_screen_the_columns_show_vraagstukken_not_controls(seeded_server, new_page):
    console = new_page()
    console.set_viewport_size({"width": 1366, "height": 768})
    open_console(console, seeded_server.info)
    expect(console.locator("#idea-count")).to_have_text("60")
    open_tab(console, "Clusters")
    run_and_wait(console)

    # Scrolled so the columns start right under the bar that stays in view.
    console.evaluate(
        """() => {
            const bar = document.querySelector('.cockpit-bar').getBoundingClientRect();
            const grid = document.querySelector('#clusters').getBoundingClientRect();
            window.scrollBy(0, grid.top - bar.height);
        }"""
    )
    # Of each column in the first row: how much of the screen under the bar goes to its name,
    # counts and buttons before the first vraagstuk (the rest shows vraagstukken).
    heads = console.evaluate(
        """() => {
            const bar = document.querySelector('.cockpit-bar').getBoundingClientRect().bottom;
            const columns = [...document.querySelectorAll('#clusters > li')];
            const top = columns[0].getBoundingClientRect().top;
            return columns.filter(c => Math.abs(c.getBoundingClientRect().top - top) < 2)
                .map(c => (c.querySelector('.ws-idea').getBoundingClientRect().top - bar)
                          / (window.innerHeight - bar));
        }"""
    )
    assert len(heads) >= 3
    assert max(heads) < 1 / 3, heads
