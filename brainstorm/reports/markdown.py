"""Render an AdviceReport as Markdown: CommonMark with GitHub-style pipe tables, in the order
and with the words of the HTML and the DOCX (shared through reports.wording).

Everything people typed is escaped, so a vraagstuk like "*alle* scholen" or "1. eerst" stays
text and never becomes emphasis, a list or a table cell border.
"""

from __future__ import annotations

import re

from brainstorm.reports import wording
from brainstorm.reports.services import AdviceReport, ReportIdea

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LIST_START = re.compile(r"^(\d{1,9})([.)])")


def render_markdown(report: AdviceReport) -> str:
    """The report as one Markdown text, ending in a newline."""
    out: list[str] = []
    if not report.final:
        out += ["> **Concept**\n>\n> " + wording.DRAFT_NOTE]
    out.append(f"# {_text(report.title)}")
    out.append(
        _list(f"**{label}:** {_text(value)}" for label, value in wording.title_facts(report))
    )
    out.append(f"*Gemaakt op {wording.dutch_date(report.generated_at)} met brainstorm*")

    out.append("## Inhoud")
    lines = []
    for level, number, text in wording.contents(report):
        marker = f"{number}." if number else "-"
        lines.append(f"{'  ' * level}{marker} {_start(_text(text))}")
    out.append("\n".join(lines))

    if report.introduction.strip():
        out.append(f"## {wording.INTRODUCTION}")
        out += [_lines(paragraph) for paragraph in wording.paragraphs(report.introduction)]

    out.append(f"## {wording.PARTICIPATION}")
    tables = wording.participation_tables(report)
    if not tables:
        out.append("Er deden (nog) geen deelnemers mee.")
    for caption, rows in tables:
        out += [f"**{caption}**", _table(rows)]
    if report.named_participants:
        out.append(f"**{wording.NAMED}:** {_text(', '.join(report.named_participants))}")

    out.append(f"## {_text(wording.THEMES)}")
    if not report.clusters:
        out.append(wording.NOT_CLUSTERED)
    for number, cluster in enumerate(report.clusters, start=1):
        out.append(f"### {number}. {_text(cluster.title)}")
        out.append(f"*{wording.cluster_meta(cluster)}*")
        for label, text in (
            ("Samenvatting", cluster.summary),
            ("Onderliggende vraag", cluster.question),
            ("Aanbeveling", cluster.recommendation),
        ):
            if text:
                out.append(f"**{label}:** {_text(text)}")
        if report.audience == "alles":
            out.append(f"**Voor:** {cluster.for_whom}")
        out.append(f"**{wording.BASIS}**")
        if cluster.ideas:
            out.append(_cited(cluster.ideas))
    if report.unclustered:
        out += [f"### {wording.UNCLUSTERED}", _cited(report.unclustered)]

    if report.polls:
        out.append(f"## {wording.POLLS}")
    for poll in report.polls:
        out.append(f"### {_text(poll.title)}")
        for question in poll.questions:
            out.append(f"**{_text(question.text)}** ({wording.answers(question.respondents)})")
            if not question.respondents:
                continue
            rows = wording.poll_table(question)
            if rows:
                out.append(_table(rows))
            summary = wording.poll_summary(question)
            if summary:
                out.append(summary)
            answers = wording.open_answers(question)
            if answers:
                out.append(_list(_text(answer) for answer in answers))

    out.append(f"## {wording.RAW_INPUT}")
    if report.raw_input:
        out.append(_table(wording.raw_input_table(report)))
    else:
        out.append("Er is geen invoer.")
    out.append(f"## {wording.AUDIT}")
    if report.audit:
        out.append(_table(wording.audit_table(report)))
    else:
        out.append("Er zijn geen wijzigingen vastgelegd.")
    return "\n\n".join(out) + "\n"


def _text(value: str) -> str:
    """Typed text as inline Markdown on one line: what would format is escaped."""
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", " ".join(str(value).split())))


def _start(line: str) -> str:
    """A line that begins a block: a leading "#", "-", "+", "=" or "1." stays text."""
    if line[:1] in ("#", "-", "+", "="):
        return "\\" + line
    return _LIST_START.sub(r"\1\\\2", line)


def _lines(paragraph: str) -> str:
    """A paragraph of the facilitator's text, its single line breaks kept (hard breaks)."""
    lines = [_start(_text(line)) for line in paragraph.split("\n") if line.strip()]
    return "\\\n".join(lines)


def _list(items) -> str:
    return "\n".join(f"- {_start(item)}" for item in items)


def _cited(ideas: list[ReportIdea]) -> str:
    """Each vraagstuk with its breakout group, source and votes."""
    items = []
    for idea in ideas:
        notes = wording.idea_notes(idea)
        items.append(_text(idea.text) + (f" ({_text(notes)})" if notes else ""))
    return _list(items)


def _table(rows: list[list[str]]) -> str:
    """A pipe table; numeric columns aligned right."""
    header, body = rows[0], rows[1:]
    numeric = wording.numeric_columns(rows)
    lines = ["| " + " | ".join(_text(cell) for cell in header) + " |"]
    rules = ("---:" if i in numeric else "---" for i in range(len(header)))
    lines.append("| " + " | ".join(rules) + " |")
    lines += ["| " + " | ".join(_text(cell) or " " for cell in row) + " |" for row in body]
    return "\n".join(lines)


def render_markdown_file(report: AdviceReport) -> bytes:
    """The Markdown as UTF-8 bytes, for the download."""
    return render_markdown(report).encode()
