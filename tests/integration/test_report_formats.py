"""The advice report in each format, opened with its own reader: order, titles,
recommendations, counts, audience, names only by consent, Dutch characters, draft mark."""

import csv
import io
import zipfile
from uuid import uuid4

import docx
import pytest
from openpyxl import load_workbook

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import TeamRole
from brainstorm.extensions import db

IDEAS = [
    "Hoe regelen we de coördinatie van zij-instromers in de regio?",
    "Financiële ruimte voor naïeve starters: wie betaalt de begeleiding?",
    "Werkdruk van schoolopleiders: één uur per week is te weinig",
    "Werkdruk van werkplekbegeleiders neemt toe door de RATO",
    "Stageplekken in het mbo zijn schaars in de regio",
    "Stagevergoeding voor studenten op de pabo",
]


def command(sock, name, **payload):
    ack = sock.emit(name, payload, callback=True)
    assert ack["ok"], ack
    return ack


@pytest.fixture
def shaped(app, make_user, make_session, facilitate, login):
    """A session with two named participants (one agreed to be named), three ordered themes."""
    facilitator = make_user()
    bs = make_session(facilitator)
    app.test_client().post(
        "/join",
        data={
            "code": bs.join_code,
            "display_name": "Anouk Visser",
            "sector": "po",
            "may_be_named": "y",
        },
    )
    app.test_client().post(
        "/join", data={"code": bs.join_code, "display_name": "Geheim Persoon", "sector": "mbo"}
    )
    console = facilitate(bs, facilitator)
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Participant

    author = db.session.scalars(db.select(Participant)).first()
    sessions.update_settings(bs, facilitator, {"idea_limit": 20})
    for text in IDEAS:
        sessions.submit_idea(bs, author, text, str(uuid4()))
    command(console, "run_clustering", k=3)
    clusters = console.get_received()[-1]["args"][0]["clusters"]
    titles = ["Zij-instroom en coördinatie", "Werkdruk", "Stage"]
    ids = [c["id"] for c in clusters]
    for cluster_id, title in zip(ids, titles, strict=True):
        command(console, "rename_cluster", cluster_id=cluster_id, title=title)
    command(
        console,
        "update_deepening",
        cluster_id=ids[1],
        recommendation="Eén uur per week extra voor elke schoolopleider",
        audiences=["ocw"],
    )
    command(console, "update_deepening", cluster_id=ids[2], audiences=["sectorraden"])
    command(console, "reorder_clusters", cluster_ids=[ids[1], ids[0], ids[2]])
    staff = make_user()
    accounts.add_to_team(bs.event_id, staff, TeamRole.STAFF)
    db.session.commit()
    client = login(facilitator)
    client.post(
        f"/sessions/{bs.id}/report",
        data={"introduction": "Dit advies komt van 2 programmaleiders uit po en mbo."},
    )
    return bs, login(staff)


ORDER = ["Werkdruk", "Zij-instroom en coördinatie", "Stage"]


def test_docx_keeps_the_order_the_recommendation_and_dutch_characters(shaped):
    bs, staff = shaped
    response = staff.get(f"/sessions/{bs.id}/report.docx")
    name = response.headers["Content-Disposition"]
    assert f"adviesrapport-{bs.event.title.lower().replace(' ', '-')}-alles-" in name
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[: len(ORDER)] == [f"{n}. {title}" for n, title in enumerate(ORDER, start=1)]
    assert "Eén uur per week extra voor elke schoolopleider" in text
    assert "coördinatie" in text and "naïeve" in text and "Financiële" in text
    assert "Anouk Visser" not in text or "toestemming" in text.lower()
    assert "Geheim Persoon" not in text  # no names without consent


def test_xlsx_and_csv_zip_hold_the_same_tables(shaped):
    bs, staff = shaped
    book = load_workbook(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.xlsx").data))
    assert book.sheetnames == ["clusters", "vraagstukken", "stemmen", "polls", "deelname"]
    titles = [row[1] for row in book["clusters"].iter_rows(min_row=2, values_only=True)]
    assert titles == ORDER
    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.zip").data))
    assert sorted(archive.namelist()) == sorted(f"{n}.csv" for n in book.sheetnames)
    rows = list(csv.reader(io.StringIO(archive.read("vraagstukken.csv").decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == set(IDEAS)
    participation = archive.read("deelname.csv").decode("utf-8-sig")
    assert "po,1" in participation and "mbo,1" in participation
    assert "Geheim Persoon" not in participation and "Anouk" not in participation


def test_audience_filter_and_named_participants_by_consent(shaped):
    bs, staff = shaped
    ocw = staff.get(f"/sessions/{bs.id}/report.xlsx?audience=ocw")
    assert "-ocw-" in ocw.headers["Content-Disposition"]
    titles = [
        r[1]
        for r in load_workbook(io.BytesIO(ocw.data))["clusters"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert titles == ["Werkdruk", "Zij-instroom en coördinatie"]  # tagged for OCW plus untagged
    page = staff.get(f"/sessions/{bs.id}/report").get_data(as_text=True)
    assert "Anouk Visser" in page and "Geheim Persoon" not in page
    assert "Dit advies komt van 2 programmaleiders" in page
    assert "Concept" in page


def test_the_facilitator_marks_it_final_and_staff_cannot_change_it(shaped, make_user, login):
    bs, staff = shaped
    assert staff.post(f"/sessions/{bs.id}/report", data={"final": "y"}).status_code == 403
    db.session.refresh(bs)
    assert not bs.report_final


def test_a_participant_asking_for_a_report_is_refused(shaped, app):
    bs, _staff = shaped
    participant = app.test_client()
    participant.post("/join", data={"code": bs.join_code, "display_name": "Nieuwsgierig"})
    for fmt in ("docx", "xlsx", "zip"):
        response = participant.get(f"/sessions/{bs.id}/report.{fmt}")
        assert response.status_code in (302, 401, 403)
        assert response.status_code != 200
