"""The advice report in each format, opened with its own reader: order, titles,
recommendations, counts, audience, names only by consent, Dutch characters, draft mark."""

import csv
import io
import re
import subprocess
import zipfile
from datetime import UTC, datetime
from uuid import uuid4

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import TeamRole, User
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
def shaped(app, clock, make_user, make_session, facilitate, login):
    """A session with two named participants (one agreed to be named), three ordered themes,
    on Monday 14 December 2026 (made on 1 December)."""
    clock.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC))
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
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Participant

    author = db.session.scalars(db.select(Participant)).first()
    sessions.update_settings(bs, facilitator, {"idea_limit": 20})
    for text in IDEAS:
        board.submit_idea(bs, author, text, str(uuid4()))
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
    assert book.sheetnames == ["thema's", "vraagstukken", "stemmen", "peilingen", "deelname"]
    titles = [row[1] for row in book["thema's"].iter_rows(min_row=2, values_only=True)]
    assert titles == ORDER
    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.zip").data))
    assert sorted(archive.namelist()) == sorted(
        f"{n.replace(chr(39), '')}.csv" for n in book.sheetnames
    )
    raw = archive.read("vraagstukken.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Dutch Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {row[1] for row in rows[1:]} == set(IDEAS)
    participation = archive.read("deelname.csv").decode("utf-8-sig")
    counts = list(csv.reader(io.StringIO(participation), delimiter=";"))
    assert [row[1:] for row in counts if row[0] == "deelnemers per sector"] == [
        ["po", "1"],
        ["mbo", "1"],
    ]
    assert "Geheim Persoon" not in participation and "Anouk" not in participation


def test_audience_filter_and_named_participants_by_consent(shaped):
    bs, staff = shaped
    ocw = staff.get(f"/sessions/{bs.id}/report.xlsx?audience=ocw")
    assert "-ocw-" in ocw.headers["Content-Disposition"]
    titles = [
        r[1]
        for r in load_workbook(io.BytesIO(ocw.data))["thema's"].iter_rows(
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


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    """The PDF's text with whitespace made single (lines wrap anywhere in a PDF)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_pdf_keeps_the_order_the_recommendation_and_dutch_characters(shaped):
    bs, staff = shaped
    response = staff.get(f"/sessions/{bs.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adviesrapport-brainstormsessie-rato-alles-2026-12-14.pdf"'
    )
    reader, text = pdf_text(response.data)
    assert reader.metadata.title == "Adviesrapport: Brainstormsessie RATO"
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "nl"  # tagged (PDF/UA)
    headings = [text.index(f"{n}. {title}") for n, title in enumerate(ORDER, start=1)]
    assert headings == sorted(headings)  # the facilitator's order
    assert "Aanbeveling: Eén uur per week extra voor elke schoolopleider" in text
    assert "coördinatie" in text and "naïeve" in text and "Financiële" in text
    assert "Dit advies komt van 2 programmaleiders uit po en mbo." in text
    assert "Anouk Visser" in text  # she agreed to be named
    assert "Geheim Persoon" not in text
    assert f"pagina 1 van {len(reader.pages)}" in text
    assert "Brainstormsessie RATO" in reader.pages[1].extract_text()  # the running header
    ocw = staff.get(f"/sessions/{bs.id}/report.pdf?audience=ocw")
    assert "-ocw-2026-12-14.pdf" in ocw.headers["Content-Disposition"]
    _reader, ocw_text = pdf_text(ocw.data)
    assert "1. Werkdruk" in ocw_text and "2. Zij-instroom en coördinatie" in ocw_text
    assert "3. Stage" not in ocw_text


def test_pdf_says_concept_on_every_page_until_the_facilitator_marks_it_final(shaped, login):
    bs, staff = shaped
    reader, _text = pdf_text(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    assert all("CONCEPT" in page.extract_text() for page in reader.pages)
    facilitator = login(db.session.get(User, bs.event.created_by_id))
    marked = facilitator.post(
        f"/sessions/{bs.id}/report",
        data={"introduction": "Definitief advies.", "final": "y"},
    )
    assert marked.status_code == 302
    _reader, text = pdf_text(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    assert "Definitief advies." in text
    assert "concept" not in text.lower()


def test_pdf_carries_the_docx_content_with_contents_bookmarks_and_structure(shaped):
    bs, staff = shaped
    voted_with_a_poll(bs)
    reader, text = pdf_text(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    for words in (
        "Datum: maandag 14 december 2026, 15.30 uur",  # with the time of day
        "Deelnemers per sector Sector Deelnemers po 1 mbo 1",
        "Stemmen per thema Thema Aantal 1. Werkdruk 1",  # the chart, as bars
        "1 stem · 2 vraagstukken",  # votes and ideas per theme
        "Keuze Aantal Percentage po 1 50% mbo 1 50%",
        "Grafiek: Uit welke sector komt u?",
        "Bijlage: alle invoer",
        "Bijlage: verloop van moderatie en clustering",
    ):
        assert words in text, words
    # The contents list every section and theme with the page it starts on.
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    entries = ["Deelname", *[f"{n}. {t}" for n, t in enumerate(ORDER, start=1)]]
    entries += ["Uitkomsten van de polls", "Bijlage: alle invoer"]
    for entry in entries:
        found = re.search(re.escape(entry) + r"[ .\u2060]*(\d+)", pages[0])
        assert found, entry
        assert entry in pages[int(found[1]) - 1], entry
    # Bookmarks for the sections with the themes beneath, and a structure tree of headings,
    # lists, tables and the contents for a screen reader.
    marks = [getattr(m, "title", None) for m in reader.outline]
    assert {"Deelname", "Thema's", "Bijlage: alle invoer"} <= set(marks)
    themes = reader.outline[marks.index("Thema's") + 1]
    assert [m.title for m in themes] == [f"{n}. {t}" for n, t in enumerate(ORDER, start=1)]
    kinds, todo = set(), [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if hasattr(node, "get"):
            kinds.add(node.get("/S"))
            kids = node.get("/K")
            todo += kids if isinstance(kids, list) else [kids] if kids is not None else []
    assert {"/H1", "/H2", "/H3", "/L", "/LI", "/Table", "/TH", "/TOC"} <= kinds


def test_pdf_shows_typed_text_as_typed_never_as_markup(shaped):
    from brainstorm.sessions import board
    from brainstorm.sessions.models import Participant

    bs, staff = shaped
    author = db.session.scalars(db.select(Participant)).first()
    typed = '#panic("stuk") $x^2$ *vet* _schuin_ @bron <label> `code` \\ ] [ // geen commentaar'
    board.submit_idea(bs, author, typed, str(uuid4()))
    response = staff.get(f"/sessions/{bs.id}/report.pdf")
    assert response.status_code == 200
    _reader, text = pdf_text(response.data)
    assert typed in text


def test_pdf_holds_a_short_theme_with_the_longest_deepening_whole(shaped, tmp_path):
    from brainstorm.workspace import corrections
    from brainstorm.workspace.models import DEEPENING_MAX, Cluster

    bs, staff = shaped
    facilitator = db.session.get(User, bs.event.created_by_id)
    werkdruk = db.session.scalars(db.select(Cluster).filter_by(title="Werkdruk")).one()
    longest = {
        field: ("lang " * DEEPENING_MAX)[: DEEPENING_MAX - 20] + f"einde-{field}"
        for field in ("summary", "question", "recommendation")
    }
    corrections.update_deepening(bs, facilitator, werkdruk.id, **longest)
    path = tmp_path / "rapport.pdf"
    path.write_bytes(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    # pdftotext reads what is on the pages: text run off a page's bottom would be missing.
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for field in longest:
        assert f"einde-{field}" in text, field
    assert "Werkdruk van werkplekbegeleiders" in text  # its vraagstukken after it


def test_pdf_wraps_a_long_link_instead_of_running_off_the_page(shaped, tmp_path):
    from brainstorm.sessions import board
    from brainstorm.sessions.models import Participant

    bs, staff = shaped
    author = db.session.scalars(db.select(Participant)).first()
    link = "https://voorbeeld.nl/" + "StageplekkenInDeRegio" * 8 + "Einde"
    board.submit_idea(bs, author, f"Zie {link}", str(uuid4()))
    path = tmp_path / "rapport.pdf"
    path.write_bytes(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    joined = "".join(text.replace("\u200b", "").split())  # the break opportunities are invisible
    assert link in joined  # every character on the page, none beyond its edge


def test_pdf_first_page_is_not_blank(shaped, tmp_path):
    bs, staff = shaped
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    page_one = ["-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "page")]
    subprocess.run(["pdftoppm", "-png", "-r", "50", *page_one], check=True)
    with Image.open(tmp_path / "page.png") as png:
        assert png.size == (414, 585)  # A4 at 50 dpi
        data = png.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    ink = sum(1 for r, g, b in pixels if min(r, g, b) < 200)
    accent = sum(1 for r, g, b in pixels if abs(r - 0x15) + abs(g - 0x42) + abs(b - 0x73) < 40)
    assert ink > len(pixels) * 0.05  # text and the accent band, not an empty page
    assert accent > len(pixels) * 0.03  # the accent band across the top


def test_a_participant_asking_for_a_report_is_refused(shaped, app):
    bs, _staff = shaped
    participant = app.test_client()
    participant.post("/join", data={"code": bs.join_code, "display_name": "Nieuwsgierig"})
    for fmt in ("docx", "pdf", "xlsx", "zip"):
        response = participant.get(f"/sessions/{bs.id}/report.{fmt}")
        assert response.status_code in (302, 401, 403)
        assert response.status_code != 200


# --- DOCX: finished enough to forward; Markdown: the same report as text ---------------------


def voted_with_a_poll(bs):
    """Anouk puts a dot on the first vraagstuk and on "Werkdruk"; a pre-session poll with two
    answers. Returns the facilitator."""
    from brainstorm.polls import services as polls
    from brainstorm.reports import services as reports
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Idea, Participant, Phase
    from brainstorm.workspace.models import Cluster

    facilitator = db.session.get(User, bs.event.created_by_id)
    bs.event.location = "Utrecht, Jaarbeurs"
    sessions.set_phase(bs, facilitator, Phase.VOTING)
    anouk = db.session.scalars(db.select(Participant).filter_by(display_name="Anouk Visser")).one()
    first = db.session.scalars(db.select(Idea).filter_by(text=IDEAS[0])).one()
    board.vote(bs, anouk, first.id)
    werkdruk = db.session.scalars(db.select(Cluster).filter_by(title="Werkdruk")).one()
    workspace_vote(bs, anouk, werkdruk.id)
    poll = polls.create_poll(bs.event, facilitator, "Peiling vooraf")
    question = polls.add_question(
        poll, facilitator, polls.QuestionData("single", "Uit welke sector komt u?", ["po", "mbo"])
    )
    polls.submit_response(poll, "respondent-1", {question.id: 0})
    polls.submit_response(poll, "respondent-2", {question.id: 1})
    # The fixture saved the settings without a poll; the facilitator now chooses this one.
    reports.save_report_settings(bs, bs.report_introduction, [poll.id], final=False)
    return facilitator


def workspace_vote(bs, participant, cluster_id):
    from brainstorm.workspace import services as workspace

    bs.themes_shown = True  # the room votes on themes it was shown
    workspace.vote_cluster(bs, participant, cluster_id)


def docx_of(client, bs) -> tuple[docx.document.Document, str]:
    """The document and its main XML (tables, fields and all)."""
    data = client.get(f"/sessions/{bs.id}/report.docx").data
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return docx.Document(io.BytesIO(data)), xml


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_title_page_contents_themes_charts_and_appendices(shaped):
    bs, staff = shaped
    voted_with_a_poll(bs)
    document, xml = docx_of(staff, bs)
    paragraphs = document.paragraphs
    styles = [p.style.name for p in paragraphs]

    title_page = [p.text for p in paragraphs[: styles.index("Heading 1")]]
    assert title_page[:2] == [
        "CONCEPT",
        "Dit rapport is een concept: de facilitator heeft het nog niet definitief gemaakt.",
    ]
    for line in (
        "Adviesrapport: Brainstormsessie RATO",
        "Aan: Alle betrokkenen",
        "Sessie: Vraagstukken Samen Opleiden",
        "Datum: maandag 14 december 2026, 15.30 uur",
        "Locatie: Utrecht, Jaarbeurs",
        "Meegedaan: 2 deelnemers, 6 vraagstukken",
    ):
        assert line in title_page
    assert paragraphs[styles.index("TOC Heading")].text == "Inhoud"  # not itself in the TOC

    contents = [p.text for p in paragraphs if p.style.name in ("Inhoud 1", "Inhoud 2")]
    assert contents == [
        "Inleiding",
        "Deelname",
        "Thema's",
        *[f"{n}. {title}" for n, title in enumerate(ORDER, start=1)],
        "Uitkomsten van de polls",
        "Bijlage: alle invoer",
        "Bijlage: verloop van moderatie en clustering",
    ]
    # A real table-of-contents field (headings 1-2, page numbers) that Word updates on
    # opening; until then its result is the contents written out.
    assert '<w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText>' in xml
    begin, end = xml.index('w:fldCharType="begin"'), xml.index('w:fldCharType="end"')
    assert begin < xml.index("Bijlage: verloop van moderatie en clustering") < end
    settings = document.settings.element.xml
    assert "updateFields" in settings and "nl-NL" in settings and "en-US" not in settings
    sections = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert sections == [*contents[:3], *contents[-3:]]

    recommendation = [p.text for p in paragraphs if p.style.name == "Aanbeveling"]
    assert recommendation == ["Aanbeveling: Eén uur per week extra voor elke schoolopleider"]
    # Traceability: under each theme the vraagstukken it rests on, with their votes.
    cited, theme = {}, None
    for p in paragraphs:
        if p.style.name == "Heading 2":
            theme = p.text
        elif p.style.name == "List Bullet" and theme:
            cited.setdefault(theme, []).append(p.text)
    assert list(cited)[:3] == [f"{n}. {title}" for n, title in enumerate(ORDER, start=1)]
    everything = [text for theme in list(cited)[:3] for text in cited[theme]]
    assert sorted(t.removesuffix(" (1 stem)") for t in everything) == sorted(IDEAS)
    assert f"{IDEAS[0]} (1 stem)" in everything
    werkdruk = len(cited["1. Werkdruk"])
    meta = paragraphs[styles.index("Heading 2") + 1].text  # under the heading: votes, size
    assert meta == f"1 stem · {werkdruk} vraagstuk{'ken' if werkdruk != 1 else ''}"
    assert sum(p.text == "Gebaseerd op deze vraagstukken:" for p in paragraphs) == 3

    # The votes per theme and the poll question as charts (with a description), and tables.
    assert len(document.inline_shapes) == 2
    assert 'descr="Staafdiagram: stemmen per thema' in xml
    tables = [table_rows(t) for t in document.tables]
    assert [["Sector", "Deelnemers"], ["po", "1"], ["mbo", "1"]] in tables
    assert [["Keuze", "Aantal", "Percentage"], ["po", "1", "50%"], ["mbo", "1", "50%"]] in tables
    appendix = next(t for t in tables if t[0][:2] == ["Nr.", "Vraagstuk"])
    assert [row[1] for row in appendix[1:]] == IDEAS  # as sent, in order
    assert {row[-1] for row in appendix[1:]} == {"op het bord"}
    audit = next(t for t in tables if t[0] == ["Tijd", "Wie", "Wat"])
    assert len(audit) > 1

    text = "\n".join(p.text for p in paragraphs)
    assert "Met naam (met hun toestemming): Anouk Visser" in text
    assert "Geheim Persoon" not in xml  # nowhere: not in tables, not in the appendix
    for word in ("coördinatie", "naïeve", "Financiële", "Eén", "één uur"):
        assert word in xml
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)  # A4
    properties = document.core_properties
    assert properties.author == "Samen Opleiden & Professionaliseren"
    assert properties.title == "Adviesrapport: " + bs.event.title
    assert properties.subject == "Adviesrapport voor alle betrokkenen"
    assert properties.language == "nl-NL"
    package = zipfile.ZipFile(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.docx").data))
    app_xml = package.read("docProps/app.xml").decode()
    assert "Macintosh" not in app_xml and "Samen Opleiden &amp; Professionaliseren" in app_xml
    assert "en-US" not in package.read("word/styles.xml").decode()
    assert "docProps/thumbnail.jpeg" not in package.namelist()
    # Header cells never break inside a word ("Percentag|e" when Calibri is missing).
    header_cells = xml.count("<w:tblHeader/>")
    assert header_cells and xml.count("<w:noWrap/>") >= header_cells


def test_docx_says_concept_in_every_header_until_the_facilitator_marks_it_final(shaped, login):
    bs, staff = shaped
    document, _xml = docx_of(staff, bs)
    assert all("CONCEPT" in s.header.paragraphs[0].text for s in document.sections)
    assert document.paragraphs[0].text == "CONCEPT"
    facilitator = login(db.session.get(User, bs.event.created_by_id))
    marked = facilitator.post(
        f"/sessions/{bs.id}/report", data={"introduction": "Definitief advies.", "final": "y"}
    )
    assert marked.status_code == 302
    document, xml = docx_of(staff, bs)
    assert "CONCEPT" not in xml and "concept" not in xml.lower()
    headers = [p.text for s in document.sections for p in s.header.paragraphs]
    assert headers == ["Adviesrapport: Brainstormsessie RATO"]
    assert "concept" not in " ".join(headers).lower()
    assert document.paragraphs[0].text == "Adviesrapport: Brainstormsessie RATO"
    assert "Definitief advies." in [p.text for p in document.paragraphs]


def test_docx_without_votes_or_polls_has_no_empty_charts(shaped):
    bs, staff = shaped
    document, _xml = docx_of(staff, bs)
    assert len(document.inline_shapes) == 0
    assert "Uitkomsten van de polls" not in [p.text for p in document.paragraphs]


def test_markdown_has_the_report_in_order_with_recommendation_and_traceability(shaped, login):
    bs, staff = shaped
    voted_with_a_poll(bs)
    response = staff.get(f"/sessions/{bs.id}/report.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adviesrapport-brainstormsessie-rato-alles-2026-12-14.md"'
    )
    text = response.data.decode("utf-8")
    assert text.startswith("> **Concept**\n")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Adviesrapport: Brainstormsessie RATO",
        "## Inhoud",
        "## Inleiding",
        "## Deelname",
        "## Thema's",
        *[f"### {n}. {title}" for n, title in enumerate(ORDER, start=1)],
        "## Uitkomsten van de polls",
        "### Peiling vooraf",
        "## Bijlage: alle invoer",
        "## Bijlage: verloop van moderatie en clustering",
    ]
    assert "- **Aan:** Alle betrokkenen\n" in text
    assert "- **Datum:** maandag 14 december 2026, 15.30 uur\n" in text
    assert "- Thema's\n  1. Werkdruk\n  2. Zij-instroom en coördinatie\n  3. Stage\n" in text
    assert "**Aanbeveling:** Eén uur per week extra voor elke schoolopleider" in text
    assert text.count("**Gebaseerd op deze vraagstukken:**") == 3
    themes = text.split("## Thema's")[1].split("## Uitkomsten")[0]
    for idea in IDEAS:
        assert f"\n- {idea}" in themes  # every vraagstuk cited under its theme
    assert f"\n- {IDEAS[0]} (1 stem)\n" in themes
    assert "| Keuze | Aantal | Percentage |\n| --- | ---: | ---: |\n| po | 1 | 50% |" in text
    assert "| Nr. | Vraagstuk | Stemmen | Status |" in text
    assert "**Met naam (met hun toestemming):** Anouk Visser" in text
    assert "Geheim Persoon" not in text
    assert "naïeve" in text and "Financiële" in text

    facilitator = login(db.session.get(User, bs.event.created_by_id))
    facilitator.post(f"/sessions/{bs.id}/report", data={"introduction": "Klaar.", "final": "y"})
    final = staff.get(f"/sessions/{bs.id}/report.md").data.decode("utf-8")
    assert final.startswith("# Adviesrapport: Brainstormsessie RATO\n")
    assert "concept" not in final.lower()


def test_a_participant_asking_for_the_markdown_is_refused(shaped, app):
    bs, _staff = shaped
    participant = app.test_client()
    participant.post("/join", data={"code": bs.join_code, "display_name": "Nieuwsgierig"})
    response = participant.get(f"/sessions/{bs.id}/report.md")
    assert response.status_code in (302, 401, 403)


# --- issue 21: files a ministry can receive as they are ---------------------------------------


def scale_and_open_poll(bs):
    """A pre-session poll with a scale (mean 2,67) and an open question whose 6 answers are 2
    different ones; chosen for the report."""
    from brainstorm.polls import services as polls
    from brainstorm.reports import services as reports

    facilitator = db.session.get(User, bs.event.created_by_id)
    poll = polls.create_poll(bs.event, facilitator, "Peiling vooraf")
    scale = polls.add_question(poll, facilitator, polls.QuestionData("scale", "Hoe druk is het?"))
    open_ = polls.add_question(poll, facilitator, polls.QuestionData("open", "Wat moet beter?"))
    for n, (score, text) in enumerate([(2, "Tijd"), (3, "Tijd"), (3, "Geld")] * 2):
        polls.submit_response(poll, f"respondent-{n}", {scale.id: score, open_.id: text})
    reports.save_report_settings(bs, bs.report_introduction, [poll.id], final=False)


def test_xlsx_has_a_bold_frozen_header_widths_words_and_dutch_numbers(shaped):
    bs, staff = shaped
    scale_and_open_poll(bs)
    book = load_workbook(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.xlsx").data))
    assert book.properties.creator == "Samen Opleiden & Professionaliseren"
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width >= 6
    themes = {row[1]: row[6] for row in book["thema's"].iter_rows(min_row=2, values_only=True)}
    assert themes["Werkdruk"] == "het ministerie van OCW"
    assert themes["Zij-instroom en coördinatie"] == "alle betrokkenen"
    assert themes["Stage"] == "de sectorraden"
    votes = [row[2] for row in book["thema's"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, int) for v in votes)  # numbers stay numbers
    outcomes = [row[3] for row in book["peilingen"].iter_rows(min_row=2, values_only=True)]
    assert "gemiddelde: 2,67" in outcomes
    assert "Tijd (4×)" in outcomes and "Geld (2×)" in outcomes
    assert not [o for o in outcomes if o == "Tijd"]  # grouped, not repeated


def test_pdf_and_docx_speak_dutch_numbers_and_say_for_whom(shaped):
    bs, staff = shaped
    scale_and_open_poll(bs)
    _reader, text = pdf_text(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    flat = " ".join(text.split())
    assert "2,67" in flat and "2.67" not in flat
    assert "Tijd (4×)" in flat
    assert "Voor: het ministerie van OCW" in flat
    document, _xml = docx_of(staff, bs)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Voor: het ministerie van OCW" in body
    assert "Tijd (4×)" in body


def test_the_page_says_what_each_version_holds_and_downloads_the_chosen_audience(shaped, login):
    bs, staff = shaped
    page = staff.get(f"/sessions/{bs.id}/report?audience=ocw").get_data(as_text=True)
    # The downloads are buttons of the audience form: they carry the choice in "Voor".
    form = page[page.index('<form method="get" class="report-choice"') :]
    form = form[: form.index("</form>")]
    assert 'id="download-pdf"' in form and 'name="audience"' in form
    assert f'formaction="/sessions/{bs.id}/report.pdf"' in form
    assert "audience=alles" not in form
    assert "Wat elke versie bevat" in page
    assert "Voor deze groep: Werkdruk." in page  # OCW's own theme
    assert "Voor iedereen: Zij-instroom en coördinatie." in page
    # What such a button asks for: the file for the audience in the form.
    pdf = staff.get(f"/sessions/{bs.id}/report.pdf?audience=ocw")
    assert "-ocw-" in pdf.headers["Content-Disposition"]


def test_before_final_the_facilitator_sees_unnamed_or_undeepened_themes(shaped, login):
    bs, staff = shaped
    facilitator = login(db.session.get(User, bs.event.created_by_id))
    page = facilitator.get(f"/sessions/{bs.id}/report").get_data(as_text=True)
    warning = page[page.index('id="report-unfinished"') :]
    warning = warning[: warning.index("</div>")]
    # All three have a name; only "Werkdruk" has a recommendation.
    assert "Zij-instroom en coördinatie — geen verdieping" in warning
    assert "Stage — geen verdieping" in warning
    assert "Werkdruk" not in warning
    assert "Nog niet af" not in staff.get(f"/sessions/{bs.id}/report").get_data(as_text=True)


# --- read back by independent readers: poppler's pdftotext and LibreOffice ------------------


def test_pdftotext_reads_no_watermark_letters_and_the_right_subject(shaped, tmp_path):
    bs, staff = shaped
    path = tmp_path / "rapport.pdf"
    path.write_bytes(staff.get(f"/sessions/{bs.id}/report.pdf").data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    # "CONCEPT" only in words (page header, the note on page one), never as loose letters
    # of the diagonal watermark mixed into the body.
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert not [line for line in lines if len(line) <= 2 and line.isalpha()], lines
    assert "CONCEPT" in text
    assert "Adviesrapport voor alle betrokkenen" in " ".join(text.split())
    assert "voor Alle betrokkenen" not in text
    # The sector table has column headers.
    flat = " ".join(text.split())
    assert "Sector Deelnemers" in flat and "Partnerschap Deelnemers" in flat


def test_libreoffice_opens_the_docx_without_errors(shaped, tmp_path):
    bs, staff = shaped
    voted_with_a_poll(bs)
    source = tmp_path / "rapport.docx"
    source.write_bytes(staff.get(f"/sessions/{bs.id}/report.docx").data)
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "error" not in done.stdout.lower(), done
    converted = tmp_path / "rapport.pdf"
    text = subprocess.run(
        ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Werkdruk" in flat and "Eén uur per week extra voor elke schoolopleider" in flat
    # No header broken mid-word ("Percentag|e") whatever font stands in for Calibri.
    assert "Percentage" in flat and flat.count("Percentag") == flat.count("Percentage")
    assert "Stemmen" in flat and flat.count("Stemm") == flat.count("Stemmen")  # the appendix


def test_the_audit_trail_names_phases_in_dutch():
    from brainstorm.realtime.models import SessionEvent
    from brainstorm.reports.services import _audit_text

    words = [
        _audit_text(SessionEvent(name="phase_changed", payload={"phase": phase}))
        for phase in ("input", "review", "voting", "closed")
    ]
    assert words == ["fase: invoer open", "fase: bespreken", "fase: stemmen", "fase: afgesloten"]


def test_an_unchanged_report_is_rendered_once_and_a_change_renders_it_again(
    shaped, login, monkeypatch
):
    from brainstorm.reports import cache, views

    bs, staff = shaped
    cache.clear()
    calls = []
    label, mime, render = views.FORMATS["md"]
    monkeypatch.setitem(views.FORMATS, "md", (label, mime, lambda r: calls.append(r) or render(r)))
    first = staff.get(f"/sessions/{bs.id}/report.md").data
    assert staff.get(f"/sessions/{bs.id}/report.md").data == first
    assert len(calls) == 1
    facilitator = login(db.session.get(User, bs.event.created_by_id))
    facilitator.post(f"/sessions/{bs.id}/report", data={"introduction": "Nieuwe inleiding."})
    again = staff.get(f"/sessions/{bs.id}/report.md").data
    assert len(calls) == 2 and b"Nieuwe inleiding." in again
    staff.get(f"/sessions/{bs.id}/report.md?audience=ocw")
    assert len(calls) == 3  # another audience, another file
