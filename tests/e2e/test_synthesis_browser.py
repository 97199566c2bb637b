"""The event's synthesis in Chromium: four regional sessions of eight themes each (real
vraagstukken from the development set), a staff member confirms a proposed merge and downloads
the event's report as DOCX, which names the merged theme's sessions; axe finds nothing
serious on the page."""

import io
import json
from datetime import time, timedelta
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_session_browser import log_in

VRAAGSTUKKEN = (
    Path(__file__).resolve().parents[3]
    / "shared/evaldata/vraagstukken_po_vo_mbo/vraagstukken.jsonl"
)
# Each region names the same subject its own way, as facilitators do.
TITLES = {
    "tijd_werkdruk": ("Werkdruk", "Tijd voor begeleiding"),
    "financiering": ("Bekostiging", "Geld voor opleiden in de school"),
    "zij_instroom": ("Zij-instroom", "Zij-instromers vasthouden"),
    "startende_leraren": ("Inductie van starters", "Startende leraren"),
    "opleiders_in_de_school": ("Schoolopleiders", "Opleiden in de school"),
    "bekwaamheid_registratie": ("Bekwaamheid en registratie", "Lerarenregister"),
    "samenwerking_sectoren": ("Samenwerking po-vo-mbo", "Over de sectoren heen"),
    "vakkennis_vakdidactiek": ("Vakdidactiek", "Vakkennis op peil"),
    "schoolleiders": ("Rol van de schoolleider", "Schoolleiders"),
    "passend_onderwijs_inclusie": ("Passend onderwijs", "Inclusie in de klas"),
    "digitalisering_ai": ("Digitalisering en AI", "AI in de lerarenopleiding"),
    "onderzoek_in_de_school": ("Onderzoek in de school", "Onderzoekende houding"),
}
REGIONS = ("Regio Noord", "Regio Oost", "Regio Zuid", "Regio West")


def four_regions(app, email: str) -> int:
    """An event with four sessions of eight named themes, some vraagstukken from breakout
    groups; returns the event's id."""
    from sqlalchemy import select

    from brainstorm.accounts.models import User
    from brainstorm.breakouts.models import BreakoutGroup
    from brainstorm.events.services import create_event
    from brainstorm.extensions import db
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Idea
    from brainstorm.timeutil import local_today
    from brainstorm.workspace.models import Cluster, ClusterMember

    rows = [json.loads(line) for line in VRAAGSTUKKEN.read_text().splitlines() if line.strip()]
    labels = list(TITLES)
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email=email))
        day = local_today() + timedelta(days=20)
        event = create_event(user, "Regionale brainstorms 2027", day, time(13), time(17))
        for r, region in enumerate(REGIONS):
            bs = sessions.create_session(event, region)
            groups = [BreakoutGroup(session_id=bs.id, name=f"Groep {n}") for n in (1, 2)]
            db.session.add_all(groups)
            db.session.flush()
            for position in range(8):
                label = labels[(r * 3 + position) % len(labels)]
                cluster = Cluster(
                    session_id=bs.id,
                    key=f"c{position}",
                    title=TITLES[label][(r + position) % 2],
                    position=position,
                )
                db.session.add(cluster)
                db.session.flush()
                texts = [row["text"] for row in rows if row["label"] == label][r::4][:6]
                for n, text in enumerate(texts):
                    idea = Idea(
                        session_id=bs.id,
                        client_id=f"{bs.id}-{position}-{n}",
                        text=text,
                        group_id=groups[n % 2].id if n % 3 else None,
                    )
                    db.session.add(idea)
                    db.session.flush()
                    db.session.add(ClusterMember(idea_id=idea.id, cluster_id=cluster.id))
        db.session.commit()
        return event.id


@pytest.fixture
def regions_server(tmp_path):
    server = Server(tmp_path)
    info = server.prepare()
    info["event_id"] = four_regions(server.app(), info["email"])
    server.start()
    yield info
    server.stop()


def test_confirm_a_proposed_merge_and_download_the_docx(regions_server, new_page, tmp_path):
    server = regions_server
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, server)
    page.goto(f"{server['url']}/events/{server['event_id']}/synthese")
    first = page.locator(".syn-proposal").first
    expect(first).to_be_visible()
    # Both themes of the pair and its buttons fit the first screen at 1366×768.
    box = first.locator("button", has_text="Samenvoegen").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    page.screenshot(path=str(tmp_path / "synthese.png"))  # to look at: --basetemp
    titles = first.locator(".syn-title").all_text_contents()
    regions = [text.split(" · ")[0] for text in first.locator(".syn-origin").all_text_contents()]
    first.get_by_role("button", name="Samenvoegen").click()

    merged = page.locator(".syn-merged")
    expect(merged).to_have_count(1)
    expect(merged).to_contain_text(titles[1])
    expect(page.get_by_role("heading", name="Samengevoegde thema's")).to_contain_text("(1)")
    assert_accessible(page, "synthesis")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(Path(download.path()).read_bytes())).paragraphs
    )
    where = [f"{region} (“{title}”)" for region, title in zip(regions, titles, strict=True)]
    assert f"Samengevoegd uit: {where[0]}, {where[1]}." in text
    assert f"({regions[0]}, Groep 1)" in text  # each vraagstuk keeps its session and group
    assert page.errors == []
