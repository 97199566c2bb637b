"""A live rehearsal: a room of phones sends its vraagstukken and votes while the facilitator's
console and the presenter screen run in Chromium at 1366×768, and one phone page too (390×844,
its CPU slowed four times).

    python -m tests.benchmarks.rehearsal [--phones 300] [--spread 20] [--cluster-at 0.5]
                                         [--votes 4] [--vote-spread 10]

The server runs as in production (gunicorn + gevent, one process, SQLite; fanout.py's
prepare() and start_brainstorm()). The phones are fanout.PageClient websockets on this
machine, each with its participant's token. What a facilitator does at the live moment:

1. The burst: every phone sends one vraagstuk (texts of the Dutch evaluation set), spread over
   --spread seconds; after --cluster-at of that time the facilitator opens Clusters and presses
   "Clusteren".
2. The vote storm: "Toon thema's aan de zaal", phase "Stemmen", and every phone spends --votes
   dots (half on themes, half on vraagstukken) within --vote-spread seconds.

One JSON line per part: the phones' ack times and refusals (a server error is a refusal:
must be 0); whether the console, the screen and the phone page ended with every idea; how long
"Clusteren" took from the click to the columns; and the main thread of the console, the screen
and the phone page: the time in long tasks (over 50 ms, the browser's PerformanceObserver) and
the longest one. Everything is bounded and on 127.0.0.1; the server and the browser are stopped
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.benchmarks import fanout
from tests.servers import CHROMIUM, CHROMIUM_ARGS

TEXTS = Path(__file__).resolve().parents[3] / "shared/evaldata/vraagstukken_po_vo_mbo"
SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PHONE_SLOWER = 4  # CPU throttling of the phone page (Chrome DevTools' "mid-tier mobile")
# Long tasks and the idea count as the page sees them, kept in the page for the benchmark.
WATCH = """() => {
  window.benchLong = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.benchLong.push(entry.duration);
  }).observe({ type: "longtask" });
}"""


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank) in milliseconds, or None for none."""
    return fanout.ms(fanout.percentile(values, p))


