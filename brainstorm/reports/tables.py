"""The report as tables: XLSX sheets and a zip of CSV files (clusters, vraagstukken, votes,
poll results, participation)."""

from __future__ import annotations

import io
import zipfile

from brainstorm.exports import Rows, csv_text, xlsx_bytes
from brainstorm.reports.services import AdviceReport


def report_tables(report: AdviceReport) -> dict[str, Rows]:
    """The five tables (Dutch sheet names), in the clusters' order."""
    clusters = [
        ["Nr.", "Thema", "Stemmen", "Samenvatting", "Onderliggende vraag", "Aanbeveling", "Voor"]
    ]
    cited = [(c.title, idea) for c in report.clusters for idea in c.ideas]
    cited += [("", idea) for idea in report.unclustered]
    # An event's report (several sessions) says which session each vraagstuk came from.
    by_session = any(idea.session for _title, idea in cited)
    session = ["Sessie"] if by_session else []
    ideas = [["Thema", "Vraagstuk", *session, "Groep", "Bron", "Stemmen"]]
    for title, idea in cited:
        where = [idea.session] if by_session else []
        ideas.append([title, idea.text, *where, idea.group, idea.source, idea.votes])
    for number, cluster in enumerate(report.clusters, start=1):
        clusters.append(
            [number, cluster.title, cluster.votes, cluster.summary, cluster.question,
             cluster.recommendation, cluster.for_whom]
        )  # fmt: skip
    votes = [["Thema", "Stemmen"]] + [[c.title, c.votes] for c in report.clusters]
    polls = [["Peiling", "Vraag", "Antwoorden", "Uitkomst"]]
    for poll in report.polls:
        for question in poll.questions:
            for line in question.lines or [""]:
                polls.append([poll.title, question.text, question.respondents, line])
    participation = [["Soort", "Waarde", "Aantal"]]
    for kind, counts in (
        ("deelnemers per sector", report.participants_by_sector),
        ("deelnemers per partnerschap", report.participants_by_partnership),
        ("aangemeld per sector", report.registered_by_sector),
        ("aangemeld per partnerschap", report.registered_by_partnership),
    ):
        participation += [[kind, key, value] for key, value in counts.items()]
    return {
        "thema's": clusters,
        "vraagstukken": ideas,
        "stemmen": votes,
        "peilingen": polls,
        "deelname": participation,
    }


def render_xlsx(report: AdviceReport) -> bytes:
    """One sheet per table."""
    return xlsx_bytes(report_tables(report), title=report.title)


def render_csv_zip(report: AdviceReport) -> bytes:
    """A zip with one CSV file per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in report_tables(report).items():
            archive.writestr(f"{name.replace(chr(39), '')}.csv", csv_text(rows))
    return buffer.getvalue()
