"""Remake the README's screenshots from the demo: `.venv/bin/python docs/screenshots.py`."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the checkout: the tests' helpers
from tests.servers import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

DOCS = ROOT / "docs"
VENV = ROOT / ".venv" / "bin"
# As `make run` starts it (Makefile, GUNICORN_ARGS).
GUNICORN_ARGS = ["-k", "gevent", "-w", "1", "--worker-connections", "4000", "--no-control-socket"]
SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Who votes from a phone, with which sector; each spends a few dots on themes and vraagstukken.
VOTERS = [("Anouk", "po"), ("Bram", "vo"), ("Fatima", "mbo"), ("Joost", "po"), ("Lotte", "vo")]
SLOW = 60_000  # clustering on a busy machine


def environment(folder: Path) -> dict[str, str]:
    """The app's settings for this run: everything in `folder`, no mail leaves the machine."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'screenshots.db'}",
        "BRAINSTORM_INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "screenshots-" + os.urandom(8).hex(),
        "BRAINSTORM_MAIL_OUTBOX": str(folder / "outbox"),
        # Five phones join from 127.0.0.1 within seconds; the join limit would refuse them.
        "BRAINSTORM_RATELIMIT_ENABLED": "false",
    }


def seed(folder: Path, env: dict[str, str]) -> dict:
    """Migrate, fill the demo and return its login, join code and ids."""
    flask = [str(VENV / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    login = (folder / "instance" / "demo-login.txt").read_text()
    found = re.search(r"Demo-login: (\S+) / (\S+)\s+\(sessiecode (\w+)\)", login)
    if not found:
        raise RuntimeError(f"Unexpected demo login: {login!r}")
    with sqlite3.connect(folder / "screenshots.db") as db:
        session_id, event_id = db.execute("SELECT id, event_id FROM brainstorm_sessions").fetchone()
    email, password, code = found.groups()
    return {"email": email, "password": password, "code": code, "session": session_id,
            "event": event_id}  # fmt: skip


@contextmanager
def server(folder: Path, env: dict[str, str]):
    """gunicorn + gevent on a free port; stopped on leaving, also after an error."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    command = [str(VENV / "gunicorn"), *GUNICORN_ARGS, "-b", f"127.0.0.1:{port}", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(url + "/join", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def new_page(browser, viewport):
    """A page in a context of its own (its own cookies, like another person)."""
    context = browser.new_context(locale="nl-NL", viewport=viewport)
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, url: str, demo: dict) -> None:
    """Log in as the demo facilitator."""
    page.goto(url + "/login")
    page.get_by_label("E-mailadres").fill(demo["email"])
    page.get_by_label("Wachtwoord").fill(demo["password"])
    page.get_by_role("button", name="Inloggen").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def join(page, url: str, demo: dict, name: str, sector: str) -> None:
    """Join the demo session by its code, as on a phone."""
    page.goto(url + "/join")
    page.get_by_label("Sessiecode").fill(demo["code"].lower())
    page.get_by_label("Je naam").fill(name)
    page.locator(f'input[name="sector"][value="{sector}"]').check()
    page.get_by_label("Je partnerschap of regio").fill("RATO Utrecht")
    page.get_by_role("button", name="Meedoen").click()
    expect(page).to_have_url(re.compile(f"/s/{demo['code']}$"))
    expect(page.locator("#status")).to_have_text("Verbonden")


def settle(page) -> None:
    """Let transitions and late redraws finish; no hover or focus ring left by the last click."""
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(600)  # also lets the focus ring's transition end


def vote(phone, themes: list[int], ideas: list[int]) -> None:
    """Put dots on the themes and vraagstukken at these positions."""
    for index in themes:
        theme = phone.locator("#clusters > li").nth(index)
        theme.get_by_role("button", name="Stem", exact=True).click()
        expect(theme.locator(".my-votes")).to_be_visible()
    for index in ideas:
        idea = phone.locator("#ideas > li").nth(index)
        left = phone.locator("#votes-left").inner_text()
        idea.get_by_role("button", name="Stem", exact=True).click()
        expect(phone.locator("#votes-left")).not_to_have_text(left)


def shoot(browser, url: str, demo: dict, out: Path, extra: Path | None = None):
    """The five screens, in the order a session runs; returns the cockpit's page."""
    base = f"{url}/sessions/{demo['session']}"
    console = new_page(browser, SCREEN)
    log_in(console, url, demo)
    console.goto(base + "/facilitate")
    expect(console.locator("#status")).to_have_text("Verbonden")
    expect(console.locator("#idea-count")).to_have_text("60")
    console.get_by_role("button", name="Invoer open", exact=True).click()
    expect(console.get_by_role("button", name="Invoer open", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    settle(console)
    console.screenshot(path=out / "screenshot-facilitator.png")

    screen = new_page(browser, SCREEN)
    screen.context.add_cookies(console.context.cookies())
    screen.goto(base + "/present")
    expect(screen.locator("#status")).to_have_text("Verbonden")
    expect(screen.locator("#board")).to_be_visible()
    settle(screen)
    screen.screenshot(path=out / "screenshot-presenter.png")

    console.get_by_role("tab", name="Clusters", exact=True).click()
    console.get_by_role("button", name="Clusteren").click()
    expect(console.locator("#clusters > li").first).to_be_visible(timeout=SLOW)
    expect(console.locator("#ws-shown-note")).to_contain_text("Concept")
    # Below the bar that stays in view: from the k control down to the tops of the clusters.
    bar = console.locator(".cockpit-bar").bounding_box()
    k = console.locator("#cluster-k").bounding_box()
    console.evaluate("dy => window.scrollBy(0, dy)", k["y"] - (bar["y"] + bar["height"]) - 12)
    settle(console)
    console.screenshot(path=out / "screenshot-facilitator-clusters.png")
    if extra:
        console.screenshot(path=extra / "clusters-full.png", full_page=True)

    console.get_by_role("button", name="Toon thema's aan de zaal").click()
    expect(console.locator("#ws-shown-note")).to_contain_text("De zaal ziet deze thema's")
    console.get_by_role("button", name="Stemmen", exact=True).click()
    phones = []
    for number, (name, sector) in enumerate(VOTERS):
        phone = new_page(browser, PHONE)
        join(phone, url, demo, name, sector)
        expect(phone.locator("#themes-budget")).to_be_visible()
        vote(phone, themes=[number % 2, 2 + number % 2], ideas=[number % 3, 3 + number % 4])
        phones.append(phone)
    phone = phones[0]
    # Mid-page, under the sticky budget: a theme with my dot and its buttons, the next theme.
    mine = phone.locator("#clusters > li .my-votes:visible").first
    mine.evaluate("line => line.scrollIntoView({block: 'center'})")
    settle(phone)
    phone.screenshot(path=out / "screenshot-participant.png")
    if extra:
        phone.screenshot(path=extra / "phone-full.png", full_page=True)

    console.get_by_role("button", name="Uitslag tonen").click()
    expect(screen.locator("#result-stage .ranking li").first).to_be_visible()
    settle(screen)
    screen.screenshot(path=out / "screenshot-presenter-result.png")
    return console


def outcome(console, url: str, demo: dict, out: Path) -> None:
    """The outcome page's management and, once published, the page itself (the themes are on
    it because the cockpit showed them to the room): to look at, not for the README."""
    manage = f"{url}/events/{demo['event']}/uitkomst/beheer"
    console.goto(manage)
    settle(console)
    console.screenshot(path=out / "outcome-manage-draft.png", full_page=True)
    console.get_by_label("Openbaar: iedereen met het adres").check()
    console.get_by_role("button", name="Opslaan").click()
    expect(console.get_by_text("De uitkomstpagina is gepubliceerd.")).to_be_visible()
    settle(console)
    console.screenshot(path=out / "outcome-manage.png")
    console.screenshot(path=out / "outcome-manage-full.png", full_page=True)
    reader = new_page(console.context.browser, SCREEN)
    reader.goto(f"{url}/events/{demo['event']}/uitkomst")
    expect(reader.locator(".outcome-theme").first).to_be_visible()
    settle(reader)
    reader.screenshot(path=out / "outcome-page.png")
    reader.screenshot(path=out / "outcome-page-full.png", full_page=True)
    reader.locator(".outcome-theme summary").first.click()
    settle(reader)
    reader.screenshot(path=out / "outcome-page-theme-open.png", full_page=True)


def main() -> None:
    """Seed a throwaway demo, serve it, and take the README's screenshots into docs/; with
    `--extra DIR` also whole pages and the outcome pages into DIR, to look at."""
    args = sys.argv[1:]
    extra = Path(args[args.index("--extra") + 1]) if "--extra" in args else None
    out = DOCS
    with tempfile.TemporaryDirectory(prefix="brainstorm-screenshots-") as tmp:
        folder = Path(tmp)
        env = environment(folder)
        demo = seed(folder, env)
        with server(folder, env) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                console = shoot(browser, url, demo, out, extra)
                if extra:
                    outcome(console, url, demo, extra)
            finally:
                browser.close()
    print(f"Screenshots in {out}")


if __name__ == "__main__":
    main()
