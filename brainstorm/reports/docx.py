"""Render an AdviceReport as a Word document."""

import io

from docx import Document
from docx.shared import Pt, RGBColor

from brainstorm.reports.services import AdviceReport

ACCENT = RGBColor(0x15, 0x42, 0x73)
MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def _dutch_date(moment) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def _cited(idea) -> str:
    """The vraagstuk with where it came from: "… (groep Noord, 3 stemmen)"."""
    notes = [f"groep {idea.group}" if idea.group else "", "uit de poll" if idea.source else ""]
    notes.append(f"{idea.votes} stemmen" if idea.votes else "")
    notes = [note for note in notes if note]
    return f"{idea.text} ({', '.join(notes)})" if notes else idea.text


def render_docx(report: AdviceReport) -> bytes:
    """The report as .docx bytes: title page facts, then each theme in order."""
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = ACCENT

    doc.core_properties.title = report.title
    doc.core_properties.language = "nl-NL"
    doc.add_heading(report.title, level=0)
    facts = doc.add_paragraph()
    facts.add_run("Aan: ").bold = True
    facts.add_run(report.addressee)
    facts.add_run("\nSessie: ").bold = True
    facts.add_run(report.session_title)
    facts.add_run("\nDatum: ").bold = True
    facts.add_run(_dutch_date(report.event_start))
    facts.add_run("\nDeelnemers: ").bold = True
    facts.add_run(f"{report.participants}, samen {report.idea_count} vraagstukken")
    if report.registered_by_sector:
        facts.add_run("\nAangemeld per sector: ").bold = True
        facts.add_run(", ".join(f"{k} {v}" for k, v in report.registered_by_sector.items()))
    if report.registered_by_partnership:
        facts.add_run("\nAangemeld per partnerschap: ").bold = True
        facts.add_run(", ".join(f"{k} {v}" for k, v in report.registered_by_partnership.items()))

    doc.add_heading("Thema's", level=1)
    if not report.clusters:
        doc.add_paragraph("De vraagstukken zijn (nog) niet geclusterd.")
    for number, cluster in enumerate(report.clusters, start=1):
        doc.add_heading(f"{number}. {cluster.title}", level=2)
        if cluster.terms:
            terms = doc.add_paragraph()
            terms.add_run("Kernwoorden: " + ", ".join(cluster.terms)).italic = True
        for label, text in (
            ("Samenvatting", cluster.summary),
            ("Onderliggende vraag", cluster.question),
            ("Aanbeveling", cluster.recommendation),
        ):
            if text:
                paragraph = doc.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(text)
        if cluster.votes:
            doc.add_paragraph(f"Stemmen van de deelnemers: {cluster.votes}")
        for idea in cluster.ideas:
            doc.add_paragraph(_cited(idea), style="List Bullet")

    if report.unclustered:
        doc.add_heading("Niet ingedeelde vraagstukken", level=1)
        for idea in report.unclustered:
            doc.add_paragraph(_cited(idea), style="List Bullet")

    if report.polls:
        doc.add_heading("Uitkomsten van de polls", level=1)
    for poll in report.polls:
        doc.add_heading(poll.title, level=2)
        for question in poll.questions:
            paragraph = doc.add_paragraph()
            paragraph.add_run(question.text).bold = True
            paragraph.add_run(f" ({question.respondents} antwoorden)")
            for line in question.lines:
                doc.add_paragraph(line, style="List Bullet")

    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = f"Gemaakt met brainstorm op {_dutch_date(report.generated_at)}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