def texts() -> list[str]:
    """The evaluation set's vraagstukken, as programme leaders type them."""
    with open(TEXTS / "vraagstukken.jsonl", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


async def main_thread(page) -> dict:
    """The page's long tasks since WATCH (then cleared): total and longest, in ms."""
    durations = await page.evaluate("() => window.benchLong.splice(0)")
    return {"busy_ms": round(sum(durations)), "longest_ms": round(max(durations, default=0))}


async def calls(phones, plan, spread: float) -> tuple[list[float], list[dict]]:
    """Send each phone's commands, the phones spread evenly over `spread` seconds: (ack
    times, refusals)."""
    start = time.monotonic() + 0.5
    acks: list[float] = []
    refused: list[dict] = []

    async def phone(n: int, client, commands) -> None:
        await asyncio.sleep(max(0.0, start + spread * n / len(phones) - time.monotonic()))
        for name, payload in commands:
            sent = time.monotonic()
            ack = await client.call(name, payload, timeout=60)
            acks.append(time.monotonic() - sent)
            if not ack.get("ok"):
                refused.append(ack)

    await asyncio.gather(*(phone(n, c, plan[n]) for n, c in enumerate(phones)))
    return acks, refused


async def rehearse(args, url: str, session_id: int, tokens: list[str]) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="nl-NL", viewport=SCREEN)
        console = await context.new_page()
        await console.goto(url + "/login")
        email, password = fanout.FACILITATOR
        await console.get_by_label("E-mailadres").fill(email)
        await console.get_by_label("Wachtwoord").fill(password)
        await console.get_by_role("button", name="Inloggen").click()
        await console.wait_for_url(lambda address: "/login" not in address)
        await console.goto(f"{url}/sessions/{session_id}/facilitate")
        screen = await context.new_page()
        await screen.goto(f"{url}/sessions/{session_id}/present")
        code = (await console.locator("#join-code").text_content()).strip()
        # One phone in Chromium too, its CPU slowed four times like a mid-range phone's.
        phone = await (await browser.new_context(locale="nl-NL", viewport=PHONE)).new_page()
        cdp = await phone.context.new_cdp_session(phone)
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_SLOWER})
        await phone.goto(url + "/join")
        await phone.get_by_label("Sessiecode").fill(code)
        await phone.get_by_label("Je naam").fill("Telefoon")
        await phone.locator('input[name="sector"][value="po"]').check()
        await phone.get_by_label("Je partnerschap of regio").fill("RATO Utrecht")
        await phone.get_by_role("button", name="Meedoen").click()
        for page in (console, screen, phone):
            await page.wait_for_selector("#status:has-text('Verbonden')")
            await page.evaluate(WATCH)

        phones = [fanout.PageClient() for _ in tokens]
        pairs = zip(phones, tokens, strict=True)
        await asyncio.gather(*(phone.connect(url, {"token": token}) for phone, token in pairs))
        fanout.log(f"{len(phones)} phones connected")
        await asyncio.sleep(2)  # the head count settles

        # 1. The burst, with "Clusteren" pressed in the middle of it.
        pool = texts()
        plan = [
            [("submit_idea", {"text": pool[n % len(pool)], "client_id": str(uuid.uuid4())})]
            for n in range(len(phones))
        ]
        clustering: dict = {}

        async def press_clusteren() -> None:
            await asyncio.sleep(0.5 + args.spread * args.cluster_at)
            await console.get_by_role("tab", name="Clusters", exact=True).click()
            pressed = time.monotonic()
            await console.locator("#run-clustering").click()
            await console.wait_for_selector("#clusters > li", timeout=60_000)
            clustering["ms"] = fanout.ms(time.monotonic() - pressed)

        fanout.log(f"burst: {len(phones)} vraagstukken in {args.spread} s")
        (acks, refused), _ = await asyncio.gather(
            calls(phones, plan, args.spread), press_clusteren()
        )
        expected = str(len(phones))
        await asyncio.sleep(3)
        console_count = await console.locator("#idea-count").text_content()
        screen_text = await screen.locator("body").inner_text()
        burst = {
            "benchmark": "rehearsal",
            "part": "burst",
            "phones": len(phones),
            "spread_s": args.spread,
            "ack_p50_ms": percentile(acks, 50),
            "ack_p95_ms": percentile(acks, 95),
            "ack_max_ms": fanout.ms(max(acks, default=None)),
            "refused": len(refused),
            "refusals": sorted({r.get("code", "?") for r in refused}),
            "console_has_all": console_count == expected,
            "screen_has_all": f"{expected} vraagstukken" in screen_text,
            "phone_has_all": await phone.locator("#ideas > li").count() == len(phones),
            "clustering_click_to_columns_ms": clustering.get("ms"),
            **{f"console_{k}": v for k, v in (await main_thread(console)).items()},
            **{f"screen_{k}": v for k, v in (await main_thread(screen)).items()},
            **{f"phone_{k}": v for k, v in (await main_thread(phone)).items()},
        }

        # 2. The vote storm.
        await console.get_by_role("button", name="Toon thema's aan de zaal").click()
        await console.get_by_role("button", name="Stemmen", exact=True).click()
        await asyncio.sleep(1.5)
        themes = await console.eval_on_selector_all(
            "#clusters > li[data-id]", "items => items.map((li) => Number(li.dataset.id))"
        )
        ideas = await console.eval_on_selector_all(
            "#ideas > li[data-id]", "items => items.map((li) => Number(li.dataset.id))"
        )
        for page in (console, screen, phone):
            await main_thread(page)
        pick = random.Random(0)
        on_themes = min(math.ceil(args.votes / 2), len(themes))
        plan = [
            [("vote_cluster", {"cluster_id": c}) for c in pick.sample(themes, on_themes)]
            + [("vote", {"idea_id": i}) for i in pick.sample(ideas, args.votes - on_themes)]
            for _ in phones
        ]
        fanout.log(f"vote storm: {args.votes} dots from each phone in {args.vote_spread} s")
        acks, refused = await calls(phones, plan, args.vote_spread)
        await asyncio.sleep(2)
        votes = {
            "benchmark": "rehearsal",
            "part": "votes",
            "phones": len(phones),
            "votes": len(acks),
            "spread_s": args.vote_spread,
            "ack_p50_ms": percentile(acks, 50),
            "ack_p95_ms": percentile(acks, 95),
            "refused": len(refused),
            "refusals": sorted({r.get("code", "?") for r in refused}),
            **{f"console_{k}": v for k, v in (await main_thread(console)).items()},
            **{f"screen_{k}": v for k, v in (await main_thread(screen)).items()},
            **{f"phone_{k}": v for k, v in (await main_thread(phone)).items()},
        }
        await asyncio.gather(*(p.disconnect() for p in phones), return_exceptions=True)
        await browser.close()
        return [burst, votes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--spread", type=float, default=20.0, help="seconds for the burst")
    parser.add_argument("--cluster-at", type=float, default=0.5, help="share of the burst")
    parser.add_argument("--votes", type=int, default=4, help="dots per phone, half on themes")
    parser.add_argument("--vote-spread", type=float, default=10.0)
    args = parser.parse_args()
    args.votes = min(args.votes, 6)  # the session's budget: 3 on themes and 3 on vraagstukken
    fanout.raise_nofile()
    folder = Path(tempfile.mkdtemp(prefix="rehearsal-"))
    procs = fanout.Processes(folder)
    try:
        fanout.log(f"preparing {args.phones} participants in {folder}")
        data = fanout.prepare(folder, args.phones)
        urls, _started = fanout.start_brainstorm(procs, data["url"], 1)
        lines = asyncio.run(
            asyncio.wait_for(rehearse(args, urls[0], data["session_id"], data["tokens"]), 600)
        )
        for line in lines:
            print(json.dumps(line), flush=True)
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
