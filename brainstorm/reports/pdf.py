"""Render an AdviceReport as PDF: templates/reports/report.typ typeset by Typst, as tagged
PDF/UA-1 (headings, lists, tables and the contents readable by a screen reader, as government
documents must be). The same sections and words as the preview and the DOCX (reports.wording).

Typst lays out a 60-page report in about half a second, where WeasyPrint took 7 s for the
preview's HTML; the report goes in as JSON (sys.inputs), so typed text is never read as markup.
It runs in a child process (reports/typeset.py), which gives its memory back when done.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from datetime import UTC
from pathlib import Path

from brainstorm.reports import wording
from brainstorm.reports.services import AdviceReport, ReportIdea

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "reports" / "report.typ"
TYPESET = Path(__file__).with_name("typeset.py")
# One font family, named directly: Typst reads this folder only instead of every system font
# (Debian's fonts-dejavu-core, installed by the Makefile); without it Typst's own fonts serve.
FONTS = Path("/usr/share/fonts/truetype/dejavu")
SHORT_CHARS = 1800
LONG_WORD, WRAP_CHARS, ZWSP = 40, 20, "\u200b"
_LONG_WORD = re.compile(rf"\S{{{LONG_WORD},}}")


def _wrappable(text: str) -> str:
    """Typst does not break inside a word, so a long one (a link pasted into a vraagstuk)
    would run off the page: it gets an invisible break opportunity every WRAP_CHARS."""
    if len(text) < LONG_WORD:
        return text
    return _LONG_WORD.sub(
        lambda word: ZWSP.join(
            word[0][i : i + WRAP_CHARS] for i in range(0, len(word[0]), WRAP_CHARS)
        ),
        text,
    )


def _idea(idea: ReportIdea) -> dict:
    return {
        "text": _wrappable(idea.text),
        "place": wording.place(idea),
        "poll": idea.source == "poll",
        "votes": wording.votes(idea.votes) if idea.votes else "",
    }


def _short(cluster) -> bool:
    """A theme that is kept on one page: at most five vraagstukken and some half a page of
    text in all (up to 3 x 4 000 characters of deepening would not fit on any page)."""
    texts = [cluster.summary, cluster.question, cluster.recommendation, cluster.for_whom]
    texts += [idea.text for idea in cluster.ideas]
    return len(cluster.ideas) <= 5 and sum(len(text) for text in texts) <= SHORT_CHARS


def _question(question) -> dict:
    rows = wording.poll_table(question) if question.respondents else []
    label, items = wording.question_bars(question)
    return {
        "text": question.text,
        "answers": wording.answers(question.respondents),
        "table": rows,
        "numeric": list(wording.numeric_columns(rows)) if rows else [],
        "summary": wording.poll_summary(question) if question.respondents else "",
        "open": [_wrappable(line) for line in wording.open_answers(question)],
        "bars_label": label,
        "bars": [list(item) for item in items],
    }


def report_data(report: AdviceReport) -> dict:
    """Everything the template shows, as JSON-ready values with the words already written."""
    raw_notes = [
        ", ".join(
            note
            for note in (
                idea.status,
                wording.origin(idea),
                wording.votes(idea.votes) if idea.votes else "",
            )
            if note
        )
        for idea in report.raw_input
    ]
    return {
        "title": report.title,
        "event_title": report.event_title,
        "subject": wording.subject(report),
        "keywords": [report.event_title, report.session_title]
        + [cluster.title for cluster in report.clusters],
        "generated": wording.dutch_date(report.generated_at),
        "final": report.final,
        "facts": [list(fact) for fact in wording.title_facts(report)],
        "draft_note": wording.DRAFT_NOTE,
        "introduction": wording.paragraphs(report.introduction),
        "participation": [list(table) for table in wording.participation_tables(report)],
        "named": report.named_participants,
        "votes_bars": [list(item) for item in wording.votes_bars(report)],
        "clusters": [
            {
                "heading": f"{number}. {cluster.title}",
                "meta": wording.cluster_meta(cluster),
                "summary": _wrappable(cluster.summary),
                "question": _wrappable(cluster.question),
                "recommendation": _wrappable(cluster.recommendation),
                "for_whom": cluster.for_whom if report.audience == "alles" else None,
                "ideas": [_idea(idea) for idea in cluster.ideas],
                "whole": _short(cluster),
            }
            for number, cluster in enumerate(report.clusters, start=1)
        ],
        "unclustered": [
            {"text": _wrappable(idea.text), "notes": wording.idea_notes(idea)}
            for idea in report.unclustered
        ],
        "polls": [
            {"title": poll.title, "questions": [_question(q) for q in poll.questions]}
            for poll in report.polls
        ],
        "raw": [
            {"text": _wrappable(idea.text), "notes": notes}
            for idea, notes in zip(report.raw_input, raw_notes, strict=True)
        ],
        "audit": [[_wrappable(cell) for cell in row] for row in wording.audit_table(report)],
        "words": {
            "introduction": wording.INTRODUCTION,
            "participation": wording.PARTICIPATION,
            "named": wording.NAMED,
            "themes": wording.THEMES,
            "not_clustered": wording.NOT_CLUSTERED,
            "basis": wording.BASIS,
            "unclustered": wording.UNCLUSTERED,
            "polls": wording.POLLS,
            "raw_input": wording.RAW_INPUT,
            "audit": wording.AUDIT,
        },
    }


def render_pdf(report: AdviceReport) -> bytes:
    """The report as PDF bytes. Needs no app context: safe in gevent's worker threads."""
    made = report.generated_at.astimezone(UTC).replace(microsecond=0)  # the PDF's date
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        source, target = Path(folder, "report.json"), Path(folder, "report.pdf")
        source.write_text(json.dumps(report_data(report), ensure_ascii=False), "utf-8")
        arguments = [TYPESET, TEMPLATE, FONTS, made.isoformat(), source, target]
        # Python's own posix_spawn and a blocking waitpid: gevent's (and its subprocess) watch
        # children on the main loop only, and this runs in a worker thread beside the loop.
        spawn, waitpid = _unpatched("posix_spawn"), _unpatched("waitpid")
        pid = spawn(sys.executable, [sys.executable, *map(str, arguments)], os.environ)
        try:
            _pid, status = waitpid(pid, 0)
            failed = os.waitstatus_to_exitcode(status) != 0
        except ChildProcessError:  # already reaped by gevent's SIGCHLD handler
            failed = False
        if failed or not target.exists():  # the child writes the file only when all went well
            raise RuntimeError("Typst could not typeset the report (its error is in the log)")
        return target.read_bytes()


def _unpatched(name: str):
    """The os function as Python has it, also where gevent replaced it."""
    try:
        from gevent import monkey
    except ImportError:
        return getattr(os, name)
    return monkey.get_original("os", name)
