"""Rendering the advice report of a big session, per download format.

    python -m tests.benchmarks.reports [--ideas 500] [--clusters 30] [--polls 5] [--seed 0]
                                       [--keep DIR]

A fresh SQLite file holds one session of that many vraagstukken (perturbed texts of the Dutch
evaluation set) from 60 participants in three sectors, a few hidden, clustered by
runs.run_clustering with k fixed (the engine's maximum, 20; the facilitator then splits the
largest cluster until there are k), with dots on ideas and clusters, and that many
pre-session polls (one question of each type, 60 respondents) made and answered through
polls.services. The report value is built once (`build_s`); then each renderer of
reports.views.FORMATS (docx, pdf, xlsx, zip, md, whatever is registered) runs twice in the same
process: `seconds` the first run (for the DOCX that includes loading matplotlib; the PDF is
typeset in a new child process each time), `seconds_warm` the second, as in a running server
after the facilitator renamed a theme (a changed report: its contents, headings and vote chart
change, nothing comes from reports.cache; a chart whose data did not change is the first run's
picture), and
`seconds_again` downloading the unchanged report again (the value built anew, the file from
reports.cache). Next to each wall time the CPU time of the process and its children (the PDF is
typeset in a child process) (`cpu_s`, `cpu_warm_s`): on a shared machine the wall time also
counts other work, the CPU time only this render. One JSON
line per format. --keep DIR writes the files.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

from tests.benchmarks.clustering import perturbed_sample

PARTICIPANTS = 60
SECTORS = ("po", "vo", "mbo", "anders")
PARTNERSHIPS = ("Samen Opleiden Noord", "RATO Oost", "Opleidingsschool Zuid-Holland", "")
OPTIONS = ["Werkdruk", "Zij-instroom", "Stageplekken", "Financiering", "Coördinatie"]
WORDS = ["werkdruk", "begeleiding", "tijd", "geld", "samenwerking", "coördinatie", "stage"]


def build_session(n: int, k: int, polls_wanted: int, seed: int):
    """A session as described above; returns it (inside the caller's app context)."""
    from brainstorm.accounts import services as accounts
    from brainstorm.accounts.models import Role
    from brainstorm.events.services import create_event
    from brainstorm.polls import services as polls
    from brainstorm.polls.models import QuestionType
    from brainstorm.sessions import board
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Phase
    from brainstorm.workspace import corrections, runs
    from brainstorm.workspace import services as workspace

    rng = random.Random(seed)
    user = accounts.create_user(
        "bench@example.org", "correct horse battery", Role.FACILITATOR, name="Bench"
    )
    event = create_event(
        user,
        "Brainstormsessie RATO",
        date(2026, 12, 14),
        clock(15),
        clock(17),
        location="Utrecht, Jaarbeurs",
    )
    bs = sessions.create_session(event, "Vraagstukken Samen Opleiden")
    sessions.update_settings(bs, user, {"idea_limit": 100})
    people = [
        sessions.join_session(
            bs,
            f"Deelnemer {i}",
            SECTORS[i % len(SECTORS)],
            PARTNERSHIPS[i % len(PARTNERSHIPS)],
            may_be_named=i % 3 == 0,
        )
        for i in range(PARTICIPANTS)
    ]
    ideas = [
        board.submit_idea(bs, people[i % PARTICIPANTS], text, f"00000000-0000-4000-8000-{i:012d}")
        for i, text in enumerate(perturbed_sample(n, seed))
    ]
    for idea in rng.sample(ideas, 5):
        board.hide_idea(bs, user, idea.id)
    # The engine makes at most K_MAX clusters; beyond that the facilitator splits the largest.
    runs.run_clustering(bs, user, k=min(k, workspace.K_MAX))
    while len(workspace.ordered_clusters(bs)) < k:
        members = workspace.members_by_cluster(bs)
        largest = max(workspace.ordered_clusters(bs), key=lambda c: len(members.get(c.id, [])))
        corrections.split_cluster(bs, user, largest.id, 2)

    clusters = workspace.ordered_clusters(bs)
    for number, cluster in enumerate(clusters[:10]):
        corrections.update_deepening(
            bs,
            user,
            cluster.id,
            summary=f"Samenvatting van thema {number + 1}: de deelnemers zien knelpunten.",
            question="Wat is er nodig om dit in de regio samen op te lossen?",
            recommendation="Maak er één regionale afspraak over, met geld voor begeleiding.",
        )
    sessions.set_phase(bs, user, Phase.VOTING)
    bs.themes_shown = True  # the room votes on themes it was shown
    on_board = [idea for idea in ideas if not idea.hidden]
    for person in people:
        for idea in rng.sample(on_board, 3):
            board.vote(bs, person, idea.id)
        for cluster in rng.sample(clusters, 3):
            workspace.vote_cluster(bs, person, cluster.id)

    kinds = [
        (QuestionType.SINGLE, "Uit welke sector komt u?", OPTIONS[:4]),
        (QuestionType.MULTIPLE, "Welke onderwerpen vindt u belangrijk?", OPTIONS),
        (QuestionType.SCALE, "Hoe tevreden bent u over de samenwerking in de regio?", []),
        (QuestionType.RANKING, "Zet deze onderwerpen in volgorde van urgentie.", OPTIONS),
        (QuestionType.WORDS, "Welk woord past bij samen opleiden?", []),
        (QuestionType.OPEN, "Wat wilt u de minister meegeven?", []),
    ]
    for number in range(polls_wanted):
        poll = polls.create_poll(event, user, f"Peiling vooraf {number + 1}")
        questions = [
            polls.add_question(poll, user, polls.QuestionData(kind, text, list(options)))
            for kind, text, options in kinds
        ]
        for respondent in range(PARTICIPANTS):
            answers = {}
            for question in questions:
                if question.type == QuestionType.SINGLE:
                    answers[question.id] = rng.randrange(len(question.options))
                elif question.type == QuestionType.MULTIPLE:
                    answers[question.id] = rng.sample(range(len(question.options)), 2)
                elif question.type == QuestionType.SCALE:
                    answers[question.id] = rng.randint(1, 5)
                elif question.type == QuestionType.RANKING:
                    answers[question.id] = rng.sample(range(len(question.options)), 5)
                elif question.type == QuestionType.WORDS:
                    answers[question.id] = " ".join(rng.sample(WORDS, 2))
                else:
                    answers[question.id] = f"Meer tijd voor begeleiding ({respondent})."
            polls.submit_response(poll, f"respondent-{number}-{respondent}", answers)
    return bs


def cpu_time() -> float:
    """CPU seconds of this process and of its children that ended (the PDF's typesetter)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(n: int, k: int, polls_wanted: int, seed: int, keep: Path | None) -> list[dict]:
    """Build the session, then time the report value and every format."""
    from brainstorm import create_app
    from brainstorm.accounts.models import User
    from brainstorm.extensions import db
    from brainstorm.reports import cache
    from brainstorm.reports import services as reports
    from brainstorm.reports.views import FORMATS
    from brainstorm.workspace import corrections
    from brainstorm.workspace import services as workspace

    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
            "TESTING": True,
            "SLOT_DELAY": 0,
        }
    )
    gc.freeze()  # as wsgi.py does once the app is loaded
    with app.app_context(), app.test_request_context():
        db.create_all()
        bs = build_session(n, k, polls_wanted, seed)
        user = db.session.get(User, bs.event.created_by_id)
        started = time.perf_counter()
        report = reports.build_report(bs)
        size = {
            "ideas": report.idea_count,
            "clusters": len(report.clusters),
            "polls": len(report.polls),
            "questions": sum(len(poll.questions) for poll in report.polls),
        }
        lines = [
            {"benchmark": "reports", "format": "value", **size}
            | {"build_s": round(time.perf_counter() - started, 3)}
        ]
        for fmt, (_label, _mime, render) in FORMATS.items():
            times, cpu = [], []
            for changed in (False, True):
                if changed:  # a new title for the first theme, one per format
                    first = workspace.ordered_clusters(bs)[0]
                    corrections.rename_cluster(bs, user, first.id, f"Werkdruk ({fmt})")
                    report = reports.build_report(bs)
                started, cpu_started = time.perf_counter(), cpu_time()
                data = render(report)
                times.append(time.perf_counter() - started)
                cpu.append(cpu_time() - cpu_started)
            # Downloading the unchanged report again: the value is built anew, the file is
            # the one kept (reports.cache) since the first download.
            cache.rendered(report, fmt, lambda made=data: made)  # the file just made
            started = time.perf_counter()
            again = cache.rendered(reports.build_report(bs), fmt, lambda: b"")
            again_s = time.perf_counter() - started
            assert again  # the kept file, not a new (empty) rendering
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / reports.report_filename(report, fmt)).write_bytes(data)
            lines.append(
                {
                    "benchmark": "reports",
                    "format": fmt,
                    **size,
                    "seconds": round(times[0], 3),
                    "seconds_warm": round(times[1], 3),
                    "seconds_again": round(again_s, 3),
                    "cpu_s": round(cpu[0], 3),
                    "cpu_warm_s": round(cpu[1], 3),
                    "kb": round(len(data) / 1024),
                }
            )
        return lines


def main() -> None:
    """Print one JSON line per format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=500)
    parser.add_argument("--clusters", type=int, default=30)
    parser.add_argument("--polls", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    for line in measure(args.ideas, args.clusters, args.polls, args.seed, args.keep):
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
