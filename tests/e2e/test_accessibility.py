"""axe-core in Chromium on every kind of page: the public ones (agenda, event page, registration,
join, login, public poll), the participant's room (ideas, themes, voting, a live poll), the
presenter, the facilitator's console with its clustered workspace, the report preview and the
team's own pages. Each must have no WCAG 2.1 A/AA violation that axe rates serious or critical.

axe is pinned in tests/e2e/vendor (no download at test time) and evaluated through the DevTools
protocol, so the pages keep their real Content-Security-Policy while it runs."""

import functools
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from brainstorm.timeutil import utcnow
from tests.e2e.conftest import Server
from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import log_in, open_tab, send

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

# WCAG 2.1 A/AA, which must pass, and axe's best practices (heading order, landmarks), which are
# only printed.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: [...tags, "best-practice"] },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    wcag: v.tags.some((tag) => tags.includes(tag)),
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;0"  # `;0`: a value, not a function to call


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def describe(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = " / ".join(node["summary"].splitlines()[1:3]).strip()
            lines.append(f"    {node['target']}  {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    """No serious or critical WCAG 2.1 A/AA violation; the rest is printed for whoever looks."""
    page.wait_for_load_state("load")
    found = violations(page)
    serious = [v for v in found if v["wcag"] and v["impact"] in BLOCKING]
    milder = [v for v in found if v not in serious]
    if milder:
        print(f"\n{what}: milder axe findings\n{describe(milder)}")
    assert not serious, f"{what}: axe found\n{describe(serious)}"
    assert page.errors == [], page.errors


# --------------------------------------------------------------------------- one server for all


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server with everything to look at: a published event with a programme and an extra
    question, the 60 demo vraagstukken in its session, a live poll in the session and a public
    poll before it (with its results on the thank-you page)."""

    from brainstorm.demo_data import DEMO_IDEAS
    from brainstorm.events import registrations
    from brainstorm.events.models import AgendaItem, ExtraQuestion
    from brainstorm.extensions import db
    from brainstorm.polls import services as polls
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions

    server = Server(tmp_path_factory.mktemp("a11y"))
    with server.filling(MAIL_OUTBOX=str(server.tmp / "outbox")) as (info, bs, user):
        event = bs.event
        event.published = True
        event.sectors = ["po", "vo"]
        event.audience = "Programmaleiders van partnerschappen po, vo en mbo"
        event.organisers = "RATO Utrecht"
        event.location = "Online via MS Teams"
        event.capacity = 80
        # A month ahead, so registration is open whatever today is.
        start = utcnow().replace(hour=14, minute=30, second=0, microsecond=0) + timedelta(days=30)
        event.starts_at, event.ends_at = start, start + timedelta(minutes=90)
        for minutes, title in ((0, "Welkom"), (10, "Deelsessies"), (70, "Plenair")):
            at = start + timedelta(minutes=minutes)
            event.agenda.append(AgendaItem(title=title, starts_at=at, ends_at=at))
        event.questions.append(
            ExtraQuestion(label="Neem je deel aan de middagsessie?", options=["Ja", "Nee"])
        )
        event.questions.append(ExtraQuestion(label="Dieetwensen", position=1))
        for name, attended in (("Joost de Vries", True), ("Mirjam Bakker", False)):
            registration = registrations.register(
                event,
                registrations.RegistrationData(
                    name=name,
                    email=f"{name.split()[0].lower()}@school.nl",
                    sector="vo",
                    partnership="RATO Utrecht",
                    consent=True,
                ),
            )
            registration.attended = attended

        people = [sessions.join_session(bs, f"Deelnemer {n}") for n in range(1, 21)]
        for index, text in enumerate(DEMO_IDEAS):
            board.submit_idea(bs, people[index % len(people)], text, str(uuid.uuid4()))

        live = polls.create_poll(event, user, "Live in de sessie", "live", session=bs)
        sector = polls.add_question(
            live,
            user,
            polls.QuestionData(
                type="multiple",
                text="Welke sectoren zijn er vandaag bij jou aan tafel?",
                options=["Primair onderwijs", "Voortgezet onderwijs", "Mbo", "Lerarenopleiding"],
                max_choices=2,
            ),
        )
        before = polls.create_poll(event, user, "Vooraf", "pre", show_results=True)
        for data in (
            polls.QuestionData(
                type="ranking",
                text="Welk thema moet als eerste op de agenda?",
                options=["Werkdruk", "Bekostiging", "Inductie"],
            ),
            polls.QuestionData(
                type="scale",
                text="Hoe tevreden ben je over de samenwerking in het partnerschap?",
                scale_high=5,
                label_low="zeer ontevreden",
                label_high="zeer tevreden",
            ),
            polls.QuestionData(
                type="single",
                text="Uit welke sector kom je?",
                options=["po", "vo", "mbo"],
            ),
            polls.QuestionData(type="open", text="Wat wil je vandaag meenemen?"),
        ):
            question = polls.add_question(before, user, data)
            info.setdefault("first_question", question.id)
        db.session.commit()
        info.update(
            event_id=event.id,
            live_poll=live.id,
            sector_question=sector.id,
            pre_poll=before.id,
            slug=before.slug,
        )
    server.start()
    yield info
    server.stop()


@pytest.fixture(scope="module")
def console(site, browser):
    """The facilitator's console, logged in, with the 60 vraagstukken clustered."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    log_in(page, site)
    page.goto(f"{site['url']}/sessions/{site['session_id']}/facilitate")
    expect(page.locator("#status")).to_have_text("Verbonden")
    button = page.locator("#run-clustering")
    button.click()
    expect(button).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(page.locator("#cluster-status")).to_have_text(re.compile(r"^Geclusterd in \d+ clusters"))
    assert_accessible(page, "console (clusters still a draft)")
    page.get_by_role("button", name="Toon thema's aan de zaal").click()
    expect(page.get_by_role("button", name="Thema's verbergen voor de zaal")).to_be_visible()
    yield page
    context.close()


def staff_page(new_page, console):
    """A page in a new context with the facilitator's cookies (logged in)."""
    page = new_page()
    page.context.add_cookies(console.context.cookies())
    return page


def set_phase(console, name: str) -> None:
    console.get_by_role("button", name=name, exact=True).click()
    expect(console.get_by_role("button", name=name, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def open_live_question(console, question_id: int) -> None:
    """Open the live poll question from the console (unless it is open already)."""
    open_tab(console, "Polls")
    row = console.locator(f'#poll-console li[data-id="{question_id}"]')
    state = row.locator(".poll-console-meta .tag").first
    if state.inner_text() != "Open":
        row.locator(".poll-console-actions button").first.click()
        expect(state).to_have_text("Open")


def close_live_question(console, question_id: int) -> None:
    open_tab(console, "Polls")
    row = console.locator(f'#poll-console li[data-id="{question_id}"]')
    state = row.locator(".poll-console-meta .tag").first
    if state.inner_text() == "Open":
        row.locator(".poll-console-actions button").first.click()
        expect(state).to_have_text("Gesloten")


# --------------------------------------------------------------------------- public pages


@pytest.mark.parametrize(
    "path",
    ["/", "/join", "/login", "/wachtwoord-vergeten", "/evenementen", "/privacy"],
    ids=["home", "join", "login", "forgot-password", "agenda", "privacy"],
)
def test_public_page(site, new_page, path):
    page = new_page()
    page.goto(site["url"] + path)
    assert_accessible(page, path)


def test_error_page(site, new_page):
    page = new_page()
    page.goto(site["url"] + "/evenementen/999999")
    expect(page.locator("h1")).to_be_visible()
    page.errors.clear()  # the 404 on purpose
    assert_accessible(page, "error page (404)")


def test_event_page(site, new_page):
    page = new_page()
    page.goto(f"{site['url']}/evenementen/{site['event_id']}")
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    assert_accessible(page, "event page")


def test_registration_form_with_errors(site, new_page):
    page = new_page()
    page.goto(f"{site['url']}/evenementen/{site['event_id']}")
    page.get_by_label("Naam").fill("Fatima el Amrani")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.errors.clear()  # the form sent incomplete answers 422 on purpose
    assert_accessible(page, "registration form with errors")


def test_registration_confirmation(site, new_page):
    page = new_page()
    page.goto(f"{site['url']}/evenementen/{site['event_id']}")
    page.get_by_label("Naam").fill("Fatima el Amrani")
    page.get_by_label("E-mailadres").fill(f"{uuid.uuid4().hex[:8]}@hogeschool.nl")
    page.get_by_label("Organisatie").fill("Hogeschool Utrecht")
    page.get_by_label("po", exact=True).check()
    page.get_by_label("Ik geef toestemming").check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Je bent aangemeld")).to_be_visible()
    assert_accessible(page, "registration confirmation")


def test_join_page_with_errors(site, new_page):
    page = new_page()
    page.goto(site["url"] + "/join")
    page.get_by_label("Sessiecode").fill("XXXXXX")
    page.get_by_role("button", name="Meedoen").click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.errors.clear()  # the wrong code answers with an error status on purpose
    assert_accessible(page, "join page with errors")


@pytest.mark.parametrize("step", ["form", "thanks"])
def test_public_poll(site, new_page, step):
    page = new_page()
    page.goto(f"{site['url']}/p/{site['slug']}")
    if step == "thanks":
        for index, place in enumerate(("2", "1", "3")):
            page.get_by_role("combobox").nth(index).select_option(place)
        page.get_by_role("radio", name="4", exact=True).check()
        page.get_by_role("radio", name="vo", exact=True).check()
        page.get_by_role("textbox").fill("Afspraken over begeleiding")
        page.get_by_role("button", name=re.compile("Versturen|Verzenden")).click()
        expect(page).to_have_url(re.compile(r"/bedankt$"))
        expect(page.locator(".poll-result .poll-chart svg").first).to_be_visible()
    assert_accessible(page, f"public poll ({step})")


# --------------------------------------------------------------------------- the live session


def test_participant_room_with_themes(site, console, new_page):
    set_phase(console, "Invoer open")
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    join_by_code(page, site, "Anna", "RATO Utrecht")
    expect(page.locator("#clusters > li").first).to_be_visible()
    expect(page.locator("#ideas li")).to_have_count(60)
    page.get_by_label("Jouw vraagstuk").fill("Hoe houden we zij-instromers vast?")
    page.get_by_role("button", name="Insturen").click()
    expect(page.locator("#ideas li.mine")).to_have_count(1)
    assert_accessible(page, "participant room (input, themes)")
    # Editing one's own vraagstuk, and the question before withdrawing it.
    page.locator("#ideas li.mine").get_by_role("button", name="Bewerken").click()
    expect(page.get_by_label("Tekst bewerken")).to_be_focused()
    assert_accessible(page, "participant room (editing)")
    page.locator("#ideas li.mine").get_by_role("button", name="Annuleren").click()
    page.locator("#ideas li.mine").get_by_role("button", name="Intrekken").click()
    expect(page.get_by_role("button", name="Ja, intrekken")).to_be_visible()
    assert_accessible(page, "participant room (withdraw?)")


def test_participant_room_while_voting(site, console, new_page):
    page = new_page()
    join_by_code(page, site, "Bram")
    set_phase(console, "Stemmen")
    expect(page.locator("#votes-left")).to_be_visible()
    page.locator("#ideas li").first.get_by_role("button", name="Stem", exact=True).click()
    expect(page.locator("#votes-left")).to_contain_text("Nog 2")
    assert_accessible(page, "participant room (voting)")
    set_phase(console, "Invoer open")


def test_presenter(site, console, new_page):
    screen = staff_page(new_page, console)
    screen.set_viewport_size({"width": 1600, "height": 900})
    screen.goto(f"{site['url']}/sessions/{site['session_id']}/present")
    expect(screen.locator("#status")).to_have_text("Verbonden")
    expect(screen.locator("#clusters > li").first).to_be_visible()
    assert_accessible(screen, "presenter")


def test_cockpit_badges_and_the_shown_result(site, console, new_page):
    """The states that appear only live: the bar's badges, the phone's and the wall's result."""
    phone = new_page()
    join_by_code(phone, site, "Eva")
    set_phase(console, "Invoer open")
    open_tab(console, "Clusters")
    send(phone, "Hoe houden we de werkplekbegeleider op school?")
    expect(console.locator("#new-badge")).to_be_visible()
    assert_accessible(console, "console with the new-ideas badge")

    open_tab(console, "Instellingen")
    console.get_by_label("Vraagstukken eerst goedkeuren").check()
    console.get_by_role("button", name="Instellingen opslaan").click()
    expect(console.locator("#settings-feedback")).to_have_text("Opgeslagen")
    send(phone, "Wie betaalt de inductie van starters?")
    expect(console.locator("#pending-badge")).to_be_visible()
    assert_accessible(console, "console with the approval badge")
    console.get_by_label("Vraagstukken eerst goedkeuren").uncheck()
    console.get_by_role("button", name="Instellingen opslaan").click()

    set_phase(console, "Stemmen")
    expect(phone.locator("#votes-hidden")).to_be_visible()
    assert_accessible(phone, "participant room (blind voting)")
    phone.locator("#ideas li").first.get_by_role("button", name="Stem", exact=True).click()
    console.get_by_role("button", name="Uitslag tonen").click()
    expect(phone.locator("#result-box .ranking li").first).to_be_visible()
    assert_accessible(phone, "participant room (result shown)")
    screen = staff_page(new_page, console)
    screen.set_viewport_size({"width": 1366, "height": 768})
    screen.goto(f"{site['url']}/sessions/{site['session_id']}/present")
    expect(screen.locator("#result-stage .ranking li").first).to_be_visible()
    assert_accessible(screen, "presenter (result shown)")
    console.get_by_role("button", name="Uitslag verbergen").click()
    expect(screen.locator("#result-stage")).to_be_hidden()
    set_phase(console, "Invoer open")


# Each area of the console (its tabs), the clustered workspace also with every disclosure open.
CONSOLE_TABS = {
    "workspace": "Clusters",
    "details open": "Clusters",
    "board": "Bord",
    "polls": "Polls",
    "groups": "Groepen",
    "settings": "Instellingen",
}


@pytest.mark.parametrize("view", list(CONSOLE_TABS))
def test_facilitator_console(site, console, view):
    open_tab(console, CONSOLE_TABS[view])
    if CONSOLE_TABS[view] == "Clusters":
        expect(console.locator("#clusters > li").first).to_be_visible()
    else:
        expect(console.locator(".cockpit-panel:not([hidden])")).to_be_visible()
    if view == "details open":
        for details in console.locator("details:not([open])").all():
            if details.is_visible():
                details.locator("summary").first.click()
    assert_accessible(console, f"facilitator console ({view})")


@pytest.mark.parametrize("where", ["room", "presenter"])
def test_live_poll(site, console, new_page, where):
    open_live_question(console, site["sector_question"])
    if where == "room":
        page = new_page()
        join_by_code(page, site, "Chris")
        text = "Welke sectoren zijn er vandaag bij jou aan tafel?"
        expect(page.get_by_role("group", name=text)).to_be_visible()
        page.get_by_label("Mbo", exact=True).check()
        page.get_by_role("button", name="Versturen").click()
        expect(page.locator(".poll-saved")).to_contain_text("opgeslagen")
        expect(page.locator("#polls .pc-row").first).to_be_visible()
    else:
        page = staff_page(new_page, console)
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(f"{site['url']}/sessions/{site['session_id']}/present")
        expect(page.locator("#poll-stage-question")).to_be_visible()
    assert_accessible(page, f"live poll ({where})")


def test_report_preview(site, console, new_page):
    page = staff_page(new_page, console)
    page.goto(f"{site['url']}/sessions/{site['session_id']}/report")
    expect(page.locator("#download-pdf")).to_be_visible()
    assert_accessible(page, "report preview")


def split_into_groups(console) -> None:
    """Breakout groups that people choose themselves (once per module)."""
    open_tab(console, "Groepen")
    if console.locator("#groups-apart").is_visible():
        return
    console.get_by_label("Zelf kiezen").check()
    console.get_by_label("Aantal groepen").fill("2")
    console.get_by_label("Namen van de groepen").fill("Noord\nZuid")
    console.get_by_role("button", name="Groepen maken").click()
    expect(console.locator("#groups-body tr")).to_have_count(2)


@pytest.mark.parametrize("where", ["room", "console", "presenter"])
def test_breakout_groups(site, console, new_page, where):
    split_into_groups(console)
    if where == "room":
        page = new_page()
        join_by_code(page, site, "Dewi")
        expect(page.locator("#choose-list li")).to_have_count(2)
        assert_accessible(page, "breakouts: choosing a group")
        page.get_by_role("button", name="Kies Zuid").click()
        expect(page.locator("#group-name")).to_have_text("Jouw groep: Zuid")
        # Dimmed for the moment it takes to follow the group's room, then as before.
        expect(page.locator("#ideas")).to_have_attribute("aria-busy", "false")
        expect(page.locator("#status")).to_have_text("Verbonden")
        assert_accessible(page, "breakouts: in a group")
    elif where == "console":
        page = console
        page.locator("#people-details summary").click()
        expect(page.locator("#people li").first).to_be_visible()
        assert_accessible(page, "breakouts: console")
    else:
        close_live_question(console, site["sector_question"])  # the question had the stage
        page = staff_page(new_page, console)
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(f"{site['url']}/sessions/{site['session_id']}/present")
        expect(page.locator("#groups-overview")).to_be_visible()
        assert_accessible(page, "breakouts: presenter")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events/{event_id}/manage",
        "/events/{event_id}/edit",
        "/events/{event_id}/registrations",
        "/events/{event_id}/team",
        "/events/{event_id}/polls",
        "/polls/{pre_poll}",
        "/polls/{pre_poll}/results",
        "/s/{code}/results",
        "/events/new",
        "/questions/{first_question}/edit",
    ],
    ids=[
        "events-index",
        "event-manage",
        "event-edit",
        "registrations",
        "team",
        "polls",
        "poll-editor",
        "poll-results",
        "session-results",
        "new-event",
        "question-editor",
    ],
)
def test_team_page(site, console, new_page, path):
    page = staff_page(new_page, console)
    page.goto(site["url"] + path.format(**site))
    assert_accessible(page, path)
