"""A session exported as JSON for the organisation's archive, and imported again."""

import io
import json
from datetime import time
from uuid import uuid4

from sqlalchemy import func, select

from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.polls import services as polls
from brainstorm.sessions.models import BrainstormSession, Idea
from brainstorm.workspace import corrections, runs
from brainstorm.workspace import services as workspace

TEXTS = [
    "Stageplekken verdelen over de scholen in de regio",
    "Stagevergoeding voor studenten op de pabo",
    "Een stagebank voor alle studenten in de regio",
    "Zij-instromers hebben een eigen begeleidingstraject nodig",
    "Financiering van zij-instroom trajecten",
    "Zij-instromers vallen snel uit zonder goede inductie",
]


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


def canonical(document: dict) -> dict:
    """The export without what differs between two copies: ids become positions, times go."""
    positions = {
        name: {row["id"]: n for n, row in enumerate(rows) if "id" in row}
        for name, rows in document.items()
        if isinstance(rows, list)
    }
    refs = {"participant_id": "participants", "idea_id": "ideas", "cluster_id": "clusters",
            "group_id": "groups", "merged_into_id": "ideas", "representative_idea_id": "ideas",
            "question_id": "questions", "poll_id": "polls", "host_id": "participants"}  # fmt: skip

    def clean(name: str, row: dict) -> dict:
        out = {}
        for key, value in row.items():
            if key in ("id", "slug", "created_at", "updated_at") or key.endswith("_at"):
                continue
            if key in refs and value is not None:
                value = positions[refs[key]][value]
            if key == "respondent" and value.startswith("participant:"):
                value = f"participant:{positions['participants'][int(value.split(':')[1])]}"
            out[key] = value
        return out

    session = {k: v for k, v in document["session"].items() if k not in ("phase",)}
    session.pop("created_at", None)
    session.pop("report_poll_ids", None)
    return {"session": session} | {
        name: [clean(name, row) for row in rows]
        for name, rows in document.items()
        if isinstance(rows, list)
    }


def test_a_session_exported_and_imported_elsewhere_is_the_same_session(
    app, make_user, make_session, login, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    command(console, "update_settings", idea_limit=20)
    command(console, "set_phase", phase="input")
    anna, bram = join(bs, "Anna"), join(bs, "Bram")
    ids = [
        command(person, "submit_idea", text=text, client_id=str(uuid4()))["id"]
        for person, text in zip([anna, bram] * 3, TEXTS, strict=True)
    ]
    command(console, "hide_idea", idea_id=ids[5])
    runs.run_clustering(bs, facilitator, k=2)
    first = workspace.ordered_clusters(bs)[0]
    corrections.rename_cluster(bs, facilitator, first.id, "Stages in de regio")
    corrections.update_deepening(bs, facilitator, first.id, recommendation="Eén stagebank.")
    command(console, "set_phase", phase="voting")
    command(anna, "vote", idea_id=ids[0])
    poll = polls.create_poll(bs.event, facilitator, "Live", "live", session=bs)
    question = polls.add_question(
        poll, facilitator, polls.QuestionData(type="open", text="Wat wil je de minister zeggen?")
    )
    polls.set_question_state(bs, facilitator, question.id, "open")
    command(bram, "poll_answer", question_id=question.id, value="Meer tijd voor begeleiding")
    organiser = login(facilitator)

    exported = organiser.get(f"/sessions/{bs.id}/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    document = json.loads(exported.data)
    assert [i["text"] for i in document["ideas"]] == TEXTS
    assert [len(document[name]) for name in ("votes", "clusters", "answers")] == [1, 2, 1]

    other = create_event(facilitator, "Terugkomdag", bs.event.starts_at.date(), time(9), time(12))
    db.session.commit()
    done = organiser.post(
        f"/events/{other.id}/sessions/import",
        data={"archive": (io.BytesIO(exported.data), "sessie.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "Sessie teruggezet" in done.get_data(as_text=True)
    copy = db.session.scalar(select(BrainstormSession).filter_by(event_id=other.id))
    assert copy.phase == "closed" and copy.join_code != bs.join_code
    again = json.loads(organiser.get(f"/sessions/{copy.id}/export.json").data)
    assert canonical(again) == canonical(document)
    # The imported copy is a real session: its report reads it like the original.
    report = organiser.get(f"/sessions/{copy.id}/report").get_data(as_text=True)
    assert "Stages in de regio" in report and "Eén stagebank." in report


def test_a_broken_export_is_refused_in_words_and_nothing_is_written(
    app, make_user, make_session, login
):
    facilitator = make_user()
    bs = make_session(facilitator)
    organiser = login(facilitator)
    before = db.session.scalar(select(func.count(BrainstormSession.id)))
    document = json.loads(organiser.get(f"/sessions/{bs.id}/export.json").data)
    document["ideas"] = [{"id": 1, "participant_id": 999, "text": "wees", "client_id": "x"}]

    for upload, message in [
        (b"geen json", "Dit is geen export van een brainstormsessie."),
        (json.dumps({"format": "iets anders"}).encode(), "Dit is geen export"),
        (json.dumps(document).encode(), "onvolledig of beschadigd"),
    ]:
        response = organiser.post(
            f"/events/{bs.event_id}/sessions/import",
            data={"archive": (io.BytesIO(upload), "sessie.json")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BrainstormSession.id))) == before
    assert db.session.scalar(select(func.count(Idea.id))) == 0


def test_a_participant_can_neither_export_nor_import(app, make_session, join):
    bs = make_session()
    anna = join(bs, "Anna")
    assert anna.http.get(f"/sessions/{bs.id}/export.json").status_code in (302, 401, 403)
    response = anna.http.post(
        f"/events/{bs.event_id}/sessions/import",
        data={"archive": (io.BytesIO(b"{}"), "x.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 401, 403)


def test_an_import_keeps_the_reports_choice_of_the_events_polls_and_its_own(
    app, make_user, make_session, login
):
    facilitator = make_user()
    bs = make_session(facilitator)
    before = [polls.create_poll(bs.event, facilitator, f"Vooraf {n}") for n in (1, 2)]
    live = polls.create_poll(bs.event, facilitator, "Live", "live", session=bs)
    db.session.commit()
    bs.report_poll_ids = [before[0].id, before[1].id, live.id]
    db.session.commit()
    organiser = login(facilitator)
    exported = organiser.get(f"/sessions/{bs.id}/export.json").data

    organiser.post(
        f"/events/{bs.event_id}/sessions/import",
        data={"archive": (io.BytesIO(exported), "sessie.json")},
        content_type="multipart/form-data",
    )

    copy = db.session.scalars(
        select(BrainstormSession).filter_by(event_id=bs.event_id).order_by(BrainstormSession.id)
    ).all()[-1]
    assert copy.id != bs.id
    new_live = [i for i in copy.report_poll_ids if i not in (before[0].id, before[1].id)]
    assert copy.report_poll_ids[:2] == [before[0].id, before[1].id]
    assert len(new_live) == 1 and new_live[0] != live.id
